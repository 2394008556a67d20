"""The atom patterns: precompiled regular expressions for dates, weekdays, clock times, weeks,
months, quarters, years, offsets, parts of the day, fuzzy phrases and markers (both languages;
the language-specific rules that use them are in rules_sv and rules_en)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from model.text import by_first_letter
from model.when.lexicon import (
    EVENT_SV_SUFFIX_RE,
    FIXED_HOLIDAYS_RE,
    FUZZY_EN_EVENT_SEASON_RE,
    FUZZY_EN_WORDS_RE,
    FUZZY_SV_EVENT_RE,
    FUZZY_SV_SEASON_RE,
    FUZZY_SV_WORDS_RE,
    HOUR_WORDS_RE,
    MONTHS,
    NUMBER_WORDS_RE,
    ORDINAL_WORDS_RE,
    WEEKDAY_ABBR,
    WEEKDAY_FULL,
    sv,
)


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
    r"|dagar|dgr|dag|days?|veckor|vecka|weeks?|wks?|fortnights?|månader|månad|months?|mths?|mnths?|mos|mån|halvår|halvåret|år|years?|yrs?"
    r"|kvartal|quarters?)\b"
)


# a time zone after a clock time, kept as written (no conversion): "10am PST", "@ 10 PT" (the
# patterns run on the lower-cased note)
_ZONE = r"(?:\s*\(?(?:cet|cest|gmt|utc|bst|pst|pdt|est|edt|cst|ist|pt|et|ct|mt)\)?\b)?"


_TSUF = r"(?:\s*(?:exakt|precis|sharp|ish|prick))?"


_AMPM = r"(?P<ap>a\.?\s?m\.?|p\.?\s?m\.?|[ap]\b\.?|in\s+the\s+(?:am|pm))"


_REL_WEEK = r"(?:nästa|next|nxt|kommande|coming|upcoming|the\s+following|following|denna|detta|det\s+här|den\s+här|this|current|förra|last|past|previous|föregående|innevarande)"


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
    rf"\b(?:kl\.?|klockan|kl:)\s*(?:(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)|(?P<h>2[0-4]|[01]?\d)(?!\d)(?:[:.](?P<m>[0-5]\d))?)"
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


# "14h", "14h30", and the 24-hour "1400hrs", "14:00 hrs" ("1000 hrs" with a space and "1200h"
# are amounts of work, not times)
_RX_TIME_H = re.compile(
    r"(?<![\w.,:/+-])(?:(?P<h>[01]?\d|2[0-3])h(?P<m>[0-5]\d)?"
    r"|(?P<h4>[01]\d|2[0-3])(?:(?P<m4>[0-5]\d)|[:.](?P<m5>[0-5]\d)\s?)(?:hrs?|hours))\b"
    rf"{_ZONE}"
)


# "call back after 5", "ring efter 3", "ring tillbaka efter 15": a bare hour after
# "after"/"before" ends the clause, or a "so"/"then" opens the next one ("ring mig ikväll efter 19
# så tar vi dä")
_RX_TIME_AFTER_BARE = re.compile(
    r"\b(?:after|before|efter|före|fore|innan)\s+(?P<h>1\d|20|[1-9])"
    r"(?=\s*$|\s*[,;!?)]|\.(?!\d)|\s+[-\u2013\u2014]\s|\s+(?:så|sa|so|then|sen|då)\b)",
    re.MULTILINE,
)


_RX_TIME_AT = re.compile(
    r"(?:\b(?:at|around|approximately|about)|@)\s*(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d)|(?P<m2>[0-5]\d)|\s(?P<m3>[0-5]\d))?"
    rf"(?:\s*o'?clock)?{_ZONE}"
    r"(?=\s*$|\s*[,;!?)\u2013\u2014]|\.(?!\d)|\s+[-\u2013\u2014]\s|\s+(?:on|tomorrow|today|tonight|this|next|in\s+the|o'?clock|sharp|ish|"
    r"to\s+(?!\d)|for\s+(?!\d)|at\s+(?!\d)|with|w/|and\s+(?!\d)|so|re|about|"
    # ... or a verb or a word that says the time suits ("Mon 10/25 at 11 works")
    r"works?|suits?|is\s+(?:fine|good|ok|great|best)|should|would|will|then|if|but|or|ok|okay|sounds|"
    r"confirmed|booked|via|our|their|your|my|"
    r"mon|tue|wed|thu|fri|sat|sun|\w+day)\b)",
)


# "10-tiden", "2ish": about then ("2ish" where the clause ends, not "5ish units")
_RX_TIME_TIDEN = _c(
    r"\b(?P<h>[01]?\d|2[0-3])(?:-?tiden\b|-?ish\b(?=\s*$|\s*[,;.!?)\u2013\u2014-]|\s+(?:on|tomorrow|today|tonight|if|or|and|"
    r"works?|suits?|ok|is|then|at|with|w/)\b))"
)


_RX_TIME_SV_WORDS = _c(
    rf"\b(?:(?:kl\.?|klockan)\s+)?(?P<rel>halv|kvart\s+över|kvart\s+i|(?P<mn>\d{{1,2}}|fem|tio|tjugo|tjugofem)\s+(?P<dir>över|i))\s+"
    rf"(?P<h>[01]?\d|2[0-3]|{HOUR_WORDS_RE})\b{_ZONE}"
)


_RX_TIME_EN_WORDS = _c(
    rf"(?<![:.\d])\b(?P<rel>half\s+past|(?:a\s+)?quarter\s+(?:past|after|to|till|of)|(?P<mn>\d{{1,2}}|five|ten|twenty|twenty[- ]five)(?P<mins>\s+minutes?)?\s+(?P<dir>past|after|to|till|from))\s+"
    rf"(?P<h>[01]?\d|{HOUR_WORDS_RE}|noon|midnight)(?:\s*{_AMPM})?\b"
)


_RX_TIME_HALF_EN = _c(
    rf"\bhalf\s+(?P<h>{HOUR_WORDS_RE})\b|\bat\s+half\s+(?P<hd>1[0-2]|[1-9])\b(?!\s*(?:%|percent|per\b|of\b))"
)  # "half four"; with digits only after "at" ("at half 4", the UK's 4:30)


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


# (an hour spelled out before a day word is a count: "the first one tomorrow", "send two today")
_RX_TIME_BEFORE_PART = _c(  # (not a number: "veckorapport nr 1 idag em")
    rf"(?<!\bnr\s)(?<!\bnr\.\s)(?<!\bno\.\s)(?<!#)(?<!#\s)\b(?!(?:{HOUR_WORDS_RE})\s+(?:tomorrow|today|tonight|imorgon|idag|i\s+morgon|i\s?kväll)\b)"
    rf"(?P<h>[01]?\d|2[0-3]|{HOUR_WORDS_RE})(?:[:.](?P<m>[0-5]\d))?(?:\s*o'?clock)?(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night|"
    r"tonight|this\s+(?:morning|afternoon|evening)|på\s+(?:morgonen|förmiddagen|eftermiddagen|kvällen)|i\s?kväll|tomorrow|today|imorgon|idag|i\s+morgon)\b)"
)


_RX_TIME_RANGE_BARE = _c(
    r"\b(?:från|from|mellan|between)\s+(?:kl\.?\s*|klockan\s+)?(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?:-|–|till|to|och|and|until)\s*"
    r"(?:kl\.?\s*|klockan\s+)?(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\b(?!\s*(?:%|kr|sek|personer|people|users|st\b|år|years|dagar|days|veckor|weeks))"
)


_RX_NOON = _c(r"\b(?:12\s+)?(?:noon|midday|mid\s+day|midnight|the\s+midday)\b")  # "12 noon" too


# Dates.
# "2027-03-09", and the CRM export's "2027-03-09T10:00" (seconds and a zone are not kept)
_RX_ISO = re.compile(
    r"(?<![\w#/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt](?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)?)?(?![\w-]|[.:/]\d)"
)


_RX_NUM_Y = re.compile(
    r"(?<![\w#/.,:+-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\w/-]|[.,]\d)"
)


_RX_NUM_DM = re.compile(
    r"(?<![\w#/.,:+-])(?P<a>\d{1,2})\s?(?P<s>/|-)\s?(?P<b>\d{1,2})(?![\w/-]|[.,:]\d|\s*(?:%|of\b|av\b|delar|parts|h\b|hours?|timm|tim\b))",
)


# "9.3 kl 10", "tis 9.3.": a dotted day.month, taken only beside a weekday, "den" or a time
_RX_DOT_DM = re.compile(r"(?<![\w#/.,:+-])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.?(?![\w/%-]|[.,:]?\d)")


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
    rf"(?:\b(?:(?:på\s+)?den|(?:on\s+)?the|on)\s+(?P<d>{_DAYNUM}|(?P<ow>{ORDINAL_WORDS_RE}))(?P<suf>{_ORDSUF})?\b|(?P<d2>(?<![\w.,:/-])[0-3]?\d)(?P<suf2>st|nd|rd|th|:e|:a)\b)(?:\s+(?:of\s+(?:the\s+)?|i\s+)?(?P<rel>this|next|the\s+next|current|the\s+current|previous|the\s+previous|last|denna|nästa|förra)\s+(?:month|månad|månaden)"
    # ... or the letter writer's "inst." (instant: this month, "by 22nd inst.")
    r"|\s+(?P<inst>inst(?:ant)?)\b\.?)?"
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
    r"\b(?P<w>i\s?dag|today|tod|i\s?morgon|i\s?morrn|imorgn|imorn|imrn|imrgn|i\s?morn|tomorrows?|tmrw|tmr|i\s?över(?:i)?morgon|övermorgon|"
    r"(?:the\s+)?day\s+after\s+tomorrow|i\s?går|yesterday|i\s?förrgår|förrgår|(?:the\s+)?day\s+before\s+yesterday|"
    r"i\s?kväll|ikväll|tonight|tonite|i\s?eftermiddag|i\s?förmiddag|i\s+em|i\s+fm|i\s?morse|i\s?natt|"
    r"(?:this|today)\s+(?:morning|afternoon|evening)|last\s+night|under\s+(?:eftermiddagen|förmiddagen|dagen)|"
    r"later\s+today|senare\s+idag|senare\s+i\s?dag|(?:efter|före|innan|after|before)\s+lunch(?:en)?)\b(?:\s+(?P<bitti>bitti))?"
)


_RX_PART = _c(
    r"\b(?:(?:på|in\s+the|i|on\s+the|under|early\s+in\s+the)\s+)?(?:early\s+|late\s+|tidig\s+|sen\s+)?"
    r"(?P<p>förmiddagen|förmiddag|fm|f\.m\.|eftermiddagen|eftermiddag|em|e\.m\.|morgonen|morgon|morning|mornings|"
    r"afternoon|afternoonish|evening|kvällen|kväll|night|natten|lunch|lunchtid|lunchtime|lunchtiden|eod|cob|eop|"
    r"end\s+of\s+(?:the\s+)?(?:business\s+)?day|close\s+of\s+business|(?:end|close)\s+of\s+play|dagens\s+slut|bitti)\b"
)


# Weekdays.
_RX_WD = _c(
    rf"\b(?:(?P<mod>nästa|next|nxt|kommande|coming|this|denna|förra|last|past|previous|the\s+following)\s+)?(?P<wd>{_WD})"
    r"(?:\s+(?P<after>after\s+next|efter\s+nästa))?"
)


_RX_WD_PAST = _c(r"\bi\s+(?P<wd>måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)s\b")

# Phone-typed Swedish "to" (torsdag) and "fr" (fredag): only before a clock time or a part of
# the day ("ring to kl 10", "fr fm"), and "fr" also before "em" or where its clause ends
# ("besök Pajala fr"; not "fr." nor "fr.o.m.", "från"); anywhere else they are English "to"
# ("talk to em") and Swedish "fr(ån)"
_RX_WD_SHORT = _c(
    r"\b(?P<wd>to|fr)\b(?=\s+(?:kl\.?\s*\d|klockan\b|fm\b|förmiddag|eftermiddag))"
    r"|\b(?P<fr>fr)\b(?=\s+em\b|[ \t]*(?:[,;)\n]|$))"
)


# Weeks.
# "sent" is Swedish "late" ("sent nästa vecka"), not English "sent" ("quote sent last week")
_EARLY_LATE = r"(?:(?:early|late|later|tidigt|tidig|sent(?!\s+(?:last|next|this|coming|the)\b)|senare|mid)\s+(?:in\s+|i\s+)?)?"


_RX_WEEK_REL = _c(
    rf"\b{_EARLY_LATE}(?P<mod>{_REL_WEEK})\s+(?:(?:vecka|veckan|week|wk)\b|v\b\.?(?!\s*\d))(?:\s+(?P<after>after\s+next|efter\s+nästa|därpå|därefter))?"
    r"|\b(?:(?:the\s+)?week\s+after\s+next|veckan\s+efter\s+nästa|(?:the\s+)?week\s+after\s+the\s+next)\b"
    r"|\b(?P<iv>i\s+veckan|under\s+veckan|later\s+this\s+week|senare\s+i\s+veckan|all\s+week|rest\s+of\s+the\s+week)\b"
    # colloquial "till veckan" is next week (not "till veckan efter", "till veckan 49")
    r"|\b(?P<nv>till\s+veckan)\b(?!\s*(?:\d|efter|därpå|därefter|som|innan|före|dessförinnan))"
    # a phone-typed "nv" is "nästa vecka" (lower case only: "Reno, NV" is Nevada)
    r"|\b(?P<nvab>nv)\b(?![./-]?\d)"
)


# British "a week on Friday", "a week tomorrow", "a week today": seven days after that day
_RX_WEEK_AFTER_DAY = _c(
    rf"\b(?:a|one)\s+week\s+(?:(?:on|from)\s+(?:this\s+)?)?(?:(?P<wd>{_WD})|(?P<rel>tomorrow|today|tmrw))(?!\s+week)"
)


_RX_WEEKEND = _c(
    rf"\b(?:(?P<mod>{_REL_WEEK})\s+(?:helg|helgen|weekend|week-end|veckoslut|veckoslutet)|(?P<iv>i\s+helgen|över\s+helgen|till\s+helgen|i\s+veckoslutet|(?:at|on|over|during)\s+the\s+weekend)"
    r"|(?P<nx>efter\s+helgen|after\s+the\s+weekend))\b"
)


_RX_WEEKNUM = _c(
    r"(?:\b(?:v\.\s?|v\s|v(?=\d)|vecka\s|veckan\s|vecka\s?nr\.?\s?|week\s|wk\.?\s?|w\.?\s?|w(?=\d)|vnr\s?|kw\s?))"
    r"(?P<n>[0-5]?\d)\b(?:\s*[-–/]\s*(?:v\.?\s?)?\d{1,2}\b)?(?:[^\S\n]*(?:,[^\S\n]*)?(?P<y>(?:19|20)\d\d)\b(?![-/.]\d))?(?![.,]\d|\s*%)"
)


# A week number in words, as a dictated note has it ("vecka två", "vecka fyrtiotvå", "in week
# forty five", "week twenty-one"): tens and units, Swedish or English (not "vecka en", as in
# "varje vecka en gång")
_SV_UNITS = r"en|ett|två|tre|fyra|fem|sex|sju|åtta|nio"
_EN_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_RX_WEEKWORD = _c(
    r"\b(?:vecka|veckan|week)\s+(?P<w>"
    rf"(?:tjugo|trettio|fyrtio|femtio)(?:[\s-]?(?:{_SV_UNITS}))?|tio|elva|tolv|tretton|fjorton|femton|sexton|"
    rf"sjutton|arton|nitton|ett|två|tre|fyra|fem|sex|sju|åtta|nio"
    rf"|(?:twenty|thirty|forty|fifty)(?:[\s-](?:{_EN_UNITS}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    rf"sixteen|seventeen|eighteen|nineteen|(?:{_EN_UNITS}))\b"
)


_RX_WEEKOF = _c(
    r"\b(?:w/c|w\.c\.|wc|(?:week|wk)\s+commencing|week\s+beginning|(?:the\s+)?(?:week|wk)\s+of|veckan\s+(?:som\s+börjar|med|från))\b"
)


# Months / quarters / years.
_RX_MONTH_REL = _c(
    rf"\b{_EARLY_LATE}(?P<mod>{_REL_WEEK})\s+(?:månad|månaden|month|mån)\b|\b(?P<iv>i\s+månaden|senare\s+i\s+månaden|later\s+this\s+month)\b"
)


_RX_MONTH = _c(
    rf"\b(?:(?P<mod>nästa|next|nxt|förra|last|past|previous|this|denna|i|in|during|under|efter|after|by|until|senast|innan|före|before|from|från|till|tills|mid|early|late)[\s-]+)?"
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
    r"(?:(?:back|tail|fag)[\s-](?=end\b))?(?P<e>slutet|början|mitten|medlet|start|end|beginning|middle|mid|early|late|tidigt|tidig|sent)"
    r"(?:\s+(?:av|på|of|i|in)\b|-(?=[a-z]))\s*"
    r"(?:(?:the\s+)?(?P<noun>month|månaden|week|veckan|year|året|quarter|kvartalet)\b)?"
)


_RX_EO = _c(
    r"\b(?:the\s+)?(?P<a>eow|eom|eoy|eoq|bom|boy|månadsslut|månadsslutet|årsslut|årsslutet|veckoslut)\b"
)


# Relative offsets.
_RX_OFFSET = _c(
    rf"\b(?P<pre>om|in|inom|within|efter|after)\s+(?:(?:ca\.?|cirka|ungefär|about|around|approximately|roughly|just|only|bara)\s+)?"
    rf"(?P<n>{_NUM})\s*(?:(?:more|mer)\s+)?(?P<u>{_UNIT}|(?<=\d\s)v\b\.?(?!\s*\d))(?:\s+(?:till|mer|more|to\s+go|framåt|från\s+nu|from\s+now))?"
    r"(?P<vague>\s+(?:or\s+so|or\s+two|or\s+three|or\s+more|eller\s+så|eller\s+två|eller\s+tre|eller\s+mer)\b)?"
)


# A bare duration after a follow-up label ("Follow-up: 2 weeks", "f/u 3 wks", "ring om 2 v"
# is _RX_OFFSET's): the label is checked by the rule
_RX_LABEL_OFFSET = _c(
    r"(?<![\w/.,:-])(?P<n>\d{1,2})\s*(?P<u>weeks?|wks?|veckor|vecka|days?|dagar|months?|mths?|månader)\b"
    r"(?!\s*(?:ago|sedan|of\b|av\b|left|kvar|later|senare|old|gammal))"
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


# (not a "senast" that opens the next time expression: "i okt senast onsdag" is by Wednesday)
_RIGHT_DEADLINE = _ci(
    r"^(?:\s*,)?\s+(?:at\s+the\s+latest|som\s+senast|senast|latest)\b"
    r"(?![ \t]+(?:den\s+)?(?:\d|idag|imorgon|i\s+morgon|nästa\s|på\s|mån|tis|ons|tors|fre|lör|sön))"
)


_GAP = _ci(
    r"^[\s,]*(?:(?:kl\.?|klockan|at|@|om|på|on|den|the|i|in|of|from|från|för|for|runt|kring|around|ca\.?|about|mellan|between|"
    r"efter|after|före|innan|before|senast|by|until|helst|gärna|preferably|typ|ungefär|eller|or|vid|,|-|–)[\s,]*)*$"
)


_DIGIT = re.compile(r"\d")


# A note with none of these is skipped at once (its alternatives contain no groups).
_PRECHECK_SOURCE = (
    r"\d|dag\b|dags\b|day\b|lunch|tomorrow|today|tonight|yesterday|tmrw|fortnight|ago\b|hence|sedan|sekund|second|minut|timm|hour|nu\b|morgon|morgn|morrn|morn|imrn|imrgn|går|kväll|veck|week|wk|month|månad|år|year|yr\b|kvartal|quarter|qtr|"
    r"jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec|mån|tis|ons|tor|fre|lör|sön|mon|tue|wed|thu|fri|sat|sun|"
    r"tonight|tonite|noon|midnight|midday|halv|half|kvart|quarter|eod|eop|eow|eom|eoy|fram|tag|snart|kort|soon|later|"
    r"sommar|summer|höst|vår\b|spring|vinter|winter|autumn|fall|påsk|easter|christmas|xmas|new year|nyår|semester|"
    r"vacation|holiday|sportlov|skiftet|helg|weekend|asap|fjol|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|kl|@|valborg|halloween|bom|boy|boxing|"
    r"eftermiddag|förmiddag|\bq[1-4]|\bk[1-4]|some|line|road|track|later|senare|gång|gang|tillfälle|passar|suits|"
    "convenien|harvest|skörd|calving|lambing|silage|planting|sowing|kalvning|lamning|sådd|vårbruk|fair|mässa|show|expo|exhibit|conferen|convention|break|invent|stocktak|budget|"
    "bokslut|säsong|season|lov|future|framtid|närtid|lider|skede|sikt|thirty|forty|fifty|twenty|fifteen|"
    "have time|has time|har tid|vacation|leave|ledighet|arbetet|due course|somras|vintras|höstas|våras|days|shortly|"
    r"\bi\s+[ef]m\b|nästa\s+v\b|\bnv\b|\bfr\b|\bto\s+(?:kl|fm)|thanksgiving|black\s+(?:friday|week)|cyber\s+monday|"
    r"eofy|financial\s+year|peak\s+(?:period|time)|busy\s+(?:period|time)|bank\s+hol|public\s+hol|stoppet|shutdown|outage"
)


_PRECHECK = re.compile(sv(_PRECHECK_SOURCE), _I)

# The same question asked of the lower-cased note, with the alternatives grouped by first
# letter: 5 instead of 70 us for a 20-character note, 40 instead of 500 for 190 characters.
# Only a note with a character that case-insensitive matching treats as another letter, but
# lower-casing does not turn into it (Turkish dotted and dotless i, the long s), needs the
# case-insensitive _PRECHECK.
_PRECHECK_LOWER = re.compile(sv(by_first_letter(_PRECHECK_SOURCE)))
_CASE_ODD = re.compile("[\u0130\u0131\u017f]")


# Most notes pass, and this finds that sooner: the digit and plain-word alternatives,
# case-sensitive on the lower-cased note. A hit here is a hit of _PRECHECK; only a note
# without one is checked with _PRECHECK itself. It is only asked whether it finds anything,
# so its words are grouped by first letter (model.text.by_first_letter): 17 -> 3 us a note.
_PRECHECK_QUICK = re.compile(
    sv(
        by_first_letter(
            "|".join(a for a in _PRECHECK_SOURCE.split("|") if a == r"\d" or re.fullmatch("[a-zåäö@ ]+", a))
        )
    )
)
