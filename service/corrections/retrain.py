"""``klarsteg retrain``: a candidate model from the training data plus corrections, compared
with the current model on data neither was trained on.

1. The corrections (``klarsteg corrections export``, or a team's own labelled file) are
   checked like the API checks them. The latest correction of a note wins; a correction
   whose note is in the frozen test split is dropped (the test split never holds, and is
   never trained on, a correction).
2. A held-out part of the corrections (``holdout``, 20% by default, chosen by a hash of the
   note's text, so the same file always splits the same way; none with fewer than 5) is
   kept out of training, to measure what the candidate learned from the rest.
3. The candidate is trained with :func:`model.train.train` on ``training_data/train.jsonl``
   plus the other corrections, each repeated ``weight`` times (a training note with the
   same text as a correction is left out: the correction is the newer answer), with the
   decision thresholds tuned on ``training_data/dev.jsonl`` as always. Its metadata holds
   its ``lineage``: the model it would replace, how many corrections it learned from, the
   date.
4. The current model and the candidate are evaluated (:func:`model.evaluate.evaluate`) on
   the frozen test split (``test.jsonl``, plus ``test_real.jsonl`` when it exists) and on
   the held-out corrections. ``promote`` is true only when no metric of the frozen test
   split drops by more than ``TOLERANCE`` (0.01).

Everything is written under the output folder: ``model/`` (the candidate's artifacts),
``comparison.json``, and the corrections it was trained on and held out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from model.data import data_hash, read_jsonl, write_jsonl
from service.corrections.check import OVERRIDE, STRICT, check_record, note_key

log = logging.getLogger("klarsteg.retrain")

ROOT = Path(__file__).resolve().parents[2]
TRAINING_DATA = ROOT / "training_data"
TOLERANCE = 0.01
MIN_FOR_HOLDOUT = 5
MODEL_SUBDIR = "model"
COMPARISON_FILE = "comparison.json"

# (key in comparison.json, label in the table, path in model.evaluate's report)
METRICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("next_step_f1", "next_step F1", ("next_step", "f1")),
    ("reason_f1", "reason F1", ("reason", "f1")),
    ("when_f1", "when F1", ("when", "f1")),
    ("when_value_accuracy", "when value accuracy", ("when_value_accuracy",)),
    ("action_accuracy", "action accuracy", ("action_accuracy",)),
    ("owner_accuracy", "owner accuracy", ("owner_accuracy",)),
    ("verdict_accuracy", "verdict accuracy", ("verdict_accuracy",)),
    ("spearman", "Spearman(score, rating)", ("spearman_score_rating",)),
)


class RetrainError(RuntimeError):
    """Input that cannot be trained on (invalid corrections, missing files); the message says why."""


@dataclass
class RetrainOptions:
    """What ``klarsteg retrain`` was asked to do."""

    corrections: Path
    out: Path
    weight: int = 3
    epochs: int = 30
    time_budget_s: float = 360.0
    holdout: float = 0.2
    seed: int = 13
    base: Path | None = None  # the current model (default: the one `klarsteg serve` loads)
    train: Path = TRAINING_DATA / "train.jsonl"
    # more notes the reason picker learns from, as the shipped model's does (the CLI passes
    # training_data/extra/*.jsonl unless --train names other data)
    reason_extra: list[Path] = field(default_factory=list)
    dev: Path = TRAINING_DATA / "dev.jsonl"
    tests: list[Path] = field(default_factory=list)  # default: test.jsonl (+ test_real.jsonl)


def default_test_files() -> list[Path]:
    """The frozen test split: ``test.jsonl``, and ``test_real.jsonl`` when it exists."""
    files = [TRAINING_DATA / "test.jsonl"]
    real = TRAINING_DATA / "test_real.jsonl"
    return files + [real] if real.exists() else files


def metric_values(report: dict[str, Any]) -> dict[str, float]:
    """The compared metrics of an ``evaluate`` report's ``all`` part (those with a value)."""
    out: dict[str, float] = {}
    for key, _, path in METRICS:
        value: Any = report
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, int | float):
            out[key] = round(float(value), 4)
    return out


def drops(
    current: dict[str, float], candidate: dict[str, float], tolerance: float = TOLERANCE
) -> dict[str, float]:
    """The metrics the candidate does worse on by more than ``tolerance`` (a metric it lacks
    counts as a drop), with the candidate's change."""
    out: dict[str, float] = {}
    for name, before in current.items():
        after = candidate.get(name)
        if after is None:
            out[name] = float("-inf")
        elif before - after > tolerance or after < before - tolerance:
            out[name] = round(after - before, 4)
    return out


def read_corrections(path: Path) -> list[dict[str, Any]]:
    """The corrections of a training-data file, each checked like the API checks one; the
    latest correction of a note (same text and note date) wins. Raises RetrainError listing
    the problems."""
    try:
        raw = read_jsonl(path)
    except (OSError, ValueError) as exc:
        raise RetrainError(f"cannot read the corrections {path}: {exc}") from exc
    problems: list[str] = []
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for i, record in enumerate(raw, 1):
        if not isinstance(record, dict):
            problems.append(f"{path}: record {i}: not a JSON object")
            continue
        check = record.get("date_check", STRICT)
        checked = check_record(record, date_check=check if check in (STRICT, OVERRIDE) else STRICT)
        if not checked.ok:
            problems.append(f"{path}: record {i} ({record.get('id', 'no id')}): {checked.detail()}")
            continue
        rec = dict(checked.record, id=str(record.get("id") or f"correction-{i}"))
        latest[(note_key(rec["text"]), rec["note_date"])] = rec
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise RetrainError(f"{len(problems)} invalid corrections:\n  {shown}{more}")
    return list(latest.values())


def split_held_out(records: Sequence[dict[str, Any]], fraction: float) -> tuple[list[dict], list[dict]]:
    """(trained, held out): ``fraction`` of the notes, at least one, when there are at least
    ``MIN_FOR_HOLDOUT``; chosen by a hash of each note's text, so the split is stable."""
    n = len(records)
    k = 0 if n < MIN_FOR_HOLDOUT or fraction <= 0 else max(1, int(n * fraction))
    order = sorted(range(n), key=lambda i: hashlib.sha256(note_key(records[i]["text"]).encode()).hexdigest())
    held = set(order[:k])
    return [r for i, r in enumerate(records) if i not in held], [
        r for i, r in enumerate(records) if i in held
    ]


def _read(path: Path, what: str) -> list[dict[str, Any]]:
    if not path.is_file():
        raise RetrainError(f"the {what} {path} does not exist (pass its path with the matching option)")
    return read_jsonl(path)


def _evaluate(model: Any, records: Sequence[dict[str, Any]]) -> dict[str, float]:
    from model.evaluate import evaluate
    from model.train import predict

    if not records:
        return {}
    report, _ = evaluate(records, predict(model, records))
    return metric_values(report["all"])


def retrain(options: RetrainOptions, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Train, evaluate and compare; write the output folder; return the comparison."""
    from model.artifacts import ArtifactError
    from model.pipeline import Klarsteg
    from model.promote import lineage
    from model.settings import get_settings
    from model.train import train

    if options.weight < 1:
        raise RetrainError("--weight must be at least 1")
    if not 0 <= options.holdout < 1:
        raise RetrainError("--holdout must be from 0 to below 1")
    test_files = options.tests or default_test_files()
    corrections = read_corrections(options.corrections)
    train_records = _read(options.train, "training data")
    reason_records = [r for p in options.reason_extra for r in _read(p, "reason picker's extra notes")]
    dev_records = _read(options.dev, "dev split")
    test_records = [r for p in test_files for r in _read(p, "test split")]
    if not test_records:
        raise RetrainError("the test split is empty")

    test_keys = {note_key(r["text"]) for r in test_records}
    in_test = [c for c in corrections if note_key(c["text"]) in test_keys]
    usable = [c for c in corrections if note_key(c["text"]) not in test_keys]
    trained, held_out = split_held_out(usable, options.holdout)
    correction_keys = {note_key(c["text"]) for c in usable}
    replaced = [r for r in train_records if note_key(r["text"]) in correction_keys]
    base_train = [r for r in train_records if note_key(r["text"]) not in correction_keys]
    weighted = [dict(c, id=f"{c['id']}#{k}") for c in trained for k in range(options.weight)]

    base_dir = Path(options.base) if options.base else get_settings().model_dir
    progress(f"current model: {base_dir}")
    try:
        current = Klarsteg.load(base_dir)
    except ArtifactError as exc:
        raise RetrainError(f"the current model cannot be loaded: {exc}") from exc
    current_lineage = lineage(current.artifacts.metadata)

    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "corrections_trained.jsonl", trained)
    write_jsonl(out / "corrections_held_out.jsonl", held_out)
    staging = out / f".{MODEL_SUBDIR}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    progress(
        f"training the candidate on {len(base_train)} training notes + {len(trained)} corrections "
        f"x {options.weight} ({options.epochs} span epochs at most; minutes on the full data)"
        + (f"; the reason picker also on {len(reason_records)} extra notes" if reason_records else "")
    )
    metadata = train(
        base_train + weighted,
        dev_records,
        staging,
        data_sha256=data_hash([options.train, *options.reason_extra, options.dev, options.corrections]),
        seed=options.seed,
        span_epochs=options.epochs,
        span_time_budget_s=options.time_budget_s,
        reason_records=reason_records,
        extra={
            "lineage": {
                "base_version": current.version,
                "base_corrections": int(current_lineage.get("corrections") or 0),
                "corrections": len(trained),
                "corrections_held_out": len(held_out),
                "correction_weight": options.weight,
                "corrections_sha256": data_hash([options.corrections]),
                "date": date.today().isoformat(),
                "source": "klarsteg retrain",
            }
        },
    )
    final = out / MODEL_SUBDIR
    if final.exists():
        shutil.rmtree(final)
    os.rename(staging, final)
    candidate = Klarsteg.load(final)

    progress(f"evaluating both models on the frozen test split ({len(test_records)} notes)")
    current_test, candidate_test = _evaluate(current, test_records), _evaluate(candidate, test_records)
    worse = drops(current_test, candidate_test)
    comparison: dict[str, Any] = {
        "current": current_test,
        "candidate": candidate_test,
        "held_out_corrections": {
            "notes": len(held_out),
            "current": _evaluate(current, held_out),
            "candidate": _evaluate(candidate, held_out),
        },
        "promote": not worse,
        "rule": f"promote only when no metric of the frozen test split drops by more than {TOLERANCE}",
        "tolerance": TOLERANCE,
        "drops": {k: (None if v == float("-inf") else v) for k, v in worse.items()},
        "models": {
            "current": {"version": current.version, "dir": str(base_dir), "lineage": current_lineage},
            "candidate": {
                "version": metadata["version"],
                "dir": str(final),
                "lineage": metadata["lineage"],
            },
        },
        "test_split": {"files": [str(p) for p in test_files], "notes": len(test_records)},
        "corrections": {
            "file": str(options.corrections),
            "notes": len(corrections),
            "dropped_in_test_split": len(in_test),
            "trained": len(trained),
            "held_out": len(held_out),
            "weight": options.weight,
            "training_notes_replaced": len(replaced),
        },
    }
    (out / COMPARISON_FILE).write_text(json.dumps(comparison, indent=2, ensure_ascii=False) + "\n")
    return comparison


def format_comparison(comparison: dict[str, Any]) -> str:
    """The comparison as a plain-text table, with the verdict."""
    labels = {key: label for key, label, _ in METRICS}

    def table(title: str, before: dict[str, float], after: dict[str, float]) -> list[str]:
        lines = [title, f"  {'metric':<26}{'current':>10}{'candidate':>11}{'change':>9}"]
        for key in labels:
            if key not in before and key not in after:
                continue
            b, a = before.get(key), after.get(key)
            cells = [f"{v:>10.3f}" if v is not None else f"{'-':>10}" for v in (b, a)]
            change = f"{a - b:>+9.3f}" if a is not None and b is not None else f"{'-':>9}"
            mark = (
                "  <- drops" if key in comparison.get("drops", {}) and before is comparison["current"] else ""
            )
            lines.append(f"  {labels[key]:<26}{cells[0]}{cells[1]:>11}{change}{mark}")
        return lines

    split = comparison["test_split"]
    names = " + ".join(Path(f).name for f in split["files"])
    models = comparison["models"]
    c = comparison["corrections"]
    lines = [
        f"current model   {models['current']['version']}",
        f"candidate model {models['candidate']['version']}  ({models['candidate']['dir']})",
        f"corrections     {_count(c['notes'], 'note')}: {c['trained']} trained (x{c['weight']}), {c['held_out']} held out, "
        f"{c['dropped_in_test_split']} dropped (in the test split)",
        "",
    ]
    lines += table(
        f"Frozen test split ({names}, {split['notes']} notes)", comparison["current"], comparison["candidate"]
    )
    held = comparison["held_out_corrections"]
    lines.append("")
    if held["notes"]:
        lines += table(
            f"Held-out corrections ({held['notes']} notes, not trained on)",
            held["current"],
            held["candidate"],
        )
    else:
        lines.append(f"Held-out corrections: none (fewer than {MIN_FOR_HOLDOUT} corrections, all trained on)")
    lines.append("")
    if comparison["promote"]:
        lines.append(
            f"PROMOTE: no metric of the frozen test split drops by more than {comparison['tolerance']}. "
            f"Next: klarsteg promote {Path(models['candidate']['dir']).parent}"
        )
    else:
        worst = ", ".join(
            f"{labels.get(k, k)} {'missing' if v is None else f'{v:+.3f}'}"
            for k, v in comparison["drops"].items()
        )
        lines.append(f"DO NOT PROMOTE: {worst} (more than {comparison['tolerance']} below the current model)")
    return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
