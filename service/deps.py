"""FastAPI dependencies (the state, the loaded model, the API key) and the note checks the
routes share."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from model.pipeline import Klarsteg, NoteInput, validate_input
from service.errors import ServiceError
from service.state import ServiceState

_NOTE_FIELDS = ("text", "note_date", "language")


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
