"""``klarsteg score`` on real-world exports: formats, encodings, broken rows, resume after a kill.

Most tests use a small stand-in model (fast and independent of the trained artifacts); the CLI
tests run the shipped model and are skipped when it is not there.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from model.pipeline import NoteInput
from model.schema import NextStep, ScoreResult, When
from model.scoring import build_result
from service.batch import BatchOptions, ColumnError, parse_row_date, score_file
from service.formats import RESULT_COLUMNS, FormatError, detect_delimiter

ROOT = Path(__file__).resolve().parents[1]
KLARSTEG = ROOT / ".venv" / "bin" / "klarsteg"


class FakeModel:
    """Scores a note 100 when it contains 'kl', else 0: enough to tell rows apart."""

    version = "fake"

    def score_many(self, notes: Sequence[NoteInput]) -> list[ScoreResult]:
        out = []
        for n in notes:
            step = when = None
            if "kl" in n.text:
                step = NextStep(text="x", start=0, end=1, action="call", owner="seller", confidence=1)
                when = When(
                    text="x",
                    start=0,
                    end=1,
                    granularity="date",
                    value=n.note_date.isoformat(),
                    has_time=False,
                    clear=True,
                    confidence=1,
                )
            out.append(build_result(step, None, when, "sv", self.version))
        return out


def run(inp: Path, out: Path, **kw: Any) -> Any:
    return score_file(inp, out, BatchOptions(chunk_size=kw.pop("chunk_size", 3), **kw), model=FakeModel())


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_semicolon_csv_with_bom_and_quoted_newlines(tmp_path: Path) -> None:
    inp = tmp_path / "export.csv"
    inp.write_bytes(
        "\ufeffId;Anteckning;Datum\r\n"
        '1;"Ring tors kl 10;\nom offerten";2026-03-10\r\n'
        "2;Återkommer längre fram;2026-03-11\r\n".encode()
    )
    out = tmp_path / "out.csv"
    summary = run(inp, out)
    rows = read_csv(out)
    assert [r["Id"] for r in rows] == ["1", "2"]
    assert rows[0]["Anteckning"] == "Ring tors kl 10;\nom offerten"
    assert rows[0]["score"] == "64" and rows[0]["when_value"] == "2026-03-10"
    assert rows[1]["verdict"] == "none"
    assert (summary.read, summary.scored, summary.errors) == (2, 2, 0)


def test_cp1252_falls_back_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    inp = tmp_path / "excel.csv"
    inp.write_bytes("id;note;date\n1;Möte på fredag kl 9, ärende: åtgärder;2026-03-10\n".encode("cp1252"))
    out = tmp_path / "out.jsonl"
    run(inp, out)
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["note"] == "Möte på fredag kl 9, ärende: åtgärder"
    assert rec["result"]["score"] == 64
    assert "not UTF-8" in caplog.text and "Möte" not in caplog.text


def test_broken_rows_are_kept_with_an_error(tmp_path: Path) -> None:
    inp = tmp_path / "broken.csv"
    inp.write_text(
        "id,text,date\n"
        "1,ring kl 9,2026-03-10\n"
        "2,,2026-03-10\n"  # empty text
        "3,ring kl 9,10 mars\n"  # bad date
        "4,ring kl 9\n"  # a field short
        "5,ring kl 9,2026-03-10,extra\n"  # a field too many
        "\n"  # a blank line is not a record
        "6,ring kl 9,11.03.2026\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = run(inp, out)
    rows = read_csv(out)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [bool(r["error"]) for r in rows] == [False, True, True, True, True, False]
    assert "empty" in rows[1]["error"] and rows[1]["score"] == ""
    assert "date" in rows[2]["error"]
    assert "broken row" in rows[3]["error"] and "broken row" in rows[4]["error"]
    assert rows[5]["when_value"] == "2026-03-11"
    assert (summary.read, summary.scored, summary.errors) == (6, 2, 4)
    assert all("ring" not in s for s in summary.error_samples)  # no note text in messages
    assert summary.error_samples[0].startswith("row 2 (id 2):")


def test_missing_text_column_lists_the_columns(tmp_path: Path) -> None:
    inp = tmp_path / "x.csv"
    inp.write_text("id,seller,when\n1,Anna,2026-03-10\n", encoding="utf-8")
    with pytest.raises(ColumnError, match="id, seller, when"):
        run(inp, tmp_path / "out.csv")
    with pytest.raises(ColumnError, match="no text column 'memo'"):
        run(inp, tmp_path / "out.csv", text_col="memo")


def test_explicit_columns_and_one_note_date(tmp_path: Path) -> None:
    inp = tmp_path / "x.tsv"
    inp.write_text("key\tmemo\n7\tring kl 9\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run(inp, out, text_col="memo", id_col="key", note_date="2026-01-05")
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["key"] == "7" and rec["result"]["when"]["value"] == "2026-01-05"


def test_jsonl_in_and_out_keeps_broken_lines(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(
        '{"id": 1, "text": "ring kl 9", "extra": {"a": 1}}\n\nnot json\n[1]\n{"id": 4}\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    run(inp, out, note_date="2026-03-10")
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 4
    assert recs[0]["extra"] == {"a": 1} and recs[0]["result"]["verdict"] == "partial"
    assert "not valid JSON" in recs[1]["error"] and recs[1]["raw"] == "not json"
    assert "not a JSON object" in recs[2]["error"]
    assert recs[3]["id"] == 4 and "empty" in recs[3]["error"]


def test_xlsx_in_and_out(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    inp = tmp_path / "crm.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Kommentar", "Skapad"])
    ws.append([1, "Ring kl 10 om avtalet", dt.datetime(2026, 3, 10, 14, 5)])
    ws.append([2, None, dt.datetime(2026, 3, 11)])
    ws.append([None, None, None])  # an empty row is skipped
    wb.save(inp)
    out = tmp_path / "out.xlsx"
    summary = run(inp, out)
    assert (summary.scored, summary.errors) == (1, 1)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["ID", "Kommentar", "Skapad"] and header[-1] == "error"
    assert len(rows) == 3
    assert rows[1][header.index("when_value")] == "2026-03-10"
    assert "empty" in rows[2][header.index("error")]
    assert not (tmp_path / "out.xlsx.part").exists()


def test_parquet_in_and_out(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    inp = tmp_path / "notes.parquet"
    pq.write_table(
        pa.table(
            {
                "id": [1, 2, 3],
                "body": ["ring kl 9", "", "hej"],
                "created": pa.array([20_000, 20_001, 20_002], pa.date32()),
            }
        ),
        inp,
    )
    out = tmp_path / "out.parquet"
    run(inp, out)
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert table.column("id").to_pylist() == [1, 2, 3]  # input types are kept
    assert table.column("score").to_pylist() == [64, None, 0]
    assert table.schema.field("when_clear").type == pa.bool_()
    assert "empty" in table.column("error").to_pylist()[1]
    csv_out = tmp_path / "out.csv"
    run(inp, csv_out)
    assert [r["id"] for r in read_csv(csv_out)] == ["1", "2", "3"]


def test_resume_needs_an_appendable_output(tmp_path: Path) -> None:
    inp = tmp_path / "x.csv"
    inp.write_text("text\nring\n", encoding="utf-8")
    with pytest.raises(FormatError, match="--resume needs a CSV or JSONL"):
        run(inp, tmp_path / "out.parquet", resume=True)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_resume_truncates_a_partial_record_and_continues(tmp_path: Path, suffix: str) -> None:
    inp = tmp_path / "in.csv"
    with open(inp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "note", "date"])
        for i in range(20):
            w.writerow([i, f"rad {i}\nring kl {i % 12}" if i % 2 else "", "2026-03-10"])
    full = tmp_path / f"full{suffix}"
    run(inp, full)
    data = full.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) * 3 // 5])  # a kill mid-record
    summary = run(inp, cut, resume=True)
    assert 0 < summary.resumed < 20 and summary.written == 20
    assert cut.read_bytes() == data


def test_resume_refuses_another_input(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("id,text\n1,x\n2,y\n", encoding="utf-8")
    b.write_text("id,text\n9,x\n8,y\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    run(a, out)
    with open(out, "rb+") as fh:
        fh.truncate(len(out.read_bytes()) - 5)
    with pytest.raises(FormatError, match="does not match"):
        run(b, out, resume=True)


def test_dates_and_delimiters() -> None:
    assert str(parse_row_date("2026-03-10T14:22:00Z", "d")) == "2026-03-10"
    assert str(parse_row_date("2026-03-10 14:22", "d")) == "2026-03-10"
    assert str(parse_row_date("10.03.2026", "d")) == "2026-03-10"
    with pytest.raises(ValueError, match="no date"):
        parse_row_date("", "d")
    assert detect_delimiter('"a,b";c;d') == ";"
    assert detect_delimiter("a\tb\tc") == "\t"
    assert detect_delimiter("text") == ","
    assert RESULT_COLUMNS[-1] == "error" and "parts_when" in RESULT_COLUMNS


# --------------------------------------------------------------------------- the real CLI


def _model_ok() -> bool:
    try:
        from model.artifacts import verify_artifacts
        from model.settings import get_settings

        verify_artifacts(get_settings().model_dir)
        return KLARSTEG.exists()
    except Exception:
        return False


needs_model = pytest.mark.skipif(not _model_ok(), reason="trained model artifacts not available")

NOTES = [
    "Ring tors kl 10 ang. licenserna.",
    "Återkommer längre fram.",
    "Booked demo Tue 3 Feb 10:00 to show the EDI integration.",
    "Hörs om ett par veckor för att stämma av läget.",
    "Will circle back next quarter.",
]


@needs_model
def test_cli_scores_the_examples(tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    proc = subprocess.run(
        [str(KLARSTEG), "score", str(ROOT / "examples/notes.csv"), "-o", str(out), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(out)
    with open(ROOT / "examples/notes.csv", encoding="utf-8") as fh:
        ids = [r["id"] for r in csv.DictReader(fh)]
    assert [r["id"] for r in rows] == ids
    assert "scored" in proc.stderr and "Återkommer" not in proc.stderr


def _write_notes(path: Path, n: int) -> None:
    """``n`` notes with ids r0..; every 97th has an empty text (an error row)."""
    rows = [
        {"id": f"r{i}", "note": NOTES[i % len(NOTES)] if i % 97 else "", "date": f"2026-03-{1 + i % 28:02d}"}
        for i in range(n)
    ]
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "note", "date"], delimiter=";")
        w.writeheader()
        w.writerows(rows)


def _output_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return read_csv(path)


def _records_written(path: Path) -> int:
    if path.suffix == ".jsonl":
        return path.read_text(encoding="utf-8").count("\n")
    with open(path, encoding="utf-8", newline="") as fh:
        return max(0, sum(1 for _ in csv.reader(fh)) - 1)


@needs_model
@pytest.mark.parametrize(
    ("inp_name", "out_name", "workers", "n"),
    [("many.csv", "scored.jsonl", "2", 3000), ("many.jsonl", "scored.csv", "1", 1500)],
    ids=["csv-to-jsonl-2-workers", "jsonl-to-csv-in-process"],
)
def test_cli_resume_after_sigkill(tmp_path: Path, inp_name: str, out_name: str, workers: str, n: int) -> None:
    """SIGKILL mid-file (no chance to clean up), then --resume: every input row exactly once, in order."""
    inp, out = tmp_path / inp_name, tmp_path / out_name
    _write_notes(inp, n)
    cmd = [str(KLARSTEG), "score", str(inp), "-o", str(out), "--workers", workers, "--chunk-size", "50"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 60_000):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = _records_written(out)
    assert 0 < partial < n, "the kill should land mid-file"
    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "resumed after" in done.stderr
    rows = _output_rows(out)
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(n)]  # every row once, in order
    for i, r in enumerate(rows):  # each one complete: a score, or an error for the empty notes
        if out.suffix == ".jsonl":
            assert ("error" in r) == (i % 97 == 0) and ("result" in r) == (i % 97 != 0), r
        else:
            assert bool(r["error"]) == (i % 97 == 0) and bool(r["score"]) == (i % 97 != 0), r


@needs_model
def test_cli_errors_name_the_columns(tmp_path: Path) -> None:
    inp = tmp_path / "x.csv"
    inp.write_text("id,seller\n1,Anna\n", encoding="utf-8")
    proc = subprocess.run(
        [str(KLARSTEG), "score", str(inp), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "id, seller" in proc.stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_a_subject_column_is_the_notes_first_line(tmp_path: Path, klarsteg_model: Any) -> None:
    inp = tmp_path / "activities.csv"
    with inp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "Subject", "Body", "created"])
        w.writerow(["1", "Ring Eva fre kl 10", "ang. offerten", "2026-03-10"])
        w.writerow(["2", "", "Bokade demo tis 17/3 kl 10", "2026-03-10"])
        w.writerow(
            ["3", "Bokade demo tis 17/3 kl 10", "bokade demo tis 17/3 kl 10 för att visa appen", "2026-03-10"]
        )
    out = tmp_path / "out.jsonl"
    score_file(inp, out, BatchOptions(), model=klarsteg_model)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = rows[0]["result"]
    assert first["next_step"]["text"] == "Ring Eva"
    assert first["when"]["value"] == "2026-03-13T10:00"
    assert first["when"]["start"] == len("Ring Eva ")  # offsets into "subject\nbody"
    assert rows[1]["result"]["next_step"]["text"] == "Bokade demo"
    assert rows[1]["result"]["next_step"]["start"] == 0  # no subject: the body alone
    assert rows[2]["result"]["next_step"]["start"] == 0  # the body repeats the subject: not joined twice
    # an explicit choice wins, and a subject column that is the text column is not joined
    out2 = tmp_path / "out2.jsonl"
    score_file(inp, out2, BatchOptions(text_col="Subject", subject_col="Subject"), model=klarsteg_model)
    assert json.loads(out2.read_text(encoding="utf-8").splitlines()[0])["result"]["next_step"]["start"] == 0
