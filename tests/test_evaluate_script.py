"""scripts/evaluate.py over the held-out writers' notes, as one set beside the splits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import load_script

from model.data import read_jsonl

ROOT = Path(__file__).resolve().parent.parent


def test_heldout_is_evaluated_as_one_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted((ROOT / "training_data" / "heldout").glob("*.jsonl"))
    ids = {r["id"] for p in files for r in read_jsonl(p)}
    expected = len(ids)
    out = tmp_path / "eval_heldout.json"
    assert load_script("evaluate").main(["--split", "heldout", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["data"].endswith("training_data/heldout")
    assert report["metrics"]["all"]["notes"] == expected
    assert set(report["metrics"]["registers"]) >= {"log", "minutes", "html"}
    errors = [json.loads(line) for line in (tmp_path / "errors_heldout.jsonl").read_text().splitlines()]
    assert errors and {e["id"] for e in errors} <= ids
    assert f"({expected} notes)" in capsys.readouterr().out
