"""Soak and overload test of ``klarsteg serve`` on loopback: no 5xx, no memory growth, fast 503s.

    .venv/bin/python scripts/soak.py                       # 120 s soak + 30 s overload
    .venv/bin/python scripts/soak.py --seconds 600 --json out/soak.json

Two phases, each against its own ``klarsteg serve`` that this script starts on a free port of
127.0.0.1 (never another address) and stops at the end:

1. **soak** (``--seconds``, default 120): ``--clients`` (16) concurrent clients, each in a loop
   with no think time, send a mix of valid requests (Swedish and English notes of every size up
   to 20,000 characters, batches of up to 50 notes, ``/v1/info``, ``/healthz``) and invalid ones
   (empty text, bad dates and languages, unknown fields, malformed JSON, bodies that are not
   JSON or over 2 MiB, lone surrogates, wrong paths and methods). Pass: no 5xx at all, every
   request answered, every 200 self-consistent (score = sum of parts), and the server's resident
   memory (RSS, sampled every second from /proc) at the end within 10 % of its value at the end
   of the first minute (of the first half, for runs shorter than two minutes).
2. **overload** (``--overload-seconds``, default 30): the server runs with
   ``KLARSTEG_MAX_CONCURRENCY=2`` and ``--overload-clients`` (48) clients send heavy requests
   (long notes and 50-note batches), far more than two slots can score. Pass: the server sheds
   the excess with 503 + ``Retry-After`` after at most ``queue_timeout_s`` (2 s) plus a margin,
   never hangs or answers another 5xx, and ``/healthz`` stays fast meanwhile.

Every loop is bounded by time and by ``--max-requests`` per phase; each request has a timeout.
Exit status 0 when both phases pass, 1 otherwise. ``--json`` writes every number, the machine
and the command.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
KLARSTEG = ROOT / ".venv" / "bin" / "klarsteg"
HOST = "127.0.0.1"  # loopback only, by design
REQUEST_TIMEOUT_S = 60.0
MEMORY_GROWTH_LIMIT = 0.10
OVERLOAD_CONCURRENCY = 2
QUEUE_TIMEOUT_S = 2.0  # the service's default queue_timeout_s
RETRY_LATENCY_MARGIN_S = 1.5  # parsing a 20,000-character body on a saturated 2-core machine

SV = [
    "Vi bokade demo tis 17/3 kl 10 för att visa integrationen.",
    "Bra möte med Eva. Hon ska prata med IT. Ring tors kl 14 ang. licenserna.",
    "Kunden återkommer längre fram när budgeten är klar.",
    "Hörs om ett par veckor för att stämma av läget.",
    "Skickar offert imorgon, sen möte v. 49 med CFO:n för att gå igenom avtalet.",
    "Inget nytt möte bokat. Uppdatera CRM.",
]
EN = [
    "I'll call Anna on Friday at 2pm to go through the quote with the CFO.",
    "Booked demo Tue 3 Feb 10:00 to show the EDI integration.",
    "Will circle back next quarter.",
    "Customer will get back to us later on, no next step agreed.",
    "Sent the revised quote; follow-up meeting next week so they can decide before the board meets.",
]
ODD = [
    "\x00 ring tors kl 10",
    "😀🤝 demo imorgon 📅",
    "\u200f\u202eRing fredag kl 9\u202c",
    "1/2 3.4 5:6 ---",
    "a\u0301" * 50,
]


def _note(rng: random.Random) -> str:
    pool = rng.choice([SV, EN, ODD])
    return " ".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))


def _long_note(rng: random.Random, size: int) -> str:
    text = ""
    while len(text) < size:
        text += rng.choice(SV + EN) + " "
    return text[:size]


@dataclass
class Request:
    kind: str
    method: str
    path: str
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)


def soak_request(rng: random.Random) -> Request:
    """One request of the soak mix: about 60 % valid, 40 % invalid."""
    r = rng.random()
    date = rng.choice(["2026-03-10", "2026-12-28", "2027-01-03", None])
    if r < 0.30:
        body: dict[str, Any] = {"text": _note(rng), "language": rng.choice(["auto", "sv", "en"])}
        if date:
            body["note_date"] = date
        return Request("score", "POST", "/v1/score", json=body)
    if r < 0.34:
        return Request(
            "score_long", "POST", "/v1/score", json={"text": _long_note(rng, rng.choice([5_000, 20_000]))}
        )
    if r < 0.44:
        notes = [{"id": i, "text": _note(rng), "note_date": date} for i in range(rng.randint(1, 50))]
        if rng.random() < 0.5:
            notes.append({"id": "bad", "text": "  ", "language": "xx"})
        return Request("batch", "POST", "/v1/score/batch", json={"notes": notes})
    if r < 0.50:
        return Request("info", "GET", "/v1/info")
    if r < 0.56:
        return Request("healthz", "GET", "/healthz")
    invalid: list[Callable[[], Request]] = [
        lambda: Request("empty", "POST", "/v1/score", json={"text": " \n\t "}, expect=(422,)),
        lambda: Request(
            "bad_date", "POST", "/v1/score", json={"text": _note(rng), "note_date": "10/3"}, expect=(422,)
        ),
        lambda: Request(
            "bad_language", "POST", "/v1/score", json={"text": _note(rng), "language": "de"}, expect=(422,)
        ),
        lambda: Request(
            "unknown_field", "POST", "/v1/score", json={"text": _note(rng), "x": 1}, expect=(422,)
        ),
        lambda: Request("too_long", "POST", "/v1/score", json={"text": "x" * 20_001}, expect=(422,)),
        lambda: Request(
            "malformed",
            "POST",
            "/v1/score",
            content=b'{"text": "Ring tors',
            headers={"Content-Type": "application/json"},
            expect=(400,),
        ),
        lambda: Request(
            "not_json",
            "POST",
            "/v1/score",
            content=b"text=hej",
            headers={"Content-Type": "text/plain"},
            expect=(415,),
        ),
        lambda: Request(
            "too_large",
            "POST",
            "/v1/score",
            content=b'{"text": "' + b"x" * (2 * 1024 * 1024 + 10) + b'"}',
            headers={"Content-Type": "application/json"},
            expect=(413,),
        ),
        lambda: Request(
            "surrogate",
            "POST",
            "/v1/score",
            content=b'{"text": "\\ud800 ring tors"}',
            headers={"Content-Type": "application/json"},
            expect=(422,),
        ),
        lambda: Request("not_found", "GET", "/v1/nothing", expect=(404,)),
        lambda: Request("wrong_method", "GET", "/v1/score", expect=(405,)),
        lambda: Request(
            "batch_too_big", "POST", "/v1/score/batch", json={"notes": [{"text": "x"}] * 1001}, expect=(422,)
        ),
    ]
    return rng.choice(invalid)()


def overload_request(rng: random.Random) -> Request:
    """A heavy request: a long note or a full batch. 200 when scored, 503 when shed."""
    if rng.random() < 0.5:
        return Request(
            "score_long", "POST", "/v1/score", json={"text": _long_note(rng, 20_000)}, expect=(200, 503)
        )
    notes = [{"id": i, "text": _note(rng)} for i in range(50)]
    return Request("batch", "POST", "/v1/score/batch", json={"notes": notes}, expect=(200, 503))


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class Server:
    """``klarsteg serve`` on a free loopback port, started here and stopped here."""

    def __init__(self, env_overrides: dict[str, str], log_dir: Path, name: str) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("KLARSTEG_") or k == "KLARSTEG_MODEL_DIR"
        }
        env |= {"KLARSTEG_LOG_LEVEL": "WARNING"} | env_overrides
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(KLARSTEG), "serve", "--host", HOST, "--port", str(self.port)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}: see {self.log_path}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready after {timeout} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


# --------------------------------------------------------------------------- the load


@dataclass
class Stats:
    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: list[str] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    missing_retry_after: int = 0
    inconsistent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport_errors.values())


def check_body(req: Request, response: httpx.Response) -> bool:
    """A 200 must be self-consistent: score is the sum of its parts, 0 to 100."""
    if response.status_code != 200 or req.kind not in ("score", "score_long", "batch"):
        return True
    body = response.json()
    results = [body] if req.kind != "batch" else [it["result"] for it in body["results"] if it["result"]]
    return all(0 <= r["score"] <= 100 and r["score"] == sum(r["parts"].values()) for r in results)


def run_clients(
    base: str,
    clients: int,
    seconds: float,
    max_requests: int,
    make: Callable[[random.Random], Request],
    seed: int,
) -> Stats:
    """``clients`` threads, each sending ``make()`` requests back to back until the time or the
    request budget is spent."""
    stats = Stats()
    deadline = time.monotonic() + seconds
    budget = threading.Semaphore(max_requests)

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as http:
            while time.monotonic() < deadline and budget.acquire(blocking=False):
                req = make(rng)
                started = time.perf_counter()
                try:
                    response = http.request(
                        req.method, req.path, json=req.json, content=req.content, headers=req.headers
                    )
                except httpx.HTTPError as exc:
                    with stats.lock:
                        stats.transport_errors[type(exc).__name__] += 1
                    continue
                took = time.perf_counter() - started
                ok = check_body(req, response)
                with stats.lock:
                    stats.statuses[response.status_code] += 1
                    stats.by_kind[req.kind][response.status_code] += 1
                    stats.latencies[response.status_code].append(took)
                    if response.status_code not in req.expect and len(stats.unexpected) < 20:
                        stats.unexpected.append(f"{req.kind}: {response.status_code} {response.text[:200]}")
                    if response.status_code == 503 and "retry-after" not in response.headers:
                        stats.missing_retry_after += 1
                    if not ok:
                        stats.inconsistent += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT_S + 30)
    return stats


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0)}


class Sampler(threading.Thread):
    """Samples the server's RSS every second; ends with ``stop()``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._stop_event = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append((time.monotonic() - self.started_at, rss_bytes(self.pid)))
            self._stop_event.wait(1.0)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
        self.samples.append((time.monotonic() - self.started_at, rss_bytes(self.pid)))


class Prober(threading.Thread):
    """Times ``GET /healthz`` twice a second while the server is overloaded."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.latencies: list[float] = []
        self.failures = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as http:
            while not self._stop_event.is_set():
                started = time.perf_counter()
                try:
                    if http.get("/healthz").status_code == 200:
                        self.latencies.append(time.perf_counter() - started)
                    else:
                        self.failures += 1
                except httpx.HTTPError:
                    self.failures += 1
                self._stop_event.wait(0.5)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=15)


def mib(n: float) -> float:
    return round(n / (1024 * 1024), 1)


# --------------------------------------------------------------------------- the phases


def soak_phase(args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    server = Server({}, log_dir, "soak")
    try:
        ready_s = server.wait_ready()
        sampler = Sampler(server.proc.pid)
        sampler.start()
        stats = run_clients(
            server.base, args.clients, args.seconds, args.max_requests, soak_request, args.seed
        )
        sampler.stop()
        alive = server.proc.poll() is None
    finally:
        server.stop()
    samples = sampler.samples
    mark = 60.0 if args.seconds >= 120 else args.seconds / 2
    baseline = min(samples, key=lambda s: abs(s[0] - mark))[1]
    final = samples[-1][1]
    growth = (final - baseline) / baseline if baseline else float("inf")
    five_xx = sum(n for code, n in stats.statuses.items() if code >= 500)
    result = {
        "seconds": args.seconds,
        "clients": args.clients,
        "ready_s": round(ready_s, 2),
        "requests": stats.total,
        "requests_per_s": round(stats.total / args.seconds, 1),
        "statuses": dict(sorted(stats.statuses.items())),
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(stats.by_kind.items())},
        "latency_200": percentiles(stats.latencies[200]),
        "latency_4xx": percentiles([x for c, v in stats.latencies.items() if 400 <= c < 500 for x in v]),
        "five_xx": five_xx,
        "transport_errors": dict(stats.transport_errors),
        "unexpected": stats.unexpected,
        "inconsistent_results": stats.inconsistent,
        "rss_mib": {
            "start": mib(samples[0][1]),
            f"at_{int(mark)}s": mib(baseline),
            "end": mib(final),
            "peak": mib(max(s[1] for s in samples)),
        },
        "rss_growth_pct": round(growth * 100, 2),
        "server_alive_at_end": alive,
        "log": str(server.log_path),
    }
    result["passed"] = (
        five_xx == 0
        and not stats.transport_errors
        and not stats.unexpected
        and stats.inconsistent == 0
        and growth < MEMORY_GROWTH_LIMIT
        and alive
    )
    return result


def overload_phase(args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    server = Server({"KLARSTEG_MAX_CONCURRENCY": str(OVERLOAD_CONCURRENCY)}, log_dir, "overload")
    try:
        server.wait_ready()
        prober = Prober(server.base)
        prober.start()
        stats = run_clients(
            server.base,
            args.overload_clients,
            args.overload_seconds,
            args.max_requests,
            overload_request,
            args.seed + 1,
        )
        prober.stop()
        alive = server.proc.poll() is None
    finally:
        server.stop()
    shed = stats.latencies[503]
    limit = QUEUE_TIMEOUT_S + RETRY_LATENCY_MARGIN_S
    other_5xx = sum(n for code, n in stats.statuses.items() if code >= 500 and code != 503)
    result = {
        "seconds": args.overload_seconds,
        "clients": args.overload_clients,
        "max_concurrency": OVERLOAD_CONCURRENCY,
        "requests": stats.total,
        "statuses": dict(sorted(stats.statuses.items())),
        "latency_200": percentiles(stats.latencies[200]),
        "latency_503": percentiles(shed),
        "latency_503_limit_ms": limit * 1000,
        "missing_retry_after": stats.missing_retry_after,
        "other_5xx": other_5xx,
        "transport_errors": dict(stats.transport_errors),
        "unexpected": stats.unexpected,
        "healthz_during_overload": percentiles(prober.latencies) | {"failures": prober.failures},
        "server_alive_at_end": alive,
        "log": str(server.log_path),
    }
    result["passed"] = (
        len(shed) > 0
        and max(shed) < limit
        and stats.missing_retry_after == 0
        and other_5xx == 0
        and not stats.transport_errors
        and not stats.unexpected
        and prober.failures == 0
        and alive
    )
    return result


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    with contextlib.suppress(OSError, IndexError, ValueError):
        mem = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024**3, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_avg_before": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="length of the soak phase (120)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the soak phase (16)")
    parser.add_argument(
        "--overload-seconds", type=float, default=30, help="length of the overload phase (30)"
    )
    parser.add_argument("--overload-clients", type=int, default=48, help="clients in the overload phase (48)")
    parser.add_argument("--max-requests", type=int, default=500_000, help="request budget per phase")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip", nargs="*", default=[], choices=["soak", "overload"])
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C or SIGTERM (even when started in the background) stops the run and its server.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)

    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory(prefix="klarsteg-soak-") as tmp:
        log_dir = Path(args.json).parent if args.json else Path(tmp)
        if "soak" not in args.skip:
            print(f"soak: {args.clients} clients for {args.seconds:g} s ...", file=sys.stderr)
            report["soak"] = soak_phase(args, log_dir)
        if "overload" not in args.skip:
            print(
                f"overload: {args.overload_clients} clients for {args.overload_seconds:g} s "
                f"at max_concurrency={OVERLOAD_CONCURRENCY} ...",
                file=sys.stderr,
            )
            report["overload"] = overload_phase(args, log_dir)
    report["machine"]["load_avg_after"] = os.getloadavg()
    passed = all(report[p]["passed"] for p in ("soak", "overload") if p in report)
    report["passed"] = passed
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    summary = []
    if "soak" in report:
        s = report["soak"]
        summary.append(
            f"soak: {s['requests']} requests ({s['requests_per_s']}/s), 5xx {s['five_xx']}, "
            f"RSS {s['rss_mib']} growth {s['rss_growth_pct']} %"
        )
    if "overload" in report:
        o = report["overload"]
        summary.append(f"overload: statuses {o['statuses']}, 503 latency {o['latency_503']}")
    print("\n".join(summary) + f"\n{'PASSED' if passed else 'FAILED'}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
