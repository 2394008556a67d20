"""The action zone (model.zones) and the fallbacks that read it first, with pinned note dates."""

from __future__ import annotations

import pytest

from model.pipeline import Klarsteg
from model.records import never_a_step
from model.zones import action_zone, quoted_zones, signature_zones


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


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Sounds good\n\n> From: Ann\n> Could we do a call?", ["> From: Ann", "> Could we do a call?"]),
        (
            "Hi\nDerek\n\n-----Original Message-----\nFrom: D\n\nRosa, here",
            ["-----Original Message-----\nFrom: D\n\nRosa, here"],
        ),
        ("Ok!\n\nOn Mon 3 May, Ann Lee wrote:\nCall me", ["On Mon 3 May, Ann Lee wrote:\nCall me"]),
        ("Hej!\n\nDen 10 nov skrev Annika:\nHej Birger", ["Den 10 nov skrev Annika:\nHej Birger"]),
        ("Tack\n\nFrån: Per\nSkickat: 3 maj\nÄmne: Offert", ["Från: Per\nSkickat: 3 maj\nÄmne: Offert"]),
        # a header that opens the note heads the message logged, not an earlier one
        ("From: Ann\nSent: Monday\nSubject: Demo\n\nCan we meet Tue?", []),
        ("Call Per > 10 units", []),  # a ">" inside a line quotes nothing
        ("", []),
    ],
)
def test_quoted_zones(text: str, quoted: list[str]) -> None:
    assert [text[a:b] for a, b in quoted_zones(text)] == quoted


# (text, note_date, the step taken): the reply on top states the step, over the quoted message
_THREADS = [
    (
        "Subject: Re: Financing options\n\nSounds good Dr. Mbeki, I've put a call on the calendar for "
        "Wed 1/21 at 3pm ET.\n\nDerek\n\n> From: Dr. Thandi Mbeki\n> Sent: Monday, January 12, 2026\n"
        "> Could we do a call sometime next week to walk through the financing options?",
        "2026-01-12",
        "put a call on the calendar",
    ),
    (
        "Ämne: Sv: AV till årsmötet\n\nHej!\nVi kör inte hybrid, så vi behöver bara projektor och en "
        "mygga. Kan du skicka en ny offert?\n\n/Birger\n\n> Den 10 nov skrev Annika:\n> Hej Birger, "
        "bifogar offert på AV för årsmötet 29/11. Jag ringer dig på torsdag så går vi igenom den.",
        "2025-11-18",
        "skicka en ny offert",
    ),
    # the reply states no step: the quoted message's step stands (the subject's noun is no step)
    (
        "Subject: Re: Quote request - parking\n\n> Could you send over a quote for the east lot?\n\n"
        "Hi Daniel, yes - you'll have it by end of next week.\n\nCheers,\nMarcus",
        "2026-05-04",
        "send over a quote for the east lot",
    ),
]


@pytest.mark.parametrize(("text", "note_date", "step"), _THREADS)
def test_the_newest_message_states_the_step(text: str, note_date: str, step: str) -> None:
    result = Klarsteg.load().score(text, note_date=note_date)
    assert result.next_step is not None
    assert result.next_step.text == step


@pytest.mark.parametrize(
    ("text", "signatures"),
    [
        (
            "Happy to pop round Tue.\n\nKind regards,\nTom Reddish\nSurvey & Sales | Brightfield",
            ["Kind regards,\nTom Reddish\nSurvey & Sales | Brightfield"],
        ),
        ("Ses!\nMvh\nAnna Berg\n070-123 45 67\n\n> Från: Per", ["Mvh\nAnna Berg\n070-123 45 67"]),
        (
            "Jag hör av mig.\n\nHa det gott!\nSofia Berglund\nHR-ansvarig, Ekbacka Bageri AB",
            ["Ha det gott!\nSofia Berglund\nHR-ansvarig, Ekbacka Bageri AB"],
        ),
        ("See you Tue.\nBR\nHamish", ["BR\nHamish"]),
        ("Det blir bra!\nAnna", []),  # no sign-off alone on its line
        # a line of prose under a sign-off is the message, not a signature
        ("Thanks,\nI will send the quote tomorrow\nAnna", []),
        ("Best\n\nCall Per on Friday", []),  # nothing under the sign-off before the blank line
        ("Regards to the team, call Per Friday", []),  # not a sign-off alone on its line
        ("", []),
    ],
)
def test_signature_zones(text: str, signatures: list[str]) -> None:
    assert [text[a:b] for a, b in signature_zones(text)] == signatures


def test_a_signature_line_is_never_a_step() -> None:
    text = "Hi Priya,\n\nI'll pencil Tuesday.\n\nKind regards,\nTom\nSurvey & Sales | Brightfield"
    survey = text.index("Survey")
    assert never_a_step(text, (survey, survey + len("Survey")))
    pencil = text.index("pencil")
    assert not never_a_step(text, (pencil, pencil + len("pencil")))
