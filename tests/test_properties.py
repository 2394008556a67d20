"""Property tests of ``model.score``: no text breaks it, and every result keeps the SPEC's rules.

For any Unicode text (control characters, NUL, emoji, right-to-left marks, combining
characters, lone surrogates, 20,000 characters, only whitespace, only digits and punctuation)
and any valid note date, scoring either returns a self-consistent result or raises the
documented ``ValueError`` (text only whitespace, or longer than the limit), nothing else.

The SPEC's score table and verdict rules are written out again here, independently of
``model.scoring``, so that a bug there cannot hide itself. Runs are derandomized (fixed
examples, no example database), so CI sees the same inputs every time.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import model
from model.pipeline import Klarsteg
from model.schema import ScoreResult
from model.settings import get_settings

MAX_CHARS = get_settings().max_text_chars

FAST = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------- the SPEC, restated

NEXT_STEP_POINTS = {"contact": 20}  # any other action: 30
REASON_POINTS = {True: 30, False: 10}
WHEN_POINTS = {"datetime": 40, "date": 34, "week": 22, "month": 14, "quarter": 8, "year": 8, "fuzzy": 4}
FIELDS = ("next_step", "reason", "when")
VALUE_FORMATS = {
    "datetime": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
    "date": r"\d{4}-\d{2}-\d{2}",
    "week": r"\d{4}-W\d{2}",
    "month": r"\d{4}-\d{2}",
    "quarter": r"\d{4}-Q[1-4]",
    "year": r"\d{4}",
}


def expected_valid(text: str) -> bool:
    """The documented input rule: 1 to MAX_CHARS characters, not only whitespace, and valid
    Unicode (the API answers 422 for a lone surrogate, which a Python string can hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return bool(text.strip()) and len(text) <= MAX_CHARS


def check_result(result: ScoreResult, text: str, language: str) -> None:
    """Every invariant the SPEC states for one result."""
    r: dict[str, Any] = result.model_dump()
    ns, rs, wh = r["next_step"], r["reason"], r["when"]

    # Spans point into the request's text, in code points.
    for name in FIELDS:
        span = r[name]
        if span is None:
            continue
        assert 0 <= span["start"] <= span["end"] <= len(text), (name, span)
        assert span["text"] == text[span["start"] : span["end"]], (name, span)
        assert span["text"], f"{name} is an empty span"
        assert 0.0 <= span["confidence"] <= 1.0

    # With no next step there is no reason and no when.
    if ns is None:
        assert rs is None and wh is None

    # The score table.
    expected_parts = {
        "next_step": 0 if ns is None else NEXT_STEP_POINTS.get(ns["action"], 30),
        "reason": 0 if rs is None else REASON_POINTS[rs["clear"]],
        "when": 0 if wh is None else WHEN_POINTS[wh["granularity"]],
    }
    assert r["parts"] == expected_parts
    assert r["score"] == sum(r["parts"].values())
    assert 0 <= r["score"] <= 100

    # when: clear only for a date or a date and time; the value at its granularity.
    if wh is not None:
        assert wh["clear"] == (wh["granularity"] in ("date", "datetime"))
        if wh["granularity"] == "fuzzy":
            assert wh["value"] is None
        else:
            assert wh["value"] is not None
            assert re.fullmatch(VALUE_FORMATS[wh["granularity"]], wh["value"]), wh
        if wh["granularity"] == "datetime":
            assert wh["has_time"]

    # missing, vague and the verdict.
    missing = [f for f in FIELDS if r[f] is None]
    vague = []
    if ns is not None and ns["action"] == "contact":
        vague.append("next_step")
    if rs is not None and not rs["clear"]:
        vague.append("reason")
    if wh is not None and wh["granularity"] not in ("date", "datetime"):
        vague.append("when")
    assert r["missing"] == missing
    assert r["vague"] == vague
    reason_clear = rs is not None and rs["clear"]
    when_clear = wh is not None and wh["granularity"] in ("date", "datetime")
    if ns is None:
        verdict = "none"
    elif not missing and not vague:
        verdict = "concrete"
    elif not reason_clear and not when_clear:
        verdict = "vague"
    else:
        verdict = "partial"
    assert r["verdict"] == verdict

    # One question per missing or vague field.
    assert len(r["questions"]) == len(missing) + len(vague)
    assert all(isinstance(q, str) and q.strip() for q in r["questions"])
    assert r["language"] in ("sv", "en")
    if language != "auto":
        assert r["language"] == language


def score_or_value_error(klarsteg: Klarsteg, text: str, note_date: Any, language: str) -> None:
    """Score ``text``: a valid one must give a consistent result, an invalid one a ValueError."""
    if expected_valid(text):
        check_result(klarsteg.score(text, note_date, language), text, language)
    else:
        with pytest.raises(ValueError):
            klarsteg.score(text, note_date, language)


# --------------------------------------------------------------------------- strategies

RTL_AND_FORMAT = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200b\u200d\ufeff"
COMBINING = "".join(chr(c) for c in range(0x0300, 0x0370)) + "\u20dd\u20e3"
EMOJI = "😀🙂📅📞🤝🇸🇪👩‍💻🧑🏽‍💼❤️✅⏰"
CONTROL = "".join(chr(c) for c in range(0x00, 0x20)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2007\u2028\u2029\u202f\u205f\u3000"
DIGITS_PUNCT = "0123456789.,:;/-+–—!?()[]{}'\"%&*#@_=<>|\\~^`§½"

# Words that drive the date finder and the span model down their real paths.
NOTE_WORDS = [
    "Ring",
    "tors",
    "kl",
    "10",
    "14.30",
    "halv tre",
    "bokade demo",
    "möte",
    "nästa vecka",
    "v. 49",
    "vecka 53",
    "3/12",
    "31/2",
    "29 feb",
    "2026-03-17",
    "9999-12-31",
    "imorgon",
    "på fredag",
    "nästa fredag",
    "i december",
    "Q1",
    "första kvartalet",
    "nästa år",
    "om 10 dagar",
    "om 3 månader",
    "längre fram",
    "återkommer",
    "för att visa integrationen",
    "ang. licenserna",
    "I'll call",
    "on Friday at 2pm",
    "next week",
    "end of the month",
    "in two months",
    "Tue 3 Feb 10:00",
    "to go through the quote with the CFO",
    "later on",
    "send the quote",
    "Hörs",
    "stämma av",
    "EOD",
    "kl 25",
    "kl 24:60",
    "week 0",
    "v. 99",
    "00/00",
]

_code_point = st.characters(exclude_categories=())
# Every code point; lone surrogates (which Python strings can hold) one time in eight.
any_char = st.one_of(*[_code_point] * 7, st.characters(categories=["Cs"]))
full_text = st.text(any_char, min_size=0, max_size=300)
special_text = st.text(
    st.sampled_from(RTL_AND_FORMAT + COMBINING + CONTROL + "\x00" + WHITESPACE)
    | st.sampled_from(list(EMOJI)),
    max_size=120,
)
whitespace_only = st.text(st.sampled_from(WHITESPACE), min_size=0, max_size=200)
digits_punct = st.text(st.sampled_from(DIGITS_PUNCT + " "), min_size=1, max_size=200)
separator = st.sampled_from([" ", "  ", "\n", "\t", ". ", ", ", "\x00", "\u200f", "\u0301 ", "😀 ", "\r\n"])
note_like = st.lists(
    st.tuples(st.sampled_from(NOTE_WORDS) | st.text(any_char, max_size=6), separator),
    min_size=1,
    max_size=30,
).map(lambda parts: "".join(w + s for w, s in parts))
texts = st.one_of(full_text, special_text, whitespace_only, digits_punct, note_like)

# Note dates over the whole calendar, given as a date or as an ISO string.
FIRST_SAFE, LAST_SAFE = date(1, 1, 1), date(9999, 12, 31)
note_dates = st.one_of(
    st.dates(min_value=FIRST_SAFE, max_value=LAST_SAFE),
    st.sampled_from([FIRST_SAFE, date(2026, 12, 28), date(2027, 1, 3), date(2024, 2, 29), LAST_SAFE]),
).flatmap(lambda d: st.sampled_from([d, d.isoformat()]))
languages = st.sampled_from(["auto", "sv", "en"])


# --------------------------------------------------------------------------- the properties


@FAST
@given(text=texts, note_date=note_dates, language=languages)
@example(
    text="Vi bokade demo tis 17/3 kl 10 för att visa integrationen.", note_date="2026-03-10", language="auto"
)
@example(text="\x00", note_date=date(2026, 3, 10), language="sv")
@example(text=" \t\n\u3000", note_date=date(2026, 3, 10), language="auto")
@example(text="\ud800 ring tors kl 10", note_date=date(2026, 3, 10), language="auto")
@example(text="Ring nästa år, v. 52, i december", note_date=date(2026, 12, 31), language="sv")
@example(text="Ring imorgon kl 10, i tisdags, förra veckan", note_date=FIRST_SAFE, language="sv")
@example(text="I'll call on Friday next week", note_date=FIRST_SAFE, language="en")
def test_any_text_scores_consistently_or_is_refused(
    klarsteg: Klarsteg, text: str, note_date: Any, language: str
) -> None:
    score_or_value_error(klarsteg, text, note_date, language)


def _stretch(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    unit=st.one_of(note_like, special_text.filter(bool), st.text(any_char, min_size=1, max_size=40)),
    size=st.sampled_from([MAX_CHARS, MAX_CHARS - 1, MAX_CHARS + 1]),
    note_date=note_dates,
)
def test_the_longest_texts(klarsteg: Klarsteg, unit: str, size: int, note_date: Any) -> None:
    score_or_value_error(klarsteg, _stretch(unit, size), note_date, "auto")


@pytest.mark.parametrize(
    "text",
    [
        _stretch("Ring tors kl 10 ang. licenserna. ", MAX_CHARS),
        _stretch("😀\u200f\u0301\x00", MAX_CHARS),
        _stretch("1/2 3.4 ", MAX_CHARS),
        "x" * MAX_CHARS,
    ],
    ids=["note", "emoji-rtl-nul", "digits", "one-word"],
)
def test_twenty_thousand_characters(klarsteg: Klarsteg, text: str) -> None:
    check_result(klarsteg.score(text, "2026-03-10"), text, "auto")


# Relative dates that would land before 0001-01-01 or past 9999-12-31 are ignored, never a crash.
@pytest.mark.parametrize(
    ("text", "note_date"),
    [
        ("Ring imorgon kl 10", date(9999, 12, 31)),
        ("Ring nästa år", date(9999, 3, 10)),
        ("Vi sågs i tisdags, ring imorgon", date(1, 1, 1)),
        ("Ring om 99999999 dagar", date(2026, 3, 10)),
        ("Ring om 999999 veckor", date(2026, 3, 10)),
        ("Ring om 9999999 månader", date(2026, 3, 10)),
        ("Ring om 10000 år", date(2026, 3, 10)),
        ("Call me in 99999999 days", date(2026, 3, 10)),
    ],
)
def test_dates_at_the_ends_of_the_calendar(klarsteg: Klarsteg, text: str, note_date: date) -> None:
    check_result(klarsteg.score(text, note_date), text, "auto")


@pytest.mark.parametrize(
    ("text", "note_date", "language"),
    [
        ("", "2026-03-10", "auto"),
        ("Ring \ud800 tors", "2026-03-10", "auto"),
        ("   \n\t ", "2026-03-10", "auto"),
        ("x" * (MAX_CHARS + 1), "2026-03-10", "auto"),
        ("Ring tors", "2026-02-30", "auto"),
        ("Ring tors", "10/3/2026", "auto"),
        ("Ring tors", "2026-03-10", "de"),
        (None, "2026-03-10", "auto"),
        (b"Ring tors", "2026-03-10", "auto"),
    ],
)
def test_invalid_input_raises_only_value_error(text: Any, note_date: str, language: str) -> None:
    with pytest.raises(ValueError):
        model.score(text, note_date=note_date, language=language)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(text=note_like, note_date=note_dates, language=languages)
def test_the_public_entry_point_agrees_with_the_loaded_model(
    klarsteg: Klarsteg, text: str, note_date: Any, language: str
) -> None:
    if not expected_valid(text):
        with pytest.raises(ValueError):
            model.score(text, note_date=note_date, language=language)
        return
    via_score = model.score(text, note_date=note_date, language=language)
    check_result(via_score, text, language)
    assert via_score.model_dump(exclude={"model_version"}) == klarsteg.score(
        text, note_date, language
    ).model_dump(exclude={"model_version"})
