"""Tidying the chosen spans before they are answered: whole words, no dangling function word,
no stray punctuation at the edges, no time expression inside a reason.

The span model and the token tagger work on tokens of the masked text, so their spans can
stop inside a hyphenated word ("catch" of "catch-up"), before a masked date ("booked the
onboarding for" next week), on a list's bullet ("- our quote") or run into the when ("the
onboarding modules on 14/5"). None of the annotated spans look like that; these functions
move a span's edges, and never decide whether there is a step or a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from model.schema import Reason
from model.text import AFTER_CONTACT_VERB, CLAUSE_END, SENDING_VERBS

Span = tuple[int, int]


def _joins(text: str, at: int) -> bool:
    """Whether the mark at ``at`` joins the letters around it into one word: a hyphen or slash
    ("catch-up", "sign-off"), or a full stop before a lower-case letter ("lev.tid", "tel.nr")."""
    mark, after = text[at], text[at + 1]
    return (mark in "-/" and after.isalnum()) or (mark == "." and after.isalpha() and after.islower())


def whole_words(text: str, start: int, end: int) -> Span:
    """A span widened to whole words where the span model's tokens split one at a hyphen, a
    slash or an abbreviation's full stop ("catch" in "catch-up", "off" in "sign-off", "lev" in
    "lev.tid")."""
    while start > 1 and text[start - 2].isalnum() and text[start].isalnum() and _joins(text, start - 1):
        start -= 2
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    n = len(text)
    while end + 1 < n and text[end - 1].isalnum() and _joins(text, end):
        end += 2
        while end < n and text[end].isalnum():
            end += 1
    return start, end


# Words no annotated step ends with when more of its phrase follows: a span that ends in one
# was cut before its complement ("booked the onboarding for" next week, "give me a shout and").
_DANGLING = frozenset(
    ["for", "the", "a", "an", "and", "to", "of", "with", "on", "at", "from", "or", "&", "+",
     "och", "att", "på", "för", "med", "om", "till", "som", "men", "eller", "re", "re:", "about",
     "regarding", "ang", "ang.", "angående", "by"]
)  # fmt: skip


def without_dangling_word(text: str, start: int, end: int) -> Span:
    """A step span without a last function word whose phrase goes on after the span
    ("they asked for" at the end of its line keeps its "for")."""
    while True:
        cut = text.rfind(" ", start, end)
        if cut < 0:
            return start, end
        word = text[cut + 1 : end].lower()
        if word == "w" and text.startswith("/", end):
            end = cut  # "booked 30 min w"/ Dana: the span stopped inside "w/" (with)
            continue
        if word not in _DANGLING and not (word == "m" and not text[cut - 1 : cut].isdigit()):
            return start, end  # (a lone "m" is Swedish "med", unless it follows a number: "2 m")
        rest = text[end : end + 40].lstrip(" \t")
        if rest[:1] in (".", ":") and text[cut + 1 : end].lower() in ("ang", "re"):
            rest = rest[1:].lstrip(" \t")  # "uppringd ang." hyrbilar: the abbreviation's mark
        if not rest or not rest[0].isalnum():
            return start, end
        end = cut
        while end > start and text[end - 1] == " ":
            end -= 1


def phrase_end(text: str, start: int, limit: int, time_starts: Iterable[int]) -> int:
    """Where a telegraphic phrase from ``start`` ends, at most at ``limit``: at the end of its
    clause, or earlier at a time expression in it ("trade-in av X mån kl 9")."""
    pos = start
    while (stop := CLAUSE_END.search(text, pos, limit)) and _abbreviation_mark(text, stop.start()):
        pos = stop.end()  # "offert på 9 anst. + kassakoppling": an abbreviation's mark
    end = stop.start() if stop else limit
    return min([end, *(t for t in time_starts if start <= t < end)])


# An abbreviation whose mark stands inside a phrase, before more of it: "inkl. laddare", "incl.
# AV", "3 alt. + montage"; a count's or a staff's mark ends the phrase before a capital
_ALWAYS_INSIDE = re.compile(r"(?i)(?:^|[^\w.])(?:inkl|exkl|incl|excl|ca|approx)$")
_ABBREVIATED = re.compile(r"(?i)(?:^|[^\w.])(?:anst|alt|st|resp|tot)$")
_PHRASE_GOES_ON = re.compile(r"[ \t]*[a-zåäö0-9+&(]")
_ON_THE_LINE = re.compile(r"[ \t]*[^\s]")


def _abbreviation_mark(text: str, at: int) -> bool:
    if text[at] != ".":
        return False
    before = text[max(0, at - 8) : at]
    if _ALWAYS_INSIDE.search(before):
        return _ON_THE_LINE.match(text, at + 1) is not None
    return _ABBREVIATED.search(before) is not None and _PHRASE_GOES_ON.match(text, at + 1) is not None


# Words a noun phrase never ends with: a step that ends in one was cut before its head ("wants
# samples of the new" wound dressings, "presentation av vårt" fjärrövervakningssystem, "2 st")
_NEEDS_HEAD = frozenset(
    ["the", "a", "an", "our", "their", "his", "my", "your", "its", "new", "vår", "vårt", "våra",
     "deras", "hans", "hennes", "ert", "era", "mitt", "mina", "ditt", "dina", "sitt", "sina", "ny",
     "nytt", "nya", "st"]
)  # fmt: skip
# Words that end a noun phrase's head from the outside (a preposition, a conjunction, a time word)
_AFTER_HEAD = _DANGLING | frozenset(
    ["by", "in", "i", "before", "innan", "senast", "efter", "after", "so", "så", "that", "which",
     "who", "until", "tills", "next", "nästa", "this", "den", "det", "re", "about", "kl", "asap",
     "tomorrow", "imorgon", "today", "idag", "within", "inom", "when", "när", "if", "om", "is", "är", "was", "var"]
)  # fmt: skip
_NEXT_WORD = re.compile(r"[ \t]+([^\W_][\w'’&-]*)")
_HEAD_WORDS = 3  # a head of at most three words ("the new wound dressings")


def with_head(text: str, start: int, end: int, times: Sequence[Span] = ()) -> Span:
    """A step span that ends in a determiner, a possessive or "new", taken on over the words of
    its noun phrase's head on the same line: up to a function word, a mark, a time expression,
    at most three words; else as it was."""
    words = text[start:end].split()
    if not words or not (words[-1].lower() in _NEEDS_HEAD or words[-1].isdigit()):
        return start, end  # (a count needs its noun too: "offert på 20" st skrivbord)
    pos = end
    for _ in range(_HEAD_WORDS):
        m = _NEXT_WORD.match(text, pos)
        if m is None or m.group(1).lower() in _AFTER_HEAD:
            break
        if any(a <= m.start(1) < b for a, b in times):
            break
        pos = m.end()
    return start, pos


# Words that open a purpose, never part of an annotated step: a step span that runs on over
# one took its reason in ("Call back regarding support ticket 4432")
_PURPOSE_OPENER = re.compile(
    r"\s(?:regarding|concerning|about|re:?|angående|angaende|ang\.?|gällande|gallande)\s"
    # "on" after a contact verb opens its topic ("Follow up on the proposal", "get back to us on
    # the trial", "revert on pricing"); a date after it is no part of the step either
    rf"|\s{AFTER_CONTACT_VERB}(?=on\s)",
    re.IGNORECASE,
)


def before_purpose(text: str, start: int, end: int) -> Span:
    """A step span cut before a purpose opener inside it ("Call back" of "Call back regarding
    support ticket 4432"); as it was when there is none."""
    m = _PURPOSE_OPENER.search(text, start, end)
    return (start, m.start()) if m and m.end() < end else (start, end)


# Where a second clause starts inside a span: a conjunction before a new subject ("give me a
# shout and we'll get the vehicle ordered", "ring mig så bokar vi"; no step in any annotated
# file, 7,761, holds one), or a spaced dash that parts the step from what follows it ("Ring Lasse
# på Östra Skolan - pris på klassrumsstolar"; 1 annotated step in 7,900 holds one).
_SPACED_DASH = r"[ \t][-–—][ \t]"
_NEW_CLAUSE = re.compile(
    r"(?i)\s(?:and|och|&|så)\s+(?:we|I|we'll|i'll|we'd|i'd|we\s+will|i\s+will|they|they'll|he|he'll|"
    rf"she|she'll|vi|jag|de|dom|han|hon)(?![\w'’])|{_SPACED_DASH}"
)


def before_new_clause(text: str, start: int, end: int) -> Span:
    """A step span cut where a second clause starts inside it; as it was when none does."""
    m = _NEW_CLAUSE.search(text, start, end)
    return (start, m.start()) if m and m.start() > start else (start, end)


# A sending verb and the pronoun that is its object ("Skickar den", "I'll send it"): every
# annotated step that ends in such a verb followed by the pronoun holds the pronoun (73 of 73)
SEND_VERB = "(?:" + "|".join(SENDING_VERBS) + ")"
_SEND_END = re.compile(rf"(?i)(?<![\w-]){SEND_VERB}$")
_SENT_OBJECT = re.compile(r"(?i)[ \t]+(?:it|them|den|det|dem)(?![\w'’])")


def with_sent_object(text: str, start: int, end: int, times: Sequence[Span] = ()) -> Span:
    """A step span that ends in a sending verb, taken on over the pronoun after it that is
    its object ("Skickar" den imorgon, "I'll send" it Friday), unless the pronoun opens a time
    expression ("skickar" den 4 maj)."""
    m = _SENT_OBJECT.match(text, end) if _SEND_END.search(text, start, end) else None
    if m is None or any(a <= m.end() - 1 < b for a, b in times):
        return start, end
    return start, m.end()


# A title before a name, whose full stop the span model takes for a sentence's end
_TITLE = re.compile(r"(?i)(?:^|\s)(?:mr|mrs|ms|dr|prof|hr|fr|fru)$")
_NAME_AFTER_TITLE = re.compile(r"(?:\.[ \t]?|[ \t])[A-ZÅÄÖ][\w'-]+")


def with_name_after_title(text: str, start: int, end: int) -> Span:
    """A step span that ends in a title, taken on over its name ("Send brochure to Mr" Jensen,
    "Call Dr" Patel)."""
    if _TITLE.search(text, start, end) and (name := _NAME_AFTER_TITLE.match(text, end)):
        return start, name.end()
    return start, end


def tidy_step(text: str, start: int, end: int, times: Sequence[Span] = ()) -> Span:
    """A next step's edges: whole words, no stray mark, no purpose or second clause it ran on
    into, no dangling function word, a noun phrase's head or a title's name that was cut off
    taken on (``times``: the note's time expressions)."""
    start, end = before_purpose(text, *without_stray_marks(text, *whole_words(text, start, end)))
    start, end = before_new_clause(text, start, end)
    start, end = with_head(
        text, *with_name_after_title(text, *without_dangling_word(text, start, end)), times
    )
    return with_sent_object(text, start, end, times)


def tidy_reason(text: str, reason: Span, step: Span) -> Span:
    """A reason's edges: whole words, no stray mark, no conjunction or preposition cut from
    what follows ("kolla med sin chef om budget och" återkomma), and apart from the step it
    ends in."""
    start, end = without_stray_marks(text, *whole_words(text, *reason))
    start, end = _dash_part(text, start, end)
    kept = without_dangling_word(text, start, end)
    if len(text[kept[0] : kept[1]].split()) >= 2:
        start, end = without_stray_marks(text, *kept)
    return reason_apart(text, (start, end), step)


_SPACED_DASH_RX = re.compile(_SPACED_DASH)


def _dash_part(text: str, start: int, end: int) -> Span:
    """A reason that runs over a spaced dash, cut before it ("the board has approved the
    capex" of "... the capex – they sit on the 27th", "the cold room PPM renewal" of "... renewal
    - it lapses end of June"): no annotated reason, of 6,410, holds one."""
    dash = _SPACED_DASH_RX.search(text, start, end)
    return without_stray_marks(text, start, dash.start()) if dash else (start, end)


_LEADING = frozenset(" \t\r\n-–—/+:;,•*·>")
_TRAILING = frozenset(" \t\r\n-–—/+:;,")
_QUOTES = "'\"“”‘’"


def without_stray_marks(text: str, start: int, end: int) -> Span:
    """A span without a list's bullet or a separator at its start ("- our quote", "/ FM
    team"), a dash, comma or line break at its end ("Meeting set -"), a quote mark that the
    span does not close or open ("will follow up'"), or a closing bracket it does not open
    ("vill ha offert)"). Unchanged if nothing would be left."""
    s, e = start, end
    while True:
        while s < e and text[s] in _LEADING:
            s += 1
        while e > s and text[e - 1] in _TRAILING:
            e -= 1
        if e > s and text[e - 1] in _QUOTES and _unpaired(text[s:e], text[e - 1]):
            e -= 1
            continue
        if e > s and text[s] in _QUOTES and _unpaired(text[s:e], text[s]):
            s += 1
            continue
        if e > s and text[e - 1] in ")]" and text.count("(["[")]".index(text[e - 1])], s, e) == 0:
            e -= 1  # "vill ha offert)": the bracket the span does not open
            continue
        break
    return (s, e) if any(ch.isalnum() for ch in text[s:e]) else (start, end)


_PARTNER = {"“": "”", "”": "“", "‘": "’", "’": "‘"}


def _unpaired(span: str, mark: str) -> bool:
    """Whether a quote mark at an edge of ``span`` has no partner inside it."""
    if mark in _PARTNER:
        return _PARTNER[mark] not in span
    return span.count(mark) % 2 == 1


def cut_back(start: int, end: int, other: Span) -> Span | None:
    """A span cut back to its side of another span it overlaps at an edge (the reason "the
    onboarding modules on 14/5" beside the when "on 14/5"); None when the other covers it.
    One inside it, with words on both sides, stays (the SPEC's reason may name a date that
    is not the step's)."""
    w_start, w_end = other
    if end <= w_start or w_end <= start:
        return start, end
    if w_start <= start and end <= w_end:
        return None
    if start < w_start and end <= w_end:
        return start, w_start
    if w_start <= start and w_end < end:
        return w_end, end
    return start, end


def reason_apart(text: str, reason: Span, step: Span) -> Span:
    """A reason that ends in the step, cut back to its own words ("discuss with his
    accountant and ping me" beside the step "ping me"), when two words or more are left;
    else as it was."""
    cut = cut_back(*reason, step)
    if cut is None or cut[0] != reason[0] or cut == reason:
        return reason  # a reason that opens with the step ("check in on how ...") stays
    start, end = without_dangling_word(text, *without_stray_marks(text, *cut))
    start, end = without_stray_marks(text, start, end)
    return (start, end) if len(text[start:end].split()) >= 2 else reason


def step_before_reason(text: str, step: Span, reason: Span) -> Span:
    """A step that runs into its reason after a connector, cut where the reason starts
    ("Påminn Kalle om" underskrift av avtalet, "Remind Tom to" sign the renewal: the step is
    *Påminn Kalle*, *Remind Tom*); as it was when the reason does not start inside it, no
    connector comes before it, or less than two words would be left ("client to" confirm)."""
    s_start, s_end = step
    r_start, r_end = reason
    if not s_start < r_start < s_end <= r_end:
        return step
    end = r_start
    while end > s_start and text[end - 1] == " ":
        end -= 1
    cut = text.rfind(" ", s_start, end)
    if cut < 0 or text[cut + 1 : end].lower() not in _DANGLING:
        return step
    start, end = without_stray_marks(text, s_start, cut)
    return (start, end) if len(text[start:end].split()) >= 2 else step


def reason_beside(text: str, reason: Reason, when: Span, step: Span | None) -> Reason | None:
    """The reason without the when it runs into at an edge (None if less than two words are
    left), and then apart from the step it ends in."""
    cut = cut_back(reason.start, reason.end, when)
    if cut is None:
        return None
    if cut == (reason.start, reason.end):
        return reason
    start, end = without_stray_marks(text, *cut)
    if len(text[start:end].split()) < 2:
        return None  # what is left of "ett tag kanske" beside "om ett tag" is no reason
    if step is not None:
        start, end = reason_apart(text, (start, end), step)
    return reason.model_copy(update={"text": text[start:end], "start": start, "end": end})


# What opens a reason's own words after the step inside one span: a purpose, a condition or a
# topic ("confirm by Tues if he takes the deal", "boka demo för att visa rapporterna")
_OPENS_REASON = re.compile(
    r"(?i)(?:if|whether|so(?:\s+that)?|in\s+order\s+to|to|because|since|once|re:?|about|regarding|on"
    r"|för\s+att|så\s+att|om|eftersom|när|ang\.?|angående|kring)\s+"
)


def reason_after_step(text: str, reason: Span, step: Span, times: Sequence[Span]) -> Span | None:
    """A reason that still overlaps the step (the span model tagged "client to confirm" and
    "confirm by Tues if he takes the deal"): its words after the step, past the step's when,
    from the purpose, condition or topic that opens them ("he takes the deal"); None when no
    such words follow ("skicka referenslista + boka studiebesök" / "... hos Vasa Bygg"). No
    annotated reason overlaps its step. A reason apart from the step is returned as is."""
    r_start, r_end = reason
    s_start, s_end = step
    if r_end <= s_start or s_end <= r_start:
        return reason
    pos = s_end
    while True:
        while pos < r_end and not text[pos].isalnum():
            pos += 1
        after = next((e for s, e in times if s <= pos < e), None)
        if after is None:
            break
        pos = after
    opener = _OPENS_REASON.match(text, pos, r_end)
    if opener is None:
        return None
    start, end = without_stray_marks(text, opener.end(), r_end)
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None


# A call or a message whose topic the step runs on into ("ring lindgrens tak om bom lyften som
# står kvar", "call Dave about the renewal terms"): the topic after the connector is the reason
_TOPIC_INSIDE = re.compile(
    r"(?i)(?:ring|ringa|call|phone|tel|mejla|maila|email|e-mail|kontakta|contact|ping|text|sms:a)\s+"
    r"(?:[^\s]+\s+){1,4}?(?P<conn>om|about|re:?|ang\.?|angående|angaende|regarding)\s+(?=[^\W\d_])"
)


def topic_inside(text: str, step: Span) -> tuple[Span, Span] | None:
    """A call or message step that runs into its topic, split: (the step, its topic as the
    reason), the topic at least two words; None otherwise."""
    m = _TOPIC_INSIDE.match(text, step[0], step[1])
    if m is None:
        return None
    topic = (m.end(), step[1])
    if len(text[topic[0] : topic[1]].split()) < 2:
        return None
    return without_stray_marks(text, step[0], m.start("conn")), topic
