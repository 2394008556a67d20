"""Swedish-only rules: "kl 14", "14-tiden", "halv tre", "kvart över nio", "i tisdags",
Swedish seasons, holidays and vague phrases."""

from __future__ import annotations

import re
from datetime import date

from model.when.lexicon import (
    fold,
)
from model.when.patterns import _Atom
from model.when.resolve import _next_weekday, _prev_weekday, _wd_index
from model.when.rules_days import _hour_word, _time_atom
from model.when.rules_periods import _r_fuzzy


def _r_time_kl(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    if m.group("hh"):  # "kl 1430"
        return _time_atom(m, int(m.group("hh")), int(m.group("mm")), m.group("ap"), True)
    h = m.group("h")
    return _time_atom(m, int(h), int(m.group("m") or 0), m.group("ap"), len(h) == 2)


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


def _r_wd_past(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    wd = _wd_index(m.group("wd"))
    return _Atom(m.start(), m.end(), "date", d=_prev_weekday(ref, wd), wd=wd, past=True)


def _r_wd_short(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    """ "to" (torsdag) and "fr" (fredag) as a phone-typed weekday: the next one (written in
    lower case: "DE/FR" names languages)."""
    word = m.group("wd") or m.group("fr")
    if text[m.start() : m.end()] != word:
        return None
    wd = 3 if word == "to" else 4
    return _Atom(m.start(), m.end(), "wd", d=_next_weekday(ref, wd), wd=wd, wd_mode="")


def _r_fuzzy_sv_season(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


def _r_fuzzy_sv_event(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)


def _r_fuzzy_sv_words(text: str, m: re.Match[str], ref: date) -> _Atom | None:
    return _r_fuzzy(text, m, ref)
