"""Scoring a note end to end: language, spans, classifiers, dates, then the SPEC's score.

``score()`` is the one-line entry point; ``Klarsteg`` holds a loaded model for callers
that manage its lifetime (the service loads one in its lifespan).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from model.artifacts import Artifacts, load_artifacts
from model.choose import choose_primary, when_features_all
from model.data import period_end
from model.fastner import FastNER
from model.features import sentence_bounds, span_context
from model.lang import detect_language
from model.masking import MaskedText, mask_times
from model.normalize import Normalized, normalize
from model.schema import NextStep, Reason, ScoreResult, When
from model.scoring import build_result
from model.settings import get_settings
from model.threads import single_blas_thread
from model.tokentag import Token, token_features, tokenize
from model.when import TimeMention, find_times

LANGUAGES = ("auto", "sv", "en")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b")


@dataclass(frozen=True, slots=True)
class NoteInput:
    """A validated request: the text, its reference date and its language."""

    text: str
    note_date: date
    language: str


def parse_note_date(note_date: str | date | datetime | None) -> date:
    """The note date as a ``date``; today when omitted. Raises ValueError when invalid."""
    if note_date is None:
        return date.today()
    if isinstance(note_date, datetime):
        return note_date.date()
    if isinstance(note_date, date):
        return note_date
    if isinstance(note_date, str):
        try:
            return date.fromisoformat(note_date.strip())
        except ValueError:
            raise ValueError(
                f"note_date must be an ISO date like 2026-03-10, not {note_date[:40]!r}"
            ) from None
    raise ValueError(f"note_date must be a string, a date or None, not {type(note_date).__name__}")


def validate_input(
    text: object,
    note_date: str | date | datetime | None = None,
    language: object = "auto",
    *,
    max_chars: int | None = None,
) -> NoteInput:
    """Check a request's arguments and raise a ValueError that names the problem."""
    limit = max_chars if max_chars is not None else get_settings().max_text_chars
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"text is empty: give the note's text (1 to {limit} characters)")
    if len(text) > limit:
        raise ValueError(f"text is {len(text)} characters long; the limit is {limit}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text is not valid Unicode: a lone surrogate at character {exc.start}") from None
    if language is None:
        language = "auto"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return NoteInput(text, parse_note_date(note_date), str(language))


class Klarsteg:
    """A loaded model that scores notes. Thread-safe for concurrent ``score`` calls."""

    def __init__(self, artifacts: Artifacts) -> None:
        self.artifacts = artifacts
        self._nlp = artifacts.spans
        self._clf = artifacts.classifiers
        self._clf.prepare()
        # The NER's numpy twin (same entities, a quarter of the time); spaCy if unavailable.
        self._fast_ner = FastNER.from_pipeline(self._nlp)
        self._lock = threading.Lock()
        self._warm_up()

    def _warm_up(self) -> None:
        """Score one short note so that one-time setup (the date layer's rule index, the
        embedding cache) happens at load, not in the first request."""
        self.score_many([NoteInput("Ring Anna fre 8/5 kl 10 om offerten.", date(2026, 5, 4), "auto")])

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> Klarsteg:
        """Load and verify the artifacts (the package's own by default)."""
        return cls(load_artifacts(Path(model_dir) if model_dir else get_settings().model_dir))

    @property
    def version(self) -> str:
        return self.artifacts.version

    def score(
        self, text: str, note_date: str | date | datetime | None = None, language: str = "auto"
    ) -> ScoreResult:
        """Score one note. Raises ValueError for invalid input."""
        return self.score_many([validate_input(text, note_date, language)])[0]

    def score_many(self, notes: Iterable[NoteInput], batch_size: int = 64) -> list[ScoreResult]:
        """Score validated notes, running the span model over them in batches."""
        notes = list(notes)
        norms = [normalize(n.text) for n in notes]
        mentions = [find_times(nm.text, n.note_date) for nm, n in zip(norms, notes, strict=True)]
        masked = [mask_times(nm.text, m) for nm, m in zip(norms, mentions, strict=True)]
        # spaCy's pipeline and the fast NER's cache are not thread-safe.
        with self._lock, single_blas_thread():
            entities = self._entities([m.text for m in masked], batch_size)
        return [
            self._score_doc(ents, mk, ms, n, nm)
            for ents, mk, ms, n, nm in zip(entities, masked, mentions, notes, norms, strict=True)
        ]

    def _entities(self, texts: list[str], batch_size: int) -> list[list[tuple[int, int, str]]]:
        """The span NER's ``(start, end, label)`` entities of each masked text."""
        if self._fast_ner is not None:
            return self._fast_ner.spans_many(texts)
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in self._nlp.pipe(texts, batch_size=batch_size)
        ]

    def _score_doc(
        self,
        entities: list[tuple[int, int, str]],
        masked: MaskedText,
        mentions: list[TimeMention],
        note: NoteInput,
        norm: Normalized,
    ) -> ScoreResult:
        text = norm.text
        language = detect_language(text) if note.language == "auto" else note.language
        view = _TokenView(text, mentions)
        presence = self._clf.presence_proba([text])[0]
        ents: dict[str, list[tuple[int, int]]] = {"NEXT_STEP": [], "REASON": []}
        for start, end, label in entities:
            ents[label].append(masked.to_original(start, end))
        step = self._find_step(text, ents["NEXT_STEP"], mentions, presence, view)
        next_step = reason = when = None
        if step is not None:
            ctx = span_context(text, *step)
            (action, p_action), (owner, _) = self._clf.predict_labels(
                (self._clf.action, self._clf.owner), ctx
            )
            next_step = NextStep(
                text=text[step[0] : step[1]],
                start=step[0],
                end=step[1],
                action=action,
                owner=owner,
                confidence=round((presence + p_action) / 2, 3),
            )
            reason = self._find_reason(text, ents["REASON"], step, view)
            when = self._choose_when(text, mentions, step, note.note_date)
            if norm.changed:
                next_step, reason, when = (_to_original(f, norm) for f in (next_step, reason, when))
        return build_result(next_step, reason, when, language, self.version)

    def _find_step(
        self,
        text: str,
        steps: list[tuple[int, int]],
        mentions: Sequence[TimeMention],
        presence: float,
        view: _TokenView,
    ) -> tuple[int, int] | None:
        """The primary next step's span: from the NER, else from the token tagger when the
        note-level model is sure there is one."""
        if steps and presence < self._clf.presence_floor:
            return None
        if not steps and presence >= self._clf.step_fallback:
            found = self._clf.tagger.best_span(
                "next_step", text, *view.get(), threshold=self._clf.step_tagger_threshold
            )
            steps = [found[:2]] if found else []
        if not steps:
            return None
        return steps[choose_primary(steps, mentions, text)]

    def _find_reason(
        self, text: str, reasons: list[tuple[int, int]], step: tuple[int, int], view: _TokenView
    ) -> Reason | None:
        """The reason nearest the step, from the NER or, failing that, the token tagger."""
        s_start, s_end = step
        if not reasons and self._clf.reason_fallback <= 1.0:
            found = self._clf.tagger.best_span(
                "reason", text, *view.get(), threshold=self._clf.reason_fallback
            )
            if found is not None and _plausible_reason(text, step, found[:2]):
                reasons = [found[:2]]
        if not reasons:
            return None
        r_start, r_end = min(reasons, key=lambda r: min(abs(r[0] - s_end), abs(s_start - r[1])))
        clear, p_clear = self._clf.predict_label(self._clf.clear, span_context(text, r_start, r_end))
        return Reason(
            text=text[r_start:r_end],
            start=r_start,
            end=r_end,
            clear=bool(clear),
            confidence=round(p_clear, 3),
        )

    def _choose_when(
        self, text: str, mentions: Sequence[TimeMention], step: tuple[int, int], note_date: date
    ) -> When | None:
        if not mentions:
            return None
        feats = when_features_all(text, mentions, step, note_date)
        probs = self._clf.when_proba(feats)
        # A date with an explicit year before the note date is a record, never the next step's.
        for i, m in enumerate(mentions):
            if _explicitly_past(m, note_date):
                probs[i] = 0.0
        best = int(probs.argmax())
        if probs[best] < self._clf.when_threshold:
            return None
        m = mentions[best]
        return When(
            text=m.text,
            start=m.start,
            end=m.end,
            granularity=m.granularity,
            value=m.value,
            has_time=m.has_time,
            clear=m.clear,
            confidence=round(float(probs[best]), 3),
        )


_SpanField = TypeVar("_SpanField", NextStep, Reason, When)


def _to_original(field: _SpanField | None, norm: Normalized) -> _SpanField | None:
    """A field found in the normalized text, with offsets into the caller's text. Its
    ``text`` is the caller's ``text[start:end]``, except for HTML input, where that slice
    may hold tags and entities: there it is the span as plain text."""
    if field is None:
        return None
    start, end = norm.to_original(field.start, field.end)
    update: dict[str, object] = {"start": start, "end": end}
    if not norm.html:
        update["text"] = norm.original[start:end]
    return field.model_copy(update=update)


def _explicitly_past(mention: TimeMention, note_date: date) -> bool:
    """True for a mention that names its year and lies wholly before the note date."""
    if mention.value is None or not _YEAR.search(mention.text):
        return False
    return period_end(mention.granularity, mention.value) < note_date


def _plausible_reason(text: str, step: tuple[int, int], reason: tuple[int, int]) -> bool:
    """A tagger-found reason must be two words or more, apart from the step, and in the
    step's sentence or the one after it."""
    if reason[0] < step[1] and step[0] < reason[1]:
        return False
    if len(text[reason[0] : reason[1]].split()) < 2:
        return False
    left, right = sentence_bounds(text, *step)
    next_right = sentence_bounds(text, right + 1, right + 1)[1] if right + 1 < len(text) else right
    return left <= reason[0] and reason[1] <= max(right, next_right)


class _TokenView:
    """Tokens and token features of a note, computed only if the token tagger is needed."""

    def __init__(self, text: str, mentions: Sequence[TimeMention]) -> None:
        self._text, self._mentions = text, mentions
        self._cached: tuple[list[Token], list[list[str]]] | None = None

    def get(self) -> tuple[list[Token], list[list[str]]]:
        if self._cached is None:
            toks = tokenize(self._text)
            self._cached = toks, token_features(self._text, toks, [(m.start, m.end) for m in self._mentions])
        return self._cached


_default: Klarsteg | None = None
_default_lock = threading.Lock()


def load_pipeline(model_dir: str | Path | None = None) -> Klarsteg:
    """The process-wide default model, loaded on first use (or from ``model_dir``)."""
    global _default
    if model_dir is not None:
        return Klarsteg.load(model_dir)
    with _default_lock:
        if _default is None:
            _default = Klarsteg.load()
        return _default


def score(text: str, note_date: str | date | datetime | None = None, language: str = "auto") -> ScoreResult:
    """Score one note with the default model: ``score("Ring tors kl 10", note_date="2026-03-10")``."""
    note = validate_input(text, note_date, language)  # before loading: bad input needs no model
    return load_pipeline().score_many([note])[0]


def score_many(
    texts: Sequence[str], note_date: str | date | datetime | None = None, language: str = "auto"
) -> list[ScoreResult]:
    """Score several notes sharing a note date and language; raises on the first invalid one."""
    notes = [validate_input(t, note_date, language) for t in texts]
    return load_pipeline().score_many(notes)
