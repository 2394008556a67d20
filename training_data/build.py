"""Assemble the split files from the writers' files, validate them, and refuse overlaps.

    python training_data/build.py

train.jsonl     = raw/train_*.jsonl (hand-written) + train_templated.jsonl (augment.py)
dev.jsonl       = raw/dev_*.jsonl   (hand-written by a writer who never saw train or test)
test.jsonl      = raw/test_*.jsonl  (hand-written by a writer who never saw train or dev)
dev_real.jsonl  = raw/realdev_*.jsonl  (round 3: real CRM registers, its own writer)
test_real.jsonl = raw/realtest_*.jsonl (round 3: real CRM registers, its own writer)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from model.data import read_jsonl, validate, write_jsonl  # noqa: E402


def main() -> int:
    sources = {
        "train": sorted((HERE / "raw").glob("train_*.jsonl")) + [HERE / "train_templated.jsonl"],
        "dev": sorted((HERE / "raw").glob("dev_*.jsonl")),
        "test": sorted((HERE / "raw").glob("test_*.jsonl")),
        "dev_real": sorted((HERE / "raw").glob("realdev_*.jsonl")),
        "test_real": sorted((HERE / "raw").glob("realtest_*.jsonl")),
    }
    seen: dict[str, str] = {}
    failed = False
    for split, paths in sources.items():
        records = [r for p in paths if p.exists() for r in read_jsonl(p)]
        problems = validate(records)
        for r in records:
            key = " ".join(r["text"].lower().split())
            if key in seen and seen[key] != split:
                problems.append(f"{r['id']}: same text in {seen[key]} and {split}")
            seen.setdefault(key, split)
        if problems:
            failed = True
            sys.stderr.write(f"{split}: {len(problems)} problems\n  " + "\n  ".join(problems[:40]) + "\n")
        write_jsonl(HERE / f"{split}.jsonl", records)
        sys.stderr.write(f"{split}: {len(records)} notes from {len(paths)} files\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
