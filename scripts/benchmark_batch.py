"""Measure ``klarsteg score`` on a large generated export: rows per second and peak memory.

Generates realistic notes (Swedish and English, concrete and vague, a few broken rows) into a
CSV, runs ``klarsteg score`` as a subprocess for each worker count, samples the resident memory
of the whole process tree (main process and workers) from /proc, and writes the numbers as JSON.

    .venv/bin/python scripts/benchmark_batch.py --rows 1000000 --workers 1 2 --out out/benchmark_batch.json

Memory should not grow with the number of rows (the input is streamed in chunks); compare the
peak for --rows 20000 and --rows 1000000.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SV = [
    "Bra möte med {name}. Vi bokade demo {wd} {d}/{m} kl {h} för att visa integrationen.",
    "Pratade med {name}, de har mycket nu. Återkommer längre fram.",
    "Ring {wd} kl {h} ang. licenserna, {name} ska ha pratat med sin chef innan dess.",
    "Skickar offert senast fredag så de hinner ta upp den på ledningsmötet.",
    "Hörs om ett par veckor för att stämma av läget.",
    "{name} hade inte tid. Stämmer av igen i {month}.",
    "Möte bokat den {d} {month} kl {h}.30 för att gå igenom offerten med {name} och IT-chefen.",
    "Inget nytt möte bokat. Vi får se efter sommaren.",
    "Mejl till {name}, inget svar. Hör av mig om ett tag.\nFörsöker igen v. {w}.",
]
EN = [
    "Intro call with {name}. She wants a demo for her team. Booked {wd} {d}/{m} {h}pm to show the audit log.",
    "Will circle back next quarter when they have their new budget.",
    "Let's touch base in a couple of weeks to see how they feel.",
    "I'll send the revised quote by Friday so {name} can take it to the CFO before the board meets.",
    "Left a voicemail for {name}. Will follow up later on.",
    "Call booked {d}/{m} at {h}pm with {name} and the CFO to go through the quote and the rollout plan.",
    "{name}: still waiting on the board. Circle back after the summer.",
]
NAMES = ["Eva", "Per", "Karin", "Lars", "Sarah", "Tom", "Grace", "Mike", "Anders", "Lina"]
WD_SV = ["mån", "tis", "ons", "tors", "fre"]
WD_EN = ["Mon", "Tue", "Wed", "Thu", "Fri"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "augusti", "september", "oktober"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` notes to ``path`` (semicolon CSV, like a Swedish CRM export)."""
    rnd = random.Random(seed)
    start = date(2025, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["id", "seller", "deal", "date", "anteckning"])
        for i in range(rows):
            sv = rnd.random() < 0.6
            tpl = rnd.choice(SV if sv else EN)
            text = tpl.format(
                name=rnd.choice(NAMES),
                wd=rnd.choice(WD_SV if sv else WD_EN),
                d=rnd.randint(1, 28),
                m=rnd.randint(1, 12),
                h=rnd.randint(1, 11),
                month=rnd.choice(MONTHS),
                w=rnd.randint(1, 52),
            )
            if rnd.random() < 0.002:
                text = ""  # an empty note: an error row
            day = start + timedelta(days=rnd.randint(0, 500))
            w.writerow(
                [
                    f"N{i}",
                    f"seller-{rnd.randint(1, 40)}",
                    f"deal-{rnd.randint(1, rows // 5 + 1)}",
                    day.isoformat(),
                    text,
                ]
            )


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB, from /proc (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def run(inp: Path, out: Path, workers: int) -> dict[str, float]:
    """Score ``inp`` with ``workers`` processes; time it and sample peak RSS (tree and largest process)."""
    cmd = [
        str(ROOT / ".venv/bin/klarsteg"),
        "score",
        str(inp),
        "-o",
        str(out),
        "--workers",
        str(workers),
        "--quiet",
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    peak_tree = peak_one = 0.0
    while proc.poll() is None:
        sizes = [rss_mb(p) for p in tree_pids(proc.pid)]
        peak_tree = max(peak_tree, sum(sizes))
        peak_one = max(peak_one, max(sizes, default=0.0))
        time.sleep(0.2)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"klarsteg score failed: {proc.stderr.read() if proc.stderr else ''}")
    with open(out, "rb") as fh:
        written = sum(1 for _ in fh)
    return {
        "workers": workers,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_tree, 1),
        "peak_rss_process_mb": round(peak_one, 1),
        "output_lines": written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    parser.add_argument("--dir", type=Path, default=ROOT / "out" / "benchmark", help="scratch directory")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "benchmark_batch.json", help="JSON result")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    inp = args.dir / f"notes_{args.rows}.csv"
    if not inp.exists():
        t = time.monotonic()
        generate(inp, args.rows)
        print(
            f"generated {args.rows} rows ({inp.stat().st_size / 2**20:.0f} MB) in {time.monotonic() - t:.0f} s",
            file=sys.stderr,
        )
    results = []
    for workers in args.workers:
        r = run(inp, args.dir / f"scored_{args.rows}_w{workers}.jsonl", workers)
        r["rows_per_s"] = round(args.rows / r["seconds"], 1)
        print(json.dumps(r), file=sys.stderr)
        results.append(r)
    report = {
        "rows": args.rows,
        "input_mb": round(inp.stat().st_size / 2**20, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": results,
        "note": "seconds include process start and model loading (~2 s per run)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
