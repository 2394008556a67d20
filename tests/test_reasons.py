"""The telegraphic-purpose proposals (model.reasons) and whole-word spans, with pinned note dates."""

from __future__ import annotations

from datetime import date

import pytest
from support import span_of

from model.features import SentenceIndex
from model.reasons import in_status_field, is_who, nearest_reason, other_item, propose
from model.text import fold_same_length
from model.when import find_times


def _proposed(text: str, step: str, note_date: date) -> list[tuple[str, str]]:
    start = text.index(step)
    cands = propose(text, fold_same_length(text), (start, start + len(step)), find_times(text, note_date))
    return [(text[s:e], conn) for (s, e), conn in cands]


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        # a date right after the connector: the purpose is the phrase after it
        (
            "Result: Demo booked - 9/3 13:00 walk-through of the pallet scanner",
            "Demo booked",
            [("walk-through of the pallet scanner", "-")],
        ),
        (
            "Möte bokat – tis 14/4 kl 9 genomgång av hyresavtalet",
            "Möte bokat",
            [("genomgång av hyresavtalet", "–")],
        ),
        # the topic after a contact verb's "on"; "on" after another verb proposes nothing
        ("Follow up on the signed order form, Friday", "Follow up", [("the signed order form", "on")]),
        ("Gemma will revert on the delivery slots", "revert", [("the delivery slots", "on")]),
        ("Call on the new site manager", "Call", []),
        # a date at the end of the phrase still ends it
        ("Ring Lisa om takbytet fre kl 10", "Ring Lisa", [("takbytet", "om")]),
        # only the date after the connector: nothing to propose
        ("Call back - Fri 3pm", "Call back", []),
        # a phrase inside a time expression is never a purpose ("innan" opens "innan årsskiftet")
        ("Kunden vill ha prisförslag innan årsskiftet", "vill ha prisförslag", []),
        # "sa att" is "said that" (not "så att", so that) after a name, or where the writer types å
        ("Hör av dig efter nyår, Lena sa att de ser över avtalen", "Hör av dig", []),
        ("Ring tillbaka, han sa att budgeten är klar", "Ring tillbaka", []),
        ("Skickar offerten i dag så att de hinner läsa", "Skickar offerten", [("de hinner läsa", "sa att")]),
        (
            "skicka ritningar sa att montorerna kan planera",
            "skicka ritningar",
            [("montorerna kan planera", "sa att")],
        ),
        # a label's colon on the step's line ("agenda:", "syfte:", "goal:"); "re:" stays itself
        (
            "Möte bokat 12/3 09:00 hos kund, agenda: avtalsvillkor + leveransplan",
            "Möte bokat",
            [("avtalsvillkor + leveransplan", "label:")],
        ),
        (
            "Demo booked Thu 2pm, goal: sign-off on the pilot scope",
            "Demo booked",
            [("sign-off on the pilot scope", "label:")],
        ),
        ("Call Per re: the renewal", "Call Per", [("the renewal", "re:")]),
        # a time said again after a time connector ("innan dess", "before then") is no purpose;
        # after any other connector "det" opens one
        ("Ring mig i januari, innan dess händer inget", "Ring mig", []),
        ("Call me in May, nothing moves before then", "Call me", []),
        ("Ring Lisa om det nya avtalet", "Ring Lisa", [("det nya avtalet", "om")]),
        # a phrase of function words only is no purpose ("of the", "about it")
        ("Call Per about it", "Call Per", []),
        ("Ring Per om det", "Ring Per", []),
    ],
)
def test_purpose_after_a_connector(text: str, step: str, expected: list[tuple[str, str]]) -> None:
    assert _proposed(text, step, date(2026, 3, 4)) == expected


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        # what the customer does before getting back: the clause before "and"/"och", without
        # its subject and modal verb
        (
            "She'll confirm numbers with the council and call me back by 2/10.",
            "call me back",
            [("confirm numbers with the council", "and-before")],
        ),
        ("Will measure again and let us know.", "let us know", [("measure again", "and-before")]),
        ("Åsa kollar med sin chef och hör av sig", "hör av sig", [("kollar med sin chef", "and-before")]),
        (
            "Demo went well. Next step per Lisa: she confirms the go-live date internally and emails us",
            "emails us",
            [("confirms the go-live date internally", "and-before")],
        ),
        # one word left after the subject: nothing
        ("Per calls and books", "books", []),
        # ... or "then"/"sen", a subject perhaps after it
        ("They will test it, then call us", "call us", [("test it", "and-before")]),
        (
            "She must discuss the fertilizer contract with her husband first, then she call me in march",
            "call me",
            [("discuss the fertilizer contract with her husband first", "and-before")],
        ),
        (
            "Han pratar med styrelsen och sen återkommer han",
            "återkommer",
            [("pratar med styrelsen", "and-before")],
        ),
        # no "and" or "then" right before the step: nothing
        ("They will test it; call us", "call us", []),
    ],
)
def test_what_is_done_before_getting_back(text: str, step: str, expected: list[tuple[str, str]]) -> None:
    assert [c for c in _proposed(text, step, date(2026, 3, 4)) if c[1] == "and-before"] == expected


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        # who the step is done with is never its reason: a name, a pronoun or a word for people
        ("Schedule a demo with the IT team", "Schedule a demo", []),
        (
            "Call w/ their CFO to walk through the 3-year option",
            "Call",
            [("walk through the 3-year option", "to")],
        ),
        (
            "Touch base with Karen re: the final contract wording",
            "Touch base",
            [("the final contract wording", "re:")],
        ),
        ("Meeting with her team to plan the rollout", "Meeting", [("plan the rollout", "to")]),
        ("Ringer med Eva om avtalet", "Ringer", [("avtalet", "om")]),
        # what the customer comes back with often is
        (
            "She'll get back to us with a decision on the lease",
            "get back to us",
            [("a decision on the lease", "with")],
        ),
        (
            "Återkommer med besked om förlängningen",
            "Återkommer",
            [("besked om förlängningen", "med"), ("förlängningen", "om")],
        ),
    ],
)
def test_who_is_not_why(text: str, step: str, expected: list[tuple[str, str]]) -> None:
    assert _proposed(text, step, date(2026, 3, 4)) == expected


@pytest.mark.parametrize(
    ("text", "candidate", "who"),
    [
        ("Schedule a demo with the IT team", "the IT team", True),
        ("Schedule a demo with the IT team", "with the IT team", True),
        ("Boka möte med Eva", "Eva", True),
        ("Call w/ their CFO", "their CFO", True),
        ("Ring med oss", "oss", True),
        # more than who: the purpose after it
        (
            "Deep dive with their platform team to review isolation",
            "their platform team to review isolation",
            False,
        ),
        # what is brought along, or a product, is not a person
        ("Provkörning med Flipper 600", "Flipper 600", False),
        ("She'll get back to us with a decision", "a decision", False),
        # who it is for, after to/till/for/för, a determiner between or not
        ("Beth - quote to Colin by 6/3", "Colin", True),
        ("Skicka offerten till styrelsen", "styrelsen", True),
        ("Demo for the sales team", "the sales team", True),
        ("Demo for the sales team", "sales team", True),
        ("Boka in utbildning för personalen", "personalen", True),
        ("Skicka avtal för påskrift", "påskrift", False),
        ("Call Per for feedback on the trial", "feedback on the trial", False),
        # what is done is not who ("to discuss"), nor a phrase after another word
        ("Call Per to discuss the terms", "discuss the terms", False),
        ("Send the quote about the IT team", "the IT team", False),
        # a name alone is who, after a dash too; an acronym, a product or a topic is not
        ("Möte Sara/Omar – Nordkust IT", "Nordkust IT", True),
        ("Uppföljning - Dalby Sjukhem", "Dalby Sjukhem", True),
        ("Call Per re GDPR", "GDPR", False),
        ("Demo - Flipper 600", "Flipper 600", False),
        ("Call Per re Q3 pricing", "Q3 pricing", False),
        ("Möte – Nya Timpriser För 2027", "Nya Timpriser För 2027", False),
        # a Swedish compound that names a role is who
        ("Boka möte med inköpschefen", "inköpschefen", True),
        ("Ring med IT-ansvarige på Berg", "IT-ansvarige på Berg", True),
        ("Demo för projektledaren", "projektledaren", True),
        ("Boka möte för att träffa inköpschefen", "att träffa inköpschefen", False),
        # whose wish it was is not why
        ("Demo rescheduled to Thu 10am at their request", "at their request", True),
        ("Flyttade mötet på kundens begäran", "på kundens begäran", True),
        ("Sent the revised quote as requested", "as requested", True),
        ("Bokat om enligt önskemål", "enligt önskemål", True),
        # where the rep read it is not why either
        ("No show for the 2pm demo. Rescheduled to Thu 11am per her email", "per her email", True),
        ("Moved the call to Friday as per the client's email", "as per the client's email", True),
        ("Flyttat mötet till fredag enligt hennes mejl", "enligt hennes mejl", True),
        ("Call Per to go through the email thread", "go through the email thread", False),
        ("Call Per to discuss their request for a discount", "discuss their request for a discount", False),
    ],
)
def test_who_a_candidate_names(text: str, candidate: str, who: bool) -> None:
    assert is_who(text, fold_same_length(text), span_of(text, candidate)) is who


@pytest.mark.parametrize(
    ("text", "candidate", "status"),
    [
        ("Send deck to Marcus - Status: Planned", "Status: Planned", True),
        ("Send deck to Marcus - Status: Planned", "Planned", True),
        ("Stage: Proposal | Call Per re pricing", "Proposal", True),
        ("Stage: Proposal | Call Per re pricing", "pricing", False),
        ("Nästa steg: ring för att boka demo", "boka demo", False),
        ("Call Per about the status of the order", "the status of the order", False),
    ],
)
def test_a_status_field_is_no_reason(text: str, candidate: str, status: bool) -> None:
    assert in_status_field(text, span_of(text, candidate)) is status


@pytest.mark.parametrize(
    ("text", "step", "reasons", "expected"),
    [
        # the topic of the call ends right before the step; the purpose is in the step's sentence
        (
            "Tel m Eva ang. inbrottslarm butik Götgatan. Bokat platsbesök tis kl 14 för att mäta upp ytorna.",
            "Bokat platsbesök",
            ["inbrottslarm butik Götgatan", "mäta upp ytorna"],
            "mäta upp ytorna",
        ),
        (
            "Met the IT lead re: access control upgrade. Next step: demo in week 46 so their officer can see it.",
            "demo",
            ["access control upgrade", "their officer can see it"],
            "their officer can see it",
        ),
        # both in the step's sentence: the nearer
        (
            "Skickar avtalet för underskrift på måndag så att de hinner boka artisterna.",
            "Skickar avtalet",
            ["de hinner boka artisterna", "underskrift"],
            "underskrift",
        ),
        # none in the step's sentence: the nearer
        (
            "Budget talk first. Call Ann on Monday. Then the pricing review.",
            "Call Ann",
            ["the pricing review", "Budget talk"],
            "Budget talk",
        ),
    ],
)
def test_the_reason_in_the_steps_sentence_comes_first(
    text: str, step: str, reasons: list[str], expected: str
) -> None:
    bounds = SentenceIndex(text).bounds
    found = nearest_reason([span_of(text, r) for r in reasons], span_of(text, step), bounds)
    assert text[found[0] : found[1]] == expected


@pytest.mark.parametrize(
    ("text", "step", "reason", "other"),
    [
        (
            "- call back Orla at 2pm re oven warranty\n- call back Steve Friday",
            "call back Steve",
            "oven warranty",
            True,
        ),
        # a log entry of another day
        (
            "2025-02-17 Möte m Per, genomgång av EDC-behov\n2025-03-10 Tel P-O: han återkommer",
            "återkommer",
            "genomgång av EDC-behov",
            True,
        ),
        (
            "12/19 3:40pm [Call] wants 10% off\n12/19 4:15pm [Email] sent order form",
            "sent order form",
            "10% off",
            True,
        ),
        # the same line, or lines that are not items
        ("- call back Orla at 2pm re oven warranty", "call back Orla", "oven warranty", False),
        ("Met Per today.\nHe'll call back re the warranty", "call back", "Met Per today", False),
    ],
)
def test_a_reason_on_another_item_or_log_entry_is_not_the_steps(
    text: str, step: str, reason: str, other: bool
) -> None:
    s, r = text.index(step), text.index(reason)
    assert other_item(text, (s, s + len(step)), (r, r + len(reason))) is other
