"""A journal's past entries: lines that open with a day label before the note's day.

A rep's diary labels each entry with its day ("Mon: ...", "Tis 3/3 - ...", "31/3 - ...",
"Tues 14th: ..."), and the note is saved on the last entry's day or later. What an entry
before the note's day says happened is a record ("Wed: follow-up call, happy", "Thu - lunch &
learn at Dr. Ibarra's, good energy"), unless the entry itself looks ahead: a date still to
come on its line, or a word that plans, promises or asks ("will", "ska", "wants", "booked",
"nästa", "tomorrow"). The step choice drops candidates in such entries.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from model.text import fold
from model.when import TimeMention
from model.when.lexicon import WEEKDAY_ABBR, WEEKDAY_FULL, WEEKDAY_INDEX, sv

Span = tuple[int, int]

_LABEL_END = re.compile(r"[ \t]*(?::|[-–][ \t])")
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


def _label(text: str, line_start: int, mentions: list[TimeMention]) -> TimeMention | None:
    """The time mention that labels the line (at its start, after any bullet, then a colon or a
    dash), if there is one."""
    pos = line_start
    while pos < len(text) and text[pos] in _BULLETS:
        pos += 1
    for m in mentions:
        if m.start == pos:
            return m if _LABEL_END.match(text, m.end) else None
        if m.start > pos:
            break
    return None


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


def in_past_entry(text: str, span: Span, mentions: list[TimeMention], note_date: date) -> bool:
    """Whether ``span`` is in a journal entry labelled with a day before the note's that does
    not look ahead."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line_end = len(text) if line_end < 0 else line_end
    label = _label(text, line_start, mentions)
    if label is None or not _label_is_past(label, note_date):
        return False
    for m in mentions:
        if line_start <= m.start < line_end and m is not label and not m.past:
            if m.granularity not in ("date", "datetime") or m.value is None:
                return False  # "v.12", "i maj", "after the holidays": ahead
            if m.value[:10] >= note_date.isoformat():
                return False  # a date still to come on the line
    return _AHEAD.search(fold(text[label.end : line_end])) is None
