"""Whose a step is, from the words around it: the owner rules the pipeline applies over the
owner classifier's answer. The rep's own: an imperative call or send opening its line
(:func:`imperative_task`), a Swedish verb with no subject (:func:`own_subjectless`), a to-do to
book (:func:`books_own`), what the customer asks us to do (:func:`we_are_asked`). The
customer's: a third person's promise (:func:`their_promise`), a send that comes to us
(:func:`sent_to_us`), a return call to us (:func:`calls_us_back`), a first-person step in a
message thanking us for what we sent (:func:`thanked_for_ours`).
"""

from __future__ import annotations

import re

from model.records import ATTENDEE_LABEL
from model.zones import signature_zones

Span = tuple[int, int]


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
_BULLET = r"[ \t]*(?:[-*•–·]|\d{1,2}[.)]|☐|\[[ x]?\])?[ \t]*"  # a list item's mark, if any


# A Swedish verb with no subject opening its sentence or line ("Återkommer efter semestern",
# "- ringer Kent v.3", "Hör av oss i maj"): the rep writes of the rep's own step. 311 of the 327
# annotated steps of this shape are the seller's; most of the others say whose it is after it
# ("Återkommer när de pratat med styrelsen", "Återkommer snart, enligt Bosse"), or follow a
# name and a colon ("Bengt: återkommer v. 4"), which is not an opening here.
_SUBJECTLESS = re.compile(
    r"(?i)(?:återkommer|aterkommer|ringer|skickar|mejlar|mailar|hör av oss|hor av oss|kommer tillbaka|"
    r"åker tillbaka|aker tillbaka|återkopplar|aterkopplar)\b"
)
_SENTENCE_OPENS = re.compile(rf"(?:^|\n{_BULLET}|[.!?;][ \t]+|[ \t][-–][ \t]+)$")
_WHOSE_AFTER = re.compile(
    r"(?i)[^.\n]{0,60}?\b(?:när|nar|tills|efter att) (?:de|hon|han|dom)\b|[^.\n]{0,60}?\b(?:enligt|sa han|sa hon|sa de)\b"
)


def own_subjectless(text: str, span: Span) -> bool:
    """Whether a step is a Swedish verb with no subject opening its sentence or line, that says
    nothing after it of whose it is: the rep's own."""
    start = span[0]
    return (
        _SUBJECTLESS.match(text, start) is not None
        and _SENTENCE_OPENS.search(text, max(0, start - 6), start) is not None
        and _WHOSE_AFTER.match(text, start) is None
    )


# A third person's promise right before the step ("she'll set up a call with him", "they'll
# send the shed dimensions", "hon ska ringa"): the customer's. Of 112 annotated steps after
# "she/he/they'll", "will" or "going to", 110 are the customer's (2 a site visit they will want)
_THEIR_PROMISE = re.compile(
    r"(?i)\b(?:(?:she|he|they)(?:'ll|’ll|\s+will|\s+is\s+going\s+to|\s+are\s+going\s+to)"
    r"|(?:hon|han|de|dom)\s+(?:ska|skall|kommer\s+att|lovade\s+att))\s+$"
)


# What is sent to us, or so that we can go on ("Nina to send venue specs by Friday so we can build
# the kit lists", "Mona mejlar oss styrelsens frågor", "skicka drifttimmar till oss"): the
# customer sends it. A question asks the rep ("Could you send it over so we can get keys?")
_SENT_TO_US = re.compile(
    r"(?i)[^\n?]{0,80}?\b(?:so\s+we\s+can|så\s+vi\s+kan|sa\s+vi\s+kan|for\s+us\s+to|(?:till|to)\s+(?:oss|us)\b"
    r"|(?:mejlar|mailar|mejla|maila|skickar|skicka)\s+oss\b)[^\n?]*(?:\n|$)"
)


# What the customer asks us to do ("Vill att vi hör av oss nästa år", "hon vill att jag ringer
# mån kl 9", "wants me to call in later this month") is the rep's to do (SPEC: a contact the
# customer asks for is the rep's), never the customer's own
_WE_ARE_ASKED = re.compile(
    r"(?i)\b(?:vill|ville|önskar|onskar|bad|ber)\s+att\s+(?:vi|jag)\s+$"
    r"|\b(?:wants?|wanted|asked|asks|would\s+like)\s+(?:us|me)\s+to\s+$"
)


def we_are_asked(text: str, span: Span) -> bool:
    """Whether a step is what the customer asks us (or me) to do."""
    return _WE_ARE_ASKED.search(text, max(0, span[0] - 24), span[0]) is not None


_TO_US_KEYS = ("we can", "vi kan", "for us", "oss", " us")
_OURS_OPENS = re.compile(r"(?i)(?:i|we|jag|vi)(?:'ll|’ll|\s)")
_OURS_BEFORE = re.compile(r"(?i)\b(?:i|we|jag|vi|our\s+\w+)(?:'ll|’ll|\s+will|\s+ska|\s+kommer\s+att)?\s+$")


def sent_to_us(text: str, span: Span) -> bool:
    """Whether a step to send says, before its line ends and with no question, that it comes
    to us or lets us go on: the customer's (unless we say we do it: "I'll bring the report so
    we can ...")."""
    start = span[0]
    line_end = text.find("\n", start)
    window = text[start : line_end if 0 <= line_end < start + 200 else start + 200].lower()
    if not any(key in window for key in _TO_US_KEYS):
        return False  # (a window without any of the pattern's words is passed over)
    return (
        _SENT_TO_US.match(text, start) is not None
        and _OURS_BEFORE.search(text, max(0, start - 20), start) is None
        and _OURS_OPENS.match(text, start) is None
    )


# A return call someone named or a third person makes ("Annika ringer upp imorgon fm", "hon
# ringer tillbaka om intresse finns", "Kristoffer to call me next Friday", "Jess ringing me
# back at half 4"): the customer calls us. All 52 annotated such steps are the customer's
_CALLS_BACK = re.compile(
    r"(?i)(?:ringer|ringa|ring)\s+(?:upp|tillbaka|mig|oss)\b|(?:ringing|calling|calls?)\s+(?:me|us)(?:\s+back)?\b"
    r"|(?:will\s+)?call(?:s|ing)?\s+back\b|ringing\s+back\b"
)
_CALLER_BEFORE = re.compile(
    r"(?:\b(?i:han|hon|de|dom|he|she|they|kunden)|\b[A-ZÅÄÖ][a-zåäö]+)(?i:\s+(?:will|ska|'ll|’ll|to))?\s+$"
)
_NOT_A_CALLER = frozenset(
    ["jag", "vi", "i", "we", "ska", "will", "och", "and", "sen", "så", "then", "imorgon", "idag", "please", "said",
     "can", "could", "kan", "pls", "sa"]
)  # fmt: skip


def calls_us_back(text: str, span: Span) -> bool:
    """Whether a step is a return call to us that someone other than the rep makes."""
    start = span[0]
    if _CALLS_BACK.match(text, start) is None:
        return False
    caller = _CALLER_BEFORE.search(text, max(0, start - 25), start)
    return caller is not None and caller.group().split()[0].lower() not in _NOT_A_CALLER


# A first-person step in a message that thanks us for what we sent ("Tack för offerten. Jag hör
# av mig när ...", "Thanks for the revised tiers ... I'll come back to you"): the customer writes,
# and the step is theirs (14 of 14 annotated; not a thanks for a call or a visit, which either
# side writes)
_THANKS_FOR_OURS = re.compile(
    r"(?i)\b(?:thanks?|tack)\s+(?:you\s+)?(?:for|för)\s+(?:the|your|er|ert|din|ditt)?\s*(?:revised\s+|updated\s+|new\s+)?"
    r"(?:quote|quotation|offert\w*|proposal|offer|pricing|prices|priser|prisförslag|tiers|demo\w*|samples?|prover"
    r"|förslag\w*|forslag\w*)\b"
)
_FIRST_PERSON_BEFORE = re.compile(
    r"(?i)\b(?:i'll|i’ll|i\s+will|we'll|we’ll|we\s+will|jag|vi)(?:\s+(?:ska|kan|will|kommer\s+att))?\s+$"
)


def thanked_for_ours(text: str, span: Span) -> bool:
    """Whether a first-person step stands in a message that thanks us for what we sent."""
    start = span[0]
    if "tack" not in text[:start].lower() and "thank" not in text[:start].lower():
        return False
    if (
        _FIRST_PERSON_BEFORE.search(text, max(0, start - 30), start) is None
        and _OURS_OPENS.match(text, start) is None
    ):
        return False
    thanks = _THANKS_FOR_OURS.search(text, 0, start)
    return thanks is not None and text[text.rfind("\n", 0, thanks.start()) + 1 : thanks.start()][:1] != ">"


def their_promise(text: str, span: Span) -> bool:
    """Whether a step follows a third person's promise: the customer's (not what they will want)."""
    start = span[0]
    before = text[max(0, start - 24) : start].lower()
    if not any(key in before for key in ("he", "de", "han", "hon", "dom")):
        return False  # (no third person: "she"/"he"/"they", "hon"/"han"/"de"/"dom")
    return (
        _THEIR_PROMISE.search(text, max(0, start - 24), start) is not None
        and text[start : start + 4].lower() != "want"
    )


# A to-do to book that opens its line or its label's value ("Boka platsbesök Hotell Vindö",
# "- Solvik Bygg: boka tekniskt möte med Per", "2. Book installation"): the rep books it. 22 of
# the 25 annotated such steps are the seller's (3 a meeting both attend)
_BOOK_OPENS = re.compile(r"(?i)(?:boka|book|bokar)\b")
_LABEL_LEAD = re.compile(rf"{_BULLET}(?:[\w .&'/-]{{1,30}}:[ \t]*)?")


# ... or after a label that names what comes next ("Next: call Tue 5/19 at 2", "ToDo: skicka ...")
_STEP_LABEL_LEAD = re.compile(
    rf"(?i){_BULLET}(?:(?:next(?:\s+steps?|\s+action)?|nästa(?:\s+steg)?|nasta(?:\s+steg)?"
    r"|to-?do|att\s+göra|att\s+gora|action|åtgärd|atgard|uppgift|task|f/u|follow[- ]?up)[ \t]*:[ \t]*)?"
)


def books_own(text: str, span: Span) -> bool:
    """Whether a step is a to-do to book, opening its line or its label's value."""
    start = span[0]
    if _BOOK_OPENS.match(text, start) is None:
        return False
    lead = _LABEL_LEAD.match(text, text.rfind("\n", 0, start) + 1)
    return lead is not None and lead.end() == start


def imperative_task(text: str, span: Span) -> bool:
    """Whether a step is an imperative send, or call not booked with someone, opening its line:
    the rep's own to-do."""
    start = span[0]
    line_start = text.rfind("\n", 0, start) + 1
    if _STEP_LABEL_LEAD.match(text, line_start).end() != start:  # type: ignore[union-attr]
        return False
    if _SEND_OPENS.match(text, start):
        return True
    if not _CALL_OPENS.match(text, start):
        return False
    line_end = text.find("\n", start)
    return _CALL_WITH.search(text, start, len(text) if line_end < 0 else line_end) is None


# An action item assigned by name ("- Malin skickar indexunderlaget till Lina", "Linnea: touch
# base with Fiona again") to someone the attendee line lists by first name alone or marks as ours
# ("Deltagare: Tomas Hjalmarsson (skolchef), Lina Berg (upphandlare), Malin, Petra", "Gareth (us)"):
# the rep's side. Of the 57 annotated steps so assigned to a bare first name, 50 are the seller's
# (5 a meeting both attend, 2 the customer's)
_ASSIGNEE_LEAD = re.compile(rf"{_BULLET}([A-ZÅÄÖ][\w-]+)(?:[ \t]*:[ \t]*|[ \t]+(?:to[ \t]+)?)$")
_ATTENDEE_LINE = re.compile(rf"(?im)^{ATTENDEE_LABEL}[ \t]*(.*)$")
_OURS_MARK = re.compile(r"(?i)\((?:us|vi|oss|we|our\b[^)]*|vår\w*[^)]*|me|jag)\)")


def assigned_to_us(text: str, span: Span) -> bool:
    """Whether a step's line assigns it by name to someone the attendee line lists as ours."""
    start = span[0]
    line_start = text.rfind("\n", 0, start) + 1
    lead = _ASSIGNEE_LEAD.match(text, line_start, start)
    if lead is None:
        return False
    attendees = _ATTENDEE_LINE.search(text, 0, line_start)
    if attendees is None:
        return False
    listed = re.search(
        rf"\b{re.escape(lead.group(1))}\b([ \t]+[A-ZÅÄÖ][\w-]*)?([ \t]*\([^)]*\))?", attendees.group(1)
    )
    if listed is None:
        return False
    if listed.group(2):
        return _OURS_MARK.search(listed.group(2)) is not None
    return listed.group(1) is None


# An earlier message quoted under the step's, and the titles in a signature: a buyer's title
# ("Inköpschef, Trollhätte Lack AB", "Procurement Lead", "Principal") says the customer wrote it; a
# seller's ("Account Executive", "Key Account Manager") says we did
_QUOTED = re.compile(r"(?im)^(?:>|-{3,}|_{3,}|from:|från:|fran:|on\s.{5,60}\swrote:|den\s.{5,60}\sskrev)")
_SELLER_TITLE = re.compile(
    r"(?i)\b(?:account\s+(?:executive|manager|director)|sales|säljare|saljare|säljchef|key\s+account|kam\b"
    r"|business\s+develop|affärsutvecklare|kundansvarig|innesälj|customer\s+success|partner\s+manager)"
)
_BUYER_TITLE = re.compile(
    r"(?i)\b(?:\w*chef\b|head\s+of|director|lead\b|principal|administratör|inköp\w*|procurement|buyer|cfo|ceo|cto|coo"
    r"|vd\b|ordförande|ägare|owner|founder|rektor|föreståndare|controller|\w*ansvarig|samordnare|coordinator|officer)"
)


def signed_by_buyer(text: str, span: Span) -> bool:
    """Whether a first-person step stands in a message signed with a buyer's title (not a
    seller's): the customer wrote it, and the step is theirs. Of the 28 annotated first-person
    steps in such messages, 20 are the customer's, 6 a meeting both attend, 2 the seller's."""
    start = span[0]
    if (
        _FIRST_PERSON_BEFORE.search(text, max(0, start - 30), start) is None
        and _OURS_OPENS.match(text, start) is None
    ):
        return False
    quoted = _QUOTED.search(text, span[1])
    end = quoted.start() if quoted else len(text)
    zone = next((z for z in signature_zones(text) if span[1] <= z[0] < end), None)
    if zone is None:
        return False
    signature = text[zone[0] : zone[1]]
    return _BUYER_TITLE.search(signature) is not None and _SELLER_TITLE.search(signature) is None
