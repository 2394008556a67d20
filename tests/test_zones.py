"""The action zone (model.zones) and the fallbacks that read it first, with pinned note dates."""

from __future__ import annotations

import pytest

from model.pipeline import Klarsteg
from model.zones import action_zone


@pytest.mark.parametrize(
    ("text", "zone_opens"),
    [
        ("Decisions: load-in Thu\nAction items:\n1. Lee - call Maria", "Action items:"),
        ("1. Stage\n2. Actions: Beth to quote", "2. Actions:"),
        ("Notes\nNext steps:\n- contract review", "Next steps:"),
        ("Protokoll\nÅtgärder:\n- Ida skickar avtal", "Åtgärder:"),
        ("Mote\nAtgarder: Ida ringer", "Atgarder:"),
        ("Möte\nNästa steg: demo", "Nästa steg:"),
        ("Weekly\nTo do: call Per", "To do:"),
        ("Weekly\nTo-do: call Per", "To-do:"),
        ("Att göra:\n- ring Per", "Att göra:"),  # a header opening the note: the whole note
        ("We discussed the action items at length", None),  # not a header: no colon, not a line start
        ("Ring Per om next steps: avtalet", None),  # mid-line
        ("", None),
    ],
)
def test_where_the_action_zone_starts(text: str, zone_opens: str | None) -> None:
    assert action_zone(text) == (text.index(zone_opens) if zone_opens else 0)


# Minutes the span model is silent on: the token tagger is surer of the decision ("load-in",
# 0.59) than of the action item (0.58) when it reads the whole note.
_MINUTES = (
    "Kick-off meeting: Harbour Lights 2026 (client: Quayside Events)\n"
    "Attendees: Tom, Ines (Quayside), Femi (crew chief)\n"
    "1. Stage: 12x10m, roof\n"
    "2. PA: line array\n"
    "3. Power: 2 x 60kVA gennies\n"
    "Decisions: load-in Fri 14/8 from 07:00\n"
    "Action items:\n"
    "1. Tom - production meeting w/ Ines Tue 11/8 at 10:00 to sign off the site plan\n"
    "2. Femi - crew list"
)


def test_minutes_step_is_taken_from_the_action_items() -> None:
    result = Klarsteg.load().score(_MINUTES, note_date="2026-08-03", language="en")
    assert result.next_step is not None
    assert result.next_step.text == "production meeting w/ Ines"
    assert result.when is not None and result.when.value == "2026-08-11T10:00"


def test_an_empty_action_zone_leaves_the_whole_note_to_the_fallback() -> None:
    text = (
        "Minutes: Quarterly review - Northgate Storage & Brindle Foods\n"
        "1. Outage on 3 Jun reviewed\n"
        "2. Northgate to present the cold-room options at a workshop on 24 Jun, 09:00-11:00\n"
        "Action items: see above"
    )
    result = Klarsteg.load().score(text, note_date="2026-06-10", language="en")
    assert result.next_step is not None
    assert "workshop" in text[result.next_step.start : result.next_step.end + 20]
    assert result.when is not None and result.when.value == "2026-06-24T09:00"
