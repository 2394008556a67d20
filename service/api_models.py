"""Request and response bodies of the HTTP API, with the examples shown in the OpenAPI docs.

The response of ``POST /v1/score`` is ``model.schema.ScoreResult`` itself; this module adds
the request bodies, the batch envelope, ``/v1/info`` and the error body.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, WithJsonSchema

from model.schema import ScoreResult

SV_EXAMPLE = (
    "Bra möte med Eva. Hon ska prata med IT. Vi bokade demo tis 17/3 kl 10 för att visa integrationen."
)
EN_EXAMPLE = (
    "Good call with Anna at Nordfrakt. I'll call Anna on Friday at 2pm to go through the quote with the CFO."
)
EXAMPLE_DATE = "2026-03-10"

TEXT_DOC = "The note, 1 to 20,000 characters (the service's `max_text_chars`), not only whitespace."
DATE_DOC = "The note's date (ISO, `2026-03-10`) that relative dates resolve against; today when omitted."
LANGUAGE_DOC = "`sv`, `en`, or `auto` to detect it."

# Batch notes accept any JSON value per field so that a bad value fails that note alone;
# the schema still documents the intended types.
# "Not only whitespace": Python's \\S is exactly what ``str.strip()`` keeps. The service sets
# maxLength (and the batch's maxItems) from its settings when it builds the OpenAPI document.
TEXT_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S", "description": TEXT_DOC}
_AnyText = Annotated[Any, WithJsonSchema(TEXT_SCHEMA)]
_AnyDate = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "description": DATE_DOC}
    ),
]
_AnyLanguage = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "enum": ["auto", "sv", "en"]}, {"type": "null"}],
            "default": "auto",
            "description": LANGUAGE_DOC + " Null is `auto`.",
        }
    ),
]


class ScoreRequest(BaseModel):
    """One note to score (``POST /v1/score``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": SV_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "auto"},
                {"text": EN_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "en"},
            ]
        },
    )

    text: str = Field(
        description=TEXT_DOC, json_schema_extra={k: v for k, v in TEXT_SCHEMA.items() if k != "description"}
    )
    note_date: str | None = Field(None, description=DATE_DOC, json_schema_extra={"format": "date"})
    language: Literal["auto", "sv", "en"] = Field("auto", description=LANGUAGE_DOC)


class BatchNote(BaseModel):
    """One note of a batch; its values are checked one note at a time."""

    model_config = ConfigDict(extra="forbid")

    # Strict: a JSON true or 1.5 would otherwise be echoed back as 1.
    id: StrictStr | StrictInt | None = Field(
        None, description="The caller's id for the note, echoed in its result."
    )
    text: _AnyText = None
    note_date: _AnyDate = None
    language: _AnyLanguage = "auto"


class BatchRequest(BaseModel):
    """Several notes to score (``POST /v1/score/batch``), at most 1,000."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "notes": [
                        {"id": "sv-1", "text": SV_EXAMPLE, "note_date": EXAMPLE_DATE, "language": "sv"},
                        {"id": "en-1", "text": EN_EXAMPLE, "note_date": EXAMPLE_DATE},
                    ]
                }
            ]
        },
    )

    notes: list[BatchNote] = Field(
        description="The notes, scored in order; at most 1,000 (`max_batch_notes`)."
    )


class NoteError(BaseModel):
    """Why one note of a batch was not scored."""

    field: Literal["id", "text", "note_date", "language"] | None = Field(
        description="The field at fault; null when the note as a whole failed."
    )
    detail: str = Field(description="A human-readable message.")


class BatchItem(BaseModel):
    """The outcome for one note of a batch: a ``result`` or an ``error``, never both."""

    id: str | int | None
    result: ScoreResult | None = None
    error: NoteError | None = None


class BatchResponse(BaseModel):
    """Results in the order of the request's notes."""

    results: list[BatchItem]
    scored: int = Field(description="How many notes were scored.")
    errors: int = Field(description="How many notes could not be scored.")
    model_version: str


class InfoResponse(BaseModel):
    """The loaded model, from its metadata."""

    name: str = "klarsteg"
    model_version: str
    trained_at: str | None
    languages: list[str]
    dev_metrics: dict[str, Any] = Field(description="Metrics on the development split at training time.")
    limits: dict[str, int] = Field(description="The request limits this service enforces.")


class ErrorItem(BaseModel):
    """One problem with a request."""

    field: str | None = Field(description="Dotted path of the field at fault (`text`, `notes.3.language`).")
    message: str


class ErrorBody(BaseModel):
    """Every error response: a stable, human-readable ``detail`` and the request id."""

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)
    request_id: str | None = None
