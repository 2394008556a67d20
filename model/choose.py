"""Choosing among candidates: which next step is the primary one, and which time is its when.

The date layer (:mod:`model.when`) finds every time expression; a learned ranker then
scores each as "the when of this next step" from its position relative to the step,
its granularity, whether it is past or a deadline, and the words around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from model.data import iso_week_monday
from model.features import SentenceIndex, sentence_bounds
from model.records import ATTENDS
from model.text import TOKEN_PATTERN, fold, fold_aligned, tokens
from model.when import TimeMention

_BULLETS = " \t-*•–·>0123456789.)"
_LABEL_END = re.compile(r"\s*(?::|[-–]\s)")


def period_start(mention: TimeMention) -> date | None:
    """First day of the period a mention names; None for fuzzy mentions."""
    value, gran = mention.value, mention.granularity
    if value is None or gran == "fuzzy":
        return None
    if gran in ("date", "datetime"):
        return date.fromisoformat(value[:10])
    if gran == "week":
        return iso_week_monday(value)
    if gran == "month":
        return date.fromisoformat(value + "-01")
    if gran == "quarter":
        year, q = value.split("-Q")
        return date(int(year), (int(q) - 1) * 3 + 1, 1)
    if gran == "year":
        return date(int(value), 1, 1)
    return None


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


class _NoteFacts:
    """What the features of every mention of a note share: computed once per note.

    ``folded`` is ``fold(text)`` when slicing it gives ``fold`` of the slice, so a window's
    tokens are ``TOKEN_PATTERN.findall(folded, a, b)`` (the pattern has no anchors or
    lookarounds, so ``pos``/``endpos`` act exactly as slicing) and no window is lower-cased
    and folded again. ``str.lower`` keeps that promise unless a character lower-cases to
    more than one (``"İ"``) or depends on its neighbours (the Greek final sigma); such notes
    get ``folded = None`` and the per-window computation.
    """

    __slots__ = ("distances", "earliest", "folded", "line", "nearest", "opens", "sent", "stamps", "starts")

    def __init__(
        self,
        text: str,
        mentions: Sequence[TimeMention],
        step: tuple[int, int] | None,
        folded: str | None = None,
        sentences: SentenceIndex | None = None,
    ) -> None:
        self.starts = [period_start(m) for m in mentions]  # each mention's, once
        future = [(d, i) for i, (d, m) in enumerate(zip(self.starts, mentions, strict=True)) if not m.past]
        dated = sorted((d, i) for d, i in future if d is not None)
        self.earliest = dated[0][1] if dated else None
        self.folded = folded if folded is not None else fold_aligned(text)
        # whether each mention opens a line; two or more make a log's entry stamps ("16/10 09:05 ...")
        self.opens = [_opens_line(text, m.start) for m in mentions]
        self.stamps = sum(self.opens)
        if step is None:
            return
        s_start, s_end = step
        self.sent = (
            sentences.bounds(s_start, s_end)
            if sentences is not None
            else sentence_bounds(text, s_start, s_end)
        )
        line_start = text.rfind("\n", 0, s_start) + 1
        line_end = text.find("\n", s_end)
        self.line = (line_start, len(text) if line_end < 0 else line_end)
        self.distances = [min(abs(m.start - s_end), abs(s_start - m.end)) for m in mentions]
        self.nearest = min(self.distances, default=0)


def _opens_line(text: str, start: int) -> bool:
    """Whether only a bullet or white space stands before ``start`` on its line."""
    return not text[text.rfind("\n", 0, start) + 1 : start].strip(_BULLETS)


_GAP_EDGES = (0, 1, 3, 6, 10, 20)
# ``_bucket(n, _GAP_EDGES)`` for every count up to the last edge, and the key past it.
_GAP_KEYS = tuple(f"gap_tokens{_bucket(n, _GAP_EDGES)}" for n in range(_GAP_EDGES[-1] + 1))
_GAP_MORE = f"gap_tokens>{_GAP_EDGES[-1]}"
_IDX_KEYS = tuple(f"idx={i}" for i in range(4))
_N_KEYS = tuple(f"n={n}" for n in range(5))
_DAY_EDGES = (-1, 0, 1, 7, 31, 92, 366)


def _gap_bucket(gap: str) -> str:
    """``_bucket(len(tokens(gap)), _GAP_EDGES)``: the diacritic folding maps letters to
    letters, so the lower-cased gap has the same tokens to count."""
    low = gap.lower()
    return _gap_key(low, 0, len(low)).removeprefix("gap_tokens")


def _gap_key(folded: str, start: int, end: int) -> str:
    """``"gap_tokens"`` and the bucket of the token count of ``folded[start:end]``: counts
    only until the count passes the last edge, where the bucket is known."""
    limit = len(_GAP_KEYS)
    n = 0
    for _ in TOKEN_PATTERN.finditer(folded, start, end):
        n += 1
        if n == limit:
            return _GAP_MORE
    return _GAP_KEYS[n]


def when_features(
    text: str,
    mention: TimeMention,
    index: int,
    mentions: Sequence[TimeMention],
    step: tuple[int, int] | None,
    note_date: date,
) -> dict[str, float]:
    """Features of one time mention as the candidate when of the step at ``step``."""
    return _when_features(text, mention, index, mentions, step, note_date, _NoteFacts(text, mentions, step))


def when_features_all(
    text: str,
    mentions: Sequence[TimeMention],
    step: tuple[int, int] | None,
    note_date: date,
    folded: str | None = None,
    sentences: SentenceIndex | None = None,
) -> list[dict[str, float]]:
    """``when_features`` of every mention of a note, sharing the per-note work (the note's
    folded text and sentence index when the caller has them)."""
    facts = _NoteFacts(text, mentions, step, folded, sentences)
    return [_when_features(text, m, i, mentions, step, note_date, facts) for i, m in enumerate(mentions)]


def _when_features(
    text: str,
    mention: TimeMention,
    index: int,
    mentions: Sequence[TimeMention],
    step: tuple[int, int] | None,
    note_date: date,
    facts: _NoteFacts,
) -> dict[str, float]:
    m_start, m_end = mention.start, mention.end
    f: dict[str, float] = {
        f"g={mention.granularity}": 1.0,
        "has_time": float(mention.has_time),
        "deadline": float(mention.deadline),
        "past": float(mention.past),
        _IDX_KEYS[min(index, 3)]: 1.0,
        "is_last": float(index == len(mentions) - 1),
        _N_KEYS[min(len(mentions), 4)]: 1.0,
    }
    start = facts.starts[index] if mentions[index] is mention else period_start(mention)
    if start is not None:
        days = (start - note_date).days
        f[f"days{_bucket(days, _DAY_EDGES)}"] = 1.0
    if facts.earliest == index:
        f["earliest_future"] = 1.0
    if facts.opens[index] if mentions[index] is mention else _opens_line(text, m_start):
        f["opens_line"] = 1.0
        if _LABEL_END.match(text, m_end):
            f["day_label"] = 1.0  # "Ons: ...", "Fri - ...": a journal's day, not a step's date
        if facts.stamps >= 2:
            f["log_stamp"] = 1.0
            if start is not None and start <= note_date:
                f["log_stamp_past"] = 1.0
    folded = facts.folded
    if folded is not None:
        findall = TOKEN_PATTERN.findall
        left = findall(folded, max(0, m_start - 40), m_start)[-3:]
        right = findall(folded, m_end, m_end + 30)[:3]
        own = (
            findall(folded, m_start, m_end)[:4]
            if mention.text == text[m_start:m_end]
            else tokens(mention.text)[:4]
        )
    else:
        left = tokens(text[max(0, m_start - 40) : m_start])[-3:]
        right = tokens(text[m_end : m_end + 30])[:3]
        own = tokens(mention.text)[:4]
    for k, w in enumerate(reversed(left)):
        f[f"l{k}:{w}"] = 1.0
        f["l:" + w] = 1.0
    for k, w in enumerate(right):
        f[f"r{k}:{w}"] = 1.0
        f["r:" + w] = 1.0
    for w in own:
        f["m:" + w] = 1.0
    if step is None:
        f["no_step"] = 1.0
        return f
    s_start, s_end = step
    sent = facts.sent
    f["same_sentence"] = float(sent[0] <= m_start and m_end <= sent[1])
    line_start, line_end = facts.line
    f["same_line"] = float(line_start <= m_start and m_end <= line_end)
    if m_start >= s_end:
        gap = (s_end, m_start)
        f["after_step"] = 1.0
    elif m_end <= s_start:
        gap = (m_end, s_start)
        f["before_step"] = 1.0
    else:
        gap = (0, 0)
        f["inside_step"] = 1.0
    if folded is not None:
        f[_gap_key(folded, *gap)] = 1.0
    else:
        f[f"gap_tokens{_gap_bucket(text[gap[0] : gap[1]])}"] = 1.0
    if facts.distances[index] == facts.nearest:
        f["nearest"] = 1.0
    return f


def mention_overlaps(mention: TimeMention, start: int, end: int) -> bool:
    """True when the mention and the character range share at least one character."""
    return mention.start < end and start < mention.end


def choose_primary(
    steps: Sequence[tuple[int, int]],
    mentions: Sequence[TimeMention],
    text: str,
    sentences: SentenceIndex | None = None,
) -> int:
    """Index of the primary next step: the earliest dated one still ahead, else the first.

    Each step is dated by the nearest non-past mention in its sentence.
    """
    if len(steps) <= 1:
        return 0
    best: tuple[date, int] | None = None
    sentences = sentences or SentenceIndex(text)
    for i, (s, e) in enumerate(steps):
        left, right = sentences.bounds(s, e)
        near = [m for m in mentions if not m.past and left <= m.start and m.end <= right and period_start(m)]
        if not near:
            continue
        d = min(period_start(m) or date.max for m in near)
        if best is None or d < best[0]:
            best = (d, i)
    return best[1] if best else 0


# A time stamp written in digits only ("09:00", "12/3 09:14", "2026-03-02 14.30")
NUMERIC_STAMP = re.compile(r"[\d/.:\- T]+")
_STAMP_DATE = re.compile(r"\d[/-]\d")


# A chat message's sender before its time stamp, opening the line ("Priya 09:17: ...",
# "  ↳ Hannah Berg 15:33 - ..."): one or two capitalized words, not an activity ("Call Lina
# 15:00 - specs" plans a call)
_SENDER = re.compile(
    r"[ \t↳>*•-]*(?!(?i:call|ring|tel|tfn|möte|mote|meeting|mtg|demo|lunch|besök|besok|visit|ses|"
    r"book|boka|zoom|teams)\b)[A-ZÅÄÖ][\w.'’-]*(?:[ \t]+[A-ZÅÄÖ][\w.'’-]*)?[ \t]+"
)
_SENT_AT = re.compile(r"[ \t]*(?:[ap]m)?[ \t]*[:\-–]")
# A chat export's bracketed stamp, perhaps after its channel ("[Teams 08:16] Malin: ...")
_BRACKET_OPEN = re.compile(r"[ \t]*\[(?:[A-Za-zÅÄÖåäö]+[ \t]+)?")


def log_stamp(text: str, mention: TimeMention, note_date: date) -> bool:
    """Whether a mention is a log entry's time stamp on the note's day ("16/10 09:05 Catalogue
    sent"): it opens its line, a date in digits with its time. It dates what was logged, not a
    next step (a day plan's "- 10:00 handover" is a time alone, after a bullet). A pasted chat
    message's stamp after its sender ("Priya 09:17: call w/ Declan ...") or in brackets ("[Teams
    08:16] Malin: ...") is one too: none of the 15 annotated notes with such stamps has one for
    its when."""
    if not (mention.has_time and mention.value and NUMERIC_STAMP.fullmatch(mention.text)):
        return False
    if mention.value[:10] != note_date.isoformat():
        return False
    line_start = text.rfind("\n", 0, mention.start) + 1
    if not text[line_start : mention.start].strip():
        return _STAMP_DATE.search(mention.text) is not None
    if text.startswith("]", mention.end) and _BRACKET_OPEN.fullmatch(text, line_start, mention.start):
        return True
    sender = _SENDER.fullmatch(text, line_start, mention.start)
    return sender is not None and _SENT_AT.match(text, mention.end) is not None


# A next-contact date field before a mention, at a line's start or after a field separator
# ("Follow-up date: 2/13", "Next action date: 8/15", "Due: Thu 3/6", "Förfallodatum: 2026-05-29");
# a record's own "Date:"/"Datum:" and a deal's "Close date:" or "Start date:" are not one.
_DATE_FIELD = re.compile(
    r"(?i)(?:^|[|;][ \t]*)(?:(?:next[ \t]+(?:action|step)|follow[ -]?up|nästa|nasta|new)[ \t]+date|"
    r"due(?:[ \t]+date)?|deadline|förfallodatum|forfallodatum)[ \t]*:[ \t]*$"
)


def in_date_field(text: str, mention: TimeMention) -> bool:
    """Whether a mention is the value of a next-contact date field (49 of the 50 annotated
    notes with a step and such a field have its date as their when)."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    before = text[max(line_start, mention.start - 40) : mention.start]
    return ":" in before and _DATE_FIELD.search(before) is not None


# The date of the customer's own meeting or decision ("after their board meeting on 3 March",
# "Vi tar beslut på nämndens möte 15/12 och hör av oss", "She'll take it to the board on
# 3/26", "återkommer efter styrelsemötet den 14:e"), or the end of their contract ("her contract
# ends 2/28"; none of the 197 annotated dates after such a word is the when): the step comes
# after it, unless the step is to attend or present there ("present the business case to the
# board Monday"). With the annotated step, 5 of the 100 dates this reads as the customer's
# meeting or decision in the annotated notes are the when (3 of them templated notes)
_CUSTOMER_EVENT = re.compile(
    r"(?:\b(?:their|deras|her|his|sin|sitt|sina|namndens|styrelsens|kommunens)\s+(?:\w+\s+)?"
    r"(?:board|styrelse\w*|namnd\w*|budget\w*|\w*mote\w*|meeting|mtg|committee|kommitt\w*|ledningsgrupp\w*)"
    r"|\b(?:decision|decides|beslutar|(?:ta|tar|fattar)\s+beslut|beslut\s+(?:i|pa))|\b(?:to|for)\s+(?:the|their|her|his)\s+board"
    r"|\b(?:efter|till|infor|innan|before|after)\s+(?:\w+\s+)?(?:styrelse\w*|ledningsgrupp\w*|namnd\w*|\w+motet|\w*stamm[ao]n?"
    r"|agm|egm)"
    # ... or a body of theirs that meets then ("before the governors meet in January", "vi har
    # styrelsemöte 12 mars", "they sit on the 27th")
    r"|\b(?:board|styrelsen|governors|partners|trustees|council|namnden|ledningen|ledningsgruppen|committee)"
    r"\s+(?:\w+\s+)?(?:meet|meets|mots|sammantrader|convenes)|\bthey\s+(?:sit|meet)\b"
    r"|\b(?:vi|we|de|they)\s+(?:har|have)\s+(?:ett\s+|a\s+|our\s+|their\s+)?(?:styrelsemote|board\s+meeting|namndmote)"
    # ... or the end of their contract ("her contract ends 2/28", "avtalet löper ut 31/5")
    r"|\b(?:ends?|expires?|expiring|runs?\s+out|gar\s+ut|loper\s+ut|upphor|tar\s+slut|valid\s+(?:till|until)|giltig\w*\s+till))"
    r"(?:\s+\w+){0,2}\s*(?:on|den|pa|i|in|at)?\s*$"
)


def customer_event(text: str, mention: TimeMention, step: tuple[int, int]) -> bool:
    """Whether ``mention`` dates the customer's own meeting or decision that the step does not
    attend."""
    left = max(0, mention.start - 40)
    event = _CUSTOMER_EVENT.search(fold(text[left : mention.start]))
    if event is None or ATTENDS.search(text, step[0], step[1]):
        return False
    # ... and the step is not the meeting's own phrase ("their budget mtg" as the step)
    return not (step[1] > left + event.start() and step[0] < mention.start)
