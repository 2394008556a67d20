"""Checking a correction: the training data's rules, the date layer, and spans kept apart.

A correction is a note annotated in the training-data format of the SPEC (``lang``,
``note_date``, ``text``, ``next_step``, ``reason``, ``when``, optionally ``rating``). It must
pass what every training note passes (:func:`model.data.validate_record`: spans are
substrings, labels are known, a ``when`` value fits its granularity, is a real date, is not
before the note date and agrees with a weekday it names), and three checks more:

- the three spans do not overlap (the training data never has them overlap, and the span
  model cannot learn overlapping entities);
- a ``when`` the date layer (:func:`model.when.find_times`) reads as a past time is refused:
  a past date is never the when of a next step;
- a ``when`` whose granularity or value differs from the date layer's reading of the same
  phrase is refused **unless** the correction says ``"date_check": "override"``. Most such
  differences are slips (a wrong day picked, a time forgotten); the rest are the date layer's
  own mistakes, which a person may overrule knowingly. An overruled date is still held to
  every rule above, and is stored with ``date_check = "override"`` so that it can be found
  and reviewed. A ``when`` the date layer does not read at all (*efter bokslutet*, a typo
  like *i Apirl*) is accepted as given (``date_check = "unread"``).

A ``when`` sent without ``granularity`` (only its ``text``) is resolved by the date layer,
so an API client or the page need not compute ISO weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from model.data import FIELDS, locate, validate_record
from model.lang import detect_language
from model.normalize import normalize
from model.schema import NextStep, Reason, When
from model.scoring import Assessment, assess
from model.when import TimeMention, find_times

STRICT = "strict"
OVERRIDE = "override"
DATE_CHECKS = (STRICT, OVERRIDE)
RECORD_KEYS = ("lang", "note_date", "text", "next_step", "reason", "when", "rating")
SPAN_KEYS: dict[str, tuple[str, ...]] = {
    "next_step": ("text", "occurrence", "action", "owner"),
    "reason": ("text", "occurrence", "clear"),
    "when": ("text", "occurrence", "granularity", "value"),
}
_RID = "correction"
_FIELD_IN_MESSAGE = re.compile(r"\b(next_step|reason|when)(\.[a-z_]+)?\b|\b(rating|lang|note_date|text)\b")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a correction: the field at fault (dotted) and a message."""

    field: str | None
    message: str


@dataclass
class Checked:
    """A correction after checking: the record (training format), its problems, and what the
    date layer said about its when."""

    record: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    # "none" (no when), "agrees", "unread" (the date layer reads no time there),
    # "override" (differs from the date layer, kept on purpose)
    date_check: str = "none"
    date_layer: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def detail(self) -> str:
        return "; ".join(p.message for p in self.problems)


def note_key(text: str) -> str:
    """A note's text as compared across files: lower case, white space collapsed."""
    return " ".join(text.lower().split())


def detect_lang(text: str) -> str:
    """The note's language as the model detects it (``sv`` or ``en``)."""
    return detect_language(normalize(text).text)


def _field_of(message: str) -> str | None:
    m = _FIELD_IN_MESSAGE.search(message)
    if m is None:
        return None
    return m.group(1) + (m.group(2) or "") if m.group(1) else m.group(3)


def _problem(message: str) -> Problem:
    return Problem(_field_of(message), message)


def _when_hits(text: str, note_date: date, when: dict) -> tuple[list[TimeMention], Any]:
    """The date layer's mentions overlapping the when span, most overlap first (offsets into
    the normalized text), and the normalization (to map them back)."""
    span = locate(text, when)
    norm = normalize(text)
    if span is None:
        return [], norm
    lo, hi = norm.from_original(span.start, span.end)
    mentions = find_times(norm.text, note_date)
    hits = [m for m in mentions if m.start < hi and lo < m.end]
    hits.sort(key=lambda m: (-(min(hi, m.end) - max(lo, m.start)), m.start))
    return hits, norm


def _reading(m: TimeMention, norm: Any) -> dict[str, Any]:
    start, end = norm.to_original(m.start, m.end)
    text = norm.original[start:end] if not norm.html else m.text
    return {"text": text, "granularity": m.granularity, "value": m.value, "past": m.past}


def _clean(record: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The record's training-format keys only, span objects with their own keys only, and
    problems with values that would break the validator (a non-integer occurrence)."""
    out: dict[str, Any] = {k: record[k] for k in RECORD_KEYS if k in record}
    problems: list[Problem] = []
    for name in FIELDS:
        value = out.get(name)
        if isinstance(value, dict):
            value = {k: value[k] for k in SPAN_KEYS[name] if k in value}
            occ = value.get("occurrence")
            if occ is not None and (isinstance(occ, bool) or not isinstance(occ, int) or occ < 1):
                problems.append(
                    Problem(f"{name}.occurrence", f"{name}.occurrence must be a whole number from 1")
                )
            out[name] = value
    return out, problems


def check_record(
    record: dict[str, Any],
    *,
    date_check: str = STRICT,
    resolve_when: bool = False,
    max_chars: int | None = None,
) -> Checked:
    """Check one correction in the training-data format; never raises for bad content.

    ``resolve_when``: fill a when's granularity and value from the date layer when the
    record gives only its text. ``date_check``: ``override`` keeps a when that the date
    layer reads differently (see the module's docstring).
    """
    rec, problems = _clean(record)
    checked = Checked(record=rec, problems=problems)
    if date_check not in DATE_CHECKS:
        problems.append(Problem("date_check", f"date_check must be strict or override, not {date_check!r}"))
    text = rec.get("text")
    if isinstance(text, str) and max_chars is not None and len(text) > max_chars:
        problems.append(Problem("text", f"text is {len(text)} characters long; the limit is {max_chars}"))
    if problems:
        return checked
    note_date: date | None = None
    try:
        note_date = date.fromisoformat(rec["note_date"]) if isinstance(rec.get("note_date"), str) else None
    except ValueError:
        note_date = None
    when = rec.get("when")
    if (
        resolve_when
        and isinstance(when, dict)
        and when.get("granularity") is None
        and isinstance(text, str)
        and note_date is not None
        and isinstance(when.get("text"), str)
        and locate(text, when) is not None
    ):
        hits, norm = _when_hits(text, note_date, when)
        if hits:
            when["granularity"], when["value"] = hits[0].granularity, hits[0].value
        else:
            problems.append(
                Problem(
                    "when.granularity",
                    f"the date layer finds no date in when.text {when['text']!r}: "
                    "give when.granularity and when.value",
                )
            )
            return checked
    problems.extend(_problem(m.removeprefix(f"{_RID}: ")) for m in validate_record({"id": _RID, **rec}))
    if problems:
        return checked
    assert isinstance(text, str) and note_date is not None
    problems.extend(_overlaps(text, rec))
    if isinstance(when, dict) and not problems:
        _check_when_against_date_layer(checked, text, note_date, when, date_check)
    return checked


def _overlaps(text: str, rec: dict[str, Any]) -> list[Problem]:
    spans = {f: locate(text, rec.get(f)) for f in FIELDS}
    out = []
    for i, a in enumerate(FIELDS):
        for b in FIELDS[i + 1 :]:
            sa, sb = spans[a], spans[b]
            if sa and sb and sa.start < sb.end and sb.start < sa.end:
                out.append(
                    Problem(
                        b,
                        f"{a} {sa.text!r} and {b} {sb.text!r} overlap: mark each phrase on its own "
                        f"(the {a} without the {b})",
                    )
                )
    return out


def _check_when_against_date_layer(
    checked: Checked, text: str, note_date: date, when: dict[str, Any], date_check: str
) -> None:
    hits, norm = _when_hits(text, note_date, when)
    if not hits:
        checked.date_check = "unread"
        return
    checked.date_layer = _reading(hits[0], norm)
    given = (when.get("granularity"), when.get("value"))
    past = next((m for m in hits if m.past), None)
    if past is not None:
        checked.problems.append(
            Problem(
                "when.text",
                f"when.text {when['text']!r} is a past time: the date layer reads {past.text!r} as "
                f"{past.granularity} {past.value} before note_date {note_date}, and a past date is "
                "never the when of a next step",
            )
        )
        return
    if any((m.granularity, m.value) == given for m in hits):
        checked.date_check = "agrees"
        return
    if date_check == OVERRIDE:
        checked.date_check = "override"
        return
    m = hits[0]
    checked.problems.append(
        Problem(
            "when.value",
            f"when {given[0]} {given[1] if given[1] is not None else 'null'} disagrees with the date "
            f"layer, which reads {m.text!r} as {m.granularity} {m.value if m.value is not None else 'null'} "
            f'for note_date {note_date}: fix the when, or send "date_check": "override" to keep it',
        )
    )


def assessment(record: dict[str, Any]) -> Assessment:
    """The score, parts, verdict, missing, vague and questions the corrected fields give, by
    the SPEC's table (:func:`model.scoring.assess`): what the page shows while correcting.
    A when without a granularity yet counts as absent."""
    text = record.get("text") or ""

    def where(name: str) -> tuple[int, int, str]:
        value = record.get(name)
        span = locate(text, value) if isinstance(value, dict) and isinstance(value.get("text"), str) else None
        if span is not None:
            return span.start, span.end, span.text
        return 0, 0, str(value.get("text", "")) if isinstance(value, dict) else ""

    ns = rs = wh = None
    step, reason, when = record.get("next_step"), record.get("reason"), record.get("when")
    if isinstance(step, dict):
        a, b, t = where("next_step")
        ns = NextStep(text=t, start=a, end=b, action=step["action"], owner=step["owner"], confidence=1)
    if isinstance(reason, dict):
        a, b, t = where("reason")
        rs = Reason(text=t, start=a, end=b, clear=bool(reason["clear"]), confidence=1)
    if isinstance(when, dict) and when.get("granularity"):
        a, b, t = where("when")
        gran = when["granularity"]
        wh = When(
            text=t,
            start=a,
            end=b,
            granularity=gran,
            value=when.get("value"),
            has_time=gran == "datetime",
            clear=gran in ("date", "datetime"),
            confidence=1,
        )
    return assess(ns, rs, wh, record.get("lang") or "en")
