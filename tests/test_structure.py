"""The code's shape that issue 16 asks to keep: no module in ``model/`` or ``service/`` over 800
lines, and the date layer a package whose public ``find_times`` callers import unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p for d in ("model", "service") for p in (ROOT / d).rglob("*.py"))
MAX_LINES = 800


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_the_line_limit(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, (
        f"{path.relative_to(ROOT)} has {lines} lines (limit {MAX_LINES}): split it by topic"
    )


def test_the_modules_were_found() -> None:
    assert len(MODULES) > 30 and ROOT / "model" / "owners.py" in MODULES


def test_date_layer_is_a_package_with_find_times() -> None:
    import model.when as when

    assert Path(when.__file__).name == "__init__.py"
    assert callable(when.find_times)
