"""Choosing the primary next step among several candidates: a learned ranker.

Real notes hold several step-like phrases: a log's earlier entries ("2025-01-13 Ring igen,
upptagen"), a journal's past days, a list's items for several customers, internal action
items in minutes. The span model proposes candidates; this ranker decides which one is the
note's primary next step from what a reader uses: where the candidate sits (first, last, which
line), what its line says about time (a dated log line in the past, a future date beside it),
the header it falls under ("Next steps:", "Åtgärder:", "Internal:"), and its own words.

It is trained on the annotated notes: the gold step is the positive candidate, and step-like
phrases elsewhere in the note (found by :func:`propose`, a rule that only proposes) are the
negatives. Nothing here is hand-weighted: the rule finds phrases, the model decides.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date

from model.choose import NUMERIC_STAMP, _bucket, period_start
from model.features import SentenceIndex
from model.text import TOKEN_PATTERN, by_first_letter, fold, fold_same_length
from model.tidy import phrase_end
from model.when import TimeMention

Span = tuple[int, int]

# Step-like words, folded (å/ä/ö -> a/o), past and future forms alike: the ranker learns which
# is which. Only for proposing negatives at training time.
_STEP_WORDS = (
    r"ring\w*|call\w*|phone\w*|tel|mejl\w*|mail\w*|email\w*|e-post|skick\w*|send\w*|sent|"
    r"bok\w*|book\w*|mot\w*|meet\w*|mtg|demo\w*|lunch\w*|besok\w*|visit\w*|traff\w*|offert\w*|"
    r"quote\w*|follow[- ]?up|f/u|uppfolj\w*|aterkom\w*|hor\w* av|horas|touch base|check in|"
    r"present\w*|workshop\w*|genomgang\w*|review\w*|chase\w*|jaga|pamin\w*|remind\w*|"
    r"get back|come back|reach out|ping\w*|contact\w*|kontakt\w*|"
    r"recce|survey\w*|inspect\w*|besiktning\w*|trial\w*|pilot\w*|"
    r"coffee|fika|visning\w*|provtur\w*|provkor\w*|avstamning\w*|kick-?off|samtal\w*|"
    r"telefonmote\w*|telmote\w*|kundmote\w*|uppfoljningsmote\w*|teamsmote\w*|uppstartsmote\w*|"
    r"startmote\w*|avstamningsmote\w*|styrgruppsmote\w*|lunchmote\w*|"
    r"try again|try once more|will try|forsok\w* igen|nytt forsok|nasta forsok|"
    r"next attempt|next try|another go|uppring\w*|"
    r"\w+besok\w*|uppf|swing by|drop by|drop in|pop in|go out|head out"
)
# A request for a price or a quote, on the folded text ("vill ha pris pa 2 st", "wants pricing
# on 6 AMRs"): a step by the SPEC, whose words are none of the step words
_REQUEST = re.compile(
    r"\b(?:(?:vill|ville|onskar|ber om|bad om) (?:ha )?(?:\w+ )?"
    r"(?:pris\w*|offf?ert\w*|kalkyl\w*|katalog\w*|referens\w*|broschyr\w*|prover|provex\w*|underlag\w*)"
    r"|(?:want\w*|asked for|asks for|requested|would like) (?:a |an |some |the )?(?:\w+ )?"
    r"(?:pric\w*|quote\w*|qoute\w*|proposal|references?|catalog\w*|brochures?|samples?|case stud\w+|spec sheets?))\b"
)


_PROPOSE = re.compile(rf"\b(?:{by_first_letter(_STEP_WORDS)})\b")  # (same matches)
_NEWLINE = re.compile("\n")
_WORD = re.compile(r"\w+")
_LABEL_END = re.compile(r"\s*(?::|[-–]\s)")
_HEADER = re.compile(r"^\s*([^\n]{1,40}):\s*$|^\s*([A-Za-zÅÄÖåäö][^\n:]{0,30}):\s")


# Step words that are nouns: the step is the word itself ("Möte", "Demo", "Offert").
_NOUN_STEP = re.compile(
    r"(?:mote|motet|meeting|mtg|demo|demon|lunch|offert|offerten|quote|traff|besok|visit|workshop|"
    r"genomgang|presentation|follow[- ]?up|f/u|uppfoljning|recce|survey|inspection|besiktning|trial|"
    r"pilot|coffee|fika|visning|provtur|avstamning|kick-?off|uppstart|samtal|samtalet|"
    r"\w+mote|\w+motet|\w+besok|\w+besoket|uppf|nytt forsok|nasta forsok|next (?:attempt|try)|another go)$"
)


_REQUEST_KEYS = ("vill", "onskar", "ber om", "bad om", "want", "ask", "request", "would like")

_NEGATED = re.compile(r"\b(?:nobody|no one|not|didn't|never|ingen|inte|ej|aldrig)\b[^.\n]*$")
# What says a thing was sent (folded): a request answered, a candidate that is a record
_SENT_WORDS = (
    r"sent|emailed|mailed|skickat|skickad|skickade|skickades|mejlat|mejlad|mejlade|mailat|mailade|"
    r"delivered|levererad|levererat"
)
_SENT = re.compile(rf"\b(?:{_SENT_WORDS})\b")


def _open_request(folded: str, m: re.Match[str]) -> bool:
    """Whether a request is still open: not denied ("Nobody asked for samples") nor answered
    later in the note ("vill ha pris ... / pris skickat")."""
    return not (_NEGATED.search(folded, max(0, m.start() - 24), m.start()) or _SENT.search(folded, m.end()))


def propose(
    text: str, folded: str, mentions: Sequence[TimeMention] = (), requests: bool = False
) -> list[Span]:
    """Step-like phrases: a step word alone when it is a noun, else the word and up to three
    words after it, within its line and before any time expression; with ``requests``, a
    request for a price or a quote too (where nothing else in the note reads as a step, the
    request is: beside a promise, the promise is)."""
    starts = sorted(m.start for m in mentions)
    out: list[Span] = []
    found = list(_PROPOSE.finditer(folded))
    # (the folded text is lower case already: no window to copy and lower-case)
    asked = (
        [m for m in _REQUEST.finditer(folded) if _open_request(folded, m)]
        if requests and any(k in folded for k in _REQUEST_KEYS)
        else []
    )
    if asked:  # a step word inside a request is the request's ("vill ha offert på")
        found = [m for m in found if not any(r.start() <= m.start() < r.end() for r in asked)]
        found = sorted([*asked, *found], key=lambda m: m.start())
    for m in found:
        end = m.end()
        if m.group() == "go out" and folded.startswith((" to tender", " to market"), end):
            continue  # a buyer's tender, not a visit
        if not _NOUN_STEP.match(m.group()):
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            stop = next((s for s in starts if s >= end), line_end)
            for _ in range(3):
                nxt = TOKEN_PATTERN.search(folded, end, min(line_end, stop))
                if nxt is None or not nxt.group()[0].isalnum():
                    break
                end = nxt.end()
        out.append((m.start(), end))
    return out


def request_phrases(text: str, folded: str, mentions: Sequence[TimeMention]) -> list[Span]:
    """The customer's requests for a price, a quote or material ("vill ha pris på 2 st", "wants
    pricing on 6 AMRs"), each to the end of its phrase."""
    if not any(k in folded for k in _REQUEST_KEYS):
        return []
    out = []
    for m in _REQUEST.finditer(folded):
        if not _open_request(folded, m):
            continue
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        end = phrase_end(text, m.end(), line_end, (t.start for t in mentions))
        out.append((m.start(), m.start() + len(text[m.start() : end].rstrip())))
    return out


# A step written after its label: "Next steps discussed: contract review", "Nästa steg är
# en workshop", "Follow-up: send quote"
_LABELLED = re.compile(
    r"(?i)\b(?:next\s+steps?|next\s+action|follow[- ]?up|nästa\s+steg|(?:nästa|nasta|ny|next|new)\s+aktivitet|"
    r"(?:next|new)\s+activity)(?:\s+(?:discussed|agreed))?"
    r"(?:\s*:\s*|\s+(?:is|are|är|will\s+be)\s+)(?P<x>[^\n]{3,120})"
)
_NOTHING = frozenset(
    ["none", "no", "not", "nothing", "unclear", "unknown", "pending", "tbd", "tba", "n/a", "-", "inga", "inget",
     "ingen", "inte", "ej", "oklart", "oklara", "waiting", "wait", "väntar", "vänta", "avvaktar", "avvakta"]
)  # fmt: skip


def labelled_step(text: str, mentions: Sequence[TimeMention] = ()) -> Span | None:
    """The phrase after a next-step label, up to the end of its clause or a time expression;
    None when there is no label, or it says there is nothing ("Next steps: none")."""
    for m in _LABELLED.finditer(text):
        start = m.start("x")
        end = phrase_end(text, start, m.end("x"), (t.start for t in mentions))
        while end > start and text[end - 1] in " ,:-–":
            end -= 1
        words = text[start:end].lower().split()
        if end - start >= 3 and words and words[0] not in _NOTHING:
            return start, end
    return None


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
)
_HAD_START = re.compile(rf"(?i)(?:{_RECORD_VERB})\b")
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
_HAD_KEYS = ("had", "hade", "haft", "held", "höll", "cancel", "called", "avbok", "ställ", "declin", "turned")
_THANKS_KEYS = ("than", "tack", "cheers", "apprec", "enjoy", "like", "love", "gilla", "uppskatt", "tyckte")
_WENT_KEYS = ("went", "gick", "was", "were", "var", "blev", "closed", "avslut", "ended", "finished")


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


def _held_after(text: str, end: int) -> bool:
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    return _has_any(text, end, line_end, _HELD_KEYS) and (
        _HELD_AFTER.search(text, end, line_end) is not None
        or _DONE_IN_CLAUSE.match(text, end, line_end) is not None
    )


# An imperative call opening its line ("Call to discuss renewal terms", "- ring Bosse,
# fakturafelet", "Phone Lisa re the invoice"), not one booked with someone ("Call booked with
# Fiona", "Call w/ Aisha 3pm", "tel ons m Fredrik"): the rep's own to-do. All 224 annotated
# steps of this shape (train, dev, dev_real, extra) are the seller's calls.
_CALL_OPENS = re.compile(
    r"(?i)(?:call|ring|phone|tel|tfn)[ \t]+(?!(?:booked|bokat|bokad|with|w/|med|m|on|in|back|call|tomorrow|tmrw|"
    r"imorn|imorgon|idag|today)\b)(?=[a-zåäö])"
)
_CALL_WITH = re.compile(r"(?i)(?:^|\s)(?:booked|bokat|bokad|with|w/|med|m)(?=\s|$)")
# ... and an imperative send ("Send updated MSA redlines", "skicka offt takpapp", "Mejla Bertil"):
# all 185 annotated steps of this shape are the seller's sends and e-mails
_SEND_OPENS = re.compile(r"(?i)(?:send|skicka|mejla|maila|email|e-mail|mail)[ \t]+(?=[a-zåäö])")
_LINE_LEAD = re.compile(r"[ \t]*(?:[-*•–·]|\d{1,2}[.)]|☐)?[ \t]*")


def imperative_task(text: str, span: Span) -> bool:
    """Whether a step is an imperative send, or call not booked with someone, opening its line:
    the rep's own to-do."""
    start = span[0]
    line_start = text.rfind("\n", 0, start) + 1
    if _LINE_LEAD.match(text, line_start).end() != start:  # type: ignore[union-attr]
        return False
    if _SEND_OPENS.match(text, start):
        return True
    if not _CALL_OPENS.match(text, start):
        return False
    line_end = text.find("\n", start)
    return _CALL_WITH.search(text, start, len(text) if line_end < 0 else line_end) is None


def is_record(text: str, span: Span) -> bool:
    """Whether a step candidate is what the note says was had or held: it starts with the verb
    or is its object ("Had a call today"), is thanked for or liked, its clause says it went
    well or ended, or its line gives it a status of held or done."""
    start, end = span
    return bool(
        _held_after(text, end)
        or _HAD_START.match(text, start)
        or (
            _has_any(text, start - 24, start, _HAD_KEYS)
            and _HAD_BEFORE.search(text, max(0, start - 24), start)
        )
        or (
            _has_any(text, start - 30, start, _THANKS_KEYS)
            and _THANKS_BEFORE.search(text, max(0, start - 30), start)
        )
        or (
            _has_any(text, start, end + 80, _WENT_KEYS)
            and (_WENT_AFTER.match(text, end) or _WENT_AFTER.match(text, _first_word_end(text, span)))
        )
        or (
            _has_any(text, end, end + 48, _SENT_KEYS)
            and _SENT_AFTER.match(text, end) is not None
            and not _has_any(text, start, end, ("want", "vill", "ask", "need", "behöv"))
        )
    )


# ... or its clause goes on to say it was sent ("Quote for 200 keg couplers sent to Delia",
# "Offerten skickad till Per"), with no condition or wish between ("once the quote is sent",
# "wants samples sent to the office")
_SENT_AFTER = re.compile(
    r"(?i)(?:(?!\b(?:when|once|after|if|när|nar|efter|om|innan|before|wants?|vill|on|re|about|regarding|ang|kring)\b)[^.;!?\n,])"
    rf"{{0,40}}?\b(?:{_SENT_WORDS})\b"
)
_SENT_KEYS = ("sent", "skick", "mailed", "mejla", "deliver", "leverer")


# Words that name no action: a span of only these (or of punctuation) says nothing.
_PRONOUNS = frozenset(
    ["i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "jag", "mig",
     "vi", "oss", "du", "dig", "ni", "er", "han", "honom", "hon", "henne", "den", "det", "de", "dem",
     "dom"]
)  # fmt: skip


# A span that opens with a conjunction is the second half of a phrase the tagger cut ("and
# payment terms" of "answer Mette on price and payment terms"): no annotated step opens so
_CONJUNCTION_START = re.compile(r"(?i)(?:and|och|or|eller|but|men|o)(?=\s)")  # (not "O'Brien")


# A date field's label ("Follow-up date:", "Next action date:", "Due:"): the field's value is a
# when, the label no step (no annotated step is one)
_DATE_LABEL = re.compile(r"(?i)(?:[\w/-]+[ \t]+){0,3}(?:date|datum|due|deadline)[ \t]*:")


def says_nothing(text: str, span: Span) -> bool:
    """Whether a step candidate is only punctuation or pronouns (a tagger's peak on "-" or
    "us"), opens with a conjunction, or is a date field's label: no step."""
    if _CONJUNCTION_START.match(text, span[0]):
        return True
    label = _DATE_LABEL.match(text, span[0])
    if label is not None and span[1] <= label.end():
        return True
    return all(w.lower() in _PRONOUNS for w in _WORD.findall(text, span[0], span[1]))


# What the customer forbids: "ring inte igen", "don't call us again", "kontakta oss inte mer"
_NEVER_AGAIN = re.compile(
    r"(?i)\b(?:\w+\s+(?:\w+\s+)?(?:inte|ej)|don'?t|do not|never|aldrig)\s+(?:\w+\s+){0,2}?"
    r"(?:igen|mer|längre|again|anymore|any more)\b"
)


_AGAIN_WORDS = ("igen", "mer", "längre", "again", "any")


def is_refused(text: str, span: Span) -> bool:
    """Whether a step candidate is a contact the note says must not happen again ("Ring inte
    igen", "Don't call us again")."""
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


def is_internal(text: str, span: Span) -> bool:
    """Whether a step candidate is an item the note marks as internal (no contact with the
    customer): a "(internal)" after it in its clause, an "Internt:" label opening its line
    with no sentence end between, or the team's own meeting."""
    start, end = span
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
# bokat", "nothing booked", "Follow-up: none set": no annotated step follows such a word,
# starts with one or is such a label
_NONE_BEFORE = re.compile(
    r"(?i)\b(?:no|nothing|ingen|inget|inga|ej|not\s+a|not\s+any|without|utan)\s+"
    r"(?:further\s+|more\s+|other\s+|new\s+|mer\s+|fler\s+|ny\s+|nytt\s+|nya\s+|vidare\s+)?$"
)
_NONE_KEYS = ("no", "ing", "ej", "without", "utan")
_NONE_START = re.compile(r"(?i)(?:no|nothing|ingen|inget|inga|ej|not)\b")
# A label whose field is empty: "Follow-up: none set", "Nästa steg: -", "Next step: TBD"
_NONE_VALUE = re.compile(
    r"(?im)[ \t]*:[ \t]*(?:none|no|nothing|n/?a|-|–|inget|ingen|inga|nej|ej|saknas|not set|tbd|tba)"
    r"(?:[ \t]+(?:set|planned|agreed|booked|yet|satt|planerad|bokad|bokat|än))?[ \t]*(?:$|[.,;(])"
)


def is_denied(text: str, span: Span) -> bool:
    """Whether a step candidate is what the note says there is none of, or a label whose field
    says so."""
    start = span[0]
    return bool(
        _NONE_START.match(text, start)
        or (
            _has_any(text, start - 20, start, _NONE_KEYS)
            and _NONE_BEFORE.search(text, max(0, start - 20), start)
        )
        or _NONE_VALUE.match(text, span[1])
    )


# The title line of minutes names the meeting they record ("Minutes – Harwick Marine, Teams
# call", "Protokoll styrgruppsmöte 5/3"): no annotated step is on it (186 notes open so)
_MINUTES_TITLE = re.compile(
    r"(?i)[ \t]*(?:minutes|meeting\s+minutes|call\s+minutes|meeting\s+notes|mötesanteckningar|"
    r"motesanteckningar|anteckningar|minnesanteckningar|protokoll|notes\s+from)\b[^\n]*"
)


def in_minutes_title(text: str, span: Span) -> bool:
    """Whether a step candidate is on the title line that opens a note's minutes."""
    m = _MINUTES_TITLE.match(text)
    return m is not None and span[0] < m.end()


# A note that opens by saying it is internal ("Internt möte – ...", "Internal: ask finance ...",
# "Intern genomgång med ...") records work with no customer contact: 85 of the 86 annotated
# notes that open so have no step
_OPENS_INTERNAL = re.compile(r"(?i)[ \t#*\[(]*(?:internt?|internal)\b")


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
    return _SEND_START.match(text, span[0]) is not None and _DONE_LATER.search(text, span[1]) is not None


def never_a_step(text: str, span: Span) -> bool:
    """Whether a step candidate, from any source, cannot be the step: a record of what was had
    or held, a contact refused or denied, an item marked internal, the title of minutes, or a span
    that says nothing."""
    return (
        is_record(text, span)
        or says_nothing(text, span)
        or is_refused(text, span)
        or is_internal(text, span)
        or is_denied(text, span)
        or in_minutes_title(text, span)
        or is_next_internal_meeting(text, span)
        or is_done_later(text, span)
    )


class _Lines:
    """Line starts and ends of a note, found once."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self.n = len(self.starts)
        self.text = text

    def index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def bounds(self, i: int) -> Span:
        end = self.starts[i + 1] - 1 if i + 1 < self.n else len(self.text)
        return self.starts[i], end


def _header_words(text: str, folded: str, lines: _Lines, line_no: int) -> list[str]:
    """The words of the nearest header line above (``Next steps:``, ``Åtgärder:``), if any,
    or of a label opening this line (``Internal: ...``)."""
    words: list[str] = []
    start, end = lines.bounds(line_no)
    own = _HEADER.match(text, start, end)
    if own and own.group(2):
        words += [f"own:{w}" for w in TOKEN_PATTERN.findall(folded, start, start + len(own.group(0)))[:3]]
    for k in range(line_no - 1, max(-1, line_no - 8), -1):
        s, e = lines.bounds(k)
        m = _HEADER.match(text, s, e)
        if m and m.group(1):
            words += [f"hd:{w}" for w in TOKEN_PATTERN.findall(folded, s, e)[:3]]
            break
    return words


def _line_features(
    text: str, folded: str, lines: _Lines, line_no: int
) -> tuple[list[str], list[str], list[str]]:
    """The features every candidate on a line shares, as feature names of value 1.0: its
    first word, its header's words, its words."""
    l_start, l_end = lines.bounds(line_no)
    lead = TOKEN_PATTERN.findall(folded, l_start, min(l_end, l_start + 12))[:1]
    return (
        ["lead:" + ("#" if lead[0][0].isdigit() else lead[0])] if lead else [],
        _header_words(text, folded, lines, line_no),
        ["lw:" + w for w in TOKEN_PATTERN.findall(folded, l_start, l_end)[:12]],
    )


def _own_date(
    s: int,
    e: int,
    line: Span,
    sent: Span,
    dated: Sequence[tuple[TimeMention, date | None]],
    note_date: date,
    text: str,
) -> date | None:
    """The earliest date still ahead named on the candidate's line or in its sentence: what
    "the earliest step still ahead" (SPEC) compares between candidates."""
    (l_start, l_end), (left, right) = line, sent
    best = None
    for m, start in dated:
        if start is None or m.past or start < note_date:
            continue
        if m.start - l_start <= 2 and (
            (_LABEL_END.match(text, m.end) and (start == note_date or not any(c.isdigit() for c in m.text)))
            or (start == note_date and NUMERIC_STAMP.fullmatch(m.text))
        ):
            # a journal's day label ("Thu: ...", which the date layer reads as the next Thursday,
            # or "Mån 11/8:", today's entry; a later "Wed 5th, 11:00: call with Fiona" is that
            # day's), or a log entry's time stamp on the note's day ("09:00 call with Ben -
            # wants a trial"): not the date of the line's step
            continue
        if (l_start <= m.start and m.end <= l_end) or (left <= m.start and m.end <= right):
            best = start if best is None or start < best else best
    return best


_K_KEYS = tuple(f"k={i}" for i in range(4))
_POS_KEYS = tuple(f"pos={i}" for i in range(6))  # int(5 * start / len(text)): 0..5


def _tense(mention: TimeMention, start: date | None, note_date: date) -> str:
    if mention.past or (start is not None and start < note_date):
        return "past"
    if start is None:
        return "fuzzy"
    return f"future{_bucket((start - note_date).days, (0, 1, 7, 31))}"


def step_features(
    text: str,
    steps: Sequence[Span],
    mentions: Sequence[TimeMention],
    note_date: date,
    folded: str | None = None,
    sentences: SentenceIndex | None = None,
) -> list[dict[str, float]]:
    """Features of each candidate step of one note (see the module docstring). What the
    candidates of one line share is computed once per line."""
    if folded is None:
        folded = fold_same_length(text)
    sentences = sentences or SentenceIndex(text)
    lines = _Lines(text)
    n = len(steps)
    dated = [(m, period_start(m)) for m in mentions]
    tensed = [
        (m.start, m.end, f"line_{t}", f"sent_{t}", f"line_opens_{t}")
        for m, t in ((m, _tense(m, start, note_date)) for m, start in dated)
    ]
    places = []
    for s, e in steps:
        line_no = lines.index(s)
        line, sent = lines.bounds(line_no), sentences.bounds(s, e)
        places.append((line_no, line, sent, _own_date(s, e, line, sent, dated, note_date, text)))
    known = [p[3] for p in places if p[3] is not None]
    earliest = min(known, default=None)
    shared: dict[int, tuple[list[str], list[str], list[str]]] = {}
    fixed = (f"n={min(n, 4)}", f"lines{_bucket(lines.n, (1, 2, 4, 8))}")
    size = max(1, len(text))
    findall = TOKEN_PATTERN.findall
    out = []
    for i, ((s, e), (line_no, (l_start, l_end), sent, mine)) in enumerate(zip(steps, places, strict=True)):
        f: dict[str, float] = {
            _K_KEYS[min(i, 3)]: 1.0,
            fixed[0]: 1.0,
            _POS_KEYS[int(5 * s / size)]: 1.0,
            fixed[1]: 1.0,
        }
        if i == n - 1:
            f["last"] = 1.0
        if line_no == 0:
            f["first_line"] = 1.0
        if line_no == lines.n - 1:
            f["last_line"] = 1.0
        line_feats = shared.get(line_no)
        if line_feats is None:
            line_feats = shared[line_no] = _line_features(text, folded, lines, line_no)
        lead, header, line_words = line_feats
        for w in lead:
            f[w] = 1.0
        s_left, s_right = sent
        for m_start, m_end, in_line_key, in_sent_key, opens_key in tensed:
            in_line = l_start <= m_start and m_end <= l_end
            in_sent = s_left <= m_start and m_end <= s_right
            if not (in_line or in_sent):
                continue
            if in_line:
                f[in_line_key] = 1.0
            if in_sent:
                f[in_sent_key] = 1.0
            if m_start - l_start <= 2:
                f[opens_key] = 1.0
        if mine is None:
            f["undated" if known else "none_dated"] = 1.0
        elif len(known) == 1:
            f["only_dated"] = 1.0
        elif mine == earliest:
            f["earliest_dated"] = 1.0
        else:
            f["later_dated"] = 1.0
        for w in header:
            f[w] = 1.0
        own = findall(folded, s, e)[:3]
        if own:
            for w in own:
                f["w:" + w] = 1.0
            f["w0:" + own[0]] = 1.0
            f["suf:" + own[0][-2:]] = 1.0
        for w in findall(folded, max(l_start, s - 30), s)[-2:]:
            f["b:" + w] = 1.0
        for w in findall(folded, e, min(l_end, e + 30))[:2]:
            f["a:" + w] = 1.0
        for w in line_words:
            f[w] = 1.0
        out.append(f)
    return out


# The ranker's probability from which a candidate counts as a step of the note.
ACCEPT = 0.5


def pick_primary(scores: Sequence[float], feats: Sequence[dict[str, float]]) -> int:
    """Index of the primary step: the ranker's best candidate, unless the ranker accepts
    another candidate dated earlier (the SPEC's "earliest one still ahead"); the ranker's
    features hold which candidate is dated earliest, and rarely see two dated steps in training."""
    best = max(range(len(scores)), key=scores.__getitem__)
    if "later_dated" in feats[best]:
        earlier = [i for i, f in enumerate(feats) if "earliest_dated" in f and scores[i] >= ACCEPT]
        if earlier:
            return max(earlier, key=scores.__getitem__)
    return best


def ranker_examples(
    records: Sequence[dict], mentions_of: Sequence[Sequence[TimeMention]]
) -> tuple[list[dict[str, float]], list[bool]]:
    """Training rows: in each note with a gold step, the gold span (positive) and the
    proposed step-like phrases that do not overlap it (negatives)."""
    from model.data import locate

    feats: list[dict[str, float]] = []
    labels: list[bool] = []
    for r, mentions in zip(records, mentions_of, strict=True):
        gold = locate(r["text"], r.get("next_step"))
        if gold is None:
            continue
        text = r["text"]
        others = [
            (s, e)
            for s, e in propose(text, fold_same_length(text), mentions)
            if e <= gold.start or s >= gold.end
        ]
        if not others:
            continue
        cands = sorted([(gold.start, gold.end), *others])
        feats.extend(step_features(text, cands, mentions, date.fromisoformat(r["note_date"])))
        labels.extend(c == (gold.start, gold.end) for c in cands)
    return feats, labels


def acceptor_features(
    feats: list[dict[str, float]], spans: Sequence[Span], text: str, presence: float
) -> list[dict[str, float]]:
    """The step acceptor's features: a phrase's own (:func:`step_features`, updated in place),
    how sure the note-level model is that the note states a step (a value and a band), the
    note's length in words and whether the phrase opens the note (after at most a label such as
    "Task:" or "[Planerad]"): a CRM activity subject is a short note opening with its step."""
    band = f"presence_{min(int(presence * 5), 4)}"
    size = f"words{_bucket(len(_WORD.findall(text)), (6, 12, 25))}"
    for f, (s, _) in zip(feats, spans, strict=True):
        f["presence"] = presence
        f[band] = 1.0
        f[size] = 1.0
        if len(_WORD.findall(text, 0, s)) <= 2:
            f["opens_note"] = 1.0
    return feats


def acceptor_examples(
    records: Sequence[dict], mentions_of: Sequence[Sequence[TimeMention]], presence: Sequence[float]
) -> tuple[list[dict[str, float]], list[bool]]:
    """Training rows for the step acceptor: every phrase :func:`propose` finds in every note
    (what can never be a step left out, as at prediction), positive when it overlaps
    the gold step, with the note-level model's ``presence`` of its note (predicted by a model
    that did not see the note). Unlike :func:`ranker_examples`, notes without a step and notes
    with a single phrase count too: the acceptor answers "is this phrase the note's step at
    all" where the span model and the tagger found nothing ("Tel: Stensjö Lager – ändra i
    timavtalet, kl 15")."""
    from model.data import locate

    feats: list[dict[str, float]] = []
    labels: list[bool] = []
    for r, mentions, p in zip(records, mentions_of, presence, strict=True):
        text = r["text"]
        cands = [s for s in propose(text, fold_same_length(text), mentions) if not never_a_step(text, s)]
        if not cands:
            continue
        gold = locate(text, r.get("next_step"))
        own = step_features(text, cands, mentions, date.fromisoformat(r["note_date"]))
        feats.extend(acceptor_features(own, cands, text, p))
        labels.extend(gold is not None and s < gold.end and gold.start < e for s, e in cands)
    return feats, labels
