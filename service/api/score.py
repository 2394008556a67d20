"""``POST /v1/score`` and ``POST /v1/score/batch``: parse, check, call the model, answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from model.pipeline import Klarsteg, NoteInput
from model.schema import ScoreResult
from model.settings import Settings
from service.api_models import (
    EN_EXAMPLE,
    EXAMPLE_DATE,
    SV_EXAMPLE,
    BatchItem,
    BatchRequest,
    BatchResponse,
    ErrorBody,
    NoteError,
    ScoreRequest,
)
from service.deps import NoteProblem, check_note, get_state, loaded_model, require_api_key
from service.errors import ServiceError, log_exception
from service.state import ServiceState

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


def error_responses(settings: Settings) -> dict[int | str, dict[str, Any]]:
    """The documented error answers; 401 only when the service has an API key."""
    if settings.api_key is not None:
        return _ERROR_RESPONSES
    return {k: v for k, v in _ERROR_RESPONSES.items() if k != 401}


def protection(settings: Settings) -> list[Any]:
    """The API key dependency (and with it the OpenAPI security requirement and the 401
    response) only when a key is set, so that the document describes the running service."""
    return [Depends(require_api_key)] if settings.api_key is not None else []


def router(settings: Settings) -> APIRouter:
    """The scoring routes for these settings."""
    api = APIRouter(tags=["scoring"], responses=error_responses(settings), dependencies=protection(settings))

    @api.post("/v1/score", response_model=ScoreResult, summary="Score one note")
    async def score(
        body: Annotated[ScoreRequest, Body(openapi_examples=_SCORE_EXAMPLES)],
        model: Annotated[Klarsteg, Depends(loaded_model)],
        state: Annotated[ServiceState, Depends(get_state)],
    ) -> ScoreResult:
        """Score one note: its next step, reason and when, the score, and what to settle."""
        try:
            note = check_note(body.text, body.note_date, body.language, settings.max_text_chars)
        except NoteProblem as exc:
            raise ServiceError(
                422, exc.detail, errors=[{"field": exc.field, "message": exc.detail}]
            ) from None
        return await state.score_one(model, note)

    @api.post("/v1/score/batch", response_model=BatchResponse, summary="Score up to 1,000 notes")
    async def score_batch(
        body: Annotated[BatchRequest, Body(openapi_examples=_BATCH_EXAMPLES)],
        model: Annotated[Klarsteg, Depends(loaded_model)],
        state: Annotated[ServiceState, Depends(get_state)],
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

    return api


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
