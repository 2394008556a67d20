"""Where a note's action items begin: the zone a header opens ("Action items:", "Åtgärder:").

Minutes and structured notes list what was discussed and decided first and what happens next
under a header of its own. Lampert et al. zone e-mail into parts before reading it; here one
zone matters: when a note has an action header, its next step is under it (292 of 308 train
notes with such a header and a step, every one of the 18 in the dev splits). The fallbacks
that look for a step where the span model found none (the token tagger, the rule's phrases)
look there first, so a decision ("Decisions: load-in Thu 24/7") is not taken for the step.
"""

from __future__ import annotations

import re

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
