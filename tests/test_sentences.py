"""Sentence bounds: a full stop after an abbreviation or an initial ends no sentence."""

from __future__ import annotations

from datetime import date

import pytest
from support import span_of

from model.features import SentenceIndex, sentence_bounds
from model.steps import step_features
from model.when import find_times


@pytest.mark.parametrize(
    ("text", "span", "sentence"),
    [
        ("Lunch m. Jonas Eklund fre", "Lunch", "Lunch m. Jonas Eklund fre"),
        ("Ring ang. avtalet. Hon vill ha pris", "Ring", "Ring ang. avtalet"),
        ("Ring ang. avtalet. Hon vill ha pris", "Hon", " Hon vill ha pris"),
        ("Dr. Patel said no. Call Mon.", "Patel", "Dr. Patel said no"),
        ("Vi ses kl. 14 bl.a. om priset. OK", "priset", "Vi ses kl. 14 bl.a. om priset"),
        ("J. Smith wants a quote. Send it", "wants", "J. Smith wants a quote"),
        ("Spoke to Mrs. Khan re. the renewal", "renewal", "Spoke to Mrs. Khan re. the renewal"),
        # not abbreviations: a word ending in one, a name, the end of a line
        ("Ringde Tim. Hon svarade inte", "Tim", "Ringde Tim"),
        ("Besök hos Adam. Ring tis", "Ring", " Ring tis"),
        ("Ring ang.\nOfferten", "Offerten", "Offerten"),
        ("Left VM. Try again Thu!", "Try", " Try again Thu"),
    ],
)
def test_sentence_of_span(text: str, span: str, sentence: str) -> None:
    start, end = span_of(text, span)
    left, right = sentence_bounds(text, start, end)
    assert text[left:right] == sentence
    assert SentenceIndex(text).bounds(start, end) == (left, right)


def test_time_after_an_abbreviation_is_in_the_steps_sentence() -> None:
    # "m." (med) ended the sentence, so "fre" was no time of the phrase's own sentence and the
    # step acceptor read the activity subject as undated
    note_date = date(2026, 3, 2)
    text = "Lunch m. Jonas Eklund fre"
    [feats] = step_features(text, [span_of(text, "Lunch")], find_times(text, note_date), note_date)
    assert "sent_future<=7" in feats
