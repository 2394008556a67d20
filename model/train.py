"""Training: the span model and the classifiers from annotated notes, saved with metadata."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from model.artifacts import Artifacts, save_artifacts
from model.classify import train_classifiers
from model.evaluate import evaluate
from model.pipeline import Klarsteg, NoteInput, parse_note_date
from model.spans import train_span_model

log = logging.getLogger(__name__)


def predict(model: Klarsteg, records: Sequence[dict]) -> list[dict]:
    """Predictions for annotated records, as the SPEC's JSON dicts."""
    notes = [NoteInput(r["text"], parse_note_date(r["note_date"]), "auto") for r in records]
    return [res.model_dump() for res in model.score_many(notes)]


def train(
    train_records: Sequence[dict],
    dev_records: Sequence[dict],
    out_dir: Path,
    *,
    data_sha256: str,
    seed: int = 13,
    span_epochs: int = 30,
    span_time_budget_s: float = 360.0,
) -> dict[str, Any]:
    """Train every component, pick the when threshold on dev, save; return the metadata."""
    started = time.monotonic()
    spans, span_f1 = train_span_model(
        train_records, dev_records, seed=seed, epochs=span_epochs, time_budget_s=span_time_budget_s
    )
    log.info("span model trained: dev span F1 %.3f (%.0f s)", span_f1, time.monotonic() - started)
    classifiers = train_classifiers(train_records, seed=seed)
    model = Klarsteg(Artifacts(spans=spans, classifiers=classifiers, metadata={"version": "dev"}))
    best = (-1.0, 0.5)
    if dev_records:
        for threshold in (0.2, 0.3, 0.4, 0.5, 0.6):
            classifiers.when_threshold = threshold
            report, _ = evaluate(dev_records, predict(model, dev_records))
            acc = report["all"]["when_value_accuracy"] or 0.0
            log.info("when threshold %.1f: dev when value accuracy %.3f", threshold, acc)
            if acc > best[0]:
                best = (acc, threshold)
    classifiers.when_threshold = best[1]
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
            "when_threshold": classifiers.when_threshold,
            "train_notes": len(train_records),
            "dev_notes": len(dev_records),
            "train_seconds": round(time.monotonic() - started, 1),
        },
    )
    return metadata
