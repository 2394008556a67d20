"""The webhook event queue: store events durably, process them in the background, retry.

:class:`WebhookQueue` joins the app's lifespan (``ServiceState.on_lifespan``): at start it
opens the store (``service.integrations.store``), makes every pending event due (a restart
resumes the queue) and starts one background task; at shutdown it stops that task and gives
its claimed events back to the queue. The receivers call :meth:`WebhookQueue.add`, which
returns once the events are committed to disk: only then do they answer 2xx.

The background task claims due events a few at a time and processes them concurrently:
fetch the note from the CRM, score it (through the service's scoring slots), write the
result back. A :class:`~service.integrations.http.Transient` error (429, 5xx, a timeout, a
CRM that is down, busy scoring slots) puts the event back in the queue for later:
``webhook_retry_base_s`` doubling with each attempt up to ``webhook_retry_max_s``, or the
CRM's ``Retry-After`` when that is longer, until ``webhook_max_attempts`` are used up. A
:class:`~service.integrations.http.CrmError` (a deleted note, a missing property) fails the
event at once, with a message that says what to do.

Logs name events by their id, source and status only: never note text, tokens or secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread

from model.normalize import html_to_text
from model.pipeline import validate_input
from model.schema import ScoreResult
from service.errors import ServiceError, log_exception
from service.integrations import hubspot, pipedrive
from service.integrations.http import CrmClient, CrmError, Transient, backoff
from service.integrations.store import EventStore, NewEvent, Outcome, StoredEvent
from service.state import ServiceState

log = logging.getLogger("klarsteg.integrations")

CONCURRENCY = 4  # events processed at once
LEASE_S = 600.0  # a claimed event is taken up again after this long (its process died)
PRUNE_EVERY_S = 3600.0

Processor = Callable[[StoredEvent, Any, "Work"], Awaitable[Outcome]]


class Work:
    """What processing one event may use: settings, the time zone, scoring, the store."""

    def __init__(self, queue: WebhookQueue) -> None:
        self._queue = queue
        self.settings = queue.state.settings
        self.tz = ZoneInfo(self.settings.crm_timezone) if self.settings.crm_timezone else None

    def today(self) -> date:
        return datetime.now(self.tz).date() if self.tz else date.today()

    async def score(self, html: Any, note_date: date | None) -> ScoreResult | Outcome:
        """Score a note's body (CRM HTML or text); an :class:`Outcome` when there is nothing to score."""
        if not isinstance(html, str):
            return Outcome("skipped", error="the note has no text")
        text = html_to_text(html).strip()
        if not text:
            return Outcome("skipped", error="the note has no text")
        limit = self.settings.max_text_chars
        if len(text) > limit:
            return Outcome(
                "failed",
                error=f"the note is {len(text)} characters long; the limit is {limit} (KLARSTEG_MAX_TEXT_CHARS)",
            )
        try:
            note = validate_input(text, note_date or self.today(), "auto", max_chars=limit)
        except ValueError:
            return Outcome("failed", error="the note's text cannot be scored (not valid Unicode)")
        state = self._queue.state
        if state.model is None:
            raise Transient("the model is not loaded yet")
        try:
            return await state.score_one(state.model, note)
        except ServiceError as exc:
            raise Transient(f"scoring is busy ({exc.status})") from None

    async def followup_for(self, source: str, object_id: str) -> str | None:
        return await anyio.to_thread.run_sync(self._queue.store.followup_for, source, object_id)

    async def set_followup(self, event_id: int, followup_id: str) -> None:
        await anyio.to_thread.run_sync(self._queue.store.set_followup, event_id, followup_id)

    @staticmethod
    def done(result: ScoreResult, written: str | None) -> Outcome:
        return Outcome(
            "done", score=result.score, verdict=result.verdict, missing=tuple(result.missing), written=written
        )


class WebhookQueue:
    """The durable event queue and its background processor, for the CRMs that are configured."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        settings = state.settings
        self.hubspot_on = hubspot.enabled(settings)
        self.pipedrive_on = pipedrive.enabled(settings)
        self.store = EventStore(settings.data_dir)
        self.opened = False
        self._clients: dict[str, CrmClient | None] = {}
        self._processors: dict[str, Processor] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._claimed: set[int] = set()

    @property
    def active(self) -> bool:
        """True when at least one CRM receiver is on."""
        return self.hubspot_on or self.pipedrive_on

    async def start(self) -> None:
        """Open the store, resume pending events and start processing (only when a CRM is on)."""
        settings = self.state.settings
        if settings.hubspot_client_secret is not None and settings.hubspot_access_token is None:
            log.warning(
                "KLARSTEG_HUBSPOT_CLIENT_SECRET is set without KLARSTEG_HUBSPOT_ACCESS_TOKEN: the HubSpot webhook stays off"
            )
        if settings.hubspot_access_token is not None and settings.hubspot_client_secret is None:
            log.warning(
                "KLARSTEG_HUBSPOT_ACCESS_TOKEN is set without KLARSTEG_HUBSPOT_CLIENT_SECRET: the HubSpot webhook stays off"
            )
        if bool(settings.pipedrive_webhook_user) != (settings.pipedrive_webhook_password is not None):
            log.warning(
                "set both KLARSTEG_PIPEDRIVE_WEBHOOK_USER and _PASSWORD: the Pipedrive webhook stays off"
            )
        if not self.active:
            return
        try:
            await anyio.to_thread.run_sync(self.store.open)
        except (OSError, sqlite3.Error) as exc:
            log.error(
                "the webhook store %s cannot be opened (%s): check KLARSTEG_DATA_DIR",
                self.store.path,
                type(exc).__name__,
            )
            raise
        self.opened = True
        resumed = await anyio.to_thread.run_sync(self.store.resume)
        pruned = await anyio.to_thread.run_sync(self.store.prune, settings.webhook_retention_days)
        if self.hubspot_on:
            self._clients[hubspot.SOURCE] = hubspot.client(settings)
            self._processors[hubspot.SOURCE] = hubspot.process
        if self.pipedrive_on:
            self._clients[pipedrive.SOURCE] = pipedrive.client(settings)
            self._processors[pipedrive.SOURCE] = pipedrive.process
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="klarsteg-webhooks")
        log.info(
            "webhook queue started: hubspot=%s pipedrive=%s resumed=%d pruned=%d store=%s",
            self.hubspot_on,
            self.pipedrive_on,
            resumed,
            pruned,
            self.store.path,
        )

    async def stop(self) -> None:
        """Stop processing, give claimed events back to the queue, close the clients and store."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._claimed and self.opened:
            self.store.release(sorted(self._claimed))
            self._claimed.clear()
        for api in self._clients.values():
            if api is not None:
                await api.aclose()
        self._clients.clear()
        if self.opened:
            self.store.close()
            self.opened = False

    async def add(self, events: list[NewEvent]) -> tuple[int, int]:
        """Store events durably (deduplicated) and wake the processor: (new, duplicates)."""
        if not self.opened:
            raise ServiceError(503, "the webhook queue is not open yet", headers={"Retry-After": "1"})
        if not events:
            return 0, 0
        try:
            new, duplicates = await anyio.to_thread.run_sync(self.store.add, events)
        except sqlite3.Error as exc:  # a full disk, a locked file: the CRM delivers again later
            log_exception("webhook events could not be stored", exc)
            raise ServiceError(
                503, "the event could not be stored: try again later", headers={"Retry-After": "30"}
            ) from None
        if new:
            self._wake.set()
        return new, duplicates

    async def listing(self, **query: Any) -> list[dict[str, Any]]:
        """The stored events, newest first (empty when no CRM is configured)."""
        if not self.opened:
            return []
        return await anyio.to_thread.run_sync(lambda: self.store.listing(**query))

    async def _run(self) -> None:
        last_prune = time.monotonic()
        while True:
            self._wake.clear()  # before claiming: an event added from here on wakes the wait below
            try:
                batch = await anyio.to_thread.run_sync(self.store.claim, CONCURRENCY, LEASE_S)
            except Exception as exc:  # a locked or broken database: log, wait, try again
                log_exception("the webhook queue could not claim events", exc)
                batch = []
                await asyncio.sleep(5)
            if batch:
                self._claimed.update(e.id for e in batch)
                # Events of the same note run one after the other (a creation and a body change
                # often arrive together): the second sees the first's task, and creates none.
                by_note: dict[tuple[str, str], list[StoredEvent]] = {}
                for event in batch:
                    by_note.setdefault((event.source, event.object_id), []).append(event)
                await asyncio.gather(*(self._process_in_order(events) for events in by_note.values()))
                continue
            if time.monotonic() - last_prune > PRUNE_EVERY_S:
                last_prune = time.monotonic()
                await anyio.to_thread.run_sync(self.store.prune, self.state.settings.webhook_retention_days)
            due_in = await anyio.to_thread.run_sync(self.store.next_due_in)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=min(due_in if due_in is not None else 60.0, 60.0)
                )

    async def _process_in_order(self, events: list[StoredEvent]) -> None:
        for event in events:
            await self._process(event)

    async def _process(self, event: StoredEvent) -> None:
        settings = self.state.settings
        started = time.perf_counter()
        retry_in: float | None = None
        try:
            outcome = await self._processors[event.source](event, self._clients.get(event.source), Work(self))
        except Transient as exc:
            wait = min(
                backoff(settings.webhook_retry_base_s, event.attempts - 1), settings.webhook_retry_max_s
            )
            retry_in = max(wait, exc.retry_after or 0.0)
            outcome = Outcome("failed", error=exc.message)
        except CrmError as exc:
            outcome = Outcome("failed", error=exc.message)
        except Exception as exc:
            log_exception(f"webhook event {event.id} ({event.source}) could not be processed", exc)
            retry_in = min(
                backoff(settings.webhook_retry_base_s, event.attempts - 1), settings.webhook_retry_max_s
            )
            outcome = Outcome("failed", error=f"internal error ({type(exc).__name__}); see the service log")
        if retry_in is not None and event.attempts < settings.webhook_max_attempts:
            await anyio.to_thread.run_sync(self.store.retry_later, event.id, outcome.error or "", retry_in)
            log.warning(
                "webhook event %d (%s) attempt %d failed, retry in %.1f s: %s",
                event.id,
                event.source,
                event.attempts,
                retry_in,
                outcome.error,
            )
        else:
            if retry_in is not None:
                outcome = Outcome("failed", error=f"gave up after {event.attempts} attempts: {outcome.error}")
            await anyio.to_thread.run_sync(self.store.finish, event.id, outcome)
            log.info(
                "webhook event %d (%s %s) %s score=%s in %.0f ms%s",
                event.id,
                event.source,
                event.event_type,
                outcome.status,
                outcome.score,
                (time.perf_counter() - started) * 1000,
                f": {outcome.error}" if outcome.error else "",
            )
        self._claimed.discard(event.id)
