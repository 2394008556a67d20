"""ASGI middleware: the request context (id, security headers, one log line, the catch-all)
and the body guard (size limit, JSON content type)."""

from __future__ import annotations

import math
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import REQUEST_ID_KEY, error_response, log, log_exception

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")
_DIGITS_RE = re.compile(r"[0-9]+")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# The endpoints that take a JSON body: other paths and methods go on to routing (404/405).
JSON_POST_PATHS = frozenset({"/v1/score", "/v1/score/batch"})
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


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
        scope[REQUEST_ID_KEY] = request_id
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


SCORING_PATHS = frozenset({"/v1/score", "/v1/score/batch"})


class AdmissionMiddleware:
    """Bound the scoring requests in the service: at most ``max_concurrency`` scoring and
    ``max_queue`` waiting for a slot. Beyond that, 503 with ``Retry-After`` at once, before
    the body is read, so that a burst can hold neither thousands of bodies nor their sockets
    for long. The wait for a slot itself stays bounded by ``queue_timeout_s``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in SCORING_PATHS or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state.klarsteg
        if not state.admit():
            retry = str(max(1, math.ceil(state.settings.queue_timeout_s)))
            response = error_response(
                scope,
                503,
                "the service is busy scoring other notes: try again shortly",
                headers={"Retry-After": retry},
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            state.leave()
