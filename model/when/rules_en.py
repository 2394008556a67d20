"""English-only rules: "2pm", "quarter past nine", "ten thirty", "noon", English events
and seasons."""

from __future__ import annotations

import re
from datetime import date

from model.when.lexicon import (
    NUMBER_WORDS,
    fold,
)
from model.when.patterns import _I, _WD, _Atom, _ci
from model.when.rules_days import _clock, _hour_word, _time_atom
from model.when.rules_periods import _r_fuzzy

# Where "10a" / "2p" is a clock time: after "at"/"@", a time preposition, a weekday or a
# numeric date ("after 5p", "Tue 2p", "12/9 10a"); alone it may be a flat or a grade ("4a")
_SHORT_AMPM_AFTER = _ci(
    rf"(?:\b(?:at|after|before|by|around|until|til|till|from)|@|\b\d{{1,2}}/\d{{1,2}}|(?<!\w){_WD}),?\s*$"
)


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
        if not m.group("m") and not _SHORT_AMPM_AFTER.search(text, max(0, m.start() - 16), m.start()):
            return None
    if h == 0 or h > 12:
        return None
    return _time_atom(m, h, mi, ap, False)


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
    h = int(m.group("hd")) if m.group("hd") else _hour_word(m.group("h"))
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


def _r_noon(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    h = 0 if "night" in m.group(0).lower() else 12
    return _Atom(m.start(), m.end(), "time", hm=(h, 0), padded=True, has_time=True)


def _r_fuzzy_en_event(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)
