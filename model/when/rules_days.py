"""The rules both languages share for clock times and days: each turns one pattern match into
an atom resolved against the reference date (clock times, ISO and numeric dates, day and
month names, nth weekdays, relative days, parts of the day, weekdays)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from model.when.lexicon import (
    FIXED_HOLIDAYS,
    MONTHS,
    NUMBER_WORDS,
    WEAK_WEEKDAYS,
    WEEKDAY_ABBR,
    WEEKDAY_FULL,
    fold,
    sv,
)
from model.when.patterns import _I, _PREP_WEAK_OK, _RANGE_DAY_NEXT, _WD, _Atom, _ci, _wordset
from model.when.resolve import (
    _add_months,
    _day_number,
    _looks_like_name,
    _monday,
    _month_index,
    _next_day_of_month,
    _next_dm,
    _next_weekday,
    _nth_weekday,
    _num,
    _prev_weekday,
    _prev_word,
    _rel_shift,
    _safe_date,
    _wd_index,
    _whole,
    _year2,
)


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


def _r_time_hm(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    # "4.5k", "2.30 kr" are filtered by the pattern; "v2.30", "version 4.10" here.
    if m.group("sep") == "." and not m.group("ap"):
        before = text[max(0, m.start() - 10) : m.start()]
        if _VERSION_BEFORE.search(before):
            return None
        if _dotted_date(text, m.start(), m.end(), before):
            return None  # "until 20.03. to Herr Maier": a day and a month
    return _time_atom(m, int(h), int(m.group("m")), m.group("ap"), len(h) == 2)


def _r_time_h(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h, mi = m.group("h") or m.group("h4"), m.group("m") or m.group("m4") or m.group("m5")
    return _time_atom(m, int(h), int(mi or 0), None, True)


def _r_time_at(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    g = m.groupdict()
    mi = g.get("m") or g.get("m2") or g.get("m3") or 0
    return _time_atom(m, int(h), int(mi), None, len(h) == 2)


def _r_time_before_part(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = _hour_word(m.group("h"))
    if not 0 <= h <= 23:
        return None
    return _time_atom(m, h, int(m.group("m") or 0), None, len(m.group("h")) == 2 and m.group("h").isdigit())


def _r_lunch_time(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = m.group("h")
    return _time_atom(m, int(h), int(m.group("m") or 0), None, False)


def _r_iso(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    d = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if d is None:
        return None
    if m.group("hh"):
        return _Atom(m.start(), m.end(), "dt", d=d, hm=(int(m.group("hh")), int(m.group("mm"))))
    return _Atom(m.start(), m.end(), "date", d=d)


def _dm_or_md(a: int, b: int) -> tuple[int, int] | None:
    """Day/month, or month/day when day/month cannot be a date."""
    if 1 <= a <= 31 and 1 <= b <= 12:
        return a, b
    if 1 <= b <= 31 and 1 <= a <= 12:
        return b, a
    return None


def _slash_reading(a: int, b: int) -> str:
    """How a slash date "a/b" can be read: "md" (only month/day, "11/28"), "dm" (only
    day/month, "28/11") or "both" ("3/4")."""
    if a <= 12 < b:
        return "md"
    if b <= 12 < a:
        return "dm"
    return "both" if a != b else ""


def _r_num_y(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    a, b = int(m.group("a")), int(m.group("b"))
    dm = _dm_or_md(a, b)
    if dm is None:
        return None
    ys = m.group("y")
    y = int(ys) if len(ys) == 4 else _year2(int(ys), ref)
    d = _safe_date(y, dm[1], dm[0])
    if not d:
        return None
    at = _Atom(m.start(), m.end(), "date", d=d)
    if m.group("s") == "/":
        at.extra["reading"] = _slash_reading(a, b)
    return at


_DATE_CONTEXT_BEFORE = _ci(
    rf"(?:\b(?:den|on|the|på|senast|by|until|tills|innan|före|before|från|from|datum|date|mötet|möte|due|efter|after|"
    rf"ring|ringer|call|demo|möte|meeting|ses|träffas|traffas|besök|besok|besöker|besoker|visit)|{_WD})\s*[,:]?\s*$"
)
# ... or a part of the day after it ("2/3 em"): a date, not a fraction
_PART_AFTER = _ci(
    r"^\s*,?\s*(?:fm|em|förmiddag|formiddag|eftermiddag|morning|afternoon|evening|kväll|kvall)\b"
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
        if a < b <= 4 and not context and not _PART_AFTER.match(after):
            return None  # fractions: "3/4 of the units", "1/2"
        if (a, b) == (50, 50) or (a, b) == (24, 7) and not _WD_JUST_BEFORE.search(before):
            return None  # "50/50", "open 24/7"; but "Thu 24/7" is a date
        dm = _dm_or_md(a, b)
    if dm is None:
        return None
    d = _next_dm(ref, dm[1], dm[0])
    if d is None:
        return None
    at = _Atom(m.start(), m.end(), "date", d=d, yearless=True, day=dm[0], n=dm[1])
    if m.group("s") == "/":  # month/day may be the writer's: see read_month_day, _date_with_weekday
        at.extra["reading"] = _slash_reading(a, b)
    return at


_DOT_DATE_BEFORE = _ci(
    rf"(?:\b(?:den|datum|date|on\s+the|senast|innan|före|fore|t\.?o\.?m\.?|deadline|until|due)|{_WD})\s*[,:]?\s*$"
)
_DOT_TIME_AFTER = _ci(r"^\s*,?\s*(?:kl\.?\s*\d|klockan|at\s+\d|@|\d{1,2}[:.]\d\d\b|\d{1,2}\s*(?:am|pm)\b)")


# A version or a number ("release 6.3.", "v4.2.", "nr 2.1"): no time, no date
_VERSION_BEFORE = _ci(r"(?:\bv|version|ver\.?|release|nr|#)\s*$")
# ... nor a figure compared ("up from 3.9.", "4.2/5"), nor a clock time ("kl 14.30.")
_FIGURE_BEFORE = _ci(r"(?:\b(?:from|to|från|till|of|av|at|kl|klockan)|[/+*x=<>~≈]|\d)\s*$")


def _dotted_date(text: str, start: int, end: int, before: str) -> bool:
    """Whether ``text[start:end]`` is a day and a month closed by a dot, as German and
    Finland-Swedish writers date ("senast 26.2.", "until 7.11., so ...", "[Call] 29.12."): the
    two numbers are a day and a month, a dot follows with no digit after it, and no version or
    figure stands before them."""
    if not text.startswith(".", end) or text[end + 1 : end + 2].isdigit():
        return False
    day, _, month = text[start:end].partition(".")
    return (
        day.isdigit()
        and month.isdigit()
        and 1 <= int(day) <= 31
        and 1 <= int(month) <= 12
        and not _VERSION_BEFORE.search(before)
        and not _FIGURE_BEFORE.search(before)
    )


def _r_dot_dm(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    """A dotted day.month ("Ons 9.3 kl 10"): a decimal number unless a weekday, "den" or a
    clock time stands beside it, or a dot closes it (:func:`_dotted_date`)."""
    a, b = int(m.group("a")), int(m.group("b"))
    if not (1 <= a <= 31 and 1 <= b <= 12):
        return None
    before = text[max(0, m.start() - 25) : m.start()]
    if not (
        _DOT_DATE_BEFORE.search(before)
        or _DOT_TIME_AFTER.match(text[m.end() : m.end() + 20])
        or _dotted_date(text, m.start("a"), m.end("b"), before)
    ):
        return None
    d = _next_dm(ref, b, a)
    return _Atom(m.start(), m.end(), "date", d=d, yearless=True, day=a, n=b) if d else None


def read_month_day(atoms: list[_Atom], ref: date) -> None:
    """Read a note's ambiguous slash dates month/day when the writer's own dates show that
    convention: some can only be month/day ("Last contact 11/28") and none only day/month.
    The SPEC's day/month reading is impossible for such a writer."""
    readings = {at.extra.get("reading") for at in atoms if at.extra}
    if "md" not in readings or "dm" in readings or "both" not in readings:
        return
    for at in atoms:
        if at.extra.get("reading") != "both" or at.d is None:
            continue
        if at.yearless:
            md = _next_dm(ref, at.day, at.n)
            if md is not None:
                at.d, at.day, at.n = md, at.n, at.day
        else:
            swapped = _safe_date(at.d.year, at.d.day, at.d.month)
            if swapped is not None:
                at.d = swapped


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


# A person's workplace after their first name: "Jan at Nordkust", "Jan @ Acme", "Maj på Veab",
# "Jan (Acme)"
_AFFILIATION = re.compile(r"\s*(?:@\s*[A-Za-z]|\(|(?:at|på|from|från|hos)\s+[A-ZÅÄÖ])")
# (not after a word that takes a month: "meeting in Jan at Acme's office")
_MONTH_PREPOSITIONS = frozenset(
    [
        "in",
        "i",
        "by",
        "until",
        "before",
        "after",
        "during",
        "of",
        "av",
        "early",
        "late",
        "mid",
        "end",
        "since",
        "sedan",
        "innan",
        "fore",
        "efter",
        "under",
        "slutet",
        "borjan",
        "mitten",
        "medlet",
    ]
)


def first_name_at_work(text: str, m: re.Match[str]) -> bool:
    """A bare capitalized month that is a first name before its bearer's workplace."""
    start = m.start("mon")
    word = text[start : m.end("mon")].rstrip(". ")
    return (
        fold(word) in ("jan", "may", "maj")
        and word[:1].isupper()
        and _AFFILIATION.match(text, start + len(word)) is not None
        and _prev_word(text, start) not in _MONTH_PREPOSITIONS
    )


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


# Things reps count ("2nd visit", "3rd call attempt", "2:a mötet")
_COUNTED = _ci(
    r"\s+(?:visit|meeting|mtg|call|attempt|try|demo|round|time|quote|version|option|offer|reminder|"
    r"chance|stage|phase|order|floor|site|contact|follow[- ]?up|email|letter|"
    r"besök(?:et)?|mötet?|samtal(?:et)?|försök(?:et)?|gången?|offert(?:en)?|omgången?|demon?|påminnelse(?:n)?|"
    r"våningen?|kontakt(?:en)?|uppföljning(?:en)?)s?\b"
)


# A bare ordinal ("2nd") before a lower-case word that does not go with a date
_ORDINAL_BEFORE_NOUN = re.compile(
    r"[ \t]+(?!(?:at|kl|am|pm|a\.m|p\.m|of|or|and|och|by|till|until|for|to|in|on|om|ang|re|with|w|med|"
    r"then|sen|so|as|if|after|before|efter|före|innan|morning|afternoon|evening|fm|em|latest|senast|"
    r"ok|is|we|i|he|she|they|works|would|could|eod|cob|eop|noon|lunch|between|mellan|from|från|around|kring|ca|about|"
    r"regarding|concerning|angående|angaende|please|instead|too)\b)"
    r"[a-zåäö]{2,}"
)


_DAY_OR_MONTH = re.compile(sv(rf"(?:{WEEKDAY_FULL}|{WEEKDAY_ABBR})s?|{MONTHS}"), _I)


def _month_named(m: re.Match[str]) -> int | None:
    """The months from the note's to the one a day names after it ("the 5th of next month": 1,
    "22nd inst.": 0); None when it names none."""
    if m.group("rel"):
        return _rel_shift(m.group("rel").replace("the ", "")) or 0
    return 0 if m.group("inst") else None


def _day_in_month(m: re.Match[str], ref: date, day: int, shift: int) -> _Atom | None:
    y, mo = _add_months(ref.year, ref.month, shift)
    dd = _safe_date(y, mo, day)
    return _Atom(m.start(), m.end(), "date", d=dd) if dd else None


def _r_day_only(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    shift = _month_named(m)
    if m.group("d2") and shift is not None:
        return _day_in_month(m, ref, int(m.group("d2")), shift)
    if (m.group("d2") or m.group("suf")) and _COUNTED.match(text, m.end()):
        return None  # "2nd visit", "3:e försöket": an ordinal, not a day of the month
    if (
        (m.group("d2") or (m.group("suf") and m.group().lower().startswith(("the ", "den "))))
        and _ORDINAL_BEFORE_NOUN.match(text, m.end())
        and not _DAY_OR_MONTH.fullmatch(_prev_word(text, m.start()))
    ):
        return None  # "re 2nd tranche", "w/ the 2nd unit added": an ordinal before its noun
    if m.group("d2"):
        dd = _next_day_of_month(ref, int(m.group("d2")))
        if dd is None:
            return None
        return _Atom(m.start(), m.end(), "date", d=dd, yearless=True, dayonly=True, day=int(m.group("d2")))
    d = _day_number(m.group("d"))
    if not 1 <= d <= 31:
        return None
    if shift is not None:
        return _day_in_month(m, ref, d, shift)
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
    "imorgn": 1,
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
    if p in ("eod", "cob", "eop", "dagens slut") or p.startswith(("end of", "close of")):
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


# Short weekdays as reps write them on their own ("ring mån ang. avtalet", "ring Jenny ons om
# kaffet", "call back Mon", "Call Fri to collect", "by Weds."). "mån" and "ons" in any case,
# except in "i mån av", "i viss mån", "add-ons"; the English forms that are also words or
# names only capitalized, and not before a capitalized word ("Sun Microsystems") or, for
# "Fri", a Swedish noun ("Fri frakt").
_CLAUSE_END = re.compile(r"[ \t]*(?:[,;:!?)\]]|\.(?!\w)|\n|$)")
_MAN_AS_NOUN_BEFORE = frozenset({"i", "viss", "den", "större", "storre", "mindre", "samma"})
_MAN_AS_NOUN_AFTER = re.compile(r"\s+(?:av|som)\b", _I)
_CAPITALIZED_NEXT = re.compile(r"[ \t]+[A-ZÅÄÖ]")
_FRI_NOUN_AFTER = re.compile(
    r"\s+(?:frakt|leverans|installation|tillgång|tillgang|entré|entre|parkering|retur|tid|vecka|montering)",
    _I,
)
_SHORT_DAY_CAPITALIZED = frozenset({"Mon", "Wed", "Weds", "Fri", "Sat", "Sun"})
# ... and in lower case right after a call back, ending its clause ("#callback mon - Dr. Haskins
# wants ...", "call back fri")
_SHORT_DAY_LOWER = frozenset({"mon", "wed", "weds", "fri"})
_CALLBACK_BEFORE = re.compile(r"(?i)\b(?:callback|call[ \t]+back|call-back)[ \t]+$")
_DASH_AFTER = re.compile(r"[ \t]+[-–]")


def _short_day_alone(text: str, start: int, raw: str) -> bool:
    """True when a short weekday form that is also a word reads as a day here."""
    end = start + len(raw)
    low = raw.lower()
    if low == "ons":
        return text[max(0, start - 1) : start] != "-"
    if low == "mån":
        if _MAN_AS_NOUN_AFTER.match(text, end):
            return False
        before = _prev_word(text, start)
        if before == "den":  # "i den mån" is "insofar", "skickar den mån" is "send it Monday"
            before = _prev_word(text, len(text[:start].rstrip()) - 3)
        return before not in _MAN_AS_NOUN_BEFORE
    if raw in _SHORT_DAY_LOWER and _CALLBACK_BEFORE.search(text, max(0, start - 12), start):
        return _CLAUSE_END.match(text, end) is not None or _DASH_AFTER.match(text, end) is not None
    if raw in _SHORT_DAY_CAPITALIZED:
        if _CLAUSE_END.match(text, end):
            return True
        return not (_CAPITALIZED_NEXT.match(text, end) or raw == "Fri" and _FRI_NOUN_AFTER.match(text, end))
    return False


_CLOCK_BEFORE = re.compile(r"(?i)(?:\bkl\.?\s*\d{1,2}|\d[:.]\d\d)\s*$")


def _weak_wd_ok(text: str, m: re.Match[str], wd_word: str) -> bool:
    f = fold(wd_word.strip(". "))
    if f not in WEAK_WEEKDAYS:
        return True
    start = m.start("wd")
    if (
        f == "man"
        and not m.group("mod")
        and re.search(r"\d\s*$", text[max(0, start - 4) : start])
        and not _CLOCK_BEFORE.search(text, max(0, start - 12), start)
    ):
        return False  # "2 mån gratis", "6 mån uppsägning": months, not a Monday ("kl 10 mån" is)
    raw = text[start : start + len(wd_word.rstrip(". "))]  # as written: the match is on lower case
    if _short_day_alone(text, start, raw):
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
                rf"\s*[,.]?\s*(?:\d|kl\b|klockan|at\s+\d|@|den\s+\d|the\s+\d|{MONTHS}|fm\b|em\b|am\b|pm\b|a\.m|p\.m|förmiddag|eftermiddag|morgon|kväll|lunch|morning|afternoon|evening|"
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
