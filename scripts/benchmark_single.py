"""One ``model.score()`` call per note, against dateparser and spaCy's tokenizer, in one process.

    .venv/bin/python scripts/benchmark_single.py [--notes 400] [--rounds 3] [--json out/single.json]

The notes are the test splits' texts (``training_data/test.jsonl`` and ``test_real.jsonl``:
stories, logs, lists, journals, HTML, minutes; Swedish and English), each scored with its own
note date. For each of three contenders the whole set is timed ``--rounds`` times after a
warm-up round, and the best round counts (the least disturbed by other work on the machine):

- Klarsteg: ``model.score(text, note_date=..., language="auto")``, one call per note;
- dateparser: ``search_dates(text, languages=[lang])`` (told the language: its faster setting);
- the floor: spaCy's blank ``xx`` tokenizer, ``nlp.tokenizer(text)``.

Targets (issue 16): Klarsteg's throughput at least 3x dateparser's; its time at most 20x the
tokenizer's.

``--by-length`` also times the three on the notes of each length band (words: under 8, 8-15,
16-31, 32-63, 64 and more): the ratios depend on the length, since a short note costs Klarsteg
its fixed per-note work and dateparser less.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.data import read_jsonl  # noqa: E402


def load_notes(limit: int) -> list[dict]:
    """Up to ``limit`` notes, alternating between the story and the real-register test split."""
    splits = [read_jsonl(p) for p in (ROOT / "training_data").glob("test*.jsonl")]
    out: list[dict] = []
    for i in range(max(len(s) for s in splits)):
        for split in splits:
            if i < len(split) and len(out) < limit:
                out.append(split[i])
    return out


def best_of(rounds: int, fn: Callable[[], None]) -> float:
    """Seconds of the fastest of ``rounds`` runs of ``fn`` (after one warm-up run)."""
    fn()
    times = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


# Length bands in words (low inclusive, high exclusive)
_BANDS = ((0, 8), (8, 16), (16, 32), (32, 64), (64, 10**6))


def _compare(notes: list[dict], rounds: int, *contenders: Callable[[list[dict]], None]) -> dict:
    """Klarsteg, dateparser and the tokenizer on ``notes``: throughput and the two ratios."""
    k, d, t = (best_of(rounds, lambda fn=fn: fn(notes)) for fn in contenders)
    n = len(notes)
    return {
        "notes": n,
        "mean_words": round(sum(len(x["text"].split()) for x in notes) / n, 1),
        "klarsteg_notes_per_s": round(n / k, 1),
        "klarsteg_ms_per_note": round(k / n * 1000, 3),
        "dateparser_notes_per_s": round(n / d, 1),
        "tokenizer_notes_per_s": round(n / t, 1),
        "ratio_vs_dateparser": round(d / k, 2),
        "times_tokenizer": round(k / t, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--by-length", action="store_true", help="also the ratios per length band")
    args = parser.parse_args(argv)

    import spacy
    from dateparser.search import search_dates

    import model

    notes = load_notes(args.notes)
    model.load_pipeline()
    nlp = spacy.blank("xx")

    def klarsteg(notes: list[dict]) -> None:
        for n in notes:
            model.score(n["text"], note_date=n["note_date"])

    def peer(notes: list[dict]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for n in notes:
                search_dates(n["text"], languages=[n["lang"]])

    def tokenizer(notes: list[dict]) -> None:
        for n in notes:
            nlp.tokenizer(n["text"])

    result = _compare(notes, args.rounds, klarsteg, peer, tokenizer)
    result["targets_met"] = result["ratio_vs_dateparser"] >= 3 and result["times_tokenizer"] <= 20
    if args.by_length:
        bands = {}
        for low, high in _BANDS:
            band = [x for x in notes if low <= len(x["text"].split()) < high]
            if band:
                bands[f"{low}-{high - 1}" if high < 10**6 else f"{low}+"] = _compare(
                    band, args.rounds, klarsteg, peer, tokenizer
                )
        result["by_length"] = bands
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
