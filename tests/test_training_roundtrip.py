"""Train on a tiny fixture, save, verify, load, evaluate; and refuse tampered artifacts."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from model.artifacts import CLASSIFIERS_FILE, METADATA_FILE, ArtifactError, load_artifacts, verify_artifacts
from model.data import data_hash, read_jsonl
from model.evaluate import evaluate
from model.pipeline import Klarsteg
from model.train import predict, retrain_components, train

FIXTURE = Path(__file__).parent / "fixtures" / "tiny.jsonl"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = read_jsonl(FIXTURE)
    out = tmp_path_factory.mktemp("model")
    train(records[:60], records[60:], out, data_sha256=data_hash([FIXTURE]), seed=3, span_epochs=2)
    return out


def test_roundtrip_writes_metadata_and_evaluates(tiny_model: Path) -> None:
    meta = json.loads((tiny_model / METADATA_FILE).read_text())
    assert meta["data_sha256"] == data_hash([FIXTURE])
    assert meta["train_notes"] == 60 and meta["reason_notes"] == 60 and meta["dev_notes"] == 20
    assert {"spacy", "scikit-learn", "python"} <= meta["libraries"].keys()
    assert set(meta["dev_metrics"]) >= {"verdict_accuracy", "next_step", "when_value_accuracy"}
    # date - training data - trained files: models trained on the same data stay apart
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}-[0-9a-f]{8}-[0-9a-f]{6}", meta["version"])
    assert meta["version"].split("-")[1] == meta["data_sha256"][:8]
    weights = hashlib.sha256("".join(f"{k}:{v}\n" for k, v in sorted(meta["files"].items())).encode())
    assert meta["version"].endswith(weights.hexdigest()[:6])
    model = Klarsteg.load(tiny_model)
    records = read_jsonl(FIXTURE)[60:]
    report, errors = evaluate(records, predict(model, records))
    assert report["all"]["notes"] == 20
    assert {"sv", "en"} <= report.keys()
    assert 0.0 <= report["all"]["verdict_accuracy"] <= 1.0
    assert all(e["errors"] for e in errors)


def test_the_reason_picker_action_and_wide_owner_learn_from_reason_records(
    tiny_model: Path, tmp_path: Path
) -> None:
    records = read_jsonl(FIXTURE)
    more = read_jsonl(
        Path(__file__).resolve().parents[1] / "training_data" / "extra" / "train_r17_trn.jsonl"
    )[:40]
    out = tmp_path / "with_more"
    meta = train(
        records[:60],
        records[60:],
        out,
        data_sha256=data_hash([FIXTURE]),
        seed=3,
        span_epochs=2,
        reason_records=more,
    )
    assert meta["train_notes"] == 60 and meta["reason_notes"] == 100
    plain = load_artifacts(tiny_model).classifiers
    richer = load_artifacts(out).classifiers

    def coef(model: object) -> list[float]:
        return [float(x) for x in model[-1].coef_.ravel()]  # type: ignore[index]

    assert coef(richer.reason_picker) != coef(plain.reason_picker)
    assert coef(richer.action) != coef(plain.action)
    assert plain.owner_wide is None and richer.owner_wide is not None  # only with more registers
    assert coef(richer.owner) == coef(plain.owner)  # the story notes' owner model: train alone
    assert coef(richer.step_ranker) == coef(plain.step_ranker)
    assert coef(richer.presence) == coef(plain.presence)


@pytest.mark.parametrize("component", ["step_ranker", "step_acceptor"])
def test_refit_one_ranker_keeps_the_rest_and_records_lineage(
    tiny_model: Path, tmp_path: Path, component: str
) -> None:
    records = read_jsonl(FIXTURE)
    base = load_artifacts(tiny_model)
    before = json.loads((tiny_model / METADATA_FILE).read_text())
    out = tmp_path / "refit"
    meta = retrain_components(
        base, [component], records[:60], records[60:], out, data_sha256=data_hash([FIXTURE]), seed=3
    )
    assert meta["base_model"] == before["version"] and meta["refitted"] == [component]
    assert meta["version"] != before["version"]
    assert meta["thresholds"] == before["thresholds"]
    # the span model is the base's, file for file
    spans = {k: v for k, v in meta["files"].items() if k.startswith("spans/")}
    assert spans and spans == {k: v for k, v in before["files"].items() if k.startswith("spans/")}
    model = Klarsteg.load(out)  # verifies the new metadata
    assert model.version == meta["version"]
    assert (
        model.score("Ring Anna fre kl 10 om offerten.", note_date="2026-03-02").model_version
        == meta["version"]
    )


def test_a_span_model_from_another_training_beside_the_base_classifiers(
    tiny_model: Path, tmp_path: Path
) -> None:
    records = read_jsonl(FIXTURE)
    other = tmp_path / "other"
    train(records[20:80], records[:20], other, data_sha256=data_hash([FIXTURE]), seed=5, span_epochs=1)
    before = json.loads((tiny_model / METADATA_FILE).read_text())
    donor = json.loads((other / METADATA_FILE).read_text())
    out = tmp_path / "joined"
    meta = retrain_components(
        load_artifacts(tiny_model),
        [],
        records[:60],
        records[60:],
        out,
        data_sha256=data_hash([FIXTURE]),
        seed=3,
        spans_from=load_artifacts(other),
    )
    assert meta["span_model_from"] == donor["version"] and meta["base_model"] == before["version"]
    assert meta["span_dev_f1"] == donor["span_dev_f1"]
    assert meta["thresholds"] == before["thresholds"]
    ner = "spans/ner/model"
    assert meta["files"][ner] == donor["files"][ner] != before["files"][ner]
    joined = Klarsteg.load(out)  # verifies the new metadata
    base = load_artifacts(tiny_model).classifiers
    assert [float(x) for x in joined.artifacts.classifiers.presence[-1].coef_.ravel()] == [
        float(x) for x in base.presence[-1].coef_.ravel()
    ]
    assert (
        joined.score("Ring Anna fre kl 10 om offerten.", note_date="2026-03-02").model_version
        == meta["version"]
    )


def test_refit_can_tune_named_thresholds_only(tiny_model: Path, tmp_path: Path) -> None:
    records = read_jsonl(FIXTURE)
    before = json.loads((tiny_model / METADATA_FILE).read_text())
    meta = retrain_components(
        load_artifacts(tiny_model),
        ["step_ranker"],
        records[:60],
        records[60:],
        tmp_path / "tuned",
        data_sha256=data_hash([FIXTURE]),
        seed=3,
        tune=["step_extend"],
    )
    assert meta["tuned"] == ["step_extend"]
    assert meta["thresholds"]["step_extend"] in (0.4, 0.6, 0.8, 1.0)
    untouched = {k: v for k, v in meta["thresholds"].items() if k != "step_extend"}
    assert untouched == {k: v for k, v in before["thresholds"].items() if k != "step_extend"}
    with pytest.raises(ValueError, match="cannot tune nonsense"):
        retrain_components(
            load_artifacts(tiny_model),
            ["step_ranker"],
            [],
            [],
            tmp_path / "y",
            data_sha256="0" * 64,
            tune=["nonsense"],
        )


def test_refit_refuses_a_component_it_cannot_fit_alone(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot retrain clear alone"):
        retrain_components(
            load_artifacts(tiny_model), ["clear"], [], [], tmp_path / "x", data_sha256="0" * 64
        )
    assert not (tmp_path / "x").exists()


def test_refit_the_note_level_model_and_the_tagger_on_more_notes(tiny_model: Path, tmp_path: Path) -> None:
    """Presence and the token tagger read no span model: they can learn from new notes alone,
    and the span model and span classifiers stay the base's."""
    records = read_jsonl(FIXTURE)
    meta = retrain_components(
        load_artifacts(tiny_model),
        ["presence", "tagger"],
        records,
        [],
        tmp_path / "pt",
        data_sha256=data_hash([FIXTURE]),
        seed=3,
    )
    assert meta["refitted"] == ["presence", "tagger"] and meta["train_notes"] == len(records)
    base = load_artifacts(tiny_model)  # as saved: trained on the first 60 notes
    refitted = load_artifacts(tmp_path / "pt").classifiers
    presence = refitted.presence.steps[0][1]
    assert len(presence.vocabulary_) > len(base.classifiers.presence.steps[0][1].vocabulary_)
    tagged, before = refitted.tagger.models["next_step"], base.classifiers.tagger.models["next_step"]
    assert tagged.coef_.tolist() != before.coef_.tolist()
    for name in ("action", "owner", "clear", "when", "step_ranker", "step_acceptor"):
        assert getattr(refitted, name).steps[-1][1].coef_.tolist() == (
            getattr(base.classifiers, name).steps[-1][1].coef_.tolist()
        )


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "m"
    shutil.copytree(src, dst)
    return dst


def test_tampered_joblib_is_never_unpickled(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    with open(m / CLASSIFIERS_FILE, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtifactError, match="does not match its metadata"):
        load_artifacts(m)


def test_truncated_artifact_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    data = (m / CLASSIFIERS_FILE).read_bytes()
    (m / CLASSIFIERS_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ArtifactError, match="does not match"):
        verify_artifacts(m)


def test_foreign_file_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    (m / "evil.joblib").write_bytes(b"x")
    with pytest.raises(ArtifactError, match="does not list"):
        verify_artifacts(m)


def test_missing_metadata_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    (m / METADATA_FILE).unlink()
    with pytest.raises(ArtifactError, match="no metadata.json"):
        verify_artifacts(m)


def test_library_version_mismatch_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    meta = json.loads((m / METADATA_FILE).read_text())
    meta["libraries"]["scikit-learn"] = "0.1.0"
    (m / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="scikit-learn 0.1.0"):
        verify_artifacts(m)


def test_other_artifact_format_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    m = _copy(tiny_model, tmp_path)
    meta = json.loads((m / METADATA_FILE).read_text())
    meta["format"] = 1
    (m / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="format 1"):
        verify_artifacts(m)


def test_shipped_model_verifies() -> None:
    meta = verify_artifacts(Path(__file__).resolve().parent.parent / "model" / "artifacts")
    assert meta["name"] == "klarsteg"
