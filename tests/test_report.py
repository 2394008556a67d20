"""``klarsteg report``: every section is there for a known scored file, and nothing is loaded from outside."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from service.batch import flatten
from service.report import ReportOptions, gather, normalise_phrase, write_report


def result(
    verdict: str,
    score: int,
    *,
    when: tuple[str, str] | None = None,
    reason: tuple[str, bool] | None = None,
    action: str | None = None,
    step: str = "ring",
) -> dict[str, Any]:
    """A SPEC result with the given parts (offsets do not matter to the report)."""
    ns = (
        {"text": step, "start": 0, "end": 1, "action": action, "owner": "seller", "confidence": 0.9}
        if action
        else None
    )
    rs = {"text": reason[0], "start": 0, "end": 1, "clear": reason[1], "confidence": 0.9} if reason else None
    ws = None
    if when:
        clear = when[1] in ("date", "datetime")
        ws = {
            "text": when[0],
            "start": 0,
            "end": 1,
            "granularity": when[1],
            "value": None,
            "has_time": False,
            "clear": clear,
            "confidence": 0.9,
        }
    missing = [f for f, v in (("next_step", ns), ("reason", rs), ("when", ws)) if v is None]
    vague = [
        f
        for f, v in (
            ("next_step", action == "contact"),
            ("reason", rs and not rs["clear"]),
            ("when", ws and not ws["clear"]),
        )
        if v
    ]
    return {
        "score": score,
        "verdict": verdict,
        "language": "sv",
        "parts": {"next_step": 0, "reason": 0, "when": 0},
        "next_step": ns,
        "reason": rs,
        "when": ws,
        "missing": missing,
        "vague": vague,
        "questions": [],
        "model_version": "test",
    }


VAGUE = result("vague", 24, when=("Längre fram", "fuzzy"), action="contact", step="Återkommer")
VAGUE2 = result(
    "vague",
    34,
    when=("om ett par veckor", "fuzzy"),
    reason=("stämma av läget", False),
    action="contact",
    step="Hörs",
)
NONE = result("none", 0)
GOOD = result(
    "concrete",
    100,
    when=("tis 17/3 kl 10", "datetime"),
    reason=("visa integrationen", True),
    action="demo",
    step="bokade demo",
)

ROWS = [  # seller, deal, date, note, result
    ("Anna", "Nordvik", "2026-01-12", "Återkommer längre fram.", VAGUE),
    ("Anna", "Nordvik", "2026-02-02", "Hörs om ett par veckor för att stämma av läget.", VAGUE2),
    ("Anna", "Nordvik", "2026-02-23", "Inget svar.", NONE),
    ("Anna", "Nordvik", "2026-03-16", "Återkommer  längre fram!", VAGUE),
    ("Johan", "Brightwell", "2026-01-20", "Bokade demo tis 17/3 kl 10 för att visa integrationen.", GOOD),
    ("Johan", "Brightwell", "2026-02-03", "Återkommer längre fram.", VAGUE),
    ("Johan", "Brightwell", "2026-03-03", "Bokade demo.", GOOD),
    ("Johan", "Brightwell", "2026-03-13", "Återkommer längre fram.", VAGUE),
]


def write_scored_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "seller", "deal", "date", "note", *flatten(GOOD), "error"])
        for i, (seller, deal, day, note, res) in enumerate(ROWS):
            w.writerow([i, seller, deal, day, note, *flatten(res).values(), ""])
        w.writerow([99, "Johan", "Brightwell", "2026-03-20", "", *[""] * len(flatten(GOOD)), "text is empty"])


def test_report_has_every_section(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    write_scored_csv(scored)
    out = tmp_path / "report.html"
    stats = write_report(scored, out, ReportOptions(group_col="seller", deal_col="deal", stall_notes=3))
    page = out.read_text(encoding="utf-8")
    for section in ("verdicts", "scores", "missing", "phrases", "trend", "groups", "stalled"):
        assert f"id='{section}'" in page, section
    assert stats.notes == 8 and stats.errors == 1
    assert stats.phrases[("when", "längre fram")] == 4  # normalised: case, spaces, punctuation
    assert stats.phrases[("next_step", "återkommer")] == 4
    assert stats.phrases[("reason", "stämma av läget")] == 1
    assert list(stats.deals) == ["Nordvik"]  # Brightwell's last three include a concrete note
    assert [d.isoformat() for d, *_ in stats.deals["Nordvik"]] == ["2026-03-16", "2026-02-23", "2026-02-02"]
    assert sorted(stats.months) == ["2026-01", "2026-02", "2026-03"]
    assert "Nordvik" in page and "Stalled deals (1)" in page and "the question the notes answer worst" in page
    assert '<img class="chart"' in page


def test_report_is_self_contained(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    write_scored_csv(scored)
    out = tmp_path / "report.html"
    write_report(scored, out, ReportOptions(group_col="seller", deal_col="deal"))
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page and "url(http" not in page


def test_report_reads_jsonl_and_escapes_html(tmp_path: Path) -> None:
    scored = tmp_path / "scored.jsonl"
    lines = [
        {
            "id": 1,
            "deal": "<b>x</b>",
            "date": "2026-01-01",
            "text": "<script>alert(1)</script>",
            "result": NONE,
        }
        for _ in range(3)
    ]
    lines.append({"id": 2, "text": "", "error": "text is empty"})
    scored.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "r.html"
    stats = write_report(scored, out, ReportOptions(deal_col="deal"))
    page = out.read_text(encoding="utf-8")
    assert stats.notes == 3 and stats.errors == 1
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_report_refuses_an_unscored_file(tmp_path: Path) -> None:
    raw = tmp_path / "notes.csv"
    raw.write_text("id,text\n1,hej\n", encoding="utf-8")
    with pytest.raises(ValueError, match="score it first"):
        gather(raw, ReportOptions())
    scored = tmp_path / "scored.csv"
    write_scored_csv(scored)
    with pytest.raises(ValueError, match="no group column 'team'"):
        gather(scored, ReportOptions(group_col="team"))


def test_normalise_phrase() -> None:
    assert normalise_phrase("  Circle back\nnext   Quarter. ") == "circle back next quarter"


def test_histogram_counts_are_whole_numbers() -> None:
    import matplotlib.pyplot as plt

    from service.report import ReportStats, histogram_figure

    for counts in ([3, 7, 12, 15, 9, 4, 2, 1, 0, 1], [0, 1, 0, 0, 0, 0, 0, 0, 0, 3]):
        stats = ReportStats()
        stats.histogram = counts
        fig = histogram_figure(stats)
        try:
            ticks = [t for t in fig.axes[0].get_yticks() if 0 <= t <= max(counts)]
            assert len(ticks) >= 2
            assert all(float(t).is_integer() for t in ticks), ticks
        finally:
            plt.close(fig)
