"""A journal's past entries: lines that open with a day label before the note's day.

A rep's diary labels each entry with its day ("Mon: ...", "Tis 3/3 - ...", "31/3 - ...",
"Tues 14th: ...", a log's stamp "2026-11-18 Besök ..."), and the note is saved on the last
entry's day or later. What an entry before the note's day says happened is a record ("Wed: follow-up call, happy", "Thu - lunch &
learn at Dr. Ibarra's, good energy"), unless the entry itself looks ahead: a date still to
come on its line, or a word that plans, promises or asks ("will", "ska", "wants", "booked",
"nästa", "tomorrow"). A day the entry names from its own day ("Mon: said I'd send it by Weds")
is read from that day: a promise whose day has passed by the note's is no longer ahead. The step
choice drops candidates in such entries.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from model.text import fold
from model.when import TimeMention
from model.when.lexicon import WEEKDAY_ABBR, WEEKDAY_FULL, WEEKDAY_INDEX, sv

Span = tuple[int, int]

_LABEL_END = re.compile(r"[ \t]*(?::|[-–][ \t])")
# What joins the two weekdays of a range label ("Wed-Thu", "Tis – tors", "Mon/Tue", "Mon & Tue")
_RANGE_JOIN = re.compile(r"[ \t]*[-–/&+][ \t]*")
# A log line's numeric date stamp, perhaps with its time ("2026-11-18", "12/05 14:00")
_STAMP = re.compile(r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?:[ T]\d{1,2}[:.]\d{2})?")
_BULLETS = " \t-*•"
# A label that is a weekday alone ("Mon", "tis", "Thurs."), as the date layer spells them
_WEEKDAY = re.compile(sv(rf"(?:{WEEKDAY_FULL}|{WEEKDAY_ABBR})\.?"), re.IGNORECASE)
# What looks ahead within an entry (folded)
_AHEAD = re.compile(
    r"\b(?:will|ll|ska|skall|kommer att|going to|gonna|want\w*|vill|asked|asks|bad om|ber om|book\w*|"
    r"bokat|bokade|bokar|pencil\w*|plan\w*|agreed|overens|promised|lovade|lovat|need\w* to|maste|"
    r"next|nasta|tomorrow|tmrw|imorgon|to (?:send|call|ring|book|visit|meet|come|do|follow|get|go)|"
    r"until|tills|await\w*|waiting|vantar|invite\w*|inbjud\w*|remind\w*|pamin\w*|chase|jaga|"
    # Swedish present tense tells what is to come ("han återkommer", "ringer mig när ...")
    r"ringer|aterkommer|hor av|hors|horas|kommer|skickar|mejlar|mailar|ses|traffas|visar|"
    r"get\w* back|come\w* back|revert\w*|let (?:us|me) know|in touch)\b"
)


def _label(text: str, line_start: int, mentions: list[TimeMention]) -> tuple[TimeMention, ...]:
    """The time mentions that label the line (at its start, after any bullet, then a colon or a
    dash): one, or the two weekdays of a range ("Wed-Thu: ...", "Tis–tors - ..."); none when
    the line has no label."""
    pos = line_start
    while pos < len(text) and text[pos] in _BULLETS:
        pos += 1
    for k, m in enumerate(mentions):
        if m.start == pos:
            join = _RANGE_JOIN.match(text, m.end)
            if join is not None and k + 1 < len(mentions):
                last = mentions[k + 1]
                if (
                    last.start == join.end()
                    and _LABEL_END.match(text, last.end)
                    and _WEEKDAY.fullmatch(m.text)
                    and _WEEKDAY.fullmatch(last.text)
                ):
                    return (m, last)  # "Wed-Thu: workshop audit", "Mon/Tue - Cleveland"
            if _LABEL_END.match(text, m.end) or (
                _STAMP.fullmatch(m.text) and text[m.end : m.end + 1] in (" ", "\t")
            ):
                return (m,)  # "Tis 3/3 - ...", or a log's date stamp ("2026-11-18 Besök ...")
            return ()
        if m.start > pos:
            break
    return ()


def _label_is_past(label: TimeMention, note_date: date) -> bool:
    """Whether a day label names a day before the note's: a past date, a yearless date the date
    layer rolled on to next year, or a weekday alone earlier in the note's week."""
    if label.past:
        return True
    if label.granularity not in ("date", "datetime") or label.value is None:
        return False
    day = date.fromisoformat(label.value[:10])
    if day < note_date or day - note_date > timedelta(days=300):
        return True
    if _WEEKDAY.fullmatch(label.text):  # "Mon" is the next Monday to the date layer
        return WEEKDAY_INDEX.get(fold(label.text)[:3], 7) < note_date.weekday()
    return False


_SENTENCE_BREAK = re.compile(r"[.!?;](?=\s)")


def in_past_entry(text: str, span: Span, mentions: list[TimeMention], note_date: date) -> bool:
    """Whether ``span`` is in a journal entry labelled with a day before the note's that does
    not look ahead."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[0])
    line_end = len(text) if line_end < 0 else line_end
    labels = _label(text, line_start, mentions)
    if not labels:
        return False
    # what looks ahead is read in the candidate's own sentence of the entry ("Tis: Möte m
    # Söderslätts, ramavtal diskuterat. De återkommer när ...": the meeting was had)
    left = max(
        (m.end() for m in _SENTENCE_BREAK.finditer(text, labels[-1].end, span[0])), default=labels[-1].end
    )
    stop = _SENTENCE_BREAK.search(text, span[1], line_end)
    return _past_entry(
        text, line_start, line_end, labels, mentions, note_date, (left, stop.start() if stop else line_end)
    )


def _past_entry(
    text: str,
    line_start: int,
    line_end: int,
    labels: tuple[TimeMention, ...],
    mentions: list[TimeMention],
    note_date: date,
    window: Span | None = None,
) -> bool:
    """Whether the line ``text[line_start:line_end]``, labelled by ``labels``, is an entry of a
    day before the note's that does not look ahead (in ``window`` of it, when given)."""
    if not labels or not _label_is_past(labels[0], note_date):
        return False  # (a range's first day decides: "Thu-Fri:" on a Friday is this week's)
    label = labels[0]
    day = _label_day(label, note_date)
    relative = []  # the entry's own "by Weds", "imorgon": said on the entry's day
    left, right = window or (line_start, line_end)
    for m in mentions:
        if left <= m.start < right and m is not label and m is not labels[-1] and not m.past:
            if m.granularity not in ("date", "datetime") or m.value is None:
                return False  # "v.12", "i maj", "after the holidays": ahead
            if day is not None and (then := _from_entry_day(m.text, day)) is not None:
                relative.append(then)
            elif m.value[:10] >= note_date.isoformat():
                return False  # a date still to come on the line
    if relative:
        # "Mon: said I'd send it by Weds" in a diary saved on Friday: that day has passed
        return max(relative) < note_date
    return _AHEAD.search(fold(text[max(left, labels[-1].end) : right])) is None


def past_entry_label(text: str, mention: TimeMention, mentions: list[TimeMention], note_date: date) -> bool:
    """Whether ``mention`` labels a past entry (:func:`in_past_entry`) that has words after its
    label: a day gone by ("Wed-Thu: workshop audit, all fine" in a diary saved on Friday),
    which the date layer reads as the next such day; never the step's when. (A label alone on
    its line, "Mon:" over a list of calls, may head the coming week's plan.)"""
    line_start = text.rfind("\n", 0, mention.start) + 1
    labels = _label(text, line_start, mentions)
    if all(mention is not m for m in labels):
        return False
    line_end = text.find("\n", mention.end)
    line_end = len(text) if line_end < 0 else line_end
    if not text[labels[-1].end : line_end].strip(" \t:-–"):
        return False
    return _past_entry(text, line_start, line_end, labels, mentions, note_date)


# What follows a line's opening day to its label's colon: a word or two ("Sun catch-up:")
_TO_LABEL_COLON = re.compile(r"[^\n:]{0,15}:")


def todays_label(text: str, mention: TimeMention, note_date: date) -> bool:
    """Whether ``mention`` is a weekday opening its line as a label ("Fri: sent Stian the
    pricing", "Sun catch-up: touch base w/ Niall") that names the note's own weekday: the
    entry of the day the note is written, which the date layer reads as a week ahead; never
    the step's when (none of the 234 annotated labels of this kind is)."""
    if mention.granularity != "date" or mention.value != (note_date + timedelta(days=7)).isoformat():
        return False
    pos = text.rfind("\n", 0, mention.start) + 1
    while pos < mention.start and text[pos] in _BULLETS:
        pos += 1
    return (
        pos == mention.start
        and not any(ch.isdigit() for ch in mention.text)
        and _TO_LABEL_COLON.match(text, mention.end) is not None
    )


# A day said relative to the day it is written on: a weekday alone, perhaps after "by", "on",
# "till", "senast", "på" ("by Weds", "senast tors"), or tomorrow
_RELATIVE_DAY = re.compile(
    sv(
        rf"(?:(?:by|on|till|until|senast|på|pa)\s+)?(?:(?P<day>{WEEKDAY_FULL}|{WEEKDAY_ABBR})\.?|(?P<tomorrow>tomorrow|tmrw|imorgon|imorn|i morgon))"
    ),
    re.IGNORECASE,
)


def _label_day(label: TimeMention, note_date: date) -> date | None:
    """The day a past entry's label names: its date, or for a weekday alone that day of the
    note's week."""
    if label.granularity not in ("date", "datetime") or label.value is None:
        return None
    if _WEEKDAY.fullmatch(label.text):
        index = WEEKDAY_INDEX.get(fold(label.text)[:3])
        return None if index is None else note_date - timedelta(days=note_date.weekday() - index)
    day = date.fromisoformat(label.value[:10])
    return day if day < note_date else None


def _from_entry_day(mention_text: str, day: date) -> date | None:
    """The day a relative mention ("by Weds", "imorgon") names when written on ``day``, or None
    for any other mention."""
    m = _RELATIVE_DAY.fullmatch(mention_text.strip())
    if m is None:
        return None
    if m.group("tomorrow"):
        return day + timedelta(days=1)
    index = WEEKDAY_INDEX.get(fold(m.group("day"))[:3])
    if index is None:
        return None
    return day + timedelta(days=(index - day.weekday() - 1) % 7 + 1)
