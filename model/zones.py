"""Zones of a note: where its action items begin (the zone a header opens, "Action items:",
"Åtgärder:"), which parts of a logged e-mail quote earlier messages, and where its signature
is.

Minutes and structured notes list what was discussed and decided first and what happens next
under a header of its own. Lampert et al. zone e-mail into parts before reading it; here one
zone matters: when a note has an action header, its next step is under it (292 of 308 train
notes with such a header and a step, every one of the 18 in the dev splits). The fallbacks
that look for a step where the span model found none (the token tagger, the rule's phrases)
look there first, so a decision ("Decisions: load-in Thu 24/7") is not taken for the step.

A logged e-mail thread quotes what was written before ("> Could we do a call next week?",
"-----Original Message-----", "On Mon, Derek wrote:", "Den 10 nov skrev Annika:"): the reply
on top is the newer word, so a step it states wins over one in the quoted text. The lines
under its sign-off ("Kind regards," / "Tom Reddish" / "Survey & Sales | Brightfield") name the
writer, never a step ("Survey" is a job title there).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

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


def in_zones(span: Span, zones: Sequence[Span]) -> bool:
    """Whether ``span`` starts inside one of ``zones``."""
    return any(a <= span[0] < b for a, b in zones)


# A sign-off alone on its line ("Kind regards,", "Best", "Mvh", "Med vänliga hälsningar")
_SIGN_OFF = re.compile(
    r"(?im)^[ \t]*(?:(?:kind|best|warm|warmest)[ \t]+regards|many[ \t]+thanks|thanks[ \t]+again|regards|best|"
    r"cheers|thanks|thank[ \t]+you|med[ \t]+vänliga?[ \t]+hälsninga?r?|med[ \t]+vanliga?[ \t]+halsninga?r?|"
    r"vänliga[ \t]+hälsningar|vanliga[ \t]+halsningar|mvh|hälsningar|halsningar|tack|ha[ \t]+det[ \t]+(?:gott|bra|fint)|"
    r"allt[ \t]+gott|all[ \t]+the[ \t]+best|br|bw)[ \t]*[,.!]?[ \t]*$"
)
# ... and the signature under it: up to six short lines, until a blank line, a quoted message
# or a line of prose (three words in lower case: "I'll send the quote tomorrow")
_SIGNATURE_LINE = re.compile(r"\n(?![ \t]*(?:>|-{2,}|\n|$))[^\n]{1,70}(?=\n|$)")
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-zåäö]+\b")
_SIGN_OFF_WORDS = (
    "regards",
    "best",
    "thank",
    "cheers",
    "mvh",
    "hälsning",
    "halsning",
    "tack",
    "ha det",
    "allt gott",
    "\nbr",  # (alone on its line: a bare "br" is in "bra", "bring", "brev")
    "\nbw",
)


@functools.lru_cache(maxsize=16)
def signature_zones(text: str) -> tuple[Span, ...]:
    """Where the note's signatures are: the short lines right under a sign-off line (the
    sign-off included). No annotated step, reason or when of 644 notes with a sign-off lies
    there."""
    low = text.lower()
    if not any(word in low for word in _SIGN_OFF_WORDS):
        return ()  # (most notes: cheaper than the pattern)
    zones = []
    for m in _SIGN_OFF.finditer(text):
        end = m.end()
        for _ in range(6):
            line = _SIGNATURE_LINE.match(text, end)
            if line is None or len(_LOWER_WORD.findall(text, line.start(), line.end())) >= 3:
                break
            end = line.end()
        if end > m.end():
            zones.append((m.start(), end))
    return tuple(zones)
