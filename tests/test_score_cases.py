"""End-to-end cases through the shipped model: exact fields for Swedish and English notes.

Each row is (note, note_date, next_step (text, action, owner) or None, reason (text, clear)
or None, when (granularity, value) or None, verdict, score).
"""

from __future__ import annotations

import pytest

from model.pipeline import Klarsteg

CASES = [
    # --- Swedish ---------------------------------------------------------------
    (
        "Vi bokade demo tis 17/3 kl 10 för att visa integrationen.",
        "2026-03-10",
        ("bokade demo", "demo", "both"),
        ("visa integrationen", True),
        ("datetime", "2026-03-17T10:00"),
        "concrete",
        100,
    ),
    (
        "Ringer Eva på fredag för att gå igenom offerten med ekonomichefen.",
        "2026-11-26",
        ("Ringer Eva", "call", "seller"),
        ("gå igenom offerten med ekonomichefen", True),
        ("date", "2026-11-27"),
        "concrete",
        94,
    ),
    (
        "Möte med IT nästa onsdag kl 13 för att gå igenom säkerhetsfrågorna.",
        "2026-11-26",
        ("Möte", "meeting", "both"),
        ("gå igenom säkerhetsfrågorna", True),
        ("datetime", "2026-12-02T13:00"),
        "concrete",
        100,
    ),
    (
        # the reason is what the customer does before calling back (reason picker, "and-before")
        "Bosse kollar med sin kompanjon och ringer mig på måndag.",
        "2026-11-26",
        ("ringer mig", "call", "customer"),
        ("kollar med sin kompanjon", True),
        ("date", "2026-11-30"),
        "concrete",
        94,
    ),
    (
        # who the step is done with is not its reason (the tagger's fallback offered "the IT team")
        "Schedule a demo with the IT team",
        "2026-03-02",
        ("Schedule a demo", "demo", "both"),
        None,
        None,
        "vague",
        30,
    ),
    (
        # nor is it after a label and a date (the reason picker offered "their engineers")
        "Next step: technical deep dive on 18/3 at 1pm with their engineers",
        "2026-03-02",
        ("technical deep dive", "meeting", "both"),
        None,
        ("datetime", "2026-03-18T13:00"),
        "partial",
        70,
    ),
    (
        # who the step is for is not its reason (the reason picker's best was "Colin")
        "Actions: Beth - quote to Colin by 6/3",
        "2026-02-24",
        ("quote", "send", "seller"),
        None,
        ("date", "2026-03-06"),
        "partial",
        64,
    ),
    (
        # a verbless calendar entry: neither the span model nor the tagger reads it; the rule's
        # phrase "Möte" is taken because the note-level model is sure of a step
        "Möte med Anna 14/4 kl 9 om avtalet",
        "2026-04-07",
        ("Möte", "meeting", "both"),
        ("avtalet", True),
        ("datetime", "2026-04-14T09:00"),
        "concrete",
        100,
    ),
    (
        "Telefonmöte med Jonas 12/3 kl 14",
        "2026-03-09",
        ("Telefonmöte", "call", "both"),
        None,
        ("datetime", "2026-03-12T14:00"),
        "partial",
        70,
    ),
    (
        # the note-level model is sure of a step (0.92, above the tuned step_proposal_floor
        # 0.8) that the span model and the tagger miss: the rule's phrase "Samtal" is taken
        "Samtal med Jonas fredag kl 10",
        "2026-03-02",
        ("Samtal", "call", "both"),
        None,
        ("datetime", "2026-03-06T10:00"),
        "partial",
        70,
    ),
    (
        # a past meeting is a record: no phrase is accepted
        "Möte med Anna igår, gick bra",
        "2026-03-02",
        None,
        None,
        None,
        "none",
        0,
    ),
    (
        # the span model ran the step on over "regarding"; the purpose is the reason
        "Call back regarding support ticket #4432",
        "2026-12-04",
        ("Call back", "call", "seller"),
        ("support ticket #4432", True),
        None,
        "partial",
        60,
    ),
    (
        # a record of what was had, never a step (the token tagger took "a call" before)
        "Had a call with Per today",
        "2026-04-15",
        None,
        None,
        None,
        "none",
        0,
    ),
    (
        # the workshop was held; the labelled phrase is the step
        "Held the workshop today. Next step is a pilot in March.",
        "2026-04-15",
        ("a pilot", "other", "both"),
        None,
        ("month", "2027-03"),
        "vague",
        44,
    ),
    (
        # the span model stops at "2 st"; the noun phrase's head is taken on (model/tidy.py)
        "Bageri Solrosen vill ha offert på 2 st degdelare till fredag.",
        "2026-11-26",
        ("vill ha offert på 2 st degdelare", "send", "seller"),
        None,
        ("date", "2026-11-27"),
        "partial",
        64,
    ),
    (
        "Skickar offert v. 49.",
        "2026-11-26",
        ("Skickar offert", "send", "seller"),
        None,
        ("week", "2026-W49"),
        "vague",
        52,
    ),
    (
        "Kunden återkommer längre fram.",
        "2026-11-26",
        ("återkommer", "contact", "customer"),
        None,
        ("fuzzy", None),
        "vague",
        24,
    ),
    (
        "Vi hörs om ett par veckor och stämmer av läget.",
        "2026-11-26",
        ("hörs", "contact", "both"),
        ("stämmer av läget", False),
        ("fuzzy", None),
        "vague",
        34,
    ),
    ("Bra möte i tisdags. Inget nytt möte bokat.", "2026-11-26", None, None, None, "none", 0),
    ("Kunden tackade nej, de har valt en annan leverantör.", "2026-11-26", None, None, None, "none", 0),
    ("Uppdatera CRM efter mötet.", "2026-11-26", None, None, None, "none", 0),
    (
        "Skicka offert imorgon fm.",
        "2026-11-26",
        ("Skicka offert", "send", "seller"),
        None,
        ("date", "2026-11-27"),
        "partial",
        64,
    ),
    (
        "Hon ringer kl 15 ang. förlängningen av licensavtalet.",
        "2026-11-26",
        ("ringer", "call", "customer"),
        ("förlängningen av licensavtalet", True),
        ("datetime", "2026-11-26T15:00"),
        "concrete",
        100,
    ),
    (
        "Demo i december för ledningsgruppen så att de kan ta beslut om piloten.",
        "2026-11-26",
        ("Demo", "demo", "both"),
        ("de kan ta beslut om piloten", True),
        ("month", "2026-12"),
        "partial",
        74,
    ),
    (
        "Mote med kunden nasta vecka for att ga igenom avtalet",
        "2026-11-26",
        ("Mote", "meeting", "both"),  # the noun, as for "Möte med IT" above (annotation guide)
        ("ga igenom avtalet", True),
        ("week", "2026-W49"),
        "partial",
        82,
    ),
    (
        "Ring tors halv tre",
        "2026-11-23",
        ("Ring", "call", "seller"),
        None,
        ("datetime", "2026-11-26T14:30"),
        "partial",
        70,
    ),
    (
        "Möte 3/12 kl 10.30 hos kunden för att signera avtalet. Förra mötet var 20/11.",
        "2026-11-26",
        ("Möte", "meeting", "both"),
        ("signera avtalet", True),
        ("datetime", "2026-12-03T10:30"),
        "concrete",
        100,
    ),
    (
        "Go-live planerat till 1/3. Vi ringer om 10 dagar för att planera utbildningen.",
        "2026-11-26",
        ("ringer", "call", "seller"),
        ("planera utbildningen", True),
        ("date", "2026-12-06"),
        "concrete",
        94,
    ),
    # --- English ---------------------------------------------------------------
    (
        "I'll send the revised quote on Friday so they can decide before the board meets.",
        "2026-11-26",
        ("I'll send the revised quote", "send", "seller"),
        ("they can decide before the board meets", True),
        ("date", "2026-11-27"),
        "concrete",
        94,
    ),
    (
        "Booked a demo next Tuesday at 2pm to show the reporting module to their CFO.",
        "2026-11-26",
        ("Booked a demo", "demo", "both"),
        ("show the reporting module to their CFO", True),
        ("datetime", "2026-12-01T14:00"),
        "concrete",
        100,
    ),
    (
        "They asked us to come back in a couple of weeks.",
        "2026-11-26",
        ("come back", "contact", "seller"),
        None,
        ("fuzzy", None),
        "vague",
        24,
    ),
    (
        "Call with procurement in week 2 to agree on the contract terms.",
        "2026-12-28",
        ("Call with procurement", "call", "both"),
        ("agree on the contract terms", True),
        ("week", "2027-W02"),
        "partial",
        82,
    ),
    ("Good meeting with Tom last week. No next step agreed.", "2026-11-26", None, None, None, "none", 0),
    ("Deal lost, they went with a competitor.", "2026-11-26", None, None, None, "none", 0),
    (
        "Touch base in Q1 to see how they feel.",
        "2026-11-26",
        ("Touch base", "contact", "seller"),
        ("see how they feel", False),
        ("quarter", "2027-Q1"),
        "vague",
        38,
    ),
    (
        "Quick call with Sara. She'll send us the specs by Friday.",
        "2026-11-26",
        ("send us the specs", "send", "customer"),
        None,
        ("date", "2026-11-27"),
        "partial",
        64,
    ),
    (
        "Site visit tomorrow morning to measure the warehouse.",
        "2026-11-26",
        ("Site visit", "meeting", "both"),
        ("measure the warehouse", True),
        ("date", "2026-11-27"),
        "concrete",
        94,
    ),
    (
        "Follow up after the holidays.",
        "2026-11-26",
        ("Follow up", "contact", "seller"),
        None,
        ("fuzzy", None),
        "vague",
        24,
    ),
    (
        "Demo for Maj Andersson on 3 Dec at 10:00 to walk through the integration.",
        "2026-11-26",
        ("Demo", "demo", "both"),
        ("walk through the integration", True),
        ("datetime", "2026-12-03T10:00"),
        "concrete",
        100,
    ),
    (
        "Bra call m Erik. Bokat demo tis kl 14 för att visa dashboarden, next steps efter det = pricing.",
        "2026-11-05",
        ("Bokat demo", "demo", "both"),
        ("visa dashboarden", True),
        ("datetime", "2026-11-10T14:00"),
        "concrete",
        100,
    ),
    # --- lists: the earliest dated item still ahead, though the span model saw another
    (
        "Åtgärder:\n- besiktning av hisschaktet ons 15/4 kl 9\n- vi skickar offert efter besiktningen\n"
        "- Karin kollar med styrelsen",
        "2026-04-06",
        ("besiktning av hisschaktet", "meeting", "both"),
        None,
        ("datetime", "2026-04-15T09:00"),
        "partial",
        70,
    ),
    (
        "Q2 plan:\n- Norrby Marin: demo in May\n- Holm & Son: renew service deal\n"
        "- Vik Varv: call 7 April re the winter storage",
        "2026-03-30",
        ("call", "call", "seller"),
        ("the winter storage", True),
        ("date", "2026-04-07"),
        "concrete",
        94,
    ),
    # a step is not cut before its complement: no dangling "for" before a masked date
    (
        "booked the onboarding for next week",
        "2026-12-04",
        ("booked the onboarding", "other", "both"),
        None,
        ("week", "2026-W50"),
        "vague",
        52,
    ),
    # the span model tagged "Sign the contract" as step and reason: the step is not its own reason
    (
        "Sign the contract by end of month",
        "2026-12-04",
        ("Sign the contract", "other", "customer"),
        None,
        ("month", "2026-12"),
        "vague",
        44,
    ),
    # the time expression is the when, never the reason too
    (
        "Kunden vill ha prisförslag på 3 maskiner innan årsskiftet",
        "2026-12-04",
        ("vill ha prisförslag på 3 maskiner", "send", "seller"),
        None,
        ("fuzzy", None),
        "vague",
        34,
    ),
    # the tagger's reason ran into the when ("ett tag kanske"): what is left is no reason
    (
        "Ring Kim om ett tag kanske",
        "2026-05-04",
        ("Ring Kim", "call", "seller"),
        None,
        ("fuzzy", None),
        "vague",
        34,
    ),
    # sure there is a step, no model found it: the phrase after its label
    (
        "Good meeting. Next steps discussed: contract review",
        "2026-12-04",
        ("contract review", "meeting", "both"),
        None,
        None,
        "vague",
        30,
    ),
    # a past date is a record, never the when (SPEC), whatever the when ranker says; the
    # topic after "Follow up on" is the reason (up to the time expression)
    (
        "Follow up on proposal sent last week",
        "2026-12-04",
        ("Follow up", "contact", "seller"),
        ("proposal sent", True),
        None,
        "partial",
        50,
    ),
    # --- activity subjects (round 12) ---------------------------------------------
    # the topic after a contact verb's "on" is the reason, not part of the step
    (
        "Follow up on the signed order form - Brightwell Dental, Friday",
        "2026-03-02",
        ("Follow up", "contact", "seller"),
        ("the signed order form", True),
        ("date", "2026-03-06"),
        "partial",
        84,
    ),
    # a four-letter weekday ("torsd"), not only the hour on the note's date
    (
        "Provsmakning torsd kl 14 - meny till bröllopet",
        "2026-03-02",
        ("Provsmakning", "demo", "both"),  # a tasting shows the product
        ("meny till bröllopet", True),
        ("datetime", "2026-03-05T14:00"),
        "concrete",
        100,
    ),
    # a 24-hour clock's hour after "efter"
    (
        "Upptagen, ring tillbaka efter 15",
        "2026-03-02",
        ("ring tillbaka", "call", "seller"),
        None,
        ("datetime", "2026-03-02T15:00"),
        "partial",
        70,
    ),
    # --- round 13 ---------------------------------------------------------------------
    # a step that runs into its reason after "om"/"to" ends before it
    (
        # a reminder is a contact (every annotated "Påminn ..." step is), so the step is vague
        # (SPEC): the action is read on the to-do itself, not on the signature it is about
        "Påminn Kalle om underskrift av avtalet fre",
        "2026-03-02",
        ("Påminn Kalle", "contact", "seller"),
        ("underskrift av avtalet", True),
        ("date", "2026-03-06"),
        "partial",
        84,
    ),
    # a log entry's time stamp on the note's day dates what was logged, never the step
    (
        "16/10 09:00 Call - Gemma (Oak Vets) - sure, send the price list\n16/10 09:05 Price list sent",
        "2026-10-16",
        ("send the price list", "send", "seller"),
        None,
        None,
        "vague",
        30,
    ),
    (
        "12/03/26 09:05 Inbound call, Ola (Kajen Marin). Wants a price for 6 moorings.\n"
        "12/03/26 09:20 Task created: quote",
        "2026-03-12",
        ("Wants a price for 6 moorings", "send", "seller"),
        None,
        None,
        "vague",
        30,
    ),
    # a list's items are their own: another item's reason is not the step's
    (
        "Agreed:\n• Maja sends the floor plans this week\n• We price the install once we have them",
        "2026-03-02",
        ("sends the floor plans", "send", "customer"),
        None,
        ("week", "2026-W10"),
        "vague",
        52,
    ),
    (
        "1. Kunden skickar ritningar v.12\n2. Vi räknar på installationen när vi fått dem",
        "2026-03-02",
        ("skickar ritningar", "send", "customer"),
        None,
        ("week", "2026-W12"),
        "vague",
        52,
    ),
    (
        # ... except an item that labels the purpose
        "- Demo for the ops team, Thu 2pm\n- Purpose: show the route planner",
        "2026-03-02",
        ("Demo for the ops team", "demo", "both"),
        ("show the route planner", True),
        ("datetime", "2026-03-05T14:00"),
        "concrete",
        100,
    ),
    # whose wish it was is no reason
    (
        "Demo rescheduled to Thu 10am at their request",
        "2026-03-02",
        ("Demo rescheduled", "demo", "both"),
        None,
        ("datetime", "2026-03-05T10:00"),
        "partial",
        70,
    ),
    # a reason the span model ran over the step and its when keeps only its own words
    (
        "12/03 - demo done at Hallberg Marin, went ok\n12/03 - client to confirm by Fri if they go ahead with the Nimbus 365",
        "2026-03-12",
        ("confirm", "contact", "customer"),
        ("they go ahead with the Nimbus 365", True),
        ("date", "2026-03-13"),
        "partial",
        84,
    ),
    (
        "Anna to confirm by Friday whether they sign the two-year deal",
        "2026-03-12",
        ("confirm", "contact", "customer"),
        ("whether they sign the two-year deal", True),  # as the writers keep "whether" (17 of 17)
        ("date", "2026-03-13"),
        "partial",
        84,
    ),
    # a log's time stamps on the note's day do not date its entries' steps
    (
        "09:00 call with Ben (Orbit Freight) - wants a trial\n11:30 sent trial agreement\n14:00 Ben signed\n"
        "Next: kickoff call tomorrow 10am to set up users",
        "2026-03-02",
        ("kickoff call", "call", "both"),
        ("set up users", True),
        ("datetime", "2026-03-03T10:00"),
        "concrete",
        100,
    ),
    # the retry after a call outcome is the step, not the outcome
    (
        "Call outcome: Engaged\nNext try: Thu 10:00",
        "2026-03-02",
        ("Next try", "call", "seller"),
        None,
        ("datetime", "2026-03-05T10:00"),
        "partial",
        70,
    ),
    # a cancelled demo is a record, not a step
    (
        "Customer cancelled the demo scheduled for tomorrow. Didn't want to reschedule.",
        "2026-03-02",
        None,
        None,
        None,
        "none",
        0,
    ),
    # the purpose after a label's colon on the step's line
    (
        "Möte bokat 12/3 09:00 hos kund, agenda: avtalsvillkor + leveransplan",
        "2026-03-02",
        ("Möte bokat", "meeting", "both"),
        ("avtalsvillkor + leveransplan", True),
        ("datetime", "2026-03-12T09:00"),
        "concrete",
        100,
    ),
    # a CRM export's ISO date-time; a 24-hour time with "hrs"
    (
        # (the subject's part that names no one is what the call is for: round 15)
        "Type: Call\nSubject: Hallam Print - confirm the reprint run\nDue: 2026-03-09T10:00",
        "2026-03-02",
        ("Call", "call", "seller"),
        ("confirm the reprint run", True),
        ("datetime", "2026-03-09T10:00"),
        "concrete",
        100,
    ),
    (
        "Call Hallam Print at 1400hrs Thu to confirm the reprint run",
        "2026-03-02",
        ("Call Hallam Print", "call", "seller"),
        ("confirm the reprint run", True),
        ("datetime", "2026-03-05T14:00"),
        "concrete",
        100,
    ),
    # a record's status field is no reason; a status of held or completed makes the activity
    # a record
    (
        "Email price list to Jo @ Kestrel Gyms - Status: Planned",
        "2025-06-20",
        ("Email price list", "send", "seller"),  # material sent (SPEC), by e-mail or not
        None,
        None,
        "vague",
        30,
    ),
    (
        "Meeting to plan next steps on the rollout - Status: Held. Nothing new agreed",
        "2025-03-28",
        None,
        None,
        None,
        "none",
        0,
    ),
    (
        "Task: Send insurance certificate to Brook Arena for the May show. Status: Completed",
        "2025-08-27",
        None,
        None,
        None,
        "none",
        0,
    ),
    # a date field's label is no step; its value is the step's when
    (
        "Activity: Call\nAccount: Ridgeback Quarries\nResult: Connected. Budget approved. Wants spec sheets + "
        "our service rates so she can write the tender.\nFollow-up date: 2/13",
        "2026-02-10",
        ("Wants spec sheets + our service rates", "send", "seller"),
        ("she can write the tender", True),
        ("date", "2026-02-13"),
        "concrete",
        94,
    ),
    # "mån" is Monday, "den" what is sent; "kl 21" keeps its hour
    (
        "Tel Jonas: vill ha offert 3 utan kylfunktion. Skickar den mån\nStatus: Förhandling",
        "2026-07-02",
        ("Skickar den", "send", "seller"),
        None,
        ("date", "2026-07-06"),
        "partial",
        64,
    ),
    # the span model's reason is another item's (the internal one's): the step's own purpose
    # is still found
    (
        "QBR Harlow Foods 3/2\nActions:\n1. Tom - send the audit pack to Nina for the safety inspection"
        " - by 10/2\n2. Our payroll - check the invoices so they match the contract (internal)",
        "2026-02-03",
        ("send the audit pack", "send", "seller"),
        ("the safety inspection", True),
        ("date", "2026-02-10"),
        "concrete",
        94,
    ),
    # two reasons in the step's sentence: the reason picker's surest, not the nearer condition
    (
        "Mejlar Olle efter lunch när han är tillbaka, för att boka in besiktningen av taket.",
        "2026-03-02",
        ("Mejlar Olle", "email", "seller"),
        ("boka in besiktningen av taket", True),
        ("date", "2026-03-02"),
        "concrete",
        94,
    ),
    (
        "Ring Eva kl 21 ang. larmet",
        "2026-03-02",
        ("Ring Eva", "call", "seller"),
        ("larmet", True),
        ("datetime", "2026-03-02T21:00"),
        "concrete",
        100,
    ),
]


def _ids() -> list[str]:
    return [c[0][:40] for c in CASES]


@pytest.mark.parametrize(
    ("text", "note_date", "step", "reason", "when", "verdict", "score"), CASES, ids=_ids()
)
def test_case(klarsteg: Klarsteg, text, note_date, step, reason, when, verdict, score) -> None:
    r = klarsteg.score(text, note_date=note_date)
    got_step = (r.next_step.text, r.next_step.action, r.next_step.owner) if r.next_step else None
    got_reason = (r.reason.text, r.reason.clear) if r.reason else None
    got_when = (r.when.granularity, r.when.value) if r.when else None
    assert (got_step, got_reason, got_when) == (step, reason, when)
    assert (r.verdict, r.score) == (verdict, score)
    for span in (r.next_step, r.reason, r.when):
        if span is not None:
            assert text[span.start : span.end] == span.text
