"""scripts/train.py's arguments: the reason picker's extra notes go with a full training."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import load_script

ROOT = Path(__file__).resolve().parent.parent


def test_reason_extra_is_refused_beside_a_refit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        load_script("train").main(
            ["--from-model", str(ROOT / "model" / "artifacts"), "--refit", "reason_picker",
             "--reason-extra", str(tmp_path / "x.jsonl"), "--out", str(tmp_path / "m")]
        )  # fmt: skip
    assert exit_info.value.code == 2
    assert "--reason-extra goes with a full training" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_a_span_model_from_another_needs_a_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        load_script("train").main(
            ["--spans-from", str(ROOT / "model" / "artifacts"), "--out", str(tmp_path / "m")]
        )  # fmt: skip
    assert exit_info.value.code == 2
    assert "--from-model goes with --refit or --spans-from" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
