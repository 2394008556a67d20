"""Output: each merged atom widened over its preposition or marker ("på", "senast", "by"),
which also sets ``deadline``, and turned into a TimeMention."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from model.text import SENDING_VERBS
from model.when.lexicon import (
    WEEKDAY_ABBR,
    fold,
)
from model.when.mention import TimeMention
from model.when.merge import _final_time
from model.when.patterns import _DEADLINE_START, _RIGHT_DEADLINE, _Atom, _wordset

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


# Verbs whose particle is "in" ("check in", "drop in"): the "in" stays with the verb.
_IN_VERBS = frozenset(
    ["check", "checking", "drop", "pop", "swing", "stop", "log", "sign", "phone", "dial", "pencil", "pencilled",
     "penciled", "kommer", "komma", "kom", "titta", "tittar", "hoppa", "hoppar"]
)  # fmt: skip


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
            if w1 == "in" and i + 1 < len(words) and words[i + 1][1] in _IN_VERBS:
                break  # the verb's particle: "check in next month", "drop in on Friday"
            new, i = words[i][0], i + 1
        else:
            break
        if w1 in _DEADLINE_WORDS or w2 in _DEADLINE_PHRASES or w3 in _DEADLINE_PHRASES:
            break  # a deadline marker is the outermost word
    return new


# "the day after 6/5", "dagen före 12/3": a day next to a named date
_DAY_SHIFT = re.compile(
    r"(?:\b(?:the\s+)?day\s+(after|before)|\bdagen\s+(efter|före|innan))\s+$", re.IGNORECASE
)


def _shift_day(at: _Atom, text: str) -> None:
    """Take a "day after/before" in front of a date into the atom, one day later or earlier."""
    m = _DAY_SHIFT.search(text, max(0, at.start - 22), at.start)
    if m is None or at.d is None:
        return
    at.d += timedelta(days=1 if (m.group(1) or m.group(2)).lower() in ("after", "efter") else -1)
    at.start = m.start()


# Verbs of something done: a date right after one on its line is a record ("Offert skickad 24/2")
_RECORD_VERBS = _wordset(
    "sent skickad skickade skickat had met träffade ringde called spoke visited delivered levererad "
    "levererades levererat signed signerad signerades received mottagen mottogs held hölls installed "
    "installerad invoiced fakturerad fakturerades done klar klart genomförd genomfört"
)


def _line_words_before(text: str, start: int, width: int) -> list[str]:
    """The words in the ``width`` characters before ``start``, on its line."""
    return text[max(0, start - width) : start].rsplit("\n", 1)[-1].split()


def _after_record_verb(text: str, start: int) -> bool:
    """Whether the word before ``start`` on its line (past an "on"/"den"/"the") is a verb of
    something done."""
    words = _line_words_before(text, start, 25)
    if words and words[-1].lower() in ("on", "den", "the"):
        words.pop()
    return bool(words) and words[-1].lower() in _RECORD_VERBS


def _after_since(text: str, start: int, kind: str) -> bool:
    """Whether the word before ``start`` on its line is "since", or "sedan" before a month,
    quarter or year (not after a comma, where it is "then"): a time since which something
    holds is behind the writer ("panels running since Oct", "kund sedan i mars")."""
    words = _line_words_before(text, start, 12)
    if not words:
        return False
    last = words[-1].lower()
    if last == "since":
        return True
    return (
        last == "sedan"
        and kind in ("month", "quarter", "year")
        and not (len(words) > 1 and words[-2].endswith(","))
    )


def _just_passed(at: _Atom, ref: date) -> bool:
    """A day and month with no year that fell in the last two weeks ("12/6" written on 15
    June): the SPEC resolves it to next year's, but the writer looks back at it."""
    if not at.yearless or at.dayonly or at.d is None or at.kind != "date":
        return False
    try:
        before = at.d.replace(year=at.d.year - 1)
    except ValueError:  # 29 February
        return False
    return 0 < (ref - before).days <= 14


# A sending verb, whose "den"/"det" after it is its object, not a date's article ("skickar den
# imorgon", "Skickar den mån 8/12": every annotated when after one leaves the pronoun out)
_SENDING = frozenset(SENDING_VERBS)
_OBJECT_THEN_DATE = re.compile(r"(?i)(?:den|det)[ \t]+")


def _without_sent_object(text: str, start: int) -> int:
    """``start`` moved past a "den"/"det" that is a sending verb's object."""
    m = _OBJECT_THEN_DATE.match(text, start)
    if m is None:
        return start
    words = _line_words_before(text, start, 12)
    return m.end() if words and words[-1].lower() in _SENDING else start


def _to_mention(at: _Atom, text: str, ref: date) -> TimeMention | None:
    if at.kind in ("date", "dt", "wd") and at.start > 8 and text[at.start - 1] == " ":
        _shift_day(at, text)
    start, end = at.start, at.end
    # widen over prepositions / deadline markers on the left
    start = _without_sent_object(text, _widen_left(text, start))
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
        gran, value = "week", f"{iso.year:04d}-W{iso.week:02d}"
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
    past = past or period_end < ref or _just_passed(at, ref) or _after_since(text, start, kind)
    if not past and not deadline and kind in ("date", "dt", "wd") and period_end > ref:
        # "Offert skickad 24/2", "quote sent 9 Aug", "done 18/11": a record of what was done,
        # whose date the rules resolved to the next occurrence
        past = _after_record_verb(text, start)
    return TimeMention(start, end, text[start:end], gran, value, has_time, past, deadline)
