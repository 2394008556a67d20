"""Model integrity: artifacts load only when every file's SHA-256 matches the metadata.

A tampered, truncated or foreign artifact stops every entry point (the library, the
service's startup, ``klarsteg serve``, ``klarsteg score``, ``klarsteg info``) with a clear
message and a non-zero exit, and a joblib/pickle file that does not match is never
unpickled: proved both with a spy on ``joblib.load`` and with a real malicious pickle whose
unpickling would leave a file behind.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pytest
from fastapi.testclient import TestClient

import model.artifacts as artifacts
from model.artifacts import CLASSIFIERS_FILE, METADATA_FILE, ArtifactError, load_artifacts, verify_artifacts
from model.pipeline import Klarsteg
from model.settings import PACKAGE_MODEL_DIR, Settings, get_settings
from service.app import create_app

ROOT = Path(__file__).resolve().parents[1]
KLARSTEG = ROOT / ".venv" / "bin" / "klarsteg"
MISMATCH = "does not match its metadata"


class Evil:
    """A pickle payload: unpickling it creates the file ``marker`` (standing in for any code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


@pytest.fixture(scope="module")
def good_dir() -> Path:
    """The model the tests run with (the shipped one unless KLARSTEG_MODEL_DIR says otherwise)."""
    return get_settings().model_dir


@pytest.fixture
def copy(good_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(good_dir, dst)
    return dst


def _append_byte(m: Path) -> None:
    with open(m / CLASSIFIERS_FILE, "ab") as fh:
        fh.write(b"\0")


def _truncate(m: Path) -> None:
    data = (m / CLASSIFIERS_FILE).read_bytes()
    (m / CLASSIFIERS_FILE).write_bytes(data[: len(data) // 2])


def _foreign_joblib(m: Path) -> None:
    joblib.dump({"not": "klarsteg"}, m / CLASSIFIERS_FILE)


def _malicious_pickle(m: Path) -> None:
    joblib.dump(Evil(m.parent / "PWNED"), m / CLASSIFIERS_FILE)


def _flip_span_weights(m: Path) -> None:
    weights = m / "spans" / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))


def _extra_file(m: Path) -> None:
    joblib.dump(Evil(m.parent / "PWNED"), m / "extra.joblib")


def _missing_file(m: Path) -> None:
    (m / CLASSIFIERS_FILE).unlink()


def _metadata_hash_edited(m: Path) -> None:
    meta = json.loads((m / METADATA_FILE).read_text())
    meta["files"][CLASSIFIERS_FILE] = "0" * 64
    (m / METADATA_FILE).write_text(json.dumps(meta))


def _metadata_garbage(m: Path) -> None:
    (m / METADATA_FILE).write_text("{not json")


def _metadata_missing(m: Path) -> None:
    (m / METADATA_FILE).unlink()


TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "appended-byte": (_append_byte, MISMATCH),
    "truncated": (_truncate, MISMATCH),
    "foreign-joblib": (_foreign_joblib, MISMATCH),
    "malicious-pickle": (_malicious_pickle, MISMATCH),
    "span-weights-flipped": (_flip_span_weights, MISMATCH),
    "unlisted-extra-file": (_extra_file, "does not list"),
    "missing-file": (_missing_file, "missing"),
    "metadata-hash-edited": (_metadata_hash_edited, MISMATCH),
    "metadata-not-json": (_metadata_garbage, "not valid artifact metadata"),
    "metadata-missing": (_metadata_missing, "no metadata.json"),
}


@pytest.fixture
def no_loading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spies on everything that would deserialize an artifact; returns the calls made."""
    calls: list[str] = []

    def spy(name: str) -> Callable[..., Any]:
        def called(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise AssertionError(f"{name} was called for an artifact that does not match")

        return called

    monkeypatch.setattr(joblib, "load", spy("joblib.load"))
    monkeypatch.setattr(artifacts, "load_span_model", spy("load_span_model"))
    return calls


@pytest.mark.parametrize("kind", list(TAMPERS))
def test_a_tampered_model_is_refused_before_anything_is_unpickled(
    copy: Path, kind: str, no_loading: list[str]
) -> None:
    tamper, message = TAMPERS[kind]
    tamper(copy)
    with pytest.raises(ArtifactError, match=message):
        load_artifacts(copy)
    with pytest.raises(ArtifactError, match=message):
        Klarsteg.load(copy)
    assert no_loading == []
    assert not (copy.parent / "PWNED").exists()


def test_the_malicious_payload_really_runs_when_unpickled(tmp_path: Path) -> None:
    """The control for the tests above: this file does run code when loaded."""
    path = tmp_path / "evil.joblib"
    joblib.dump(Evil(tmp_path / "PWNED"), path)
    joblib.load(path)
    assert (tmp_path / "PWNED").exists()


def test_a_file_swapped_after_verification_is_never_unpickled(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of an artifact swap: the file changes between hashing and loading."""
    verify = artifacts.verify_artifacts

    def verify_then_swap(model_dir: Path) -> dict[str, Any]:
        meta = verify(model_dir)
        _malicious_pickle(model_dir)
        return meta

    monkeypatch.setattr(artifacts, "verify_artifacts", verify_then_swap)
    with pytest.raises(ArtifactError, match="changed while it was being loaded"):
        load_artifacts(copy)
    assert not (copy.parent / "PWNED").exists()


def test_the_default_is_the_packages_own_model_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLARSTEG_MODEL_DIR", raising=False)
    assert Settings().model_dir == PACKAGE_MODEL_DIR == ROOT / "model" / "artifacts"
    monkeypatch.setenv("KLARSTEG_MODEL_DIR", "/elsewhere")
    assert Settings().model_dir == Path("/elsewhere")


def test_an_intact_copy_at_an_explicit_path_loads(copy: Path) -> None:
    loaded = load_artifacts(copy)
    assert loaded.version == verify_artifacts(copy)["version"]


# --------------------------------------------------------------------------- entry points


def test_create_app_refuses_a_tampered_model_at_startup(
    copy: Path, monkeypatch: pytest.MonkeyPatch, no_loading: list[str]
) -> None:
    _malicious_pickle(copy)
    monkeypatch.setenv("KLARSTEG_MODEL_DIR", str(copy))
    app = create_app(Settings(api_key=None, cors_origins=[]))
    with pytest.raises(ArtifactError, match=MISMATCH), TestClient(app):
        pass
    assert no_loading == []
    assert not (copy.parent / "PWNED").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLARSTEG_")}
    return env | extra


needs_cli = pytest.mark.skipif(not KLARSTEG.exists(), reason="the klarsteg command is not installed")


@needs_cli
@pytest.mark.parametrize("kind", ["malicious-pickle", "truncated", "unlisted-extra-file"])
def test_serve_refuses_a_tampered_model(copy: Path, kind: str) -> None:
    TAMPERS[kind][0](copy)
    proc = subprocess.run(
        [str(KLARSTEG), "serve", "--host", "127.0.0.1", "--port", str(_free_port())],
        env=_env(KLARSTEG_MODEL_DIR=str(copy)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "the model cannot be served" in proc.stderr and TAMPERS[kind][1] in proc.stderr, proc.stderr
    assert not (copy.parent / "PWNED").exists()


@needs_cli
def test_the_service_refuses_a_tampered_model_even_past_the_cli(copy: Path) -> None:
    """uvicorn started directly on the app (no `klarsteg serve` check): startup fails too."""
    _malicious_pickle(copy)
    code = (
        "import uvicorn; "
        f"uvicorn.run('service.app:app', host='127.0.0.1', port={_free_port()}, log_level='info')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(KLARSTEG_MODEL_DIR=str(copy)),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert MISMATCH in proc.stderr and "Application startup failed" in proc.stderr, proc.stderr
    assert not (copy.parent / "PWNED").exists()


@needs_cli
@pytest.mark.parametrize("workers", ["1", "2"])
def test_score_refuses_a_tampered_model_and_writes_nothing(copy: Path, tmp_path: Path, workers: str) -> None:
    _malicious_pickle(copy)
    inp, out = tmp_path / "in.csv", tmp_path / "out.csv"
    inp.write_text("text\nRing tors kl 10\n", encoding="utf-8")
    proc = subprocess.run(
        [str(KLARSTEG), "score", str(inp), "-o", str(out), "--model-dir", str(copy), "--workers", workers],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and MISMATCH in proc.stderr, proc.stderr
    assert not out.exists()
    assert not (copy.parent / "PWNED").exists()


@needs_cli
def test_info_refuses_a_tampered_model(copy: Path) -> None:
    _truncate(copy)
    proc = subprocess.run(
        [str(KLARSTEG), "info", "--model-dir", str(copy)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and MISMATCH in proc.stderr, proc.stderr
