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
(month/day only when day/month is impossible: "2/15"; a weekday beside the date that fits
month/day sooner, "Thu 12/10"; or a writer whose other slash dates can only be month/day,
"Last contact: 11/28"); a weekday alone is its
next occurrence strictly after the reference date; "nästa/next" + weekday is that
weekday in the next ISO week; hours 1-7 without am/pm are afternoon; no time-zone
conversion; parts of the day are not clock times.
"""

from __future__ import annotations

from datetime import date, datetime

from model.when.mention import TimeMention
from model.when.merge import _merge, anchor_clock_times
from model.when.patterns import _CASE_ODD, _DIGIT, _PRECHECK, _PRECHECK_LOWER, _PRECHECK_QUICK, _Atom
from model.when.prescan import _ALL_RULES, _rule_matches
from model.when.rules import _RULES
from model.when.rules_days import read_month_day
from model.when.widen import _to_mention

__all__ = ["TimeMention", "find_times"]


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
    if (
        digit is None
        and not _PRECHECK_QUICK.search(low)
        and not _PRECHECK_LOWER.search(low)
        and not (_CASE_ODD.search(text) and _PRECHECK.search(text))
    ):
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
        if at is not None and (at.end > at.start or i >= n_plain) and "\n" not in text[at.start : at.end]:
            cands.append(at)  # a time expression never runs over a line break
    if not cands:
        return []
    read_month_day(cands, ref_date)
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
    merged = anchor_clock_times(_merge(_merge(taken, text, ref_date, 0), text, ref_date, 1), text, ref_date)
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
