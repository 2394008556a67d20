"""The span tidying of model.tidy: edges moved, never a decision about a field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from model.schema import Reason
from model.tidy import (
    before_new_clause,
    before_purpose,
    cut_back,
    phrase_end,
    reason_after_step,
    reason_apart,
    reason_beside,
    step_before_reason,
    tidy_reason,
    topic_inside,
    whole_words,
    with_head,
    with_name_after_title,
    with_sent_object,
    without_dangling_word,
    without_stray_marks,
)


@pytest.mark.parametrize(
    ("tidy", "text", "span", "expected"),
    [
        # whole words where the span model's tokens split one at a hyphen or slash
        (whole_words, "He wants a catch-up on the lease", "catch", "catch-up"),
        (whole_words, "pricing sign-off from Colin", "off from", "sign-off from"),
        # and at an abbreviation's full stop inside a word, not at a sentence's end
        (whole_words, "ring tillbaka ang lev.tid, kund osäker", "lev", "lev.tid"),
        (whole_words, "skicka tel.nr till Eva", "nr", "tel.nr"),
        (whole_words, "Call Per re pricing. Then mail", "pricing", "pricing"),
        (whole_words, "Call Per re pricing.Then mail", "pricing", "pricing"),
        (
            whole_words,
            "deras IT-chef vill se loggningen",
            "chef vill se loggningen",
            "IT-chef vill se loggningen",
        ),
        (whole_words, "send 2/3 of the order", "send 2", "send 2/3"),
        (whole_words, "call back - Friday", "call back", "call back"),  # already whole
        (whole_words, "offert -", "offert", "offert"),
        # no dangling function word when the phrase goes on after the span
        (
            without_dangling_word,
            "booked the onboarding for next week",
            "booked the onboarding for",
            "booked the onboarding",
        ),
        (
            without_dangling_word,
            "give me a shout and we'll book it",
            "give me a shout and",
            "give me a shout",
        ),
        # "w/" (with) cut inside by the span model, and Swedish "m" (med) but not metres
        (
            without_dangling_word,
            "Clarification call w/ Nadia on 2/3",
            "Clarification call w",
            "Clarification call",
        ),
        (
            without_dangling_word,
            "vill ha offert på 2 dagar m lunch",
            "vill ha offert på 2 dagar m",
            "vill ha offert på 2 dagar",
        ),
        (without_dangling_word, "bygg 2 m hög mur", "bygg 2 m", "bygg 2 m"),
        (
            without_dangling_word,
            "Skicka offerten till Per senast fredag",
            "Skicka offerten till",
            "Skicka offerten",
        ),
        (
            without_dangling_word,
            "send the report they asked for\nnext item",
            "send the report they asked for",
            "send the report they asked for",
        ),  # the phrase ends with its line: the clause's own "for"
        (without_dangling_word, "call to confirm", "call to", "call"),
        # an abbreviated opener whose full stop or colon stands after the span
        (without_dangling_word, "Vill bli uppringd ang. hyrbilar", "uppringd ang", "uppringd"),
        (without_dangling_word, "Ring Annika re: leveransen", "Ring Annika re", "Ring Annika"),
        (without_dangling_word, "Call Per re.", "Call Per re", "Call Per re"),  # nothing after it
        # nor a purpose's opener cut from its topic
        (
            without_dangling_word,
            "Mia to call Lindqvist AB re renewal Mon",
            "call Lindqvist AB re",
            "call Lindqvist AB",
        ),
        (without_dangling_word, "Ring Eva ang. hyran", "Ring Eva ang.", "Ring Eva"),
        # nor a "by" cut from how or when ("by mail", "by Friday")
        (
            without_dangling_word,
            "wants the references by mail",
            "wants the references by",
            "wants the references",
        ),
        (
            without_dangling_word,
            "Ring och boka med",
            "Ring och boka med",
            "Ring och boka med",
        ),  # nothing follows
        (without_dangling_word, "waiting for: legal", "waiting for", "waiting for"),  # punctuation follows
        (without_dangling_word, "for Monday", "for", "for"),  # a one-word span stays
        # no bullet, separator or unpaired quote at an edge
        (without_stray_marks, "Next:\n- our quote to Dan", "- our quote", "our quote"),
        (without_stray_marks, "Facilities / FM team to confirm", "/ FM team", "FM team"),
        (without_stray_marks, "Outcome: Meeting set - Tue", "Meeting set -", "Meeting set"),
        (without_stray_marks, "Training\nday", "Training\n", "Training"),
        (without_stray_marks, "he said 'I will follow up' later", "will follow up'", "will follow up"),
        (without_stray_marks, '"send it" he said', '"send it"', '"send it"'),  # a closed quote stays
        (without_stray_marks, "besök (de vill ha offert)", "vill ha offert)", "vill ha offert"),
        (without_stray_marks, "Ring Ida (Eventfabriken)", "Ida (Eventfabriken)", "Ida (Eventfabriken)"),
        (
            without_stray_marks,
            "Ring Ida (Eventfabriken)",
            "Ring Ida (Eventfabriken)",
            "Ring Ida (Eventfabriken)",
        ),
        (without_stray_marks, "a - b", " - ", " - "),  # nothing would be left: unchanged
        # a title's full stop is no sentence's end: its name belongs to the step
        (
            with_name_after_title,
            "Send brochure to Mr. Jensen",
            "Send brochure to Mr",
            "Send brochure to Mr. Jensen",
        ),
        (with_name_after_title, "Boka möte med dr. Holm", "Boka möte med dr", "Boka möte med dr. Holm"),
        (with_name_after_title, "Meeting w/ Dr Cho Thu", "Meeting w/ Dr", "Meeting w/ Dr Cho"),
        (
            with_name_after_title,
            "Call the GP surgery. Dr. Ali asked",
            "Call the GP surgery",
            "Call the GP surgery",
        ),
        (with_name_after_title, "Send the draft. Then call", "Send the draft", "Send the draft"),
        # a sending verb's pronoun object belongs to the step; another word after it does not
        (with_sent_object, "Skickar den imorgon.", "Skickar", "Skickar den"),
        (with_sent_object, "I'll send it Friday", "I'll send", "I'll send it"),
        (with_sent_object, "mejlar dem v.2", "mejlar", "mejlar dem"),
        (with_sent_object, "send itinerary", "send", "send"),
        (with_sent_object, "skickar detaljerna", "skickar", "skickar"),
        (with_sent_object, "ring den 4:e", "ring", "ring"),
        (with_sent_object, "resend it", "resend", "resend"),
        (lambda t, s, e: with_sent_object(t, s, e, [(8, 17)]), "skickar den 4 maj", "skickar", "skickar"),
    ],
)
def test_span_edges(
    tidy: Callable[[str, int, int], tuple[int, int]], text: str, span: str, expected: str
) -> None:
    start = text.index(span)
    s, e = tidy(text, start, start + len(span))
    assert text[s:e] == expected


@pytest.mark.parametrize(
    ("reason", "when", "expected"),
    [
        ((0, 30), (40, 50), (0, 30)),  # apart: unchanged
        ((0, 30), (22, 30), (0, 22)),  # the when ends the reason: cut before it
        ((10, 30), (5, 14), (14, 30)),  # the when opens the reason: start after it
        ((10, 20), (5, 25), None),  # the when covers it: no reason left
        ((0, 30), (10, 15), (0, 30)),  # inside, words on both sides: stays
    ],
)
def test_a_reason_does_not_run_into_the_when(
    reason: tuple[int, int], when: tuple[int, int], expected: tuple[int, int] | None
) -> None:
    assert cut_back(*reason, when) == expected


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@pytest.mark.parametrize(
    ("text", "reason", "step", "expected"),
    [
        # the reason ends in the step: its own words, without the joining "and"
        (
            "he'll discuss with his accountant and ping me",
            "discuss with his accountant and ping me",
            "ping me",
            "discuss with his accountant",
        ),
        (
            "so he can test it - I'll send the logins",
            "he can test it - I'll send the logins",
            "I'll send the logins",
            "he can test it",
        ),
        # a reason that opens with the step stays ("check in on how ..." is annotated so)
        (
            "check in on how the schedule works",
            "check in on how the schedule works",
            "check in",
            "check in on how the schedule works",
        ),
        # less than two words would be left: as it was
        ("talk and ping me", "talk and ping me", "ping me", "talk and ping me"),
    ],
)
def test_a_reason_ending_in_the_step_keeps_its_own_words(
    text: str, reason: str, step: str, expected: str
) -> None:
    s, e = reason_apart(text, _span(text, reason), _span(text, step))
    assert text[s:e] == expected


@pytest.mark.parametrize(
    ("text", "reason", "when", "expected"),
    [
        (
            "go through the onboarding modules on 14/5",
            "the onboarding modules on 14/5",
            "on 14/5",
            "the onboarding modules",
        ),
        ("Ring Kim om ett tag kanske", "ett tag kanske", "om ett tag", None),  # one word left
        ("om ett tag", "ett tag", "om ett tag", None),  # inside the when
        (
            "confirm by Tues if he takes the deal",
            "confirm by Tues if he takes the deal",
            "by Tues",
            "confirm by Tues if he takes the deal",
        ),  # the when inside: stays
    ],
)
def test_a_reason_does_not_keep_the_when(text: str, reason: str, when: str, expected: str | None) -> None:
    s, e = _span(text, reason)
    got = reason_beside(
        text, Reason(text=reason, start=s, end=e, clear=True, confidence=0.9), _span(text, when), None
    )
    assert (got.text if got else None) == expected
    if got is not None:
        assert text[got.start : got.end] == got.text


@pytest.mark.parametrize(
    ("text", "start", "limit", "times", "expected"),
    [
        ("ang. trade-in av Nimbus 30 - ring fre", 5, 37, [], "trade-in av Nimbus 30"),
        ("send quote, then call", 0, 21, [], "send quote"),
        ("demo för IT-chefen 14/5 kl 9", 0, 28, [19], "demo för IT-chefen "),
        ("demo för IT-chefen (ev. 14/5)", 0, 29, [24], "demo för IT-chefen"),
        ("pris och villkor. Ring", 0, 22, [], "pris och villkor"),
        ("onboarding of the whole team", 0, 10, [], "onboarding"),
        # an abbreviation's mark inside the phrase is no clause end; a count's before a capital is
        (
            "vill ha offert på 9 anst. + kassakoppling, skickar",
            0,
            50,
            [],
            "vill ha offert på 9 anst. + kassakoppling",
        ),
        ("wants a quote incl. AV + dinner. Call", 0, 37, [], "wants a quote incl. AV + dinner"),
        ("pris på 3 alt. Ring fre", 0, 23, [], "pris på 3 alt"),
        ("pris på 20 st. ring fre", 0, 23, [], "pris på 20 st. ring fre"),
        ("offert inkl.\nRing", 0, 17, [], "offert inkl"),
    ],
)
def test_phrase_end_stops_at_clause_or_time(
    text: str, start: int, limit: int, times: list[int], expected: str
) -> None:
    assert text[start : phrase_end(text, start, limit, times)] == expected


@pytest.mark.parametrize(
    ("text", "step", "times", "expected"),
    [
        (
            "Jenny wants samples of the new wound dressings\n- also asked",
            "wants samples of the new",
            [],
            "wants samples of the new wound dressings",
        ),
        (
            "De vill ha en presentation av vårt fjärrövervakningssystem i januari.",
            "presentation av vårt",
            [(58, 68)],
            "presentation av vårt fjärrövervakningssystem",
        ),
        (
            "Bageri Solrosen vill ha offert på 2 st degdelare",
            "vill ha offert på 2 st",
            [],
            "vill ha offert på 2 st degdelare",
        ),
        (
            "present it to their management team next week",
            "present it to their",
            [(36, 45)],
            "present it to their management team",
        ),
        ("Visit to our plant in Jönköping", "Visit to our", [], "Visit to our plant"),
        ("Book a Tuesday slot", "Book a", [(7, 14)], "Book a"),
        ("I'll call her on Friday", "I'll call her", [(17, 23)], "I'll call her"),
        ("Book the demo for the new team", "Book the demo", [], "Book the demo"),
        (
            "Kunden vill ha offert på 20 st skrivbord",
            "vill ha offert på 20",
            [],
            "vill ha offert på 20 st skrivbord",
        ),
        (
            "we'll send the layout for floors 2 and 3 within a week",
            "send the layout for floors 2 and 3",
            [],
            "send the layout for floors 2 and 3",
        ),
        (
            "Send Lucy revised rates for Unit 4 Mon",
            "Send Lucy revised rates for Unit 4",
            [(35, 38)],
            "Send Lucy revised rates for Unit 4",
        ),
    ],
)
def test_with_head_takes_on_a_cut_noun_phrase(
    text: str, step: str, times: list[tuple[int, int]], expected: str
) -> None:
    start = text.index(step)
    a, b = with_head(text, start, start + len(step), times)
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        ("Call back regarding support ticket 4432", "Call back regarding support", "Call back"),
        ("Ring Per ang. avtalet", "Ring Per ang. avtalet", "Ring Per"),
        ("Follow up re: the renewal", "Follow up re: the renewal", "Follow up"),
        ("ring angaende fakturan", "ring angaende fakturan", "ring"),
        # "on" after a contact verb opens its topic; after other verbs it stays
        ("Follow up on the proposal", "Follow up on the proposal", "Follow up"),
        ("They'll get back to us on the trial", "get back to us on the trial", "get back to us"),
        ("he'll revert on pricing wk 37", "revert on pricing", "revert"),
        ("drop in on the new office", "drop in on the new office", "drop in on the new office"),
        ("Call on Monday", "Call on Monday", "Call on Monday"),
        # no opener inside, or nothing after it: as it was
        ("Send the brochure", "Send the brochure", "Send the brochure"),
        ("Ring her back about", "Ring her back about", "Ring her back about"),
        ("Book the regatta stand", "Book the regatta stand", "Book the regatta stand"),
    ],
)
def test_step_cut_before_a_purpose(text: str, step: str, expected: str) -> None:
    start = text.index(step)
    a, b = before_purpose(text, start, start + len(step))
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        (
            "give me a shout and we'll get the van ordered",
            "give me a shout and we'll get the van ordered",
            "give me a shout",
        ),
        ("send the contract and we can sign", "send the contract and we", "send the contract"),
        (
            "send the price file and she'll take it to the board",
            "send the price file and she'll take it",
            "send the price file",
        ),
        (
            "Ring mig så bokar vi",
            "Ring mig så bokar vi",
            "Ring mig så bokar vi",
        ),  # "så" + verb: not a new subject
        ("ring mig så vi kan boka", "ring mig så vi kan boka", "ring mig"),
        ("skicka offerten och jag ringer sen", "skicka offerten och jag ringer", "skicka offerten"),
        # a conjunction joining objects, or a pronoun as object: as it was
        ("Send samples and price list", "Send samples and price list", "Send samples and price list"),
        ("Call Anna and Weston about it", "Call Anna and Weston", "Call Anna and Weston"),
        ("Book lunch with him and them", "Book lunch with him and them", "Book lunch with him and them"),
        ("and we meet", "and we meet", "and we meet"),  # nothing before the conjunction
        # ... or at a spaced dash; a hyphen inside a word stays
        (
            "- Ring Lasse på Östra Skolan - pris på klassrumsstolar",
            "Ring Lasse på Östra Skolan - pris på klassrumsstolar",
            "Ring Lasse på Östra Skolan",
        ),
        ("Ring Eva – gav budgetmötet klartecken?", "Ring Eva – gav budgetmötet klartecken", "Ring Eva"),
        ("Book the follow-up call", "Book the follow-up call", "Book the follow-up call"),
    ],
)
def test_a_step_ends_where_a_second_clause_starts(text: str, step: str, expected: str) -> None:
    start = text.index(step)
    a, b = before_new_clause(text, start, start + len(step))
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("text", "step", "reason", "expected"),
    [
        # a step that runs into its reason after a connector ends before it
        (
            "Påminn Kalle om underskrift av avtalet fre",
            "Påminn Kalle om underskrift",
            "underskrift av avtalet",
            "Påminn Kalle",
        ),
        ("Remind Tom to sign the renewal", "Remind Tom to sign", "sign the renewal", "Remind Tom"),
        ("Ring Eva angående hyran", "Ring Eva angående hyran", "hyran", "Ring Eva"),
        # no connector before the reason, or a single word left: as it was
        (
            "client to confirm by Tues if he takes the deal",
            "client to confirm",
            "confirm by Tues",
            "client to confirm",
        ),
        ("Send the quote pricing tiers", "Send the quote pricing", "pricing tiers", "Send the quote pricing"),
        # a reason that does not start inside the step changes nothing
        ("Call Per to discuss the terms", "Call Per", "discuss the terms", "Call Per"),
    ],
)
def test_a_step_ends_where_its_reason_starts(text: str, step: str, reason: str, expected: str) -> None:
    s, r = text.index(step), text.index(reason)
    a, b = step_before_reason(text, (s, s + len(step)), (r, r + len(reason)))
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            "ring lindgrens tak om bom lyften som står kvar",
            ("ring lindgrens tak", "bom lyften som står kvar"),
        ),
        ("call Dave about the renewal terms", ("call Dave", "the renewal terms")),
        ("Mejla Anna ang. nya prislistan", ("Mejla Anna", "nya prislistan")),
        # a topic of one word, no connector, or no call or message
        ("ring Per om offerten", None),
        ("ring Per imorgon", None),
        ("boka möte om nya avtalet", None),
    ],
)
def test_a_call_that_runs_into_its_topic_is_split(step: str, expected: tuple[str, str] | None) -> None:
    found = topic_inside(step, (0, len(step)))
    assert (tuple(step[a:b] for a, b in found) if found else None) == expected


@pytest.mark.parametrize(
    ("text", "reason", "step", "expected"),
    [
        # a reason does not end in a conjunction or preposition cut from what follows
        (
            "Hon ska kolla med sin chef om budget och återkomma nästa vecka",
            "kolla med sin chef om budget och",
            "återkomma",
            "kolla med sin chef om budget",
        ),
        (
            "He will check with finance and call back Friday",
            "check with finance and",
            "call back",
            "check with finance",
        ),
        # unless a single word would be left; at the end of the note it stays
        ("Ring om avtal och", "avtal och", "Ring", "avtal och"),
        ("Ring Eva, avtalet och", "avtalet och", "Ring Eva", "avtalet och"),
        # nor runs on over a spaced dash
        (
            "I'll come back to you once the board has approved the capex – they sit on the 27th",
            "the board has approved the capex – they sit",
            "come back to you",
            "the board has approved the capex",
        ),
        (
            "Call Ed re the PPM renewal - it lapses in June",
            "the PPM renewal - it lapses",
            "Call Ed",
            "the PPM renewal",
        ),
        ("Ring Eva om offert-ändringen", "offert-ändringen", "Ring Eva", "offert-ändringen"),
    ],
)
def test_a_reason_has_no_dangling_word(text: str, reason: str, step: str, expected: str) -> None:
    r, s = text.index(reason), text.index(step)
    a, b = tidy_reason(text, (r, r + len(reason)), (s, s + len(step)))
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("text", "reason", "step", "times", "expected"),
    [
        # a reason overlapping its step keeps its words after the step, past the step's when,
        # from the condition, purpose or topic that opens them
        (
            "client to confirm by Tues if he takes the deal on the new Jeanneau",
            "confirm by Tues if he takes the deal on the new Jeanneau",
            "client to confirm",
            ["by Tues"],
            "he takes the deal on the new Jeanneau",
        ),
        (
            "Boka demo för att visa rapporterna",
            "Boka demo för att visa rapporterna",
            "Boka demo",
            [],
            "visa rapporterna",
        ),
        ("Ring Per om avtalet", "Ring Per om avtalet", "Ring Per", [], "avtalet"),
        ("Call Dana re: the renewal", "Dana re: the renewal", "Call Dana", [], "the renewal"),
        # nothing of its own after the step: a place, who, or nothing at all
        (
            "3/3 ska skicka referenslista + boka studiebesök hos Vasa Bygg i v.12",
            "skicka referenslista + boka studiebesök hos Vasa Bygg",
            "skicka referenslista + boka studiebesök",
            ["i v.12"],
            None,
        ),
        (
            "Present the timeline at their AGM",
            "Present the timeline at their AGM",
            "Present the timeline",
            [],
            None,
        ),
        ("Send the quote", "the quote", "Send the quote", [], None),
        # a reason apart from the step stays as it is
        ("Call Per to discuss the terms", "discuss the terms", "Call Per", [], "discuss the terms"),
    ],
)
def test_a_reason_overlapping_its_step_keeps_only_its_own_words(
    text: str, reason: str, step: str, times: list[str], expected: str | None
) -> None:
    r, s = text.index(reason), text.index(step)
    spans = [(text.index(t), text.index(t) + len(t)) for t in times]
    got = reason_after_step(text, (r, r + len(reason)), (s, s + len(step)), spans)
    assert (text[got[0] : got[1]] if got else None) == expected
