"""Check a writer's file: the validator's problems, counts, and where the date layer disagrees.

    python training_data/check.py training_data/raw/train_real_x.jsonl [more.jsonl ...]

Prints every validation problem (exit 1 if any), then counts by language, register, verdict
and granularity, and the share of notes with no next step. Lines starting with ``date?``
are notes where the rule-based date layer reads the annotated when span differently: either
the annotation is wrong (fix it) or the date layer is (leave the annotation as the SPEC says).
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from model.data import locate, read_jsonl, validate  # noqa: E402
from model.normalize import normalize  # noqa: E402
from model.when import find_times  # noqa: E402

REGISTERS = ("oneliner", "log", "list", "journal", "html", "minutes", "email", "story")


def verdict(record: dict) -> str:
    """The SPEC verdict the annotation implies."""
    ns, rs, wh = record.get("next_step"), record.get("reason"), record.get("when")
    if not ns:
        return "none"
    vague_ns = ns.get("action") == "contact"
    reason_clear = bool(rs and rs.get("clear"))
    when_clear = bool(wh and wh.get("granularity") in ("date", "datetime"))
    if not vague_ns and reason_clear and when_clear:
        return "concrete"
    if not reason_clear and not when_clear:
        return "vague"
    return "partial"


def date_disagreements(record: dict) -> list[str]:
    """Where find_times reads the annotated when span to another granularity or value."""
    wh = record.get("when")
    if not wh:
        return []
    span = locate(record["text"], wh)
    if span is None:
        return []
    norm = normalize(record["text"])
    mentions = find_times(norm.text, date.fromisoformat(record["note_date"]))
    lo, hi = norm.from_original(span.start, span.end)
    hits = [m for m in mentions if m.start < hi and lo < m.end]
    if not hits:
        return [f"date? {record['id']}: the date layer finds no time in {wh['text']!r}"]
    m = max(hits, key=lambda m: min(hi, m.end) - max(lo, m.start))
    if (m.granularity, m.value) != (wh.get("granularity"), wh.get("value")):
        return [
            f"date? {record['id']}: {wh['text']!r} annotated {wh.get('granularity')} {wh.get('value')}, "
            f"date layer reads {m.text!r} as {m.granularity} {m.value}"
        ]
    return []


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__ or "")
        return 2
    records = [r for p in argv for r in read_jsonl(p)]
    problems = validate(records)
    for r in records:
        if r.get("register") not in REGISTERS:
            problems.append(f"{r.get('id')}: register {r.get('register')!r} not in {REGISTERS}")
    out = sys.stdout
    for p in problems:
        out.write(f"PROBLEM {p}\n")
    for r in records:
        for d in date_disagreements(r):
            out.write(d + "\n")
    n = len(records) or 1
    out.write(f"\n{len(records)} notes, {len(problems)} problems\n")
    for name, key in (
        ("lang", lambda r: r.get("lang")),
        ("register", lambda r: r.get("register")),
        ("verdict", verdict),
        ("when", lambda r: (r.get("when") or {}).get("granularity", "none")),
        ("action", lambda r: (r.get("next_step") or {}).get("action", "none")),
    ):
        counts = Counter(key(r) for r in records)
        out.write(f"{name:<9}" + "  ".join(f"{k}={v}" for k, v in counts.most_common()) + "\n")
    none = sum(1 for r in records if not r.get("next_step"))
    out.write(f"no next step: {none / n:.0%}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
