"""The result of scoring one note: pydantic models whose ``model_dump()`` is the SPEC's JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["meeting", "demo", "call", "email", "send", "contact", "other"]
Owner = Literal["seller", "customer", "both", "unknown"]
Granularity = Literal["datetime", "date", "week", "month", "quarter", "year", "fuzzy"]
Verdict = Literal["none", "concrete", "vague", "partial"]
Language = Literal["sv", "en"]
FieldName = Literal["next_step", "reason", "when"]

ACTIONS: tuple[str, ...] = ("meeting", "demo", "call", "email", "send", "contact", "other")
OWNERS: tuple[str, ...] = ("seller", "customer", "both", "unknown")
FIELDS: tuple[FieldName, ...] = ("next_step", "reason", "when")


class _Span(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The phrase exactly as it stands in the note.")
    start: int = Field(ge=0, description="Start offset (Python string index) in the request text.")
    end: int = Field(ge=0, description="End offset (exclusive).")


class NextStep(_Span):
    """What happens next, and who does it."""

    action: Action
    owner: Owner
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the model is, 0 to 1.")


class Reason(_Span):
    """Why the next contact happens; ``clear`` is false for generic purposes."""

    clear: bool
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the model is, 0 to 1.")


class When(_Span):
    """The date of the next step, resolved against the note date."""

    granularity: Granularity
    value: str | None = Field(description="ISO value at the granularity; null when fuzzy.")
    has_time: bool
    clear: bool
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the model is, 0 to 1.")


class Parts(BaseModel):
    """The three parts whose sum is the score."""

    model_config = ConfigDict(extra="forbid")

    next_step: int
    reason: int
    when: int


class ScoreResult(BaseModel):
    """Everything Klarsteg says about one note."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=100)
    verdict: Verdict
    language: Language
    parts: Parts
    next_step: NextStep | None
    reason: Reason | None
    when: When | None
    missing: list[FieldName]
    vague: list[FieldName]
    questions: list[str]
    model_version: str
