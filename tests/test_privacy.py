"""Privacy: no note text and no API key reaches the logs, stderr or stdout.

The real service (``klarsteg serve``, uvicorn in a subprocess on 127.0.0.1) runs at each
``KLARSTEG_LOG_LEVEL`` and gets valid notes, notes that fail validation, notes that take
error paths (malformed JSON, a body that is too large or not JSON, a lone surrogate, a note
that crashes the model, wrong keys); the batch command runs at each level, with and without
``--quiet``, in process and with worker processes, on CSV and JSONL. Distinctive marker
strings sit at the start, middle and end of every note and inside the API key; none of them
may appear in anything the processes print.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
KLARSTEG = ROOT / ".venv" / "bin" / "klarsteg"

NOTE_MARKERS = ("ZEBULONQUUXNOTE", "XYLOPHANTBODY", "QWERTZLASTWORD", "FJORDVALKYRIE")
KEY_MARKER = "KEYMARKERPLUGH"
API_KEY = f"sk-{KEY_MARKER}-0123456789abcdef"
WRONG_KEY = f"wrong-{KEY_MARKER}-fedcba9876543210"
A, B, C, D = NOTE_MARKERS


def note(marker: str = A, body: str = "Vi bokade demo tis 17/3 kl 10 för att visa integrationen.") -> str:
    """A note with ``marker`` at its start, in its middle and at its end."""
    return f"{marker} {body} {marker} kunden {marker}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KLARSTEG_")} | extra


def assert_private(output: str, *, where: str) -> None:
    for marker in (*NOTE_MARKERS, KEY_MARKER):
        assert marker not in output, f"{marker} reached {where}:\n{output[-3000:]}"
    assert API_KEY not in output and WRONG_KEY not in output


needs_cli = pytest.mark.skipif(not KLARSTEG.exists(), reason="the klarsteg command is not installed")


# --------------------------------------------------------------------------- the service


class Server:
    """``klarsteg serve`` on a free loopback port, its stdout and stderr captured to files."""

    def __init__(self, tmp: Path, level: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.out, self.err = tmp / f"serve-{level}.out", tmp / f"serve-{level}.err"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [str(KLARSTEG), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=_env(KLARSTEG_LOG_LEVEL=level, KLARSTEG_API_KEY=API_KEY),
                stdout=out,
                stderr=err,
            )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the service did not become ready:\n{self.output()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def output(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")


def exercise(base: str) -> list[int]:
    """Every kind of request the privacy rule must hold for; returns the statuses."""
    key = {"X-API-Key": API_KEY}
    statuses: list[int] = []
    with httpx.Client(base_url=base, timeout=60) as http:

        def post(path: str, headers: dict[str, str] | None = None, **kw: Any) -> None:
            statuses.append(
                http.post(path, headers=(headers if headers is not None else key), **kw).status_code
            )

        # Valid notes: by X-API-Key, by bearer token, English and Swedish.
        post("/v1/score", json={"text": note(A), "note_date": "2026-03-10"})
        post(
            "/v1/score",
            headers={"Authorization": f"Bearer {API_KEY}"},
            json={
                "text": note(B, "I'll call Anna on Friday at 2pm to go through the quote."),
                "language": "en",
            },
        )
        # Wrong or missing keys, with a note.
        post("/v1/score", headers={"X-API-Key": WRONG_KEY}, json={"text": note(A)})
        post("/v1/score", headers={"Authorization": f"Bearer {WRONG_KEY}"}, json={"text": note(A)})
        post("/v1/score", headers={}, json={"text": note(A)})
        # Notes that fail validation; markers in the bad values too.
        post("/v1/score", json={"text": note(C), "note_date": f"10/3 {C}"})
        post("/v1/score", json={"text": note(C), "language": C})
        post("/v1/score", json={"text": note(C) * 700})  # over 20,000 characters
        post("/v1/score", json={"text": note(C), C: note(D)})  # an unknown field
        post("/v1/score", json={"text": [note(C)]})
        post(
            "/v1/score",
            content=json.dumps({"text": f"\ud800 {note(C)}"}).encode(),
            headers=key | {"Content-Type": "application/json"},
        )
        # Error paths: malformed JSON, not JSON, too large, a note that breaks the model.
        post(
            "/v1/score",
            content=f'{{"text": "{note(D)}'.encode(),
            headers=key | {"Content-Type": "application/json"},
        )
        post("/v1/score", content=note(D).encode(), headers=key | {"Content-Type": "text/plain"})
        post(
            "/v1/score",
            content=json.dumps({"text": note(D) * 40_000}).encode(),
            headers=key | {"Content-Type": "application/json"},
        )
        post("/v1/score", json={"text": note(D, "Ring om 99999999 dagar för att gå igenom offerten.")})
        # A batch mixing all of it.
        post(
            "/v1/score/batch",
            json={
                "notes": [
                    {"id": "ok", "text": note(A)},
                    {"id": "date", "text": note(B), "note_date": f"{B} 2026"},
                    {"id": "lang", "text": note(B), "language": B},
                    {"id": "empty", "text": "   "},
                    {"id": "crash", "text": note(C, "Ring om 99999999 dagar.")},
                    {"id": "type", "text": {"nested": note(D)}},
                ]
            },
        )
        post("/v1/score/batch", json={"notes": [{"text": note(D), "surprise": note(D)}]})
        statuses.append(http.get("/v1/info", headers=key).status_code)
    return statuses


@needs_cli
@pytest.mark.parametrize("level", ["TRACE", "DEBUG", "INFO", "WARNING"])
def test_the_service_logs_no_note_text_and_no_key(tmp_path: Path, level: str) -> None:
    server = Server(tmp_path, level)
    try:
        server.wait_ready()
        statuses = exercise(server.base)
    finally:
        server.stop()
    output = server.output()
    assert_private(output, where=f"the service's output at {level}")
    assert 200 in statuses and 401 in statuses and 422 in statuses, statuses
    if level in ("TRACE", "DEBUG", "INFO"):  # the logs were really on: one line per request
        assert output.count("request_id=") >= len(statuses), output[-3000:]


# --------------------------------------------------------------------------- the batch command


@pytest.fixture(scope="module")
def notes_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same notes as CSV and as JSONL (with a line that is not JSON)."""
    tmp = tmp_path_factory.mktemp("privacy")
    rows = [
        {"id": "1", "note": note(A), "date": "2026-03-10"},
        {"id": "2", "note": note(B, "I'll send the quote on Friday."), "date": "2026-03-10"},
        {"id": "3", "note": note(C), "date": f"{C} 2026"},  # a bad date (a misaligned cell)
        {"id": "4", "note": "   ", "date": "2026-03-10"},
        {"id": "5", "note": note(D) * 700, "date": "2026-03-10"},  # too long
        {"id": "6", "note": note(D, "Ring om 99999999 dagar."), "date": "2026-03-10"},  # breaks the model
        {"id": "7", "note": f"\x00{note(A)}\u200f", "date": "10.03.2026"},
    ]
    csv_path = tmp / "notes.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "note", "date"])
        w.writeheader()
        w.writerows(rows)
    jsonl_path = tmp / "notes.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + [f'{{"id": "8", "note": "{note(B)}']
    jsonl_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"csv": csv_path, "jsonl": jsonl_path}


BATCH_RUNS = [
    pytest.param(level, flags, fmt, id=f"{level}-{'-'.join(flags) or 'default'}-{fmt}")
    for level, flags, fmt in [
        ("DEBUG", [], "csv"),
        ("DEBUG", ["--workers", "2"], "jsonl"),
        ("INFO", [], "jsonl"),
        ("WARNING", [], "csv"),
        ("WARNING", ["--quiet"], "csv"),
        ("ERROR", ["--quiet"], "jsonl"),
    ]
]


@needs_cli
@pytest.mark.parametrize(("level", "flags", "fmt"), BATCH_RUNS)
def test_the_batch_command_prints_no_note_text(
    notes_files: dict[str, Path], tmp_path: Path, level: str, flags: list[str], fmt: str
) -> None:
    out = tmp_path / f"scored.{fmt}"
    workers = [] if "--workers" in flags else ["--workers", "1"]
    cmd = [str(KLARSTEG), "score", str(notes_files[fmt]), "-o", str(out), *workers, *flags]
    proc = subprocess.run(
        cmd, env=_env(KLARSTEG_LOG_LEVEL=level), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert_private(proc.stdout + proc.stderr, where=f"klarsteg score's output at {level} {flags}")
    if "--quiet" not in flags:
        assert "warning: row 3" in proc.stderr and "errors" in proc.stderr, proc.stderr
    assert A in out.read_text(encoding="utf-8")  # the notes themselves are in the output file
