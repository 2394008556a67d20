"""Where the step choice finds its candidates beside the span model's: the rule's step phrases
(:func:`model.steps.propose`) in sentences the span model left alone, the step a note states
whatever the models believe (a next-activity label, the next steering group of a customer
project's minutes, a customer's request), the planned activity of a record-shaped note, and the
candidates of a logged e-mail's newest message. :meth:`model.pipeline.Klarsteg.choose_step` reads
them top to bottom."""

from __future__ import annotations

from collections.abc import Sequence

from model.activity import activity_step, retry_step
from model.journal import in_past_entry
from model.note import Note
from model.records import never_a_step
from model.steps import labelled_step, next_steering, request_phrases
from model.steps import propose as propose_steps
from model.zones import headings, in_zones, quoted_zones


def other_phrases(note: Note, steps: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The rule's step phrases (:func:`model.steps.propose`, without requests) that can be a
    step (:func:`~model.records.never_a_step`), in sentences where the span model found none."""
    taken = {note.bounds(s, e) for s, e in steps}  # the span model has read those
    if taken and not note.sentences.ends:
        return []  # a note of one sentence, which the span model has read
    text = note.text
    return [
        (a, b)
        for a, b in propose_steps(text, note.rule_folded(), note.mentions)
        if all(b <= s or a >= e for s, e in steps)
        and note.bounds(a, b) not in taken
        and not never_a_step(text, (a, b))  # (the costlier test last)
    ]


def stated_step(note: Note) -> tuple[int, int] | None:
    """A step the note states whatever the models believe: what a next-activity label names
    ("Nästa aktivitet: Telefon 2026-08-11"), else the next steering group of a customer project's
    minutes (:func:`~model.steps.next_steering`), else a customer's request for a price or a quote
    (SPEC; "§ 2 Vill ha pris på ..."), for a note the step choice left without one or whose
    step the confidence floor drops."""
    return (
        labelled_step(note.text, note.mentions)
        or next_steering(note.rule_folded(), note.mentions)
        or next(
            (
                s
                for s in request_phrases(note.text, note.rule_folded(), note.mentions)
                if not never_a_step(note.text, s)
                and not in_past_entry(note.text, s, note.mentions, note.note_date)
            ),
            None,
        )
    )


def is_activity(note: Note, start: int, end: int) -> bool:
    """Whether the step at ``start:end`` is the planned activity of a record-shaped note or the
    retry of an unanswered call (the rule's, or the span model's step of a task record:
    "Uppgift: Påminn Olle ... / Förfallodatum: ...")."""
    if note.step_is_activity:
        return True
    folded = note.rule_folded()
    return overlaps(
        activity_step(note.text, note.mentions, folded) or retry_step(note.text, folded), start, end
    )


def newest_message(text: str, steps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The candidates outside the earlier messages a logged e-mail quotes, when the reply has
    one outside its subject and lead-in lines ("I've put a call on the calendar for Wed 1/21"
    over the quoted "Could we do a call sometime next week?"); all of them otherwise."""
    zones = quoted_zones(text)
    if not zones:
        return steps
    zones += headings(text)
    fresh = [s for s in steps if not in_zones(s, zones)]
    return fresh or steps


def overlaps(span: tuple[int, int] | None, start: int, end: int) -> bool:
    return span is not None and span[0] < end and start < span[1]


def zoned(phrases: list[tuple[int, int]], zone: int) -> list[tuple[int, int]]:
    """The first eight phrases in the note's action zone (from ``zone`` on), or of the whole
    note when none is in it."""
    return ([p for p in phrases if p[0] >= zone] or phrases)[:8]


def step_phrases(note: Note) -> list[tuple[int, int]]:
    """The rule's step phrases (:func:`model.steps.propose`, requests for a price or a quote
    included) that can be a step (not records of what was had or held)."""
    return [
        s
        for s in propose_steps(note.text, note.rule_folded(), note.mentions, requests=True)
        if not never_a_step(note.text, s)
    ]
