"""The training data: every record valid, splits disjoint, the validator catches what it must."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.data import locate, read_jsonl, validate, validate_record

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("train", "dev", "test")

GOOD = {
    "id": "x-1",
    "lang": "sv",
    "note_date": "2026-03-10",
    "text": "Bra möte med Eva. Vi bokade demo tis 17/3 kl 10 för att visa integrationen.",
    "next_step": {"text": "bokade demo", "action": "demo", "owner": "both"},
    "reason": {"text": "visa integrationen", "clear": True},
    "when": {"text": "tis 17/3 kl 10", "granularity": "datetime", "value": "2026-03-17T10:00"},
    "rating": 5,
}


@pytest.mark.parametrize("split", SPLITS)
def test_split_records_are_valid(split: str) -> None:
    records = read_jsonl(ROOT / "training_data" / f"{split}.jsonl")
    assert records
    assert validate(records) == []


def _texts(path: Path) -> set[str]:
    return {r["text"].strip().lower() for r in read_jsonl(path)}


_EVAL_SPLITS = ("dev", "test", "dev_real", "test_real")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "training_data" / "extra").glob("*.jsonl"))
    + sorted((ROOT / "training_data" / "heldout").glob("*.jsonl")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_extra_records_are_valid_and_apart_from_the_evaluation_splits(path: Path) -> None:
    """Extra notes train the reason picker (``extra/``) or are only measured (``heldout/``):
    neither shares a note with the splits that measure the model."""
    records = read_jsonl(path)
    assert records and validate(records) == []
    evaluated = set().union(*(_texts(ROOT / "training_data" / f"{s}.jsonl") for s in _EVAL_SPLITS))
    assert not _texts(path) & evaluated


def test_held_out_notes_are_in_no_training_file() -> None:
    trained = _texts(ROOT / "training_data" / "train.jsonl").union(
        *(_texts(p) for p in (ROOT / "training_data" / "extra").glob("*.jsonl"))
    )
    for path in (ROOT / "training_data" / "heldout").glob("*.jsonl"):
        assert not _texts(path) & trained, path.name


def test_splits_share_no_note() -> None:
    texts = {
        s: {r["text"].strip().lower() for r in read_jsonl(ROOT / "training_data" / f"{s}.jsonl")}
        for s in SPLITS
    }
    assert not texts["train"] & texts["dev"]
    assert not texts["train"] & texts["test"]
    assert not texts["dev"] & texts["test"]


def test_good_record_passes() -> None:
    assert validate_record(GOOD) == []


def _bad(**changes: object) -> dict:
    record = {**GOOD}
    for key, value in changes.items():
        if "." in key:
            field, sub = key.split(".")
            record[field] = {**record[field], sub: value}
        else:
            record[key] = value
    return record


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        (_bad(**{"next_step.text": "bokade möte"}), "not a substring"),
        (_bad(**{"when.value": "2026-03-17"}), "does not fit granularity"),
        (_bad(**{"when.value": "2026-03-09T10:00"}), "before note_date"),
        (_bad(**{"when.value": "2026-03-18T10:00"}), "another weekday"),
        (_bad(**{"when.granularity": "fuzzy"}), "value null"),
        (_bad(**{"next_step.action": "lunch"}), "action"),
        (_bad(**{"next_step.owner": "them"}), "owner"),
        (_bad(next_step=None), "without a next_step"),
        (_bad(rating=4), "rating 4 disagrees"),
        (_bad(note_date="10/3/2026"), "not an ISO date"),
        (_bad(lang="de"), "lang must be"),
        (_bad(**{"reason.clear": "yes"}), "reason.clear"),
    ],
)
def test_validator_catches(record: dict, fragment: str) -> None:
    errors = validate_record(record)
    assert any(fragment in e for e in errors), errors


def test_duplicate_ids_are_reported() -> None:
    assert any("duplicate id" in e for e in validate([GOOD, GOOD]))


def test_locate_occurrence() -> None:
    text = "ring Eva, sen ring Per"
    assert locate(text, {"text": "ring", "occurrence": 2}).start == 14
    assert locate(text, {"text": "ring", "occurrence": 3}) is None
