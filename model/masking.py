"""Time mentions replaced by placeholder words before the span model reads a note.

The span model should learn "a step with a future date" rather than every way of writing
a date: *tis 17/3 kl 10*, *nästa onsdag*, *v. 49* and *Fri 2pm* all become one word that
says what kind of time it is (a clear date, a coarser period, a fuzzy time, a past time).
Offsets are mapped back so spans still point into the original text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from model.when import TimeMention

PLACEHOLDERS = {"clear": "TIDDATUM", "period": "TIDPERIOD", "fuzzy": "TIDVAG", "past": "TIDFORR"}


def placeholder(mention: TimeMention) -> str:
    """The word that stands for a mention."""
    if mention.past:
        return PLACEHOLDERS["past"]
    if mention.granularity in ("date", "datetime"):
        return PLACEHOLDERS["clear"]
    if mention.granularity == "fuzzy":
        return PLACEHOLDERS["fuzzy"]
    return PLACEHOLDERS["period"]


@dataclass(frozen=True, slots=True)
class MaskedText:
    """A note with its time mentions replaced, and the offset maps in both directions."""

    text: str
    # Parallel lists: each segment's start in the masked and in the original text, its
    # lengths in both, and whether it is a placeholder.
    masked_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    masked_lens: tuple[int, ...]
    orig_lens: tuple[int, ...]
    is_placeholder: tuple[bool, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a masked character span back to the original text."""
        return self._map(start, False, self.masked_starts, self.orig_starts, self.masked_lens, self.orig_lens), \
            self._map(end, True, self.masked_starts, self.orig_starts, self.masked_lens, self.orig_lens)  # fmt: skip

    def to_masked(self, start: int, end: int) -> tuple[int, int]:
        """Map an original character span into the masked text."""
        return self._map(start, False, self.orig_starts, self.masked_starts, self.orig_lens, self.masked_lens), \
            self._map(end, True, self.orig_starts, self.masked_starts, self.orig_lens, self.masked_lens)  # fmt: skip

    def _map(
        self,
        offset: int,
        is_end: bool,
        from_starts: Sequence[int],
        to_starts: Sequence[int],
        from_lens: Sequence[int],
        to_lens: Sequence[int],
    ) -> int:
        i = max(0, bisect_right(from_starts, offset - 1 if is_end and offset > 0 else offset) - 1)
        inside = offset - from_starts[i]
        if self.is_placeholder[i]:
            return to_starts[i] + (to_lens[i] if is_end and inside > 0 else 0)
        return to_starts[i] + min(inside, to_lens[i])


def mask_times(text: str, mentions: Sequence[TimeMention]) -> MaskedText:
    """Replace each mention by its placeholder word."""
    pieces: list[str] = []
    m_starts: list[int] = []
    o_starts: list[int] = []
    m_lens: list[int] = []
    o_lens: list[int] = []
    flags: list[bool] = []
    pos = mpos = 0

    def add(piece: str, orig_start: int, orig_len: int, is_ph: bool) -> None:
        nonlocal mpos
        pieces.append(piece)
        m_starts.append(mpos)
        o_starts.append(orig_start)
        m_lens.append(len(piece))
        o_lens.append(orig_len)
        flags.append(is_ph)
        mpos += len(piece)

    for m in mentions:
        if m.start < pos:
            continue
        if m.start > pos:
            add(text[pos : m.start], pos, m.start - pos, False)
        add(placeholder(m), m.start, m.end - m.start, True)
        pos = m.end
    add(text[pos:], pos, len(text) - pos, False)
    return MaskedText(
        "".join(pieces), tuple(m_starts), tuple(o_starts), tuple(m_lens), tuple(o_lens), tuple(flags)
    )
