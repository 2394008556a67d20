"""Scoring a note end to end: language, spans, classifiers, dates, then the SPEC's score.

``score()`` is the one-line entry point; ``Klarsteg`` holds a loaded model for callers
that manage its lifetime (the service loads one in its lifespan).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from model.activity import activity_step, logged_activity, record_reason, retry_step, subject_over_type
from model.artifacts import Artifacts, load_artifacts
from model.candidates import (
    is_activity,
    newest_message,
    other_phrases,
    overlaps,
    stated_step,
    step_phrases,
    zoned,
)
from model.choose import choose_primary, customer_event, in_date_field, log_stamp, when_features_all
from model.fastner import FastNER
from model.journal import in_past_entry, past_entry_label, todays_label
from model.lang import detect_language as language_of
from model.masking import mask_times
from model.normalize import Normalized
from model.note import Note
from model.owners import (
    assigned_to_us,
    books_own,
    calls_us_back,
    imperative_task,
    own_subjectless,
    sent_to_us,
    signed_by_buyer,
    thanked_for_ours,
    their_promise,
    we_are_asked,
)
from model.reasons import apart, in_status_field, is_who, nearest_reason, other_item, reason_features
from model.reasons import propose as propose_reasons
from model.records import (
    brought_along,
    never_a_step,
    opens_internal,
    opens_todo,
    signs_off,
    states_no_step,
    thanked_for,
)
from model.schema import NextStep, Reason, ScoreResult, When
from model.scoring import build_result
from model.settings import get_settings
from model.steps import (
    acceptor_features,
    asked_before_promise,
    bare_send,
    behind_label,
    contact_wished,
    labelled_step,
    meeting_before,
    own_reply,
    pick_primary,
    request_phrases,
    request_sent,
    step_features,
    under_actions,
)
from model.threads import single_blas_thread
from model.tidy import (
    reason_after_step,
    reason_beside,
    step_before_reason,
    tidy_reason,
    tidy_step,
    topic_inside,
)
from model.when import find_times
from model.zones import action_zone

LANGUAGES = ("auto", "sv", "en")


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
        """Score validated notes: each becomes a :class:`Note`, and the stages run in order
        over all of them (the span model batches its matrices across notes)."""
        docs = [Note.make(n.text, n.note_date, n.language) for n in notes]
        for stage in self.stages:
            stage(docs)
        return [self._result(d) for d in docs]

    # ------------------------------------------------------------------ the stages, in order

    @property
    def stages(self) -> tuple[Callable[[list[Note]], None], ...]:
        """What scoring does to every note, top to bottom (like a spaCy pipeline's components)."""
        return (
            self.find_dates,  # time mentions, resolved against the note date; masked text
            self.detect_language,  # sv or en, unless the caller said
            self.presence,  # how sure the note states a step at all
            self.find_spans,  # the span model: next-step and reason candidates
            self.choose_step,  # the primary step (token tagger if the span model is silent)
            self.label_step,  # action and owner
            self.find_reason,  # the reason nearest the step, and whether it is clear
            self.choose_when,  # which mention is the step's when
            self.separate_reason,  # the reason's own words, never the step's
            self.to_caller_offsets,  # offsets into the text the caller sent
        )

    def find_dates(self, notes: list[Note]) -> None:
        for n in notes:
            n.mentions = find_times(n.text, n.note_date)
            n.masked = mask_times(n.text, n.mentions)

    def detect_language(self, notes: list[Note]) -> None:
        for n in notes:
            n.language = language_of(n.text) if n.requested_language == "auto" else n.requested_language

    def find_spans(self, notes: list[Note], batch_size: int = 64) -> None:
        """The span model's candidates, for the notes that can still get a step: below both
        the presence floor and the tagger fallback a note's steps would all be dropped."""
        clf = self._clf
        notes = [n for n in notes if n.presence >= clf.presence_floor or n.presence >= clf.step_fallback]
        if not notes:
            return
        texts = [n.masked.text for n in notes]  # type: ignore[union-attr]
        # spaCy's pipeline and the fast NER's cache are not thread-safe. One note's matrices
        # are too small for BLAS to start threads: limiting them would cost more than it saves.
        with self._lock, single_blas_thread() if len(texts) > 1 else nullcontext():
            if self._fast_ner is not None:
                entities = self._fast_ner.spans_many(texts)
            else:
                entities = [
                    [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                    for doc in self._nlp.pipe(texts, batch_size=batch_size)
                ]
        for n, ents in zip(notes, entities, strict=True):
            for start, end, label in ents:
                span = n.masked.to_original(start, end)  # type: ignore[union-attr]
                (n.steps if label == "NEXT_STEP" else n.reasons).append(span)

    def presence(self, notes: list[Note]) -> None:
        for n, p in zip(notes, self._clf.presence_proba([n.text for n in notes]), strict=True):
            n.presence = p

    def choose_step(self, notes: list[Note]) -> None:
        """The primary next step's span. Candidates come from the span model (joined by the
        rule's step phrases), else the planned activity of a record-shaped note (a calendar
        entry's or task's subject, :func:`~model.activity.activity_step`), else the fallbacks of
        :meth:`_fallback_steps`. None is what :func:`~model.records.never_a_step` rules out, in a
        quoted message when the reply has one, or in a diary entry of a past day
        (:func:`~model.journal.in_past_entry`), or the type of an activity logged as had
        (:func:`~model.activity.logged_activity`); a note that opens as internal has none. The
        step ranker picks among several. Where none is left, what a next-activity label names
        (:func:`~model.steps.labelled_step`), else a customer's request for a price or a quote
        (:func:`~model.steps.request_phrases`), is the step."""
        clf = self._clf
        for n in notes:
            if opens_internal(n.text) or states_no_step(n.text):
                continue  # "Internt möte – reservdelar": no contact; "Nästa steg: inget"
            # What the note says was had or held is a record, never a step ("Had a call today"),
            # nor a span that says nothing (a lone "-" or "us")
            steps = [s for s in n.steps if not never_a_step(n.text, s)]
            if steps and n.presence < clf.presence_floor:
                continue
            if not steps:
                # "Quarterly review - Kirkgate Digital - Q1"; "No answer. Try again tomorrow"
                folded = n.rule_folded()
                activity = activity_step(n.text, n.mentions, folded) or retry_step(n.text, folded)
                if activity is not None and never_a_step(n.text, activity):
                    activity = None  # "Tel m Oskar – vill ha ...": a logged call, not a planned one
                n.step_is_activity = activity is not None
                steps = [activity] if activity else self._fallback_steps(n)
            elif clf.step_ranker is not None:
                # The span model misses steps in lists and minutes: the rule's step phrases
                # that overlap none of its steps join them, and the ranker decides.
                steps = sorted([*steps, *other_phrases(n, steps)])
            if len(steps) > 1:
                steps = newest_message(n.text, steps)
            # "Wed: follow-up call, happy" in a diary saved on Friday: a record
            # "Aktivitet: Besök / Datum: <the note's day>": the activity logged, not one to come
            steps = [
                s
                for s in steps
                if not in_past_entry(n.text, s, n.mentions, n.note_date)
                and not logged_activity(n.text, n.rule_folded(), s, n.mentions, n.note_date)
            ]
            # what the rep brings along to a meeting named before is part of it, beside another step
            steps = [s for s in steps if not brought_along(n.text, s)] or steps
            # ... and a message's sign-off ("Hörs!") is the step only where nothing else is
            steps = [s for s in steps if not signs_off(n.text, s)] or steps
            if len(steps) > 1 and clf.step_ranker is not None:
                feats = step_features(n.text, steps, n.mentions, n.note_date, n.folded, n.sentences)
                scores = clf.step_scores(feats)
                chosen = steps[pick_primary(scores, feats)]
                n.step = (
                    under_actions(n.text, steps, scores, chosen)
                    or own_reply(n.text, steps, chosen)
                    or meeting_before(n.text, steps, chosen, n.mentions)
                    or chosen
                )
            elif steps:
                n.step = steps[choose_primary(steps, n.mentions, n.text, n.sentences)]
            if n.step is None:
                n.step = stated_step(n)
                n.step_is_stated = n.step is not None
            elif subject := subject_over_type(n.text, n.rule_folded(), n.step, n.mentions):
                n.step = subject  # "Type: Email / Subject: Revised quote - ...": the subject's
            elif named := behind_label(n.text, n.step, n.mentions):
                n.step = named  # "F/U: call Jerome Tue 7/6": the label's phrase, not the label
            elif asked := request_sent(n.text, n.rule_folded(), n.mentions, n.step, n.time_spans()):
                n.step = asked  # "wants pricing for 14 staff, send by Fri": what is sent is asked
            elif first := asked_before_promise(n.text, n.step, n.time_spans()):
                n.step = first  # "let me know and I'll get it on the install calendar"

    def _fallback_steps(self, n: Note) -> list[tuple[int, int]]:
        """Step candidates where the span model found none, by how sure the note-level model
        is that there is a step. Leaning to one: the token tagger's span if the tagger is sure
        of it, else the rule's phrase the step acceptor is sure of. Sure of one: the tagger's
        span, unless the acceptor is surer of a rule phrase apart from it by
        ``step_phrase_margin``; without a tagger span, the phrase after a next-step label, else
        the rule's step phrases the acceptor accepts (surer still: all of them, for the step
        ranker to choose from). Phrases under an action header come first."""
        clf = self._clf
        if n.presence < min(clf.step_fallback, clf.step_sure_floor):
            return []
        zone = action_zone(n.text)  # under an "Action items:" header, if the note has one
        found = clf.tagger.best_span(
            "next_step",
            n.text,
            *n.tagger_input(),
            threshold=clf.step_tagger_threshold,
            sentences=n.sentences,
            extend=clf.step_extend,
            after=zone,
        )
        if found is not None and never_a_step(n.text, found[:2]):
            found = None  # "Had a call today"; a lone "-" or "us" the tagger peaked on
        if found is not None:
            # a peak inside a customer's request is the request ("2 containrar" of "vill ha
            # quote på 2 containrar")
            asked = next(
                (r for r in request_phrases(n.text, n.rule_folded(), n.mentions) if overlaps(r, *found[:2])),
                None,
            )
            if asked is not None:
                found = (*asked, found[2])
        # a to-do list's items are the rep's tasks: read as if sure there is a step
        if n.presence < clf.step_fallback and not opens_todo(n.text):
            if found and found[2] >= clf.step_tagger_sure:
                return [found[:2]]
            if clf.step_ranker is None or clf.step_phrase_lean > 1.0:
                return []
            # else the rule's phrase the step acceptor is sure of ("3. Next meeting to resolve ...")
            scored = self._accepted(zoned(step_phrases(n), zone), n)
            lean = [ps for ps in scored if ps[1] >= clf.step_phrase_lean]
            return [max(lean, key=lambda ps: ps[1])[0]] if lean else []
        if found and (found[2] + clf.step_phrase_margin > 1.0 or clf.step_ranker is None):
            return [found[:2]]  # no phrase can beat it by the margin
        if found is None:
            labelled = labelled_step(n.text, n.mentions)  # "Next steps discussed: contract review"
            if labelled:
                return [labelled]
            if clf.step_ranker is None:
                return []
        phrases = zoned(step_phrases(n), zone)
        if found:  # a protokoll's title (tagger 0.27) against its item "Nästa möte" (acceptor 0.80)
            scored = self._accepted([p for p in phrases if p[1] <= found[0] or p[0] >= found[1]], n)
            best = max(scored, key=lambda ps: ps[1], default=None)
            return [best[0] if best and best[1] >= found[2] + clf.step_phrase_margin else found[:2]]
        if n.presence >= clf.step_proposal_floor:
            return phrases
        # Sure of a step but below the proposal floor: the phrases the step acceptor accepts
        # ("Möte med Anna 14/4 kl 9", a verbless line neither the span model nor the tagger reads)
        return [p for p, score in self._accepted(phrases, n) if score >= clf.step_phrase_accept]

    def _accepted(self, phrases: list[tuple[int, int]], n: Note) -> list[tuple[tuple[int, int], float]]:
        """Each phrase with the step acceptor's probability that it is the note's step (the
        step ranker's in artifacts without an acceptor)."""
        if not phrases:
            return []
        feats = step_features(n.text, phrases, n.mentions, n.note_date, n.folded, n.sentences)
        if self._clf.step_acceptor is not None:
            feats = acceptor_features(feats, phrases, n.text, n.presence)
        return list(zip(phrases, self._clf.accept_scores(feats).tolist(), strict=True))

    def label_step(self, notes: list[Note]) -> None:
        clf = self._clf
        for n in notes:
            if n.step is None:
                continue
            start, end = n.step = tidy_step(n.text, *n.step, n.time_spans())
            action, owner, confidence = self._labels(n, start, end)
            # neither the note-level nor the action model believes in it, and it is not the
            # planned activity of a record (whose shape the presence model does not read)
            if confidence < clf.step_confidence_floor and not (
                n.step_is_stated or is_activity(n, start, end)
            ):
                # ... then what the note states ("Want a quote incl. AV"): another phrase, or
                # this one kept when the note states it ("Next steps: contract redlines back")
                stated = stated_step(n)
                if stated is None:
                    n.step = None
                    continue
                if not overlaps(stated, start, end):
                    start, end = n.step = tidy_step(n.text, *stated, n.time_spans())
                    action, owner, confidence = self._labels(n, start, end)
                n.step_is_stated = True
            wished = contact_wished(n.rule_folded(), (start, end))
            if wished is not None:
                action, owner = wished, "seller"  # "vill bli uppringd": the rep's call (SPEC)
            elif (action, owner) != ("call", "seller") and overlaps(
                retry_step(n.text, n.rule_folded()), start, end
            ):
                # the retry of an unanswered call is the rep's call (42 of 42 annotated retries
                # are calls, 44 of 45 the seller's)
                action, owner = "call", "seller"
            elif (
                owner != "seller"
                and action in ("call", "send", "email")
                and imperative_task(n.text, (start, end))
            ):
                owner = "seller"  # "Call to discuss renewal terms", "skicka offt": the rep's own to-do
            elif owner != "seller" and assigned_to_us(n.text, (start, end)):
                owner = "seller"  # "- Malin skickar underlaget" with "Deltagare: ..., Malin, Petra"
            elif owner == "both" and books_own(n.text, (start, end)):
                owner = "seller"  # "Boka platsbesök Hotell Vindö": the rep's to-do
            elif owner != "seller" and own_subjectless(n.text, (start, end)):
                owner = "seller"  # "Återkommer efter semestern": the rep's own
            elif owner == "customer" and we_are_asked(n.text, (start, end)):
                owner = "seller"  # "Vill att vi hör av oss nästa år": asked of us
            elif owner != "customer" and calls_us_back(n.text, (start, end)):
                owner = "customer"  # "Annika ringer upp imorgon fm": they call us
            elif owner == "seller" and signed_by_buyer(n.text, (start, end)):
                owner = "customer"  # "Jag ringer dig tisdag ... Mvh Per Wallin, Sektionschef": theirs
            elif owner != "customer" and thanked_for_ours(n.text, (start, end)):
                owner = "customer"  # "Tack för offerten. Jag hör av mig när ...": they write
            elif owner != "customer" and their_promise(n.text, (start, end)):
                owner = "customer"  # "she'll set up a call with him": theirs
            elif owner != "customer" and action in ("send", "email") and sent_to_us(n.text, (start, end)):
                owner = "customer"  # "Nina to send venue specs by Friday so we can build ..."
            n.next_step = NextStep(
                text=n.text[start:end],
                start=start,
                end=end,
                action=action,
                owner=owner,
                confidence=round(confidence, 3),
            )

    def _labels(self, n: Note, start: int, end: int) -> tuple[str, str, float]:
        """The step's action and owner (the wide owner model's, where the model has one and
        the step is no meeting or demo), and its confidence: the mean of the note-level model's
        and the action model's."""
        clf = self._clf
        context = n.context(start, end)
        if clf.owner_wide is None:
            (action, p_action), (owner, _) = clf.predict_labels((clf.action, clf.owner), context)
        else:
            # (the wide owner model shares the action model's vector of the span; the story
            # notes' model makes its own only for a meeting or demo, whose owner keeps its
            # convention: both attend)
            (action, p_action), (owner, _) = clf.predict_labels((clf.action, clf.owner_wide), context)
            if action in ("meeting", "demo"):
                owner = clf.predict_label(clf.owner, context)[0]
        return action, owner, (n.presence + p_action) / 2

    def find_reason(self, notes: list[Note]) -> None:
        """The step's reason (one in its sentence, else the nearest:
        :func:`~model.reasons.nearest_reason`) from the span model, else the reason picker's
        purpose, else (for a record's planned activity) its purpose field or subject, else the
        tagger."""
        for n in notes:
            if n.step is None:
                continue
            # The step itself is never its reason ("Sign the contract" tagged as both; the step
            # has been tidied, so the reason is compared tidied the same way), nor who the step
            # is done with ("Schedule a demo with the IT team").
            # Where none of the span model's reasons is the step's own, the fallbacks may find it
            reasons = [
                r
                for r in n.reasons
                if tidy_step(n.text, *r, n.time_spans()) != n.step
                and not is_who(n.text, n.rule_folded(), r)
                and _own_reason(n, r)
            ]
            if not reasons:
                reasons = [r for r in self._fallback_reasons(n) if _own_reason(n, r)]
            if not reasons and (split := topic_inside(n.text, n.step)):
                # "ring lindgrens tak om bom lyften som står kvar": the call, and its topic
                _narrow_step(n, split[0])
                reasons = [split[1]]
            if not reasons:
                continue
            nearest = nearest_reason(reasons, n.step, n.bounds, partial(self._surest, n))
            r_start, r_end = tidy_reason(n.text, nearest, n.step)
            _narrow_step(n, step_before_reason(n.text, n.step, (r_start, r_end)))
            n.reason = self._reason(n, r_start, r_end)

    def _fallback_reasons(self, n: Note) -> list[tuple[int, int]]:
        """Where the span model has no reason for the step: the reason picker's purpose, else
        (for a record's planned activity) its purpose field or subject, else the tagger's."""
        clf = self._clf
        if clf.reason_picker is not None and (picked := self._telegraphic_reason(n)):
            return picked
        if n.step_is_activity:  # "Type: Möte / Ämne: Kajen – förhandla timpriser"
            purpose = record_reason(n.text, n.step, n.rule_folded())  # type: ignore[arg-type]
            if purpose and not is_who(n.text, n.rule_folded(), purpose):
                return [purpose]
        if clf.reason_fallback <= 1.0:
            found = clf.tagger.best_span(
                "reason", n.text, *n.tagger_input(), threshold=clf.reason_fallback, sentences=n.sentences
            )
            if found is not None and _plausible_reason(n, n.step, found[:2]):  # type: ignore[arg-type]
                return [found[:2]]
        return []

    def _surest(self, n: Note, reasons: list[tuple[int, int]]) -> tuple[int, int] | None:
        """Of several reasons in the step's sentence, the one the reason picker is surest of,
        when it scores two or more of them and is sure of one ("skickar avtalet för
        underskrift så att de hinner boka artisterna": the purpose after "så att", not the
        document's use after "för"); None otherwise."""
        if self._clf.reason_picker is None:
            return None
        folded = n.rule_folded()
        cands = propose_reasons(n.text, folded, n.step, n.mentions)  # type: ignore[arg-type]
        if not cands:
            return None
        scores = self._clf.reason_scores(reason_features(n.text, folded, n.step, cands))  # type: ignore[arg-type]
        by_start = {span[0]: float(p) for (span, *_), p in zip(cands, scores, strict=True)}
        scored = [(by_start[r[0]], r) for r in reasons if r[0] in by_start]
        if len(scored) < 2:
            return None
        best, reason = max(scored, key=lambda sr: sr[0])
        return reason if best >= self._clf.reason_pick_threshold else None

    def _telegraphic_reason(self, n: Note) -> list[tuple[int, int]]:
        """The proposed purpose the reason picker is sure of (``[]`` when none is)."""
        folded = n.rule_folded()
        cands = propose_reasons(n.text, folded, n.step, n.mentions)  # type: ignore[arg-type]
        if not cands:
            return []
        scores = self._clf.reason_scores(reason_features(n.text, folded, n.step, cands))  # type: ignore[arg-type]
        for best in sorted(range(len(cands)), key=lambda i: -scores[i]):
            if scores[best] < self._clf.reason_pick_threshold:
                break
            if not is_who(n.text, folded, cands[best][0]):  # "quote to Colin"
                return [cands[best][0]]
        return []

    def choose_when(self, notes: list[Note]) -> None:
        clf = self._clf
        for n in notes:
            if n.step is None or not n.mentions:
                continue
            feats = when_features_all(n.text, n.mentions, n.step, n.note_date, n.folded, n.sentences)
            probs = clf.when_proba(feats)
            # A past date ("last week", "i tisdags", a date with an explicit year before the
            # note date, "Offert skickad 24/2") is a record, never the step's (SPEC).
            # Nor is the date of the customer's own meeting the step comes after (their board's)
            # Nor is a journal's label of a day gone by ("Wed-Thu: workshop audit, all fine"),
            # or of the day it is written ("Fri: sent Stian the pricing" on a Friday)
            # Nor a date inside the reason ("... till things calm down after the conference season")
            r = n.reason
            for i, m in enumerate(n.mentions):
                if (
                    m.past
                    or (r is not None and r.start < m.start and m.end < r.end)
                    or log_stamp(n.text, m, n.note_date)
                    or customer_event(n.text, m, n.step)
                    or past_entry_label(n.text, m, n.mentions, n.note_date)
                    or todays_label(n.text, m, n.note_date)
                ):
                    probs[i] = 0.0
            best = int(probs.argmax())
            if probs[best] < clf.when_threshold:
                # a next-contact date field's value ("Follow-up date: 2/13") is the step's when
                fields = [i for i, m in enumerate(n.mentions) if probs[i] > 0.0 and in_date_field(n.text, m)]
                if not fields:
                    continue
                best = fields[0]
            m = n.mentions[best]
            n.when = When(
                text=m.text,
                start=m.start,
                end=m.end,
                granularity=m.granularity,
                value=m.value,
                has_time=m.has_time,
                clear=m.clear,
                confidence=round(float(probs[best]), 3),
            )
            if n.reason is not None:
                n.reason = reason_beside(n.text, n.reason, (m.start, m.end), n.step)

    def separate_reason(self, notes: list[Note]) -> None:
        """A reason that still overlaps its step once both are tidied and cut from the when
        keeps only its own words after the step (a purpose, condition or topic); without such
        words, the reason picker's purpose apart from the step takes its place, and failing that
        it stays (no annotated reason overlaps its step, but dropping it measured worse: a note
        whose span model tags a reason there mostly has one)."""
        for n in notes:
            r, step = n.reason, n.step
            if r is None or step is None:
                continue
            kept = reason_after_step(n.text, (r.start, r.end), step, n.time_spans())
            if kept is None:
                others = [c for c in self._telegraphic_reason(n) if c[1] <= step[0] or c[0] >= step[1]]
                kept = tidy_reason(n.text, others[0], step) if others else (r.start, r.end)
            if kept != (r.start, r.end):
                n.reason = self._reason(n, *kept)

    def _reason(self, n: Note, start: int, end: int) -> Reason:
        """The reason at ``start:end`` of the note, with the clarity model's answer."""
        clear, p_clear = self._clf.predict_label(self._clf.clear, n.context(start, end))
        return Reason(
            text=n.text[start:end], start=start, end=end, clear=bool(clear), confidence=round(p_clear, 3)
        )

    def to_caller_offsets(self, notes: list[Note]) -> None:
        for n in notes:
            if n.source.changed:
                n.next_step, n.reason, n.when = (
                    _to_original(f, n.source) for f in (n.next_step, n.reason, n.when)
                )

    def _result(self, n: Note) -> ScoreResult:
        """The SPEC's answer from the note's fields (score, verdict, missing, questions)."""
        return build_result(n.next_step, n.reason, n.when, n.language, self.version)


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


def _narrow_step(note: Note, span: tuple[int, int]) -> None:
    """The note's step narrowed to ``span`` (its reason cut off), its labels kept."""
    if span != note.step and note.next_step is not None:
        note.step = span
        note.next_step = note.next_step.model_copy(
            update={"text": note.text[span[0] : span[1]], "start": span[0], "end": span[1]}
        )


def _own_reason(note: Note, reason: tuple[int, int]) -> bool:
    """Whether a reason can be the step's: an item of a list is its own (another item's reason
    is not this step's), a record's status field ("Status: Planned") is no reason, nor is the
    rep's bare promise to send what the step asks for ("get it over to her"), nor what the
    writer thanks for ("Tack för offerten och för att ni tog fram leasingalternativet")."""
    return (
        not other_item(note.text, note.step, reason)  # type: ignore[arg-type]
        and not in_status_field(note.text, reason)
        and not bare_send(note.text, reason, note.time_spans())
        and not thanked_for(note.text, reason)
    )


def _plausible_reason(note: Note, step: tuple[int, int], reason: tuple[int, int]) -> bool:
    """A tagger-found reason must be two words or more, apart from the step, not inside a time
    expression ("innan årsskiftet" is a when, never a reason), not who the step is done with,
    and in the step's sentence or the one after it."""
    if not apart(reason, step, note.mentions) or is_who(note.text, note.rule_folded(), reason):
        return False
    text = note.text
    if len(text[reason[0] : reason[1]].split()) < 2:
        return False
    left, right = note.bounds(*step)
    next_right = note.bounds(right + 1, right + 1)[1] if right + 1 < len(text) else right
    return left <= reason[0] and reason[1] <= max(right, next_right)


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
