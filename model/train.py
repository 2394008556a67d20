"""Training: the span model and the classifiers from annotated notes, saved with metadata."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from model.artifacts import Artifacts, save_artifacts
from model.classify import REFITTABLE, train_classifiers
from model.data import normalized_record
from model.evaluate import evaluate
from model.pipeline import Klarsteg, NoteInput, parse_note_date
from model.spans import train_span_model
from model.when import find_times

log = logging.getLogger(__name__)


def predict(model: Klarsteg, records: Sequence[dict]) -> list[dict]:
    """Predictions for annotated records, as the SPEC's JSON dicts."""
    notes = [NoteInput(r["text"], parse_note_date(r["note_date"]), "auto") for r in records]
    return [res.model_dump() for res in model.score_many(notes)]


THRESHOLD_GRID: list[tuple[str, tuple[float, ...]]] = [
    ("when_threshold", (0.2, 0.3, 0.4, 0.5, 0.6)),
    ("step_fallback", (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)),
    ("step_tagger_threshold", (0.15, 0.2, 0.25, 0.3, 0.35)),
    ("step_extend", (0.4, 0.6, 0.8, 1.0)),
    ("step_proposal_floor", (0.8, 0.9, 0.95, 0.98, 1.01)),
    # ties go to the earlier value (for the step ranker's scores, 0.3 took our own probe "Samtal
    # med Jonas fredag kl 10" and not the cut "review scheduled for"; with the step acceptor,
    # dev chose 0.4 outright)
    ("step_phrase_accept", (0.3, 0.4, 0.5, 0.2, 1.01)),
    ("step_phrase_margin", (1.01, 0.5, 0.4, 0.3, 0.2)),
    ("step_phrase_lean", (1.01, 0.95, 0.9, 0.85, 0.8)),
    ("step_sure_floor", (0.4, 0.45, 0.5, 0.55, 0.6, 1.01)),
    ("step_tagger_sure", (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9)),
    ("step_confidence_floor", (0.0, 0.4, 0.45, 0.48, 0.5, 0.52, 0.55)),
    ("reason_pick_threshold", (0.3, 0.4, 0.5, 0.6, 0.7, 1.01)),
    ("reason_fallback", (0.3, 0.4, 0.5, 0.6, 0.7, 1.01)),
    ("presence_floor", (0.0, 0.05, 0.1, 0.2, 0.3)),
]


def _objective(report: dict[str, Any]) -> float:
    m = report["all"]
    return (
        m["verdict_accuracy"]
        + m["next_step"]["f1"]
        + m["reason"]["f1"]
        + (m["when_value_accuracy"] or 0.0)
        + max(0.0, m["spearman_score_rating"] or 0.0)
    )


def tune_thresholds(model: Klarsteg, dev_records: Sequence[dict], names: Sequence[str] | None = None) -> None:
    """Set the decision thresholds (or only ``names``) one at a time to what does best on the
    dev split."""
    clf = model.artifacts.classifiers
    grids = [(name, grid) for name, grid in THRESHOLD_GRID if names is None or name in names]
    # Two passes: the thresholds interact (a lower tagger threshold wants a higher fallback).
    for name, grid in grids * 2:
        scores = []
        for value in grid:
            setattr(clf, name, value)
            report, _ = evaluate(dev_records, predict(model, dev_records))
            scores.append((_objective(report), -grid.index(value), value))
            log.info("%s=%.2f: dev objective %.4f", name, value, scores[-1][0])
        setattr(clf, name, max(scores)[2])
        log.info("chose %s=%.2f", name, getattr(clf, name))


def train(
    train_records: Sequence[dict],
    dev_records: Sequence[dict],
    out_dir: Path,
    *,
    data_sha256: str,
    seed: int = 13,
    span_epochs: int = 30,
    span_time_budget_s: float = 900.0,
    span_width: int | None = None,
    span_depth: int | None = None,
    reason_records: Sequence[dict] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train every component, pick the when threshold on dev, save; return the metadata.

    ``reason_records``: more annotated notes the reason picker learns from beside
    ``train_records`` (the shipped model's: ``training_data/extra/``, which measured better for
    the picker and not for the other components). ``extra`` goes into the metadata as it is
    (``klarsteg retrain`` puts the model's lineage there).
    """
    started = time.monotonic()
    # learn on the text that scoring reads (HTML as plain text, bullets unified)
    train_records = [normalized_record(r) for r in train_records]
    spans, span_f1 = train_span_model(
        train_records,
        [normalized_record(r) for r in dev_records],
        seed=seed,
        epochs=span_epochs,
        time_budget_s=span_time_budget_s,
        width=span_width,
        depth=span_depth,
    )
    log.info("span model trained: dev span F1 %.3f (%.0f s)", span_f1, time.monotonic() - started)
    reason_records = [normalized_record(r) for r in reason_records]
    classifiers = train_classifiers(train_records, seed=seed, reason_records=reason_records)
    reason_notes = len(train_records) + len(reason_records)
    model = Klarsteg(Artifacts(spans=spans, classifiers=classifiers, metadata={"version": "dev"}))
    if dev_records:
        tune_thresholds(model, dev_records)
    dev_report: dict[str, Any] = {}
    if dev_records:
        dev_report, _ = evaluate(dev_records, predict(model, dev_records))
    metadata = save_artifacts(
        out_dir,
        spans,
        classifiers,
        data_sha256=data_sha256,
        seed=seed,
        dev_metrics=dev_report.get("all", {}),
        extra={
            "span_dev_f1": round(span_f1, 4),
            "thresholds": {name: getattr(classifiers, name) for name, _ in THRESHOLD_GRID},
            "train_notes": len(train_records),
            "reason_notes": reason_notes,
            "dev_notes": len(dev_records),
            "train_seconds": round(time.monotonic() - started, 1),
            **(extra or {}),
        },
    )
    return metadata


def retrain_components(
    base: Artifacts,
    components: Sequence[str],
    train_records: Sequence[dict],
    dev_records: Sequence[dict],
    out_dir: Path,
    *,
    data_sha256: str,
    seed: int = 13,
    tune: Sequence[str] = (),
    spans_from: Artifacts | None = None,
) -> dict[str, Any]:
    """Fit ``components`` (names in :data:`model.classify.REFITTABLE`) again with the current
    code on ``train_records``, tune the thresholds named in ``tune`` on ``dev_records``, keep
    the rest of ``base`` (its span model, other classifiers and thresholds) and save the result
    with its lineage; return the metadata.

    For a change to one ranker's features: a minute instead of a full training, and the span
    model (whose training is bounded by time, so not reproducible to the bit) stays the same.
    ``spans_from``: another model (a full training's) whose span model replaces the base's,
    beside the base's classifiers and thresholds (``components`` may then be empty).
    """
    unknown = sorted(set(components) - set(REFITTABLE))
    if unknown:
        raise ValueError(f"cannot retrain {', '.join(unknown)} alone; choose from {', '.join(REFITTABLE)}")
    thresholds = [name for name, _ in THRESHOLD_GRID]
    if set(tune) - set(thresholds):
        raise ValueError(
            f"cannot tune {', '.join(sorted(set(tune) - set(thresholds)))}; choose from {', '.join(thresholds)}"
        )
    started = time.monotonic()
    records = [normalized_record(r) for r in train_records]
    mentions = (
        [find_times(r["text"], date.fromisoformat(r["note_date"])) for r in records] if components else []
    )
    classifiers = base.classifiers
    for name in components:
        setattr(classifiers, name, REFITTABLE[name](records, mentions, seed))
        log.info("refitted %s", name)
    classifiers.__dict__.pop("_fast", None)  # the fast twins are derived again from the new fits
    spans = base.spans if spans_from is None else spans_from.spans
    model = Klarsteg(Artifacts(spans=spans, classifiers=classifiers, metadata={"version": "dev"}))
    if tune and dev_records:
        tune_thresholds(model, dev_records, tune)
    dev_report, _ = evaluate(dev_records, predict(model, dev_records)) if dev_records else ({}, [])
    previous = base.metadata
    span_source = previous if spans_from is None else spans_from.metadata
    return save_artifacts(
        out_dir,
        spans,
        classifiers,
        data_sha256=data_sha256,
        seed=seed,
        dev_metrics=dev_report.get("all", {}),
        extra={
            "span_dev_f1": span_source.get("span_dev_f1"),
            "thresholds": {name: getattr(classifiers, name) for name in thresholds},
            "train_notes": len(records),
            "dev_notes": len(dev_records),
            "train_seconds": round(time.monotonic() - started, 1),
            "base_model": previous.get("version"),
            "refitted": list(components),
            "tuned": list(tune),
            **({} if spans_from is None else {"span_model_from": spans_from.metadata.get("version")}),
        },
    )
