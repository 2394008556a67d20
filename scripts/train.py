"""Train Klarsteg from training_data/ and write the artifacts with their metadata.

python scripts/train.py                      # a full training into model/artifacts (the reason
                                             # picker also learns from training_data/extra/)
python scripts/train.py --out /tmp/m --train my_train.jsonl --reason-extra --dev my_dev.jsonl
                                             # your own notes only (an empty --reason-extra)
python scripts/train.py --from-model model/artifacts --refit step_ranker --out /tmp/m
                                             # refit one ranker with the current code, keep the rest
python scripts/train.py --from-model model/artifacts --refit reason_picker \
    --train training_data/train.jsonl training_data/extra/train_*.jsonl --out /tmp/m
                                             # several train files: their records are joined
python scripts/train.py --from-model model/artifacts --spans-from /tmp/full --out /tmp/m
                                             # a full training's span model beside the base's
                                             # classifiers and thresholds (name in --train the
                                             # files both were trained on: the data hash)
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.artifacts import load_artifacts  # noqa: E402
from model.classify import REFITTABLE  # noqa: E402
from model.data import data_hash, read_jsonl, validate  # noqa: E402
from model.settings import PACKAGE_MODEL_DIR  # noqa: E402
from model.train import THRESHOLD_GRID, retrain_components, train  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--train",
        type=Path,
        nargs="+",
        default=[ROOT / "training_data" / "train.jsonl"],
        help="train files (their records joined; the data hash covers every one)",
    )
    parser.add_argument(
        "--reason-extra",
        type=Path,
        nargs="*",
        help="full training: more notes the reason picker learns from beside --train "
        "(default: training_data/extra/*.jsonl, as the shipped model; none with an empty list)",
    )
    parser.add_argument(
        "--dev",
        type=Path,
        nargs="+",
        default=[ROOT / "training_data" / "dev.jsonl", ROOT / "training_data" / "dev_real.jsonl"],
        help="dev files (thresholds, span model selection): the story split and the real-register split",
    )
    parser.add_argument("--out", type=Path, default=PACKAGE_MODEL_DIR)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=30, help="most epochs of the span model")
    parser.add_argument("--width", type=int, help="span model: token vector width (default: model.spans)")
    parser.add_argument("--depth", type=int, help="span model: encoder depth (default: model.spans)")
    parser.add_argument(
        "--from-model",
        type=Path,
        help="with --refit: start from this model's artifacts and refit only the named components",
    )
    parser.add_argument(
        "--refit", nargs="+", default=[], choices=sorted(REFITTABLE), help="components to refit"
    )
    parser.add_argument(
        "--spans-from",
        type=Path,
        help="with --from-model: this model's span model replaces the base's (its classifiers "
        "and thresholds stay, but for --refit)",
    )
    parser.add_argument(
        "--tune",
        nargs="+",
        default=[],
        choices=[name for name, _ in THRESHOLD_GRID],
        help="with --refit: thresholds to tune again on the dev files (the others stay)",
    )
    args = parser.parse_args(argv)
    from_model = bool(args.refit or args.spans_from)
    if bool(args.from_model) != from_model:
        parser.error("--from-model goes with --refit or --spans-from, and they with it")
    if args.tune and not from_model:
        parser.error("--tune goes with --refit or --spans-from (a full training tunes every threshold)")
    if from_model and args.reason_extra is not None:
        parser.error("--reason-extra goes with a full training; with --refit, name every file in --train")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    train_records = [r for path in args.train for r in read_jsonl(path)]
    if from_model:
        reason_files: list[Path] = []
    elif args.reason_extra is None:
        reason_files = sorted((ROOT / "training_data" / "extra").glob("*.jsonl"))
    else:
        reason_files = list(args.reason_extra)
    reason_records = [r for path in reason_files for r in read_jsonl(path)]
    dev_records = [r for path in args.dev if path.exists() for r in read_jsonl(path)]
    problems = validate(train_records) + validate(reason_records) + validate(dev_records)
    if problems:
        sys.stderr.write("invalid training data:\n  " + "\n  ".join(problems[:50]) + "\n")
        return 2
    # Train into a fresh directory beside the target, then swap, so the old model stays
    # usable until the new one is complete.
    staging = args.out.with_name(args.out.name + ".new")
    if staging.exists():
        shutil.rmtree(staging)
    sha = data_hash([*args.train, *reason_files, *[p for p in args.dev if p.exists()]])
    if from_model:
        base = load_artifacts(args.from_model)  # verified against its metadata
        metadata = retrain_components(
            base,
            args.refit,
            train_records,
            dev_records,
            staging,
            data_sha256=sha,
            seed=args.seed,
            tune=args.tune,
            spans_from=load_artifacts(args.spans_from) if args.spans_from else None,
        )
    else:
        metadata = train(
            train_records,
            dev_records,
            staging,
            data_sha256=sha,
            seed=args.seed,
            span_epochs=args.epochs,
            span_width=args.width,
            span_depth=args.depth,
            reason_records=reason_records,
        )
    if args.out.exists():
        shutil.rmtree(args.out)
    staging.rename(args.out)
    sys.stdout.write(
        json.dumps({k: metadata[k] for k in ("version", "dev_metrics", "train_seconds")}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
