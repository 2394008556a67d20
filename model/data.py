"""Annotated notes: reading the SPEC's JSONL format, locating spans, validating records."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from model.normalize import normalize
from model.schema import ACTIONS, OWNERS

GRANULARITY_FORMATS: dict[str, re.Pattern[str]] = {
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "week": re.compile(r"^\d{4}-W\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "quarter": re.compile(r"^\d{4}-Q[1-4]$"),
    "year": re.compile(r"^\d{4}$"),
}
FIELDS = ("next_step", "reason", "when")
_WEEKDAYS = {
    0: ("måndag", "mandag", "monday", "mån ", "mon "),
    1: ("tisdag", "tuesday", "tis ", "tue "),
    2: ("onsdag", "wednesday", "ons ", "wed "),
    3: ("torsdag", "thursday", "tors ", "thu "),
    4: ("fredag", "friday", "fre ", "fri "),
}
_PAST_WEEKDAY = re.compile(r"\bi (mån|tis|ons|tors|fre|lör|sön)dags\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    """A located span: character offsets into the note text."""

    start: int
    end: int
    text: str


def read_jsonl(path: str | Path) -> list[dict]:
    """Read a JSONL file into a list of dicts, naming the line of any malformed record."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON: {exc}") from exc
    return records


def write_jsonl(path: str | Path, records: Iterable[dict]) -> None:
    """Write records as UTF-8 JSON lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def data_hash(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the bytes of the given files, in order: identifies a training set."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def locate(text: str, field: dict | None) -> Span | None:
    """Offsets of an annotated field's span (its ``occurrence``-th match, default the first)."""
    if not field or field.get("text") is None:
        return None
    needle = field["text"]
    occurrence = int(field.get("occurrence", 1))
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return None
    return Span(start, start + len(needle), needle)


def iso_week_monday(value: str) -> date:
    """Monday of an ISO week written as ``YYYY-Www``."""
    year, week = value.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def period_end(granularity: str, value: str) -> date:
    """Last day of the period a when value names (to check it is not in the past)."""
    if granularity in ("date", "datetime"):
        return date.fromisoformat(value[:10])
    if granularity == "week":
        return iso_week_monday(value) + timedelta(days=6)
    if granularity == "month":
        y, m = map(int, value.split("-"))
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if granularity == "quarter":
        y, q = value.split("-Q")
        m = int(q) * 3
        nxt = date(int(y) + (m == 12), m % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if granularity == "year":
        return date(int(value), 12, 31)
    raise ValueError(f"no period for granularity {granularity!r}")


def validate_record(record: dict) -> list[str]:
    """Every problem with one annotated record, as messages; empty when it is sound.

    Checks the format, that spans are substrings, that the fields are consistent with
    each other and with the rating, and that the when value obeys the SPEC's date rules
    that can be checked without a parser (format per granularity, never before the note
    date, clock time present exactly for datetime, a named weekday matches the value).
    """
    errors: list[str] = []
    rid = record.get("id", "?")

    def err(msg: str) -> None:
        errors.append(f"{rid}: {msg}")

    for key in ("id", "lang", "note_date", "text"):
        if not isinstance(record.get(key), str) or not record.get(key):
            err(f"missing or empty {key!r}")
    if errors:
        return errors
    text = record["text"]
    if record["lang"] not in ("sv", "en"):
        err(f"lang must be sv or en, not {record['lang']!r}")
    try:
        note_date = date.fromisoformat(record["note_date"])
    except ValueError:
        err(f"note_date {record['note_date']!r} is not an ISO date")
        return errors
    for f in FIELDS:
        if f not in record:
            err(f"field {f!r} absent (use null)")
            continue
        value = record[f]
        if value is None:
            continue
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            err(f"{f} must be null or an object with a text")
            continue
        if locate(text, value) is None:
            err(f"{f}.text {value['text']!r} is not a substring (occurrence {value.get('occurrence', 1)})")
        if value["text"] != value["text"].strip() or not value["text"]:
            err(f"{f}.text has leading/trailing space or is empty")
    ns, rs, wh = record.get("next_step"), record.get("reason"), record.get("when")
    if ns is None and (rs is not None or wh is not None):
        err("reason/when given without a next_step")
    if ns:
        if ns.get("action") not in ACTIONS:
            err(f"next_step.action {ns.get('action')!r} not in {ACTIONS}")
        if ns.get("owner") not in OWNERS:
            err(f"next_step.owner {ns.get('owner')!r} not in {OWNERS}")
    if rs and not isinstance(rs.get("clear"), bool):
        err("reason.clear must be true or false")
    if wh:
        gran, value = wh.get("granularity"), wh.get("value")
        if gran == "fuzzy":
            if value is not None:
                err("fuzzy when must have value null")
        elif gran not in GRANULARITY_FORMATS:
            err(f"when.granularity {gran!r} unknown")
        elif not isinstance(value, str) or not GRANULARITY_FORMATS[gran].match(value):
            err(f"when.value {value!r} does not fit granularity {gran}")
        else:
            try:
                end = period_end(gran, value)
                if gran == "datetime":
                    date.fromisoformat(value[:10])
                    hh, mm = int(value[11:13]), int(value[14:16])
                    if hh > 23 or mm > 59:
                        err(f"when.value {value!r} has an impossible clock time")
                if end < note_date:
                    err(f"when.value {value} lies before note_date {note_date}")
            except ValueError as exc:
                err(f"when.value {value!r} is not a valid {gran}: {exc}")
            wtext = wh.get("text", "").lower() + " "
            if gran in ("date", "datetime") and not errors:
                wd = date.fromisoformat(value[:10]).weekday()
                names_own_day = any(n in wtext for n in _WEEKDAYS.get(wd, ()))
                for other, names in _WEEKDAYS.items():
                    if other != wd and not names_own_day and any(n in wtext for n in names):
                        err(f"when.text {wh['text']!r} names another weekday than {value}")
            if _PAST_WEEKDAY.search(wtext):
                err(f"when.text {wh['text']!r} is a past date")
    rating = record.get("rating")
    if rating is not None:
        if rating not in (1, 2, 3, 4, 5):
            err(f"rating {rating!r} not in 1..5")
        else:
            errors.extend(f"{rid}: {m}" for m in _rating_problems(record, rating))
    return errors


def _rating_problems(record: dict, rating: int) -> list[str]:
    """Where a rating contradicts the SPEC's rating rule for the annotated fields."""
    ns, rs, wh = record.get("next_step"), record.get("reason"), record.get("when")
    if not ns:
        return [] if rating == 1 else [f"rating {rating} but no next step (must be 1)"]
    specific = ns.get("action") != "contact"
    reason_clear = bool(rs and rs.get("clear"))
    gran = wh.get("granularity") if wh else None
    when_clear = gran in ("date", "datetime")
    if specific and reason_clear and gran == "datetime":
        expected = {5}
    elif specific and reason_clear and when_clear:
        expected = {4}
    elif reason_clear or when_clear:
        expected = {3}
    else:
        expected = {2}
    expected.add(1)  # a customer's brush-off may be rated 1 whatever its form
    if rating not in expected:
        return [f"rating {rating} disagrees with the fields (expected {sorted(expected)})"]
    return []


def validate(records: Iterable[dict]) -> list[str]:
    """Problems across records: each record's own, plus duplicate ids."""
    errors: list[str] = []
    seen: set[str] = set()
    for record in records:
        errors.extend(validate_record(record))
        rid = record.get("id")
        if rid in seen:
            errors.append(f"{rid}: duplicate id")
        seen.add(rid)
    return errors


def normalized_record(record: dict) -> dict:
    """The record as the model reads it: the text normalized (``model.normalize``) and each
    span moved onto the normalized text. Training uses this so that it learns on the same
    text that scoring sees; a record whose text needs no change is returned as it is."""
    norm = normalize(record["text"])
    if not norm.changed:
        return record
    out = dict(record, text=norm.text)
    for field in FIELDS:
        span = locate(record["text"], record.get(field))
        if span is None:
            continue
        lo, hi = norm.from_original(span.start, span.end)
        piece = norm.text[lo:hi]
        lo += len(piece) - len(piece.lstrip())
        hi -= len(piece) - len(piece.rstrip())
        piece = norm.text[lo:hi]
        moved = {k: v for k, v in record[field].items() if k != "occurrence"}
        moved["text"] = piece
        occurrence, pos = 0, -1  # as locate() counts: one character at a time
        while True:
            pos = norm.text.find(piece, pos + 1)
            if pos < 0 or pos > lo:
                break
            occurrence += 1
        if occurrence > 1:
            moved["occurrence"] = occurrence
        out[field] = moved
    return out
