"""The span tidying of model.tidy: edges moved, never a decision about a field."""

from __future__ import annotations

import pytest

from model.schema import Reason
from model.tidy import outside_time, reason_apart, reason_beside, without_stray_marks


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("Next:\n- our quote to Dan", "- our quote", "our quote"),
        ("Facilities / FM team to confirm", "/ FM team", "FM team"),
        ("Outcome: Meeting set - Tue", "Meeting set -", "Meeting set"),
        ("Training\nday", "Training\n", "Training"),
        ("he said 'I will follow up' later", "will follow up'", "will follow up"),
        ('"send it" he said', '"send it"', '"send it"'),  # a closed quote stays
        (
            "Skicka prislista till Ida (Eventfabriken)",
            "Skicka prislista till Ida (Eventfabriken)",
            "Skicka prislista till Ida (Eventfabriken)",
        ),  # a closed bracket stays
        ("a - b", " - ", " - "),  # nothing would be left: unchanged
    ],
)
def test_stray_marks_at_the_edges_go(text: str, span: str, expected: str) -> None:
    start = text.index(span)
    s, e = without_stray_marks(text, start, start + len(span))
    assert text[s:e] == expected


@pytest.mark.parametrize(
    ("reason", "when", "expected"),
    [
        ((0, 30), (40, 50), (0, 30)),  # apart: unchanged
        ((0, 30), (22, 30), (0, 22)),  # the when ends the reason: cut before it
        ((10, 30), (5, 14), (14, 30)),  # the when opens the reason: start after it
        ((10, 20), (5, 25), None),  # the when covers it: no reason left
        ((0, 30), (10, 15), (0, 30)),  # inside, words on both sides: stays
    ],
)
def test_a_reason_does_not_run_into_the_when(
    reason: tuple[int, int], when: tuple[int, int], expected: tuple[int, int] | None
) -> None:
    assert outside_time(*reason, when) == expected


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@pytest.mark.parametrize(
    ("text", "reason", "step", "expected"),
    [
        # the reason ends in the step: its own words, without the joining "and"
        (
            "he'll discuss with his accountant and ping me",
            "discuss with his accountant and ping me",
            "ping me",
            "discuss with his accountant",
        ),
        (
            "so he can test it - I'll send the logins",
            "he can test it - I'll send the logins",
            "I'll send the logins",
            "he can test it",
        ),
        # a reason that opens with the step stays ("check in on how ..." is annotated so)
        (
            "check in on how the schedule works",
            "check in on how the schedule works",
            "check in",
            "check in on how the schedule works",
        ),
        # less than two words would be left: as it was
        ("talk and ping me", "talk and ping me", "ping me", "talk and ping me"),
    ],
)
def test_a_reason_ending_in_the_step_keeps_its_own_words(
    text: str, reason: str, step: str, expected: str
) -> None:
    s, e = reason_apart(text, _span(text, reason), _span(text, step))
    assert text[s:e] == expected


@pytest.mark.parametrize(
    ("text", "reason", "when", "expected"),
    [
        (
            "go through the onboarding modules on 14/5",
            "the onboarding modules on 14/5",
            "on 14/5",
            "the onboarding modules",
        ),
        ("Ring Kim om ett tag kanske", "ett tag kanske", "om ett tag", None),  # one word left
        ("om ett tag", "ett tag", "om ett tag", None),  # inside the when
        (
            "confirm by Tues if he takes the deal",
            "confirm by Tues if he takes the deal",
            "by Tues",
            "confirm by Tues if he takes the deal",
        ),  # the when inside: stays
    ],
)
def test_a_reason_does_not_keep_the_when(text: str, reason: str, when: str, expected: str | None) -> None:
    s, e = _span(text, reason)
    got = reason_beside(
        text, Reason(text=reason, start=s, end=e, clear=True, confidence=0.9), _span(text, when), None
    )
    assert (got.text if got else None) == expected
    if got is not None:
        assert text[got.start : got.end] == got.text
