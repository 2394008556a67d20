"""Language detection for notes: Swedish or English, the dominant one for mixed notes.

Notes are short and full of shorthand, so a general-purpose detector does worse than
counting function words of each language. English sales words in Swedish notes (demo,
deal, PoC) are deliberately not on the English list.
"""

from __future__ import annotations

import re

_SV = frozenset(
    """och att det som en ett är var på med för har inte vi jag han hon de dem den
    ska skall kommer till från om men så av vid efter innan när nästa vecka veckan
    kunden kund möte mötet ringa ringer ring återkommer återkomma höras hörs
    skickar skicka offert offerten imorgon idag igår måndag tisdag onsdag torsdag
    fredag också bara eller inget ingen något några här där nu sen sedan mycket
    hos mig oss dom vill kan kunde får fick ha hade blev blir är var varit pratade
    pratat sa säger tycker tror behöver borde gärna ang tel mkt bra nej ja samt
    aterkommer atervander nasta mote motet manad manaden vecka torsdag mandag
    lordag sondag ocksa bokat bokade bokar skickat klart kl""".split()  # noqa: SIM905
)
_EN = frozenset(
    """the and to of we is are was were for with on at they them their he she it
    will would should can could have has had not no this that there here be been
    next week weeks month customer client call calls meeting send sent quote
    tomorrow today yesterday monday tuesday wednesday thursday friday saturday
    sunday also just or any some about after before when back get got said says
    our us my me you your from by into up out if then than so but do does did
    booked book asked wants want need needs talked spoke agreed follow let's they'll
    we'll i'll she'll he'll going""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_SV_LETTERS = ("å", "ä", "ö", "Å", "Ä", "Ö")


def detect_language(text: str) -> str:
    """Return ``"sv"`` or ``"en"`` for a note, whichever language dominates.

    Ties go to Swedish when the text has å/ä/ö and to English otherwise.
    """
    words = _WORD.findall(text.lower())
    sv = sum(map(_SV.__contains__, words))
    en = sum(map(_EN.__contains__, words))
    sv_chars = sum(map(text.count, _SV_LETTERS))  # six C-level counts: faster than a regex
    sv_score = sv + min(sv_chars, 5) * 0.5
    if sv_score > en:
        return "sv"
    if en > sv_score:
        return "en"
    return "sv" if sv_chars else "en"
