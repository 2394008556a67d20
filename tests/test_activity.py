"""CRM activity records: a planned calendar entry's or task's subject is the note's step; a held,
cancelled, internal or answered one is a record (``model/activity.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from model.activity import activity_step, logged_activity, record_reason, retry_step, subject_over_type
from model.pipeline import Klarsteg
from model.text import fold_same_length
from model.when import find_times

NOTE_DATE = date(2026, 3, 2)

# (note, the activity's text or None)
SHAPES = [
    # subject lines: an activity noun phrase, then who or what
    ("Contract review - Holm Bygg AB", "Contract review"),
    ("Quarterly check-in – Norrviken Logistik", "Quarterly check-in"),
    ("Uppföljningsmöte Lindqvist Rör", "Uppföljningsmöte"),
    ("Offertgenomgang - Sjoviks Bageri fre", "Offertgenomgang"),
    ("Lunch m. Sanna Ek (Ekhamns Trä) tors", "Lunch"),
    ("Intro call - new lead from the webinar", "Intro call"),
    ("Demo - Fjällbacka Rökeri\ntis 10/3 kl 13", "Demo"),
    ("[Planerad] Visning lokal - Berg & Son - 12/3 kl 14", "Visning"),
    ("Calendar: Pricing workshop - Oakfield Farms\nWhen: Thu 12 Mar 10:00", "Pricing workshop"),
    ("Call\nPriority: High", "Call"),  # the verb's object is never on the next line
    ("[Planned] Site walk w/ facilities - Orm Bank\nDate: 9/3\nOwner: Lisa", "Site walk"),
    ("Budgetmöte Granby kommun\nDatum: 9/3\nSyfte: prioritera maskinköpen", "Budgetmöte"),
    ("Site walk - Orm Bank\nFrom: Lisa\nMessage: can you come by?", None),  # a message
    ("Site walk - Orm Bank\nWe agreed on the scope.", None),  # a story under it
    # a to-do: the verb and its object, without the when or what it is about
    ("Chase Kessler Foods for the PO - ASAP", "Chase Kessler Foods"),
    ("Call Hallam Print at 1400hrs Thu to confirm the run", "Call Hallam Print"),
    ("Call to confirm the PA spec for the festival", "Call"),
    ("Pop in to Shirley Motors, see if the new GM is open to a chat", "Pop in to Shirley Motors"),
    ("Skicka prislista till Brf Ekbacken senast fre", "Skicka prislista till Brf Ekbacken"),
    ("Email Dr. Wren the price list - asap", "Email Dr. Wren the price list"),  # a title, no full stop
    ("Task: Chase Brightfield Ltd re: signed order form\nDue: EOW", "Chase Brightfield Ltd"),
    # structured records: the subject's activity, else the type
    (
        "Type: Call\nSubject: Ruth Ames (Kelso Freight) - confirm the pallet count\n"
        "Due: 05/03/2026 09:30\nStatus: Not started",
        "Call",
    ),
    ("Typ: Möte\nÄmne: Norrhamns Varv – förhandla serviceavtal\nStart: 2026-03-09 13:00", "Möte"),
    ("Type: Meeting\nSubject: Site survey - Kestrel Logistics\nStart: 12/03/2026 10:00", "Site survey"),
    ("Type: Task\nSubject: Update CRM fields\nDue: Friday", None),  # an internal chore
    (
        "Type: Call\nDirection: Outbound\nStatus: Planned\nSubject: Follow up on the proposal",
        "Follow up on the proposal",
    ),
    # held, answered, cancelled, internal, lost: records
    ("Meeting held with Lars - Holm Bygg", None),
    ("Samtal m Eva, Brf Tallen - nöjd", None),
    ("Call - Eastgate Motors\nStatus: Completed", None),
    ("Call - Eastgate Motors\nOutcome: No answer", None),
    ("Typ: Samtal\nÄmne: Berg & Son\nUtfall: Inget svar", None),
    ("Internal: pipeline review", None),
    ("Intern: veckomöte säljteamet", None),
    ("Weekly sales meeting", None),
    ("Kundbesök Ekhagens Gård 2026-02-20", None),  # dated before the note: it was held
    ("Lunch w/ Tom (Ridgeway) - he mentioned budget cuts", None),
    ("Lunch m Per, gillar sms bättre än samtal", None),
    ("Cancelled - site visit Norrbro Hamn", None),
    ("No new meeting booked.", None),
    # stories, messages and notes: not a subject line
    ("Quick call w/ Dan (Coastline).\nHe wants a catch-up on the service deal in a few weeks.", None),
    ("Subject: Meeting notes - Lowther Ltd\n\nAll, notes from today attached.", None),
    ("Type: Email\nDirection: Inbound\nFrom: Lena, Kvarnby AB\nSummary: asks for prices", None),
    ("Email from Dr Wren: not the right time", None),
    ("Need to call the Harbour Hotel GM on Monday about the linen contract.", None),
    ("Awaiting call back from Imran on Monday", None),
    ("Skicka CV:n på två svetsare till Ljungby Smide", "Skicka CV:n på två svetsare till Ljungby Smide"),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES, ids=[s[0][:40] for s in SHAPES])
def test_activity_step(text: str, expected: str | None) -> None:
    found = activity_step(text, find_times(text, NOTE_DATE))
    assert (text[found[0] : found[1]] if found else None) == expected


# (note, next_step (text, action, owner) or None, when (granularity, value) or None, verdict)
NOTES = [
    ("Contract review - Holm Bygg AB", ("Contract review", "meeting", "both"), None, "vague"),
    ("Lunch m. Sanna Ek (Ekhamns Trä) tors", ("Lunch", "meeting", "both"), ("date", "2026-03-05"), "partial"),
    (
        "Demo - Fjällbacka Rökeri\ntis 10/3 kl 13",
        ("Demo", "demo", "both"),
        ("datetime", "2026-03-10T13:00"),
        "partial",
    ),
    (
        "Type: Call\nSubject: Ruth Ames (Kelso Freight) - confirm the pallet count\n"
        "Due: 05/03/2026 09:30\nStatus: Not started",
        ("Call", "call", "seller"),
        ("datetime", "2026-03-05T09:30"),
        "concrete",  # its subject says what for
    ),
    (
        "Typ: Möte\nÄmne: Norrhamns Varv – förhandla serviceavtal\nStart: 2026-03-09 13:00",
        ("Möte", "meeting", "both"),
        ("datetime", "2026-03-09T13:00"),
        "concrete",  # its subject says what for
    ),
    (
        "Task: Chase Brightfield Ltd re: signed order form\nDue: EOW",
        ("Chase Brightfield Ltd", "contact", "seller"),
        ("week", "2026-W10"),
        "partial",
    ),
    (
        # the span model's step, which the note-level and action models doubt (0.64, 0.32): a
        # task record's planned activity stands
        "Uppgift: Påminn Olle på Sandvik Bygg om underskriften\nFörfallodatum: 2026-03-06",
        ("Påminn Olle på Sandvik Bygg", "contact", "seller"),
        ("date", "2026-03-06"),
        "partial",
    ),
    (
        # the type alone was the span model's step; the subject names the activity
        "Task: Email | Due: 14/03 | Status: Open\nSubject: Send Hornbeck the PCI SAQ-A guidance",
        ("Send Hornbeck the PCI SAQ-A guidance", "send", "seller"),
        ("date", "2026-03-14"),
        "partial",
    ),
    ("Call - Eastgate Motors\nStatus: Completed", None, None, "none"),
    ("Internal: pipeline review", None, None, "none"),
    ("Kundbesök Ekhagens Gård 2026-02-20", None, None, "none"),
]


@pytest.mark.parametrize(("text", "step", "when", "verdict"), NOTES, ids=[n[0][:40] for n in NOTES])
def test_activity_notes_scored(klarsteg: Klarsteg, text: str, step, when, verdict: str) -> None:
    r = klarsteg.score(text, note_date=NOTE_DATE.isoformat())
    got_step = (r.next_step.text, r.next_step.action, r.next_step.owner) if r.next_step else None
    got_when = (r.when.granularity, r.when.value) if r.when else None
    assert (got_step, got_when, r.verdict) == (step, when, verdict)
    if r.next_step:
        assert text[r.next_step.start : r.next_step.end] == r.next_step.text


# (note, the retry's text or None): a call log that was not answered, and the retry it plans
RETRIES = [
    ("Outcome: No answer. Try again tomorrow", "Try again"),
    ("03/04 11:20 Outcome: Left voicemail\nNext attempt: tomorrow am", "Next attempt"),
    ("Inget svar x2. Nästa försök: tors fm", "Nästa försök"),
    ("LM x2, no callback. will try fri am", "will try"),
    ("upptaget. provar igen efter lunch", "provar igen"),
    ("Ej anträffbar, försök igen imorgon", "försök igen"),
    ("Aktivitet: Samtal / Utfall: Röstbrevlåda / Nästa försök: -", None),  # left empty
    ("Result: Voicemail | Next attempt: n/a", None),
    ("Inget svar. Ring inte igen, de har valt en annan leverantör.", None),
    ("Try again tomorrow", None),  # nothing says the call went unanswered
    ("Spoke to Jo, all good. Will try the new blend next month.", None),
]


@pytest.mark.parametrize(("text", "expected"), RETRIES, ids=[r[0][:40] for r in RETRIES])
def test_retry_step(text: str, expected: str | None) -> None:
    found = retry_step(text)
    assert (text[found[0] : found[1]] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "step", "when"),
    [
        ("Outcome: No answer. Try again tomorrow", ("Try again", "call", "seller"), ("date", "2026-03-03")),
        ("Inget svar x2. Nästa försök: tors fm", ("Nästa försök", "call", "seller"), ("date", "2026-03-05")),
        # the owner model said both: a retry is the rep's
        (
            "No answer from reception. Next attempt: Thu 10:00",
            ("Next attempt", "call", "seller"),
            ("datetime", "2026-03-05T10:00"),
        ),
        # the customer forbids it: no step, from any source
        ("Bilhandlaren sa direkt: inget intresse, ring inte igen", None, None),
        ('Receptionen: "inte intresserade". Ring inte igen.', None, None),
    ],
)
def test_retries_scored(klarsteg: Klarsteg, text: str, step, when) -> None:
    r = klarsteg.score(text, note_date=NOTE_DATE.isoformat())
    got_step = (r.next_step.text, r.next_step.action, r.next_step.owner) if r.next_step else None
    assert (got_step, (r.when.granularity, r.when.value) if r.when else None) == (step, when)


# (note, the activity's step, the reason record_reason finds or None)
RECORD_REASONS = [
    (
        "Type: Call\nSubject: Ruth Ames (Kelso Freight) - confirm the pallet count\nDue: 05/03/2026 09:30",
        "Call",
        "confirm the pallet count",
    ),
    (
        "Typ: Möte\nÄmne: Norrhamns Varv – förhandla nya timpriser\nStart: 2026-03-09 13:00",
        "Möte",
        "förhandla nya timpriser",
    ),
    (
        "[Planerad] Kandidatintervju - Berg El\nDatum: 9/3\nSyfte: välja elektriker till bygget",
        "Kandidatintervju",
        "välja elektriker till bygget",
    ),
    (
        "Client mtg - Stanningley Logistics - agree peak-season volumes",
        "Client mtg",
        "agree peak-season volumes",
    ),
    ("Lunch m. Jonas Ek (Tjörnfisk AB) fre", "Lunch", None),  # who, not why
    ("Demo - Kalmar Fisk - the new route planner module", "Demo", None),  # what it shows is the step's
    ("Chase Brightfield Ltd - signed order form", "Chase Brightfield Ltd", None),  # what a to-do is about
]


@pytest.mark.parametrize(
    ("text", "step", "expected"), RECORD_REASONS, ids=[r[0][:40] for r in RECORD_REASONS]
)
def test_record_reason(text: str, step: str, expected: str | None) -> None:
    start = text.index(step)
    found = record_reason(text, (start, start + len(step)))
    assert (text[found[0] : found[1]] if found else None) == expected


def test_a_records_purpose_is_its_reason(klarsteg: Klarsteg) -> None:
    text = "Typ: Möte\nÄmne: Norrhamns Varv – förhandla nya timpriser\nStart: 2026-03-09 13:00"
    r = klarsteg.score(text, note_date=NOTE_DATE.isoformat())
    assert r.next_step is not None and r.next_step.text == "Möte"
    assert r.reason is not None and (r.reason.text, r.reason.clear) == ("förhandla nya timpriser", True)
    assert (r.verdict, r.score) == ("concrete", 100)


# (note, the span asked about, whether it is an activity the note logs as had), note date 2 March
LOGGED = [
    ("Aktivitet: Besök\nDatum: 2026-03-02\nKund: Bergs Lås\nNotering: tittat på låsen", "Besök", True),
    ("Aktivitet: Besök\nDatum: 2026-02-27\nNotering: tittat på låsen", "Besök", True),
    ("Activity: Site visit\nDate: 02/03/2026\nOutcome: Lost - scope mismatch", "Site visit", True),
    ("Aktivitet: Samtal - Förfaller 02/03/2026 - Sammanfattning: prata m Malin", "Samtal", True),
    ("[Call] 2 Mar 09:15 - Outcome: Left voicemail\n[Email] 2 Mar 09:20 - sent brochure", "Email", True),
    # planned: a day still to come, no day at all, or a record still open
    ("Typ: Möte\nDatum: 2026-03-10 kl 10\nKund: Berg AB", "Möte", False),
    ("Typ: Möte\nKund: Berg AB", "Möte", False),
    ("Type: Call\nSubject: Chase the PO\nDue: 27/02/2026\nStatus: Overdue", "Call", False),
    ("Aktivitet: Besök\nDatum: 2026-02-27\nStatus: Planerad", "Besök", False),
    # the next activity's field, and a span that is not the type
    ("Nästa aktivitet: Samtal\nDatum: 2026-03-02", "Samtal", False),
    ("Aktivitet: Besök\nDatum: 2026-03-02\nNotering: Bengt vill ha offert", "vill ha offert", False),
    ("[Task] 2 Mar - call Derek again Fri", "call Derek again", False),
]


@pytest.mark.parametrize(("text", "phrase", "expected"), LOGGED, ids=[x[0][:40] for x in LOGGED])
def test_logged_activity(text: str, phrase: str, expected: bool) -> None:
    start = text.index(phrase)
    mentions = find_times(text, NOTE_DATE)
    got = logged_activity(text, fold_same_length(text), (start, start + len(phrase)), mentions, NOTE_DATE)
    assert got is expected


# A logged activity's type is no step; the note's step, if any, is elsewhere
LOGGED_NOTES = [
    (
        "Aktivitet: Samtal\nDatum: 2026-03-02\nKontakt: Rasmus Holm, Holms Maleri\n"
        "Anteckning: Tel ang reklamation pa fasadfarg. Ersattningsburkar levererade igar, kund nojd. "
        "Arende stangt.\nNasta aktivitet: -",
        None,
        None,
    ),
    (
        "Aktivitet: Besök\nDatum: 2026-03-02\nKund: Lunds Snickeri\n"
        "Notering: gick igenom maskinparken, allt ok. Inga behov just nu.",
        None,
        None,
    ),
    (
        "[Call] 2 Mar 09:15 - Outcome: Left voicemail\n"
        "[Email] 2 Mar 09:20 - sent brochure + Q2 availability to Derek (Pinecrest Robotics)\n"
        "[Task] call Derek again Fri",
        "call Derek again",
        ("date", "2026-03-06"),
    ),
]


@pytest.mark.parametrize(("text", "step", "when"), LOGGED_NOTES, ids=[x[0][:40] for x in LOGGED_NOTES])
def test_logged_activity_is_no_step(klarsteg: Klarsteg, text: str, step: str | None, when) -> None:
    r = klarsteg.score(text, note_date=NOTE_DATE.isoformat())
    assert (
        r.next_step.text if r.next_step else None,
        (r.when.granularity, r.when.value) if r.when else None,
    ) == (
        step,
        when,
    )


@pytest.mark.parametrize(
    ("text", "step", "expected"),
    [
        ("Typ: Möte\nÄmne: Uppstartsmöte Frölunda Simhall - nya rutiner", "Möte", "Uppstartsmöte"),
        ("Subject: Follow-up call\nType: Call\nStatus: Planned", "Call", "Follow-up call"),
        # a subject that names no activity, or a step that is not the type
        ("Typ: Möte\nÄmne: Norrhamns Varv – förhandla serviceavtal", "Möte", None),
        ("Subject: Follow-up call\nType: Call", "Follow-up call", None),
        ("Type: Call\nNotes: call Per", "Call", None),
    ],
)
def test_subject_over_type(text: str, step: str, expected: str | None) -> None:
    start = text.index(step, text.index(":"))
    found = subject_over_type(
        text, fold_same_length(text), (start, start + len(step)), find_times(text, NOTE_DATE)
    )
    assert (text[found[0] : found[1]] if found else None) == expected
