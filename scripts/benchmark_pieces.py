"""Where a typical note's time goes: CPU time per pipeline piece, per note.

    .venv/bin/python scripts/benchmark_pieces.py

Runs ``Klarsteg.score_many`` and then each piece alone over the same typical notes as
``scripts/benchmark.py`` (400 Swedish and English notes of 50-150 words), with one BLAS
thread, and prints the best of five runs in milliseconds per note. What is left of
``score_many`` after the pieces is the glue: choosing spans, the token tagger's fallback,
sentence bounds, building the results.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from benchmark import make_notes  # noqa: E402

from model.choose import when_features_all  # noqa: E402
from model.features import span_context  # noqa: E402
from model.lang import detect_language  # noqa: E402
from model.masking import mask_times  # noqa: E402
from model.pipeline import Klarsteg, validate_input  # noqa: E402
from model.threads import single_blas_thread  # noqa: E402
from model.when import find_times  # noqa: E402


def best_ms(fn: Callable[[], object], count: int, runs: int = 5) -> float:
    """Fewest CPU milliseconds per note over ``runs`` runs of ``fn`` (after one warm-up)."""
    fn()
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best / count * 1000


def main() -> None:
    model = Klarsteg.load()
    clf = model.artifacts.classifiers
    pairs = make_notes("sv", 200, 50, 150, 1) + make_notes("en", 200, 50, 150, 2)
    notes = [validate_input(text, day) for text, day in pairs]
    results = model.score_many(notes)
    mentions = [find_times(n.text, n.note_date) for n in notes]
    masked = [mask_times(n.text, m).text for n, m in zip(notes, mentions, strict=True)]
    steps = [(r.next_step.start, r.next_step.end) if r.next_step else None for r in results]
    step_ctx = [span_context(n.text, *s) for n, s in zip(notes, steps, strict=True) if s]
    reason_ctx = [
        span_context(n.text, r.reason.start, r.reason.end)
        for n, r in zip(notes, results, strict=True)
        if r.reason
    ]
    ranked = [(n, m, s) for n, m, s in zip(notes, mentions, steps, strict=True) if s and m]
    ner = model._fast_ner
    pieces: dict[str, Callable[[], object]] = {
        "score_many (all of it)": lambda: model.score_many(notes),
        "date layer": lambda: [find_times(n.text, n.note_date) for n in notes],
        "masking": lambda: [mask_times(n.text, m) for n, m in zip(notes, mentions, strict=True)],
        "span NER (batched)": lambda: ner.spans_many(masked) if ner else None,
        "language": lambda: [detect_language(n.text) for n in notes],
        "presence": lambda: [clf.presence_proba([n.text]) for n in notes],
        "action, owner, clarity": lambda: (
            [clf.predict_labels((clf.action, clf.owner), c) for c in step_ctx],
            [clf.predict_label(clf.clear, c) for c in reason_ctx],
        ),
        "when ranker": lambda: [
            clf.when_proba(when_features_all(n.text, m, s, n.note_date)) for n, m, s in ranked
        ],
    }
    with single_blas_thread():
        times = {name: best_ms(fn, len(notes)) for name, fn in pieces.items()}
    total = times.pop("score_many (all of it)")
    rows = [
        ("score_many (all of it)", total),
        *times.items(),
        ("the rest (glue)", total - sum(times.values())),
    ]
    sys.stdout.write(f"{len(notes)} typical notes, CPU ms per note (best of 5)\n")
    for name, ms in rows:
        sys.stdout.write(f"{name:26s} {ms:7.3f}\n")


if __name__ == "__main__":
    main()
