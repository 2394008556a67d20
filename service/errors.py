"""Errors as the API answers them: one JSON body (``ErrorBody``) for every error status.

Exceptions are logged by type and stack frames only, never by message: a message may quote
the note's text.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from model.pipeline import LANGUAGES
from service.api_models import ErrorBody

log = logging.getLogger("klarsteg.service")

REQUEST_ID_KEY = "klarsteg.request_id"
"""Where the request context middleware keeps the request id in the ASGI scope."""


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


def request_id(scope: Scope) -> str | None:
    """The request's id (set by the request context middleware)."""
    return scope.get(REQUEST_ID_KEY)


def error_response(
    scope: Scope,
    status: int,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> SafeJSONResponse:
    """The JSON error body every error status shares."""
    body = ErrorBody(detail=detail, errors=list(errors), request_id=request_id(scope))
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


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with the shared JSON body."""

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
        log_exception(f"request_id={request_id(request.scope)} unhandled error", exc)
        return error_response(request.scope, 500, "internal error: the note could not be processed")
