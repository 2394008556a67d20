"""Find and resolve time expressions ("when") in Swedish and English sales notes.

:func:`find_times` returns every time expression in a note, left to right and
non-overlapping, resolved against a reference date with the rules of SPEC.md
("when"). It is rule based (precompiled regular expressions, no model), so it is
fast and deterministic.

How it works:

1. *Atoms*: a set of precompiled patterns finds candidate pieces: dates, weekdays,
   clock times, weeks, months, quarters, years, relative offsets ("om två veckor"),
   parts of the day, vague ("fuzzy") phrases and a few markers ("w/c", "i början av").
   A pre-scan lists the note's word starts once, and each pattern is only tried at
   those where it can begin (see "pre-scan" below). Overlaps are settled longest-first.
2. *Merging*: neighbouring atoms that belong together ("torsdag" + "kl 14",
   "tis" + "17/3", "tisdag" + "nästa vecka", "i början av" + "mars") become one.
3. *Spans*: each mention is widened over its preposition or marker ("på", "senast",
   "by", ...), which also sets ``deadline``.

Resolution conventions (SPEC wins over other tools): numeric dates are day/month
(month/day only when day/month is impossible, e.g. "2/15"); a weekday alone is its
next occurrence strictly after the reference date; "nästa/next" + weekday is that
weekday in the next ISO week; hours 1-7 without am/pm are afternoon; no time-zone
conversion; parts of the day are not clock times.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import compress
from re import _constants as _sre
from re import _parser as _sre_parser
from typing import Any

from model.when_lexicon import (
    EVENT_SV_SUFFIX_RE,
    FILLERS,
    FIXED_HOLIDAYS,
    FIXED_HOLIDAYS_RE,
    FUZZY_EN_EVENT_SEASON_RE,
    FUZZY_EN_WORDS_RE,
    FUZZY_SV_EVENT_RE,
    FUZZY_SV_SEASON_RE,
    FUZZY_SV_WORDS_RE,
    HOUR_WORDS_RE,
    MONTH_INDEX,
    MONTHS,
    NUMBER_WORDS,
    NUMBER_WORDS_RE,
    ORDINAL_WORDS,
    ORDINAL_WORDS_RE,
    PAST_SEASONS,
    WEAK_MONTHS,
    WEAK_WEEKDAYS,
    WEEKDAY_ABBR,
    WEEKDAY_FULL,
    WEEKDAY_INDEX,
    fold,
    sv,
)

__all__ = ["TimeMention", "find_times"]


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One resolved time expression.

    ``value`` is ``YYYY-MM-DDTHH:MM`` (datetime), ``YYYY-MM-DD`` (date), ``YYYY-Www``
    (week), ``YYYY-MM`` (month), ``YYYY-Qn`` (quarter), ``YYYY`` (year) or ``None``
    (fuzzy).
    """

    start: int
    end: int
    text: str
    granularity: str
    value: str | None
    has_time: bool
    past: bool
    deadline: bool

    @property
    def clear(self) -> bool:
        """True for a concrete day (``date`` or ``datetime``)."""
        return self.granularity in ("date", "datetime")


# --------------------------------------------------------------------------- atoms


@dataclass(slots=True)
class _Atom:
    """A candidate piece found by one pattern, before merging."""

    start: int
    end: int
    kind: str  # date wd time dt week month quarter year fuzzy part edge weekof
    d: date | None = None  # date / wd (resolved) / week Monday / dt date
    hm: tuple[int, int] | None = None  # clock time as written (24h after am/pm)
    ampm: str | None = None  # "am" | "pm" given explicitly with a clock time
    padded: bool = False  # hour written with two digits ("07:00", "15")
    y: int = 0
    n: int = 0  # month or quarter number
    wd: int = -1  # weekday index when a weekday was named
    wd_mode: str = ""  # "" plain, "next", "last", "this"
    yearless: bool = False
    dayonly: bool = False
    day: int = 0
    pm: bool | None = None  # part of day: True afternoon/evening, False morning
    edge: str = ""
    past: bool = False
    has_time: bool = False
    extra: dict[str, object] = field(default_factory=dict)


_I = re.IGNORECASE


def _c(pattern: str) -> re.Pattern[str]:
    """Compile an atom pattern; atoms run on the lower-cased text, so no IGNORECASE."""
    return re.compile(sv(pattern))


def _wordset(words: str) -> frozenset[str]:
    """A set of space-separated words."""
    return frozenset(words.split())


def _ci(pattern: str) -> re.Pattern[str]:
    """Compile a helper pattern that runs on the original text."""
    return re.compile(sv(pattern), _I)


_WD = rf"(?:(?:{WEEKDAY_FULL})(?:en)?\b|(?:{WEEKDAY_ABBR})\b\.?)"
_MON = rf"(?:{MONTHS})\b\.?"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])"
_ORDSUF = r"(?::?e|:?a|st|nd|rd|th)"
_DAY = rf"(?:{_DAYNUM}{_ORDSUF}?|(?:twenty|thirty)[- ]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|{ORDINAL_WORDS_RE})"
_YEAR4 = r"(?:19|20)\d\d"
_NUM = (
    rf"(?:\d+(?:[.,]\d+)?(?:\s*(?:-|–|till|to)\s*\d+)?|(?:\d+|{NUMBER_WORDS_RE})\s+(?:och|and)\s+(?:en|an?)\s+(?:halv|half)|"
    rf"a\s+couple\s+of|a\s+couple|a\s+pair\s+of|ett\s+par|a\s+few|few|några|nåra|någon|nån|some|half\s+an?|en\s+halv|"
    rf"a\s+quarter\s+of\s+an|three[- ]quarters\s+of\s+an|1/4|1/2|3/4|{NUMBER_WORDS_RE})"
)
_UNIT = (
    r"(?:sekunderna|minuterna|timmarna|dagarna|veckorna|månaderna|åren|sekunder|sekund|seconds?|secs?|minuter|minut|minutes?|mins?|'|timmar|timme|tim|t|hours?|hrs?|h"
    r"|dagar|dag|days?|veckor|vecka|weeks?|wks?|fortnights?|månader|månad|months?|mån|halvår|halvåret|år|years?|yrs?"
    r"|kvartal|quarters?)\b"
)
_ZONE = r"(?:\s*\(?(?:cet|cest|gmt|utc|bst|pst|pdt|est|edt|cst|ist)\)?\b)?"
_TSUF = r"(?:\s*(?:exakt|precis|sharp|ish|prick))?"
_AMPM = r"(?P<ap>a\.?\s?m\.?|p\.?\s?m\.?|[ap]\b\.?|in\s+the\s+(?:am|pm))"
_REL_WEEK = r"(?:nästa|next|kommande|coming|upcoming|the\s+following|following|denna|detta|det\s+här|den\s+här|this|current|förra|last|past|previous|föregående|innevarande)"
_PREP_WEAK_OK = frozenset(
    [
        "på",
        "on",
        "by",
        "until",
        "till",
        "tills",
        "senast",
        "innan",
        "före",
        "before",
        "from",
        "från",
        "next",
        "nästa",
        "this",
        "denna",
        "last",
        "förra",
        "kommande",
        "coming",
        "efter",
        "after",
        "i",
    ]
)
_NAME_PRECEDERS = frozenset(
    [
        "med",
        "with",
        "och",
        "and",
        "till",
        "to",
        "from",
        "från",
        "hos",
        "at",
        "ring",
        "call",
        "ringde",
        "mejla",
    ]
)

# Clock times.
_RX_TIME_KL = _c(
    rf"\b(?:kl\.?|klockan|kl:)\s*(?:(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)|(?P<h>[01]?\d|2[0-4])(?:[:.](?P<m>[0-5]\d))?)"
    rf"(?:\s*{_AMPM})?{_ZONE}{_TSUF}(?![\d:.]\d)"
)
_RX_TIME_HM = re.compile(
    rf"(?<![\w.,:/+-])(?P<h>[01]?\d|2[0-3])(?P<sep>[:.h])(?P<m>[0-5]\d)(?::[0-5]\d)?(?:\s*{_AMPM})?{_ZONE}{_TSUF}"
    r"(?![\d%]|[.,:]\d|\s*(?:kr|sek|:-|€|\$|eur|usd|k\b|m\b|mkr|tkr|procent|percent|%))",
)
_RX_TIME_AMPM = re.compile(
    rf"(?<![\w.,:/+])(?:(?P<h>[01]?\d)(?:[:.](?P<m>[0-5]\d))?|(?P<hm>[1-9][0-5]\d))(?:\s*(?:ish|o'?clock))?\s*"
    rf"(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?|[ap]\b\.?|in\s+the\s+(?:am|pm)){_ZONE}",
)
# "kl 10-11", "13.00-14.00", "2-3pm", "10:30–11": a clock-time range; its start is the time
_RX_TIME_RANGE = re.compile(
    r"(?<![\w.,:/+-])(?P<kl>(?:kl\.?|klockan|at)\s*)?(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*[-–]\s*"
    rf"(?P<h2>[01]?\d|2[0-3])(?:[:.](?P<m2>[0-5]\d))?(?:\s*(?P<ap>[ap]\.?m\b\.?))?{_ZONE}"
    r"(?![\w/%-]|[.,:]\d|\s*(?:%|kr|sek|st\b|pcs|personer|people|pers|år|years|dagar|days|veckor|weeks|mån|months|h\b|tim))"
)
_RANGE_DAY_NEXT = _ci(
    rf"^\s*,?\s*(?:(?:på|on|nästa|next|this|kommande)\s+)?(?:{_WD}|imorgon|i\s+morgon|idag|i\s+dag|tomorrow|today|tmrw)"
)
_RX_TIME_H = re.compile(rf"(?<![\w.,:/+-])(?P<h>[01]?\d|2[0-3])h(?P<m>[0-5]\d)?\b{_ZONE}")
_RX_TIME_AT = re.compile(
    r"(?:\b(?:at|around|approximately|about)|@)\s*(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d)|(?P<m2>[0-5]\d)|\s(?P<m3>[0-5]\d))?"
    rf"(?:\s*o'?clock)?{_ZONE}"
    r"(?=\s*$|\s*[,;!?)\u2013\u2014]|\.(?!\d)|\s+[-\u2013\u2014]\s|\s+(?:on|tomorrow|today|tonight|this|next|in\s+the|o'?clock|sharp|ish|"
    r"to\s+(?!\d)|for\s+(?!\d)|with|w/|and\s+(?!\d)|so|re|about|"
    r"mon|tue|wed|thu|fri|sat|sun|\w+day)\b)",
)
_RX_TIME_TIDEN = _c(r"\b(?P<h>[01]?\d|2[0-3])-?tiden\b")
_RX_TIME_SV_WORDS = _c(
    rf"\b(?:(?:kl\.?|klockan)\s+)?(?P<rel>halv|kvart\s+över|kvart\s+i|(?P<mn>\d{{1,2}}|fem|tio|tjugo|tjugofem)\s+(?P<dir>över|i))\s+"
    rf"(?P<h>[01]?\d|2[0-3]|{HOUR_WORDS_RE})\b{_ZONE}"
)
_RX_TIME_EN_WORDS = _c(
    rf"(?<![:.\d])\b(?P<rel>half\s+past|(?:a\s+)?quarter\s+(?:past|after|to|till|of)|(?P<mn>\d{{1,2}}|five|ten|twenty|twenty[- ]five)(?P<mins>\s+minutes?)?\s+(?P<dir>past|after|to|till|from))\s+"
    rf"(?P<h>[01]?\d|{HOUR_WORDS_RE}|noon|midnight)(?:\s*{_AMPM})?\b"
)
_RX_TIME_HALF_EN = _c(rf"\bhalf\s+(?P<h>{HOUR_WORDS_RE})\b")
# Minutes spelled out after an hour word: "ten thirty", "twelve oh three", "nine fifty-nine".
_DIGIT_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_MIN_WORDS = (
    rf"(?:(?:oh|o|ou|zero)[\s-]+{_DIGIT_WORD}|(?:twenty|thirty|forty|fifty)(?:[\s-]+{_DIGIT_WORD}\b)?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_EN_HOUR_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_RX_TIME_WORD = _c(
    rf"\b(?:(?:at|kl\.?|klockan)\s+)?(?P<h>{HOUR_WORDS_RE})(?:[\s-]+(?P<mw>{_MIN_WORDS}))?\s*(?:o'?clock\s*)?{_AMPM}"
)
_RX_TIME_WORD_AT = _c(
    rf"\b(?:at|kl\.?|klockan)\s+(?P<h>{HOUR_WORDS_RE})(?:[\s-]+(?P<mw>{_MIN_WORDS}))?\b(?:\s*o'?clock)?"
    r"(?!\s+(?:of|people|personer|st|times|gånger)|-)"
)
# Bare "ten thirty" (dictated notes): only with minutes and at the end of a clause or
# before a day word, so that "ten thirty-minute calls" or "two three" stay out.
_RX_TIME_WORD_BARE = _c(
    rf"\b(?P<h>{_EN_HOUR_WORDS})[\s-]+(?P<mw>(?:oh|o|ou|zero)[\s-]+{_DIGIT_WORD}|(?:twenty|thirty|forty|fifty)[\s-]+{_DIGIT_WORD}"
    r"|fifteen|thirty|forty[\s-]five)\b(?:\s*o'?clock)?"
    r"(?=\s*$|\s*[,;!?)]|\.(?!\d)|\s+(?:on|tomorrow|today|tonight|this|next|in\s+the|sharp|ish|"
    r"mon|tue|wed|thu|fri|sat|sun|\w+day)\b)"
)
_RX_LUNCH_TIME = _c(
    r"\blunch(?:en)?\s+(?:kl\.?\s*|klockan\s+|at\s+)?(?P<h>1[0-4]|[1-9])(?:[:.](?P<m>[0-5]\d))?\b"
    r"(?![.,:/]\d|\s*(?:%|kr|sek|personer|people|pers|st\b|min|gäster|guests))"
)
_RX_TIME_BEFORE_PART = _c(
    rf"\b(?P<h>[01]?\d|2[0-3]|{HOUR_WORDS_RE})(?:[:.](?P<m>[0-5]\d))?(?:\s*o'?clock)?(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night|"
    r"tonight|this\s+(?:morning|afternoon|evening)|på\s+(?:morgonen|förmiddagen|eftermiddagen|kvällen)|i\s?kväll|tomorrow|today|imorgon|idag|i\s+morgon)\b)"
)
_RX_TIME_RANGE_BARE = _c(
    r"\b(?:från|from|mellan|between)\s+(?:kl\.?\s*|klockan\s+)?(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?:-|–|till|to|och|and|until)\s*"
    r"(?:kl\.?\s*|klockan\s+)?(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\b(?!\s*(?:%|kr|sek|personer|people|users|st\b|år|years|dagar|days|veckor|weeks))"
)
_RX_NOON = _c(r"\b(?:noon|midday|mid\s+day|midnight|the\s+midday)\b")
# Dates.
_RX_ISO = re.compile(r"(?<![\w#/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w-]|[.:/]\d)")
_RX_NUM_Y = re.compile(
    r"(?<![\w#/.,:+-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\w/-]|[.,]\d)"
)
_RX_NUM_DM = re.compile(
    r"(?<![\w#/.,:+-])(?P<a>\d{1,2})\s?(?P<s>/|-)\s?(?P<b>\d{1,2})(?![\w/-]|[.,:]\d|\s*(?:%|of\b|av\b|delar|parts|h\b|hours?|timm|tim\b))",
)
_RX_MON_YEAR_NUM = re.compile(
    r"(?<![\w#/.,:+-])(?:(?P<m1>\d{1,2})/(?P<y1>\d{4})|(?P<y2>\d{4})[/-](?P<m2>\d{2}))(?![\w/-]|[.,]\d)"
)
_RX_DAY_MON = _c(
    rf"\b(?:(?:den|the)\s+)?(?P<d>{_DAY})(?:\s*|[-/]|\s*of\s+(?:the\s+)?|\s+i\s+)(?P<mon>{MONTHS})\b\.?"
    rf"(?:(?:,?\s*|[-/])(?P<y>{_YEAR4})\b|[-/](?P<y2>\d\d)\b|\s+'(?P<y3>\d\d)\b|\s+(?P<y4>\d\d)$)?"
)
_RX_MON_DAY = _c(
    rf"\b(?P<mon>{MONTHS})\b\.?\s*(?:the\s+)?(?P<d>{_DAY})\b(?!\s*(?:{_UNIT}|:\d|[.]\d))(?:,?\s*(?P<y>{_YEAR4})\b)?"
)
_RX_DAY_ONLY = _c(
    rf"(?:\b(?:(?:på\s+)?den|(?:on\s+)?the|on)\s+(?P<d>{_DAYNUM}|(?P<ow>{ORDINAL_WORDS_RE}))(?P<suf>{_ORDSUF})?\b|(?P<d2>(?<![\w.,:/-])[0-3]?\d)(?P<suf2>st|nd|rd|th|:e|:a)\b)(?:\s+(?:of\s+(?:the\s+)?|i\s+)?(?P<rel>this|next|the\s+next|current|the\s+current|previous|the\s+previous|last|denna|nästa|förra)\s+(?:month|månad|månaden))?"
)
_RX_DAY_OF_MONTH_REL = _c(
    rf"\b(?P<d>{_DAYNUM}){_ORDSUF}?(?:\s+day)?\s+of\s+(?:the\s+)?(?P<rel>this|next|current|previous|last|coming)\s+month\b"
)
_RX_NTH_WD = _c(
    rf"\b(?P<o>{ORDINAL_WORDS_RE}|sista|last|\d{{1,2}}{_ORDSUF}|(?P<back>\d|{ORDINAL_WORDS_RE}|\d{_ORDSUF})\s+last)\s+"
    rf"(?P<u>(?:{WEEKDAY_FULL})(?:en)?|dagen|day|veckan|week|weekend|week-end|helgen)\s+(?:i|in|of)\s+"
    rf"(?:(?:the\s+)?(?P<this>this|the|denna|nästa|next|last|previous|förra|current)\s+)?(?P<mon>{MONTHS}|month|månaden|månad)\b(?:\s+(?P<y>{_YEAR4}))?"
)
_RX_DAY_RANGE = _c(
    rf"\b(?:(?:from|från)\s+)?(?:the\s+|den\s+)?(?P<d>{_DAYNUM}){_ORDSUF}?\s*(?:-|–|till|to|thru|through|until)\s*(?:the\s+|den\s+)?"
    rf"{_DAYNUM}{_ORDSUF}?\s+(?:of\s+)?(?P<mon>{MONTHS})\b\.?(?:\s+(?P<y>{_YEAR4})\b)?"
)
_RX_NEXT_N = _c(
    rf"\b(?P<mod>nästa|next|kommande|coming|närmaste|senaste|last|past|upcoming)\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT})"
    rf"|\b(?P<n2>{_NUM})\s+(?:upcoming|kommande)\s+(?P<u2>{_UNIT})"
)
_RX_N_WEEKDAYS = _c(
    rf"\b(?P<n>\d|{NUMBER_WORDS_RE})\s+(?P<wd>{WEEKDAY_FULL})s\s+(?P<dir>from\s+now|hence|ago|back|framåt|sedan)\b"
)
_RX_HOLIDAY = _c(rf"\b(?P<h>{FIXED_HOLIDAYS_RE})\b(?:\s+(?P<y>{_YEAR4})\b)?")
# Relative days.
_RX_REL_DAY = _c(
    r"\b(?P<w>i\s?dag|today|tod|i\s?morgon|imorrn|imorn|imrn|imrgn|i\s?morn|tomorrows?|tmrw|tmr|i\s?över(?:i)?morgon|övermorgon|"
    r"(?:the\s+)?day\s+after\s+tomorrow|i\s?går|yesterday|i\s?förrgår|förrgår|(?:the\s+)?day\s+before\s+yesterday|"
    r"i\s?kväll|ikväll|tonight|tonite|i\s?eftermiddag|i\s?förmiddag|i\s+em|i\s+fm|i\s?morse|i\s?natt|"
    r"(?:this|today)\s+(?:morning|afternoon|evening)|last\s+night|under\s+(?:eftermiddagen|förmiddagen|dagen)|"
    r"later\s+today|senare\s+idag|senare\s+i\s?dag|(?:efter|före|innan|after|before)\s+lunch(?:en)?)\b(?:\s+(?P<bitti>bitti))?"
)
_RX_PART = _c(
    r"\b(?:(?:på|in\s+the|i|on\s+the|under|early\s+in\s+the)\s+)?(?:early\s+|late\s+|tidig\s+|sen\s+)?"
    r"(?P<p>förmiddagen|förmiddag|fm|f\.m\.|eftermiddagen|eftermiddag|em|e\.m\.|morgonen|morgon|morning|mornings|"
    r"afternoon|afternoonish|evening|kvällen|kväll|night|natten|lunch|lunchtid|lunchtime|lunchtiden|eod|cob|"
    r"end\s+of\s+(?:the\s+)?(?:business\s+)?day|close\s+of\s+business|dagens\s+slut|bitti)\b"
)
# Weekdays.
_RX_WD = _c(
    rf"\b(?:(?P<mod>nästa|next|kommande|coming|this|denna|förra|last|past|previous|the\s+following)\s+)?(?P<wd>{_WD})"
    r"(?:\s+(?P<after>after\s+next|efter\s+nästa))?"
)
_RX_WD_PAST = _c(r"\bi\s+(?P<wd>måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)s\b")
# Weeks.
_EARLY_LATE = r"(?:(?:early|late|later|tidigt|tidig|sent|senare|mid)\s+(?:in\s+|i\s+)?)?"
_RX_WEEK_REL = _c(
    rf"\b{_EARLY_LATE}(?P<mod>{_REL_WEEK})\s+(?:(?:vecka|veckan|week|wk)\b|v\b\.?(?!\s*\d))(?:\s+(?P<after>after\s+next|efter\s+nästa|därpå|därefter))?"
    r"|\b(?:(?:the\s+)?week\s+after\s+next|veckan\s+efter\s+nästa|(?:the\s+)?week\s+after\s+the\s+next)\b"
    r"|\b(?P<iv>i\s+veckan|under\s+veckan|later\s+this\s+week|senare\s+i\s+veckan|all\s+week|rest\s+of\s+the\s+week)\b"
    # colloquial "till veckan" is next week (not "till veckan efter", "till veckan 49")
    r"|\b(?P<nv>till\s+veckan)\b(?!\s*(?:\d|efter|därpå|därefter|som|innan|före|dessförinnan))"
)
_RX_WEEKEND = _c(
    rf"\b(?:(?P<mod>{_REL_WEEK})\s+(?:helg|helgen|weekend|week-end)|(?P<iv>i\s+helgen|över\s+helgen|till\s+helgen|(?:at|on|over|during)\s+the\s+weekend)"
    r"|(?P<nx>efter\s+helgen|after\s+the\s+weekend))\b"
)
_RX_WEEKNUM = _c(
    r"(?:\b(?:v\.\s?|v\s|v(?=\d)|vecka\s|veckan\s|vecka\s?nr\.?\s?|week\s|wk\.?\s?|w\.?\s?|w(?=\d)|vnr\s?|kw\s?))"
    r"(?P<n>[0-5]?\d)\b(?:\s*[-–/]\s*(?:v\.?\s?)?\d{1,2}\b)?(?:\s*(?:,\s*)?(?P<y>(?:19|20)\d\d)\b)?(?![.,]\d|\s*%)"
)
_RX_WEEKOF = _c(
    r"\b(?:w/c|w\.c\.|wc|week\s+commencing|week\s+beginning|(?:the\s+)?week\s+of|veckan\s+(?:som\s+börjar|med|från))\b"
)
# Months / quarters / years.
_RX_MONTH_REL = _c(
    rf"\b{_EARLY_LATE}(?P<mod>{_REL_WEEK})\s+(?:månad|månaden|month|mån)\b|\b(?P<iv>i\s+månaden|senare\s+i\s+månaden|later\s+this\s+month)\b"
)
_RX_MONTH = _c(
    rf"\b(?:(?P<mod>nästa|next|förra|last|past|previous|this|denna|i|in|during|under|efter|after|by|until|senast|innan|före|before|from|från|till|tills|mid|early|late)[\s-]+)?"
    rf"(?P<mon>{MONTHS})\b\.?(?:\s*(?P<y>{_YEAR4})\b|\s+'(?P<y2>\d\d)\b)?"
)
_RX_QUARTER = _c(
    rf"(?:\b(?P<y0>{_YEAR4})\s*-?\s*|\b(?P<yy>\d\d)|\b)[qk](?P<q>[1-4])\b(?:\s*(?:[-/]\s*|\s)(?P<y>{_YEAR4}|'?\d\d)\b)?"
    rf"|\b(?:(?:the\s+)?(?P<o>första|andra|tredje|fjärde|first|second|third|fourth|[1-4]:?(?:a|e|st|nd|rd|th))\s+(?:kvartalet|kvartal|quarter|qtr)"
    rf"|(?:kvartal|quarter|kv\.?)\s*(?P<q2>[1-4]))\b(?:\s+(?:of\s+)?(?P<y3>{_YEAR4})\b)?"
    rf"|\b(?P<mod>{_REL_WEEK})\s+(?:kvartal|kvartalet|quarter|qtr)\b"
)
_RX_YEAR = _c(
    rf"\b(?:(?P<mod>{_REL_WEEK})\s+(?:år|året|year|yr)|(?P<iy>i\s+år|i\s+fjol|i\s+fjor)"
    r")\b"
)
# "i 2027", "in 2014 AD": found from the digits, the preposition is checked in the handler
_RX_YEAR_NUM = re.compile(r"(?<![\w#/.,:+-])(?P<y>(?:19|20)\d\d)(?![\w/-]|[.,:]\d)(?:\s*a\.?d\.?)?")
_YEAR_PREP = _ci(r"\b(?:in|i|during|under|år|year|by|until|efter|after|since)\s+$")
_RX_EDGE = _c(
    r"\b(?:(?:i|at|in|by|around|mot|till|until|towards?|fram\s+till|senast\s+i)\s+)?(?:the\s+)?"
    r"(?P<e>slutet|början|mitten|start|end|beginning|middle|mid|early|late|tidigt|tidig|sent)"
    r"(?:\s+(?:av|på|of|i|in)\b|-(?=[a-z]))\s*"
    r"(?:(?:the\s+)?(?P<noun>month|månaden|week|veckan|year|året|quarter|kvartalet)\b)?"
)
_RX_EO = _c(
    r"\b(?:the\s+)?(?P<a>eow|eom|eoy|eoq|bom|boy|månadsslut|månadsslutet|årsslut|årsslutet|veckoslut)\b"
)
# Relative offsets.
_RX_OFFSET = _c(
    rf"\b(?P<pre>om|in|inom|within|efter|after)\s+(?:(?:ca\.?|cirka|ungefär|about|around|approximately|roughly|just|only|bara)\s+)?"
    rf"(?P<n>{_NUM})\s*(?:(?:more|mer)\s+)?(?P<u>{_UNIT})(?:\s+(?:till|mer|more|to\s+go|framåt|från\s+nu|from\s+now))?"
    r"(?P<vague>\s+(?:or\s+so|or\s+two|or\s+three|or\s+more|eller\s+så|eller\s+två|eller\s+tre|eller\s+mer)\b)?"
)
_RX_FROM_NOW = _c(
    rf"\b(?P<n2>{_NUM})\s+(?P<u2>{_UNIT})\s+(?:from\s+(?:now|today|right\s+now)|hence|från\s+(?:nu|idag|i\s+dag))"
)
_RX_AGO = _c(rf"\b(?:för\s+)?(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?:sedan|sen|ago|back)\b")
_RX_FUZZY_SV_SEASON = _c(rf"\b(?:{FUZZY_SV_SEASON_RE})\b")
_RX_FUZZY_SV_EVENT = _c(rf"\b(?:{FUZZY_SV_EVENT_RE})\b")
_RX_FUZZY_SV_WORDS = _c(rf"\b(?:{FUZZY_SV_WORDS_RE})\b")
_RX_FUZZY_EN_EVENT = _c(rf"\b(?:{FUZZY_EN_EVENT_SEASON_RE})\b")
_RX_FUZZY_EN_WORDS = _c(rf"\b(?<!as\s)(?:{FUZZY_EN_WORDS_RE})\b")
_RX_EVENT_SUFFIX = _c(EVENT_SV_SUFFIX_RE)

# Span widening and merging.
_LEFT = _ci(
    r"(?:(?P<dl>senast|no\s+later\s+than|not\s+later\s+than|by|before|innan|före|until|till|tills|fram\s+till|inom|within|latest)\s+)?"
    r"(?:(?:på|on|i|in|at|during|under|den|the|from|från\s+och\s+med|från|around|kring|runt|omkring|ca\.?|cirka|about|approx\.?|approximately|"
    r"sometime|någon\s+gång|nån\s+gång|helst|gärna|typ|tidigast|earliest)\s+)*$"
)
_DEADLINE_START = _ci(
    r"(?:senast|no\s+later\s+than|not\s+later\s+than|by|before|innan|före|until|tills|fram\s+till|inom|within|latest)\b"
)
_RIGHT_DEADLINE = _ci(r"^(?:\s*,)?\s+(?:at\s+the\s+latest|som\s+senast|senast|latest)\b")
_GAP = _ci(
    r"^[\s,]*(?:(?:kl\.?|klockan|at|@|om|på|on|den|the|i|in|of|from|från|för|for|runt|kring|around|ca\.?|about|mellan|between|"
    r"efter|after|före|innan|before|senast|by|until|helst|gärna|preferably|typ|ungefär|eller|or|,|-|–)[\s,]*)*$"
)
_DIGIT = re.compile(r"\d")
# A note with none of these is skipped at once (its alternatives contain no groups).
_PRECHECK_SOURCE = (
    r"\d|dag\b|dags\b|day\b|lunch|tomorrow|today|tonight|yesterday|tmrw|fortnight|ago\b|hence|sedan|sekund|second|minut|timm|hour|nu\b|morgon|morrn|morn|imrn|imrgn|går|kväll|veck|week|wk|month|månad|år|year|yr\b|kvartal|quarter|qtr|"
    r"jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec|mån|tis|ons|tor|fre|lör|sön|mon|tue|wed|thu|fri|sat|sun|"
    r"tonight|tonite|noon|midnight|midday|halv|half|kvart|quarter|eod|eow|eom|eoy|fram|tag|snart|kort|soon|later|"
    r"sommar|summer|höst|vår\b|spring|vinter|winter|autumn|fall|påsk|easter|christmas|xmas|new year|nyår|semester|"
    r"vacation|holiday|sportlov|skiftet|helg|weekend|asap|fjol|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|kl|@|valborg|halloween|bom|boy|boxing|"
    r"eftermiddag|förmiddag|\bq[1-4]|\bk[1-4]|some|line|road|track|later|senare|gång|gang|tillfälle|passar|suits|"
    "convenien|harvest|skörd|fair|mässa|show|expo|exhibit|conferen|convention|break|invent|stocktak|budget|"
    "bokslut|säsong|season|lov|future|framtid|närtid|lider|skede|sikt|thirty|forty|fifty|twenty|fifteen|"
    "have time|has time|har tid|vacation|leave|ledighet|arbetet|due course|somras|vintras|höstas|våras|days|shortly|"
    r"\bi\s+[ef]m\b|nästa\s+v\b|thanksgiving|black\s+(?:friday|week)|cyber\s+monday"
)
_PRECHECK = re.compile(sv(_PRECHECK_SOURCE), _I)
# Most notes pass, and this finds that sooner: the digit and plain-word alternatives,
# case-sensitive on the lower-cased note. A hit here is a hit of _PRECHECK; only a note
# without one is checked with _PRECHECK itself.
_PRECHECK_QUICK = re.compile(
    sv("|".join(a for a in _PRECHECK_SOURCE.split("|") if a == r"\d" or re.fullmatch("[a-zåäö@ ]+", a)))
)


# --------------------------------------------------------------------------- helpers


def _wd_index(word: str) -> int:
    return WEEKDAY_INDEX.get(fold(word.strip(". "))[:3], -1)


def _month_index(word: str) -> int:
    return MONTH_INDEX.get(fold(word.strip(". "))[:3], 0)


def _num(word: str) -> float | None:
    """Parse a number written as digits or words ("2", "2,5", "två", "a couple of")."""
    w = fold(" ".join(word.split()))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", w):
        return float(w.replace(",", "."))
    if re.search(r"\d\s*(?:-|–|till|to)\s*\d", w):
        return None  # a range like "2-3": vague
    m = re.fullmatch(r"(\S+) (?:och|and) (?:en|an?) (?:halv|half)", w)
    if m:
        base = _num(m.group(1))
        return None if base is None else base + 0.5
    fixed = {
        "a couple of": 2.0,
        "a couple": 2.0,
        "a pair of": 2.0,
        "ett par": 2.0,
        "a few": 3.0,
        "few": 3.0,
        "nagra": 3.0,
        "nara": 3.0,
        "half an": 0.5,
        "half a": 0.5,
        "en halv": 0.5,
        "a quarter of an": 0.25,
        "three-quarters of an": 0.75,
        "three quarters of an": 0.75,
        "1/4": 0.25,
        "1/2": 0.5,
        "3/4": 0.75,
    }
    if w in fixed:
        return fixed[w]
    if w in NUMBER_WORDS:
        return float(NUMBER_WORDS[w])
    return None


def _day_number(word: str) -> int:
    w = fold(word).replace("-", " ").strip()
    m = re.match(r"(\d+)", w)
    if m:
        return int(m.group(1))
    if w in ORDINAL_WORDS:
        return ORDINAL_WORDS[w]
    parts = w.split()
    if len(parts) == 2 and parts[0] in ("twenty", "thirty") and parts[1] in ORDINAL_WORDS:
        return (20 if parts[0] == "twenty" else 30) + ORDINAL_WORDS[parts[1]]
    return 0


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year2(yy: int, ref: date) -> int:
    """Two-digit year: this century unless that is more than 20 years ahead."""
    y = 2000 + yy
    return y if y <= ref.year + 20 else y - 100


def _next_dm(ref: date, month: int, day: int) -> date | None:
    """Next day+month on or after ``ref``."""
    for y in range(ref.year, ref.year + 9):
        d = _safe_date(y, month, day)
        if d is not None and d >= ref:
            return d
    return None


def _next_day_of_month(ref: date, day: int) -> date | None:
    y, m = ref.year, ref.month
    for _ in range(14):
        d = _safe_date(y, m, day)
        if d is not None and d >= ref:
            return d
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return None


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _week_from_number(ref: date, n: int, year: int | None) -> date | None:
    iso = ref.isocalendar()
    y = year if year else iso.year
    if not year and n < iso.week:
        y += 1
    try:
        return date.fromisocalendar(y, n, 1)
    except ValueError:
        return None


def _next_weekday(ref: date, wd: int) -> date:
    return ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)


def _prev_weekday(ref: date, wd: int) -> date:
    return ref - timedelta(days=(ref.weekday() - wd) % 7 or 7)


def _nth_weekday(y: int, m: int, wd: int, nth: int) -> date | None:
    """The nth (1-based; -1 = last) weekday ``wd`` of a month."""
    last = calendar.monthrange(y, m)[1]
    days = [date(y, m, k) for k in range(1, last + 1) if date(y, m, k).weekday() == wd]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if 0 < nth <= len(days) else None


def _rel_shift(mod: str) -> int | None:
    """Map "nästa/next" → 1, "förra/last" → -1, "denna/this" → 0."""
    f = fold(" ".join(mod.split()))
    if f in ("nasta", "next", "kommande", "coming", "upcoming", "the following", "following"):
        return 1
    if f in ("forra", "last", "past", "previous", "foregaende"):
        return -1
    if f in ("denna", "detta", "det har", "den har", "this", "current", "innevarande"):
        return 0
    return None


def _whole(text: str, m: re.Match[str]) -> bool:
    return text[: m.start()].strip() == "" and text[m.end() :].strip(" .!?") == ""


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"(\w+)\W*$", text[max(0, pos - 30) : pos])
    return fold(m.group(1)) if m else ""


def _next_word_capitalized(text: str, pos: int) -> bool:
    m = re.match(r"\s+([A-ZÅÄÖ][a-zåäöé]+)", text[pos : pos + 30])
    return m is not None


def _looks_like_name(text: str, m_start: int, m_end: int) -> bool:
    """Capitalized "Maj"/"Tor" used as a person's name."""
    word = text[m_start:m_end]
    if not word[:1].isupper():
        return False
    if _next_word_capitalized(text, m_end):
        nxt = re.match(r"\s+(\w+)", text[m_end : m_end + 30])
        nw = fold(nxt.group(1)) if nxt else ""
        if nw[:3] not in MONTH_INDEX and nw[:3] not in WEEKDAY_INDEX:
            return True
    return _prev_word(text, m_start) in _NAME_PRECEDERS


# --------------------------------------------------------------------------- rules


def _clock(h: int, mi: int, ap: str | None, padded: bool) -> tuple[tuple[int, int] | None, str | None]:
    if ap:
        a = "am" if fold(ap).replace(".", "").replace(" ", "").startswith(("a", "intheam")) else "pm"
        if "pm" in fold(ap).replace(" ", ""):
            a = "pm"
        if h > 12 or h == 0 and a == "pm":
            return (h, mi) if h < 24 else None, None
        if a == "pm":
            h = h % 12 + 12
        elif h == 12:
            h = 0
        return (h, mi), a
    if h == 24 and mi == 0:
        h = 0
    if h > 23:
        return None, None
    return (h, mi), None


def _time_atom(m: re.Match[str], h: int, mi: int, ap: str | None, padded: bool) -> _Atom | None:
    hm, a = _clock(h, mi, ap, padded)
    if hm is None:
        return None
    return _Atom(m.start(), m.end(), "time", hm=hm, ampm=a, padded=padded, has_time=True)


def _r_time_range(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    """A clock-time range stands for its start. Bare "10-11" is taken only next to a day
    ("tis 10-11" is handled with the dates), with "kl"/"at", minutes or am/pm."""
    h, h2 = int(m.group("h")), int(m.group("h2"))
    mi, mi2 = int(m.group("m") or 0), int(m.group("m2") or 0)
    ap = m.group("ap")
    if not (m.group("kl") or m.group("m") or m.group("m2") or ap or _RANGE_DAY_NEXT.match(text[m.end() :])):
        return None
    if ap is None and (h, mi) >= (h2, mi2) or ap is not None and h > h2 and h2 != 12:
        return None  # ranges ascend ("10-11", "2-3pm"; "11-12pm" is 11 to noon)
    start_ap = ap if ap is None or h <= h2 else None
    if ap is not None and h2 == 12 and h < 12:
        start_ap = "am"  # "11-12pm" runs from 11 am to noon
    return _time_atom(m, h, mi, start_ap, len(m.group("h")) == 2)


def _hour_word(w: str) -> int:
    f = fold(w)
    if f.isdigit():
        return int(f)
    return NUMBER_WORDS.get(f, -1)


def _r_time_kl(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("hh"):  # "kl 1430"
        return _time_atom(m, int(m.group("hh")), int(m.group("mm")), m.group("ap"), True)
    h = m.group("h")
    return _time_atom(m, int(h), int(m.group("m") or 0), m.group("ap"), len(h) == 2)


def _r_time_hm(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    # "4.5k", "2.30 kr" are filtered by the pattern; "v2.30", "version 4.10" here.
    if (
        m.group("sep") == "."
        and not m.group("ap")
        and re.search(
            r"(?:\bv|version|ver\.?|release|nr|#)\s*$", text[max(0, m.start() - 10) : m.start()], _I
        )
    ):
        return None
    return _time_atom(m, int(h), int(m.group("m")), m.group("ap"), len(h) == 2)


def _r_time_ampm(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("hm"):
        v = m.group("hm")
        h, mi = int(v[:-2]), int(v[-2:])
    else:
        h, mi = int(m.group("h")), int(m.group("m") or 0)
    ap = m.group("ap")
    if re.fullmatch(r"[ap]\.?", ap.strip(), _I):
        # "3 a" / "4a" are not times; "3:18a", "at 3p" are
        if re.match(r"\s", text[m.start("ap") - 1 : m.start("ap")]):
            return None
        if not m.group("m") and not re.search(r"(?:\bat|@)\s*$", text[max(0, m.start() - 4) : m.start()], _I):
            return None
    if h == 0 or h > 12:
        return None
    return _time_atom(m, h, mi, ap, False)


def _r_time_h(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    return _time_atom(m, int(h), int(m.group("m") or 0), None, True)


def _r_time_at(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    g = m.groupdict()
    mi = g.get("m") or g.get("m2") or g.get("m3") or 0
    return _time_atom(m, int(h), int(mi), None, len(h) == 2)


def _r_time_tiden(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    return _time_atom(m, int(h), 0, None, len(h) == 2)


def _r_time_sv_words(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = _hour_word(m.group("h"))
    if h < 0 or h > 24:
        return None
    rel = fold(" ".join(m.group("rel").split()))
    if rel == "halv":
        h, mi = h - 1, 30
    elif rel == "kvart over":
        mi = 15
    elif rel == "kvart i":
        h, mi = h - 1, 45
    else:
        mn = _hour_word(m.group("mn")) if not m.group("mn").isdigit() else int(m.group("mn"))
        if mn == 25 or fold(m.group("mn")) == "tjugofem":
            mn = 25
        if not 0 < mn < 30:
            return None
        if fold(m.group("dir")) == "over":
            mi = mn
        else:
            h, mi = h - 1, 60 - mn
    if h <= 0:
        h += 12
    return _time_atom(m, h, mi, None, h >= 13)


def _r_time_en_words(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    hw = fold(m.group("h"))
    h = 12 if hw == "noon" else 0 if hw == "midnight" else _hour_word(hw)
    if h < 0 or h > 23:
        return None
    rel = fold(" ".join(m.group("rel").split()))
    ap = m.group("ap")
    if hw == "noon":
        ap = None
    if rel == "half past":
        delta = 30
    elif "quarter" in rel:
        delta = -15 if rel.endswith((" to", " till", " of")) else 15
    else:
        mw = fold(m.group("mn"))
        if mw.isdigit() and not m.group("mins") and fold(m.group("dir")) not in ("past", "after"):
            return None  # "9 till 11" is a range, not "9 minutes to 11"
        mn = int(mw) if mw.isdigit() else 25 if "five" in mw and "twenty" in mw else NUMBER_WORDS.get(mw, -1)
        if not 0 < mn < 60:
            return None
        delta = -mn if fold(m.group("dir")) in ("to", "till") else mn
    hm, a = _clock(h, 0, ap, False)
    if hm is None:
        return None
    total = (hm[0] * 60 + delta) % (24 * 60)
    at = _Atom(
        m.start(),
        m.end(),
        "time",
        hm=(total // 60, total % 60),
        ampm=a or ("pm" if hw == "noon" else None),
        has_time=True,
    )
    at.padded = hw in ("noon", "midnight") or h > 12
    return at


def _r_time_half_en(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = _hour_word(m.group("h"))
    return _time_atom(m, h, 30, None, False) if 0 < h <= 12 else None


def _minute_words(mw: str) -> int:
    """ "thirty" → 30, "oh three" → 3, "fifty-nine" → 59, "" → 0."""
    parts = fold(mw).replace("-", " ").split()
    if not parts:
        return 0
    if parts[0] in ("oh", "o", "ou", "zero"):
        return NUMBER_WORDS.get(parts[-1], -1)
    tens = {"forty": 40, "fifty": 50}.get(parts[0]) or NUMBER_WORDS.get(parts[0], -1)
    return tens + (NUMBER_WORDS.get(parts[1], 0) if len(parts) > 1 else 0)


def _r_time_word(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = _hour_word(m.group("h"))
    mi = _minute_words(m.group("mw") or "")
    if not 0 <= mi < 60:
        return None
    ap = m.group("ap") if "ap" in m.groupdict() else None
    if (
        ap
        and re.fullmatch(r"[ap]\.?", ap.strip(), _I)
        and re.match(r"\s", text[m.start("ap") - 1 : m.start("ap")])
    ):
        return None
    if not 0 < h <= 12:
        return None
    return _time_atom(m, h, mi, ap, False)


def _r_time_word_bare(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_time_word(text, m, ref)


def _r_time_before_part(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = _hour_word(m.group("h"))
    if not 0 <= h <= 23:
        return None
    return _time_atom(m, h, int(m.group("m") or 0), None, len(m.group("h")) == 2 and m.group("h").isdigit())


def _r_lunch_time(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    return _time_atom(m, int(h), int(m.group("m") or 0), None, False)


def _r_noon(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = 0 if "night" in m.group(0).lower() else 12
    return _Atom(m.start(), m.end(), "time", hm=(h, 0), padded=True, has_time=True)


def _r_iso(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    d = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _Atom(m.start(), m.end(), "date", d=d) if d else None


def _dm_or_md(a: int, b: int) -> tuple[int, int] | None:
    """Day/month, or month/day when day/month cannot be a date."""
    if 1 <= a <= 31 and 1 <= b <= 12:
        return a, b
    if 1 <= b <= 31 and 1 <= a <= 12:
        return b, a
    return None


def _r_num_y(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    dm = _dm_or_md(int(m.group("a")), int(m.group("b")))
    if dm is None:
        return None
    ys = m.group("y")
    y = int(ys) if len(ys) == 4 else _year2(int(ys), ref)
    d = _safe_date(y, dm[1], dm[0])
    return _Atom(m.start(), m.end(), "date", d=d) if d else None


_DATE_CONTEXT_BEFORE = _ci(
    rf"(?:\b(?:den|on|the|på|senast|by|until|tills|innan|före|before|från|from|datum|date|mötet|möte|due|efter|after|"
    rf"ring|ringer|call|demo|möte|meeting)|{_WD})\s*,?\s*$"
)
_YEAR_AFTER = re.compile(r"\s*,?\s*(?:19|20)\d\d\b")
_WD_JUST_BEFORE = _ci(rf"(?<!\w)(?P<wd>{_WD})\s*,?\s*$")
# opening hours and weekday ranges ("öppet mån-fre 8-17"), a year after ("10-11 2026")
_HOURS_CONTEXT = _ci(r"\b(?:öppet|öppettider|open|opening|hours|vardagar|weekdays)\b|[-–]\s*$")
_TIME_AFTER = _ci(r"^\s*,?\s*(?:kl\.?|klockan|at|@|\d{1,2}[:.]\d\d|\d{1,2}\s*(?:am|pm))")


def _r_num_dm(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    a, b = int(m.group("a")), int(m.group("b"))
    before = text[max(0, m.start() - 25) : m.start()]
    after = text[m.end() : m.end() + 20]
    if m.group("s") == "-" and a < b <= 23 and not _TIME_AFTER.match(after) and not _YEAR_AFTER.match(after):
        # "tis 10-11", "fredag 13-15": hours after a weekday, unless the day and month
        # really fall on that weekday ("tis 10-11" is also Tuesday 10 November 2026)
        wd = _WD_JUST_BEFORE.search(before)
        if wd is not None and not _HOURS_CONTEXT.search(text[max(0, m.start() - 40) : wd.start()]):
            day = _next_dm(ref, b, a) if b <= 12 else None
            if day is None or day.weekday() != _wd_index(wd.group("wd")):
                return _time_atom(m, a, 0, None, len(m.group("a")) == 2)
    context = bool(_DATE_CONTEXT_BEFORE.search(before) or _TIME_AFTER.match(after))
    if m.group("s") == "-":
        # "8-17", "öppet 9-16" are ranges; accept a hyphen date only when it is padded
        # ("15-02") or has date/time context.
        # ranges ascend ("8-17"); "15-2" cannot be one
        if not (len(m.group("b")) == 2 and m.group("b")[0] == "0" or context or a > b):
            return None
        if re.search(
            r"(?:öppet|open|mellan|between|kl\.?|klockan|från|from)\s*$", before, _I
        ) and not _TIME_AFTER.match(after):
            return None
        dm = (a, b) if 1 <= b <= 12 else None
    else:
        if a < b <= 4 and not context:
            return None  # fractions: "3/4 of the units", "1/2"
        if (a, b) in ((24, 7), (50, 50)):
            return None
        dm = _dm_or_md(a, b)
    if dm is None:
        return None
    d = _next_dm(ref, dm[1], dm[0])
    if d is None:
        return None
    return _Atom(m.start(), m.end(), "date", d=d, yearless=True, day=dm[0], n=dm[1])


def _r_mon_year_num(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if re.search(
        r"(?:order|offert|offer|nr|no|ref|faktura|invoice|#)\.?\s*$",
        text[max(0, m.start() - 12) : m.start()],
        _I,
    ):
        return None
    if m.group("m1"):
        mo, y = int(m.group("m1")), int(m.group("y1"))
    else:
        mo, y = int(m.group("m2")), int(m.group("y2"))
    if not (1 <= mo <= 12 and 1900 <= y <= 2100):
        return None
    return _Atom(m.start(), m.end(), "month", y=y, n=mo)


def _weak_month_ok(text: str, m: re.Match[str], mon_word: str, supported: bool) -> bool:
    mon_word = text[m.start("mon") : m.end("mon")]
    f = fold(mon_word.strip(". "))
    if f in ("maj", "may", "mar") and _looks_like_name(
        text, m.start("mon"), m.start("mon") + len(mon_word.rstrip("."))
    ):
        return False
    return not (f == "may" and not supported and mon_word[:1].islower())


def _resolve_dm(ref: date, d: int, mo: int, y: int | None) -> _Atom | None:
    if y:
        dd = _safe_date(y, mo, d)
        return _Atom(0, 0, "date", d=dd) if dd else None
    dd = _next_dm(ref, mo, d)
    return _Atom(0, 0, "date", d=dd, yearless=True, day=d, n=mo) if dd else None


def _year_groups(m: re.Match[str], ref: date, names: tuple[str, ...]) -> int | None:
    for name in names:
        v = m.groupdict().get(name)
        if v:
            return int(v) if len(v) == 4 else _year2(int(v), ref)
    return None


def _r_day_mon(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    mon = m.group("mon")
    if fold(mon).startswith("jul") and fold(mon) == "jul" and not re.match(r"\d", m.group("d")):
        return None
    d = _day_number(m.group("d"))
    if not _weak_month_ok(text, m, mon, True) or not 1 <= d <= 31:
        return None
    at = _resolve_dm(ref, d, _month_index(mon), _year_groups(m, ref, ("y", "y2", "y3", "y4")))
    if at:
        at.start, at.end = m.start(), m.end()
    return at


def _r_mon_day(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    mon = m.group("mon")
    d = _day_number(m.group("d"))
    if not _weak_month_ok(text, m, mon, True) or not 1 <= d <= 31:
        return None
    at = _resolve_dm(ref, d, _month_index(mon), _year_groups(m, ref, ("y",)))
    if at:
        at.start, at.end = m.start(), m.end()
    return at


def _r_day_only(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("d2") and m.group("rel"):
        shift = _rel_shift(m.group("rel").replace("the ", ""))
        y, mo = _add_months(ref.year, ref.month, shift or 0)
        dd = _safe_date(y, mo, int(m.group("d2")))
        return _Atom(m.start(), m.end(), "date", d=dd) if dd else None
    if m.group("d2"):
        dd = _next_day_of_month(ref, int(m.group("d2")))
        if dd is None:
            return None
        return _Atom(m.start(), m.end(), "date", d=dd, yearless=True, dayonly=True, day=int(m.group("d2")))
    d = _day_number(m.group("d"))
    if not 1 <= d <= 31:
        return None
    rel = m.group("rel")
    if rel:
        shift = _rel_shift(rel.replace("the ", ""))
        y, mo = _add_months(ref.year, ref.month, shift or 0)
        dd = _safe_date(y, mo, d)
        return _Atom(m.start(), m.end(), "date", d=dd) if dd else None
    if not m.group("suf") or m.group("ow"):
        after = text[m.end() : m.end() + 15]
        lead = fold(m.group(0).split()[0])
        if lead == "on" or not re.match(r"\s*(?:$|[,;!?)]|\.(?!\d)|kl\b|klockan|at\b|\d)", after, _I):
            return None
    elif fold(m.group(0).split()[0]) == "on" and "the" not in m.group(0).lower() and not m.group("suf"):
        return None
    dd = _next_day_of_month(ref, d)
    if dd is None:
        return None
    return _Atom(m.start(), m.end(), "date", d=dd, yearless=True, dayonly=True, day=d)


def _r_day_of_month_rel(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    shift = _rel_shift(m.group("rel"))
    y, mo = _add_months(ref.year, ref.month, shift or 0)
    dd = _safe_date(y, mo, int(m.group("d")))
    return _Atom(m.start(), m.end(), "date", d=dd) if dd else None


def _r_nth_wd(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    o = fold(m.group("o"))
    back = m.group("back")
    mon = fold(m.group("mon"))
    if mon.startswith(("month", "manad")):
        shift = _rel_shift(m.group("this") or "this")
        y, mo = _add_months(ref.year, ref.month, shift or 0)
    else:
        mo = _month_index(mon)
        y = int(m.group("y")) if m.group("y") else (ref.year if mo >= ref.month else ref.year + 1)
    if back:
        nth = -_day_number(back)
    elif o in ("sista", "last"):
        nth = -1
    else:
        nth = _day_number(o)
    unit = fold(m.group("u"))
    last = calendar.monthrange(y, mo)[1]
    if unit in ("dagen", "day"):
        k = nth if nth > 0 else last + 1 + nth
        dd = _safe_date(y, mo, k)
        return _Atom(m.start(), m.end(), "date", d=dd) if dd else None
    if unit in ("veckan", "week"):
        mondays = [date(y, mo, k) for k in range(1, last + 1) if date(y, mo, k).weekday() == 0]
        full = [d for d in mondays if (d + timedelta(days=6)).month == mo]
        idx = nth - 1 if nth > 0 else nth
        try:
            return _Atom(m.start(), m.end(), "week", d=full[idx])
        except IndexError:
            return None
    if unit in ("weekend", "week-end", "helgen"):
        fridays = [date(y, mo, k) for k in range(1, last + 1) if date(y, mo, k).weekday() == 4]
        idx = nth - 1 if nth > 0 else nth
        try:
            return _Atom(m.start(), m.end(), "week", d=_monday(fridays[idx]))
        except IndexError:
            return None
    wd = _wd_index(unit)
    if nth < -1:
        days = [date(y, mo, k) for k in range(1, last + 1) if date(y, mo, k).weekday() == wd]
        dd = days[nth] if -nth <= len(days) else None
    else:
        dd = _nth_weekday(y, mo, wd, nth)
    return _Atom(m.start(), m.end(), "date", d=dd) if dd else None


def _r_n_weekdays(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    n = _num(m.group("n"))
    wd = _wd_index(m.group("wd"))
    if not n or wd < 0:
        return None
    if fold(m.group("dir")) in ("ago", "back", "sedan"):
        return _Atom(
            m.start(), m.end(), "date", d=_prev_weekday(ref, wd) - timedelta(weeks=int(n) - 1), past=True
        )
    return _Atom(m.start(), m.end(), "date", d=_next_weekday(ref, wd) + timedelta(weeks=int(n) - 1))


def _r_day_range(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    mo = _month_index(m.group("mon"))
    at = _resolve_dm(ref, int(m.group("d")), mo, int(m.group("y")) if m.group("y") else None)
    if at:
        at.start, at.end = m.start(), m.end()
    return at


def _r_next_n(text: str, m: re.Match[str], ref: date, ref_dt: datetime | None = None) -> _Atom | None:
    """ "nästa 3 veckor" / "last 2 days": the period starts at the next (previous) unit;
    "upcoming 2 weeks" / "2 kommande veckor": N units from now."""
    n = _num(m.group("n") or m.group("n2"))
    unit = _unit_kind(m.group("u") or m.group("u2"))
    if n is None or n != int(n):
        return None
    mod = fold(m.group("mod") or "upcoming")
    if mod == "upcoming" or m.group("n2"):
        return _offset_atom(m, ref, ref_dt, n, unit, 1)
    sign = -1 if mod in ("senaste", "last", "past") else 1
    k = int(n) if sign < 0 else 1
    if unit in ("s", "min", "h"):
        if ref_dt is None:
            return _Atom(m.start(), m.end(), "date", d=ref, past=sign < 0)
        step = {"s": timedelta(seconds=1), "min": timedelta(minutes=1), "h": timedelta(hours=1)}[unit]
        base = ref_dt.replace(microsecond=0)
        if unit == "h":
            base = base.replace(minute=0, second=0)
        elif unit == "min":
            base = base.replace(second=0)
        t = base + step * (k * sign)
        at = _Atom(m.start(), m.end(), "dt", d=t.date(), hm=(t.hour, t.minute), padded=True)
        at.past = sign < 0
        return at
    at = _offset_atom(m, ref, ref_dt, float(k), unit, sign)
    if unit in ("w", "f") and sign < 0:
        at = _Atom(m.start(), m.end(), "week", d=_monday(ref) - timedelta(weeks=k))
    elif unit == "m" and sign < 0:
        y, mo = _add_months(ref.year, ref.month, -k)
        at = _Atom(m.start(), m.end(), "month", y=y, n=mo)
    at.past = sign < 0
    return at


def _r_holiday(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    key = fold(" ".join(m.group("h").split()))
    mo, d = FIXED_HOLIDAYS.get(key, FIXED_HOLIDAYS.get(key.replace("'", ""), (0, 0)))
    if not mo:
        return None
    dd = _safe_date(int(m.group("y")), mo, d) if m.group("y") else _next_dm(ref, mo, d)
    return _Atom(m.start(), m.end(), "date", d=dd) if dd else None


_REL_DAY_OFFSETS = {
    "idag": 0,
    "today": 0,
    "tod": 0,
    "imorgon": 1,
    "imorrn": 1,
    "imorn": 1,
    "imrn": 1,
    "imrgn": 1,
    "tomorrow": 1,
    "tomorrows": 1,
    "tmrw": 1,
    "tmr": 1,
    "iovermorgon": 2,
    "ioverimorgon": 2,
    "overmorgon": 2,
    "dayaftertomorrow": 2,
    "thedayaftertomorrow": 2,
    "igar": -1,
    "yesterday": -1,
    "iforrgar": -2,
    "forrgar": -2,
    "daybeforeyesterday": -2,
    "thedaybeforeyesterday": -2,
    "lastnight": -1,
}


def _r_rel_day(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    w = fold(re.sub(r"\s+", "", m.group("w")))
    if w == "tod" and not _whole(text, m):
        return None
    if w in ("iem", "ifm") and text[m.end("w") - 2 : m.end("w")].isupper():
        return None  # "i EM" is a championship, "i FM" a radio band: "i em" is this afternoon
    pm: bool | None = None
    if (
        any(
            k in w
            for k in (
                "kvall",
                "tonight",
                "tonite",
                "eftermiddag",
                "afternoon",
                "evening",
                "natt",
                "lastnight",
            )
        )
        or w == "iem"
    ):
        pm = True
    elif any(k in w for k in ("formiddag", "morning", "morse")) or w == "ifm":
        pm = False
    off = _REL_DAY_OFFSETS.get(w, 0)
    dd = ref + timedelta(days=off)
    if "lunch" in w:  # "after lunch": today, unless next to another day ("tomorrow after lunch")
        return _Atom(
            m.start(), m.end(), "date", d=dd, pm=not w.startswith(("fore", "innan", "before")), edge="ofday"
        )
    return _Atom(m.start(), m.end(), "date", d=dd, pm=pm)


def _r_part(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    p = fold(m.group("p")).replace(".", "")
    if p in ("eod", "cob", "dagens slut") or p.startswith(("end of", "close of")):
        # The note's day unless it stands next to another day ("EOD Friday", see _merge_pair).
        return _Atom(m.start(), m.end(), "date", d=ref, pm=True, edge="ofday")
    if p == "em" and not m.group(0).lower().startswith(("på", "pa")):
        # "em" is also a pronoun; it only counts right next to a day or a time (merge)
        pass
    pm = not p.startswith(("form", "fm", "morg", "morn", "bitti"))
    at = _Atom(m.start(), m.end(), "part", pm=pm)
    if p.startswith("lunch"):
        at.pm = None
        # "at lunch", "på lunchen", "lunch" alone: a day (the note's) when nothing else is said
        prev = _prev_word(text, m.start())
        lead = fold(m.group(0).split()[0])
        if _whole(text, m) or (
            (lead in _LUNCH_PREPS or prev in _LUNCH_PREPS)
            and not _LUNCH_TREAT.search(text[max(0, m.start() - 14) : m.start()])
        ):
            at.edge = "lunch"
    return at


_LUNCH_PREPS = _wordset(
    "pa i under at by around till vid kring runt over before after until during efter fore innan for"
)
_LUNCH_TREAT = re.compile(
    r"\b(?:bjuda|bjöd|bjod|bjuder|bjudit|ut|gå|ga|gick|had|ate|åt|ha)\s+(?:på\s+|pa\s+|to\s+|for\s+)?$", _I
)


def _weak_wd_ok(text: str, m: re.Match[str], wd_word: str) -> bool:
    f = fold(wd_word.strip(". "))
    if f not in WEAK_WEEKDAYS:
        return True
    if f in ("tor", "man", "son") and _looks_like_name(
        text, m.start("wd"), m.start("wd") + len(wd_word.rstrip("."))
    ):
        return False
    if m.group("mod") or _whole(text, m):
        return True
    if _prev_word(text, m.start()) in _PREP_WEAK_OK and not (
        f == "man" and _prev_word(text, m.start()) == "i"
    ):
        return True
    if re.search(r"\d(?:st|nd|rd|th)?\s*,\s*$", text[max(0, m.start() - 8) : m.start()]):
        return True
    after = text[m.end() : m.end() + 25]
    return bool(
        re.match(
            sv(
                rf"\s*[,.]?\s*(?:\d|kl\b|klockan|at\s+\d|@|den\s+\d|the\s+\d|{MONTHS}|fm\b|em\b|förmiddag|eftermiddag|morgon|kväll|lunch|morning|afternoon|evening|"
                r"nästa\s+vecka|next\s+week|denna\s+vecka|this\s+week|v\.?\s?\d|w\d|vecka\s+\d|week\s+\d)"
            ),
            after,
            _I,
        )
    )


def _r_wd(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    word = m.group("wd")
    if not _weak_wd_ok(text, m, word):
        return None
    wd = _wd_index(word)
    if wd < 0:
        return None
    mod = m.group("mod")
    shift = _rel_shift(mod) if mod else None
    if shift == 1:
        dd = _monday(ref) + timedelta(days=7 + wd)
        mode = "next"
    elif shift == -1:
        dd, mode = _prev_weekday(ref, wd), "last"
    else:
        dd, mode = _next_weekday(ref, wd), "this" if mod else ""
    if m.group("after"):
        dd = _next_weekday(ref, wd) + timedelta(days=7)
    return _Atom(m.start(), m.end(), "wd", d=dd, wd=wd, wd_mode=mode)


def _r_wd_past(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    wd = _wd_index(m.group("wd"))
    return _Atom(m.start(), m.end(), "date", d=_prev_weekday(ref, wd), wd=wd, past=True)


def _r_week_rel(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("nv"):  # "till veckan"
        return _Atom(m.start(), m.end(), "week", d=_monday(ref) + timedelta(weeks=1))
    if m.group("mod") is None and m.group("iv") is None:  # "the week after next"
        return _Atom(m.start(), m.end(), "week", d=_monday(ref) + timedelta(weeks=2))
    shift = 0 if m.group("iv") else _rel_shift(m.group("mod"))
    if shift is None:
        return None
    if m.group("after"):
        shift += 1
    return _Atom(m.start(), m.end(), "week", d=_monday(ref) + timedelta(weeks=shift))


def _r_weekend(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("nx"):
        if fold(m.group("nx")).startswith("efter"):
            return _Atom(m.start(), m.end(), "fuzzy")  # "helgen" is also a holiday ("efter helgerna")
        return _Atom(m.start(), m.end(), "week", d=_monday(ref) + timedelta(weeks=1))  # after the weekend
    shift = 0 if m.group("iv") else _rel_shift(m.group("mod"))
    if shift is None:
        return None
    return _Atom(m.start(), m.end(), "week", d=_monday(ref) + timedelta(weeks=shift))


def _r_weeknum(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    n = int(m.group("n"))
    if not 1 <= n <= 53:
        return None
    lead = m.group(0).lstrip().lower()
    if re.match(r"(?:w|v|kw)\d", lead) and re.search(r"[\w/]$", text[: m.start()]):
        return None
    d = _week_from_number(ref, n, int(m.group("y")) if m.group("y") else None)
    return _Atom(m.start(), m.end(), "week", d=d) if d else None


def _r_weekof(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _Atom(m.start(), m.end(), "weekof")


def _r_month_rel(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    shift = 0 if m.group("iv") else _rel_shift(m.group("mod"))
    if shift is None:
        return None
    y, mo = _add_months(ref.year, ref.month, shift)
    return _Atom(m.start(), m.end(), "month", y=y, n=mo)


def _r_month(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    mon = text[m.start("mon") : m.end("mon")]
    f = fold(mon.strip(". "))
    mod = fold(m.group("mod") or "")
    y = _year_groups(m, ref, ("y", "y2"))
    supported = bool(mod or y)
    if f == "jul" and not y:
        return None  # bare "jul" is Christmas
    if f in WEAK_MONTHS and not supported and not _whole(text, m):
        return None
    if f in ("march", "mar") and not supported and mon[:1].islower() and not _whole(text, m):
        return None
    if not _weak_month_ok(text, m, mon, supported):
        return None
    if f == "maj" and mon[:1].isupper() and mod in ("med", "och"):
        return None
    mo = _month_index(mon)
    if y is None:
        y = ref.year if mo >= ref.month else ref.year + 1
        if mod in ("forra", "last", "past", "previous"):
            y = ref.year if mo < ref.month else ref.year - 1
    return _Atom(m.start(), m.end(), "month", y=y, n=mo)


def _r_quarter(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    ref_q = (ref.month - 1) // 3 + 1
    if m.group("mod"):
        shift = _rel_shift(m.group("mod"))
        if shift is None:
            return None
        t = ref.year * 4 + ref_q - 1 + shift
        return _Atom(m.start(), m.end(), "quarter", y=t // 4, n=t % 4 + 1)
    if m.group("q"):
        q = int(m.group("q"))
        ys = m.group("y0") or m.group("yy") or m.group("y")
    else:
        q = int(m.group("q2")) if m.group("q2") else _day_number(m.group("o").replace(":", ""))
        ys = m.group("y3")
    if not 1 <= q <= 4:
        return None
    if ys:
        ys = ys.lstrip("'")
        y = int(ys) if len(ys) == 4 else _year2(int(ys), ref)
    else:
        y = ref.year if q >= ref_q else ref.year + 1
    return _Atom(m.start(), m.end(), "quarter", y=y, n=q)


def _r_year(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("iy"):
        iy = fold(m.group("iy"))
        return _Atom(m.start(), m.end(), "year", y=ref.year - 1 if "fjo" in iy else ref.year)
    shift = _rel_shift(m.group("mod"))
    if shift is None:
        return None
    return _Atom(m.start(), m.end(), "year", y=ref.year + shift)


def _r_year_num(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if not _YEAR_PREP.search(text[max(0, m.start() - 8) : m.start()]):
        return None
    start = m.start() - len(_YEAR_PREP.search(text[max(0, m.start() - 8) : m.start()]).group(0))  # type: ignore[union-attr]
    return _Atom(start, m.end(), "year", y=int(m.group("y")))


def _r_edge(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    e = fold(m.group("e"))
    noun = fold(m.group("noun") or "")
    if noun:
        if noun.startswith(("month", "manad")):
            return _Atom(m.start(), m.end(), "month", y=ref.year, n=ref.month, edge=e)
        if noun.startswith(("week", "veck")):
            return _Atom(m.start(), m.end(), "week", d=_monday(ref), edge=e)
        if noun.startswith(("quarter", "kvartal")):
            return _Atom(m.start(), m.end(), "quarter", y=ref.year, n=(ref.month - 1) // 3 + 1, edge=e)
        return _Atom(m.start(), m.end(), "year", y=ref.year, edge=e)
    # ambiguous words ("sent" = English past tense): require an explicit "i"/"av" form
    if e in ("sent", "tidig", "tidigt", "start") and not re.search(
        r"\b(?:av|i|in|of|på)\s*$", m.group(0), _I
    ):
        return None
    return _Atom(m.start(), m.end(), "edge", edge=e)


def _r_eo(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    a = fold(m.group("a"))
    if a in ("eow", "veckoslut"):
        return _Atom(m.start(), m.end(), "week", d=_monday(ref))
    if a in ("eom", "bom", "manadsslut", "manadsslutet"):
        return _Atom(m.start(), m.end(), "month", y=ref.year, n=ref.month)
    if a == "eoq":
        return _Atom(m.start(), m.end(), "quarter", y=ref.year, n=(ref.month - 1) // 3 + 1)
    return _Atom(m.start(), m.end(), "year", y=ref.year)


def _unit_kind(u: str) -> str:
    f = fold(u)
    if f in ("'",) or f.startswith(("sek", "sec")):
        return "s"
    if f.startswith(("min",)):
        return "min"
    if f.startswith(("tim", "hour", "hr")) or f in ("t", "h"):
        return "h"
    if f.startswith(("dag", "day")):
        return "d"
    if f.startswith(("veck", "week", "wk")):
        return "w"
    if f.startswith("fortnight"):
        return "f"
    if f.startswith(("manad", "month")) or f == "man":
        return "m"
    if f.startswith("halvar"):
        return "hy"
    if f.startswith(("kvartal", "quarter")):
        return "q"
    return "y"


def _offset_atom(
    m: re.Match[str], ref: date, ref_dt: datetime | None, n: float, unit: str, sign: int
) -> _Atom:
    start, end = m.start(), m.end()
    if unit in ("s", "min", "h"):
        secs = {"s": 1, "min": 60, "h": 3600}[unit] * n * sign
        base = ref_dt if ref_dt is not None else datetime(ref.year, ref.month, ref.day)
        t = base + timedelta(seconds=secs)
        if ref_dt is None:
            return _Atom(start, end, "date", d=t.date())
        at = _Atom(start, end, "dt", d=t.date(), hm=(t.hour, t.minute))
        at.padded = True
        return at
    if unit == "d":
        return _Atom(start, end, "date", d=ref + timedelta(days=round(n) * sign))
    if unit in ("w", "f"):
        days = int(round(n * (14 if unit == "f" else 7)))
        if sign < 0:
            return _Atom(start, end, "date", d=ref - timedelta(days=days))
        return _Atom(start, end, "week", d=_monday(ref + timedelta(days=days)))
    if unit == "m":
        y, mo = _add_months(ref.year, ref.month, int(round(n)) * sign)
        if sign < 0:
            dd = _safe_date(y, mo, min(ref.day, calendar.monthrange(y, mo)[1]))
            return _Atom(start, end, "date", d=dd)
        return _Atom(start, end, "month", y=y, n=mo)
    if unit == "q":
        t = ref.year * 4 + (ref.month - 1) // 3 + int(round(n)) * sign
        return _Atom(start, end, "quarter", y=t // 4, n=t % 4 + 1)
    return _Atom(start, end, "year", y=ref.year + int(round(n)) * sign)


def _r_offset(text: str, m: re.Match[str], ref: date, ref_dt: datetime | None = None) -> _Atom | None:
    g = m.groupdict()
    nword = g.get("n") or g.get("n2") or ""
    unit = _unit_kind(g.get("u") or g.get("u2") or "")
    uword = fold(g.get("u") or g.get("u2") or "")
    spaced = re.search(r"\s", text[m.start("u") - 1 : m.start("u")] if g.get("u") else " ")
    if uword in ("t", "h", "man") and spaced:
        return None  # "om 2 t" / "in 2 h" with a space: too ambiguous
    n = _num(nword)
    fn = fold(" ".join(nword.split()))
    vague = n is None or fn in (
        "a few",
        "few",
        "nagra",
        "nara",
        "a couple of",
        "a couple",
        "ett par",
        "a pair of",
    )
    if (vague or g.get("vague")) and unit in ("d", "w", "f", "m", "q", "y", "hy"):
        return _Atom(m.start(), m.end(), "fuzzy")
    if n is None:
        return None
    if unit == "hy":  # "om ett halvår": six months
        unit, n = "m", n * 6
    elif unit == "y" and n != int(n) and n * 12 == int(n * 12):  # "om 1,5 år": months
        unit, n = "m", n * 12
    if unit not in ("s", "min", "h") and n != int(n) and unit != "w":
        return None
    return _offset_atom(m, ref, ref_dt, n, unit, 1)


def _r_ago(text: str, m: re.Match[str], ref: date, ref_dt: datetime | None = None) -> _Atom | None:
    n = _num(m.group("n"))
    if n is None:
        return _Atom(m.start(), m.end(), "fuzzy", past=True)
    at = _offset_atom(m, ref, ref_dt, n, _unit_kind(m.group("u")), -1)
    at.past = True
    return at


_SPRING_NEXT_OK = _wordset(
    "ska skall kommer blir blev är har planerar vill kan tänker hoppas räknar borde bör får måste igen någon nån "
    "eller och men när då så kanske tror troligen förhoppningsvis efter innan före under med om det de vi hon han "
    "jag dom man till på sen senast tidigast helst gärna eventuellt typ ungefär ca runt kring"
)
_UNIT_BEFORE = _ci(
    r"(?:\d|\b(?:dagar|dag|veckor|vecka|månader|månad|år|timmar|timme|minuter|days?|weeks?|months?|years?|hours?|"
    r"minutes?|an?|the|en|ett|den|det|de|sin|sitt|sina|min|mitt|mina|vår|vårt|våra|er|ert|era|no|not|much|even|"
    r"någon|nån|inte|ej|aldrig|never|still|lite|mycket|allt|ännu|än))\s*$"
)
_AFTER_LATER = _ci(
    r"\s*(?:than|än|versions?|del(?:en|ar)?|år(?:en|s)?|stages?|dates?|skede|tillfälle|generation)\b"
)


def _r_fuzzy(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    w = fold(" ".join(m.group(0).split()))
    if w in ("jul", "julen") and re.match(r"\s*\d", text[m.end() : m.end() + 3]):
        return None
    if w == "soon" and re.match(r"\s+as\b", text[m.end() : m.end() + 4], _I):
        return None
    raw = text[m.start() : m.end()]
    if w == "i var":
        # "i vår" is spring only written with å and not followed by a noun ("i vår offert")
        if "å" not in raw.lower():
            return None
        nxt = re.match(r"\s*(\w+|[^\w\s]|$)", text[m.end() : m.end() + 30])
        word = nxt.group(1).lower() if nxt else ""
        if word and word[0].isalpha() and word not in _SPRING_NEXT_OK and not word.isdigit():
            return None
    if w in ("i host", "i hosten") and "ö" not in raw.lower() and raw[:1] == "I":
        return None  # "I host the webinar"
    at = _Atom(m.start(), m.end(), "fuzzy", past=w in PAST_SEASONS)
    if w in FILLERS:
        if w in ("later", "senare"):
            before = text[max(0, m.start() - 20) : m.start()]
            if _UNIT_BEFORE.search(before) or _AFTER_LATER.match(text[m.end() : m.end() + 15]):
                return None
        at.edge = "filler"
    return at


def _r_fuzzy_sv_season(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


def _r_fuzzy_sv_event(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


def _r_fuzzy_sv_words(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


def _r_fuzzy_en_event(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


_RULES_LIST: tuple[tuple[re.Pattern[str], object], ...] = (
    (_RX_TIME_KL, _r_time_kl),
    (_RX_TIME_HM, _r_time_hm),
    (_RX_TIME_AMPM, _r_time_ampm),
    (_RX_TIME_H, _r_time_h),
    (_RX_TIME_AT, _r_time_at),
    (_RX_TIME_TIDEN, _r_time_tiden),
    (_RX_TIME_SV_WORDS, _r_time_sv_words),
    (_RX_TIME_EN_WORDS, _r_time_en_words),
    (_RX_TIME_HALF_EN, _r_time_half_en),
    (_RX_TIME_WORD, _r_time_word),
    (_RX_TIME_WORD_AT, _r_time_word),
    (_RX_TIME_WORD_BARE, _r_time_word_bare),
    (_RX_LUNCH_TIME, _r_lunch_time),
    (_RX_NOON, _r_noon),
    (_RX_TIME_RANGE_BARE, _r_time_at),
    (_RX_TIME_RANGE, _r_time_range),
    (_RX_TIME_BEFORE_PART, _r_time_before_part),
    (_RX_ISO, _r_iso),
    (_RX_NUM_Y, _r_num_y),
    (_RX_NUM_DM, _r_num_dm),
    (_RX_MON_YEAR_NUM, _r_mon_year_num),
    (_RX_DAY_MON, _r_day_mon),
    (_RX_MON_DAY, _r_mon_day),
    (_RX_DAY_ONLY, _r_day_only),
    (_RX_DAY_OF_MONTH_REL, _r_day_of_month_rel),
    (_RX_NTH_WD, _r_nth_wd),
    (_RX_HOLIDAY, _r_holiday),
    (_RX_DAY_RANGE, _r_day_range),
    (_RX_N_WEEKDAYS, _r_n_weekdays),
    (_RX_REL_DAY, _r_rel_day),
    (_RX_PART, _r_part),
    (_RX_WD, _r_wd),
    (_RX_WD_PAST, _r_wd_past),
    (_RX_WEEK_REL, _r_week_rel),
    (_RX_WEEKEND, _r_weekend),
    (_RX_WEEKNUM, _r_weeknum),
    (_RX_WEEKOF, _r_weekof),
    (_RX_MONTH_REL, _r_month_rel),
    (_RX_MONTH, _r_month),
    (_RX_QUARTER, _r_quarter),
    (_RX_YEAR, _r_year),
    (_RX_YEAR_NUM, _r_year_num),
    (_RX_EDGE, _r_edge),
    (_RX_EO, _r_eo),
    (_RX_FUZZY_SV_SEASON, _r_fuzzy_sv_season),
    (_RX_FUZZY_SV_EVENT, _r_fuzzy_sv_event),
    (_RX_FUZZY_SV_WORDS, _r_fuzzy_sv_words),
    (_RX_FUZZY_EN_EVENT, _r_fuzzy_en_event),
    (_RX_FUZZY_EN_WORDS, _r_fuzzy),
)
_OFFSET_RULES_LIST = (
    (_RX_OFFSET, _r_offset),
    (_RX_FROM_NOW, _r_offset),
    (_RX_AGO, _r_ago),
    (_RX_NEXT_N, _r_next_n),
)


def _toks(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MONTH_TOKENS = _toks(
    "januari january jan februari february feb mars march mar april apr maj may juni june jun juli july jul "
    "augusti august aug september sept sep oktober october okt oct november nov december dec"
)
_WD_TOKENS = _toks(
    "måndag tisdag onsdag torsdag fredag lördag söndag mandag lordag sondag måndagen tisdagen onsdagen torsdagen "
    "fredagen lördagen söndagen mandagen lordagen sondagen monday tuesday wednesday thursday friday saturday sunday "
    "mån man tis ons tors tor fre lör lor sön son mon tue tues wed thu thur thurs fri sat sun"
)
_PART_TOKENS = _toks(
    "morgon morgonen morning mornings förmiddag förmiddagen formiddag formiddagen fm f m em e eftermiddag "
    "eftermiddagen afternoon afternoonish evening kväll kvällen kvall kvallen natt natten night tonight tonite "
    "lunch lunchtid lunchtime lunchtiden eod cob end close slut bitti today tomorrow idag imorgon dag noon"
)
_ORD_TOKENS = _toks(
    "sista last första forsta förste andra tredje fjärde fjarde femte first second third fourth fifth st nd rd th e a"
)
# Token gates: a rule runs only if the note has one of its words ("#" = any digit). They
# only skip work; the patterns decide. A tuple of sets means all of them must hit.
_GATES: dict[object, object] = {
    _r_time_kl: _toks("#"),
    _r_time_hm: _toks("#"),
    _r_time_range: _toks("#"),
    _r_time_ampm: _toks("#"),
    _r_time_h: _toks("#"),
    _r_time_at: _toks("#"),
    _r_time_tiden: _toks("tiden"),
    _r_time_sv_words: _toks("halv kvart över over fem tio tjugo tjugofem"),
    _r_time_en_words: (_toks("past after to till from of"), _toks("# five ten twenty quarter half")),
    _r_time_half_en: _toks("half"),
    _r_time_word: (
        _toks(
            "one two three four five six seven eight nine ten eleven twelve ett två tva tre fyra fem sex sju åtta atta nio tio elva tolv"
        ),
        _toks("am pm a p m oclock clock at kl klockan"),
    ),
    _r_noon: _toks("noon midday mid midnight"),
    _r_time_word_bare: (
        _toks("one two three four five six seven eight nine ten eleven twelve"),
        _toks("oh o ou zero fifteen twenty thirty forty fifty"),
    ),
    _r_lunch_time: _toks("lunch lunchen"),
    _r_time_before_part: _PART_TOKENS,
    _r_iso: _toks("#"),
    _r_num_y: _toks("#"),
    _r_num_dm: _toks("#"),
    _r_mon_year_num: _toks("#"),
    _r_day_mon: _MONTH_TOKENS,
    _r_mon_day: _MONTH_TOKENS,
    _r_day_only: _toks("# den the on"),
    _r_day_of_month_rel: _toks("month"),
    _r_nth_wd: (_MONTH_TOKENS | _toks("month månad månaden manad manaden"), _ORD_TOKENS),
    _r_holiday: _toks(
        "julafton juldagen juldag annandag annandagen nyårsafton nyarsafton nyårsdagen nyarsdagen nyårsdag nyarsdag "
        "trettondagen trettondagsafton valborg valborgsmässoafton valborgsmassoafton nationaldagen christmas boxing "
        "new halloween"
    ),
    _r_day_range: _MONTH_TOKENS,
    _r_n_weekdays: _toks("now hence ago back framåt framat sedan"),
    _r_rel_day: _toks(
        "idag dag today tod imorgon morgon imorrn imorn imrn imrgn morn tomorrow tomorrows tmrw tmr iövermorgon övermorgon "
        "iovermorgon overmorgon iöverimorgon överimorgon ioverimorgon overimorgon after igår går igar gar yesterday "
        "iförrgår förrgår iforrgar forrgar before ikväll kväll ikvall kvall tonight tonite ieftermiddag eftermiddag "
        "iförmiddag förmiddag iformiddag formiddag imorse morse inatt natt morning afternoon evening night "
        "eftermiddagen förmiddagen formiddagen dagen later senare lunch lunchen em fm"
    ),
    _r_part: _PART_TOKENS,
    _r_wd: _WD_TOKENS,
    _r_wd_past: _toks("måndags tisdags onsdags torsdags fredags lördags söndags mandags lordags sondags"),
    _r_week_rel: _toks("vecka veckan week wk v"),
    _r_weekend: _toks("helg helgen weekend week end"),
    _r_weeknum: (_toks("#"), _toks("v w wk kw vecka veckan week vnr nr")),
    _r_weekof: _toks("w c wc week veckan"),
    _r_month_rel: _toks("månad månaden manad manaden month mån man"),
    _r_month: _MONTH_TOKENS,
    _r_quarter: _toks("q k kvartal kvartalet quarter qtr kv"),
    _r_year: _toks("år året ar aret year yr fjol fjor"),
    _r_year_num: _toks("#"),
    _r_edge: _toks("slutet början borjan mitten start end beginning middle mid early late tidigt tidig sent"),
    _r_eo: _toks(
        "eow eom eoy eoq bom boy månadsslut månadsslutet manadsslut manadsslutet årsslut årsslutet arsslut arsslutet veckoslut"
    ),
    _r_ago: _toks("sedan sen ago back"),
    _r_offset: _toks("om in inom within efter after"),
    _r_fuzzy_sv_season: _toks(
        "hösten hosten våren varen sommaren sommarn vintern höst host sommar vinter vår var våras varas höstas "
        "hostas somras vintras"
    ),
    _r_fuzzy_sv_event: [
        _toks(
            "skörden skorden semestern semestrarna sommarsemestern industrisemestern jul julen nyår nyar nyåret "
            "nyaret påsk pask påsken pasken midsommar midsommaren helgerna storhelgerna julhelgen påskhelgen "
            "paskhelgen nyårshelgen nyarshelgen trettonhelgen budgetprocessen budgetrundan bokslutet högsäsong "
            "hogsasong lågsäsong lagsasong inventering bokslut sommaren sommarn hösten hosten våren varen vintern "
            "veckoslutet sportlov vintersemestern ledigheten föräldraledigheten foraldraledigheten "
            "tjänstledigheten tjanstledigheten"
        ),
        _RX_EVENT_SUFFIX,
    ],
    _r_fuzzy_sv_words: _toks(
        "längre langre framöver framover tag stund småningom smaningom lider skede läge lage fas framtid framtiden "
        "sikt närtid nartid passar tid tillfälle tillfalle par några nagra nåra nara någon nagon nån nan tidigt "
        "kort snarast snart senare gång gang nångång nangang någongång nagongang"
    ),
    _r_fuzzy_en_event: _toks(
        "fair show expo exhibition conference convention harvest holidays holiday break season inventory "
        "stocktake stocktaking budget new easter christmas xmas thanksgiving midsummer vacation leave summer "
        "winter spring autumn fall springtime summertime black cyber"
    ),
    _r_fuzzy: _toks(
        "later road line track course point stage date future suits convenient convenience time couple few pair "
        "several some sometime year possible asap soon shortly"
    ),
    _r_next_n: _toks("nästa nasta next kommande coming närmaste narmaste senaste last past upcoming"),
}
_GATES_FROM_NOW = _toks("now hence nu idag dag today")
# Where a rule's matches can begin: every match starts with one of these strings ("#": a
# digit), so its scan starts at the first occurrence (and is skipped when there is none).
_DIGIT_LED = ("#",)
_STARTS: dict[object, tuple[str, ...]] = {
    _RX_TIME_KL: ("kl",),
    _RX_TIME_HM: _DIGIT_LED,
    _RX_TIME_AMPM: _DIGIT_LED,
    _RX_TIME_H: _DIGIT_LED,
    _RX_TIME_TIDEN: _DIGIT_LED,
    _RX_ISO: _DIGIT_LED,
    _RX_NUM_Y: _DIGIT_LED,
    _RX_NUM_DM: _DIGIT_LED,
    _RX_MON_YEAR_NUM: _DIGIT_LED,
    _RX_YEAR_NUM: _DIGIT_LED,
    _RX_TIME_AT: ("at", "around", "approximately", "about", "@"),
    _RX_TIME_RANGE_BARE: ("från", "fran", "from", "mellan", "between"),
    _RX_TIME_HALF_EN: ("half",),
    _RX_LUNCH_TIME: ("lunch",),
    _RX_OFFSET: ("om", "in", "efter", "after", "within"),
}
_RULES = tuple((rx, fn, _GATES.get(fn), _STARTS.get(rx)) for rx, fn in _RULES_LIST)
_OFFSET_RULES = tuple(
    (rx, fn, _GATES_FROM_NOW if rx is _RX_FROM_NOW else _GATES.get(fn), _STARTS.get(rx))
    for rx, fn in _OFFSET_RULES_LIST
)
_TOKEN = re.compile(r"[^\W\d_]+")


def _gate_open(gate: object, tokens: set[str], low: str) -> bool:
    """True if the rule guarded by ``gate`` may match at all (see ``_GATES``).

    A set: one of its words occurs; a tuple: each of its sets has a word; a list: one of its
    gates is open; a pattern: it is found in the lower-cased text."""
    if gate is None:
        return True
    if isinstance(gate, frozenset):
        return not gate.isdisjoint(tokens)
    if isinstance(gate, tuple):
        return all(not g.isdisjoint(tokens) for g in gate)
    if isinstance(gate, list):
        return any(_gate_open(g, tokens, low) for g in gate)
    return gate.search(low) is not None  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- pre-scan
#
# Searching the note with each of the ~50 atom patterns in turn used to cost most of the
# time: a search tries its pattern at every character. But nearly every pattern can only
# begin at the start of a word ("\b", or a look-behind that rules out a word character
# before it) and with a few particular words or digits ("kl", "nästa", "12:", ...). So the
# note's word starts are listed once, and a pattern is tried (``Pattern.match``) only at
# those whose next characters it can begin with. That finds exactly the matches of
# ``Pattern.finditer``: the positions skipped are ones where the pattern cannot match.
# The possible beginnings ("keys") are read off each pattern's parse tree, so they follow
# any edit of the patterns; a pattern that cannot be narrowed down is searched in full.

_KEY_LEN = 5  # leading characters of a match that decide where a pattern is tried


def _key(chars: str) -> str:
    """``chars`` as a key: a ``\\d`` character becomes "#", a ``\\s`` character " "."""
    return "".join("#" if c.isdecimal() else " " if c.isspace() else c for c in chars)


class _Unindexable(Exception):
    """The match starts of a pattern cannot be narrowed down (search it in full)."""


# A partial beginning of a match: (key so far, a word boundary holds before it, key final).
_KeyState = tuple[str, bool, bool]
_WORD_CATEGORIES = (_sre.CATEGORY_WORD, _sre.CATEGORY_UNI_WORD)


def _class_chars(items: list[tuple[Any, Any]]) -> set[tuple[str, bool]] | None:
    """The (key character, is a word character) pairs that a character class (or literal)
    can match, or None when they are too many to list (``\\w``, ``.``, a negated class)."""
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars = chr(av)
        elif op is _sre.RANGE and av[1] - av[0] <= 256:
            chars = "".join(map(chr, range(av[0], av[1] + 1)))
        elif op is _sre.CATEGORY and av in (_sre.CATEGORY_DIGIT, _sre.CATEGORY_UNI_DIGIT):
            out.add(("#", True))
            continue
        elif op is _sre.CATEGORY and av in (_sre.CATEGORY_SPACE, _sre.CATEGORY_UNI_SPACE):
            out.add((" ", False))
            continue
        else:
            return None
        out.update((_key(c), c.isalnum() or c == "_") for c in chars)
    return out


def _no_word_before(op: Any, av: Any) -> bool:
    """True for "\\b" and for a negative look-behind whose class holds ``\\w`` ("(?<![\\w.])")."""
    if op is _sre.AT:
        return av in (_sre.AT_BOUNDARY, _sre.AT_UNI_BOUNDARY)
    if op is not _sre.ASSERT_NOT or av[0] != -1 or len(av[1].data) != 1:
        return False
    sub_op, items = av[1].data[0]
    return (
        sub_op is _sre.IN
        and (_sre.NEGATE, None) not in items
        and any(o is _sre.CATEGORY and a in _WORD_CATEGORIES for o, a in items)
    )


def _walk(seq: Any, states: set[_KeyState], specials: set[str]) -> set[_KeyState]:
    """Advance partial beginnings over a parsed pattern sequence. It over-estimates (look-
    arounds are skipped, repeats may stop anywhere), so every real match begins with a key.

    A key must begin at the start of a word (a word character after "\\b" or a look-behind
    without ``\\w``) or with a punctuation mark, which is added to ``specials``."""
    for op, av in seq.data:
        live = {s for s in states if not s[2]}
        if not live:
            break
        done = states - live
        if op is _sre.LITERAL or op is _sre.IN:
            chars = _class_chars([(op, av)] if op is _sre.LITERAL else av)
            grown: set[_KeyState] = set()
            for key, bound, _ in live:
                if chars is None:  # unknown characters: the key ends here
                    if not key:
                        raise _Unindexable
                    grown.add((key, bound, True))
                    continue
                for c, word in chars:
                    if not key:
                        if c == " " or word and not bound:
                            raise _Unindexable  # could begin anywhere
                        if not word:
                            specials.add(c)
                    grown.add((key + c, bound, len(key) + 1 >= _KEY_LEN))
            states = done | grown
        elif op is _sre.AT or op is _sre.ASSERT_NOT or op is _sre.ASSERT:
            if _no_word_before(op, av):
                states = done | {(key, bound or not key, fin) for key, bound, fin in live}
        elif op is _sre.SUBPATTERN:
            if av[1] & _sre.SRE_FLAG_IGNORECASE:
                raise _Unindexable
            states = done | _walk(av[3], live, specials)
        elif op is _sre.ATOMIC_GROUP:
            states = done | _walk(av, live, specials)
        elif op is _sre.BRANCH:
            states = done.union(*(_walk(alt, live, specials) for alt in av[1]))
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT or op is _sre.POSSESSIVE_REPEAT:
            lo, hi, sub = av
            out = set(live) if lo == 0 else set()
            cur, seen, i = live, set(), 0
            while i < hi:
                i += 1
                cur = _walk(sub, cur, specials)
                if i >= lo:
                    out |= cur
                    if frozenset(cur) in seen:
                        break  # the states repeat: more rounds add nothing
                    seen.add(frozenset(cur))
                if i > 100:
                    raise _Unindexable
            states = done | out
        else:  # back-references, conditionals: the key ends here
            if any(not key for key, _, _ in live):
                raise _Unindexable
            states = done | {(key, bound, True) for key, bound, _ in live}
    return states


def _match_keys(rx: re.Pattern[str], specials: set[str]) -> frozenset[str] | None:
    """Keys such that every match of ``rx`` begins with one of them, at a word start or at
    a punctuation mark (added to ``specials``); None if ``rx`` must be searched in full."""
    if rx.flags & re.IGNORECASE:
        return None
    found: set[str] = set()
    try:
        states = _walk(_sre_parser.parse(rx.pattern, rx.flags), {("", False, False)}, found)
    except _Unindexable:
        return None
    if any(not key for key, _, _ in states):
        return None  # it can match the empty string
    specials |= found
    return frozenset(key for key, _, _ in states)


_ALL_RULES = _RULES + _OFFSET_RULES


@dataclass(frozen=True, slots=True)
class _StartIndex:
    """Which rules may match where (built once, by :func:`_start_index`)."""

    searched: tuple[bool, ...]  # per rule of ``_ALL_RULES``: True = search it in full
    rules_by_key: dict[str, tuple[int, ...]]  # key -> rules with that key
    start_points: re.Pattern[str]  # finds each word and each punctuation mark a key begins with


@functools.cache
def _start_index() -> _StartIndex:
    """Read the keys off all rule patterns (~40 ms, so on first use, not on import)."""
    specials: set[str] = set()
    rule_keys = [_match_keys(rx, specials) for rx, _, _, _ in _ALL_RULES]
    by_key: dict[str, list[int]] = {}
    for i, keys in enumerate(rule_keys):
        for key in keys or ():
            by_key.setdefault(key, []).append(i)
    points = r"\w+" + (f"|[{''.join(map(re.escape, sorted(specials)))}]" if specials else "")
    return _StartIndex(
        tuple(keys is None for keys in rule_keys),
        {key: tuple(rules) for key, rules in by_key.items()},
        re.compile(points),
    )


_RULES_AT: dict[str, tuple[int, ...]] = {}  # cache: next characters at a start -> rules


def _rules_at(chars: str) -> tuple[int, ...]:
    """The rules (indexes into ``_ALL_RULES``) that may match at a start followed by ``chars``."""
    key = _key(chars)
    by_key = _start_index().rules_by_key
    found: set[int] = set()
    for n in range(1, len(key) + 1):
        found.update(by_key.get(key[:n], ()))
    rules = tuple(sorted(found))
    if len(_RULES_AT) >= 50_000:  # keep the cache bounded
        _RULES_AT.clear()
    _RULES_AT[chars] = rules
    return rules


def _start_positions(low: str) -> list[list[int] | None]:
    """Per rule of ``_ALL_RULES``: the ascending positions of ``low`` where a match may
    begin, or None when the rule is to be searched in full."""
    index = _start_index()
    out: list[list[int] | None] = [None if full else [] for full in index.searched]
    starts = [m.start() for m in index.start_points.finditer(low)]
    nexts = [low[p : p + _KEY_LEN] for p in starts]
    rules_at = list(map(_RULES_AT.get, nexts))
    if None in rules_at:  # not cached yet
        rules_at = [
            _rules_at(chars) if rules is None else rules for chars, rules in zip(nexts, rules_at, strict=True)
        ]
    # only the starts where some rule may match
    for p, rules in compress(zip(starts, rules_at, strict=True), rules_at):
        for i in rules:
            out[i].append(p)  # type: ignore[union-attr]
    return out


def _matches(rx: re.Pattern[str], low: str, pos: int, starts: list[int] | None) -> Iterator[re.Match[str]]:
    """The matches of ``rx.finditer(low, pos)``, trying only the positions in ``starts``
    (every position when ``starts`` is None)."""
    if starts is None:
        yield from rx.finditer(low, pos)
        return
    for p in starts:
        if p >= pos:
            m = rx.match(low, p)
            if m is not None:
                yield m
                pos = m.end()


# --------------------------------------------------------------------------- merging


def _apply_part(t: tuple[int, int], pm: bool | None) -> tuple[int, int]:
    if pm and t[0] < 12:
        return t[0] + 12, t[1]
    return t


def _final_time(at: _Atom) -> tuple[int, int]:
    """Clock time after the SPEC afternoon rule (1-7 without am/pm = afternoon)."""
    assert at.hm is not None
    h, mi = at.hm
    if at.pm is not None and at.ampm is None:
        if at.pm:
            return _apply_part((h, mi), True)
        return (h, mi)
    if at.ampm is None and not at.padded and 1 <= h <= 7:
        return h + 12, mi
    return h, mi


def _date_with_weekday(day_atom: _Atom, wd: int, ref: date) -> date | None:
    """Pick the year (or month) of a yearless date so that it falls on weekday ``wd``."""
    if day_atom.d is None:
        return None
    if not day_atom.yearless:
        return day_atom.d
    if day_atom.dayonly:
        y, mo = ref.year, ref.month
        for _ in range(28):
            dd = _safe_date(y, mo, day_atom.day)
            if dd and dd >= ref and dd.weekday() == wd:
                return dd
            y, mo = _add_months(y, mo, 1)
        return day_atom.d
    spec = day_atom.d  # the SPEC reading: next one on or after ref
    if spec.weekday() == wd:
        return spec
    recent = _safe_date(spec.year - 1, day_atom.n, day_atom.day)
    if recent and recent.weekday() == wd and (ref - recent).days <= 31:
        return recent  # "Sunday, Feb 10" written two days later
    later = _safe_date(spec.year + 1, day_atom.n, day_atom.day)
    if later and later.weekday() == wd:
        return later
    return spec


_DAYLIKE = ("date", "wd", "dt")
_COARSE = ("week", "month", "quarter", "year")


def _merge_pair(a: _Atom, b: _Atom, ref: date) -> _Atom | None:
    """Merge two neighbouring atoms (``a`` before ``b``) or return None."""
    ka, kb = a.kind, b.kind
    span = (a.start, b.end)
    # "sometime next week", "nån gång i höst", "later next month": the filler is a lead-in
    if ka == "fuzzy" and a.edge == "filler" and kb not in ("edge", "weekof", "part"):
        at = _Atom(a.start, b.end, kb, d=b.d, hm=b.hm, ampm=b.ampm, padded=b.padded, y=b.y, n=b.n)
        at.wd, at.wd_mode, at.yearless, at.dayonly, at.day = b.wd, b.wd_mode, b.yearless, b.dayonly, b.day
        at.pm, at.edge, at.past, at.has_time = b.pm, b.edge, b.past, b.has_time
        return at
    # end of day / after lunch + a day ("EOD Friday", "tomorrow after lunch"): that day
    if (a.edge == "ofday") != (b.edge == "ofday") and ka in ("date", "wd") and kb in ("date", "wd"):
        e, d = (a, b) if a.edge == "ofday" else (b, a)
        if d.hm is not None:
            return None
        at = _Atom(*span, d.kind, d=d.d, wd=d.wd, wd_mode=d.wd_mode, pm=e.pm)
        at.past = d.past
        return at
    # weekday + date / date + weekday
    if ka == "wd" and kb == "date" or ka == "date" and kb == "wd":
        w, d = (a, b) if ka == "wd" else (b, a)
        if d.wd >= 0:
            return None
        dd = _date_with_weekday(d, w.wd, ref)
        return _Atom(*span, "date", d=dd, pm=d.pm, wd=w.wd)
    # weekday + week ("tisdag nästa vecka", "torsdag v. 49")
    if ka == "wd" and kb == "week" or ka == "week" and kb == "wd":
        w, wk = (a, b) if ka == "wd" else (b, a)
        if wk.d is None or w.wd_mode:
            return None
        return _Atom(*span, "date", d=wk.d + timedelta(days=w.wd), wd=w.wd)
    # "w/c 13 April", "the week of October 6th"
    if ka == "weekof" and kb in ("date", "wd"):
        return _Atom(*span, "week", d=_monday(b.d)) if b.d else None
    # day + part of day
    if ka in ("date", "wd") and kb == "part" or ka == "part" and kb in ("date", "wd"):
        d, p = (a, b) if kb == "part" else (b, a)
        if d.hm is not None:
            return None
        at = _Atom(*span, "date" if d.kind == "date" else "wd", d=d.d, wd=d.wd, wd_mode=d.wd_mode, pm=p.pm)
        at.past = d.past
        return at
    # time + part ("3 in the afternoon", "tonight at 8")
    if ka == "time" and kb == "part" or ka == "part" and kb == "time":
        t, p = (a, b) if ka == "time" else (b, a)
        at = _Atom(
            *span,
            "time",
            hm=t.hm,
            ampm=t.ampm,
            padded=t.padded,
            pm=p.pm if t.ampm is None else None,
            has_time=True,
        )
        return at
    # day + time
    if ka in ("date", "wd") and kb == "time" or ka == "time" and kb in ("date", "wd"):
        d, t = (a, b) if kb == "time" else (b, a)
        if d.hm is not None:
            return None
        tt = _Atom(
            t.start,
            t.end,
            "time",
            hm=t.hm,
            ampm=t.ampm,
            padded=t.padded,
            pm=t.pm if t.pm is not None else d.pm,
        )
        h, mi = _final_time(tt)
        at = _Atom(*span, "dt", d=d.d, hm=(h, mi), has_time=True, padded=True)
        at.past = d.past
        return at
    # "today in one hour": the offset is more precise
    if ka == "date" and kb == "dt" and a.d == b.d:
        return _Atom(*span, "dt", d=b.d, hm=b.hm, padded=True)
    # time + week/month/quarter/year: stays coarse ("kl 12 nästa vecka")
    if ka == "time" and kb in _COARSE or ka in _COARSE and kb == "time":
        c = b if ka == "time" else a
        at = _Atom(*span, c.kind, d=c.d, y=c.y, n=c.n, has_time=True)
        return at
    # "i början av" + month/week/quarter/year/date
    if ka == "edge" and kb in _COARSE:
        at = _Atom(*span, kb, d=b.d, y=b.y, n=b.n, edge=a.edge)
        return at
    if ka == "edge" and kb in ("date",) and b.d is not None and not b.yearless:
        return None
    return None


_RANGE_GAP = _ci(r"^\s*(?:-|–|till|to|until|untill|thru|through|och|and|men\s+före|but\s+before)\s*$")


def _merge(atoms: list[_Atom], text: str, ref: date, phase: int) -> list[_Atom]:
    """Merge neighbours; phase 0 joins days, weeks and markers, phase 1 adds clock times."""
    changed = True
    while changed and len(atoms) > 1:
        changed = False
        out: list[_Atom] = []
        i = 0
        while i < len(atoms):
            if i + 1 < len(atoms):
                a, b = atoms[i], atoms[i + 1]
                gap = text[a.end : b.start]
                if phase == 1 and a.kind == "time" and b.kind == "time" and _RANGE_GAP.match(gap):
                    # "9:30 - 11:00": keep the start, span the whole range
                    hm = a.hm
                    if a.ampm is None and b.ampm == "pm" and hm is not None and hm[0] < 12:
                        hm = (hm[0] + 12, hm[1])  # "3:30 to 6 PM"
                    out.append(
                        _Atom(
                            a.start,
                            b.end,
                            "time",
                            hm=hm,
                            ampm=a.ampm or b.ampm,
                            padded=a.padded,
                            pm=a.pm,
                            has_time=True,
                        )
                    )
                    i += 2
                    changed = True
                    continue
                if len(gap) <= 16 and _GAP.match(gap) and (phase == 1 or "time" not in (a.kind, b.kind)):
                    merged = _merge_pair(a, b, ref)
                    if merged is not None:
                        out.append(merged)
                        i += 2
                        changed = True
                        continue
            out.append(atoms[i])
            i += 1
        atoms = out
    return atoms


# --------------------------------------------------------------------------- output


_ABBREVIATIONS = frozenset(
    fold(WEEKDAY_ABBR.replace("|", " ")).split()
    + ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dec", "kl"]
)
_LEFT_WORDS = frozenset(
    [
        "på",
        "pa",
        "on",
        "i",
        "in",
        "at",
        "during",
        "under",
        "den",
        "the",
        "from",
        "från",
        "fran",
        "around",
        "kring",
        "runt",
        "omkring",
        "ca",
        "ca.",
        "cirka",
        "about",
        "approx",
        "approx.",
        "approximately",
        "sometime",
        "helst",
        "gärna",
        "garna",
        "typ",
        "tidigast",
        "earliest",
    ]
)
_LEFT_PHRASES = frozenset(
    {"från och med", "fran och med", "någon gång", "nagon gang", "nån gång", "nan gang"}
)
_DEADLINE_WORDS = frozenset(
    ["senast", "by", "before", "innan", "före", "fore", "until", "tills", "inom", "within", "latest"]
)
_DEADLINE_PHRASES = frozenset({"no later than", "not later than", "fram till"})
# The words a widening can begin with (from the right): those above and the last word of
# each phrase.
_WIDENING_WORDS = (
    _LEFT_WORDS | _DEADLINE_WORDS | {phrase.split(" ")[-1] for phrase in _LEFT_PHRASES | _DEADLINE_PHRASES}
)


def _words_before(text: str, pos: int, n: int) -> list[tuple[int, str]]:
    """Up to ``n`` whitespace-separated words before ``pos``: (start, lower-case word), nearest first."""
    out: list[tuple[int, str]] = []
    j = pos
    while len(out) < n:
        k = j
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        if k == j and j != pos or k == 0:
            break
        e = k
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        if k == e:
            break
        out.append((k, text[k:e].lower()))
        j = k
    return out


def _widen_left(text: str, start: int) -> int:
    """Move ``start`` left over prepositions and deadline markers ("på", "senast", "by")."""
    if start == 0 or text[start - 1] not in " \t":
        return start
    # Usually the nearest word cannot widen the span: find just that word (as
    # _words_before would) and stop there.
    k = start - 1
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    e = k
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    if k == e or text[k:e].lower() not in _WIDENING_WORDS:
        return start
    words = _words_before(text, start, 6)
    i = 0
    new = start
    while i < len(words):
        w3 = " ".join(w for _, w in reversed(words[i : i + 3])) if i + 3 <= len(words) else ""
        w2 = " ".join(w for _, w in reversed(words[i : i + 2])) if i + 2 <= len(words) else ""
        w1 = words[i][1]
        if w3 in _LEFT_PHRASES or w3 in _DEADLINE_PHRASES:
            new, i = words[i + 2][0], i + 3
        elif w2 in _LEFT_PHRASES or w2 in _DEADLINE_PHRASES:
            new, i = words[i + 1][0], i + 2
        elif w1 in _LEFT_WORDS or w1 in _DEADLINE_WORDS:
            new, i = words[i][0], i + 1
        else:
            break
        if w1 in _DEADLINE_WORDS or w2 in _DEADLINE_PHRASES or w3 in _DEADLINE_PHRASES:
            break  # a deadline marker is the outermost word
    return new


def _to_mention(at: _Atom, text: str, ref: date) -> TimeMention | None:
    start, end = at.start, at.end
    # widen over prepositions / deadline markers on the left
    start = _widen_left(text, start)
    if end - start > 1 and text[end - 1] == ".":
        last = re.search(r"(\w+)\.$", text[start:end])
        if last and fold(last.group(1)) not in _ABBREVIATIONS:
            end -= 1  # a sentence full stop after a full word ("i januari.")
    deadline = bool(_DEADLINE_START.match(text[start:end]))
    rm = _RIGHT_DEADLINE.match(text[end : end + 25])
    if rm:
        end += len(rm.group(0))
        deadline = True
    kind = at.kind
    has_time = at.has_time
    past = at.past
    value: str | None
    if kind == "time":
        h, mi = _final_time(at)
        gran, value, has_time = "datetime", f"{ref.isoformat()}T{h:02d}:{mi:02d}", True
        period_end = ref
    elif kind == "dt":
        assert at.d is not None and at.hm is not None
        gran, value = "datetime", f"{at.d.isoformat()}T{at.hm[0]:02d}:{at.hm[1]:02d}"
        period_end = at.d
    elif kind in ("date", "wd"):
        if at.d is None:
            return None
        gran, value, has_time = "date", at.d.isoformat(), False
        period_end = at.d
    elif kind == "week":
        if at.d is None:
            return None
        iso = at.d.isocalendar()
        gran, value = "week", f"{iso.year}-W{iso.week:02d}"
        period_end = at.d + timedelta(days=6)
    elif kind == "month":
        gran, value = "month", f"{at.y:04d}-{at.n:02d}"
        period_end = date(at.y, at.n, calendar.monthrange(at.y, at.n)[1])
    elif kind == "quarter":
        gran, value = "quarter", f"{at.y:04d}-Q{at.n}"
        period_end = date(at.y, at.n * 3, calendar.monthrange(at.y, at.n * 3)[1])
    elif kind == "year":
        gran, value = "year", f"{at.y:04d}"
        period_end = date(at.y, 12, 31) if at.y >= 1 else ref
    elif kind == "fuzzy":
        gran, value, period_end = "fuzzy", None, ref
    elif kind == "part" and at.edge == "lunch":
        gran, value, has_time, period_end = "date", ref.isoformat(), False, ref
    else:
        return None  # stray marker ("part", "edge", "weekof") on its own
    past = past or period_end < ref
    return TimeMention(start, end, text[start:end], gran, value, has_time, past, deadline)


def _scan_start(low: str, starts: tuple[str, ...] | None, first_digit: int) -> int:
    """First position where a rule's match can begin (see ``_STARTS``); -1: nowhere."""
    if starts is None:
        return 0
    if starts is _DIGIT_LED:
        return first_digit
    best = -1
    for lit in starts:
        k = low.find(lit)
        if k >= 0 and (best < 0 or k < best):
            best = k
    return best


def _rule_matches(low: str, digit: re.Match[str] | None) -> Iterator[tuple[int, re.Match[str]]]:
    """(index into ``_ALL_RULES``, match) for every match of every rule in ``low``: rule by
    rule, each left to right, as ``finditer`` gives them. ``digit``: the first digit in ``low``.

    A rule is skipped when no position can begin a match (``_start_positions``), when its
    gate is closed (``_GATES``) or its start literal is missing (``_STARTS``)."""
    positions = _start_positions(low)
    first_digit = digit.start() if digit is not None else -1
    tokens: set[str] | None = None
    for i, (rx, _, gate, starts) in enumerate(_ALL_RULES):
        at = positions[i]
        if at is not None and not at:
            continue
        if gate is not None:
            if tokens is None:
                tokens = set(_TOKEN.findall(low))
                if digit is not None:
                    tokens.add("#")
            if not _gate_open(gate, tokens, low):
                continue
        pos = _scan_start(low, starts, first_digit)
        if pos < 0:
            continue
        for m in _matches(rx, low, pos, at):
            yield i, m


def _ref_parts(ref: date | datetime) -> tuple[date, datetime | None]:
    if isinstance(ref, datetime):
        return ref.date(), ref.replace(tzinfo=None)
    return ref, None


_PRECISION = {
    "dt": 0,
    "date": 1,
    "wd": 1,
    "time": 2,
    "week": 3,
    "weekof": 3,
    "month": 4,
    "quarter": 5,
    "year": 6,
}


def find_times(text: str, ref: date | datetime) -> list[TimeMention]:
    """All time expressions in text, left to right, non-overlapping, resolved against ref."""
    if not text:
        return []
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    digit = _DIGIT.search(low)  # most notes have one, and then pass the pre-check
    if digit is None and not _PRECHECK_QUICK.search(low) and not _PRECHECK.search(text):
        return []
    ref_date, ref_dt = _ref_parts(ref)
    cands: list[_Atom] = []
    n_plain = len(_RULES)
    for i, m in _rule_matches(low, digit):
        fn = _ALL_RULES[i][1]
        try:
            at = fn(text, m, ref_date) if i < n_plain else fn(text, m, ref_date, ref_dt)  # type: ignore[operator]
        except (OverflowError, ValueError):  # a date beyond year 1..9999 ("om 99999999 dagar")
            continue
        if at is not None and (at.end > at.start or i >= n_plain):
            cands.append(at)
    if not cands:
        return []
    # longest first, then the more precise ("Oct 24" before "by Oct"), then leftmost
    cands.sort(key=lambda a: (a.start - a.end, _PRECISION.get(a.kind, 9), a.start))
    taken: list[_Atom] = []
    occupied = bytearray(len(text) + 1)
    for at in cands:
        if any(occupied[at.start : at.end]):
            continue
        occupied[at.start : at.end] = b"\x01" * (at.end - at.start)
        taken.append(at)
    taken.sort(key=lambda a: a.start)
    taken = [a for a in taken if 0 <= a.y <= 9999]  # "om 10000 år": no such date
    merged = _merge(_merge(taken, text, ref_date, 0), text, ref_date, 1)
    out: list[TimeMention] = []
    last_end = -1
    for at in merged:
        try:
            mention = _to_mention(at, text, ref_date)
        except (OverflowError, ValueError):  # a period that ends beyond year 9999
            continue
        if mention is None:
            continue
        if mention.start < last_end:  # left widening ran into the previous mention
            s = at.start
            mention = TimeMention(
                s, mention.end, text[s : mention.end], mention.granularity, mention.value,
                mention.has_time, mention.past, mention.deadline,
            )  # fmt: skip
        out.append(mention)
        last_end = mention.end
    return out
