"""Feature extraction for the scikit-learn classifiers.

Analyzers are module-level functions so that fitted vectorizers pickle by reference.
Everything is folded to ASCII first (see :mod:`model.text`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from model.text import tokens

# Every match starts with one of the look-ahead's characters (the third alternative with
# "^" starts with its bullet): the look-ahead changes no match, but lets the engine pass over
# the other characters at once (twice as fast).
_SENT_END = re.compile(r"(?=[.!?;\s*•-])(?:[.!?;]+(?=\s|$)|\n+|(?:^|\s)[-*•]\s)")

# Abbreviations whose full stop ends no sentence ("Lunch m. Jonas fre", "Ring ang. avtalet",
# "Dr. Patel"), as the word before the stop, lower-cased; any single letter is an initial.
_ABBREVIATIONS = frozenset(
    ["m", "ang", "tel", "tfn", "kl", "ca", "inkl", "exkl", "resp", "nr", "bl.a", "t.ex", "p.g.a", "pga",
     "s.k", "jfr", "enl", "avd", "ev", "mr", "mrs", "ms", "dr", "approx", "incl", "excl", "re", "vs",
     "e.g", "i.e", "dept", "prof", "co"]
)  # fmt: skip


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation (or an initial)."""
    i = stop
    while i > 0 and (text[i - 1].isalpha() or (text[i - 1] == "." and i - 1 != stop)):
        i -= 1
    if i > 0 and text[i - 1].isalnum():
        return False
    word = text[i:stop].lower()
    return len(word) == 1 or word in _ABBREVIATIONS


def _sentence_breaks(text: str) -> list[tuple[int, int]]:
    """Where sentences and bullets break: a closing punctuation run, line breaks, a bullet;
    not the stop after an abbreviation."""
    return [
        m.span()
        for m in _SENT_END.finditer(text)
        if not (m.group() == "." and _is_abbreviation(text, m.start()))
    ]


@dataclass(frozen=True, slots=True)
class SpanContext:
    """A span with the words around it, the input of the span classifiers."""

    span: str
    before: str  # the sentence text before the span
    after: str  # the sentence text after the span
    note: str  # the whole note, for note-level cues


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the sentence or bullet holding ``text[start:end]``."""
    left = 0
    right = len(text)
    for b_start, b_end in _sentence_breaks(text):
        if b_end <= start:
            left = b_end
        elif b_start >= end:
            right = b_start
            break
    return left, right


class SentenceIndex:
    """``sentence_bounds`` for many spans of one text: the sentence ends are found once, then
    each lookup is two binary searches instead of a scan of the text. Same answers."""

    __slots__ = ("_ends", "_len", "_starts")

    def __init__(self, text: str) -> None:
        matches = _sentence_breaks(text)
        self._starts = [s for s, _ in matches]
        self._ends = [e for _, e in matches]
        self._len = len(text)

    @property
    def ends(self) -> list[int]:
        """The end offsets of the sentence breaks, in order (read only)."""
        return self._ends

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Start and end offsets of the sentence or bullet holding ``text[start:end]``."""
        # sentence_bounds scans the ends in order: those ending at or before ``start`` set
        # ``left``; the first later one starting at or after ``end`` sets ``right``.
        i = bisect_right(self._ends, start)
        left = self._ends[i - 1] if i > 0 else 0
        j = max(i, bisect_left(self._starts, end))
        right = self._starts[j] if j < len(self._starts) else self._len
        return left, right


def span_context(text: str, start: int, end: int) -> SpanContext:
    """The span and its sentence context, cut from the note."""
    left, right = sentence_bounds(text, start, end)
    return SpanContext(text[start:end], text[left:start], text[end:right], text)


def _char_ngrams(word: str, lo: int = 3, hi: int = 5) -> list[str]:
    padded = f"<{word}>"
    return [padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]


def span_analyzer(ctx: SpanContext) -> list[str]:
    """Features of a span in context: its words and subwords, nearby and sentence words."""
    span_toks = tokens(ctx.span)
    before = tokens(ctx.before)
    after = tokens(ctx.after)
    feats = [f"s:{t}" for t in span_toks]
    feats += [f"s2:{a}_{b}" for a, b in zip(span_toks, span_toks[1:], strict=False)]
    feats += [f"c:{g}" for t in span_toks if t.isalpha() for g in _char_ngrams(t)]
    if span_toks:
        feats.append(f"first:{span_toks[0]}")
        feats.append(f"last:{span_toks[-1]}")
    feats += [f"b:{t}" for t in before]
    feats += [f"p:{t}" for t in before[-3:]]
    feats += [f"a:{t}" for t in after]
    feats += [f"n:{t}" for t in after[:3]]
    return feats


def note_analyzer(text: str) -> list[str]:
    """Features of a whole note: folded words and word pairs."""
    toks = [t for t in tokens(text) if t.isalnum()]
    return toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]
