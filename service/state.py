"""What the service holds between requests: the model, the scoring slots and the batcher."""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from model.pipeline import Klarsteg, NoteInput
from model.schema import ScoreResult
from model.settings import Settings
from service.errors import ServiceError

T = TypeVar("T")


class NoteBatcher:
    """Scores the single notes of concurrent ``POST /v1/score`` requests together.

    One thread takes every note waiting when it is free (at most ``max_batch``) and scores
    them with one ``score_many`` call: the span model then runs once over several notes,
    which costs much less than once per note. A lone request is scored at once (nothing
    waits for company). If a batch fails, its notes are scored one by one, so a note that
    breaks the model fails alone, with its own exception.
    """

    def __init__(self, model: Klarsteg, max_batch: int = 16) -> None:
        self._model = model
        self._max_batch = max_batch
        self._queue: list[tuple[NoteInput, concurrent.futures.Future[ScoreResult]]] = []
        self._ready = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="klarsteg-batcher", daemon=True)
        self._thread.start()

    def submit(self, note: NoteInput) -> concurrent.futures.Future[ScoreResult]:
        future: concurrent.futures.Future[ScoreResult] = concurrent.futures.Future()
        with self._ready:
            if self._stopped:
                raise ServiceError(503, "the service is shutting down", headers={"Retry-After": "1"})
            self._queue.append((note, future))
            self._ready.notify()
        return future

    def stop(self) -> None:
        with self._ready:
            self._stopped = True
            self._ready.notify()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._stopped:
                    self._ready.wait()
                if not self._queue:
                    return
                taken = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            batch = [(n, f) for n, f in taken if f.set_running_or_notify_cancel()]
            if batch:
                self._score(batch)

    def _score(self, batch: list[tuple[NoteInput, concurrent.futures.Future[ScoreResult]]]) -> None:
        try:
            results = self._model.score_many([n for n, _ in batch])
        except Exception:
            for note, future in batch:
                try:
                    future.set_result(self._model.score_many([note])[0])
                except Exception as exc:
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)


@dataclass
class ServiceState:
    """What the app holds between requests: settings, the model and the scoring slots."""

    settings: Settings
    model: Klarsteg | None = None
    slots: anyio.Semaphore | None = None
    limiter: anyio.CapacityLimiter | None = None
    batcher: NoteBatcher | None = None
    owns_model: bool = field(default=False)
    admitted: int = 0  # scoring requests in the service now, scoring or waiting for a slot
    lifecycle: list[tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]] = field(
        default_factory=list
    )

    def on_lifespan(self, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]) -> None:
        """Run ``start`` once the model is loaded and ``stop`` at shutdown (in reverse order):
        how background parts (the webhook event processor, stores) join the app's lifespan."""
        self.lifecycle.append((start, stop))

    def open(self) -> None:
        """Create the scoring slots (in the lifespan: they belong to the running event loop)."""
        n = self.settings.max_concurrency
        self.slots = anyio.Semaphore(n, max_value=n)
        self.limiter = anyio.CapacityLimiter(n)

    def close(self) -> None:
        self.slots = self.limiter = None

    def admit(self) -> bool:
        """Let one more scoring request in, unless the slots and the short queue behind them
        are full. Called before the body is read, so a burst holds no bodies; every
        admitted request must call :meth:`leave`."""
        if self.admitted >= self.settings.max_concurrency + self.settings.max_queue:
            return False
        self.admitted += 1
        return True

    def leave(self) -> None:
        self.admitted -= 1

    async def _acquire(self) -> None:
        """Take a scoring slot, or answer 503 when none frees up in time."""
        if self.slots is None or self.limiter is None:
            raise ServiceError(503, "the model is not loaded yet", headers={"Retry-After": "1"})
        acquired = False
        with anyio.move_on_after(self.settings.queue_timeout_s):
            await self.slots.acquire()
            acquired = True
        if not acquired:
            retry = str(max(1, math.ceil(self.settings.queue_timeout_s)))
            raise ServiceError(
                503,
                "the service is busy scoring other notes: try again shortly",
                headers={"Retry-After": retry},
            )

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run CPU-bound ``fn`` in a worker thread once a slot frees up, or answer 503."""
        await self._acquire()
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)
        finally:
            self.slots.release()  # type: ignore[union-attr]

    async def score_one(self, model: Klarsteg, note: NoteInput) -> ScoreResult:
        """Score one note once a slot frees up (or answer 503), batched with the notes of
        concurrent requests when the batcher runs."""
        if self.batcher is None:
            return (await self.run(model.score_many, [note]))[0]
        await self._acquire()
        try:
            future = asyncio.wrap_future(self.batcher.submit(note))
            # Like a worker thread, a note being scored holds its slot until it is done.
            with anyio.CancelScope(shield=True):
                return await future
        finally:
            self.slots.release()  # type: ignore[union-attr]
