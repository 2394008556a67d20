"""The telegraphic-purpose proposals (model.reasons) and whole-word spans, with pinned note dates."""

from __future__ import annotations

from datetime import date

import pytest

from model.reasons import propose
from model.text import fold_same_length
from model.when import find_times


def _proposed(text: str, step: str, note_date: date) -> list[tuple[str, str]]:
    start = text.index(step)
    cands = propose(text, fold_same_length(text), (start, start + len(step)), find_times(text, note_date))
    return [(text[s:e], conn) for (s, e), conn in cands]


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        # a date right after the connector: the purpose is the phrase after it
        (
            "Result: Demo booked - 9/3 13:00 walk-through of the pallet scanner",
            "Demo booked",
            [("walk-through of the pallet scanner", "-")],
        ),
        (
            "Möte bokat – tis 14/4 kl 9 genomgång av hyresavtalet",
            "Möte bokat",
            [("genomgång av hyresavtalet", "–")],
        ),
        # a date at the end of the phrase still ends it
        ("Ring Lisa om takbytet fre kl 10", "Ring Lisa", [("takbytet", "om")]),
        # only the date after the connector: nothing to propose
        ("Call back - Fri 3pm", "Call back", []),
        # a phrase inside a time expression is never a purpose ("innan" opens "innan årsskiftet")
        ("Kunden vill ha prisförslag innan årsskiftet", "vill ha prisförslag", []),
        # "sa att" is "said that" (not "så att", so that) after a name, or where the writer types å
        ("Hör av dig efter nyår, Lena sa att de ser över avtalen", "Hör av dig", []),
        ("Ring tillbaka, han sa att budgeten är klar", "Ring tillbaka", []),
        ("Skickar offerten i dag så att de hinner läsa", "Skickar offerten", [("de hinner läsa", "sa att")]),
        (
            "skicka ritningar sa att montorerna kan planera",
            "skicka ritningar",
            [("montorerna kan planera", "sa att")],
        ),
    ],
)
def test_purpose_after_a_connector(text: str, step: str, expected: list[tuple[str, str]]) -> None:
    assert _proposed(text, step, date(2026, 3, 4)) == expected
