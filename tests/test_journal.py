"""A journal's past entries (model.journal) and the step choice that drops them, with pinned
note dates."""

from __future__ import annotations

from datetime import date

import pytest
from support import span_of

from model.journal import in_past_entry, past_entry_label, todays_label
from model.pipeline import Klarsteg
from model.when import find_times

_WEEK = "Week 26\nMon: Cotswold Bakehouse - oven commissioning\nWed: follow-up call, happy\nThu-Fri: holiday"


@pytest.mark.parametrize(
    ("text", "note_date", "candidate", "past"),
    [
        # a weekday label earlier in the note's week (2025-06-27 is a Friday)
        (_WEEK, "2025-06-27", "follow-up call", True),
        # the note's own day, or a later weekday (next week's plan, or last week's): not past
        ("Fri: follow-up call w/ Anna", "2025-06-27", "follow-up call", False),
        ("Fri: demo at Hillcrest", "2025-06-23", "demo", False),  # (a Monday note: which Friday?)
        # a dated label before the note's day, rolled on a year by the date layer
        ("31/3 - Säffle: besök hos Kanaldalen\n2/4 - kontor", "2026-04-02", "besök", True),
        ("Tis 31/3: möte med Lena på Kanaldalen", "2026-04-02", "möte", True),
        # the entry looks ahead: a date to come, a promise, a wish, Swedish present tense
        ("Tue 31/3: rang Pat, demo booked for Mon 13/4", "2026-04-02", "demo", False),
        ("Tis 31/3: Lena vill ha demo", "2026-04-02", "demo", False),
        ("Tis 31/3: pratade m Lena, hon återkommer", "2026-04-02", "återkommer", False),
        ("Tue 31/3: call w/ Pat, will send samples", "2026-04-02", "send samples", False),
        # a promise for a day said from the entry's own day: passed by the note's day or not
        # (2025-09-12 is a Friday: Monday's "tis" was 9/9; 2025-09-09 is a Tuesday)
        ("Mån: Sara bad om prislista. Sa att jag mejlar tis.\nTis: mejlat", "2025-09-12", "mejlar", True),
        ("Mon: asked for spec sheets, said I'd get them over by Weds", "2025-09-12", "get them over", True),
        ("Mon: Dan wants the brochure, I'll send it tomorrow", "2025-09-12", "send it", True),
        ("Mån: Sara bad om prislista. Sa att jag mejlar fre.", "2025-09-09", "mejlar", False),
        ("Mon: said I'd get them over by Weds\nTue: at the show", "2025-09-10", "get them over", False),
        # the step's line is where it starts (a span the span model ran past the line break)
        ("Mon: demo\nFri: office", "2025-09-12", "demo\n", True),
        # a log's date stamp, with no colon or dash after it
        (
            "2026-11-18 Besök Norrhults Gjuteri, hörselmätning\n2026-11-30 Tel Conny",
            "2026-11-30",
            "Besök",
            True,
        ),
        ("05/05 13:00 Visit: group mtg in the hall\n07/05 Call: Mags", "2027-05-07", "Visit", True),
        ("2026-11-30 Tel Conny: möte v.3", "2026-11-30", "möte", False),  # the note's day
        ("4/12 kl 10 möte med Gyllby", "2025-12-01", "möte", False),  # ahead
        # a range of weekdays labels the entry: its first day decides (2026-01-23 is a Friday,
        # 2026-01-20 a Tuesday)
        (
            "Week 4\nWed-Thu: workshop audit at Glomdal, all fine\nFri: expenses",
            "2026-01-23",
            "workshop audit",
            True,
        ),
        ("Tis–tors: sista servicen, 3 maskiner", "2026-01-23", "sista servicen", True),
        ("Mon/Tue - Cleveland, carrier meetings", "2026-01-23", "carrier meetings", True),
        ("Thu-Fri: demo at Hillcrest", "2026-01-20", "demo", False),
        ("Wed-Thu: call w/ Pat, will send samples", "2026-01-23", "send samples", False),
        # what looks ahead is read in the candidate's own sentence of the entry: a meeting had
        # on Tuesday stays a record beside the customer's promise or a later date in another
        # sentence (2025-09-25 is a Thursday)
        ("Tis: Möte m Söderslätts. De återkommer när styrelsen beslutat.", "2025-09-25", "Möte", True),
        ("Tis: Möte m Söderslätts. De återkommer när styrelsen beslutat.", "2025-09-25", "återkommer", False),
        ("Tue: call with Pat. Demo booked for Mon 29/9.", "2025-09-25", "call", True),
        ("Tue: call with Pat. Demo booked for Mon 29/9.", "2025-09-25", "Demo", False),
        ("Tue: call with Pat, demo booked for Mon 29/9.", "2025-09-25", "call", False),
        # no label, or a label that is no day
        ("Follow-up call went fine", "2026-04-02", "Follow-up call", False),
        ("Status: call booked", "2026-04-02", "call", False),
    ],
)
def test_a_journal_entry_before_the_note_day(text: str, note_date: str, candidate: str, past: bool) -> None:
    day = date.fromisoformat(note_date)
    assert in_past_entry(text, span_of(text, candidate), find_times(text, day), day) is past


def test_a_diary_of_past_days_has_no_step() -> None:
    result = Klarsteg.load().score(_WEEK, note_date="2025-06-27", language="en")
    assert (result.next_step, result.when, result.verdict) == (None, None, "none")


def test_a_diary_entry_that_looks_ahead_keeps_its_step() -> None:
    text = "Week 14\nMon: Kanaldalen care home, they want to trial the soap\nTue: office\nWed: rang Pat, demo booked for Mon 13/4 at 9"
    result = Klarsteg.load().score(text, note_date="2026-04-02", language="en")
    assert result.next_step is not None and "demo" in result.next_step.text
    assert result.when is not None and result.when.value == "2026-04-13T09:00"


@pytest.mark.parametrize(
    ("text", "note_date", "mention", "label"),
    [
        # the label of a past entry with words after it: a day gone by (2026-01-23 is a Friday)
        ("Wed-Thu: workshop audit, all fine\nFri: call Per Mon", "2026-01-23", "Thu", True),
        ("Wed-Thu: workshop audit, all fine\nFri: call Per Mon", "2026-01-23", "Wed", True),
        ("Tue: rang Pat, all fine", "2026-01-23", "Tue", True),
        # a label alone on its line heads a plan; an entry that looks ahead; a mention inside
        # the entry; the note's own day
        ("Mon:\n- ring Pat om hyran", "2026-01-23", "Mon", False),
        ("Tue: Pat wants a demo", "2026-01-23", "Tue", False),
        ("Wed-Thu: workshop audit, all fine\nFri: call Per Mon", "2026-01-23", "Mon", False),
        ("Fri: call Per", "2026-01-23", "Fri", False),
    ],
)
def test_the_label_of_a_past_entry(text: str, note_date: str, mention: str, label: bool) -> None:
    day = date.fromisoformat(note_date)
    mentions = find_times(text, day)
    (m,) = [m for m in mentions if m.text == mention]
    assert past_entry_label(text, m, mentions, day) is label


@pytest.mark.parametrize(
    ("text", "note_date", "mention", "label"),
    [
        # the note's own weekday opening its line as a label (2026-01-23 is a Friday)
        ("Fri: sent Stian the pricing", "2026-01-23", "Fri", True),
        ("- Fri: Kyabram Foods - racking inspection 7am", "2026-01-23", "Fri", True),
        ("Fri catch-up: touch base w/ Niall in the autumn", "2026-01-23", "Fri", True),
        # another day's label, a weekday inside the line, or one with no label colon
        ("Mon: call Per", "2026-01-23", "Mon", False),
        ("Call Per Fri: re the quote", "2026-01-23", "Fri", False),
        ("Fri - call Per", "2026-01-23", "Fri", False),
    ],
)
def test_the_label_of_the_notes_own_day(text: str, note_date: str, mention: str, label: bool) -> None:
    day = date.fromisoformat(note_date)
    (m,) = [m for m in find_times(text, day) if m.text == mention]
    assert todays_label(text, m, day) is label


def test_the_label_of_the_notes_own_day_is_no_when() -> None:
    result = Klarsteg.load().score(
        "Sun catch-up: touch base w/ Niall at Rehab Plus sometime in the autumn re the renewal",
        note_date="2027-08-22",
    )
    assert result.when is not None and (result.when.text, result.when.granularity) == (
        "sometime in the autumn",
        "fuzzy",
    )


def test_a_diary_of_past_day_ranges_has_no_step_nor_when() -> None:
    text = (
        "Week 4\nMon: Karlstad office, prep for dealer meeting\nTue 20/1: Håvard called, harrow order "
        "cancelled. Nothing to follow up.\nWed-Thu: workshop audit at Glomdal Traktor, all fine, 2 "
        "remarks already sent to them.\nFri: expense reports"
    )
    result = Klarsteg.load().score(text, note_date="2026-01-23", language="en")
    assert (result.next_step, result.when, result.verdict) == (None, None, "none")
