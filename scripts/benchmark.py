"""Measure Klarsteg's speed: in process, against dateparser and the tokenizer, batch, API, cold start.

    .venv/bin/python scripts/benchmark.py --json out/benchmark.json

Sections (each can be skipped, e.g. ``--skip batch api``):

- ``inprocess``: notes per second and median/p99 time per note of ``Klarsteg.score`` (one note
  per call, as the API does) and the throughput of ``Klarsteg.score_many`` (as batch scoring
  does), for typical Swedish and English notes (50-150 words) and long notes (~2,000 words).
  The notes are test-split notes of one language strung together (``training_data/test.jsonl``).
- ``peer``: dateparser's ``search_dates`` alone over the same notes (told the language, its
  faster setting), and the floor: spaCy's blank ``xx`` tokenizer alone. Ratios are Klarsteg's
  throughput over theirs.
- ``batch``: ``klarsteg score`` over generated CRM exports (``scripts/benchmark_batch.py``)
  with 1 and 2 workers: notes per second (process start and model load included) and peak
  memory of the whole process tree and of the largest single process.
- ``api``: ``klarsteg serve --workers 2`` on 127.0.0.1, loaded with locust (headless,
  FastHttpUser, no wait) at 1, 8 and 32 concurrent clients for 30 s each, ``POST /v1/score``
  with typical notes: p50/p95/p99, requests per second, errors.
- ``cold``: ``klarsteg serve`` (one worker) from process start to ``/readyz`` answering 200,
  resident memory after load, and the model's size on disk.

The load average is recorded before and after each section; measure on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from benchmark_batch import generate as generate_export  # noqa: E402
from benchmark_batch import rss_mb, tree_pids  # noqa: E402
from benchmark_batch import run as run_export  # noqa: E402

VENV_BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- notes


def _load_test_notes() -> list[dict[str, Any]]:
    import model  # noqa: F401  (the package in use, for the data path)

    path = ROOT / "training_data" / "test.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_notes(lang: str, n: int, lo: int, hi: int, seed: int) -> list[tuple[str, date]]:
    """``n`` notes of ``lang`` with ``lo`` to ``hi`` words: test notes of that language strung
    together (as a rep's running log of a deal reads), dated as the first one."""
    rnd = random.Random(seed)
    pool = [r for r in _load_test_notes() if r["lang"] == lang]
    out = []
    for _ in range(n):
        target = rnd.randint(lo, hi)
        first = rnd.choice(pool)
        parts, words = [first["text"]], len(first["text"].split())
        while words < target:
            t = rnd.choice(pool)["text"]
            if words >= lo and words + len(t.split()) > hi:
                break
            parts.append(t)
            words += len(t.split())
        sep = "\n" if rnd.random() < 0.5 else " "
        out.append((sep.join(parts), date.fromisoformat(first["note_date"])))
    return out


def note_sets(args: argparse.Namespace) -> dict[str, list[tuple[str, date]]]:
    return {
        "sv typical (50-150 words)": make_notes("sv", args.notes, 50, 150, 1),
        "en typical (50-150 words)": make_notes("en", args.notes, 50, 150, 2),
        "sv long (~2,000 words)": make_notes("sv", args.long_notes, 1900, 2100, 3),
        "en long (~2,000 words)": make_notes("en", args.long_notes, 1900, 2100, 4),
    }


# --------------------------------------------------------------------------- helpers


def load() -> float:
    return os.getloadavg()[0]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def timed(fn, items, repeat: int = 1) -> tuple[list[float], float]:
    """Per-item seconds (best of ``repeat`` runs per item) and the total of those."""
    per = []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            fn(item)
            best = min(best, time.perf_counter() - t)
        per.append(best)
    return per, sum(per)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(url: str, timeout: float = 1.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except Exception:
        return 0


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- sections


def bench_inprocess(sets: dict[str, list[tuple[str, date]]], args: argparse.Namespace) -> dict[str, Any]:
    from model.pipeline import Klarsteg, NoteInput

    model = Klarsteg.load()
    out: dict[str, Any] = {}
    for name, notes in sets.items():
        for text, day in notes[:5]:  # warm up
            model.score(text, day)
        per, total = timed(lambda n: model.score(n[0], n[1]), notes)
        inputs = [NoteInput(t, d, "auto") for t, d in notes]
        many = float("inf")
        for _ in range(3):  # best of three, as the per-note times are best-of per note
            t = time.perf_counter()
            model.score_many(inputs)
            many = min(many, time.perf_counter() - t)
        out[name] = {
            "notes": len(notes),
            "words_mean": round(statistics.mean(len(t.split()) for t, _ in notes)),
            "notes_per_s": round(len(notes) / total, 1),
            "median_ms": round(statistics.median(per) * 1000, 3),
            "p99_ms": round(pct(per, 99) * 1000, 3),
            "score_many_notes_per_s": round(len(notes) / many, 1),
        }
        print(f"  {name}: {out[name]}", file=sys.stderr)
    return out


def bench_peers(
    sets: dict[str, list[tuple[str, date]]], inproc: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    """dateparser's search_dates told the note's language (its fast setting), and with its
    defaults (it then tries every language it knows); spaCy's blank tokenizer."""
    import spacy
    from dateparser.search import search_dates

    tokenizer = spacy.blank("xx").tokenizer
    out: dict[str, Any] = {}
    for name, notes in sets.items():
        lang = name[:2]
        peer_notes = notes[: args.peer_notes if "typical" in name else args.peer_long_notes]
        default_notes = peer_notes[: max(2, len(peer_notes) // 10)]

        def peer(n: tuple[str, date], languages: list[str] | None = [lang]) -> None:  # noqa: B006
            base = datetime.combine(n[1], datetime.min.time())
            search_dates(n[0], languages=languages, settings={"RELATIVE_BASE": base})

        for n in peer_notes[:2]:
            peer(n)
            peer(n, None)
        _, peer_total = timed(peer, peer_notes)
        _, default_total = timed(lambda n: peer(n, None), default_notes)
        _, tok_total = timed(lambda n: tokenizer(n[0]), notes, repeat=3)
        peer_rate = len(peer_notes) / peer_total
        default_rate = len(default_notes) / default_total
        tok_rate = len(notes) / tok_total
        ours = inproc.get(name, {}).get("notes_per_s")
        ours_many = inproc.get(name, {}).get("score_many_notes_per_s")
        out[name] = {
            "search_dates_notes": len(peer_notes),
            "search_dates_notes_per_s": round(peer_rate, 1),
            "search_dates_default_notes": len(default_notes),
            "search_dates_default_notes_per_s": round(default_rate, 2),
            "tokenizer_notes_per_s": round(tok_rate, 1),
            "klarsteg_vs_search_dates": round(ours / peer_rate, 2) if ours else None,
            "klarsteg_many_vs_search_dates": round(ours_many / peer_rate, 2) if ours_many else None,
            "klarsteg_vs_search_dates_default": round(ours / default_rate, 1) if ours else None,
            "tokenizer_vs_klarsteg": round(tok_rate / ours, 1) if ours else None,
        }
        print(f"  {name}: {out[name]}", file=sys.stderr)
    return out


def run_batch(inp: Path, out: Path, workers: int) -> dict[str, Any]:
    r = run_export(inp, out, workers)
    return {
        "workers": workers,
        "seconds": r["seconds"],
        "notes_per_s": round(r["output_lines"] / r["seconds"], 1),
        "peak_rss_tree_mb": r["peak_rss_mb"],
        "peak_rss_process_mb": r["peak_rss_process_mb"],
        "output_lines": r["output_lines"],
    }


def bench_batch(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    inp = scratch / f"notes_{args.batch_rows}.csv"
    if not inp.exists():
        generate_export(inp, args.batch_rows)
    runs = []
    for workers in args.batch_workers:
        r = run_batch(inp, scratch / f"scored_w{workers}.jsonl", workers)
        r["load_before"] = round(load(), 2)
        print(f"  batch: {r}", file=sys.stderr)
        runs.append(r)
    return {"rows": args.batch_rows, "input_mb": round(inp.stat().st_size / 2**20, 1), "runs": runs}


LOCUSTFILE = """
import json, os, random
from locust import FastHttpUser, task, constant

# Bodies are encoded once, up front, so the load generator spends its CPU on sending them.
NOTES = [
    json.dumps({"text": text, "note_date": day}, ensure_ascii=False).encode("utf-8")
    for text, day in json.load(open(os.environ["KLARSTEG_BENCH_NOTES"], encoding="utf-8"))
]
HEADERS = {"Content-Type": "application/json"}


class Scorer(FastHttpUser):
    wait_time = constant(0)

    @task
    def score(self):
        body = random.choice(NOTES)
        with self.client.post("/v1/score", data=body, headers=HEADERS, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
"""


def start_server(workers: int, port: int, env: dict[str, str]) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "klarsteg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> float:
    started = time.monotonic()
    url = f"http://127.0.0.1:{port}/readyz"
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit("klarsteg serve exited before it was ready")
        if get_status(url, 0.5) == 200:
            return time.monotonic() - started
        time.sleep(0.01)
    raise SystemExit("klarsteg serve was not ready in time")


def bench_cold(args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, KLARSTEG_LOG_LEVEL="WARNING")
    starts, rss = [], []
    for _ in range(args.cold_runs):
        port = free_port()
        t = time.monotonic()
        proc = start_server(1, port, env)
        try:
            wait_ready(port, proc)
            starts.append(time.monotonic() - t)
            time.sleep(0.3)
            rss.append(rss_mb(proc.pid))
        finally:
            stop(proc)
    from model.settings import get_settings

    model_dir = get_settings().model_dir
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    out = {
        "ready_s_median": round(statistics.median(starts), 2),
        "ready_s_max": round(max(starts), 2),
        "runs": len(starts),
        "rss_after_load_mb": round(statistics.median(rss), 1),
        "model_size_mb": round(size / 2**20, 2),
    }
    print(f"  cold: {out}", file=sys.stderr)
    return out


def short_notes(n: int, seed: int = 9) -> list[tuple[str, str]]:
    """Short CRM-style notes (10-30 words), as ``scripts/benchmark_batch.py`` generates them."""
    import csv

    path = Path(tempfile.mkdtemp(prefix="klarsteg-short-")) / "notes.csv"
    generate_export(path, n, seed=seed)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [(r["anteckning"], r["date"]) for r in csv.DictReader(fh, delimiter=";") if r["anteckning"]]
    shutil.rmtree(path.parent, ignore_errors=True)
    return rows


def bench_api(
    sets: dict[str, list[tuple[str, date]]], args: argparse.Namespace, scratch: Path
) -> dict[str, Any]:
    locust = VENV_BIN / "locust"
    if not locust.exists():
        raise SystemExit("locust is not installed: pip install -e '.[dev]'")
    kinds = {
        "typical": [(t, d.isoformat()) for name, ns in sets.items() if "typical" in name for t, d in ns],
        "short": short_notes(2000),
    }
    locustfile = scratch / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    port = free_port()
    env = dict(os.environ, KLARSTEG_LOG_LEVEL="WARNING")
    server = start_server(args.api_workers, port, env)
    out: dict[str, Any] = {"server_workers": args.api_workers, "seconds": args.api_seconds, "runs": []}
    try:
        wait_ready(port, server)
        time.sleep(2.0)  # let every worker finish loading
        for kind in args.api_notes:
            notes_path = scratch / f"api_notes_{kind}.json"
            notes_path.write_text(json.dumps(kinds[kind], ensure_ascii=False), encoding="utf-8")
            words = statistics.mean(len(t.split()) for t, _ in kinds[kind])
            for users in args.api_users:
                prefix = scratch / f"locust_{kind}_{users}"
                cmd = [
                    str(locust), "-f", str(locustfile), "--headless", "-u", str(users), "-r", str(users),
                    "-t", f"{args.api_seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
                    "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING",
                ]  # fmt: skip
                lb = load()
                subprocess.run(
                    cmd, env=dict(env, KLARSTEG_BENCH_NOTES=str(notes_path)), check=False,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                stats = _locust_row(prefix.with_name(prefix.name + "_stats.csv"))
                stats.update(notes=kind, words_mean=round(words), users=users, load_before=round(lb, 2))
                workers_rss = [rss_mb(p) for p in tree_pids(server.pid)[1:]]
                stats["worker_rss_mb"] = round(max(workers_rss, default=0.0), 1)
                print(f"  api: {stats}", file=sys.stderr)
                out["runs"].append(stats)
    finally:
        stop(server)
    return out


def _locust_row(path: Path) -> dict[str, Any]:
    import csv

    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "mean_ms": round(float(row["Average Response Time"]), 1),
    }


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
    }


def table(report: dict[str, Any]) -> str:
    lines = []
    if "inprocess" in report:
        lines.append(
            "| notes | words | score() notes/s | median ms | p99 ms | score_many notes/s |"
            " search_dates (language given) notes/s | x that: score() | x that: score_many |"
            " search_dates (defaults) notes/s | x that |"
            " tokenizer notes/s | tokenizer x faster |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in report["inprocess"].items():
            p = report.get("peer", {}).get(name, {})
            lines.append(
                f"| {name} | {r['words_mean']} | {r['notes_per_s']} | {r['median_ms']} | {r['p99_ms']} | "
                f"{r['score_many_notes_per_s']} | {p.get('search_dates_notes_per_s', '-')} | "
                f"{p.get('klarsteg_vs_search_dates', '-')} | {p.get('klarsteg_many_vs_search_dates', '-')} | "
                f"{p.get('search_dates_default_notes_per_s', '-')} | "
                f"{p.get('klarsteg_vs_search_dates_default', '-')} | {p.get('tokenizer_notes_per_s', '-')} | "
                f"{p.get('tokenizer_vs_klarsteg', '-')} |"
            )  # fmt: skip
    if "batch" in report:
        lines.append("")
        lines.append(f"| batch ({report['batch']['rows']} notes) | seconds | notes/s | peak RSS tree MB | "
                     "peak RSS one process MB |")  # fmt: skip
        lines.append("|---|---:|---:|---:|---:|")
        for r in report["batch"]["runs"]:
            lines.append(
                f"| {r['workers']} worker(s) | {r['seconds']} | {r['notes_per_s']} | {r['peak_rss_tree_mb']} | "
                f"{r['peak_rss_process_mb']} |"
            )
    if "api" in report:
        a = report["api"]
        lines.append("")
        lines.append(f"| API ({a['server_workers']} workers, {a['seconds']} s) | req/s | p50 ms | p95 ms | "
                     "p99 ms | errors | requests | worker RSS MB |")  # fmt: skip
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in a["runs"]:
            lines.append(
                f"| {r['notes']} notes ({r['words_mean']} words), {r['users']} clients | {r['rps']} | "
                f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {r['requests']} | "
                f"{r['worker_rss_mb']} |"
            )
    if "cold" in report:
        c = report["cold"]
        lines.append("")
        lines.append("| cold start to /readyz s (median, max) | RSS after load MB | model on disk MB |")
        lines.append("|---:|---:|---:|")
        lines.append(
            f"| {c['ready_s_median']}, {c['ready_s_max']} | {c['rss_after_load_mb']} | {c['model_size_mb']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["inprocess", "peer", "batch", "api", "cold"]
    )
    parser.add_argument("--notes", type=int, default=400, help="typical notes per language")
    parser.add_argument("--long-notes", type=int, default=20, help="long notes per language")
    parser.add_argument(
        "--peer-notes", type=int, default=100, help="typical notes per language for dateparser"
    )
    parser.add_argument(
        "--peer-long-notes", type=int, default=5, help="long notes per language for dateparser"
    )
    parser.add_argument("--batch-rows", type=int, default=100_000)
    parser.add_argument("--batch-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--api-users", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--api-seconds", type=int, default=30)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--api-notes", nargs="+", default=["typical", "short"], choices=["typical", "short"])
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--scratch", type=Path, help="scratch directory (default: a temporary one)")
    args = parser.parse_args()

    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="klarsteg-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "started": datetime.now().isoformat(timespec="seconds"),
        "load": {"start": round(load(), 2)},
    }
    sets = note_sets(args)
    try:
        if "inprocess" not in args.skip:
            print("in-process", file=sys.stderr)
            report["inprocess"] = bench_inprocess(sets, args)
            report["load"]["after_inprocess"] = round(load(), 2)
        if "peer" not in args.skip:
            print("dateparser and tokenizer", file=sys.stderr)
            report["peer"] = bench_peers(sets, report.get("inprocess", {}), args)
            report["load"]["after_peer"] = round(load(), 2)
        if "cold" not in args.skip:
            print("cold start", file=sys.stderr)
            report["cold"] = bench_cold(args)
        if "batch" not in args.skip:
            print("batch", file=sys.stderr)
            report["batch"] = bench_batch(args, scratch)
            report["load"]["after_batch"] = round(load(), 2)
        if "api" not in args.skip:
            print("api", file=sys.stderr)
            report["api"] = bench_api(sets, args, scratch)
            report["load"]["after_api"] = round(load(), 2)
    finally:
        if args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)
    report["load"]["end"] = round(load(), 2)
    print(table(report))
    print(f"\nmachine: {report['machine']}; load averages: {report['load']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
