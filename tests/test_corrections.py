"""Learning from corrections: the API, the store, export and import, retrain, promote, rollback.

Every test keeps its data in a temporary KLARSTEG_DATA_DIR, never ./klarsteg-data. The retrain
tests train on a small fixture cut from training_data/ (a few hundred notes, 2 span epochs),
so that three trainings take well under a minute.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from model.artifacts import CLASSIFIERS_FILE, METADATA_FILE, verify_artifacts
from model.data import data_hash, read_jsonl, validate, write_jsonl
from model.pipeline import Klarsteg
from model.promote import models_root, promoted_model_dir
from model.settings import PACKAGE_MODEL_DIR, Settings, get_settings
from model.train import train
from service.app import create_app
from service.cli import app as cli_app
from service.corrections.check import check_record
from service.corrections.retrain import METRICS, TOLERANCE

ROOT = Path(__file__).resolve().parents[1]
NOTE = "Bra möte med Eva. Hon ska prata med IT. Vi bokade demo tis 17/3 kl 10 för att visa integrationen."
DATE = "2026-03-10"
SECRET = "corrections-test-key"
GOOD: dict[str, Any] = {
    "text": NOTE,
    "note_date": DATE,
    "language": "sv",
    "next_step": {"text": "bokade demo", "action": "demo", "owner": "both"},
    "reason": {"text": "visa integrationen", "clear": True},
    "when": {"text": "tis 17/3 kl 10"},
}


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(**({"api_key": None, "cors_origins": [], "data_dir": data_dir} | overrides))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh KLARSTEG_DATA_DIR for the CLI (the process settings are read again around it)."""
    d = tmp_path / "data"
    monkeypatch.setenv("KLARSTEG_DATA_DIR", str(d))
    monkeypatch.delenv("KLARSTEG_MODEL_DIR", raising=False)
    get_settings.cache_clear()
    yield d
    get_settings.cache_clear()


@pytest.fixture
def client(klarsteg_model: Klarsteg, data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(data_dir), model=klarsteg_model)) as c:
        yield c


@pytest.fixture
def keyed(klarsteg_model: Klarsteg, data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(data_dir, api_key=SECRET), model=klarsteg_model)) as c:
        c.headers["X-API-Key"] = SECRET
        yield c


def cli(*args: str) -> Any:
    return CliRunner().invoke(cli_app, list(args))


def error(response: Any, *needles: str) -> str:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    for needle in needles:
        assert needle in detail, detail
    return detail


# --------------------------------------------------------------------------- the API


def test_a_good_correction_is_stored_with_the_model_answer(
    keyed: TestClient, klarsteg_model: Klarsteg, data_dir: Path
) -> None:
    r = keyed.post("/v1/corrections", json=GOOD)
    assert r.status_code == 201, r.text
    body = r.json()
    assert isinstance(body["id"], int)
    assert body["model_version"] == klarsteg_model.version
    # the when was given as text only: the date layer resolved it by the SPEC's rules
    assert body["correction"]["when"] == {
        "text": "tis 17/3 kl 10",
        "occurrence": None,
        "granularity": "datetime",
        "value": "2026-03-17T10:00",
    }
    assert body["date_check"] == "agrees"
    assert body["score"]["score"] == 100 and body["score"]["verdict"] == "concrete"
    assert body["model_answer"]["score"] == 100 and body["model_answer"]["next_step"]["text"] == "bokade demo"
    assert (data_dir / "klarsteg.db").is_file()

    listed = keyed.get("/v1/corrections").json()
    assert listed["total"] == 1 and listed["next_before"] is None
    item = listed["corrections"][0]
    assert item["id"] == body["id"] and item["source"] == "api" and not item["superseded"]
    assert item["model_version"] == klarsteg_model.version
    assert item["model_answer"]["verdict"] == "concrete"
    assert item["correction"]["next_step"]["action"] == "demo"


def test_a_training_data_record_can_be_posted_as_it_is(client: TestClient) -> None:
    """The SPEC's annotated example, id, lang and rating included."""
    record = {
        "id": "sv-0001",
        "lang": "sv",
        "note_date": "2026-03-10",
        "text": NOTE,
        "next_step": {"text": "bokade demo", "action": "demo", "owner": "both"},
        "reason": {"text": "visa integrationen", "clear": True},
        "when": {"text": "tis 17/3 kl 10", "granularity": "datetime", "value": "2026-03-17T10:00"},
        "rating": 5,
    }
    r = client.post("/v1/corrections", json=record)
    assert r.status_code == 201, r.text
    assert r.json()["correction"]["rating"] == 5 and r.json()["correction"]["lang"] == "sv"


def test_a_not_in_the_note_correction(client: TestClient) -> None:
    text = "Kunden hörde av sig. Vi hörs längre fram."
    body = {"text": text, "note_date": DATE, "next_step": None, "reason": None, "when": None}
    r = client.post("/v1/corrections", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["score"] == {
        "score": 0,
        "parts": {"next_step": 0, "reason": 0, "when": 0},
        "verdict": "none",
        "missing": ["next_step", "reason", "when"],
        "vague": [],
        "questions": r.json()["score"]["questions"],
    }
    assert r.json()["correction"]["lang"] == "sv"  # detected


BAD_CASES = {
    "span not in the text": (
        {"next_step": {"text": "booked a demo", "action": "demo", "owner": "both"}},
        ("next_step.text", "not a substring"),
    ),
    "a past date as when": (
        {"when": {"text": "tis 17/3 kl 10", "granularity": "datetime", "value": "2026-03-03T10:00"}},
        ("when.value", "before note_date 2026-03-10"),
    ),
    "unknown action": (
        {"next_step": {"text": "bokade demo", "action": "phone", "owner": "both"}},
        ("action", "meeting"),
    ),
    "another weekday than the words name": (
        {"when": {"text": "tis 17/3 kl 10", "granularity": "datetime", "value": "2026-03-18T10:00"}},
        ("names another weekday",),
    ),
    "a date the date layer reads otherwise": (
        {"when": {"text": "tis 17/3 kl 10", "granularity": "date", "value": "2026-03-17"}},
        ("date layer", "datetime 2026-03-17T10:00", '"date_check": "override"'),
    ),
    "an impossible date": (
        {"when": {"text": "tis 17/3 kl 10", "granularity": "date", "value": "2026-02-30"}},
        ("not a valid date",),
    ),
    "a value that does not fit its granularity": (
        {"when": {"text": "tis 17/3 kl 10", "granularity": "week", "value": "2026-03-17"}},
        ("does not fit granularity week",),
    ),
    "reason without a next step": ({"next_step": None}, ("without a next_step",)),
    "overlapping spans": (
        {"reason": {"text": "demo tis", "clear": True}, "when": None},
        ("overlap",),
    ),
    "a missing field": ({"when": ...}, ("when is required",)),
    "a rating that disagrees": ({"rating": 2}, ("rating 2 disagrees",)),
    "languages that disagree": ({"lang": "en"}, ("disagree",)),
    "an empty note": ({"text": "   "}, ("text is empty",)),
    "a bad note date": ({"note_date": "2026-13-01"}, ("note_date",)),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_a_bad_correction_is_422_naming_the_problem(keyed: TestClient, case: str) -> None:
    change, needles = BAD_CASES[case]
    body = {k: v for k, v in (GOOD | change).items() if v is not ...}
    error(keyed.post("/v1/corrections", json=body), *needles)
    assert keyed.get("/v1/corrections").json()["total"] == 0


def test_a_past_time_is_refused_even_with_an_override(client: TestClient) -> None:
    text = "Ringde Eva i tisdags. Ring igen på fredag."
    body = {
        "text": text,
        "note_date": DATE,
        "next_step": {"text": "Ring igen", "action": "call", "owner": "seller"},
        "reason": None,
        "when": {"text": "i tisdags", "granularity": "date", "value": "2026-03-17"},
        "date_check": "override",
    }
    error(client.post("/v1/corrections", json=body), "past")


def test_an_override_keeps_a_date_the_date_layer_reads_otherwise(client: TestClient) -> None:
    body = GOOD | {
        "when": {"text": "tis 17/3 kl 10", "granularity": "date", "value": "2026-03-17"},
        "date_check": "override",
    }
    r = client.post("/v1/corrections", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["date_check"] == "override"
    assert r.json()["score"]["parts"]["when"] == 34


def test_a_when_the_date_layer_cannot_read_is_kept_as_given(client: TestClient) -> None:
    text = "Demo för ekonomichefen i Apirl för att visa rapporterna."  # sic: a typo
    body = {
        "text": text,
        "note_date": DATE,
        "next_step": {"text": "Demo för ekonomichefen", "action": "demo", "owner": "both"},
        "reason": {"text": "visa rapporterna", "clear": True},
        "when": {"text": "i Apirl", "granularity": "month", "value": "2026-04"},
    }
    r = client.post("/v1/corrections", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["date_check"] == "unread"
    # without a granularity there is nothing to resolve it to
    error(client.post("/v1/corrections", json=body | {"when": {"text": "i Apirl"}}), "finds no date")
    # and the SPEC's rules still hold for it
    error(
        client.post("/v1/corrections", json=body | {"when": body["when"] | {"value": "2026-02"}}),
        "before note_date",
    )


def test_the_preview_scores_and_checks_without_storing(keyed: TestClient) -> None:
    body = GOOD | {"reason": None, "when": {"text": "tis 17/3 kl 10"}}
    r = keyed.post("/v1/corrections/preview", json=body)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["valid"] and p["problems"] == []
    assert p["score"]["score"] == 70 and p["score"]["missing"] == ["reason"]
    assert p["date_layer"] == {
        "text": "tis 17/3 kl 10",
        "granularity": "datetime",
        "value": "2026-03-17T10:00",
        "past": False,
    }
    wrong = keyed.post(
        "/v1/corrections/preview",
        json=GOOD | {"when": {"text": "tis 17/3 kl 10", "granularity": "date", "value": "2026-03-17"}},
    ).json()
    assert not wrong["valid"] and wrong["problems"][0]["field"] == "when.value"
    assert wrong["score"]["score"] == 94  # what it would score if kept
    assert keyed.get("/v1/corrections").json()["total"] == 0


def test_the_api_key_protects_corrections(keyed: TestClient, client: TestClient) -> None:
    for method, path in (
        ("post", "/v1/corrections"),
        ("post", "/v1/corrections/preview"),
        ("get", "/v1/corrections"),
    ):
        kwargs = {"json": GOOD} if method == "post" else {}
        r = getattr(keyed, method)(path, headers={"X-API-Key": "wrong"}, **kwargs)
        assert r.status_code == 401, (path, r.text)
    # Without a key on the service, saving is open like scoring, but the listing (the notes'
    # text) is off.
    assert client.post("/v1/corrections", json=GOOD).status_code == 201
    r = client.get("/v1/corrections")
    assert r.status_code == 404 and "API key" in r.json()["detail"]


def test_the_listing_pages_newest_first_and_marks_superseded(keyed: TestClient) -> None:
    first = keyed.post("/v1/corrections", json=GOOD).json()["id"]
    second = keyed.post("/v1/corrections", json=GOOD | {"reason": None}).json()["id"]
    page = keyed.get("/v1/corrections", params={"limit": 1}).json()
    assert [c["id"] for c in page["corrections"]] == [second] and page["next_before"] == second
    older = keyed.get("/v1/corrections", params={"limit": 1, "before": second}).json()
    assert [c["id"] for c in older["corrections"]] == [first]
    assert older["corrections"][0]["superseded"] and not page["corrections"][0]["superseded"]


def test_nothing_is_stored_until_a_correction_arrives(client: TestClient, data_dir: Path) -> None:
    client.post("/v1/score", json={"text": NOTE})
    client.post("/v1/corrections/preview", json=GOOD)
    assert not data_dir.exists()


# --------------------------------------------------------------------------- export and import


def test_export_then_import_round_trip(klarsteg_model: Klarsteg, data_dir: Path, tmp_path: Path) -> None:
    other = {
        "text": "Call with Anna. She wants the price list; I'll send it tomorrow.",
        "note_date": DATE,
        "next_step": {"text": "I'll send it", "action": "send", "owner": "seller"},
        "reason": None,
        "when": {"text": "tomorrow"},
    }
    with TestClient(create_app(settings_for(data_dir), model=klarsteg_model)) as c:
        assert c.post("/v1/corrections", json=GOOD | {"reason": None}).status_code == 201
        assert c.post("/v1/corrections", json=other).status_code == 201
        override = GOOD | {
            "when": {"text": "tis 17/3 kl 10", "granularity": "date", "value": "2026-03-17"},
            "date_check": "override",
        }
        assert c.post("/v1/corrections", json=override).status_code == 201  # supersedes the first
    exported = tmp_path / "corrections.jsonl"
    result = cli("corrections", "export", "-o", str(exported))
    assert result.exit_code == 0, result.output
    assert "exported 2 corrections (1 superseded" in result.output
    records = read_jsonl(exported)
    assert not validate(records)  # the training-data format
    assert [r["text"] for r in records] == [other["text"], NOTE]
    assert records[1]["when"]["granularity"] == "date" and records[1]["date_check"] == "override"
    assert records[1]["reason"] == {"text": "visa integrationen", "clear": True}
    assert records[0]["when"] == {"text": "tomorrow", "granularity": "date", "value": "2026-03-11"}
    assert list(records[0])[:7] == ["id", "lang", "note_date", "text", "next_step", "reason", "when"]

    # into a fresh store, and out again: the same records
    second = tmp_path / "second"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KLARSTEG_DATA_DIR", str(second))
        get_settings.cache_clear()
        result = cli("corrections", "import", str(exported))
        assert result.exit_code == 0, result.output
        assert "imported 2 corrections" in result.output
        again = cli("corrections", "import", str(exported))
        assert "imported 0 corrections" in again.output and "2 stored already" in again.output
        round_trip = tmp_path / "again.jsonl"
        assert cli("corrections", "export", "-o", str(round_trip)).exit_code == 0
    get_settings.cache_clear()

    def strip(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k not in ("id", "corrected_at", "source", "model_version")}

    assert [strip(r) for r in read_jsonl(round_trip)] == [strip(r) for r in records]
    assert all(r["source"] == "correction:import" for r in read_jsonl(round_trip))


def test_import_refuses_a_file_with_invalid_records(data_dir: Path, tmp_path: Path) -> None:
    good = {
        "id": "team-1",
        "lang": "en",
        "note_date": DATE,
        "text": "Demo for the CFO on Friday at 2pm to show the reports.",
        "next_step": {"text": "Demo for the CFO", "action": "demo", "owner": "both"},
        "reason": {"text": "show the reports", "clear": True},
        "when": {"text": "on Friday at 2pm"},  # a spreadsheet may leave the value to the date layer
    }
    bad = good | {
        "id": "team-2",
        "next_step": {"text": "Demo for the CEO", "action": "demo", "owner": "both"},
    }
    labelled = tmp_path / "labelled.jsonl"
    write_jsonl(labelled, [good, bad])
    result = cli("corrections", "import", str(labelled))
    assert result.exit_code == 1
    assert (
        "team-2" in result.output
        and "not a substring" in result.output
        and "nothing imported" in result.output
    )
    assert not (data_dir / "klarsteg.db").exists()
    result = cli("corrections", "import", str(labelled), "--skip-invalid")
    assert result.exit_code == 0 and "imported 1 correction" in result.output
    out = tmp_path / "out.jsonl"
    assert cli("corrections", "export", "-o", str(out)).exit_code == 0
    (record,) = read_jsonl(out)
    assert record["when"] == {
        "text": "on Friday at 2pm",
        "granularity": "datetime",
        "value": "2026-03-13T14:00",
    }


def test_export_with_nothing_stored(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.jsonl"
    result = cli("corrections", "export", "-o", str(out))
    assert result.exit_code == 0 and "no corrections are stored" in result.output
    assert out.read_text() == "" and not data_dir.exists()


# --------------------------------------------------------------------------- retrain, promote, rollback


def _cut(records: list[dict], n: int, step: int, offset: int = 0) -> list[dict]:
    return records[offset::step][:n]


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small training set, dev and test split from training_data/, good corrections (other
    training notes, correctly annotated), wrong ones (other notes with their step removed),
    and a base model trained on the small set: the "current" model of the retrain tests."""
    d = tmp_path_factory.mktemp("fixture")
    train_all = read_jsonl(ROOT / "training_data" / "train.jsonl")
    train_records = _cut(train_all, 300, 7)
    used = {r["id"] for r in train_records}
    rest = [r for r in train_all if r["id"] not in used]
    good = [r for r in _cut(rest, 40, 11) if check_record(r).ok][:30]
    taken = used | {r["id"] for r in good}
    stepped = [r for r in rest if r["id"] not in taken and r.get("next_step")]
    wrong = [
        {k: v for k, v in r.items() if k != "rating"} | {"next_step": None, "reason": None, "when": None}
        for r in _cut(stepped, 60, 5)
    ]
    paths = {
        "train": d / "train.jsonl",
        "dev": d / "dev.jsonl",
        "test": d / "test.jsonl",
        "good": d / "good.jsonl",
        "wrong": d / "wrong.jsonl",
    }
    write_jsonl(paths["train"], train_records)
    write_jsonl(paths["dev"], read_jsonl(ROOT / "training_data" / "dev.jsonl")[:60])
    write_jsonl(paths["test"], read_jsonl(ROOT / "training_data" / "test.jsonl")[:80])
    # plus a note of the test split: retrain must drop it
    write_jsonl(paths["good"], good + [read_jsonl(paths["test"])[0]])
    write_jsonl(paths["wrong"], wrong)
    base = d / "base"
    train(
        train_records,
        read_jsonl(paths["dev"]),
        base,
        data_sha256=data_hash([paths["train"], paths["dev"]]),
        seed=3,
        span_epochs=2,
        span_time_budget_s=1e6,
    )
    return {"dir": d, "base": base, "good_n": len(good), **paths}


def retrain_cli(fx: dict[str, Any], corrections: Path, out: Path, *more: str) -> Any:
    return cli(
        "retrain",
        "--corrections",
        str(corrections),
        "--out",
        str(out),
        "--base",
        str(fx["base"]),
        "--train",
        str(fx["train"]),
        "--dev",
        str(fx["dev"]),
        "--test",
        str(fx["test"]),
        "--epochs",
        "2",
        "--seed",
        "3",
        *more,
    )


@pytest.fixture(scope="module")
def good_candidate(fixture_data: dict[str, Any]) -> tuple[Path, Any]:
    out = fixture_data["dir"] / "good"
    return out, retrain_cli(fixture_data, fixture_data["good"], out)


@pytest.fixture(scope="module")
def wrong_candidate(fixture_data: dict[str, Any]) -> tuple[Path, Any]:
    out = fixture_data["dir"] / "wrong"
    return out, retrain_cli(fixture_data, fixture_data["wrong"], out, "--weight", "5")


def test_retrain_writes_a_comparison(fixture_data: dict[str, Any], good_candidate: tuple[Path, Any]) -> None:
    out, result = good_candidate
    assert result.exit_code in (0, 1), result.output
    comparison = json.loads((out / "comparison.json").read_text())
    shared = set(comparison["current"]) & set(comparison["candidate"])
    assert {"next_step_f1", "reason_f1", "when_value_accuracy", "verdict_accuracy", "spearman"} <= shared
    assert shared == {key for key, _, _ in METRICS}
    rule = all(comparison["candidate"][m] >= comparison["current"][m] - TOLERANCE for m in shared)
    assert comparison["promote"] is rule
    assert result.exit_code == (0 if comparison["promote"] else 1)
    held = comparison["held_out_corrections"]
    n = fixture_data["good_n"]
    assert held["notes"] == int(n * 0.2) and set(held["current"]) == set(held["candidate"]) != set()
    assert comparison["corrections"]["trained"] == n - held["notes"]
    assert comparison["corrections"]["dropped_in_test_split"] == 1
    # the held-out corrections were not trained on, and none is in the test split
    trained = {r["text"] for r in read_jsonl(out / "corrections_trained.jsonl")}
    held_out = {r["text"] for r in read_jsonl(out / "corrections_held_out.jsonl")}
    assert len(held_out) == held["notes"] and not trained & held_out
    assert not (trained | held_out) & {r["text"] for r in read_jsonl(fixture_data["test"])}
    # the table, and the candidate's lineage
    assert "next_step F1" in result.stdout and ("PROMOTE" in result.stdout)
    meta = verify_artifacts(out / "model")
    base_version = verify_artifacts(fixture_data["base"])["version"]
    assert meta["lineage"]["base_version"] == base_version
    assert meta["lineage"]["corrections"] == n - held["notes"]
    assert meta["lineage"]["correction_weight"] == 3
    assert comparison["models"]["candidate"]["version"] == meta["version"]


def test_retrain_lets_the_reason_picker_learn_from_extra_notes(fixture_data: dict[str, Any]) -> None:
    extra = ROOT / "training_data" / "extra" / "train_r17_trn.jsonl"
    out = fixture_data["dir"] / "with_extra"
    result = retrain_cli(fixture_data, fixture_data["good"], out, "--reason-extra", str(extra))
    assert result.exit_code in (0, 1), result.output
    meta = json.loads((out / "model" / "metadata.json").read_text())
    comparison = json.loads((out / "comparison.json").read_text())
    trained = comparison["corrections"]["trained"] * 3
    assert meta["train_notes"] == 300 + trained
    assert meta["reason_notes"] == 300 + trained + len(read_jsonl(extra))
    assert meta["data_sha256"] == data_hash(
        [fixture_data["train"], extra, fixture_data["dev"], fixture_data["good"]]
    )


def test_a_candidate_trained_on_wrong_corrections_is_refused(wrong_candidate: tuple[Path, Any]) -> None:
    out, result = wrong_candidate
    assert result.exit_code == 1, result.output
    comparison = json.loads((out / "comparison.json").read_text())
    assert comparison["promote"] is False
    # notes with their steps taken out pull the model down; which metric drops most depends on
    # the fallbacks that still find steps (the rule's phrases), so any drop beyond the tolerance
    drops = comparison["drops"]
    assert drops and min(drops.values()) < -TOLERANCE
    for metric, drop in drops.items():
        assert comparison["candidate"][metric] - comparison["current"][metric] == pytest.approx(
            drop, abs=1e-4
        )
    assert "DO NOT PROMOTE" in result.stdout and "next_step F1" in result.stdout


def test_corrections_are_read_checked_and_split_stably(fixture_data: dict[str, Any]) -> None:
    from service.corrections.retrain import read_corrections, split_held_out

    records = read_corrections(fixture_data["good"])
    assert len(records) == fixture_data["good_n"] + 1  # the test note is dropped later, by retrain
    trained, held = split_held_out(records, 0.2)
    assert len(held) == int(len(records) * 0.2) and len(trained) + len(held) == len(records)
    # the same notes are held out whatever the order of the file
    assert {r["id"] for r in split_held_out(list(reversed(records)), 0.2)[1]} == {r["id"] for r in held}
    assert split_held_out(records[:4], 0.2) == (records[:4], [])  # too few to hold any out
    # the latest correction of a note wins
    again = {k: v for k, v in records[0].items() if k != "rating"} | {
        "next_step": None,
        "reason": None,
        "when": None,
    }
    latest = read_corrections_of([*records, again])
    assert len(latest) == len(records)
    assert next(r for r in latest if r["text"] == again["text"])["next_step"] is None


def read_corrections_of(records: list[dict]) -> list[dict]:
    import tempfile

    from service.corrections.retrain import read_corrections

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "c.jsonl"
        write_jsonl(path, records)
        return read_corrections(path)


def test_retrain_refuses_invalid_corrections(fixture_data: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    record = read_jsonl(fixture_data["good"])[0]
    write_jsonl(
        bad, [record | {"next_step": {"text": "nowhere in the note", "action": "call", "owner": "seller"}}]
    )
    result = retrain_cli(fixture_data, bad, tmp_path / "never")
    assert result.exit_code == 2 and "not a substring" in result.output
    assert not (tmp_path / "never" / "model").exists()


def test_promote_and_rollback(
    fixture_data: dict[str, Any],
    good_candidate: tuple[Path, Any],
    wrong_candidate: tuple[Path, Any],
    data_dir: Path,
    tmp_path: Path,
) -> None:
    shipped = verify_artifacts(PACKAGE_MODEL_DIR)["version"]
    base = verify_artifacts(fixture_data["base"])["version"]
    good_dir, _ = good_candidate
    good = verify_artifacts(good_dir / "model")["version"]

    # a model without a comparison needs --force
    result = cli("promote", str(fixture_data["base"]))
    assert result.exit_code == 1 and "no comparison.json" in result.output
    assert promoted_model_dir(data_dir) is None
    result = cli("promote", str(fixture_data["base"]), "--force")
    assert result.exit_code == 0, result.output
    assert promoted_model_dir(data_dir) == models_root(data_dir) / base
    assert Settings().model_dir == models_root(data_dir) / base  # what serve and score load
    assert Klarsteg.load(Settings().model_dir).version == base

    # the candidate of wrong corrections is refused, and nothing changes
    wrong_dir, _ = wrong_candidate
    result = cli("promote", str(wrong_dir))
    assert result.exit_code == 1 and "comparison says no" in result.output
    assert promoted_model_dir(data_dir).name == base

    # the good candidate was compared with the base model, which is served now
    comparison = json.loads((good_dir / "comparison.json").read_text())
    result = cli("promote", str(good_dir))
    if not comparison["promote"]:
        assert result.exit_code == 1 and "comparison says no" in result.output
        result = cli("promote", str(good_dir), "--force")
    assert result.exit_code == 0, result.output
    assert f"promoted {good} (previous: {base})" in result.output
    get_settings.cache_clear()
    info = json.loads(cli("info").stdout)
    assert info["version"] == good
    assert info["lineage"]["base_version"] == base and info["lineage"]["corrections"] > 0
    assert info["promoted"]["current"] == good and info["promoted"]["previous"] == base
    assert info["promoted"]["stack"] == [shipped, base, good]
    assert (models_root(data_dir) / f"{good}.comparison.json").is_file()

    # klarsteg score loads it
    notes, scored = tmp_path / "notes.jsonl", tmp_path / "scored.jsonl"
    write_jsonl(notes, [{"text": NOTE, "note_date": DATE}])
    result = cli("score", str(notes), "-o", str(scored), "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert read_jsonl(scored)[0]["result"]["model_version"] == good

    # /readyz of a service started now shows the promoted model and its lineage
    with TestClient(create_app(settings_for(data_dir))) as c:
        ready = c.get("/readyz").json()
    assert ready["model_version"] == good and ready["lineage"]["base_version"] == base

    # an explicit KLARSTEG_MODEL_DIR wins over the promoted model
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KLARSTEG_MODEL_DIR", str(PACKAGE_MODEL_DIR))
        assert Settings().model_dir == PACKAGE_MODEL_DIR

    # rollback goes back one promotion at a time, to the shipped model
    result = cli("rollback")
    assert result.exit_code == 0 and f"rolled back to {base}" in result.output
    assert Klarsteg.load(Settings().model_dir).version == base
    assert cli("rollback").exit_code == 0
    assert Settings().model_dir == models_root(data_dir) / shipped
    assert verify_artifacts(Settings().model_dir)["version"] == shipped
    result = cli("rollback")
    assert result.exit_code == 2 and "no previous model" in result.output
    log = [json.loads(line) for line in (models_root(data_dir) / "log.jsonl").read_text().splitlines()]
    assert [e["event"] for e in log] == ["promote", "promote", "rollback", "rollback"]
    assert log[0]["forced"] is True

    # a tampered model is never promoted, not even with --force
    tampered = tmp_path / "tampered"
    shutil.copytree(good_dir / "model", tampered)
    with open(tampered / CLASSIFIERS_FILE, "ab") as fh:
        fh.write(b"\0")
    result = cli("promote", str(tampered), "--force")
    assert result.exit_code == 2 and "does not match its metadata" in result.output
    assert promoted_model_dir(data_dir).name == shipped
    assert (tampered / METADATA_FILE).exists()
