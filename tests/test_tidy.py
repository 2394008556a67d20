"""The span tidying of model.tidy: edges moved, never a decision about a field."""

from __future__ import annotations

import pytest

from model.tidy import outside_time, without_stray_marks


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
