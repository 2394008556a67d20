"""Zones of a note: where its action items begin (the zone a header opens, "Action items:",
"Åtgärder:"), and which parts of a logged e-mail quote earlier messages.

Minutes and structured notes list what was discussed and decided first and what happens next
under a header of its own. Lampert et al. zone e-mail into parts before reading it; here one
zone matters: when a note has an action header, its next step is under it (292 of 308 train
notes with such a header and a step, every one of the 18 in the dev splits). The fallbacks
that look for a step where the span model found none (the token tagger, the rule's phrases)
look there first, so a decision ("Decisions: load-in Thu 24/7") is not taken for the step.

A logged e-mail thread quotes what was written before ("> Could we do a call next week?",
"-----Original Message-----", "On Mon, Derek wrote:", "Den 10 nov skrev Annika:"): the reply
on top is the newer word, so a step it states wins over one in the quoted text.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# A header at the start of a line (after an item number), with a colon: "Action items:",
# "Actions:", "Next steps:", "To do:", "Åtgärder:", "Nästa steg:", "Att göra:", "Uppföljning:".
_HEADER = re.compile(
    r"(?im)^[ \t]*(?:\d+[.)][ \t]*)?(?:action[ \t]+items?|actions?|next[ \t]+steps?|to[ \t]?-?do|"
    r"åtgärder|atgarder|åtgärdspunkter|nästa[ \t]+steg|nasta[ \t]+steg|att[ \t]+göra|att[ \t]+gora|"
    r"uppföljning|uppfoljning|follow[- ]?ups?)[ \t]*:"
)


def action_zone(text: str) -> int:
    """Offset where the note's first action header starts (0 when it has none, or when the
    header opens the note: then the whole note is the zone)."""
    m = _HEADER.search(text)
    return 0 if m is None else m.start()


# A line quoting an earlier message, and the lines that open the rest of the note as one
_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>[^\n]*")
_EARLIER = re.compile(
    r"(?im)^[ \t]*(?:-{2,}[ \t]*(?:original[ \t]+message|ursprungligt[ \t]+meddelande|"
    r"forwarded[ \t]+message|vidarebefordrat[ \t]+meddelande)[ \t]*-*"
    r"|on[ \t][^\n]{3,80}[ \t]wrote:|den[ \t][^\n]{3,60}[ \t]skrev[^\n]{0,60}:"
    r"|(?:from|från):[^\n]*\n(?:[^\n]*\n){0,2}?[ \t]*(?:sent|skickat|date|datum):)"
)


_EARLIER_WORDS = ("wrote:", "skrev", "sent:", "skickat:", "date:", "datum:")


def quoted_zones(text: str) -> list[Span]:
    """Where the note quotes earlier messages: lines opened by ">", and everything from a reply
    header ("-----Original Message-----", "On ... wrote:", "Från: ... / Skickat: ...") on, when
    something stands before it (a header that opens the note heads the message logged)."""
    if ">" not in text and "--" not in text:
        low = text.lower()
        if not any(word in low for word in _EARLIER_WORDS):
            return []  # (most notes: cheaper than the patterns)
    zones = [(m.start(), m.end()) for m in _QUOTED_LINE.finditer(text)]
    for m in _EARLIER.finditer(text):
        if text[: m.start()].strip(" \t\n>"):
            zones.append((m.start(), len(text)))
            break
    return zones


# A logged e-mail's subject line, or a line that introduces what is pasted under it
_HEADING = re.compile(r"(?im)^[ \t]*(?:(?:subject|ämne|amne|re|sv|fwd?|vb)[ \t]*:[^\n]*|[^\n]*:[ \t]*$)")


def headings(text: str) -> list[Span]:
    """The subject lines of a logged e-mail and the lines that end in a colon ("Pasting from
    email:"): they name what the message is about, not what happens next."""
    return [(m.start(), m.end()) for m in _HEADING.finditer(text)]


def in_zones(span: Span, zones: list[Span]) -> bool:
    """Whether ``span`` starts inside one of ``zones``."""
    return any(a <= span[0] < b for a, b in zones)
