"""Corrections: ``POST /v1/corrections``, ``POST /v1/corrections/preview``, ``GET /v1/corrections``.

A correction is a person's fix of a result: the note with its right next step, reason and
when in the training-data format of the SPEC. It is checked like training data and against
the date layer (:mod:`service.corrections.check`), then stored in SQLite under
``KLARSTEG_DATA_DIR`` with the model version and the model's own answer at that time
(:mod:`service.corrections.store`). ``klarsteg corrections export`` writes them out for
``klarsteg retrain``.

Saving and previewing need the API key when the service has one, like scoring. The listing
returns the notes' text, so it always needs the key: without one configured on the service
it is off (404), like the webhook events listing; ``klarsteg corrections export`` reads the
corrections on the server itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from model.pipeline import Klarsteg, NoteInput
from model.schema import Action, Granularity, Owner
from model.settings import Settings
from service.api.score import error_responses, protection
from service.api_models import DATE_DOC, TEXT_SCHEMA, ErrorBody
from service.corrections.check import Checked, assessment, check_record, detect_lang
from service.corrections.check import Problem as CheckProblem
from service.corrections.store import CorrectionStore, StoredCorrection
from service.deps import NoteProblem, check_note, loaded_model, require_api_key
from service.errors import ServiceError
from service.state import ServiceState

CORRECTIONS_PATH = "/v1/corrections"
PREVIEW_PATH = "/v1/corrections/preview"


def _whole(value: object) -> object:
    """JSON's 2.0 is the integer 2 (as JSON Schema counts it); strings and booleans are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Integers as JSON Schema's "integer": 3 and 3.0, never "3" or true.
Occurrence = Annotated[StrictInt, Field(ge=1, le=100_000), BeforeValidator(_whole)]
Rating = Annotated[StrictInt, Field(ge=1, le=5), BeforeValidator(_whole)]

_SPAN_DOC = "The phrase exactly as it stands in the note's text."
_OCCURRENCE_DOC = "Which occurrence of the phrase is meant, counting from 1 (default 1)."


class CorrectedStep(BaseModel):
    """The right next step: its phrase in the note, the action and who takes it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description=_SPAN_DOC)
    occurrence: Occurrence | None = Field(None, description=_OCCURRENCE_DOC)
    action: Action
    owner: Owner


class CorrectedReason(BaseModel):
    """The right reason: its phrase, and whether it names a concrete purpose."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description=_SPAN_DOC)
    occurrence: Occurrence | None = Field(None, description=_OCCURRENCE_DOC)
    clear: StrictBool


class CorrectedWhen(BaseModel):
    """The right when: its phrase and, by the SPEC's date rules, its granularity and value.
    Without ``granularity`` the date layer resolves the phrase."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description=_SPAN_DOC)
    occurrence: Occurrence | None = Field(None, description=_OCCURRENCE_DOC)
    granularity: Granularity | None = Field(
        None,
        description="datetime, date, week, month, quarter, year or fuzzy; omit to let the date layer read it.",
    )
    value: str | None = Field(
        None,
        description="2026-12-01T14:00, 2026-12-01, 2026-W49, 2026-12, 2027-Q1, 2027; null when fuzzy.",
    )


_EXAMPLE = {
    "text": "Bra möte med Eva. Hon ska prata med IT. Vi bokade demo tis 17/3 kl 10 för att visa integrationen.",
    "note_date": "2026-03-10",
    "language": "sv",
    "next_step": {"text": "bokade demo", "action": "demo", "owner": "both"},
    "reason": {"text": "visa integrationen", "clear": True},
    "when": {"text": "tis 17/3 kl 10", "granularity": "datetime", "value": "2026-03-17T10:00"},
}
_EXAMPLE_NONE = {
    "text": "They asked us to come back in a couple of weeks.",
    "note_date": "2026-03-10",
    "language": "en",
    "next_step": {"text": "come back", "action": "contact", "owner": "seller"},
    "reason": None,
    "when": {"text": "in a couple of weeks"},
}


class CorrectionRequest(BaseModel):
    """A note and its right fields, in the training-data format of the SPEC."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    text: str = Field(
        description="The note's text, as it was scored.",
        json_schema_extra={k: v for k, v in TEXT_SCHEMA.items() if k != "description"},
    )
    note_date: str | None = Field(None, description=DATE_DOC, json_schema_extra={"format": "date"})
    language: Literal["auto", "sv", "en"] = Field(
        "auto", description="The note's language: `sv`, `en`, or `auto` to detect it."
    )
    lang: Literal["sv", "en"] | None = Field(
        None, description="The training-data name of `language`; give one of the two."
    )
    next_step: CorrectedStep | None = Field(description="The next step, or null when the note states none.")
    reason: CorrectedReason | None = Field(description="The reason, or null; null when next_step is null.")
    when: CorrectedWhen | None = Field(description="The when, or null; null when next_step is null.")
    rating: Rating | None = Field(None, description="A sales manager's 1-5 rating (optional).")
    id: Annotated[StrictStr, Field(max_length=200)] | Annotated[StrictInt, BeforeValidator(_whole)] | None = (
        Field(
            None,
            description="A training-data record's own id, accepted so that such a record can be posted "
            "as it is; not stored (the service numbers corrections).",
        )
    )
    date_check: Literal["strict", "override"] = Field(
        "strict",
        description="`override` keeps a when that the date layer reads differently (the date layer is "
        "wrong); it must still follow the SPEC's rules for the note date.",
    )


class CorrectionRecord(BaseModel):
    """A correction in the training-data format."""

    lang: Literal["sv", "en"]
    note_date: str
    text: str
    next_step: CorrectedStep | None
    reason: CorrectedReason | None
    when: CorrectedWhen | None
    rating: int | None = None


class CorrectionScore(BaseModel):
    """What the corrected fields score by the SPEC's table."""

    score: int
    parts: dict[str, int]
    verdict: Literal["none", "concrete", "vague", "partial"]
    missing: list[str]
    vague: list[str]
    questions: list[str]


class DateReading(BaseModel):
    """How the date layer reads the phrase of the when."""

    text: str
    granularity: Granularity
    value: str | None
    past: bool


class Problem(BaseModel):
    """One problem with a correction."""

    field: str | None = Field(description="Dotted path of the field at fault (`when.value`).")
    message: str


class CorrectionCreated(BaseModel):
    """A stored correction."""

    id: int
    created_at: str
    model_version: str = Field(description="The model whose answer was corrected.")
    date_check: Literal["none", "agrees", "unread", "override"] = Field(
        description="What the date layer said about the when: `agrees`, `unread` (it reads no time "
        "there), `override` (it reads another value, kept on purpose), `none` (no when)."
    )
    correction: CorrectionRecord
    score: CorrectionScore = Field(description="The score the corrected fields give.")
    model_answer: dict[str, Any] = Field(description="The model's own result for the note, as `/v1/score`.")


class CorrectionPreview(BaseModel):
    """A correction checked and scored, not stored."""

    valid: bool = Field(description="True when `POST /v1/corrections` would store it.")
    problems: list[Problem]
    correction: CorrectionRecord = Field(description="The correction, its when resolved by the date layer.")
    score: CorrectionScore
    date_check: Literal["none", "agrees", "unread", "override"] | None
    date_layer: DateReading | None = Field(description="The date layer's reading of the when's phrase.")


class StoredItem(BaseModel):
    """One stored correction."""

    id: int
    created_at: str
    source: Literal["api", "import"]
    date_check: str
    model_version: str | None
    superseded: bool = Field(
        description="A later correction of the same note replaces this one in the export."
    )
    correction: CorrectionRecord
    model_answer: dict[str, Any] | None = Field(
        description="The model's result at the time; null for imports."
    )


class CorrectionList(BaseModel):
    """Stored corrections, newest first."""

    corrections: list[StoredItem]
    total: int = Field(description="How many corrections are stored.")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null at the end."
    )


def _note(body: CorrectionRequest, settings: Settings) -> NoteInput:
    try:
        return check_note(body.text, body.note_date, body.language, settings.max_text_chars)
    except NoteProblem as exc:
        raise ServiceError(422, exc.detail, errors=[{"field": exc.field, "message": exc.detail}]) from None


def _record(body: CorrectionRequest, note: NoteInput) -> dict[str, Any]:
    """The request as a training-data record (the language detected when not given)."""
    lang = body.lang or (body.language if body.language != "auto" else detect_lang(body.text))
    record: dict[str, Any] = {"lang": lang, "note_date": note.note_date.isoformat(), "text": body.text}
    record["next_step"] = body.next_step.model_dump(exclude_none=True) if body.next_step else None
    record["reason"] = body.reason.model_dump(exclude_none=True) if body.reason else None
    if body.when is None:
        record["when"] = None
    else:
        when = body.when.model_dump()
        if when["occurrence"] is None:
            del when["occurrence"]
        if when["granularity"] is None:
            del when["granularity"], when["value"]
        record["when"] = when
    if body.rating is not None:
        record["rating"] = body.rating
    return record


def _check(body: CorrectionRequest, note: NoteInput, settings: Settings) -> Checked:
    checked = check_record(
        _record(body, note), date_check=body.date_check, resolve_when=True, max_chars=settings.max_text_chars
    )
    if body.lang and body.language != "auto" and body.lang != body.language:
        message = f"language {body.language!r} and lang {body.lang!r} disagree: give one of them"
        checked.problems.insert(0, CheckProblem("lang", message))
    return checked


def _score(checked: Checked) -> CorrectionScore:
    a = assessment(checked.record)
    return CorrectionScore(
        score=a.score,
        parts=a.parts,
        verdict=a.verdict,
        missing=a.missing,
        vague=a.vague,
        questions=a.questions,  # type: ignore[arg-type]
    )


def _item(row: StoredCorrection) -> StoredItem:
    return StoredItem(
        id=row.id,
        created_at=row.created_at,
        source=row.source,  # type: ignore[arg-type]
        date_check=row.date_check,
        model_version=row.model_version,
        superseded=row.superseded,
        correction=CorrectionRecord(**row.record),
        model_answer=row.model_answer,
    )


def router(settings: Settings, state: ServiceState) -> APIRouter:
    """The corrections routes for these settings; the store closes with the app."""
    api = APIRouter(tags=["corrections"])
    store = CorrectionStore(settings.data_dir)

    async def _noop() -> None:
        return None

    async def _close() -> None:
        await anyio.to_thread.run_sync(store.close)

    state.on_lifespan(_noop, _close)
    responses = error_responses(settings)
    write_responses = {k: v for k, v in responses.items() if k in (400, 401, 413, 415, 422, 503)}

    @api.post(
        CORRECTIONS_PATH,
        status_code=201,
        response_model=CorrectionCreated,
        summary="Save a correction of a result",
        responses=write_responses,
        dependencies=protection(settings),
    )
    async def create(
        body: Annotated[
            CorrectionRequest,
            Body(
                openapi_examples={
                    "swedish": {"summary": "A Swedish note", "value": _EXAMPLE},
                    "date_layer": {"summary": "The when resolved by the date layer", "value": _EXAMPLE_NONE},
                }
            ),
        ],
        model: Annotated[Klarsteg, Depends(loaded_model)],
    ) -> CorrectionCreated:
        """Store a correction: 201 with its id, or 422 naming every problem (a span that is not in
        the text, a when before the note date or on another weekday than it names, a when the date
        layer reads differently without `date_check: override`, an unknown action...). The model's
        own answer for the note is stored beside it."""
        note = _note(body, settings)
        checked = _check(body, note, settings)
        if not checked.ok:
            raise ServiceError(
                422,
                f"the correction is not valid: {checked.detail()}",
                errors=[{"field": p.field, "message": p.message} for p in checked.problems],
            )
        answer = await state.score_one(model, note)
        row = await anyio.to_thread.run_sync(
            lambda: store.add(
                checked.record,
                source="api",
                date_check=checked.date_check,
                model_version=answer.model_version,
                model_answer=answer.model_dump(),
            )
        )
        return CorrectionCreated(
            id=row.id,
            created_at=row.created_at,
            model_version=answer.model_version,
            date_check=checked.date_check,  # type: ignore[arg-type]
            correction=CorrectionRecord(**checked.record),
            score=_score(checked),
            model_answer=answer.model_dump(),
        )

    @api.post(
        PREVIEW_PATH,
        response_model=CorrectionPreview,
        summary="Check and score a correction without saving it",
        responses=write_responses,
        dependencies=protection(settings),
    )
    async def preview(
        body: Annotated[
            CorrectionRequest,
            Body(openapi_examples={"swedish": {"summary": "A Swedish note", "value": _EXAMPLE}}),
        ],
    ) -> CorrectionPreview:
        """The score the corrected fields give (the SPEC's table), the when as the date layer reads
        it, and the problems `POST /v1/corrections` would answer 422 with (here in a 200, so that a
        form can show them while the person corrects). A note that cannot be read at all (no text,
        a bad note_date) is a 422."""
        note = _note(body, settings)
        checked = _check(body, note, settings)
        return CorrectionPreview(
            valid=checked.ok,
            problems=[Problem(field=p.field, message=p.message) for p in checked.problems],
            correction=CorrectionRecord(**checked.record),
            score=_score(checked),
            date_check=checked.date_check if checked.ok else None,  # type: ignore[arg-type]
            date_layer=DateReading(**checked.date_layer) if checked.date_layer else None,
        )

    async def listing_needs_a_key() -> None:
        if settings.api_key is None:
            raise ServiceError(
                404,
                "the corrections listing is off: it returns the notes' text, so it needs an API key "
                "(set KLARSTEG_API_KEY); on the server, `klarsteg corrections export` writes them out",
            )

    listing_deps = [Depends(listing_needs_a_key)]
    if settings.api_key is not None:
        listing_deps.append(Depends(require_api_key))

    @api.get(
        CORRECTIONS_PATH,
        response_model=CorrectionList,
        summary="The stored corrections",
        dependencies=listing_deps,
        responses={
            401: {"model": ErrorBody, "description": "The API key is missing or wrong."},
            404: {"model": ErrorBody, "description": "The service has no API key, so the listing is off."},
            422: {"model": ErrorBody, "description": "A query parameter is invalid."},
        },
    )
    async def list_corrections(
        limit: Annotated[int, Query(ge=1, le=500, description="Corrections per page.")] = 50,
        before: Annotated[
            int | None, Query(ge=1, le=2**62, description="Only corrections with a smaller id.")
        ] = None,
    ) -> CorrectionList:
        """Stored corrections, newest first, each with the model version and the model's answer at
        the time, and whether a later correction of the same note supersedes it. Needs the
        service's API key; off (404) when the service has none."""

        def read() -> tuple[list[StoredCorrection], int]:
            return store.page(before=before, limit=limit), store.count()

        rows, total = await anyio.to_thread.run_sync(read)
        return CorrectionList(
            corrections=[_item(r) for r in rows],
            total=total,
            next_before=rows[-1].id if len(rows) == limit else None,
        )

    @api.api_route(CORRECTIONS_PATH, methods=["PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False)
    async def other_methods() -> None:
        """405 naming both methods of the path: the router would name only the first route's."""
        raise ServiceError(405, "Method Not Allowed", headers={"Allow": "GET, POST"})

    return api
