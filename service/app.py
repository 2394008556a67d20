"""The HTTP service: a JSON API over ``model.pipeline`` and a web page for pasting notes.

``create_app()`` builds the FastAPI app; ``app`` is the one ``klarsteg serve`` runs. The
service only parses, checks and formats: scoring is ``model.pipeline.Klarsteg``.

Privacy: note text is never logged. Each request is logged as one line with its request
id, method, path, status and duration; errors are logged by exception type and frames,
never by message, since a message may quote the input.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import copy
import hmac
import importlib.metadata
import json
import logging
import math
import re
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
import swagger_ui_bundle
from fastapi import Body, Depends, FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from model.pipeline import LANGUAGES, Klarsteg, NoteInput, validate_input
from model.schema import ScoreResult
from model.settings import Settings, get_settings
from model.threads import limit_process_threads
from service.api_models import (
    EN_EXAMPLE,
    EXAMPLE_DATE,
    SV_EXAMPLE,
    BatchItem,
    BatchRequest,
    BatchResponse,
    ErrorBody,
    InfoResponse,
    NoteError,
    ScoreRequest,
)

log = logging.getLogger("klarsteg.service")

STATIC_DIR = Path(__file__).resolve().parent / "static"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = "klarsteg.request_id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")
_DIGITS_RE = re.compile(r"[0-9]+")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# The endpoints that take a JSON body: other paths and methods go on to routing (404/405).
JSON_POST_PATHS = frozenset({"/v1/score", "/v1/score/batch"})
_NOTE_FIELDS = ("text", "note_date", "language")
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

T = TypeVar("T")


def _package_version() -> str:
    try:
        return importlib.metadata.version("klarsteg")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


# --------------------------------------------------------------------------- errors


class ServiceError(Exception):
    """An error answered with ``status`` and an ``ErrorBody``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}


class SafeJSONResponse(JSONResponse):
    """JSON that still renders when an echoed input holds an unpaired surrogate (escaped as ASCII)."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _request_id(scope: Scope) -> str | None:
    return scope.get(_REQUEST_ID_KEY)


def error_response(
    scope: Scope,
    status: int,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> SafeJSONResponse:
    """The JSON error body every error status shares."""
    body = ErrorBody(detail=detail, errors=list(errors), request_id=_request_id(scope))
    return SafeJSONResponse(body.model_dump(), status_code=status, headers=headers)


def log_exception(message: str, exc: BaseException) -> None:
    """Log an exception by type and stack frames only: its message may quote note text."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s: %s\n%s", message, type(exc).__name__, frames.rstrip())


def _field_path(loc: Sequence[Any]) -> str | None:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or None


_ALLOWED_FIELDS = {
    "/v1/score": {(): "text, note_date, language"},
    "/v1/score/batch": {(): "notes", ("notes",): "id, text, note_date, language"},
}


def _friendly(err: dict[str, Any], path: str) -> str:
    """A clear message for one pydantic error, naming what is allowed."""
    kind = err.get("type", "")
    loc = tuple(err.get("loc", ()))
    name = str(loc[-1]) if loc else "body"
    if kind == "extra_forbidden":
        parent = tuple(p for p in loc[1:-1] if not isinstance(p, int))
        allowed = _ALLOWED_FIELDS.get(path, {}).get(parent)
        return f"unknown field {name!r}" + (f"; the allowed fields are {allowed}" if allowed else "")
    if kind == "missing":
        return "the body is missing: send a JSON object" if loc == ("body",) else f"{name} is required"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "the body must be a JSON object" if loc == ("body",) else f"{name} must be a JSON object"
    if kind == "literal_error" and name == "language":
        return f"language must be one of {', '.join(LANGUAGES)}"
    if kind == "string_type":
        return f"{name} must be a string"
    if kind == "list_type":
        return f"{name} must be a JSON array"
    return f"{name}: {err.get('msg', 'invalid value')}"


def _validation_errors(exc: RequestValidationError, path: str) -> tuple[int, str, list[dict[str, Any]]]:
    """Status, detail and per-field errors for a request that failed validation."""
    errors = list(exc.errors())
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        pos = bad_json.get("loc", ("body", 0))[-1]
        reason = (bad_json.get("ctx") or {}).get("error", "JSON decode error")
        detail = f"the body is not valid JSON: {reason} at position {pos}"
        return 400, detail, [{"field": None, "message": detail}]
    items = [{"field": _field_path(e.get("loc", ())), "message": _friendly(e, path)} for e in errors[:20]]
    detail = "; ".join(
        m["message"]
        if m["field"] is None or str(m["field"]).split(".")[-1] in m["message"]
        else f"{m['field']}: {m['message']}"
        for m in items
    )
    if len(errors) > len(items):
        detail += f"; and {len(errors) - len(items)} more errors"
    return 422, detail, items


# --------------------------------------------------------------------------- middleware


class RequestContextMiddleware:
    """Request id, security headers, one log line per request and the catch-all for errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = given if given and _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        scope[_REQUEST_ID_KEY] = request_id
        path = scope.get("path", "")
        page = path == "/" or path.startswith("/static/")
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if page:
                    headers.setdefault("Content-Security-Policy", _PAGE_CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
                elif path.startswith("/v1/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            log_exception(f"request_id={request_id} unhandled error", exc)
            if not response_started:
                response = error_response(
                    scope, 500, "internal error: the note could not be processed; the error was logged"
                )
                await response(scope, receive, send_wrapper)
        finally:
            log.info(
                "request_id=%s method=%s path=%s status=%d duration_ms=%.1f",
                request_id,
                scope.get("method"),
                path[:200],
                status,
                (time.perf_counter() - started) * 1000,
            )


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class BodyGuardMiddleware:
    """Refuse bodies over ``max_bytes`` (declared or streamed) and API bodies that are not JSON."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: int | None) -> str:
        limit = f"{self.max_bytes} bytes ({self.max_bytes / (1024 * 1024):g} MiB)"
        if size is None:
            return f"the request body is over the limit of {limit}"
        return f"the request body is {size} bytes; the limit is {limit}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None:
            if not _DIGITS_RE.fullmatch(declared.strip()):
                await error_response(scope, 400, "the Content-Length header is not a number")(
                    scope, receive, send
                )
                return
            digits = declared.strip()
            if len(digits) > 18 or int(digits) > self.max_bytes:
                size = int(digits) if len(digits) <= 18 else None
                await error_response(scope, 413, self._too_large(size))(scope, receive, send)
                return
        if (
            scope["method"] == "POST"
            and scope.get("path", "") in JSON_POST_PATHS
            and not _is_json(headers.get("content-type"))
        ):
            detail = "send the body as JSON with the header Content-Type: application/json"
            await error_response(scope, 415, detail)(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if len(body) > self.max_bytes:
                await error_response(scope, 413, self._too_large(None))(scope, receive, send)
                return
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# --------------------------------------------------------------------------- state


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


# The dependencies are ``async def`` although they never await: FastAPI runs a plain ``def``
# dependency in a worker thread, a thread hop per dependency per request.


async def get_state(request: Request) -> ServiceState:
    """The app's ``ServiceState``."""
    return request.app.state.klarsteg


async def loaded_model(state: Annotated[ServiceState, Depends(get_state)]) -> Klarsteg:
    """The loaded model, or 503 while it is still loading."""
    if state.model is None:
        raise ServiceError(503, "the model is not loaded yet", headers={"Retry-After": "1"})
    return state.model


_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The service's API key.")
_bearer = HTTPBearer(auto_error=False, description="The service's API key as a bearer token.")


async def require_api_key(
    state: Annotated[ServiceState, Depends(get_state)],
    api_key: Annotated[str | None, Security(_api_key_header)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> None:
    """When the service has an API key, require it (``X-API-Key`` or ``Authorization: Bearer``)."""
    expected = state.settings.api_key
    if expected is None:
        return
    given = api_key or (bearer.credentials if bearer else None)
    if given is None or not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise ServiceError(
            401,
            "a valid API key is required: send it as X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": 'Bearer realm="klarsteg"'},
        )


# --------------------------------------------------------------------------- note checks


class NoteProblem(ValueError):
    """A note that cannot be scored, and the field at fault."""

    def __init__(self, field_name: str | None, detail: str) -> None:
        super().__init__(detail)
        self.field = field_name
        self.detail = detail


def check_note(text: object, note_date: object, language: object, max_chars: int) -> NoteInput:
    """Validate one note with the model's own rules; raise NoteProblem naming the field."""
    if text is None:
        raise NoteProblem("text", f"text is required: give the note's text (1 to {max_chars} characters)")
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise NoteProblem("text", "text is not valid Unicode (it holds an unpaired surrogate)") from None
    try:
        return validate_input(text, note_date, language, max_chars=max_chars)  # type: ignore[arg-type]
    except ValueError as exc:
        message = str(exc)
        name = message.split(" ", 1)[0].rstrip(":")
        raise NoteProblem(name if name in _NOTE_FIELDS else None, message) from None


BATCH_CHUNK = 64


def _score_batch(model: Klarsteg, notes: list[NoteInput]) -> list[ScoreResult | None]:
    """Score notes in chunks, so single requests get the model between chunks of a big batch.

    If a chunk fails, its notes are scored one by one, so a note that breaks the model
    fails alone (``None``).
    """
    results: list[ScoreResult | None] = []
    for begin in range(0, len(notes), BATCH_CHUNK):
        chunk = notes[begin : begin + BATCH_CHUNK]
        try:
            results.extend(model.score_many(chunk))
            continue
        except Exception as exc:
            log_exception("batch scoring failed; scoring its notes one by one", exc)
        for note in chunk:
            try:
                results.append(model.score_many([note])[0])
            except Exception as exc:
                log_exception("a note could not be scored", exc)
                results.append(None)
    return results


# --------------------------------------------------------------------------- app

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON."},
    401: {"model": ErrorBody, "description": "The API key is missing or wrong."},
    413: {"model": ErrorBody, "description": "The body is over the size limit (2 MiB)."},
    415: {"model": ErrorBody, "description": "The body is not JSON."},
    422: {"model": ErrorBody, "description": "A field is invalid; `detail` names it and the limit."},
    503: {"model": ErrorBody, "description": "Busy or still loading: retry after `Retry-After` seconds."},
}

_SCORE_EXAMPLES = {
    "swedish": {
        "summary": "A Swedish note",
        "value": {"text": SV_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "auto"},
    },
    "english": {
        "summary": "An English note",
        "value": {"text": EN_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "en"},
    },
}

_BATCH_EXAMPLES = {
    "mixed": {
        "summary": "A Swedish and an English note",
        "value": {
            "notes": [
                {"id": "sv-1", "text": SV_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "sv"},
                {"id": "en-1", "text": EN_EXAMPLE, "note_date": EXAMPLE_DATE},
            ]
        },
    }
}

DESCRIPTION = """\
Klarsteg reads a sales follow-up note (Swedish or English) and says whether it states a
real next step: **what** happens next, **why**, and **when**, as a score from 0 to 100.

Spans' `start`/`end` are offsets in Python string indices (code points) of the request's text.
When the service has an API key, send it as `X-API-Key` or `Authorization: Bearer`.
"""


def create_app(settings: Settings | None = None, model: Klarsteg | None = None) -> FastAPI:
    """Build the app. ``model`` skips loading (tests); otherwise it loads in the lifespan."""
    settings = settings or get_settings()
    state = ServiceState(settings=settings, model=model)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        state.slots = anyio.Semaphore(settings.max_concurrency, max_value=settings.max_concurrency)
        state.limiter = anyio.CapacityLimiter(settings.max_concurrency)
        if state.model is None:
            started = time.perf_counter()
            limit_process_threads()
            log.info("loading the model from %s", settings.model_dir)
            try:
                state.model = await anyio.to_thread.run_sync(Klarsteg.load, settings.model_dir)
            except Exception as exc:
                log.error("the model could not be loaded: %s", exc)
                raise
            state.owns_model = True
            log.info("model %s loaded in %.1f s", state.model.version, time.perf_counter() - started)
        state.batcher = NoteBatcher(state.model)
        try:
            yield
        finally:
            batcher, state.batcher = state.batcher, None
            await anyio.to_thread.run_sync(batcher.stop)
            if state.owns_model:
                state.model = None
                state.owns_model = False
            state.slots = state.limiter = None

    app = FastAPI(
        title="Klarsteg",
        version=_package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from local assets, so /docs works on a closed network
        redoc_url=None,
        openapi_tags=[
            {"name": "scoring", "description": "Score notes."},
            {"name": "operations", "description": "Model info and health checks."},
        ],
    )
    app.state.klarsteg = state
    _document_limits(app, settings)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(request.scope, exc.status, exc.detail, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, detail, items = _validation_errors(exc, request.url.path)
        return error_response(request.scope, status, detail, items)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "the body could not be read as JSON: send a UTF-8 JSON object"
        return error_response(request.scope, exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log_exception(f"request_id={_request_id(request.scope)} unhandled error", exc)
        return error_response(request.scope, 500, "internal error: the note could not be processed")

    # The API key dependency (and with it the OpenAPI security requirement and the 401
    # response) only when a key is set, so that the document describes the running service.
    keyed = settings.api_key is not None
    protected = [Depends(require_api_key)] if keyed else []
    responses = _ERROR_RESPONSES if keyed else {k: v for k, v in _ERROR_RESPONSES.items() if k != 401}

    @app.post(
        "/v1/score",
        response_model=ScoreResult,
        tags=["scoring"],
        summary="Score one note",
        responses=responses,
        dependencies=protected,
    )
    async def score(
        body: Annotated[ScoreRequest, Body(openapi_examples=_SCORE_EXAMPLES)],
        model: Annotated[Klarsteg, Depends(loaded_model)],
    ) -> ScoreResult:
        """Score one note: its next step, reason and when, the score, and what to settle."""
        try:
            note = check_note(body.text, body.note_date, body.language, settings.max_text_chars)
        except NoteProblem as exc:
            raise ServiceError(
                422, exc.detail, errors=[{"field": exc.field, "message": exc.detail}]
            ) from None
        return await state.score_one(model, note)

    @app.post(
        "/v1/score/batch",
        response_model=BatchResponse,
        tags=["scoring"],
        summary="Score up to 1,000 notes",
        responses=responses,
        dependencies=protected,
    )
    async def score_batch(
        body: Annotated[BatchRequest, Body(openapi_examples=_BATCH_EXAMPLES)],
        model: Annotated[Klarsteg, Depends(loaded_model)],
    ) -> BatchResponse:
        """Score notes in order; a note that cannot be scored gets an ``error`` and the rest go on."""
        limit = settings.max_batch_notes
        if len(body.notes) > limit:
            detail = f"notes holds {len(body.notes)} notes; a batch holds at most {limit}"
            raise ServiceError(422, detail, errors=[{"field": "notes", "message": detail}])
        items: list[BatchItem] = []
        valid: list[tuple[int, NoteInput]] = []
        for i, n in enumerate(body.notes):
            _check_id(n.id, i)
            try:
                valid.append((i, check_note(n.text, n.note_date, n.language, settings.max_text_chars)))
                items.append(BatchItem(id=n.id))
            except NoteProblem as exc:
                items.append(BatchItem(id=n.id, error=NoteError(field=exc.field, detail=exc.detail)))  # type: ignore[arg-type]
        if valid:
            results = await state.run(_score_batch, model, [note for _, note in valid])
            for (i, _), result in zip(valid, results, strict=True):
                if result is None:
                    items[i].error = NoteError(
                        field=None, detail="this note could not be scored (internal error)"
                    )
                else:
                    items[i].result = result
        errors = sum(1 for it in items if it.error is not None)
        return BatchResponse(
            results=items, scored=len(items) - errors, errors=errors, model_version=model.version
        )

    @app.get(
        "/v1/info",
        response_model=InfoResponse,
        tags=["operations"],
        summary="The model and the limits",
        responses={k: v for k, v in responses.items() if k in (401, 503)},
        dependencies=protected,
    )
    async def info(model: Annotated[Klarsteg, Depends(loaded_model)]) -> InfoResponse:
        """The model's version, languages, training date and dev metrics, and the request limits."""
        meta = model.artifacts.metadata
        return InfoResponse(
            name=str(meta.get("name", "klarsteg")),
            model_version=model.version,
            trained_at=meta.get("trained_at"),
            languages=list(meta.get("languages", ["sv", "en"])),
            dev_metrics=dict(meta.get("dev_metrics", {})),
            limits={
                "max_text_chars": settings.max_text_chars,
                "max_batch_notes": settings.max_batch_notes,
                "max_body_bytes": settings.max_body_bytes,
            },
        )

    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        """200 while the process answers."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Readiness",
        responses={503: {"model": ErrorBody, "description": "The model is not loaded yet."}},
    )
    async def readyz() -> dict[str, str]:
        """200 once the model is loaded, 503 before."""
        if state.model is None:
            raise ServiceError(503, "the model is not loaded yet", headers={"Retry-After": "1"})
        return {"status": "ready", "model_version": state.model.version}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        """The web page."""
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI for the API, with its script and styles served by the app itself."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="Klarsteg API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    # Added last = outermost: request context, then CORS, then the body guard.
    app.add_middleware(BodyGuardMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    return app


def _document_limits(app: FastAPI, settings: Settings) -> None:
    """Put this service's limits (``max_text_chars``, ``max_batch_notes``) into its OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        schemas = doc.get("components", {}).get("schemas", {})
        for name in ("ScoreRequest", "BatchNote"):
            text = schemas.get(name, {}).get("properties", {}).get("text")
            if text is not None:
                text["maxLength"] = settings.max_text_chars
        notes = schemas.get("BatchRequest", {}).get("properties", {}).get("notes")
        if notes is not None:
            notes["maxItems"] = settings.max_batch_notes
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _check_id(note_id: object, index: int) -> None:
    """Ids are echoed back, so they must be short and valid Unicode."""
    if isinstance(note_id, str):
        ok = len(note_id) <= 200
        try:
            note_id.encode("utf-8")
        except UnicodeEncodeError:
            ok = False
        if not ok:
            detail = f"notes.{index}.id must be valid Unicode of at most 200 characters"
            raise ServiceError(422, detail, errors=[{"field": f"notes.{index}.id", "message": detail}])


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """Uvicorn's logging setup plus the service's logger; no access log (the service logs requests)."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["default"]["fmt"] = "%(asctime)s %(levelprefix)s %(name)s: %(message)s"
    config["loggers"]["klarsteg"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    config["loggers"]["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    return config


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """Uvicorn's HTTP protocol with TCP_NODELAY on every connection.

    Uvicorn writes a response's headers and body separately. asyncio turns Nagle's algorithm
    off only on sockets made with ``IPPROTO_TCP``, and the listening socket that
    ``--workers 2`` shares among its processes is made without it: the body then waited for
    the client's delayed ACK, about 40 ms on every request.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def run_server(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve ``service.app:app`` with uvicorn; each worker process loads its own model."""
    import uvicorn

    level = get_settings().log_level
    uvicorn.run(
        "service.app:app",
        host=host,
        port=port,
        workers=workers,
        http=f"{__name__}:NoDelayHTTPProtocol",
        access_log=False,
        log_config=uvicorn_log_config(level),
        log_level=level.lower(),
        server_header=False,
        timeout_graceful_shutdown=10,
    )


app = create_app()
