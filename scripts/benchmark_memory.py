"""Memory of a long-lived process over many distinct notes: does anything grow without bound?

    .venv/bin/python scripts/benchmark_memory.py [--notes 1000000] [--json out/memory.json]

Scores ``--notes`` synthetic notes with ``model.score_many`` (256 at a time), every note with
invented word forms no other note has, so that every cache that keeps word forms (spaCy's
vocabulary, the fast NER's embedding rows, the token tagger's hashes) sees millions of new
ones. Prints the process's resident memory and the sizes of those caches every 10% of the
run; memory must level off, not climb with the count.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIECES = [
    "Ring {w} på {c} ang. {x} tors kl 10.",
    "Call {w} at {c} on Friday to go through the {x} quote.",
    "Möte med {w} ({c}) - vill ha offert på {x}. Återkommer v.{n}.",
    "Sent {w} the {x} brochure, {c} will decide next month.",
    "<p>Demo för {w} på {c}</p><ul><li>{x}</li><li>ring fre</li></ul>",
    "2026-0{d}-1{d} {w} {c}: ej anträffad\n2026-0{d}-2{d} {x} - ring igen mån",
]


def word(rnd: random.Random) -> str:
    return "".join(rnd.choice(string.ascii_lowercase + "åäö") for _ in range(rnd.randint(5, 11)))


def note(rnd: random.Random) -> str:
    return rnd.choice(PIECES).format(
        w=word(rnd).title(),
        c=word(rnd).title() + " AB",
        x=word(rnd),
        n=rnd.randint(1, 52),
        d=rnd.randint(1, 9),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from model.pipeline import NoteInput, load_pipeline

    model = load_pipeline()
    proc = psutil.Process()
    rnd = random.Random(7)
    day = __import__("datetime").date(2026, 3, 10)
    samples = []
    started = time.perf_counter()
    step = max(args.batch, args.notes // 10)
    done = 0
    while done < args.notes:
        batch = [NoteInput(note(rnd), day, "auto") for _ in range(min(args.batch, args.notes - done))]
        model.score_many(batch)
        done += len(batch)
        if done % step < args.batch or done == args.notes:
            fast = model._fast_ner
            sample = {
                "notes": done,
                "seconds": round(time.perf_counter() - started, 1),
                "rss_mb": round(proc.memory_info().rss / 2**20, 1),
                "pipeline_vocab": len(model.artifacts.spans.vocab),
                "fast_ner_vocab": len(fast._tokenizer.vocab) if fast is not None else None,
                "embedding_cache": len(fast._index) if fast is not None else None,
            }
            samples.append(sample)
            sys.stdout.write(json.dumps(sample) + "\n")
            sys.stdout.flush()
    result = {
        "notes": done,
        "samples": samples,
        "notes_per_s": round(done / (time.perf_counter() - started), 1),
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
