"""Measure the Spark engine next to the local engine on the same generated export.

Generates the notes with ``benchmark_batch.generate`` (Swedish and English, a few empty rows),
scores them with the local engine (``klarsteg score --workers N`` as a subprocess) and with the
Spark engine on ``local[N]`` (in this process, so that Spark's start-up and the scoring job are
timed apart), checks that both wrote the same scores, and counts the model loads per Python
worker process (each load appends its pid to a file, ``KLARSTEG_SPARK_LOAD_LOG``).

    .venv/bin/python scripts/benchmark_spark.py --rows 100000 --cores 2 --out out/benchmark_spark.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

from benchmark_batch import generate
from benchmark_batch import run as run_local

from service.spark import LOAD_LOG_ENV, score_file_spark, spark_session

ROOT = Path(__file__).resolve().parents[1]


def scores(path: Path) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["id"], r["score"], r["verdict"]) for r in csv.DictReader(fh)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows to generate")
    parser.add_argument("--cores", type=int, default=2, help="local engine workers and Spark's local[N]")
    parser.add_argument("--dir", type=Path, default=ROOT / "out" / "benchmark", help="scratch directory")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "benchmark_spark.json", help="JSON result")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    inp = args.dir / f"notes_{args.rows}.csv"
    if not inp.exists():
        generate(inp, args.rows)

    local_out = args.dir / f"scored_{args.rows}_local.csv"
    local_s = run_local(inp, local_out, args.cores)["seconds"]  # the same `klarsteg score` run
    print(f"local engine: {local_s:.1f} s, {args.rows / local_s:,.0f} notes/s", file=sys.stderr)

    loads = args.dir / "spark_model_loads.txt"
    loads.unlink(missing_ok=True)
    os.environ[LOAD_LOG_ENV] = str(loads)  # inherited by the JVM and its Python workers
    started = time.monotonic()
    spark = spark_session(f"local[{args.cores}]", log_file=args.dir / "spark.log")
    session_s = time.monotonic() - started
    spark_out = args.dir / f"scored_{args.rows}_spark.csv"
    job_started = time.monotonic()
    summary = score_file_spark(inp, spark_out)
    job_s = time.monotonic() - job_started
    spark.stop()
    spark_s = session_s + job_s
    print(
        f"spark engine: {spark_s:.1f} s ({session_s:.1f} s start-up), {args.rows / spark_s:,.0f} notes/s",
        file=sys.stderr,
    )

    per_pid = Counter(line.split()[0] for line in loads.read_text(encoding="utf-8").splitlines() if line)
    same = scores(local_out) == scores(spark_out)
    report = {
        "rows": args.rows,
        "cores": args.cores,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "local": {"seconds": round(local_s, 1), "notes_per_s": round(args.rows / local_s, 1)},
        "spark": {
            "master": f"local[{args.cores}]",
            "seconds": round(spark_s, 1),
            "session_start_s": round(session_s, 1),
            "job_s": round(job_s, 1),
            "notes_per_s": round(args.rows / spark_s, 1),
            "notes_per_s_job": round(args.rows / job_s, 1),
            "notes_per_s_per_core_job": round(args.rows / job_s / args.cores, 1),
            "rows_written": summary.written,
            "errors": summary.errors,
            "python_workers": len(per_pid),
            "model_loads": sum(per_pid.values()),
            "model_loads_per_worker": sorted(per_pid.values()),
        },
        "same_scores_and_verdicts": same,
        "note": "local seconds include process start and the workers' model loads; spark seconds "
        "include the JVM start (session_start_s), the Python workers' start and model loads, staging "
        "the CSV, scoring and writing the CSV in order",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    if not same:
        raise SystemExit("the engines disagree")


if __name__ == "__main__":
    main()
