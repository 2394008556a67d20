"""What a step candidate cannot be, whatever proposed it: a record of what was had or held
(*Had a call today*, *Demo done 9:30*, *Quote sent*), a span that says nothing (a lone *-* or
*us*), a contact refused or denied (*Vill inte bli kontaktade igen*, *Nobody asked for samples*),
an item marked internal or a next internal meeting, the title of minutes, a send the note later
says is done. :func:`never_a_step` asks all of them; the pipeline and the step ranker's training
rows drop such candidates. Also here: how a note opens (internal, a to-do list). Whose a step
is lives in :mod:`model.owners`.
"""

from __future__ import annotations

import functools
import re

from model.text import fold, fold_same_length
from model.when.lexicon import WEEKDAY_FULL, sv
from model.zones import in_zones, signature_zones

Span = tuple[int, int]

_WORD = re.compile(r"\w+")
# What says a thing was sent (folded): a request answered, a candidate that is a record
_SENT_WORDS = (
    r"sent|emailed|mailed|skickat|skickad|skickade|skickades|mejlat|mejlad|mejlade|mailat|mailade|"
    r"delivered|levererad|levererat"
)


# What a note says was had, held, cancelled or turned down is a record of it, never a next step
# ("Had a call today", "Hade ett möte med Per", "Customer cancelled the demo scheduled for
# tomorrow", "avbokade mötet"): no annotated step is the object of these verbs. (Not
# "postponed" or "rescheduled": what is moved still happens.)
_RECORD_VERB = (
    r"had|hade|haft|held|höll|cancell?ed|called\s+off|avbokade|avbokat|ställde\s+in|ställt\s+in"
    r"|declined|turned\s+down"
)
_HAD_BEFORE = re.compile(
    rf"(?i)\b(?:{_RECORD_VERB})\s+(?:(?:a|an|the|our|my|their|ett|en|vårt|vår|mitt|min|deras)\s+)?$"
    # ... or what was begun ("Tors: började ringa de varma", "started to call the leads")
    r"|\b(?:började|borjade|began|started)\s+(?:(?:to|att)\s+)?$"
)
_HAD_START = re.compile(rf"(?i)(?:{_RECORD_VERB})\b")
# ... and a contact the writer reports in the past tense ("Mrs. Sandberg called me today",
# "Ringde Bageri Korngården för att följa upp", "Called him back - booked inspection"): of the
# annotated steps, only one opens so, a call asked for ("Asked to be called back Thursday")
_CONTACTED_START = re.compile(
    r"(?i)(?:called|rang|phoned|texted|spoke|visited|ringde|pratade|talade|träffade|traffade|besökte|besokte)\b"
)
_PASSIVE_BEFORE = re.compile(r"(?i)\b(?:be|been|being|get|got|bli|blir|blev)\s+$")
# What the writer thanks for, or says someone liked, was done ("Thanks for sending that
# through", "Tack för offerten", "We appreciated your demo", "They liked the queue-handling
# demo"): no annotated step follows such words
_THANKS_BEFORE = re.compile(
    r"(?i)\b(?:(?:thanks?\s+(?:you\s+)?for|tack\s+f[öo]r|cheers\s+for)\s+(?:(?:the|your|that|att\s+du|att\s+ni)\s+)?"
    r"|(?:appreciated|enjoyed|liked|loved|gillade|uppskattade|tyckte\s+om)\s+"
    r"(?:(?:the|your|our|that|this|er|din|ditt|vår|vårt|den|det)\s+)?(?:[\w-]+\s+){0,2})$"
)


# ... or what its clause goes on to say went well or is over ("Site visit at Whitecliff on
# Thursday went well", "Demo hos Bageri Vete gick bra", "Meeting closed 4.05pm"): no annotated
# step is followed so
_WENT_AFTER = re.compile(
    r"(?i)[^.;!?\n]{0,60}?\b(?:went|gick|was|were|var|blev)\s+(?:really\s+|very\s+|super\s+|riktigt\s+|"
    r"mycket\s+)?(?:well|bra|fint|great|good|fine|ok|okay|smoothly|a\s+win|lyckat|lyckad|positivt?)\b"
    r"|[^.;!?\n]{0,10}?\b(?:closed|avslutades|ended|finished)\b"
)


# Words one of which each pattern above needs: a window without any is passed over (a search
# that ends at the candidate tries every position of its window)
_HAD_KEYS = (
    "had", "hade", "haft", "held", "höll", "cancel", "called", "avbok", "ställ", "declin", "turned", "börj", "borj",
    "began", "started",
)  # fmt: skip
_THANKS_KEYS = ("than", "tack", "cheers", "apprec", "enjoy", "like", "love", "gilla", "uppskatt", "tyckte")
_WENT_KEYS = ("went", "gick", "was", "were", "var", "blev", "closed", "avslut", "ended", "finished")


# ... or what its clause goes on to say happened or was called off ("the follow-up call we'd
# set for today happened", "was going to meet me on the 26th - cancelled", "Utbildningen skulle
# ske idag – genomfördes kl 10"), with no condition, topic, purpose, negation or new date between
# ("unless it is cancelled", "call Anna re the meeting that was cancelled", "the demo hasn't
# happened yet", "site visit rescheduled - the first date cancelled"): no annotated step is
# followed so.
_HAPPENED_AFTER = re.compile(
    r"(?i)(?:(?!\b(?:if|unless|when|once|in\s+case|om|ifall|såvida|när|nar|otherwise|annars|re|about|"
    r"ang|regarding|kring|that|which|som|why|varför|varfor|whether|huruvida|to|att|wants?|vill|not|never|"
    r"yet|inte|ej|aldrig|\w+n't|resched\w*|moved|postponed|ombokad|ombokat|flyttad|flyttat|new|ny|nytt)\b)"
    r"[^.;!?\n,]){0,40}?\b(?:happened|took\s+place|ägde\s+rum|agde\s+rum|blev\s+av|genomfördes|"
    r"genomfordes|hölls|holls|cancell?ed|called\s+off|avbokades|avbokad|avbokat|ställdes\s+in|"
    r"stalldes\s+in|inställd|inställt|installd|installt)\b"
)
_HAPPENED_KEYS = (
    "happen", "took", "ägde", "agde", "blev", "genomf", "hölls", "holls", "cancel", "called", "avbok", "ställ", "stall"
)  # fmt: skip


def _has_any(text: str, start: int, end: int, keys: tuple[str, ...]) -> bool:
    window = text[max(0, start) : end].lower()
    for key in keys:  # noqa: SIM110 (a loop: a generator in any() costs more than the checks)
        if key in window:
            return True
    return False


def _first_word_end(text: str, span: Span) -> int:
    """Where the candidate's first word ends ("Meeting" of "Meeting closed")."""
    m = _WORD.search(text, span[0], span[1])
    return m.end() if m else span[1]


# A logged activity's status after it on its line: "Meeting to plan next steps - Status: Held",
# "Task: Send W-9 ... Status: Completed", "[Call] 02/03 - Held - spoke w/ Arlo", "circulate
# slides (done in meeting)". No annotated step comes before such a status on its line (8 come
# after it: "Call - Not Held, ops mgr out sick. Resched for 5/27").
_HELD_KEYS = ("held", "complet", "done", "genomf", "utförd", "utford", "avklarad", "gjort", "klar")
_HELD_AFTER = re.compile(
    r"(?i)(?:\bstatus\s*:|\bstate\s*:|\s[-–|]|\()\s*(?:not\s+held|held|completed|done|genomförd|"
    r"genomfört|genomford|genomfort|utförd|utford|avklarad|gjort|klart)\b"
)
# ... or a done word later in its clause, with nothing between that puts it ahead
# ("Platsbesök hos Stenby Skolor gjort", "demo at Klinkhamer done 9:30"; not "to be done")
_DONE_IN_CLAUSE = re.compile(
    r"(?i)(?:(?!\b(?:be|been|bli|vara|to|ska|will|when|once|när|nar|if|om|innan|before|until|tills|by)\b)"
    r"[^.;!?\n,]){0,48}?\s(?:done|gjort|completed|genomförd|genomfört|utförd|avklarad)\b"
)


# ... or the outcome of an unanswered attempt right after it ("18/2 10:05 Ring igen – inget
# svar", "Call - no answer"): 2 of the 296 annotated calls followed so hold the step
_NO_ANSWER_AFTER = re.compile(
    r"(?i)[ \t]*[-–:,|][ \t]*(?:inget svar|ej svar|upptaget|no answer|voicemail|left (?:a )?(?:message|vm|voicemail)|"
    r"busy|svarar ej|svarar inte|svarade inte|röstbrevlåda|rostbrevlada|vm)\b"
)


def _held_after(text: str, end: int) -> bool:
    """Whether the rest of the candidate's line gives it a status of held or done."""
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    if end <= _last_status_starts(text).get(line_end, -1):
        return True
    # a done word within 58 characters of the candidate (the clause pattern's reach), which
    # holds one of the keys: without a key in that window, no match
    return (
        _has_any(text, end, min(line_end, end + 64), _HELD_KEYS)
        and _DONE_IN_CLAUSE.match(text, end, line_end) is not None
    )


@functools.lru_cache(maxsize=16)
def _last_status_starts(text: str) -> dict[int, int]:
    """Per line with a status (keyed by where the line ends), the last position where
    ``_HELD_AFTER`` matches within the line. A search from ``end`` finds a match exactly when
    ``end`` is at or before that position (a match at a position does not depend on where the
    search began): one pass over the note instead of one per step candidate."""
    out: dict[int, int] = {}
    start = 0
    while start <= len(text):
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        m = _HELD_AFTER.search(text, start, line_end) if _has_any(text, start, line_end, _HELD_KEYS) else None
        while m is not None:
            out[line_end] = m.start()
            m = _HELD_AFTER.search(text, m.start() + 1, line_end)
        start = line_end + 1
    return out


# A line labelled as done ("Genomfört: onboarding call m. ...", "Utfört: leverans ...",
# "Completed: demo"): what it names was had (no annotated step is on such a line)
_DONE_LABEL = re.compile(
    r"(?i)[ \t\-*•]*(?:genomfört|genomfort|genomförd|genomford|utfört|utfort|avklarat|avklarad|done|completed|held)"
    r"[ \t]*:"
)
# ... or ticked off: a line that opens with a check mark ("✔ Security review by their IT –
# 12.12.", "[x] skicka offert"), as an action plan marks what is done (no annotated step is on one)
_TICKED_LINE = re.compile(r"(?i)[ \t\-*•]*(?:[✔✓☑✅]|\[x\])")


# A logged call opening its line, the name and its company then a dash, colon or comma ("Tel m
# Oskar (Lidbergs Dryck) – vill ha quote ...", "Samtal med Per Ek, ..."): the call that was had.
# None of the 81 annotated lines opening with "Tel/Samtal m(ed) <Name>" holds a gold step; a
# call still planned names its day instead ("Samtal med Jonas fredag kl 10")
_LOGGED_CALL = re.compile(
    r"[ \t\-*•]*(?:\d{1,2}/\d{1,2}[ \t]+)?(?P<w>Tel|Tfn|Samtal|Telefon)[ \t]+(?:(?:m|med|m\.)[ \t]+)?"
    r"[A-ZÅÄÖ][\w.'’-]*(?:[ \t]+[A-ZÅÄÖ][\w.'’-]*){0,2}(?:[ \t]*\([^)\n]{1,60}\))?[ \t]*[–\-:,]"
)


def _logged_call_at(text: str, line_start: int, start: int) -> bool:
    """Whether ``start`` is the call word of a logged call opening its line."""
    if text[start : start + 1] not in "TS":
        return False
    m = _LOGGED_CALL.match(text, line_start)
    return m is not None and m.start("w") == start


def is_record(text: str, span: Span) -> bool:
    """Whether a step candidate is what the note says was had or held: it starts with the verb
    or is its object ("Had a call today"), it starts with a contact reported in the past tense
    ("Ringde Per"), is thanked for or liked, its clause says it went well, ended, happened or was
    called off, or its line gives it a status of held or done or ticks it off."""
    start, end = span
    line_start = text.rfind("\n", 0, start) + 1
    return bool(
        _held_after(text, end)
        or _NO_ANSWER_AFTER.match(text, end) is not None
        or (text.find(":", line_start, start) >= 0 and _DONE_LABEL.match(text, line_start) is not None)
        or _TICKED_LINE.match(text, line_start) is not None
        or _logged_call_at(text, line_start, start)
        or _HAD_START.match(text, start)
        or (
            _CONTACTED_START.match(text, start)
            and not _PASSIVE_BEFORE.search(text, max(0, start - 12), start)
        )
        or _SENT_START.match(text, start)
        or (
            _has_any(text, start - 24, start, _HAD_KEYS)
            and _HAD_BEFORE.search(text, max(0, start - 24), start)
        )
        or _thanked_right_before(text, start)
        or (
            _has_any(text, start, end + 80, _WENT_KEYS)
            and (_WENT_AFTER.match(text, end) or _WENT_AFTER.match(text, _first_word_end(text, span)))
        )
        or (_has_any(text, end, end + 60, _HAPPENED_KEYS) and _HAPPENED_AFTER.match(text, end) is not None)
        or (
            _has_any(text, start, end + 48, _SENT_KEYS)
            and (_SENT_AFTER.match(text, end) or _SENT_AFTER.match(text, _first_word_end(text, span)))
            and not _has_any(text, start, end, ("want", "vill", "ask", "need", "behöv"))
        )
    )


# ... or its clause goes on to say it was sent ("Quote for 200 keg couplers sent to Delia",
# "Offerten skickad till Per"), with no condition or wish between ("once the quote is sent",
# "wants samples sent to the office")
_SENT_AFTER = re.compile(
    r"(?i)(?:(?!\b(?:when|once|after|if|när|nar|efter|om|innan|before|wants?|vill|on|re|about|regarding|ang|kring|"
    r"will|ska|skall|shall|be|bli|blir)\b)[^.;!?\n,])"
    rf"{{0,40}}?\b(?:{_SENT_WORDS})\b"
)
_SENT_KEYS = ("sent", "skick", "mailed", "mejla", "deliver", "leverer")
# ... or it opens with one and names what was sent ("Skickade skissen + offert till Stina",
# "Sent the SOW"; not "emailed by Wednesday", what a request wants done), unless what was sent
# is an invitation to what comes ("sent an invite for Friday"): of 2 annotated steps that open
# so, both are invitations
_SENT_START = re.compile(
    rf"(?i)(?:{_SENT_WORDS})\s+(?!by\b|till\b|to\b|senast\b|innan\b|before\b|on\b|pa\b|på\b|\d)\w"
    r"(?!(?:[\w-]*\s+){0,3}[\w-]*(?:invite|invitation|inbjudan|kallelse|calendar|meeting\s+request))"
)


# Words that name no action: a span of only these (or of punctuation) says nothing.
_NO_ACTION_WORDS = frozenset(
    ["i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "jag", "mig",
     "vi", "oss", "du", "dig", "ni", "er", "han", "honom", "hon", "henne", "den", "det", "de", "dem",
     "dom",
     # ... and modal verbs, whose action is the word after them (a tagger's peak on "vill")
     "vill", "ska", "kan", "måste", "behöver", "skulle", "want", "wants", "will", "would", "can",
     "should", "must", "may", "need", "needs", "ll", "d"]
)  # fmt: skip


# A span that opens with a conjunction is the second half of a phrase the tagger cut ("and
# payment terms" of "answer Mette on price and payment terms"): no annotated step opens so
_CONJUNCTION_START = re.compile(r"(?i)(?:and|och|or|eller|but|men|o)(?=\s)")  # (not "O'Brien")


# A date field's label ("Follow-up date:", "Next action date:", "Due:"): the field's value is a
# when, the label no step (no annotated step is one)
_DATE_LABEL = re.compile(r"(?i)(?:[\w/-]+[ \t]+){0,3}(?:date|datum|due|deadline)[ \t]*:")


def _date_number(text: str, span: Span) -> bool:
    """Whether a candidate is a day's or a month's number in a date ("8.2", "1/6")."""
    s, e = span
    if not (0 < e - s <= 2 and text[s:e].isdigit()):
        return False
    return (s >= 2 and text[s - 1] in "./" and text[s - 2].isdigit()) or (
        e + 1 < len(text) and text[e] in "./" and text[e + 1].isdigit()
    )


def says_nothing(text: str, span: Span) -> bool:
    """Whether a step candidate is only punctuation, pronouns or modal verbs (a tagger's peak
    on "-", "us" or "vill"), a number of a date (the "2" of a diary's "8.2 Mon"), opens with a
    conjunction, or is a date field's label: no step."""
    if _CONJUNCTION_START.match(text, span[0]):
        return True
    label = _DATE_LABEL.match(text, span[0])
    if label is not None and span[1] <= label.end():
        return True
    if _date_number(text, span):
        return True
    return all(w.lower() in _NO_ACTION_WORDS for w in _WORD.findall(text, span[0], span[1]))


# What the customer forbids: "ring inte igen", "don't call us again", "kontakta oss inte mer",
# "asked us not to ring again"
_NEVER_AGAIN = re.compile(
    r"(?i)\b(?:\w+\s+(?:\w+\s+)?(?:inte|ej)|don'?t|do not|not to|never|aldrig)\s+(?:\w+\s+){0,2}?"
    r"(?:igen|mer|längre|again|anymore|any more)\b"
)


_AGAIN_WORDS = ("igen", "mer", "längre", "again", "any")


# A polite close: "We will keep you in mind", "we'll keep your details on file" (no annotated
# step is one; 13 of 18 notes with one have no step)
_KEPT_IN_MIND = re.compile(
    r"(?i)[^.\n]{0,20}?\bkeep\s+(?:you|your\s+\w+|us|it|them)\s+(?:in\s+mind|on\s+file)"
)


def is_refused(text: str, span: Span) -> bool:
    """Whether a step candidate is a contact the note says must not happen again ("Ring inte
    igen", "Don't call us again"), or a polite close ("We will keep you in mind")."""
    if _KEPT_IN_MIND.match(text, span[0]):
        return True
    start, end = max(0, span[0] - 12), min(len(text), span[1] + 16)
    window = text[start:end].lower()
    if not any(word in window for word in _AGAIN_WORDS):  # (cheaper than the pattern)
        return False
    return bool(_NEVER_AGAIN.search(window))


# An item marked as internal: "Mattias: book travel (internal)", "demo för säljarna 21/9
# (internt)", "Internt: kolla lager": the marker closes the item's clause, or labels its line
_INTERNAL_AFTER = re.compile(r"(?i)[^,;.\n]*?\((?:internal|internt|intern|internally|in-house)\)")
_INTERNAL_LABEL = re.compile(r"(?im)^[ \t\-*•\d.)]*(?:internal|internt|intern)[ \t]*:[^\n.]*")


# The team's own meetings ("prep for Mon team mtg", "säljmöte 14/4", "pipeline review w/
# Niamh"): no annotated step overlaps one (0 of 278; the customer's "ledningsgrupp" is not one,
# nor a "sales call", which is often the customer's)
_TEAM_MEETING = re.compile(
    r"(?i)\b(?:team|staff|internal|pipeline|forecast|säljteam|sälj|intern|personal)[\s-]*"
    r"(?:mtg|meeting|möte|call|sync|huddle|review)|\b(?:säljmöte\w*|teammöte\w*|personalmöte\w*|"
    r"veckomöte\w*|internmöte\w*)\b"
)


_TEAM_KEYS = ("team", "staff", "intern", "pipeline", "forecast", "sälj", "personal", "vecko")


# A reminder the rep sets for themself ("påminn mig på måndag att fakturan ...", "remind me to
# ping Darnell"): never the step itself (no annotated step is; what it reminds of may be)
_REMIND_ME = re.compile(r"(?i)(?:påminn|paminn|remind)\s+(?:mig|me)\b")


def is_internal(text: str, span: Span) -> bool:
    """Whether a step candidate is an item the note marks as internal (no contact with the
    customer): a "(internal)" after it in its clause, an "Internt:" label opening its line
    with no sentence end between, the team's own meeting, or a reminder to self."""
    start, end = span
    if _REMIND_ME.match(text, start):
        return True
    if _has_any(text, start - 20, end + 20, _TEAM_KEYS):
        for m in _TEAM_MEETING.finditer(text, max(0, start - 20), min(len(text), end + 20)):
            if m.start() < end and start < m.end():
                return True
    if "ntern" not in text and "n-house" not in text:  # (cheaper than the patterns)
        return False
    if _INTERNAL_AFTER.match(text, span[1]):
        return True
    line_start = text.rfind("\n", 0, span[0]) + 1
    label = _INTERNAL_LABEL.match(text, line_start)
    return label is not None and label.end() >= span[1]


# What the note says there is none of: "No further follow-up on this project", "inget möte
# bokat", "nothing booked", "Nothing to follow up", "inget mer att följa upp", "Follow-up: none
# set": no annotated step follows such a word, starts with one or is such a label
_NONE_BEFORE = re.compile(
    r"(?i)\b(?:(?:no|nothing|ingen|inget|inga|ej|not\s+a|not\s+any|without|utan)\s+"
    r"(?:further\s+|more\s+|other\s+|new\s+|mer\s+|fler\s+|ny\s+|nytt\s+|nya\s+|vidare\s+)?"
    r"|(?:nothing|inget)\s+(?:more\s+|else\s+|further\s+|mer\s+|mera\s+)?(?:to|att)\s+)$"
)
_NONE_KEYS = ("no", "ing", "ej", "without", "utan")
_NONE_START = re.compile(r"(?i)(?:no|nothing|ingen|inget|inga|ej|not)\b")
# A label whose field is empty: "Follow-up: none set", "Nästa steg: -", "Next step: TBD"
_NONE_VALUE = re.compile(
    r"(?im)[ \t]*:[ \t]*(?:none|no|nothing|n/?a|-|–|inget|ingen|inga|nej|ej|saknas|not set|tbd|tba)"
    r"(?:[ \t]+(?:set|planned|agreed|booked|yet|satt|planerad|bokad|bokat|än))?[ \t]*(?:$|[.,;(])"
)


# A negation inside the candidate ("hör inte av mig i år", "won't call"): no annotated step
# holds one
_NEGATION = re.compile(r"(?i)\b(?:inte|ej|not|never|aldrig)\b|n[’']t\b")


def is_denied(text: str, span: Span) -> bool:
    """Whether a step candidate is what the note says there is none of, is negated, or is a
    label whose field says so."""
    start = span[0]
    return bool(
        _NONE_START.match(text, start)
        or _NEGATION.search(text, start, span[1])
        or (
            _has_any(text, start - 24, start, _NONE_KEYS)
            and _NONE_BEFORE.search(text, max(0, start - 24), start)
        )
        or _NONE_VALUE.match(text, span[1])
    )


# The title line of minutes names the meeting they record ("Minutes – Harwick Marine, Teams
# call", "Protokoll styrgruppsmöte 5/3"): no annotated step is on it (186 notes open so)
_MINUTES_TITLE = re.compile(
    r"(?i)[ \t]*(?:minutes|meeting\s+minutes|call\s+minutes|meeting\s+notes|mötesanteckningar|"
    r"motesanteckningar|anteckningar|minnesanteckningar|protokoll|notes\s+from)\b[^\n]*"
)


# ... or any title line with the attendees listed under it ("Teams-möte Borås Elnät AB" /
# "Deltagare: ..."): 707 of 709 annotated notes so have no step on it; the two that do are
# an invitation and a meeting scheduled, which the title's label says
ATTENDEE_LABEL = (  # the label of a line of attendees (shared with model.owners)
    r"[ \t]*(?:deltagare|närvarande|narvarande|närv|narv|deltog|attendees|participants|present|on\s+the\s+call"
    r"|in\s+the\s+room|på\s+mötet|pa\s+motet)[ \t]*:"
)
_ATTENDEES_UNDER = re.compile(
    rf"[^\n]*\n(?:[^\n]*\n)?{ATTENDEE_LABEL}",
    re.IGNORECASE,
)
_INVITATION = re.compile(
    r"(?i)[ \t]*(?:subject|ämne|amne|invitation|inbjudan|meeting\s+scheduled|scheduled|booked|bokat)\b"
)


# An e-mail header's line ("From: bookings form", "Till: Per Ek"): no annotated step is on one
_HEADER_LINE = re.compile(
    r"(?i)[ \t>]*(?:from|to|cc|bcc|sent|från|fran|till|kopia|skickat|date|datum)[ \t]*:"
)


_ATTENDEE_LINE = re.compile(ATTENDEE_LABEL, re.IGNORECASE)


def on_header_line(text: str, span: Span) -> bool:
    """Whether a step candidate is on a line of an e-mail's header, or is the label of a line of
    attendees."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    colon = text.find(":", line_start)
    line_end = text.find("\n", line_start)
    if colon < 0 or 0 <= line_end < colon:
        return False  # (no label on the line: most candidates, at once)
    if colon >= span[0]:  # "On the call: Marcus, Wen, Leah": who was there, not what comes next
        label = _ATTENDEE_LINE.match(text, line_start)
        return label is not None and span[0] < label.end()
    return _HEADER_LINE.match(text, line_start) is not None


def in_minutes_title(text: str, span: Span) -> bool:
    """Whether a step candidate is on the title line that opens a note's minutes."""
    m = _MINUTES_TITLE.match(text)
    if m is not None:
        return span[0] < m.end()
    line_end = text.find("\n")
    return (
        0 <= span[0] < line_end
        and _ATTENDEES_UNDER.match(text) is not None
        and _INVITATION.match(text) is None
    )


# A note that opens by saying it is internal ("Internt möte – ...", "Internal: ask finance ...",
# "Intern genomgång med ...", "Internmöte Sthlm-kontoret") records work with no customer
# contact: 87 of the 88 annotated notes that open so have no step
_OPENS_INTERNAL = re.compile(r"(?i)[ \t#*\[(]*(?:internt?|internal|interna|internm[öo]te\w*)\b")


# A to-do list's header ("Att göra:", "Till mån:", "To-do for December:", "Callbacks this wk"):
# its items are the rep's tasks, the first for a customer usually the step (58 of 76 annotated
# notes that open so have one)
_OPENS_TODO = re.compile(
    r"\W*(?:att gora|to-?do|todo|imorgon|imorn|till (?:man|tis|ons|tors|fre)\w*|tomorrow|this week|"
    r"denna vecka|idag|today|plan|mellandagar|lista att|callbacks?|open items|leftovers|veckans)\b[^\n]{0,40}\n"
)


def opens_todo(text: str) -> bool:
    """Whether the note opens with a to-do list's header line."""
    return _OPENS_TODO.match(fold(text[:64])) is not None


def opens_internal(text: str) -> bool:
    """Whether the note opens by saying it is internal."""
    return _OPENS_INTERNAL.match(text) is not None


# A next-step field that says there is none ("Nästa steg: inget", "Next step: none"); an
# unfilled one ("Uppföljning: -", "Next step: TBD") says nothing (the body may still hold a step)
_NO_STEP_FIELD = re.compile(
    r"(?im)^[ \t]*(?:[-*•][ \t]*)?(?:next[ \t]+(?:steps?|action|activity)|nästa[ \t]+(?:steg|aktivitet)|"
    r"nasta[ \t]+(?:steg|aktivitet)|follow[- ]?up|uppföljning|uppfoljning)[ \t]*:[ \t]*"
    r"(?:none|nothing|n/?a|inget|ingen|inga|nej|saknas)[ \t]*(?:$|[.,;(])"
)


def states_no_step(text: str) -> bool:
    """Whether the note's next-step field says there is none: every annotated note with such a
    field has no step (18 of 18)."""
    return ":" in text and _NO_STEP_FIELD.search(text) is not None


# In the minutes of an internal or board meeting ("Protokoll kreditgrupp", "Minnesanteckningar
# ledningsgrupp", "Board meeting - ...", "Weekly sales mtg"), the line naming the next such
# meeting ("Nästa möte 28/3 kl 10", "4. Next board meeting 8 Dec") is no contact with the
# customer: 0 of 15 such lines in the annotated notes hold the step
_INTERNAL_TITLE = re.compile(
    r"\b(?:ledningsgrupp\w*|kreditgrupp\w*|kreditkommitt\w*|saljmote\w*|veckomote\w*|teammote\w*|"
    r"personalmote\w*|saljgrupp\w*|sales (?:meeting|mtg)|team (?:meeting|mtg)|weekly|pipeline review|"
    r"forecast|internal|intern|internt|styrelse\w*|board)\b"
)
_NEXT_MEETING_LINE = re.compile(
    r"[ \t>*•\-\d.)§]*(?:nasta|next)\s+(?:\w+\s+){0,2}?(?:mote|meeting|mtg|sync|call|styrgrupp)\b"
)


def is_next_internal_meeting(text: str, span: Span) -> bool:
    """Whether a candidate is on the line naming the next meeting in the minutes of an internal
    or board meeting (the first line says which)."""
    first_end = text.find("\n")
    if first_end < 0 or span[0] <= first_end:
        return False
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[0])
    line = fold(text[line_start : len(text) if line_end < 0 else line_end])
    return (
        _NEXT_MEETING_LINE.match(line) is not None
        and _INTERNAL_TITLE.search(fold(text[:first_end])) is not None
    )


# The customer's own meeting, or someone being in one ("Karin tar det på deras möte nästa vecka",
# "at their board meeting", "VD sitter i möte hela dagen"): no contact of ours. 0 of the 74
# such phrases in the annotated notes is the step (2 steps attend or present at one: those stay)
_THEIR_MEETING = re.compile(
    r"(?:\b(?:pa|at|in|i|till|to)\s+)?(?:\b(?:deras|their|sin|sitt|hans|hennes|his|her)\s+(?:\w+\s+)?"
    r"|\b(?:sitter|ar|is|was|were|satt|var)\s+(?:\w+\s+)?(?:i|in)\s+(?:ett\s+|a\s+)?)"
    r"(?:mote|meeting|mtg|styrelsemote|board\s+meeting)\b"
)

_MEETING_KEYS = ("möte", "mote", "meeting", "mtg")

# ... unless we attend or present there ("Jag är med på deras styrelsemöte tors 11/3"; also what
# makes the customer's meeting the step's own place in the when choice: "present ... to the board")
ATTENDS = re.compile(
    r"(?i)\b(?:är med|ar med|vara med|med på|med pa|present|presentera|join|attend|delta|närvar|narvar|pitch|visa)"
)


def in_their_meeting(text: str, span: Span) -> bool:
    """Whether a candidate lies within a phrase naming the customer's own meeting or someone
    being in a meeting."""
    offset = max(0, span[0] - 40)
    if not _has_any(text, offset, span[1] + 2, _MEETING_KEYS):
        return False
    window = fold_same_length(text[offset : span[1] + 2])
    return any(
        m.start() + offset <= span[0]
        and span[1] <= m.end() + offset
        and ATTENDS.search(window, max(0, m.start() - 25), m.start()) is None
        for m in _THEIR_MEETING.finditer(window)
    )


# A send the note later says is done ("he said send info and he'll take a look. Sent.",
# "Mejla offerten till Per - skickat"): 0 of 13 such candidates in the annotated notes is the step
_SEND_START = re.compile(r"(?i)(?:send|skicka|mail|mejla|email|e-mail)")
_DONE_LATER = re.compile(
    rf"(?i)(?:^|[.!;]\s*|\s[-–]\s)(?:{_SENT_WORDS}|done|klart|fixat)"
    r"\s*(?:it|den|det)?\s*(?:[.!]|$)",
    re.MULTILINE,
)


def is_done_later(text: str, span: Span) -> bool:
    """Whether a send candidate is followed, later in the note, by a sentence saying it is done."""
    return _SEND_START.match(text, span[0]) is not None and span[1] <= _last_done_start(text)


@functools.lru_cache(maxsize=16)
def _last_done_start(text: str) -> int:
    """The last position where ``_DONE_LATER`` matches (-1: none): a search from ``pos`` finds
    a match exactly when ``pos`` is at or before it. One pass over the note, not one per send."""
    last = -1
    m = _DONE_LATER.search(text)
    while m is not None:
        last = m.start()
        m = _DONE_LATER.search(text, last + 1)
    return last


# A contact preference ("best to call after 4pm", "prefers texts", "bäst att nå honom på mejl",
# "föredrar mejl"): how to reach someone, not a contact to come. Of 48 annotated notes with
# one, 43 have no step and 1 has its step inside it (a "Best time to call:" field, which a colon
# makes a field, not a preference)
_PREFERENCE = re.compile(
    r"(?i)\b(?:best (?:to|time to) (?:call|reach|ring|catch)|easiest to (?:reach|catch|get)|"
    r"bäst att (?:ringa|nå|na|mejla|maila)|bast att (?:ringa|na|mejla)|nås bäst|nas bast|"
    r"prefers? (?:to be|calls|texts?|email|e-mail|mail|a call)|föredrar|foredrar|"
    r"likes? (?:texts?|emails?|calls?)|(?:would|'d) rather (?:text|email|e-mail))\b(?![ \t]*:)"
)
_CLAUSE_BREAK = re.compile(r"[.,;!?\n]|\s[-–]\s")
# ... unless the clause names a day: "best to call him Tuesday" plans a call
_DAY_NAMED = re.compile(
    sv(
        rf"\b(?:{WEEKDAY_FULL}|tomorrow|imorgon|imorn|idag|today|next\s+week|nästa\s+vecka)\b|\d{{1,2}}[/.]\d{{1,2}}"
    ),
    re.IGNORECASE,
)
_PREFERENCE_KEYS = (
    "best",
    "bäst",
    "bast",
    "easiest",
    "nås",
    "nas",
    "prefer",
    "föredrar",
    "foredrar",
    "like",
    "rather",
)


def in_preference(text: str, span: Span) -> bool:
    """Whether a step candidate lies in a contact preference's clause (from the preference to
    the next comma, dash or sentence end)."""
    return in_zones(span, _preference_clauses(text))


@functools.lru_cache(maxsize=16)
def _preference_clauses(text: str) -> tuple[Span, ...]:
    """The note's contact preferences' clauses, found once per note (the step choice asks for
    each of its candidates)."""
    low = text.lower()
    if not any(key in low for key in _PREFERENCE_KEYS):
        return ()
    out = []
    for m in _PREFERENCE.finditer(text):
        end = _CLAUSE_BREAK.search(text, m.end())
        clause_end = end.start() if end else len(text)
        if _DAY_NAMED.search(text, m.end(), clause_end) is None:
            out.append((m.start(), clause_end))
    return tuple(out)


# What the rep brings along to a meeting the note has named ("Thursday at 2pm works for the site
# visit. I'll have our supervisor there too", "confirmed for the lunch and learn ... I'll bring
# lunch for 14"): part of that meeting, not a step of its own. A thing brought or had to someone
# ("I'll bring them to your office Friday", "I'll have the quote over to you") is one.
_BRING = re.compile(r"(?i)(?:i'll|i’ll|i will|we'll|we’ll|we will)[ \t]+(?:bring|have)\b")
_BRING_TO = re.compile(
    r"(?i)\b(?:to|over|across|round|with (?:him|her|them|you)|drop\w*|send\w*|call|meeting|mtg|chat|look)\b"
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_MEETING_BEFORE = re.compile(
    r"(?i)\b(?:call|meeting|mtg|visit|demo|viewing|lunch|qbr|session|training|walk-?through|signing|kick-?off)\b"
)


def brought_along(text: str, span: Span) -> bool:
    """Whether a step candidate is what the rep brings along to a meeting named before it."""
    m = _BRING.match(text, span[0])
    if m is None:
        return False
    end = _SENTENCE_END.search(text, m.end())
    rest = text[m.end() : end.start() if end else len(text)]
    return _BRING_TO.search(rest) is None and _MEETING_BEFORE.search(text, 0, span[0]) is not None


# A message's sign-off ("Skickar ny bekräftelse idag. Hörs!", "... Talk soon."): the step only
# where the note names no other (4 of the 9 annotated sign-offs are the step, all alone)
_SIGN_OFF = re.compile(r"(?i)(?:vi\s+)?(?:hörs|hors)(?:\s+(?:snart|då|da))?|talk\s+soon|speak\s+soon")
_SIGN_OFF_END = re.compile(r"[ \t]*(?:[!.]|$|\n|[^\w\s,;:(]{1,3}[ \t]*(?:$|\n))")


# A contact the note invites ("Ring mig", "let me know", "hör av dig", "get in touch", "mejla
# mig"), not one the rep promises ("hör av mig")
CONTACT_ASK = (
    r"(?:ring|call|contact|kontakta|mejla|maila|email|e-mail|phone|text|sms:a)\s+(?:mig|oss|me|us)|"
    r"(?:hör|hor)\s+(?:gärna\s+|garna\s+)?av\s+(?:dig|er)|get\s+in\s+touch|let\s+(?:me|us)\s+know|"
    r"give\s+(?:me|us)\s+a|drop\s+(?:me|us)|shout"
)
_CONTACT_OPENS = re.compile(rf"(?i)(?:{CONTACT_ASK})\b")
# A courtesy offer ("Ring mig om tiden inte passar", "let me know if you have any
# questions", "hör av dig om du undrar något"): 23 annotated notes with one have their step
# elsewhere, none is it
_COURTESY = re.compile(
    r"(?i)\b(?:om|if|ifall|in\s+case|should)\s+(?:du|ni|you|anything|any|there|tiden|något|nagot|"
    r"frågor|fragor|questions|the\s+time)\b"
)


def signs_off(text: str, span: Span) -> bool:
    """Whether a step candidate is a message's sign-off or a courtesy offer, which yields to
    another candidate."""
    m = _SIGN_OFF.match(text, span[0])
    if m is not None and m.end() >= span[1] and _SIGN_OFF_END.match(text, m.end()) is not None:
        return True
    if _CONTACT_OPENS.match(text, span[0]) is None:
        return False
    stop = _SENTENCE_END.search(text, span[0])
    return _COURTESY.search(text, span[0], min(stop.start() if stop else len(text), span[1] + 40)) is not None


def never_a_step(text: str, span: Span) -> bool:
    """Whether a step candidate, from any source, cannot be the step: a record of what was had
    or held, a contact refused or denied, an item marked internal, the title of minutes, a line
    of an e-mail's header, a span that says nothing, a line of an e-mail's signature, or a
    contact preference."""
    return (
        is_record(text, span)
        or says_nothing(text, span)
        or is_refused(text, span)
        or is_internal(text, span)
        or is_denied(text, span)
        or in_minutes_title(text, span)
        or on_header_line(text, span)
        or is_next_internal_meeting(text, span)
        or in_their_meeting(text, span)
        or is_done_later(text, span)
        or in_zones(span, signature_zones(text))
        or in_preference(text, span)
    )


def thanked_for(text: str, span: Span) -> bool:
    """Whether a phrase is what the writer thanks for or says someone liked (done: "Tack för
    offerten och för att ni tog fram leasingalternativet")."""
    start = span[0]
    return _thanked_right_before(text, start) or (
        _has_any(text, start - 60, start, _THANKS_KEYS)
        and _THANKS_FOR_DOING.search(text, max(0, start - 60), start) is not None
    )


def _thanked_right_before(text: str, start: int) -> bool:
    """Whether the words right before ``start`` thank for it or say it was liked."""
    return _has_any(text, start - 30, start, _THANKS_KEYS) and (
        _THANKS_BEFORE.search(text, max(0, start - 30), start) is not None
    )


# ... or, later in the thanks, for what they did ("Tack för offerten och för att ni tog fram ...")
_THANKS_FOR_DOING = re.compile(
    r"(?i)\b(?:tack|thanks?)\b[^.!?\n]{0,50}?\b(?:för|for)\s+(?:att\s+)?(?:ni|du|you)?\s*$"
)
