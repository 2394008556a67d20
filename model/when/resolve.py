"""Resolution against the reference date: calendar arithmetic (next day-month, ISO weeks,
next weekday, month offsets) and small text checks the rules share."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from model.when.lexicon import (
    MONTH_INDEX,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    WEEKDAY_INDEX,
    fold,
)
from model.when.patterns import _NAME_PRECEDERS


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
    if f in ("nasta", "next", "nxt", "kommande", "coming", "upcoming", "the following", "following"):
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
