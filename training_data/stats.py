"""Counts for the datasheet: per split, language, writer, register, case type (verdict), granularity.

python training_data/stats.py > /tmp/stats.md
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from model.data import read_jsonl  # noqa: E402
from model.scoring import verdict_from_gold  # noqa: E402


def table(title: str, rows: dict[str, Counter], keys: list[str]) -> str:
    lines = [
        f"**{title}**",
        "",
        "| split | " + " | ".join(keys) + " | total |",
        "|---" * (len(keys) + 2) + "|",
    ]
    for split, counter in rows.items():
        lines.append(
            f"| {split} | "
            + " | ".join(str(counter.get(k, 0)) for k in keys)
            + f" | {sum(counter.values())} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    splits = {s: read_jsonl(HERE / f"{s}.jsonl") for s in ("train", "dev", "test", "dev_real", "test_real")}
    register = {s: Counter(r.get("register", "(story, round 1-2)") for r in rs) for s, rs in splits.items()}
    lang = {s: Counter(("mixed" if "-mx-" in r["id"] else r["lang"]) for r in rs) for s, rs in splits.items()}
    verdict = {s: Counter(verdict_from_gold(r) for r in rs) for s, rs in splits.items()}
    gran = {s: Counter((r["when"] or {}).get("granularity", "none") for r in rs) for s, rs in splits.items()}
    action = {
        s: Counter((r["next_step"] or {}).get("action", "none") for r in rs) for s, rs in splits.items()
    }
    rating = {s: Counter(str(r.get("rating")) for r in rs) for s, rs in splits.items()}
    writer = {s: Counter(r["id"].split("-")[0] for r in rs) for s, rs in splits.items()}
    out = [
        table("Language (mixed = Swedish/English code-switching)", lang, ["sv", "en", "mixed"]),
        table(
            "Register (round 3; earlier rounds are stories)",
            register,
            ["oneliner", "log", "list", "journal", "html", "email", "minutes", "story", "(story, round 1-2)"],
        ),
        table(
            "Case type (verdict implied by the annotation)", verdict, ["concrete", "partial", "vague", "none"]
        ),
        table(
            "When granularity",
            gran,
            ["datetime", "date", "week", "month", "quarter", "year", "fuzzy", "none"],
        ),
        table(
            "Next step action",
            action,
            ["meeting", "demo", "call", "email", "send", "contact", "other", "none"],
        ),
        table("Rating", rating, ["1", "2", "3", "4", "5"]),
        table("Writer (id prefix)", writer, sorted({w for c in writer.values() for w in c})),
    ]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
