"""Tests for model.when: SPEC "when" resolution rules, spans, flags and false-positive traps."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from model.when import TimeMention, find_times
from model.when import patterns as when_patterns
from model.when import prescan as when_prescan

REF = date(2026, 11, 26)  # Thursday, ISO week 2026-W48
REF_DEC = date(2026, 12, 28)  # Monday, ISO week 2026-W53 (year rollover)
REF_SPEC = date(2026, 3, 10)  # the SPEC's example note date (Tuesday)


def one(text: str, ref: date | datetime = REF) -> TimeMention:
    """The single mention in ``text``."""
    found = find_times(text, ref)
    assert len(found) == 1, f"{text!r} -> {found}"
    return found[0]


# (text, granularity, value) resolved against REF.
RESOLVE = [
    # weekdays: next occurrence strictly after ref; nästa/next = that weekday in the next ISO week
    ("på fredag", "date", "2026-11-27"),
    ("torsdag", "date", "2026-12-03"),
    ("on Monday", "date", "2026-11-30"),
    ("nästa tisdag", "date", "2026-12-01"),
    ("nästa fredag", "date", "2026-12-04"),
    ("next Friday", "date", "2026-12-04"),
    ("next Wednesday", "date", "2026-12-02"),
    ("tisdag nästa vecka", "date", "2026-12-01"),
    ("onsdag i nästa vecka", "date", "2026-12-02"),
    ("torsdag v. 50", "date", "2026-12-10"),
    ("fre", "date", "2026-11-27"),
    ("tis", "date", "2026-12-01"),
    ("tors", "date", "2026-12-03"),
    ("lör", "date", "2026-11-28"),
    ("thurs", "date", "2026-12-03"),
    ("tues", "date", "2026-12-01"),
    # the four-letter Swedish forms
    ("torsd", "date", "2026-12-03"),
    ("torsd kl 14", "datetime", "2026-12-03T14:00"),
    ("onsd fm", "date", "2026-12-02"),
    ("tisd 10-11", "datetime", "2026-12-01T10:00"),
    ("månd", "date", "2026-11-30"),
    # relative days
    ("idag", "date", "2026-11-26"),
    ("today", "date", "2026-11-26"),
    ("ikväll", "date", "2026-11-26"),
    ("tonight", "date", "2026-11-26"),
    ("imorgon", "date", "2026-11-27"),
    ("i morgon", "date", "2026-11-27"),
    ("tomorrow", "date", "2026-11-27"),
    ("i övermorgon", "date", "2026-11-28"),
    ("the day after tomorrow", "date", "2026-11-28"),
    ("ringer i em", "date", "2026-11-26"),
    ("hörs i fm", "date", "2026-11-26"),
    # end of day belongs to the day it stands next to
    ("EOD Friday", "date", "2026-11-27"),
    ("by Thursday EOD", "date", "2026-12-03"),
    ("by EOD tomorrow", "date", "2026-11-27"),
    ("tomorrow COB", "date", "2026-11-27"),
    ("end of day Monday", "date", "2026-11-30"),
    ("by wed eod", "date", "2026-12-02"),
    # ... and the British end of play
    ("by EOP Friday", "date", "2026-11-27"),
    ("by close of play tomorrow", "date", "2026-11-27"),
    # the letter writer's "inst." is this month, and the "back end" of a month its end
    ("by 28th inst.", "date", "2026-11-28"),
    ("by the 30th instant", "date", "2026-11-30"),
    ("by the back end of March", "month", "2027-03"),
    ("EOD today", "date", "2026-11-26"),
    ("send it by EOD", "date", "2026-11-26"),
    # hours after a weekday, unless day-month falls on that weekday
    ("tis 10-11", "datetime", "2026-12-01T10:00"),
    ("fredag 13-15", "datetime", "2026-11-27T13:00"),
    ("Thursday 3 Dec, 9–11", "datetime", "2026-12-03T09:00"),  # a comma after the date
    ("tors 3/12, 9-11", "datetime", "2026-12-03T09:00"),
    ("mtg w/ Dan mon 9-10", "datetime", "2026-11-30T09:00"),
    ("tis 1-12", "date", "2026-12-01"),
    # a clock-time range stands for its start
    ("Friday 2-3pm", "datetime", "2026-11-27T14:00"),
    ("tomorrow 10-11am", "datetime", "2026-11-27T10:00"),
    ("kl 13.00-14.00 på fredag", "datetime", "2026-11-27T13:00"),
    ("10-11 imorgon", "datetime", "2026-11-27T10:00"),
    ("11-12pm", "datetime", "2026-11-26T11:00"),
    # "after lunch" and end of day belong to the day beside them
    ("ring igen imorgon efter lunch", "date", "2026-11-27"),
    ("tomorrow after lunch", "date", "2026-11-27"),
    ("after lunch", "date", "2026-11-26"),
    # shorthand and weekends
    ("ringer nästa v.", "week", "2026-W49"),
    ("call after the weekend", "week", "2026-W49"),
    # colloquial "till veckan" is next week
    ("Skickar offerten till veckan", "week", "2026-W49"),
    ("återkommer till veckan", "week", "2026-W49"),
    # parts of the day are not clock times
    ("tomorrow morning", "date", "2026-11-27"),
    ("imorgon fm", "date", "2026-11-27"),
    ("fredag eftermiddag", "date", "2026-11-27"),
    ("Friday afternoon", "date", "2026-11-27"),
    ("by EOD", "date", "2026-11-26"),
    ("send it by EOP", "date", "2026-11-26"),
    ("efter lunch", "date", "2026-11-26"),
    # offsets
    ("om 10 dagar", "date", "2026-12-06"),
    ("in 10 days", "date", "2026-12-06"),
    ("om två veckor", "week", "2026-W50"),
    ("in 3 weeks", "week", "2026-W51"),
    ("om en vecka", "week", "2026-W49"),
    ("om 2 månader", "month", "2027-01"),
    ("in two months", "month", "2027-01"),
    # day + month without a year: next one on or after ref; numeric = day/month
    ("3 dec", "date", "2026-12-03"),
    ("3/12", "date", "2026-12-03"),
    ("den 3:e december", "date", "2026-12-03"),
    ("den 3 december", "date", "2026-12-03"),
    ("December 3rd", "date", "2026-12-03"),
    ("3rd of December", "date", "2026-12-03"),
    ("26/11", "date", "2026-11-26"),
    ("3/11", "date", "2027-11-03"),
    ("15-02", "date", "2027-02-15"),
    ("2026-12-03", "date", "2026-12-03"),
    ("3/12/2026", "date", "2026-12-03"),
    ("julafton", "date", "2026-12-24"),
    # weeks
    ("nästa vecka", "week", "2026-W49"),
    ("nasta vecka", "week", "2026-W49"),
    ("next week", "week", "2026-W49"),
    ("denna vecka", "week", "2026-W48"),
    ("this week", "week", "2026-W48"),
    ("v. 49", "week", "2026-W49"),
    ("v.49", "week", "2026-W49"),
    ("v49", "week", "2026-W49"),
    ("vecka 49", "week", "2026-W49"),
    ("under vecka 50", "week", "2026-W50"),
    ("week 48", "week", "2026-W48"),
    ("wk 12", "week", "2027-W12"),
    ("w47", "week", "2027-W47"),
    ("v. 1", "week", "2027-W01"),
    ("w/c 13 April", "week", "2027-W15"),
    ("end of the week", "week", "2026-W48"),
    ("EOW", "week", "2026-W48"),
    ("i slutet av veckan", "week", "2026-W48"),
    ("kl 12 nästa vecka", "week", "2026-W49"),
    # months
    ("i december", "month", "2026-12"),
    ("i november", "month", "2026-11"),
    ("i mars", "month", "2027-03"),
    ("in March", "month", "2027-03"),
    ("i juli", "month", "2027-07"),
    ("i maj", "month", "2027-05"),
    ("in May", "month", "2027-05"),
    ("i början av mars", "month", "2027-03"),
    ("early March", "month", "2027-03"),
    ("i slutet av månaden", "month", "2026-11"),
    ("end of the month", "month", "2026-11"),
    ("EOM", "month", "2026-11"),
    ("nästa månad", "month", "2026-12"),
    ("nasta manad", "month", "2026-12"),
    ("next month", "month", "2026-12"),
    ("december 2027", "month", "2027-12"),
    # quarters and years
    ("Q1", "quarter", "2027-Q1"),
    ("sometime next quarter", "quarter", "2027-Q1"),
    ("ring henne imrn", "date", "2026-11-27"),
    ("sometime next year", "year", "2027"),
    ("nån gång nästa år", "year", "2027"),
    ("next Tuesday at 3", "datetime", "2026-12-01T15:00"),
    ("by Oct 24", "date", "2027-10-24"),
    ("Q4", "quarter", "2026-Q4"),
    ("Q2 2027", "quarter", "2027-Q2"),
    ("första kvartalet", "quarter", "2027-Q1"),
    ("kvartal 2", "quarter", "2027-Q2"),
    ("next quarter", "quarter", "2027-Q1"),
    ("nästa kvartal", "quarter", "2027-Q1"),
    ("nästa år", "year", "2027"),
    ("next year", "year", "2027"),
    # clock times (alone: on the reference date; 1-7 without am/pm = afternoon)
    ("kl 15", "datetime", "2026-11-26T15:00"),
    ("kl. 10", "datetime", "2026-11-26T10:00"),
    ("klockan 14", "datetime", "2026-11-26T14:00"),
    ("kl 3", "datetime", "2026-11-26T15:00"),
    ("kl 07:00", "datetime", "2026-11-26T07:00"),
    ("halv tre", "datetime", "2026-11-26T14:30"),
    ("kvart över två", "datetime", "2026-11-26T14:15"),
    ("kvart i fyra", "datetime", "2026-11-26T15:45"),
    ("14.30", "datetime", "2026-11-26T14:30"),
    ("14:30", "datetime", "2026-11-26T14:30"),
    ("10-tiden", "datetime", "2026-11-26T10:00"),
    ("2pm", "datetime", "2026-11-26T14:00"),
    ("2 pm", "datetime", "2026-11-26T14:00"),
    ("14h", "datetime", "2026-11-26T14:00"),
    ("at 9", "datetime", "2026-11-26T09:00"),
    ("2pm CET", "datetime", "2026-11-26T14:00"),
    ("9am", "datetime", "2026-11-26T09:00"),
    ("3:30 pm", "datetime", "2026-11-26T15:30"),
    # day + clock time = one datetime mention
    ("torsdag kl 14", "datetime", "2026-12-03T14:00"),
    ("3/12 10.30", "datetime", "2026-12-03T10:30"),
    ("Fri 2pm", "datetime", "2026-11-27T14:00"),
    ("imorgon 09:00", "datetime", "2026-11-27T09:00"),
    ("tisdag den 1 december klockan 14", "datetime", "2026-12-01T14:00"),
    ("on Thursday at 2pm", "datetime", "2026-12-03T14:00"),
    ("tomorrow at 3", "datetime", "2026-11-27T15:00"),
    ("fredag kl 9.30", "datetime", "2026-11-27T09:30"),
    ("måndag 13:00", "datetime", "2026-11-30T13:00"),
    ("tomorrow afternoon at 5", "datetime", "2026-11-27T17:00"),
    ("8 tonight", "datetime", "2026-11-26T20:00"),
    # missing å/ä/ö
    ("mandag", "date", "2026-11-30"),
    ("pa mandag", "date", "2026-11-30"),
    ("lordag", "date", "2026-11-28"),
    ("sondag", "date", "2026-11-29"),
    ("i overmorgon", "date", "2026-11-28"),
    ("nasta fredag", "date", "2026-12-04"),
    # a month that is also a first name, where it can only be the month
    ("meeting in Jan at Acme's office", "month", "2027-01"),
    ("price rise from Jan", "month", "2027-01"),
    ("Thurs 15 May @ 9:30", "datetime", "2027-05-15T09:30"),
]


@pytest.mark.parametrize(("text", "granularity", "value"), RESOLVE)
def test_resolution(text: str, granularity: str, value: str) -> None:
    m = one(text)
    assert (m.granularity, m.value) == (granularity, value)
    assert m.clear == (granularity in ("date", "datetime"))


# (text, granularity, value) resolved against REF_DEC (Monday 2026-12-28, ISO week 53).
ROLLOVER = [
    ("nästa vecka", "week", "2027-W01"),
    ("next week", "week", "2027-W01"),
    ("v. 1", "week", "2027-W01"),
    ("week 1", "week", "2027-W01"),
    ("v. 53", "week", "2026-W53"),
    ("v. 52", "week", "2027-W52"),
    ("i januari", "month", "2027-01"),
    ("i december", "month", "2026-12"),
    ("3/1", "date", "2027-01-03"),
    ("28/12", "date", "2026-12-28"),
    ("Q1", "quarter", "2027-Q1"),
    ("sometime next quarter", "quarter", "2027-Q1"),
    ("sometime next year", "year", "2027"),
    ("nån gång nästa år", "year", "2027"),
    ("next Tuesday at 3", "datetime", "2027-01-05T15:00"),
    ("by Oct 24", "date", "2027-10-24"),
    ("nästa månad", "month", "2027-01"),
    ("imorgon", "date", "2026-12-29"),
    ("om två veckor", "week", "2027-W02"),
    ("fredag", "date", "2027-01-01"),
    ("nästa fredag", "date", "2027-01-08"),
    ("måndag", "date", "2027-01-04"),
    ("nästa år", "year", "2027"),
    ("om 2 månader", "month", "2027-02"),
    ("end of the week", "week", "2026-W53"),
]


@pytest.mark.parametrize(("text", "granularity", "value"), ROLLOVER)
def test_year_rollover(text: str, granularity: str, value: str) -> None:
    m = one(text, REF_DEC)
    assert (m.granularity, m.value) == (granularity, value)


def test_spec_example() -> None:
    text = "Bra möte med Eva. Hon ska prata med IT. Vi bokade demo tis 17/3 kl 10 för att visa integrationen."
    m = one(text, REF_SPEC)
    assert (m.text, m.start, m.end) == ("tis 17/3 kl 10", 55, 69)
    assert (m.granularity, m.value, m.has_time, m.past, m.deadline) == (
        "datetime",
        "2026-03-17T10:00",
        True,
        False,
        False,
    )


FUZZY = [
    "Black Friday",  # not the next Friday: holidays are fuzzy
    "after calving season",  # a farm's seasons
    "after lambing",
    "efter kalvningen",
    "efter vårbruket",
    "after Thanksgiving",
    "cyber monday",
    "efter helgen",
    "in a couple of days",
    "in a few days",
    "shortly",
    "längre fram",
    "om ett tag",
    "om ett par veckor",
    "ett par veckor",
    "några veckor",
    "om några månader",
    "snart",
    "inom kort",
    "efter sommaren",
    "till hösten",
    "i vår",
    "efter jul",
    "jul",
    "nyår",
    "påsk",
    "midsommar",
    "sportlovet",
    "semestern",
    "efter semestern",
    "månadsskiftet",
    "manadsskiftet",
    "årsskiftet",
    "later on",
    "in a couple of weeks",
    "a couple of weeks",
    "in a few weeks",
    "soon",
    "after the holidays",
    "after summer",
    "this spring",
    "Christmas",
    "new year",
    "om en dryg vecka",
    "om drygt en vecka",
    "om knappt två veckor",
    "i mellandagarna",
]


@pytest.mark.parametrize("text", FUZZY)
def test_fuzzy(text: str) -> None:
    m = one(text)
    assert (m.granularity, m.value, m.clear) == ("fuzzy", None, False)
    assert m.text == text


def test_jul_is_christmas_not_july() -> None:
    assert one("vi hörs efter jul").granularity == "fuzzy"
    assert one("innan jul").deadline is True
    assert one("i juli").value == "2027-07"
    assert one("15 jul").value == "2027-07-15"


# (text, expected span text): the span includes the preposition/marker.
SPANS = [
    ("Möte fre kl 10-11 hos kunden", "fre kl 10-11"),
    ("Workshop Thursday 26 Feb, 9:30-11:00, onsite", "Thursday 26 Feb, 9:30-11:00"),
    ("Vi ses på fredag.", "på fredag"),
    ("Demo i december med IT.", "i december"),
    ("Ringer om två veckor igen.", "om två veckor"),
    ("Uppföljning v. 49, tack.", "v. 49"),
    ("Återkommer senast fredag.", "senast fredag"),
    ("Will send it by Friday.", "by Friday"),
    ("Call on Thursday at 2pm to review.", "on Thursday at 2pm"),
    ("Hon ringer kl 15.", "kl 15"),
    ("Ny demo i början av mars.", "i början av mars"),
    ("Möte nästa vecka.", "nästa vecka"),
    ("Vi hörs torsdag, helst kl 9.", "torsdag, helst kl 9"),
    ("Ring henne tisdag den 1 december klockan 14.", "tisdag den 1 december klockan 14"),
    # after a sending verb "den"/"det" is what is sent, not the date's article
    ("Skickar den imorgon.", "imorgon"),
    ("ska skicka den på torsdag så", "på torsdag"),
    ("mejlar det i veckan", "i veckan"),
    ("Skickar den 4 maj", "4 maj"),
    # a day with "the" before a word that goes with a date stays one
    ("Meet the 14th regarding the lease.", "the 14th"),
    ("Call on the 2nd about the renewal", "on the 2nd"),
    ("Vi ses den 4 maj", "den 4 maj"),
]


@pytest.mark.parametrize(("text", "span"), SPANS)
def test_spans(text: str, span: str) -> None:
    m = one(text)
    assert m.text == span
    assert text[m.start : m.end] == span


@pytest.mark.parametrize(
    ("text", "span", "granularity", "value"),
    [
        # a day followed by whole hours written like a date: the first hour of that day, never
        # a second date ("9-11" is not 9 November)
        ("Site meeting Tues 1 Dec 9-11 at their office", "Tues 1 Dec 9-11", "datetime", "2026-12-01T09:00"),
        ("Besök tis 1/12 13-15.", "tis 1/12 13-15", "datetime", "2026-12-01T13:00"),
        ("install Mon 30/11 2-4, confirm access", "Mon 30/11 2-4", "datetime", "2026-11-30T14:00"),
        ("workshop 3 Dec 9-11", "3 Dec 9-11", "datetime", "2026-12-03T09:00"),
        # "at 9" followed by a place still belongs to the day before it
        ("Pre-bid walk Tues 1/12 at 9 at the bus garage", "Tues 1/12 at 9", "datetime", "2026-12-01T09:00"),
        ("Follow up wk of 7/12 for the decision", "wk of 7/12", "week", "2026-W50"),
        ("f/u wk commencing 14 Dec", "wk commencing 14 Dec", "week", "2026-W51"),
        # a bare hour after "after"/"before" that ends the clause is a clock time (1-7: afternoon)
        ("Upptagen, ring efter 3", "efter 3", "datetime", "2026-11-26T15:00"),
        ("In a meeting - call back after 5, mobile", "after 5", "datetime", "2026-11-26T17:00"),
        # and a 24-hour clock's (13-20) after the Swedish words
        ("Upptagen, ring tillbaka efter 15", "efter 15", "datetime", "2026-11-26T15:00"),
        ("ring innan 17, sen är hon borta", "innan 17", "datetime", "2026-11-26T17:00"),
        ("Byter leverantör efter 15 år", "efter 15 år", "year", "2041"),
        # "24/7" after a weekday is a date (alone it is "around the clock")
        ("load-in Sat 24/7 from 06:00", "Sat 24/7 from 06:00", "datetime", "2027-07-24T06:00"),
        # month/day when the weekday rules day/month out in every year near (2 Jan is a
        # Saturday in 2027 and a Sunday in 2028; 1 February 2027 is a Monday)
        ("Demo Monday 2/1 at 10", "Monday 2/1 at 10", "datetime", "2027-02-01T10:00"),
        ("Mon 1/2 kickoff", "Mon 1/2", "date", "2027-02-01"),  # day/month fits: 1 Feb
        # day/month fits only a year later (12 October 2027); month/day in two weeks
        ("Thu 12/10 at 2pm", "Thu 12/10 at 2pm", "datetime", "2026-12-10T14:00"),
        # both fit the weekday, day/month only a year on (12 November 2027): month/day, soon
        ("Fri 12/11 demo", "Fri 12/11", "date", "2026-12-11"),
        # both fit, day/month only next year (1 July 2027): month/day, sooner
        ("Thu 1/7 kickoff", "Thu 1/7", "date", "2027-01-07"),
        # a deadline's month with its day is the date ("by Apr" is longer than "Apr 9")
        ("call by Apr 9 re the trade-in", "by Apr 9", "date", "2027-04-09"),
        ("before Feb 1", "before Feb 1", "date", "2027-02-01"),
        ("i maj\n12 st", "i maj", "month", "2027-05"),  # a number on the next line: the month's alone
        # a phone-typed "nv" is next week (lower case only)
        ("ring nv ang däcken", "nv", "week", "2026-W49"),
        # phone-typed "to" (torsdag) before a clock time or "fm"; "fr" (fredag) also at a
        # clause's end (as tors kl 10 and fre)
        ("Anki ringer to kl 10 om lyften", "to kl 10", "datetime", "2026-12-03T10:00"),
        ("Bokat besok Pajala Dackcenter fr, visa falgarna", "fr", "date", "2026-11-27"),
        ("ring fr em", "fr em", "date", "2026-11-27"),
        # a date field's label supports a month that is also a word, and a short date
        ("Next action date: March", "March", "month", "2027-03"),
        ("F/U date: 3/4", "3/4", "date", "2027-04-03"),
        # the day after or before a named date
        ("call the day after 6/12", "the day after 6/12", "date", "2026-12-07"),
        ("ring dagen före 4/12 kl 9", "dagen före 4/12 kl 9", "datetime", "2026-12-03T09:00"),
        # a verb's particle "in" stays with the verb; English "sent" is not Swedish "late"
        ("Check in next month", "next month", "month", "2026-12"),
        ("drop in on Friday with samples", "on Friday", "date", "2026-11-27"),
        ("Follow up on the quote sent last week", "last week", "week", "2026-W47"),
        ("ring sent nästa vecka", "sent nästa vecka", "week", "2026-W49"),
        # "den" before "mån" is the object ("send it Monday") unless "i den mån" (insofar)
        ("Skickar den mån\nStatus: Förhandling", "mån", "date", "2026-11-30"),
        # "kl" with an hour from 20 on (read as "kl 2" before)
        ("mån 30/11 kl 23", "mån 30/11 kl 23", "datetime", "2026-11-30T23:00"),
        ("ring kl 20", "kl 20", "datetime", "2026-11-26T20:00"),
    ],
)
def test_reps_days_and_hours(text: str, span: str, granularity: str, value: str) -> None:
    m = one(text)
    assert (m.text, m.granularity, m.value) == (span, granularity, value)


def test_weekday_fits_both_readings_this_year() -> None:
    """Both readings fall on the weekday and day/month is still this year: day/month, as the
    SPEC reads numeric dates (1 July 2026, not 7 January)."""
    m = one("Wed 1/7 kickoff", date(2026, 1, 5))
    assert (m.text, m.value) == ("Wed 1/7", "2026-07-01")


@pytest.mark.parametrize(
    ("text", "span", "granularity", "value"),
    [
        # 24-hour times with "hrs" ("1400 hrs" with a space stays an amount)
        ("call him back at 1400hrs", "at 1400hrs", "datetime", "2026-11-26T14:00"),
        ("Site visit Thu 0930hrs", "Thu 0930hrs", "datetime", "2026-12-03T09:30"),
        ("Walkthrough Fri 14:00 hrs", "Fri 14:00 hrs", "datetime", "2026-11-27T14:00"),
        # a CRM export's ISO date and time
        ("Due: 2026-12-09T10:00", "2026-12-09T10:00", "datetime", "2026-12-09T10:00"),
        ("Start 2026-12-09T14:30:00+01:00", "2026-12-09T14:30:00+01:00", "datetime", "2026-12-09T14:30"),
        # shorthand units and words
        ("ring om 2 mån", "om 2 mån", "month", "2027-01"),
        ("ring om 3 dgr", "om 3 dgr", "date", "2026-11-29"),
        ("call in 3 mths", "in 3 mths", "month", "2027-02"),
        ("follow up nxt wk", "nxt wk", "week", "2026-W49"),
        ("call nxt Tue", "nxt Tue", "date", "2026-12-01"),
        ("ring i morrn", "i morrn", "date", "2026-11-27"),
        # British "a week on Tuesday": seven days after the coming Tuesday (1 December)
        ("call a week on Tuesday", "a week on Tuesday", "date", "2026-12-08"),
        ("see you a week tomorrow", "a week tomorrow", "date", "2026-12-04"),
        # a dotted day.month beside a weekday, "den" or a clock time
        ("Möte 9.3 kl 10", "9.3 kl 10", "datetime", "2027-03-09T10:00"),
        ("tis 1.12 ring Bergs", "tis 1.12", "date", "2026-12-01"),
        ("ring den 3.12.", "den 3.12", "date", "2026-12-03"),
    ],
)
def test_reps_shorthand(text: str, span: str, granularity: str, value: str) -> None:
    m = one(text)
    assert (m.text, m.granularity, m.value) == (span, granularity, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "11/28" can only be month/day: this writer's "12/10" is 10 December too
        (
            "Last contact: 11/28\nNext step: demo 12/10 2pm",
            [("11/28", "date", "2026-11-28"), ("12/10 2pm", "datetime", "2026-12-10T14:00")],
        ),
        (
            "call 12/1/2027, last 11/30/2026",
            [("12/1/2027", "date", "2027-12-01"), ("11/30/2026", "date", "2026-11-30")],
        ),
        # a day/month-only date ("28/11") keeps the SPEC's day/month reading, as does a note
        # with no date that is only month/day
        ("met 28/11, next 12/10", [("28/11", "date", "2026-11-28"), ("12/10", "date", "2027-10-12")]),
        ("next 12/10", [("12/10", "date", "2027-10-12")]),
        # a weekday after a date it fits only read month/day is a day of its own; before it, or
        # fitting the date as written, it is the date's
        (
            "Ring Per ang. avtalet fr.o.m. 1/5, tis kl 10",
            [("1/5", "date", "2027-05-01"), ("tis kl 10", "datetime", "2026-12-01T10:00")],
        ),
        ("Möte 1/12 tis kl 10", [("1/12 tis kl 10", "datetime", "2026-12-01T10:00")]),
        ("call Tue 1/5 at 10", [("Tue 1/5 at 10", "datetime", "2027-01-05T10:00")]),
    ],
)
def test_a_writers_month_day_dates(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.text, m.granularity, m.value) for m in find_times(text, REF)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a week's year is on its own line, not a date on the next line
        (
            "Vi hörs v.17\n2025-03-24 Platsbesök",
            [("v.17", "week", "2027-W17"), ("2025-03-24", "date", "2025-03-24")],
        ),
        ("v 17 2025-03-24", [("v 17", "week", "2027-W17"), ("2025-03-24", "date", "2025-03-24")]),
        ("v.17, 2027 ok", [("v.17, 2027", "week", "2027-W17")]),
        # a "senast" that opens the next time expression is that one's deadline
        (
            "offert på 2 dagar i okt senast onsdag",
            [("i okt", "month", "2027-10"), ("senast onsdag", "date", "2026-12-02")],
        ),
    ],
)
def test_a_week_and_a_year(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.text, m.granularity, m.value) for m in find_times(text, REF)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order 3 Dec 2-4 units", [("3 Dec", "date", "2026-12-03")]),  # a quantity, not hours
        ("levereras 9-11 december", [("9-11 december", "date", "2026-12-09")]),  # days of a month
        ("Fri 2-4", [("Fri 2-4", "date", "2027-04-02")]),  # Friday 2 April: the weekday fits the date
        ("on-call support 24/7 from Monday", [("from Monday", "date", "2026-11-30")]),
        ("sold out after 5 of them went", []),  # a count, not an hour
        ("pay after 2 weeks", [("after 2 weeks", "week", "2026-W50")]),
        ("Follow-up: may need a second visit", []),  # "may" the verb, after a label
        ("book a 2nd visit", []),  # ordinals of counted things are no days of the month
        ("3:e försöket idag", [("idag", "date", "2026-11-26")]),
        ("pencil in w/c 7 Dec", [("w/c 7 Dec", "week", "2026-W50")]),  # "in" stays the verb's
        # a bare duration is as far ahead only after a follow-up label
        ("Follow-up: 2 weeks", [("2 weeks", "week", "2026-W50")]),
        ("f/u 3 wks", [("3 wks", "week", "2026-W51")]),
        ("Uppföljning: 2 veckor", [("2 veckor", "week", "2026-W50")]),
        ("Next contact: 3 months", [("3 months", "month", "2027-02")]),
        ("sold 2 weeks of stock", []),
        ("delivery takes 2 weeks", []),
        # Swedish shorthand "v" for weeks after a number
        ("ring om 2 v", [("om 2 v", "week", "2026-W50")]),
        ("trade-in av Nimbus", []),  # "in av" is no "in a week"
        # "2p" / "10a" after a weekday or a short date is a clock time; alone it is not
        ("call Tue 2p", [("Tue 2p", "datetime", "2026-12-01T14:00")]),
        ("Mtg 4/12 10a", [("4/12 10a", "datetime", "2026-12-04T10:00")]),
        ("flat 4a, ring the bell", []),
        ("revisit March", []),  # without a label, "March" alone stays a word
        # "mån" after a clock time is Monday, after a count months
        ("Teams-möte kl 10 mån - SLA-rapport", [("kl 10 mån", "datetime", "2026-11-30T10:00")]),
        ("6 mån uppsägning", []),
        # "2ish" where its clause ends is about 2; a day's place between it and its time
        ("call Thursday 2ish", [("Thursday 2ish", "datetime", "2026-12-03T14:00")]),
        ("order 5ish units", []),
        ("Signing Mon at his office 10am", [("Mon at his office 10am", "datetime", "2026-11-30T10:00")]),
        ("möte tis hos dem kl 9", [("tis hos dem kl 9", "datetime", "2026-12-01T09:00")]),
        ("ring fre vid 10-tiden", [("fre vid 10-tiden", "datetime", "2026-11-27T10:00")]),
        # a number after "nr"/"#" before a part of the day is no hour; a bare one is
        ("skickar veckorapport nr 1 idag em", [("idag em", "date", "2026-11-26")]),
        ("report #2 tomorrow morning", [("tomorrow morning", "date", "2026-11-27")]),
        # "v2" after a document that comes in versions is its version, not week 2
        ("pricing template v2 by Thurs", [("by Thurs", "date", "2026-12-03")]),
        ("proof v3 to Sophie", []),
        # "bom" is a bill of materials or a Swedish boom lift; "BOM" alone the month's beginning
        ("ring lindgrens tak om bom lyften", []),
        ("Book follow-up call once BOM received", []),
        ("invoice at the BOM", [("at the BOM", "month", "2026-11")]),
        ("send invoice EOM", [("EOM", "month", "2026-11")]),
        ("ring v2", [("v2", "week", "2027-W02")]),
        ("offert v.12", [("v.12", "week", "2027-W12")]),
        ("ring 3 idag em", [("3 idag em", "datetime", "2026-11-26T15:00")]),
    ],
)
def test_numbers_after_a_day_that_are_not_hours(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.text, m.granularity, m.value) for m in find_times(text, REF)] == expected


PAST = [
    ("i tisdags", "date", "2026-11-24"),
    ("i måndags", "date", "2026-11-23"),
    ("igår", "date", "2026-11-25"),
    ("i går", "date", "2026-11-25"),
    ("i förrgår", "date", "2026-11-24"),
    ("förra veckan", "week", "2026-W47"),
    ("förra månaden", "month", "2026-10"),
    ("last week", "week", "2026-W47"),
    ("last Tuesday", "date", "2026-11-24"),
    ("yesterday", "date", "2026-11-25"),
    ("3 days ago", "date", "2026-11-23"),
    ("för två veckor sedan", "date", "2026-11-12"),
    ("2025-12-03", "date", "2025-12-03"),
    ("3 december 2025", "date", "2025-12-03"),
]


@pytest.mark.parametrize(("text", "granularity", "value"), PAST)
def test_past(text: str, granularity: str, value: str) -> None:
    m = one(text)
    assert (m.granularity, m.value, m.past) == (granularity, value, True)


@pytest.mark.parametrize(
    "text", ["i mars", "på fredag", "nästa vecka", "3/12", "idag", "kl 15", "Q1", "2026-12-03"]
)
def test_not_past(text: str) -> None:
    assert one(text).past is False


@pytest.mark.parametrize(
    ("text", "span", "past"),
    [
        # a record of something done: its date is behind, though the SPEC's rule for a
        # yearless date gives the next occurrence as its value
        ("Offert skickad 24/2 på 40 st", "24/2", True),
        ("Quote sent 9 Aug, customer will decide", "9 Aug", True),
        ("Site tour done 18/11", "18/11", True),
        ("Demo held on Wed with ops", "on Wed", True),
        ("quote sent today", "today", False),  # today is not behind
        ("sent by Friday", "by Friday", False),  # a deadline
        ("Offert skickas 2/12", "2/12", False),  # will be sent
        ("Rapport skickad\n2/12 Tel Conny", "2/12", False),  # the verb ends its line
        # a yearless date of the last two weeks is looked back at (REF is 26 November)
        ("Offert 20/11 ej besvarad", "20/11", True),
        ("Ring 28/11", "28/11", False),
        ("Ring 10/11", "10/11", False),  # 16 days ago: the SPEC's next occurrence stands
        # a time since which something holds is behind; Swedish "sedan" only before a month,
        # quarter or year and not after a comma, where it is "then"
        ("panels running since Oct, very happy", "Oct", True),
        ("failing since Monday", "Monday", True),
        ("kund sedan i mars", "i mars", True),
        ("börjar med piloten, sedan i sept", "i sept", False),
        ("ring sedan fre", "fre", False),
    ],
)
def test_a_record_of_something_done_is_past(text: str, span: str, past: bool) -> None:
    m = one(text)
    assert (m.text, m.past) == (span, past)


DEADLINES = [
    ("senast fredag", True),
    ("by Friday", True),
    ("before Friday", True),
    ("innan fredag", True),
    ("no later than Friday", True),
    ("until Friday", True),
    ("tills fredag", True),
    ("senast den 3 december", True),
    ("fredag senast", True),
    ("by the end of the month", True),
    ("på fredag", False),
    ("on Friday", False),
    ("flyttat till fredag", False),
]


@pytest.mark.parametrize(("text", "deadline"), DEADLINES)
def test_deadline(text: str, deadline: bool) -> None:
    assert one(text).deadline is deadline


@pytest.mark.parametrize(
    ("text", "has_time"),
    [
        ("torsdag kl 14", True),
        ("kl 15", True),
        ("tomorrow morning", False),
        ("fredag em", False),
        ("3/12", False),
    ],
)
def test_has_time(text: str, has_time: bool) -> None:
    assert one(text).has_time is has_time


TRAPS = [
    "vi blir 10-12 personer",
    "leverans 2-3 pcs",
    "Laget vann guld i EM",
    "Reklam i FM-bandet",
    "Flyttar mötet till veckan efter",
    # names
    "Maj Andersson ringer tillbaka.",
    "Pratade med Tor om licenserna.",
    "Tor sa att de väntar.",
    "Möte med Maj och Per.",
    "Träffade Maj Lind och Tor Ek.",
    "Voicemail from Jan at Nordkust: call him back",
    "Mejl från Maj på Hydroteknik om ventilerna.",
    "Missed call from Jan (Brandt Foods), call back",
    "Reno, NV office",
    "Mejl fr. Anders om avtalet",
    "sms fr Tompa: kommer in",
    "talk to em about the rates",
    "guest comms in DE/FR",
    # words that look like abbreviations
    "Skrivaren är sönder igen.",
    "Hennes son börjar skolan.",
    "i viss mån håller de med",
    "fri frakt ingår",
    "We sat down with the CFO.",
    "nu kör vi",
    "Just nu har de inte budget.",
    # durations
    "30 dagar betalningsvillkor",
    "avtalet löper 36 månader",
    "2-3 veckor leveranstid",
    "about 20 hours a week",
    "12 månaders avtal",
    "a 3-year contract",
    "5 veckors leveranstid",
    # opening hours
    "8-17",
    "öppet 9-16",
    "Vi har öppet 8-17 på vardagar.",
    # prices
    "12 000 kr",
    "4.5k",
    "$1,200",
    "1 500:-",
    "kostar 2.50 kr styck",
    # phone numbers
    "070-123 45 67",
    "+46 8 123 456",
    "08-123 45 67",
    "ring 031-15 20 00",
    # versions
    "v2.3",
    "version 4.1",
    "uppgradera till v4.10",
    # order / offer numbers
    "Offert 2027-117",
    "order 2026-4411",
    "#2026-12",
    "ordernr 2026-11",
    # quantities and percentages
    "3/4 of the units",
    "50/50",
    "support 24/7",
    "rabatt 15%",
    "12.5 %",
    "1/2 av licenserna",
    # a dotted decimal with no weekday, "den" or clock time beside it; amounts of hours and months
    "growth 9.3 at the moment",
    "version 2.1 at launch",
    "we quoted 1000 hrs of support",
    "budget 1200h",
    "sälj 2 mån gratis",
    "6 mån uppsägningstid",
    "i den mån det behövs",
    "den mån som krävs",
    "kl 25",
    # a bare ordinal before its noun
    "re 2nd tranche of drivers",
    "send revised quote w/ 2nd projector",
    "1st choice",
    # ... after "the"/"den" too, with no preposition or weekday before it
    "revised lease quote w/ the 2nd unit added",
    "the 2nd shift supervisor",
    "den 2:a skiftet",
    # a month after "the" and before a noun names a thing
    "once the January rota is done",
    "book the Sept review with Sinead",
]


@pytest.mark.parametrize("text", TRAPS)
def test_false_positive_traps(text: str) -> None:
    assert find_times(text, REF) == []


NEGATIVE = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "timex" / "duckling_en_negative.jsonl"
)


@pytest.mark.skipif(not NEGATIVE.exists(), reason="Duckling negative corpus not available")
def test_duckling_negative_corpus() -> None:
    rows = [json.loads(line) for line in NEGATIVE.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = {r["text"]: find_times(r["text"], datetime.fromisoformat(r["ref"])) for r in rows}
    assert {t: m for t, m in hits.items() if m} == {}
    assert len(rows) == 28


def test_several_mentions_in_order() -> None:
    text = "Träffades i tisdags. Demo torsdag kl 14, offert senast 3/12 och beslut i januari."
    found = find_times(text, REF)
    assert [(m.text, m.value) for m in found] == [
        ("i tisdags", "2026-11-24"),
        ("torsdag kl 14", "2026-12-03T14:00"),
        ("senast 3/12", "2026-12-03"),
        ("i januari", "2027-01"),
    ]
    assert [m.past for m in found] == [True, False, False, False]
    assert found[2].deadline is True
    for m in found:
        assert text[m.start : m.end] == m.text


def test_clock_time_alone_uses_ref_date_even_with_datetime_ref() -> None:
    m = one("hon ringer kl 15", datetime(2026, 11, 26, 9, 30))
    assert m.value == "2026-11-26T15:00"


def test_hour_offset_with_datetime_ref() -> None:
    m = one("in 2 hours", datetime(2026, 11, 26, 9, 30))
    assert (m.granularity, m.value) == ("datetime", "2026-11-26T11:30")


def test_mention_is_frozen() -> None:
    m = one("på fredag")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.value = "x"  # type: ignore[misc]


def test_empty_and_plain_text() -> None:
    assert find_times("", REF) == []
    assert find_times("Bra möte, de är positiva till förslaget.", REF) == []


# --------------------------------------------------------------------------- vague phrases

FUZZY_MORE = [
    # named holidays and periods with no date of their own (writers' date? reports)
    "after Labor Day",
    "after Memorial Day",
    "after the bank holiday",
    "after the bank hol",
    "after the bank hols",
    "after the first of the year",
    "after the 1st of the year",
    "after EOFY",
    "after your peak period",
    "after the July 4th week",
    "after the half-term break",
    # seasons, every preposition, with and without å/ä/ö and colloquial forms
    "till hösten",
    "till hosten",
    "i höst",
    "i host",
    "nån gång i höst",
    "någon gång i höst",
    "nan gang i host",
    "framåt våren",
    "framat varen",
    "fram på våren",
    "under våren",
    "i vår",
    "till våren",
    "till varen",
    "efter sommaren",
    "efter sommarn",
    "i sommar",
    "över sommaren",
    "innan sommaren",
    "i början av hösten",
    "nästa sommar",
    "hösten 2027",
    "senare i höst",
    "in the autumn",
    "in autumn",
    "sometime in autumn",
    "this fall",
    "in the spring",
    "over the summer",
    "before summer",
    "next spring",
    "early next year",
    "in the new year",
    "later this year",
    # vague words
    "någon gång",
    "nån gång",
    "nan gang",
    "sometime",
    "at some point",
    "down the line",
    "framöver",
    "så småningom",
    "vid tillfälle",
    "när det passar",
    "när det passar kunden",
    "when it suits",
    "längre fram",
    "senare",
    "later",
    "i ett senare skede",
    "at a later date",
    "in the near future",
    # "efter <event>"
    "efter skörden",
    "efter semestern",
    "efter jul",
    "efter nyår",
    "efter påsk",
    "efter budgetarbetet",
    "efter årsskiftet",
    "efter inventeringen",
    "efter mässan",
    "efter höstmässan",
    "efter sportlovet",
    "after the harvest",
    "after the trade fair",
    "after the holidays",
    "after the summer break",
    "after the show",
    # ... a plant's shutdown
    "efter stoppet",
    "innan höststoppet",
    "after the shutdown",
    "before the annual shutdown",
    # vague offsets
    "in a month or so",
    "om en månad eller så",
    "in a week or two",
    "om ett par månader",
    "in a couple of months",
    "in a few months",
    "om några månader",
    "om någon vecka",
]


@pytest.mark.parametrize("text", FUZZY_MORE)
def test_fuzzy_more(text: str) -> None:
    m = one(text)
    assert (m.granularity, m.value, m.clear) == ("fuzzy", None, False)
    assert m.text == text


@pytest.mark.parametrize("text", ["i höstas", "i våras", "i somras"])
def test_past_seasons_are_past(text: str) -> None:
    m = one(text)
    assert (m.granularity, m.past) == ("fuzzy", True)


# (text, granularity, value, span) resolved against REF (Thursday 2026-11-26, W48).
RESOLVE_MORE = [
    ("i början av nästa år", "year", "2027", "i början av nästa år"),
    ("mitten av mars", "month", "2027-03", "mitten av mars"),
    ("i mitten av januari", "month", "2027-01", "i mitten av januari"),
    ("mid-March", "month", "2027-03", "mid-March"),
    ("late February", "month", "2027-02", "late February"),
    ("early Aug", "month", "2027-08", "early Aug"),
    ("om en månad", "month", "2026-12", "om en månad"),
    ("om ett halvår", "month", "2027-05", "om ett halvår"),
    ("in six months", "month", "2027-05", "in six months"),
    ("om sex månader", "month", "2027-05", "om sex månader"),
    ("om 1,5 år", "month", "2028-05", "om 1,5 år"),
    ("later next month", "month", "2026-12", "later next month"),
    ("within 10 days", "date", "2026-12-06", "within 10 days"),
    ("before Friday", "date", "2026-11-27", "before Friday"),
    ("noon", "datetime", "2026-11-26T12:00", "noon"),
    ("at noon", "datetime", "2026-11-26T12:00", "at noon"),
    ("Wednesday noon", "datetime", "2026-12-02T12:00", "Wednesday noon"),
    ("lunch 12", "datetime", "2026-11-26T12:00", "lunch 12"),
    ("torsdag lunch 12", "datetime", "2026-12-03T12:00", "torsdag lunch 12"),
    ("lunch", "date", "2026-11-26", "lunch"),
    ("at lunch", "date", "2026-11-26", "at lunch"),
    ("tomorrow lunch", "date", "2026-11-27", "tomorrow lunch"),
    # spelled-out clock times in dictated notes
    ("klockan tio", "datetime", "2026-11-26T10:00", "klockan tio"),
    ("klockan två", "datetime", "2026-11-26T14:00", "klockan två"),
    ("halv tio", "datetime", "2026-11-26T09:30", "halv tio"),
    ("tio i tre", "datetime", "2026-11-26T14:50", "tio i tre"),
    ("fem över nio", "datetime", "2026-11-26T09:05", "fem över nio"),
    ("at three thirty", "datetime", "2026-11-26T15:30", "at three thirty"),
    ("at ten", "datetime", "2026-11-26T10:00", "at ten"),
    ("at nine thirty", "datetime", "2026-11-26T09:30", "at nine thirty"),
    ("ten thirty", "datetime", "2026-11-26T10:30", "ten thirty"),
    ("twelve oh three", "datetime", "2026-11-26T12:03", "twelve oh three"),
    ("nine fifty-nine am", "datetime", "2026-11-26T09:59", "nine fifty-nine am"),
    ("kl 1430", "datetime", "2026-11-26T14:30", "kl 1430"),
    ("kl 0930", "datetime", "2026-11-26T09:30", "kl 0930"),
    ("kl 8", "datetime", "2026-11-26T08:00", "kl 8"),
    ("at 3 15", "datetime", "2026-11-26T15:15", "at 3 15"),
    # weeks
    ("the week of Jan 12", "week", "2027-W02", "the week of Jan 12"),
    ("the week after next", "week", "2026-W50", "the week after next"),
    ("veckan efter nästa", "week", "2026-W50", "veckan efter nästa"),
    ("later this week", "week", "2026-W48", "later this week"),
    ("i slutet av veckan", "week", "2026-W48", "i slutet av veckan"),
    ("tidigt nästa vecka", "week", "2026-W49", "tidigt nästa vecka"),
    ("early next week", "week", "2026-W49", "early next week"),
    ("i början av nästa vecka", "week", "2026-W49", "i början av nästa vecka"),
    ("sometime next week", "week", "2026-W49", "sometime next week"),
    ("någon gång nästa vecka", "week", "2026-W49", "någon gång nästa vecka"),
    # parts of today
    ("this afternoon", "date", "2026-11-26", "this afternoon"),
    ("i eftermiddag", "date", "2026-11-26", "i eftermiddag"),
    ("ikväll", "date", "2026-11-26", "ikväll"),
    # an hour spelled out right before a day word is a count, not a clock time; with "at", "kl"
    # or "o'clock" it is the hour
    ("kicks off with the first one tomorrow 9am", "datetime", "2026-11-27T09:00", "tomorrow 9am"),
    ("send two today", "date", "2026-11-26", "today"),
    ("ring tre imorgon", "date", "2026-11-27", "imorgon"),
    ("call back at one tomorrow", "datetime", "2026-11-27T13:00", "at one tomorrow"),
    ("one o'clock tomorrow", "datetime", "2026-11-27T13:00", "one o'clock tomorrow"),
    ("ses kl tre imorgon", "datetime", "2026-11-27T15:00", "kl tre imorgon"),
    ("ten in the morning", "datetime", "2026-11-26T10:00", "ten in the morning"),
    # "5p" after a time preposition; a short weekday in lower case right after a call back
    ("asked me to call back after 5p", "datetime", "2026-11-26T17:00", "5p"),
    ("#callback mon - wants the sync demo", "date", "2026-11-30", "mon"),
    ("ring imorgn fm", "date", "2026-11-27", "imorgn fm"),  # a typo for "imorgon"
    # a weekday and a day of this week gone by is that day (a diary's label), not one months on
    ("Mon 23rd - calls, 9 farms done", "date", "2026-11-23", "Mon 23rd"),
    # "12 noon" is one clock time; "at half 4" the UK's 4:30 (afternoon, as hours 1-7 are)
    ("lunch Sun 29/11 at 12 noon", "datetime", "2026-11-29T12:00", "lunch Sun 29/11 at 12 noon"),
    ("call her at half 4", "datetime", "2026-11-26T16:30", "at half 4"),
    # a small day/month is a fraction alone, a date with a meeting word before or a part of
    # the day after it
    ("besök 2/3 em", "date", "2027-03-02", "2/3 em"),
    ("vi ses 1/3", "date", "2027-03-01", "1/3"),
    # a US time zone after the clock time, kept as written
    ("demo Thu 12/3 @ 10 PT", "datetime", "2026-12-03T10:00", "Thu 12/3 @ 10 PT"),
    ("call at 2 ET tomorrow", "datetime", "2026-11-27T14:00", "at 2 ET tomorrow"),
    # both readings fall on the weekday: day/month only next year, month/day sooner
    ("demo Mon 12/7, 9a", "datetime", "2026-12-07T09:00", "Mon 12/7, 9a"),
]


@pytest.mark.parametrize(("text", "granularity", "value", "span"), RESOLVE_MORE)
def test_resolution_more(text: str, granularity: str, value: str, span: str) -> None:
    m = one(text)
    assert (m.granularity, m.value, m.text) == (granularity, value, span)


# Against REF_DEC (Monday 2026-12-28, ISO week 2026-W53).
ROLLOVER_MORE = [
    ("the week after next", "week", "2027-W02"),
    ("later this week", "week", "2026-W53"),
    ("i slutet av veckan", "week", "2026-W53"),
    ("tidigt nästa vecka", "week", "2027-W01"),
    ("early next week", "week", "2027-W01"),
    ("i början av nästa vecka", "week", "2027-W01"),
    ("om ett halvår", "month", "2027-06"),
    ("om en månad", "month", "2027-01"),
    ("i början av nästa år", "year", "2027"),
    ("within 10 days", "date", "2027-01-07"),
    ("before Friday", "date", "2027-01-01"),
    ("Wednesday noon", "datetime", "2026-12-30T12:00"),
    ("the week of Jan 12", "week", "2027-W02"),
    ("this afternoon", "date", "2026-12-28"),
    ("early next year", "fuzzy", None),
    ("i vår", "fuzzy", None),
]


@pytest.mark.parametrize(("text", "granularity", "value"), ROLLOVER_MORE)
def test_year_rollover_more(text: str, granularity: str, value: str | None) -> None:
    m = one(text, REF_DEC)
    assert (m.granularity, m.value) == (granularity, value)


def test_before_friday_is_a_deadline() -> None:
    assert one("before Friday").deadline is True
    assert one("within 10 days").deadline is True


def test_date_after_event_word_is_kept() -> None:
    m = one("Ring efter mötet 3/12.")
    assert (m.granularity, m.value) == ("date", "2026-12-03")


TRAPS_MORE = [
    "half 4 pallets went out",
    "at half 4 of the sites",
    "2/3 of the units are installed",
    "vi har gjort 1/2 av jobbet",
    "Vi pratade efter mötet.",
    "efter mötet",
    "efter att de bestämt sig ringer vi",
    "Den senaste versionen är bättre.",
    "senaste offerten",
    "Vår tekniker kommer förbi.",
    "vår offert",
    "i vår offert",
    "I vår nya plattform finns stöd.",
    "Det här är vår största kund.",
    "våra priser",
    "i vårt system",
    "i var och en av butikerna",
    "Kunden behöver sommardäck.",
    "Höstmässan var bra.",
    "höstkampanjen",
    "I host the webinar myself.",
    "Två år senare köpte de.",
    "the later stages",
    "a later version",
    "We had lunch with Tom.",
    "Vi åt lunch med Eva.",
    "three twenty",
    "ten thirty-minute calls",
]


@pytest.mark.parametrize("text", TRAPS_MORE)
def test_false_positive_traps_more(text: str) -> None:
    assert find_times(text, REF) == []


def test_no_later_than_stays_one_deadline() -> None:
    m = one("Svar no later than Friday.")
    assert (m.text, m.value, m.deadline) == ("no later than Friday", "2026-11-27", True)


def test_possessive_var_next_to_a_real_date() -> None:
    found = find_times("Vi skickar vår offert på fredag.", REF)
    assert [(m.text, m.value) for m in found] == [("på fredag", "2026-11-27")]


# The pre-scan (model.when.prescan._start_positions) only decides where each rule's pattern is
# tried; it must never leave out a position where the pattern matches.
DEV = Path(__file__).resolve().parents[1] / "training_data" / "dev.jsonl"
PRESCAN_EXTRA = [
    "MÖTE TISDAG 17/3 KL 10, OFFERT SENAST FREDAG",
    "Demo\u00a0tis\u00a017/3\u00a0kl\u00a010",
    "ring\tmig\ti morgon\tkl 9",
    "möte ١٧/٣ kl ١٠ och 𝟙𝟚/3",
    "call @3pm, then @ 10:30 tomorrow",
    "v.49-50, w/c 13 April, kw12, vecka12, veckanr 12",
    "2026q1 och 26Q2, Q3 2027, kv. 4",
    "15th of next month; the 3rd; 2nd-4th of May",
    "_kl 14_ och kl14 och kl.14 och klockan 14.30",
    "İstanbul trip next week, ß Friday",
]


def _prescan_texts() -> list[str]:
    texts = [
        json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    texts += [row[0] for row in RESOLVE + RESOLVE_MORE + ROLLOVER_MORE] + TRAPS + TRAPS_MORE + PRESCAN_EXTRA
    return texts + [t.upper() for t in texts[:50]] + [t.replace(" ", "  ") for t in texts[:50]]


def test_prescan_keeps_every_match_start() -> None:
    for text in _prescan_texts():
        low = text.lower()
        positions = when_prescan._start_positions(low)
        for (rx, fn, _, _), at in zip(when_prescan._ALL_RULES, positions, strict=True):
            if at is not None:
                missed = {m.start() for m in rx.finditer(low)} - set(at)
                assert not missed, (fn.__name__, text, missed)


def test_prescan_gives_the_same_mentions_as_full_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _prescan_texts()
    fast = [find_times(t, REF) for t in texts]
    monkeypatch.setattr(when_prescan, "_start_positions", lambda low: [None] * len(when_prescan._ALL_RULES))
    assert [find_times(t, REF) for t in texts] == fast


def test_every_rule_pattern_is_indexed() -> None:
    """A pattern the pre-scan cannot read is searched in full: correct, but slow."""
    assert not any(when_prescan._start_index().searched)


def test_quick_precheck_hit_is_a_precheck_hit() -> None:
    for text in _prescan_texts():
        if when_patterns._PRECHECK_QUICK.search(text.lower()):
            assert when_patterns._PRECHECK.search(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Ring kund ang. avtalet",
        "RING KUND NÄSTA V",  # a pattern with a group and a space
        "MANAD",  # å written as a
        "İDAG",  # lower-casing keeps the dotted capital I; case-insensitive matching reads i
        "ıdag",
        "ſoon",
        "TO KL",
        "Black  Friday",
        "nothing here at all",
    ],
)
def test_lower_case_precheck_answers_as_the_case_insensitive_one(text: str) -> None:
    """find_times asks the grouped pattern of the lower-cased note (and only a note with a
    Turkish i or a long s the case-insensitive one): the same yes or no on every note."""
    low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    fast = bool(when_patterns._PRECHECK_LOWER.search(low)) or bool(
        when_patterns._CASE_ODD.search(text) and when_patterns._PRECHECK.search(text)
    )
    assert fast == bool(when_patterns._PRECHECK.search(text))


def test_lower_case_precheck_on_every_prescan_text() -> None:
    for text in _prescan_texts():
        low = text.lower()
        if len(low) == len(text) and not when_patterns._CASE_ODD.search(text):
            assert bool(when_patterns._PRECHECK_LOWER.search(low)) == bool(
                when_patterns._PRECHECK.search(text)
            ), text


# Short weekdays written on their own, as reps do in logs and lists (REF is a Thursday).
SHORT_DAYS = [
    ("ring igen mån", "mån", "2026-11-30"),
    ("1. Hallins – ring mån ang. lönefiler", "mån", "2026-11-30"),
    ("ring Jenny ons om kaffeavtalet", "ons", "2026-12-02"),
    ("call back Mon", "Mon", "2026-11-30"),
    ("#callback Mon - Jasper", "Mon", "2026-11-30"),
    ("Call Fri to collect their requirements", "Fri", "2026-11-27"),
    ("catalogue to go out Mon]", "Mon", "2026-11-30"),
    ("decision by Weds.", "by Weds.", "2026-12-02"),
]


@pytest.mark.parametrize(("text", "span", "value"), SHORT_DAYS)
def test_short_weekdays_on_their_own(text: str, span: str, value: str) -> None:
    m = one(text)
    assert (m.text, m.granularity, m.value) == (span, "date", value)


@pytest.mark.parametrize(
    "text",
    [
        "i mån av tid",
        "i viss mån",
        "det vet man",
        "we sat down",
        "Fri frakt över 5000 kr",
        "Sun Microsystems",
        "add-ons",
        "the sun",
    ],
)
def test_short_weekday_words_stay_words(text: str) -> None:
    assert find_times(text, REF) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("senast fre\n2025-11-03 Ring", [("senast fre", "2026-11-27"), ("2025-11-03", "2025-11-03")]),
        ("i maj\n2. Offert", [("i maj", "2027-05")]),
        ("tomorrow\n15:00 internal sign-off", [("tomorrow", "2026-11-27"), ("15:00", "2026-11-26T15:00")]),
    ],
)
def test_a_line_break_ends_a_time_expression(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.value) for m in find_times(text, REF)] == expected


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("ny visning i början av maj", "i början av maj", "2027-05"),
        ("ses i slutet av maj.", "i slutet av maj", "2027-05"),
    ],
)
def test_an_edge_of_a_month_supports_a_month_that_is_also_a_name(text: str, span: str, value: str) -> None:
    m = one(text)
    assert (m.text, m.granularity, m.value) == (span, "month", value)


def test_week_values_have_four_digit_years() -> None:
    m = one("nästa vecka", date(999, 1, 5))
    assert m.granularity == "week" and re.fullmatch(r"\d{4}-W\d{2}", m.value), m.value
    assert m.value == f"0999-W{(date(999, 1, 12)).isocalendar()[1]:02d}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clock time on its own takes the day named before it on its line, when that day is
        # still ahead (REF is Thursday 26 November 2026)
        (
            "Tis 1/12: ring Bergs om offerten kl 10",
            [("Tis 1/12", "date", "2026-12-01"), ("kl 10", "datetime", "2026-12-01T10:00")],
        ),
        (
            "Mon 30/11 - call Ann re quote at 10am",
            [("Mon 30/11", "date", "2026-11-30"), ("at 10am", "datetime", "2026-11-30T10:00")],
        ),
        # not across a sentence or a line, nor from a day past or long ahead: the note's date
        (
            "Möte 1/12. Ring Eva kl 10",
            [("1/12", "date", "2026-12-01"), ("kl 10", "datetime", "2026-11-26T10:00")],
        ),
        (
            "Möte 1/12\nring Eva kl 10",
            [("1/12", "date", "2026-12-01"), ("kl 10", "datetime", "2026-11-26T10:00")],
        ),
        (
            "Offert skickad 24/11, ring kl 14",
            [("24/11", "date", "2027-11-24"), ("kl 14", "datetime", "2026-11-26T14:00")],
        ),
    ],
)
def test_clock_time_takes_the_day_before_it(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.text, m.granularity, m.value) for m in find_times(text, REF)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a day and a month closed by a dot, as German and Finland-Swedish writers date them
        ("make the offer until 20.03. to Herr Maier", [("until 20.03", "date", "2027-03-20")]),
        ("call him on 11.01. in Linz", [("on 11.01", "date", "2027-01-11")]),
        ("Offert senast 26.2.", [("senast 26.2", "date", "2027-02-26")]),
        ("latest 24.7. we need it", [("latest 24.7", "date", "2027-07-24")]),
        ("[Call] 29.12. Hr. Timm", [("29.12", "date", "2026-12-29")]),
        # ... or with no dot after it, behind a deadline's word (Finland-Swedish "senast 26.9")
        ("Svar senast 26.2 till Anna", [("senast 26.2", "date", "2027-02-26")]),
        # a bare hour after "efter"/"after" before a "so" that opens the next clause
        ("ring mig ikväll efter 19 så tar vi det", [("ikväll efter 19", "datetime", "2026-11-26T19:00")]),
        ("call after 4 so we can plan", [("after 4", "datetime", "2026-11-26T16:00")]),
        # Swedish 21st-31st as one word, Finland-Swedish "medlet" (the middle) and "veckoslut" (the weekend)
        (
            "på onsdag den tjugonionde september klockan tio",
            [("på onsdag den tjugonionde september klockan tio", "datetime", "2027-09-29T10:00")],
        ),
        ("senast den trettioförsta december", [("senast den trettioförsta december", "date", "2026-12-31")]),
        ("demo i medlet av maj", [("i medlet av maj", "month", "2027-05")]),
        ("hörs nästa veckoslut", [("nästa veckoslut", "week", "2026-W49")]),
        # a week number in words, as a dictated note has it
        ("ring honom vecka fyrtiotvå", [("vecka fyrtiotvå", "week", "2027-W42")]),
        ("kommer ut vecka fyrtio två", [("vecka fyrtio två", "week", "2027-W42")]),
        ("call him in week forty five", [("in week forty five", "week", "2027-W45")]),
        ("book it for week twenty-one", [("week twenty-one", "week", "2027-W21")]),
        ("vi hörs vecka två", [("vecka två", "week", "2027-W02")]),
        ("städning varje vecka en gång", []),
        ("Innan 3.12 vill de ha offerten", [("Innan 3.12", "date", "2026-12-03")]),
        ("priset gäller t.o.m. 15.12", [("15.12", "date", "2026-12-15")]),
        ("effekt 26.9 kW, verkningsgrad 4.2", []),
        # ... but a version, a figure compared or a clock time stays what it is
        ("fixed in release 6.3.", []),
        ("NPS 4.2, up from 3.9.", []),
        ("Ring kl 14.30.", [("kl 14.30", "datetime", "2026-11-26T14:30")]),
        # a month or a quarter with the year it falls in
        ("budget in Q1 next year", [("in Q1 next year", "quarter", "2027-Q1")]),
        ("Q3 next year", [("Q3 next year", "quarter", "2027-Q3")]),
        ("i mars nästa år", [("i mars nästa år", "month", "2027-03")]),
        ("next year in Q2", [("next year in Q2", "quarter", "2027-Q2")]),
        # a clock time after a day, followed by a word that says it suits
        ("Mon 11/30 at 11 works", [("Mon 11/30 at 11", "datetime", "2026-11-30T11:00")]),
        # the next few days or weeks: as vague as "in a couple of weeks"
        (
            "send it over in the next couple of weeks, no rush",
            [("in the next couple of weeks", "fuzzy", None)],
        ),
        ("over the next few days", [("over the next few days", "fuzzy", None)]),
        ("sold at 2 sites", []),
    ],
)
def test_dotted_dates_years_and_suiting_times(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.text, m.granularity, m.value) for m in find_times(text, REF)] == expected
