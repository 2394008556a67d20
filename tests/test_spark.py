"""The Spark engine (``service/spark.py``) on ``local[2]``: the same records as the local engine.

One Spark session for the module (starting one takes seconds); the CLI runs in this process
through typer's runner and uses that session. Skipped only when PySpark is not installed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from model.pipeline import Klarsteg  # noqa: E402
from service.batch import BatchOptions, score_file  # noqa: E402
from service.cli import app  # noqa: E402
from service.spark import LOAD_LOG_ENV, RESULT_FIELDS, score_dataframe, score_file_spark, spark_session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KLARSTEG = ROOT / ".venv" / "bin" / "klarsteg"

# A few hand-written pieces, combined at random into varied notes (test input, not training data).
OPENERS = {
    "sv": ["Bra möte med {name}.", "Pratade med {name} idag.", "Kort samtal.", "", "{name} var positiv."],
    "en": ["Good call with {name}.", "Met {name} today.", "Quick sync.", "", "{name} sounded keen."],
}
STEPS = {
    "sv": [
        "Vi bokade demo",
        "Ring {name}",
        "Skickar offert",
        "Möte bokat",
        "Hörs",
        "Återkommer",
        "Mejlar {name}",
    ],
    "en": [
        "Booked a demo",
        "Call {name}",
        "I'll send the quote",
        "Meeting set",
        "Touch base",
        "Will circle back",
    ],
}
WHENS = {
    "sv": [
        "tis 17/3 kl 10",
        "nästa vecka",
        "v. 14",
        "om ett par veckor",
        "i april",
        "imorgon kl 14",
        "längre fram",
        "",
    ],
    "en": [
        "Tue 3/17 at 10am",
        "next week",
        "in a couple of weeks",
        "by Friday",
        "next quarter",
        "tomorrow 2pm",
        "",
    ],
}
REASONS = {
    "sv": ["för att visa integrationen", "ang. licenserna", "om offerten", "för att stämma av läget", ""],
    "en": ["to show the audit log", "about the pricing", "so the CFO can sign", "to see how they feel", ""],
}
NAMES = ["Eva", "Per", "Karin", "Sarah", "Tom", "Grace"]


def make_notes(n: int, seed: int = 15) -> list[dict[str, str]]:
    """``n`` varied notes with ids and dates, and a few rows that cannot be scored."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        lang = "sv" if rnd.random() < 0.55 else "en"
        name = rnd.choice(NAMES)
        parts = [
            rnd.choice(OPENERS[lang]),
            rnd.choice(STEPS[lang]),
            rnd.choice(WHENS[lang]),
            rnd.choice(REASONS[lang]),
        ]
        text = " ".join(p for p in parts if p).format(name=name) + "."
        day = (date(2026, 1, 1) + timedelta(days=rnd.randint(0, 300))).isoformat()
        if i % 397 == 5:
            text = ""  # empty note
        if i % 541 == 7:
            day = "31.02.2026"  # not a date
        rows.append({"id": f"N{i}", "seller": f"s{i % 7}", "date": day, "note": text})
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cli(*args: str) -> Any:
    """``klarsteg score ... --engine spark`` in this process (it uses the module's session)."""
    return CliRunner().invoke(app, ["score", *args, "--engine", "spark"])


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local[2] session for the module; the workers note each model load in a file."""
    folder = tmp_path_factory.mktemp("spark")
    previous = os.environ.get(LOAD_LOG_ENV)
    os.environ[LOAD_LOG_ENV] = str(folder / "loads.txt")  # inherited by the Python workers
    session = spark_session("local[2]", log_file=folder / "spark.log")
    yield session
    session.stop()
    if previous is None:
        os.environ.pop(LOAD_LOG_ENV, None)
    else:
        os.environ[LOAD_LOG_ENV] = previous


@pytest.fixture(scope="module")
def notes() -> list[dict[str, str]]:
    return make_notes(3000)


def test_cli_spark_writes_the_local_engines_records(
    spark: Any, notes: list[dict[str, str]], klarsteg_model: Klarsteg, tmp_path: Path
) -> None:
    inp = write_csv(tmp_path / "notes.csv", notes)
    score_file(inp, tmp_path / "local.csv", BatchOptions(), model=klarsteg_model)
    result = cli(str(inp), "-o", str(tmp_path / "spark.csv"))
    assert result.exit_code == 0, result.output
    assert "read 3000 rows" in result.output
    local, spark_rows = read_csv(tmp_path / "local.csv"), read_csv(tmp_path / "spark.csv")
    assert len(spark_rows) == 3000
    assert [r["id"] for r in spark_rows] == [n["id"] for n in notes]
    assert [(r["score"], r["verdict"]) for r in spark_rows] == [(r["score"], r["verdict"]) for r in local]
    assert (tmp_path / "spark.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    verdicts = {r["verdict"] for r in local if not r["error"]}
    assert verdicts == {"concrete", "partial", "vague", "none"}  # the notes are varied enough to matter
    errors = [r for r in spark_rows if r["error"]]
    assert errors and all(r["score"] == "" for r in errors)
    assert not list(tmp_path.glob(".klarsteg-staging-*"))  # the staging folder is removed


def test_score_dataframe_gives_the_local_scores_as_typed_columns(
    spark: Any, notes: list[dict[str, str]], klarsteg_model: Klarsteg, tmp_path: Path
) -> None:
    local = tmp_path / "local.jsonl"
    score_file(write_csv(tmp_path / "notes.csv", notes), local, BatchOptions(), model=klarsteg_model)
    expected = [json.loads(line) for line in local.read_text(encoding="utf-8").splitlines()]
    df = spark.createDataFrame(notes, "id string, seller string, date string, note string").repartition(3)
    scored = score_dataframe(df, id_col="id")
    types = {f.name: f.dataType.simpleString() for f in scored.schema.fields}
    assert types["score"] == "int" and types["reason_clear"] == "boolean"
    assert types["missing"] == types["vague"] == "array<string>" and types["when_confidence"] == "double"
    assert list(scored.columns) == ["id", "seller", "date", "note", *(name for name, _ in RESULT_FIELDS)]
    rows = {r["id"]: r for r in scored.collect()}
    assert len(rows) == 3000
    for want in expected:
        got = rows[want["id"]]
        if "error" in want:
            assert got["error"] == want["error"] and got["score"] is None
        else:
            result = want["result"]
            assert (got["score"], got["verdict"], got["error"]) == (result["score"], result["verdict"], None)
            assert list(got["missing"]) == result["missing"]
            assert got["when_value"] == (result["when"] or {}).get("value")


def test_a_bad_row_gives_an_error_value_and_the_job_goes_on(spark: Any) -> None:
    df = spark.createDataFrame(
        [
            (1, "Ring Eva tors kl 14 ang. offerten", "2026-03-10"),
            (2, "", "2026-03-10"),
            (3, None, "2026-03-10"),
            (4, "Demo fredag kl 10", "not a date"),
            (5, "Demo fredag kl 10", None),
            (6, "x" * 20_001, "2026-03-10"),
        ],
        "id long, Anteckning string, Datum string",
    )
    rows = score_dataframe(df).orderBy("id").collect()
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert (
        rows[0]["error"] is None and rows[0]["score"] == 100 and rows[0]["when_value"] == "2026-03-12T14:00"
    )
    assert rows[1]["error"].startswith("text is empty") and rows[2]["error"].startswith("text is empty")
    assert rows[3]["error"] == "the date in column 'Datum' is not a date like 2026-03-10 (10 characters)"
    assert rows[4]["error"].startswith("no date in column 'Datum'")
    assert "limit is 20000" in rows[5]["error"]
    assert all(r["score"] is None and r["verdict"] is None for r in rows[1:])


def test_parquet_file_and_folder_in_and_out(
    spark: Any, notes: list[dict[str, str]], klarsteg_model: Klarsteg, tmp_path: Path
) -> None:
    table = pa.Table.from_pylist(notes[:600]).append_column("n", pa.array(range(600), pa.int32()))
    pq.write_table(table, tmp_path / "notes.parquet", row_group_size=100)
    folder = tmp_path / "parts"
    folder.mkdir()
    # parts of different sizes: Spark reads the biggest first, the output keeps the input order
    for i, (start, stop) in enumerate([(0, 50), (50, 450), (450, 600)]):
        pq.write_table(table.slice(start, stop - start), folder / f"part-{i:05d}.parquet")
    score_file(tmp_path / "notes.parquet", tmp_path / "local.parquet", BatchOptions(), model=klarsteg_model)
    score_file(tmp_path / "notes.parquet", tmp_path / "local.csv", BatchOptions(), model=klarsteg_model)

    summary = score_file_spark(tmp_path / "notes.parquet", tmp_path / "spark.parquet")
    assert (summary.read, summary.scored + summary.errors) == (600, 600)
    assert (tmp_path / "spark.parquet").is_dir()  # a folder of parts
    local, out = pq.read_table(tmp_path / "local.parquet"), pq.read_table(tmp_path / "spark.parquet")
    assert [(f.name, f.type) for f in out.schema] == [(f.name, f.type) for f in local.schema]
    assert out.to_pylist() == local.to_pylist()

    result = cli(str(folder), "-o", str(tmp_path / "spark.csv"), "--id-col", "id")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "spark.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert "row 6 (id N5): text is empty" in result.output


def test_cli_jsonl_in_and_out_and_the_same_messages(
    spark: Any, klarsteg_model: Klarsteg, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(
        '{"id": 1, "text": "Ring Eva tors kl 14 ang. offerten", "date": "2026-03-10", "n": 2.5}\n'
        "not json\n"
        '{"id": 2, "text": "", "date": "2026-03-10", "tags": ["a"]}\n'
        "[1, 2]\n"
        '{"id": 3, "text": "Call Friday 2pm about pricing", "date": "2026/03/10"}\n'
        '{"id": 4, "text": "Vi hörs", "date": "10 mars"}\n',
        encoding="utf-8",
    )
    score_file(inp, tmp_path / "local.jsonl", BatchOptions(), model=klarsteg_model)
    result = cli(str(inp), "-o", str(tmp_path / "spark.jsonl"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "spark.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    lines = [json.loads(x) for x in (tmp_path / "spark.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [("result" in x, "error" in x) for x in lines] == [
        (True, False),
        *[(False, True)] * 3,
        (True, False),
        (False, True),
    ]
    assert "read 6 rows: scored 2, errors 4" in result.output
    assert "warning: row 2 (id ): line 2: not valid JSON" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("id,seller,when\n1,Anna,2026-03-10\n", encoding="utf-8")
    result = cli(str(bad), "-o", str(tmp_path / "bad_out.csv"))
    assert result.exit_code == 2
    assert "error: no text column found among: id, seller, when." in result.output


def test_the_model_is_loaded_once_per_worker_process(spark: Any) -> None:
    loads = (Path(os.environ[LOAD_LOG_ENV])).read_text(encoding="utf-8").split("\n")
    pids = [line.split()[0] for line in loads if line]
    assert pids, "no model load was recorded"
    assert len(pids) == len(set(pids)), "a worker process loaded the model twice"
    assert len(pids) < 10  # a few worker processes, not a load per batch (there were dozens)


def test_without_java_the_cli_says_what_to_install(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "JAVA_HOME": str(tmp_path / "nowhere"), "HOME": str(tmp_path)}
    inp = write_csv(tmp_path / "n.csv", make_notes(3))
    proc = subprocess.run(
        [str(KLARSTEG), "score", str(inp), "-o", str(tmp_path / "o.csv"), "--engine", "spark"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("error: the Spark engine needs Java 17 or newer")
    assert "apt-get install openjdk-17-jre-headless" in proc.stderr
    assert not (tmp_path / "o.csv").exists()


def test_without_pyspark_the_cli_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import service.spark

    monkeypatch.setattr(service.spark, "find_spec", lambda name: None)
    inp = write_csv(tmp_path / "n.csv", make_notes(3))
    result = cli(str(inp), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert result.output == 'error: the Spark engine needs PySpark: pip install "klarsteg[spark]"\n'


def test_a_subject_column_is_joined_as_the_local_engine_joins_it(
    spark: Any, klarsteg_model: Klarsteg, tmp_path: Path
) -> None:
    rows = [
        {"id": "1", "subject": "Ring Eva fre kl 10", "body": "ang. offerten", "date": "2026-03-10"},
        {"id": "2", "subject": "", "body": "Bokade demo tis 17/3 kl 10", "date": "2026-03-10"},
        {"id": "3", "subject": "Offert", "body": "offert skickad, ring tors", "date": "2026-03-10"},
    ]
    inp = write_csv(tmp_path / "activities.csv", rows)
    score_file(inp, tmp_path / "local.jsonl", BatchOptions(), model=klarsteg_model)
    result = cli(str(inp), "-o", str(tmp_path / "spark.jsonl"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "spark.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    first = json.loads((tmp_path / "spark.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["result"]["when"]["value"] == "2026-03-13T10:00"
