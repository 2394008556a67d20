"""scripts/benchmark_single.py's report: the whole set and, with --by-length, each length band."""

from __future__ import annotations

import json
from pathlib import Path

from support import load_script


def test_by_length_splits_the_notes_into_bands(tmp_path: Path) -> None:
    script = load_script("benchmark_single")
    notes = script.load_notes(40)
    out = tmp_path / "single.json"
    assert script.main(["--notes", "40", "--rounds", "1", "--by-length", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["notes"] == 40
    bands = report["by_length"]
    assert sum(b["notes"] for b in bands.values()) == 40
    words = [len(n["text"].split()) for n in notes]
    expected = {
        "0-7": sum(w < 8 for w in words),
        "8-15": sum(8 <= w < 16 for w in words),
        "16-31": sum(16 <= w < 32 for w in words),
        "32-63": sum(32 <= w < 64 for w in words),
        "64+": sum(w >= 64 for w in words),
    }
    assert {name: band["notes"] for name, band in bands.items()} == {k: v for k, v in expected.items() if v}
    for band in bands.values():
        assert band["ratio_vs_dateparser"] > 0 and band["times_tokenizer"] > 0


def test_without_by_length_there_are_no_bands(tmp_path: Path) -> None:
    out = tmp_path / "single.json"
    assert load_script("benchmark_single").main(["--notes", "5", "--rounds", "1", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["notes"] == 5 and "by_length" not in report
    assert isinstance(report["targets_met"], bool)
