"""One note as it goes through the pipeline, like spaCy's ``Doc``.

A :class:`Note` is made once per note from the caller's text: the text is normalized once
(:mod:`model.normalize`), and what several stages need is computed once and kept here: the
folded text, the sentence index, the time mentions and the masked text, and the tokens the
token tagger reads (only when it runs). Each stage of :mod:`model.pipeline` reads from the
note and adds its own result to it; nothing is split, folded or tokenized twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from model.features import SentenceIndex, SpanContext
from model.masking import MaskedText
from model.normalize import Normalized, normalize
from model.schema import NextStep, Reason, When
from model.text import TOKEN_PATTERN, fold, fold_aligned, fold_same_length
from model.tokentag import Token, TokenFeatures, make_tokens
from model.when import TimeMention

Span = tuple[int, int]


@dataclass(slots=True, eq=False)
class Note:
    """The text, what was found in it, and each stage's result (offsets into ``text``)."""

    source: Normalized
    note_date: date
    requested_language: str
    # analysis, computed once
    sentences: SentenceIndex
    folded: str | None  # fold(text) when it keeps every offset, else None
    mentions: list[TimeMention] = field(default_factory=list)
    masked: MaskedText | None = None
    language: str = ""
    # stage results
    steps: list[Span] = field(default_factory=list)  # the span model's candidates
    reasons: list[Span] = field(default_factory=list)
    presence: float = 0.0
    step: Span | None = None
    step_is_activity: bool = False  # the step is the planned activity of a record-shaped note
    step_is_stated: bool = False  # ... or what a next-activity label names, or a request
    next_step: NextStep | None = None
    reason: Reason | None = None
    when: When | None = None
    _tokens: tuple[list[Token], TokenFeatures] | None = None
    _rule_folded: str | None = None
    _time_spans: list[Span] | None = None

    @classmethod
    def make(cls, text: str, note_date: date, language: str) -> Note:
        """Normalize the caller's text and analyze it (sentences, folded form)."""
        source = normalize(text)
        plain = source.text
        return cls(
            source=source,
            note_date=note_date,
            requested_language=language,
            sentences=SentenceIndex(plain),
            folded=fold_aligned(plain),
        )

    @property
    def text(self) -> str:
        """The text the model reads (normalized)."""
        return self.source.text

    def bounds(self, start: int, end: int) -> Span:
        """The sentence or bullet holding ``text[start:end]``."""
        return self.sentences.bounds(start, end)

    def context(self, start: int, end: int) -> SpanContext:
        """A span with the words of its sentence around it, for the span classifiers."""
        left, right = self.bounds(start, end)
        text = self.text
        return SpanContext(text[start:end], text[left:start], text[end:right], text)

    def rule_folded(self) -> str:
        """The folded text the rules' patterns search: ``folded``, or, when folding moves
        offsets, a same-length stand-in made on first use."""
        if self.folded is not None:
            return self.folded
        if self._rule_folded is None:
            self._rule_folded = fold_same_length(self.text)
        return self._rule_folded

    def time_spans(self) -> list[Span]:
        """Where the time mentions are, as ``(start, end)``: made on first use, after the
        date stage has found them (the tagger's features and the step's edges read them)."""
        if self._time_spans is None:
            self._time_spans = [(m.start, m.end) for m in self.mentions]
        return self._time_spans

    def tagger_input(self) -> tuple[list[Token], TokenFeatures]:
        """Tokens and token features for the token tagger, made on first use."""
        if self._tokens is None:
            text, folded = self.text, self.folded
            if folded is not None:
                toks = make_tokens(text, folded)
            else:
                toks = [Token(m.start(), m.end(), fold(m.group())) for m in TOKEN_PATTERN.finditer(text)]
            self._tokens = (
                toks,
                TokenFeatures(text, toks, self.time_spans(), self.sentences),
            )
        return self._tokens
