"""The learned span finder: a spaCy NER model that marks NEXT_STEP and REASON phrases.

It is trained from a blank multilingual pipeline (no pretrained weights exist for
Swedish that we may download at run time). Token norms are folded to ASCII so that
"möte" and "mote" share an embedding row, see :mod:`model.text`.
"""

from __future__ import annotations

import copy
import logging
import random
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import compounding, minibatch
from thinc.api import Adam, Config

from model.data import locate
from model.masking import MaskedText, mask_times
from model.text import fold
from model.when import find_times

log = logging.getLogger(__name__)

LABELS = {"next_step": "NEXT_STEP", "reason": "REASON"}
NER_CONFIG = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": {
            "@architectures": "spacy.HashEmbedCNN.v2",
            "pretrained_vectors": None,
            "width": 32,
            "depth": 2,
            "embed_size": 4000,
            "window_size": 1,
            "maxout_pieces": 3,
            "subword_features": True,
        },
    }
}


def _norm(text: str) -> str:
    return fold(text)


def blank_pipeline(ner_config: dict | None = None) -> Language:
    """A blank multilingual pipeline with our folded norms and an untrained NER."""
    nlp = spacy.blank("xx")
    nlp.vocab.lex_attr_getters[NORM] = _norm
    nlp.add_pipe("ner", config=ner_config or NER_CONFIG)
    return nlp


def load_span_model(path: Path) -> Language:
    """Load a trained span finder saved by :func:`train_span_model`.

    The NER is built from the saved model's own config (already hash-verified by the
    caller), so artifacts trained with other layer sizes still load.
    """
    saved = Config().from_disk(path / "config.cfg", interpolate=False)
    nlp = blank_pipeline({"model": saved["components"]["ner"]["model"]})
    nlp.from_disk(path, exclude=["tokenizer"])
    return nlp


def masked_note(record: dict) -> MaskedText:
    """The record's text with its time mentions replaced (see :mod:`model.masking`)."""
    return mask_times(record["text"], find_times(record["text"], date.fromisoformat(record["note_date"])))


def record_to_example(nlp: Language, record: dict) -> Example:
    """A training example on the masked note whose entities are the next step and reason."""
    masked = masked_note(record)
    doc = nlp.make_doc(masked.text)
    ents: list[Span] = []
    for field, label in LABELS.items():
        located = locate(record["text"], record.get(field))
        if located is None:
            continue
        start, end = masked.to_masked(located.start, located.end)
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or any(span.start < e.end and e.start < span.end for e in ents):
            continue
        ents.append(span)
    reference = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    reference.ents = [Span(reference, e.start, e.end, label=e.label_) for e in ents]
    return Example(doc, reference)


def _span_f1(nlp: Language, examples: Sequence[Example]) -> float:
    """Overlap-matched F1 of predicted spans against the reference, over both labels."""
    tp = fp = fn = 0
    docs = nlp.pipe((ex.reference.text for ex in examples), batch_size=64)
    for doc, ex in zip(docs, examples, strict=True):
        gold = [(e.start_char, e.end_char, e.label_) for e in ex.reference.ents]
        pred = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        matched: set[int] = set()
        for ps, pe, pl in pred:
            hit = next(
                (
                    i
                    for i, (gs, ge, gl) in enumerate(gold)
                    if gl == pl and ps < ge and gs < pe and i not in matched
                ),
                None,
            )
            if hit is None:
                fp += 1
            else:
                tp += 1
                matched.add(hit)
        fn += len(gold) - len(matched)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def train_span_model(
    train: Iterable[dict],
    dev: Iterable[dict],
    *,
    seed: int = 13,
    epochs: int = 30,
    patience: int = 8,
    time_budget_s: float = 360.0,
    width: int | None = None,
    depth: int | None = None,
) -> tuple[Language, float]:
    """Train the NER on annotated records; keep the epoch that does best on dev.

    Returns the pipeline and its dev span F1 (overlap matching).
    """
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    config = copy.deepcopy(NER_CONFIG)
    if width is not None:
        config["model"]["tok2vec"]["width"] = width
    if depth is not None:
        config["model"]["tok2vec"]["depth"] = depth
    nlp = blank_pipeline(config)
    ner = nlp.get_pipe("ner")
    for label in LABELS.values():
        ner.add_label(label)
    train_examples = [record_to_example(nlp, r) for r in train]
    dev_examples = [record_to_example(nlp, r) for r in dev]
    optimizer = nlp.initialize(
        lambda: train_examples, sgd=Adam(learn_rate=0.001, use_averages=True, L2=1e-6, grad_clip=1.0)
    )
    best_f1, best_bytes, stale = -1.0, nlp.to_bytes(exclude=["tokenizer"]), 0
    started = time.monotonic()
    for epoch in range(epochs):
        random.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(train_examples, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.25, losses=losses)
        # Evaluate and keep the averaged weights: steadier than the last update's.
        with nlp.use_params(optimizer.averages):
            f1 = _span_f1(nlp, dev_examples) if dev_examples else 0.0
            log.info("span epoch %d loss %.1f dev F1 %.3f", epoch, losses.get("ner", 0.0), f1)
            if f1 > best_f1:
                best_f1, best_bytes, stale = f1, nlp.to_bytes(exclude=["tokenizer"]), 0
            else:
                stale += 1
        if stale >= patience or time.monotonic() - started > time_budget_s:
            break
    nlp.from_bytes(best_bytes, exclude=["tokenizer"])
    return nlp, best_f1
