"""Scoring files of notes (JSONL or CSV): one output record per input record, in order."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.pipeline import Klarsteg, validate_input

TEXT_COLUMNS = ("text", "note", "notes", "body", "anteckning", "kommentar")
DATE_COLUMNS = ("note_date", "date", "created", "datum")


@dataclass
class BatchSummary:
    """What a batch run did."""

    read: int = 0
    scored: int = 0
    errors: int = 0


def flatten(result: dict[str, Any]) -> dict[str, Any]:
    """Flat CSV columns for a score result."""
    flat: dict[str, Any] = {
        "score": result["score"],
        "verdict": result["verdict"],
        "language": result["language"],
        "parts_next_step": result["parts"]["next_step"],
        "parts_reason": result["parts"]["reason"],
        "parts_when": result["parts"]["when"],
    }
    for field, keys in (
        ("next_step", ("text", "start", "end", "action", "owner", "confidence")),
        ("reason", ("text", "start", "end", "clear", "confidence")),
        ("when", ("text", "start", "end", "granularity", "value", "has_time", "clear", "confidence")),
    ):
        value = result.get(field) or {}
        for key in keys:
            flat[f"{field}_{key}"] = value.get(key, "")
    flat["missing"] = ",".join(result["missing"])
    flat["vague"] = ",".join(result["vague"])
    flat["questions"] = " | ".join(result["questions"])
    flat["model_version"] = result["model_version"]
    return flat


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str) -> str | None:
    if wanted:
        if wanted not in columns:
            raise ValueError(f"no {what} column {wanted!r}; the columns are: {', '.join(columns)}")
        return wanted
    lowered = {c.lower().strip(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _read_records(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix.lower() == ".jsonl":
        with open(path, encoding="utf-8-sig") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield {"__error__": f"line {lineno}: not valid JSON ({exc.msg})", "__raw__": line.rstrip("\n")}
                    continue
                yield obj if isinstance(obj, dict) else {"__error__": f"line {lineno}: not a JSON object"}
    elif path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)
    else:
        raise ValueError(f"unsupported input format {path.suffix!r}: use .jsonl or .csv")


def score_file(
    model: Klarsteg,
    input_path: Path,
    output_path: Path,
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    note_date: str | None = None,
) -> BatchSummary:
    """Score every record of a JSONL or CSV file into a file of the same kind."""
    summary = BatchSummary()
    out_kind = output_path.suffix.lower()
    if out_kind not in (".jsonl", ".csv"):
        raise ValueError(f"unsupported output format {output_path.suffix!r}: use .jsonl or .csv")
    rows: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]] = []
    text_key = date_key = None
    for record in _read_records(input_path):
        summary.read += 1
        if text_key is None and "__error__" not in record:
            columns = list(record)
            text_key = _pick(columns, text_col, TEXT_COLUMNS, "text")
            if text_key is None:
                raise ValueError(f"no text column found; the columns are: {', '.join(columns)} (use --text-col)")
            date_key = _pick(columns, date_col, DATE_COLUMNS, "date")
        if "__error__" in record:
            rows.append(({k: v for k, v in record.items() if not k.startswith("__")}, None, record["__error__"]))
            continue
        try:
            day = note_date or (record.get(date_key) if date_key else None) or None
            note = validate_input(record.get(text_key), day)
            result = model.score(note.text, note.note_date, note.language).model_dump()
            rows.append((record, result, None))
            summary.scored += 1
        except ValueError as exc:
            rows.append((record, None, str(exc)))
    summary.errors = summary.read - summary.scored
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "w", encoding="utf-8", newline="") as fh:
        if out_kind == ".jsonl":
            for record, result, error in rows:
                out = dict(record)
                if error is None:
                    out["result"] = result
                else:
                    out["error"] = error
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            flat_rows = [
                {**{k: v for k, v in r.items()}, **(flatten(res) if res else {}), "error": err or ""}
                for r, res, err in rows
            ]
            fields: list[str] = []
            for fr in flat_rows:
                fields.extend(k for k in fr if k not in fields)
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(flat_rows)
    return summary
