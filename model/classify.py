"""The scikit-learn classifiers: action, owner, reason clarity, note-level presence, when ranker,
and the step ranker that picks the primary step among several candidates, and the step acceptor
that decides whether a lone rule-proposed phrase is a step at all.

All are linear models over sparse features: fast to train, fast to apply, and they give
calibrated-enough probabilities for the ``confidence`` fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline

from model.choose import mention_overlaps, when_features_all
from model.data import locate
from model.fastlinear import FastDictLR, FastTfidfLR, TfidfVectors, Vector, fast_model, share_vectors
from model.features import SpanContext, note_analyzer, span_analyzer, span_context
from model.reasons import reason_examples
from model.steps import acceptor_examples, ranker_examples
from model.tokentag import TokenTagger, train_token_tagger
from model.when import TimeMention, find_times


def _span_pipeline(c: float, seed: int) -> Pipeline:
    return make_pipeline(
        TfidfVectorizer(analyzer=span_analyzer, sublinear_tf=True, min_df=1),
        LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed),
    )


@dataclass
class Classifiers:
    """The fitted classifiers, saved together in one joblib file."""

    action: Pipeline
    owner: Pipeline
    clear: Pipeline
    presence: Pipeline
    when: Pipeline
    tagger: TokenTagger
    when_threshold: float = 0.5
    # Use the token tagger when the NER finds no step but the note-level model is this sure.
    step_fallback: float = 0.7
    # The token tagger's per-token probability that makes a fallback step span.
    step_tagger_threshold: float = 0.35
    # A fallback step span grows over neighbours of at least this share of that threshold.
    step_extend: float = 1.0
    # Use the token tagger for a reason the NER missed when its peak is at least this.
    reason_fallback: float = 0.5
    # Drop an NER step when the note-level model gives a step less than this.
    presence_floor: float = 0.0
    # Picks the primary step among several candidates (model.steps); None in older artifacts.
    step_ranker: Pipeline | None = None
    # Decides which proposed telegraphic purpose is the reason (model.reasons), when the span
    # model found none and its best candidate is at least this likely.
    reason_picker: Pipeline | None = None
    reason_pick_threshold: float = 0.5
    # Whether a rule-proposed step phrase is the note's step at all, for the fallbacks where the
    # span model and the tagger are silent (the ranker only compares candidates); None in older
    # artifacts, which use the step ranker's score instead.
    step_acceptor: Pipeline | None = None
    # When the note-level model is at least this sure of a step that neither the span model nor
    # the token tagger found, the step ranker picks one of the rule-proposed step phrases
    # (above 1: never). The thresholds below compare the step acceptor's probabilities.
    step_proposal_floor: float = 1.01
    # Below that floor (but sure of a step), the rule's step phrases the acceptor scores at
    # least this high ("Samtal med Jonas fredag kl 10", a verbless calendar entry).
    step_phrase_accept: float = 0.5
    # The tagger's span yields to the rule's step phrase apart from it when the acceptor is
    # surer of the phrase than the tagger of its span by at least this (above 1: never): a
    # minutes' title ("Protokoll styrgruppsmöte", tagger 0.27) against "Nästa möte" (acceptor 0.80).
    step_phrase_margin: float = 1.01
    # Leaning to a step (below ``step_fallback``) with no tagger span it is sure of: the rule's
    # step phrase the acceptor scores at least this ("3. Next meeting to resolve penalty
    # clause", "Kontakta Lantmästarna AB i december"; above 1: never).
    step_phrase_lean: float = 1.01
    # Below ``step_fallback``, down to this presence, the token tagger's span is still the step
    # when its peak is at least ``step_tagger_sure`` (above 1: never): a step both models lean
    # to ("Will post both tomorrow" in a month's journal) rather than one either is sure of.
    step_sure_floor: float = 1.01
    step_tagger_sure: float = 0.65
    # Drop the chosen step when the mean of the note-level model's presence and the action
    # model's probability is below this: neither believes in it ("On hold", "Sent" in a log).
    step_confidence_floor: float = 0.0
    # The owner of a step that is not a meeting or a demo, learned from every annotated register
    # (train and extra/, the story notes weighted three times); None in older artifacts, which use
    # ``owner`` for every step. A meeting's or demo's owner stays ``owner``'s (train.jsonl's
    # conventions: both attend).
    owner_wide: Pipeline | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The fast paths are derived at load time and never saved with the artifacts.
        state = dict(self.__dict__)
        state.pop("_fast", None)
        state.pop("_positive_at", None)
        return state

    def _positive_index(self, model: Pipeline) -> int:
        """Where ``True`` is in ``model.classes_`` (looked up once per model)."""
        known = self.__dict__.setdefault("_positive_at", {})
        entry = known.get(id(model))
        if entry is None or entry[0] is not model:  # keyed by id, holding the model too
            entry = known[id(model)] = (model, list(model.classes_).index(True))
        return entry[1]

    def prepare(self) -> None:
        """Derive the fast prediction paths from the fitted models (see :mod:`model.fastlinear`)."""
        models = tuple(
            m
            for m in (
                self.action,
                self.owner,
                self.owner_wide,
                self.clear,
                self.presence,
                self.when,
                self.step_ranker,
                self.step_acceptor,
                self.reason_picker,
            )
            if m is not None
        )
        # Keyed by id, holding the model too: a model replaced after this is noticed.
        self.__dict__["_fast"] = {id(m): (m, fast_model(m)) for m in models}
        share_vectors(fast for _, fast in self.__dict__["_fast"].values())
        self.tagger.prepare()

    def _fast_for(self, model: Pipeline) -> FastTfidfLR | FastDictLR | None:
        entry = self.__dict__.get("_fast", {}).get(id(model))
        if entry is None or entry[0] is not model:
            self.prepare()
            entry = self.__dict__["_fast"].get(id(model), (model, None))
        return entry[1]

    def predict_label(self, model: Pipeline, ctx: SpanContext) -> tuple[Any, float]:
        """Most likely label and its probability for one span in context."""
        return self.predict_labels((model,), ctx)[0]

    def predict_labels(self, models: Sequence[Pipeline], ctx: SpanContext) -> list[tuple[Any, float]]:
        """``predict_label`` of several models for one span; models whose vectorizers give the
        same vectors (action and owner) share the span's vector instead of computing it again."""
        vectors: dict[TfidfVectors, Vector] = {}
        out = []
        for model in models:
            fast = self._fast_for(model)
            if isinstance(fast, FastTfidfLR):
                if fast.vectors in vectors:
                    vector = vectors[fast.vectors]
                else:
                    vector = vectors[fast.vectors] = fast.vectors.of(ctx)
                best, p_best = fast.head.best_class(fast.decision_from_vector(vector))
                out.append((_label(fast.classes_[best]), p_best))
            else:
                proba = model.predict_proba([ctx])[0]
                best = int(proba.argmax())
                out.append((_label(model.classes_[best]), float(proba[best])))
        return out

    def presence_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability that each note states a next step at all."""
        positive = self._positive_index(self.presence)
        fast = self._fast_for(self.presence)
        if isinstance(fast, FastTfidfLR):
            if fast.head.binary:  # proba_from_decision's [1 - p, p], without the array
                ps = [fast.head.second_class_proba(fast.decision(t)) for t in texts]
                return ps if positive == 1 else [1.0 - p for p in ps]
            return [float(fast.proba(t)[positive]) for t in texts]
        return [float(p[positive]) for p in self.presence.predict_proba(list(texts))]

    def step_scores(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Probability, for each candidate step's features, that it is the primary step."""
        assert self.step_ranker is not None
        return self._positive(self.step_ranker, feats)

    def accept_scores(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Probability, for each proposed step phrase's features, that it is the note's step
        (the step acceptor's, or the step ranker's in artifacts without one)."""
        model = self.step_acceptor if self.step_acceptor is not None else self.step_ranker
        assert model is not None
        return self._positive(model, feats)

    def reason_scores(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Probability, for each proposed purpose's features, that it is the step's reason."""
        assert self.reason_picker is not None
        return self._positive(self.reason_picker, feats)

    def _positive(self, model: Pipeline, feats: Sequence[dict[str, float]]) -> np.ndarray:
        positive = self._positive_index(model)
        fast = self._fast_for(model)
        if isinstance(fast, FastDictLR):
            p = fast.positive_proba(feats)
            return p if positive == 1 else 1.0 - p
        return model.predict_proba(list(feats))[:, positive]

    def when_proba(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Probability, for each candidate mention's features, that it is the step's when."""
        positive = self._positive_index(self.when)
        fast = self._fast_for(self.when)
        if isinstance(fast, FastDictLR):
            p = fast.positive_proba(feats)
            return p if positive == 1 else 1.0 - p
        return self.when.predict_proba(list(feats))[:, positive]


def _label(label: Any) -> bool | str:
    """A class label as the results carry it (numpy's bools and strings as Python's)."""
    return bool(label) if isinstance(label, np.bool_ | bool) else str(label)


def _contexts(records: Sequence[dict], field: str) -> list[tuple[SpanContext, dict]]:
    out = []
    for r in records:
        span = locate(r["text"], r.get(field))
        if span is not None:
            out.append((span_context(r["text"], span.start, span.end), r))
    return out


def when_examples(
    records: Sequence[dict], mentions_of: Sequence[Sequence[TimeMention]] | None = None
) -> tuple[list[dict[str, float]], list[bool]]:
    """Ranker training rows: each time mention in a note with a gold next step."""
    feats: list[dict[str, float]] = []
    labels: list[bool] = []
    for k, r in enumerate(records):
        step = locate(r["text"], r.get("next_step"))
        if step is None:
            continue
        gold = locate(r["text"], r.get("when"))
        note_date = date.fromisoformat(r["note_date"])
        mentions = mentions_of[k] if mentions_of is not None else find_times(r["text"], note_date)
        feats.extend(when_features_all(r["text"], mentions, (step.start, step.end), note_date))
        labels.extend(gold is not None and mention_overlaps(m, gold.start, gold.end) for m in mentions)
    return feats, labels


def _ranker(
    feats: list[dict[str, float]], labels: list[bool], c: float, seed: int, balanced: bool = False
) -> Pipeline:
    """A logistic regression over feature dicts: the shape of every ranker here."""
    lr = LogisticRegression(
        C=c, max_iter=3000, class_weight="balanced" if balanced else None, random_state=seed
    )
    return make_pipeline(DictVectorizer(), lr).fit(feats, labels)


def fit_when_ranker(
    records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int
) -> Pipeline:
    """The when ranker: every time mention of a note with a gold step, positive when it is the
    gold when."""
    return _ranker(*when_examples(records, mentions), c=1.0, seed=seed)


def fit_step_ranker(
    records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int
) -> Pipeline:
    """The step ranker (:mod:`model.steps`) fitted on the gold steps and the rule's other phrases."""
    return _ranker(*ranker_examples(records, mentions), c=0.5, seed=seed, balanced=True)


def fit_step_acceptor(
    records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int
) -> Pipeline:
    """The step acceptor (:func:`model.steps.acceptor_examples`): every proposed phrase of every
    note, positive when it is the gold step. The note-level model's presence it reads comes
    from five models each fitted without a fifth of the notes (a model's presence on its own
    training notes is near 0 or 1, which the acceptor would learn to trust too much)."""
    labels = [r.get("next_step") is not None for r in records]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    presence = np.zeros(len(records))
    for fit_idx, held_idx in folds.split(np.zeros(len(records)), labels):
        model = fit_presence([records[i] for i in fit_idx], [mentions[i] for i in fit_idx], seed)
        positive = list(model.classes_).index(True)
        presence[held_idx] = model.predict_proba([records[i]["text"] for i in held_idx])[:, positive]
    return _ranker(*acceptor_examples(records, mentions, presence.tolist()), c=0.5, seed=seed)


def fit_reason_picker(
    records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int
) -> Pipeline:
    """The reason picker (:mod:`model.reasons`) fitted on the gold reasons and other purposes."""
    return _ranker(*reason_examples(records, mentions), c=0.5, seed=seed)


def fit_presence(records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int) -> Pipeline:
    """The note-level model: does the note state a next step at all (tf-idf words and pairs)."""
    return make_pipeline(
        TfidfVectorizer(analyzer=note_analyzer, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed),
    ).fit([r["text"] for r in records], [r.get("next_step") is not None for r in records])


def fit_tagger(records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int) -> TokenTagger:
    """The token tagger (:mod:`model.tokentag`), the fallback when the span model is silent."""
    by_text = {id(r): m for r, m in zip(records, mentions, strict=True)}
    return train_token_tagger(records, lambda r: by_text[id(r)], seed=seed)


def fit_action(records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int) -> Pipeline:
    """The action model: which kind of step a span is (call, send, meeting, ...)."""
    steps = _contexts(records, "next_step")
    return _span_pipeline(4.0, seed).fit([c for c, _ in steps], [r["next_step"]["action"] for _, r in steps])


def fit_owner_wide(records: Sequence[dict], mentions: Sequence[Sequence[TimeMention]], seed: int) -> Pipeline:
    """The owner model for steps other than meetings and demos, fitted on the same spans as
    :func:`fit_action` (so the two share a span's vector), the story notes (no register, or
    ``story``) weighted three times: the real registers outnumber them, and their owners must
    hold (weights 2, 3 and 4 measured on dev and dev_real: 3 and 4 alike, 2 worse)."""
    steps = _contexts(records, "next_step")
    weights = [3.0 if r.get("register", "story") == "story" else 1.0 for _, r in steps]
    return _span_pipeline(4.0, seed).fit(
        [c for c, _ in steps],
        [r["next_step"]["owner"] for _, r in steps],
        logisticregression__sample_weight=weights,
    )


# Components that ``retrain_components`` can fit again on their own (they read the date layer's
# mentions or the text alone; the span model and the span classifiers stay as trained).
REFITTABLE = {
    "when": fit_when_ranker,
    "step_ranker": fit_step_ranker,
    "step_acceptor": fit_step_acceptor,
    "reason_picker": fit_reason_picker,
    "presence": fit_presence,
    "tagger": fit_tagger,
    "action": fit_action,
    "owner_wide": fit_owner_wide,
}


def train_classifiers(
    records: Sequence[dict], seed: int = 13, reason_records: Sequence[dict] = ()
) -> Classifiers:
    """Fit every classifier on gold annotations; the reason picker, the action model and the
    wide owner model on ``reason_records`` too."""
    steps = _contexts(records, "next_step")
    reasons = _contexts(records, "reason")
    owner = _span_pipeline(4.0, seed).fit([c for c, _ in steps], [r["next_step"]["owner"] for _, r in steps])
    clear = _span_pipeline(2.0, seed).fit(
        [c for c, _ in reasons], [bool(r["reason"]["clear"]) for _, r in reasons]
    )
    mentions = [find_times(r["text"], date.fromisoformat(r["note_date"])) for r in records]
    return Classifiers(
        action=fit_action([*records, *reason_records], [], seed),
        owner=owner,
        owner_wide=fit_owner_wide([*records, *reason_records], [], seed) if reason_records else None,
        clear=clear,
        presence=fit_presence(records, mentions, seed),
        when=fit_when_ranker(records, mentions, seed),
        tagger=fit_tagger(records, mentions, seed),
        step_ranker=fit_step_ranker(records, mentions, seed),
        step_acceptor=fit_step_acceptor(records, mentions, seed),
        reason_picker=fit_reason_picker(
            [*records, *reason_records],
            [*mentions, *(find_times(r["text"], date.fromisoformat(r["note_date"])) for r in reason_records)],
            seed,
        ),
    )
