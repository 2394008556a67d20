"""Score, parts, verdict, missing, vague and questions: the SPEC's arithmetic, nothing learned.

Kept apart from extraction so that the weights can be audited and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.schema import FIELDS, NextStep, Parts, Reason, ScoreResult, When

NEXT_STEP_POINTS = {"specific": 30, "contact": 20}
REASON_POINTS = {"clear": 30, "generic": 10}
WHEN_POINTS = {
    "datetime": 40,
    "date": 34,
    "week": 22,
    "month": 14,
    "quarter": 8,
    "year": 8,
    "fuzzy": 4,
}

QUESTIONS: dict[str, dict[str, dict[str, str]]] = {
    "sv": {
        "next_step": {
            "missing": "Vad är nästa steg med kunden, och vem tar det?",
            "vague": "Vilken konkret kontakt blir det: ett möte, ett samtal, en demo eller ett utskick?",
        },
        "reason": {
            "missing": "Varför hörs ni igen: vad ska avgöras eller vara klart till dess?",
            "vague": "Vad ska kontakten konkret leda till, och vad ska kunden ha gjort innan?",
        },
        "when": {
            "missing": "Vilket datum och vilken tid gäller för nästa steg?",
            "vague": "Kan ni spika ett exakt datum, gärna med klockslag?",
        },
    },
    "en": {
        "next_step": {
            "missing": "What is the next step with the customer, and who takes it?",
            "vague": "Which concrete contact is it: a meeting, a call, a demo or something sent?",
        },
        "reason": {
            "missing": "Why do you talk again: what will be decided or done by then?",
            "vague": "What should that contact concretely achieve, and what will the customer have done first?",
        },
        "when": {
            "missing": "Which date and time is the next step set for?",
            "vague": "Can you pin down an exact date, ideally with a time?",
        },
    },
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """The arithmetic part of a result."""

    score: int
    parts: dict[str, int]
    verdict: str
    missing: list[str]
    vague: list[str]
    questions: list[str]


def assess(next_step: NextStep | None, reason: Reason | None, when: When | None, language: str) -> Assessment:
    """Apply the SPEC's score table and verdict rules to the extracted fields.

    With no next step every part is 0 and reason/when are treated as absent, whatever
    the caller passed, so the result is always self-consistent.
    """
    if next_step is None:
        reason = when = None
    parts = {"next_step": 0, "reason": 0, "when": 0}
    vague: list[str] = []
    if next_step is not None:
        if next_step.action == "contact":
            parts["next_step"] = NEXT_STEP_POINTS["contact"]
            vague.append("next_step")
        else:
            parts["next_step"] = NEXT_STEP_POINTS["specific"]
        if reason is not None:
            parts["reason"] = REASON_POINTS["clear" if reason.clear else "generic"]
            if not reason.clear:
                vague.append("reason")
        if when is not None:
            parts["when"] = WHEN_POINTS[when.granularity]
            if not when.clear:
                vague.append("when")
    present = {"next_step": next_step, "reason": reason, "when": when}
    missing = [f for f in FIELDS if present[f] is None]
    if next_step is None:
        verdict = "none"
    elif not missing and not vague:
        verdict = "concrete"
    elif not (reason is not None and reason.clear) and not (when is not None and when.clear):
        verdict = "vague"
    else:
        verdict = "partial"
    lang = language if language in QUESTIONS else "en"
    # One question per missing or vague field, in field order.
    order = {f: i for i, f in enumerate(FIELDS)}
    keyed = [(f, "missing") for f in missing] + [(f, "vague") for f in vague]
    keyed.sort(key=lambda fk: order[fk[0]])
    questions = [QUESTIONS[lang][f][k] for f, k in keyed]
    return Assessment(
        score=sum(parts.values()),
        parts=parts,
        verdict=verdict,
        missing=missing,
        vague=[f for f in FIELDS if f in vague],
        questions=questions,
    )


def build_result(
    next_step: NextStep | None,
    reason: Reason | None,
    when: When | None,
    language: str,
    model_version: str,
) -> ScoreResult:
    """The full result for extracted fields: the fields plus their assessment."""
    a = assess(next_step, reason, when, language)
    if next_step is None:
        reason = when = None
    return ScoreResult(
        score=a.score,
        verdict=a.verdict,
        language=language,
        parts=Parts(**a.parts),
        next_step=next_step,
        reason=reason,
        when=when,
        missing=a.missing,
        vague=a.vague,
        questions=a.questions,
        model_version=model_version,
    )


def verdict_from_gold(record: dict) -> str:
    """The verdict an annotated record implies (used by evaluation and the datasheet)."""
    ns, rs, wh = record.get("next_step"), record.get("reason"), record.get("when")
    if not ns:
        return "none"
    reason_clear = bool(rs and rs.get("clear"))
    when_clear = bool(wh and wh.get("granularity") in ("date", "datetime"))
    if ns.get("action") != "contact" and reason_clear and when_clear:
        return "concrete"
    if not reason_clear and not when_clear:
        return "vague"
    return "partial"
