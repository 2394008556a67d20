"""The SPEC's score table and verdict rules, case by case."""

from __future__ import annotations

import pytest

from model.schema import NextStep, Reason, When
from model.scoring import QUESTIONS, assess, verdict_from_gold


def step(action: str = "meeting") -> NextStep:
    return NextStep(text="x", start=0, end=1, action=action, owner="both", confidence=1)


def reason(clear: bool) -> Reason:
    return Reason(text="x", start=0, end=1, clear=clear, confidence=1)


def when(gran: str) -> When:
    value = {
        "datetime": "2026-12-01T14:00",
        "date": "2026-12-01",
        "week": "2026-W49",
        "month": "2026-12",
        "quarter": "2027-Q1",
        "year": "2027",
        "fuzzy": None,
    }[gran]
    return When(
        text="x",
        start=0,
        end=1,
        granularity=gran,
        value=value,
        has_time=gran == "datetime",
        clear=gran in ("date", "datetime"),
        confidence=1,
    )


@pytest.mark.parametrize(
    ("ns", "rs", "wh", "score", "verdict", "missing", "vague"),
    [
        (step(), reason(True), when("datetime"), 100, "concrete", [], []),
        (step(), reason(True), when("date"), 94, "concrete", [], []),
        (step(), reason(True), when("week"), 82, "partial", [], ["when"]),
        (step(), reason(False), when("date"), 74, "partial", [], ["reason"]),
        (step(), None, when("datetime"), 70, "partial", ["reason"], []),
        (step(), reason(True), None, 60, "partial", ["when"], []),
        (step("contact"), reason(True), when("datetime"), 90, "partial", [], ["next_step"]),
        (step("contact"), None, when("fuzzy"), 24, "vague", ["reason"], ["next_step", "when"]),
        (step("contact"), reason(False), when("month"), 44, "vague", [], ["next_step", "reason", "when"]),
        (step("send"), None, None, 30, "vague", ["reason", "when"], []),
        (step("call"), reason(False), when("quarter"), 48, "vague", [], ["reason", "when"]),
        (step("demo"), None, when("year"), 38, "vague", ["reason"], ["when"]),
        (None, reason(True), when("date"), 0, "none", ["next_step", "reason", "when"], []),
        (None, None, None, 0, "none", ["next_step", "reason", "when"], []),
    ],
)
def test_assess(ns, rs, wh, score, verdict, missing, vague) -> None:
    a = assess(ns, rs, wh, "en")
    assert (a.score, a.verdict, a.missing, a.vague) == (score, verdict, missing, vague)
    assert a.score == sum(a.parts.values())
    assert len(a.questions) == len(missing) + len(vague)


def test_no_next_step_zeroes_every_part() -> None:
    assert assess(None, reason(True), when("datetime"), "sv").parts == {
        "next_step": 0,
        "reason": 0,
        "when": 0,
    }


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_questions_in_note_language_and_field_order(lang: str) -> None:
    a = assess(step("contact"), None, when("week"), lang)
    assert a.questions == [
        QUESTIONS[lang]["next_step"]["vague"],
        QUESTIONS[lang]["reason"]["missing"],
        QUESTIONS[lang]["when"]["vague"],
    ]


@pytest.mark.parametrize(
    ("record", "verdict"),
    [
        ({"next_step": None}, "none"),
        (
            {"next_step": {"action": "demo"}, "reason": {"clear": True}, "when": {"granularity": "date"}},
            "concrete",
        ),
        (
            {"next_step": {"action": "contact"}, "reason": {"clear": True}, "when": {"granularity": "date"}},
            "partial",
        ),
        ({"next_step": {"action": "call"}, "reason": None, "when": {"granularity": "week"}}, "vague"),
    ],
)
def test_verdict_from_gold(record: dict, verdict: str) -> None:
    assert verdict_from_gold(record) == verdict
