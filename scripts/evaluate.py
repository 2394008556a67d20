"""Evaluate the shipped (or a given) model on a split; print metrics and write them as JSON.

python scripts/evaluate.py --split test
python scripts/evaluate.py --split test_real       # the real-register test split, per register too
python scripts/evaluate.py --split all             # dev, test, dev_real and test_real, one after another
python scripts/evaluate.py --split heldout         # training_data/heldout/*.jsonl together (never trained on)
python scripts/evaluate.py --split all --model /tmp/m --out /tmp/m_eval   # JSON into that folder
python scripts/evaluate.py --data my.jsonl --model /tmp/m --out out/eval.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.data import read_jsonl, write_jsonl  # noqa: E402
from model.evaluate import evaluate  # noqa: E402
from model.pipeline import Klarsteg  # noqa: E402
from model.train import predict  # noqa: E402

ROWS = [
    ("next_step F1", ("next_step", "f1")),
    ("next_step P", ("next_step", "precision")),
    ("next_step R", ("next_step", "recall")),
    ("next_step overlap", ("next_step", "span_overlap")),
    ("reason F1", ("reason", "f1")),
    ("reason overlap", ("reason", "span_overlap")),
    ("when F1", ("when", "f1")),
    ("when value acc", ("when_value_accuracy",)),
    ("when value acc (dated)", ("when_value_accuracy_gold_dated",)),
    ("action acc", ("action_accuracy",)),
    ("owner acc", ("owner_accuracy",)),
    ("clarity acc", ("clarity_accuracy",)),
    ("verdict acc", ("verdict_accuracy",)),
    ("missing exact", ("missing_exact",)),
    ("vague exact", ("vague_exact",)),
    ("spearman(score, rating)", ("spearman_score_rating",)),
]


def _get(d: dict, path: tuple[str, ...]) -> object:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return d


SPLITS = ("dev", "test", "dev_real", "test_real")


def format_table(report: dict) -> str:
    """The report as a plain-text table, one column per language (or register)."""
    cols = [c for c in report if c != "registers"]
    lines = [f"{'metric':<26}" + "".join(f"{c:>9}" for c in cols)]
    lines.append(f"{'notes':<26}" + "".join(f"{report[c]['notes']:>9}" for c in cols))
    for label, path in ROWS:
        cells = []
        for c in cols:
            v = _get(report[c], path)
            cells.append(f"{v:>9.3f}" if isinstance(v, float) else f"{'-':>9}")
        lines.append(f"{label:<26}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--split",
        default="test",
        help="train, dev, test, dev_real, test_real (training_data/<split>.jsonl), all (the four evaluation "
        "splits) or heldout (the held-out writers' notes in training_data/heldout/, together)",
    )
    parser.add_argument("--data", type=Path, help="an annotated JSONL file instead of a split")
    parser.add_argument("--model", type=Path, help="artifact directory (default: the shipped model)")
    parser.add_argument(
        "--out",
        type=Path,
        help="metrics JSON (default: out/eval_<split>.json); with --split all, the folder for the four",
    )
    parser.add_argument("--errors", type=Path, help="errors JSONL (default: beside --out)")
    args = parser.parse_args(argv)
    model = Klarsteg.load(args.model)
    if args.split == "all" and not args.data:
        for split in SPLITS:
            out = args.out / f"eval_{split}.json" if args.out else None
            run(model, ROOT / "training_data" / f"{split}.jsonl", out, None)
            sys.stdout.write("\n")
        return 0
    if args.split == "heldout" and not args.data:
        files = sorted((ROOT / "training_data" / "heldout").glob("*.jsonl"))
        if not files:
            parser.error("no held-out files in training_data/heldout/")
        run(model, files, args.out, args.errors)
        return 0
    run(model, [args.data or ROOT / "training_data" / f"{args.split}.jsonl"], args.out, args.errors)
    return 0


def run(model: Klarsteg, data: list[Path] | Path, out: Path | None, errors_path: Path | None) -> None:
    """Evaluate annotated files as one set; print the tables, write metrics JSON and the errors."""
    files = [data] if isinstance(data, Path) else data
    name = files[0].stem if len(files) == 1 else files[0].parent.name
    out = out or ROOT / "out" / f"eval_{name}.json"
    errors_path = errors_path or out.with_name(f"errors_{name}.jsonl")
    records = [r for path in files for r in read_jsonl(path)]
    data = files[0] if len(files) == 1 else files[0].parent
    report, errors = evaluate(records, predict(model, records))
    report_out = {"data": str(data), "model_version": model.version, "metrics": report}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report_out, indent=2) + "\n")
    write_jsonl(errors_path, errors)
    sys.stdout.write(f"{data} ({len(records)} notes), model {model.version}\n")
    sys.stdout.write(format_table(report) + "\n")
    if "registers" in report:
        sys.stdout.write("\nby register:\n" + format_table(report["registers"]) + "\n")
    sys.stdout.write(f"metrics: {out}\nerrors:  {errors_path} ({len(errors)} notes)\n")


if __name__ == "__main__":
    raise SystemExit(main())
