"""Telegraphic purposes: reason candidates a rule proposes and a learned model decides.

Reps write the why of a step in a few words after a dash or a short connector: "Ring Magnus
mån kl 9 - trade-in av Nimbus 30", "Ring Åsa om ljudriggen", "Site visit Wed 2pm - survey
lifts 3 & 4", "I'll call you Friday with feedback", "Fokus på BIM-samordning". The span model
misses many of them. :func:`propose` lists the phrases after (or before) such a connector on
the step's line; a logistic regression over the connector, the phrase's words, its length and
its place next to the step says which, if any, is the reason. It runs only when the span model
found no reason.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from model.choose import _bucket
from model.text import AFTER_CONTACT_VERB, TOKEN_PATTERN, fold_same_length
from model.tidy import phrase_end
from model.when import TimeMention

Span = tuple[int, int]

# Connectors, folded (å/ä/ö -> a/o); the phrase after one is a candidate. Longest first.
_CONNECTOR = re.compile(
    r"(?:(?<=\s)|^)(?:(?:agenda|dagordning|syfte|purpose|topic|amne|arende|mal|goal|aim|objective)\s*:|"
    r"for att|i syfte att|sa att|so that|so they can|so we can|in order to|fokus pa|focus on|"
    r"angaende|ang\.?|regarding|re:|re|about|om|kring|gallande|for|to|med|with|w/|inkl\.?|"
    r"nar|when|once|efter att|after|innan|before|"
    rf"[-–:]|{AFTER_CONTACT_VERB}on)(?=\s)"
)
# What a time connector's phrase opening with it refers back to: a time already said
_BACK_REFERENCE = frozenset(["dess", "then", "that", "det", "detta"])
_TIME_CONNECTORS = frozenset(["innan", "before", "efter att", "after", "nar", "when", "once"])
_FUNCTION_WORDS = frozenset(
    ["of", "the", "a", "an", "to", "for", "in", "on", "at", "by", "and", "or", "it", "that", "this",
     "av", "och", "eller", "i", "pa", "till", "med", "om", "den", "det", "de", "en", "ett"]
)  # fmt: skip
_TRIM = frozenset(
    ["och", "and", "the", "den", "det", "en", "ett", "a", "an", "i", "in", "pa", "on", "at", "kl", "till"]
)


def propose(text: str, folded: str, step: Span, mentions: Sequence[TimeMention]) -> list[tuple[Span, str]]:
    """Phrases after a connector on the step's line: (span, connector), the step excluded."""
    line_start = text.rfind("\n", 0, step[0]) + 1
    line_end = text.find("\n", step[1])
    line_end = len(text) if line_end < 0 else line_end
    out: list[tuple[Span, str]] = []
    for m in _CONNECTOR.finditer(folded, line_start, line_end):
        if m.group() == "sa att" and _said_that(text, m.start()):
            continue
        start = m.end()
        while start < line_end and text[start].isspace():
            start += 1
        for t in mentions:  # a date right after the connector: the phrase follows it
            if t.start == start and t.end < line_end:  # ("Meeting set - 14/1 09:30 renewal walk-through")
                start = t.end
                while start < line_end and text[start].isspace():
                    start += 1
        if start >= line_end or (step[0] <= start < step[1]):
            continue
        end = phrase_end(text, start, line_end, (t.start for t in mentions))
        if step[0] > start:
            end = min(end, step[0])
        words = list(TOKEN_PATTERN.finditer(folded, start, end))
        while words and (words[-1].group() in _TRIM or not words[-1].group()[0].isalnum()):
            words.pop()
        if not words or words[0].start() != start and not words[0].group()[0].isalnum():
            continue
        if all(w.group() in _FUNCTION_WORDS for w in words):
            continue  # "of the" (of "after the first of the year"): no purpose
        if words[0].group() in _BACK_REFERENCE and m.group() in _TIME_CONNECTORS:
            continue  # "innan dess händer inget", "before then": a time, said again
        span = (words[0].start(), words[-1].end())
        if m.group() in _WITH and _names_someone(text, folded, span):
            continue  # who the step is done with is not why (the phrase after it has its own)
        if span[1] - span[0] >= 3 and apart(span, step, mentions):
            conn = m.group().strip()
            out.append((span, "label:" if conn.endswith(":") and len(conn) > 3 else conn))
    done = _done_before(text, step, line_start)
    if done is not None and apart(done, step, mentions):
        out.append((done, "and-before"))
    return out


# "She'll confirm numbers w/ the council and call me back", "Han ska prata med sin chef och
# återkommer": what the customer does before getting back to us is the reason; it is the
# clause before "and"/"och", after its subject and modal verb.
_AND_END = re.compile(
    r"(?:\s+(?:and|och|&)(?:\s+(?:then|sen|sedan))?|,?\s+(?:then|sen|sedan))"
    r"(?:\s+(?:he|she|they|we|i|han|hon|de|dom|vi|jag|kunden)(?:\s+(?:will|'ll|ska|kommer\s+att))?)?\s+$",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"[.;!?:]\s|,\s|\s[-–]\s|\(")
_MODALS = frozenset(
    ["will", "shall", "ska", "skall", "skulle", "should", "would", "to", "kommer", "must", "may"]
)


def _done_before(text: str, step: Span, line_start: int) -> Span | None:
    """The clause joined to the step by "and"/"och" before it, without its subject and modal
    ("confirm numbers w/ the council"); None when there is none or under two words are left."""
    joined = _AND_END.search(text[line_start : step[0]])
    if joined is None:
        return None
    end = line_start + joined.start()
    start = line_start
    for m in _CLAUSE_START.finditer(text, line_start, end):
        start = m.end()
    words = [(w.start(), w.group().lower()) for w in re.finditer(r"\S+", text[start:end])]
    verb = 0
    for i, (_, w) in enumerate(words[:5]):
        if w in _MODALS or w.endswith(("'ll", "’ll", "'d", "’d")):
            verb = i + 1
    if verb == 0:
        verb = 1  # the subject ("Åsa kollar med sin chef och hör av sig")
    if len(words) - verb < 2:
        return None
    return start + words[verb][0], end


def apart(reason: Span, step: Span, mentions: Sequence[TimeMention]) -> bool:
    """Whether a reason candidate lies apart from the step and outside every time expression
    (a time expression is never the reason: "innan årsskiftet")."""
    if reason[0] < step[1] and step[0] < reason[1]:
        return False
    return not any(t.start <= reason[0] and reason[1] <= t.end for t in mentions)


_SAID_BY = frozenset(["han", "hon", "vi", "de", "dom", "jag", "ni", "kunden", "hen"])

# Who a step is done with is never its reason ("Schedule a demo with the IT team", "Ring med
# Eva"); what the customer comes back with often is ("get back to us with a decision"). Folded.
_PEOPLE = frozenset(
    ["him", "her", "them", "us", "me", "you", "honom", "henne", "dem", "dom", "oss", "mig", "dig",
     "er", "team", "teamet", "gang", "engineers", "engineer", "architects", "architect", "manager",
     "managers", "director", "owner", "owners", "ceo", "cfo", "cto", "coo", "cio", "ciso", "vd",
     "ops", "procurement", "buyer", "buyers", "purchasing", "legal", "counsel", "chef",
     "chefen", "inkopare", "inkoparen", "styrelsen", "board", "controller", "kollega", "kollegor",
     "colleague", "colleagues", "staff", "personal", "personalen", "employees", "medarbetarna",
     "avdelningen", "ledningen", "ledningsgruppen", "kunden", "kunderna", "customer", "customers",
     "client", "clients", "users", "anvandarna", "agarna"]
)  # fmt: skip
# Swedish compounds that name a role ("inköpschefen", "IT-ansvarige", "projektledaren"), folded
_ROLE_ENDINGS = (
    "chef", "chefen", "chefer", "cheferna", "ansvarig", "ansvarige", "ansvariga", "ledare", "ledaren",
    "agare", "agaren", "inkopare", "inkoparen", "saljare", "saljaren", "tekniker", "teknikern",
)  # fmt: skip
_DETERMINERS = frozenset(
    ["the", "their", "our", "his", "her", "your", "its", "a", "an", "both", "all", "deras", "var",
     "vart", "vara", "hans", "hennes", "sin", "sitt", "sina", "den", "det", "de", "en", "ett"]
)  # fmt: skip


def _names_someone(text: str, folded: str, span: Span) -> bool:
    """Whether a phrase opens with a person or a group: a name (a capital letter past a
    determiner) or a word for people ("the IT team", "Maria", "their engineers", "oss")."""
    words = list(TOKEN_PATTERN.finditer(folded, span[0], span[1]))[:4]
    while len(words) > 1 and words[0].group() in _DETERMINERS:
        words.pop(0)
    if not words:
        return False
    first = words[0]
    if any(w.group() in _PEOPLE or w.group().endswith(_ROLE_ENDINGS) for w in words[:2]):
        return True
    # a name; a capital word with a number in or after it is a product ("Flipper 600", "S4")
    product = any(ch.isdigit() for ch in first.group()) or (len(words) > 1 and words[1].group()[0].isdigit())
    return text[first.start()].isupper() and first.group() not in _DETERMINERS and not product


_PURPOSE_WORDS = frozenset(
    ["to", "for", "about", "re", "regarding", "ang", "angaende", "gallande", "om", "kring", "att",
     "so", "sa", "before", "after", "innan", "efter", "once", "when", "nar"]
)  # fmt: skip
_WITH = frozenset(["with", "w/", "med"])
_WITH_HEAD = re.compile(r"(?:with|w/|med|to|till|for)\s+")  # opening a candidate
_WITH_TAIL = re.compile(  # right before one, perhaps with a determiner between
    rf"(?:^|\s)(?:with|w/|med|to|till|for)\s*(?:(?:{'|'.join(sorted(_DETERMINERS))})\s+)?$"
)


# Whose wish the step was, or where the rep read it, not why it is done ("rescheduled at their
# request", "på kundens begäran", "as requested", "per her email", "enligt hans mejl");
# folded text
_WHOSE_REQUEST = re.compile(
    r"(?:(?:at|on|(?:as\s+)?per|by)\s+(?:their|his|her|the\s+(?:customer|client)'?s?|[a-z]+'s)\s+(?:own\s+)?"
    r"(?:request|wish|wishes|suggestion|initiative)|as\s+(?:requested|agreed|discussed)"
    r"|(?:as\s+)?per\s+(?:their|his|her|the\s+(?:customer|client)'?s?|[a-z]+'s|the|an?)\s+"
    r"(?:last\s+)?(?:e-?mail|mail|message|call|phone\s+call|text|voicemail|vm|note|conversation)"
    r"|pa\s+(?:deras|hans|hennes|kundens|[a-z]+s)\s+(?:egen\s+|eget\s+)?(?:begaran|onskan|inradan|initiativ|forslag)"
    r"|enligt\s+(?:deras|hans|hennes|kundens|[a-z]+s)\s+(?:mejl|mail|e-post|meddelande|samtal|sms|onskemal)"
    r"|enligt\s+(?:onskemal|overenskommelse|kundens\s+onskemal)|som\s+(?:onskat|overenskommet|avtalat))[.!]?"
)


def is_who(text: str, folded: str, span: Span) -> bool:
    """Whether a reason candidate is who the step is done with or for, not why: it follows
    *with/w//med/to/till/for/för* (or opens with it), is a few words and names a person or a
    group ("Schedule a demo with the IT team", "Ring med Eva", "quote to Colin", "Demo for the
    sales team"), or it is only a name ("Möte Sara/Omar – Nordkust IT"). What the customer
    comes back with is not ("with a decision"), nor what is done ("to discuss the terms", "för
    påskrift")."""
    start, end = span
    if _only_names(text, folded, span) or _WHOSE_REQUEST.fullmatch(folded, start, end):
        return True
    head = _WITH_HEAD.match(folded, start, end)
    if head is not None:
        start = head.end()
    elif _WITH_TAIL.search(folded[max(0, start - 16) : start]) is None:
        return False
    words = TOKEN_PATTERN.findall(folded, start, end)
    if not words or len(words) > 5 or not _PURPOSE_WORDS.isdisjoint(words):
        return False  # more than who: "their platform team to review network isolation"
    return _names_someone(text, folded, (start, end))


def _only_names(text: str, folded: str, span: Span) -> bool:
    """Whether a phrase is nothing but a name: one to four capitalised words, one of them
    written like a name (a capital, then small letters), no number ("Nordkust IT", "Dalby
    Sjukhem", "Kirkgate Digital"; not "GDPR", "Flipper 600" or "Q3 pricing")."""
    found = list(TOKEN_PATTERN.finditer(folded, span[0], span[1]))
    if not 1 <= len(found) <= 4 or any(not m.group().isalpha() for m in found):
        return False
    words = [text[m.start() : m.end()] for m in found]
    return all(w[0].isupper() for w in words) and any(w[1:].islower() for w in words if len(w) > 1)


def _said_that(text: str, at: int) -> bool:
    """Whether "sa att" at ``at`` is "said that" (folding makes it look like "så att", so that):
    written without å in a note that has å/ä/ö elsewhere, or after a pronoun or a name, or
    opening a sentence ("Sa att jag kunde ...")."""
    if text[at] != "s" and text[at] != "S" or text[at + 1] != "a":
        return False  # "så att"
    if any(ch in text for ch in "åäöÅÄÖ"):
        return True
    before = text[max(0, at - 30) : at].rstrip()
    word = before.rsplit(None, 1)[-1] if before.split() else ""
    return not word or word[-1] in ".!?:" or word.lower() in _SAID_BY or word[:1].isupper()


def reason_features(
    text: str, folded: str, step: Span, candidates: Sequence[tuple[Span, str]]
) -> list[dict[str, float]]:
    """Features of each candidate reason next to the step."""
    step_words = TOKEN_PATTERN.findall(folded, step[0], step[1])[:2]
    out = []
    for k, ((s, e), conn) in enumerate(candidates):
        words = TOKEN_PATTERN.findall(folded, s, e)
        side = "after" if s >= step[1] else "before"
        gap = (
            TOKEN_PATTERN.findall(folded, step[1], s)
            if side == "after"
            else TOKEN_PATTERN.findall(folded, e, step[0])
        )
        f: dict[str, float] = {
            f"conn:{conn}": 1.0,
            f"side:{side}": 1.0,
            f"{side}:conn:{conn}": 1.0,
            f"gap{_bucket(len(gap), (0, 1, 3, 6, 10))}": 1.0,
            f"len{_bucket(len(words), (1, 2, 3, 5, 8, 12))}": 1.0,
            f"k={min(k, 2)}": 1.0,
        }
        if words:
            f["w0:" + words[0]] = 1.0
            f["wl:" + words[-1]] = 1.0
            if len(words) > 1:
                f["w1:" + words[1]] = 1.0
        for w in words[:8]:
            f["cw:" + w] = 1.0
        for w in step_words:
            f["st:" + w] = 1.0
        for w in gap[-2:]:
            f["g:" + w] = 1.0
        if e >= len(text) or text[e : e + 1] in ("\n", ".", ""):
            f["ends_line"] = 1.0
        out.append(f)
    return out


def reason_examples(
    records: Sequence[dict], mentions_of: Sequence[Sequence[TimeMention]]
) -> tuple[list[dict[str, float]], list[bool]]:
    """Training rows: the proposed phrases next to each gold step, positive when they overlap
    the gold reason."""
    from model.data import locate

    feats: list[dict[str, float]] = []
    labels: list[bool] = []
    for r, mentions in zip(records, mentions_of, strict=True):
        step = locate(r["text"], r.get("next_step"))
        if step is None:
            continue
        text = r["text"]
        folded = fold_same_length(text)
        cands = propose(text, folded, (step.start, step.end), mentions)
        if not cands:
            continue
        gold = locate(text, r.get("reason"))
        feats.extend(reason_features(text, folded, (step.start, step.end), cands))
        labels.extend(gold is not None and s < gold.end and gold.start < e for (s, e), _ in cands)
    return feats, labels


# A list item's mark, or a log entry's date stamp ("2025-02-17 Möte m ...", "12/19 3:40pm [Call]")
_ITEM = re.compile(
    r"[ \t]*(?:[-*•–]|\d{1,2}[.)]|(?:\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}(?:/\d{2,4})?)(?:[ \t]+\d{1,2}[:.]\d\d[ \t]*(?:am|pm)?)?"
    r"[ \t]*[-–:]?)[ \t]"
)
_PURPOSE_ITEM = re.compile(
    r"(?i)[ \t]*(?:[-*•–]|\d{1,2}[.)])[ \t]+(?:purpose|syfte|agenda|goal|mål|aim|why|varför|topic|ämne)\s*:"
)


def nearest_reason(
    reasons: Sequence[Span],
    step: Span,
    bounds: Callable[[int, int], Span],
    surest: Callable[[list[Span]], Span | None] | None = None,
) -> Span:
    """The step's reason among several found: one in the step's own sentence first (of two or
    more there, what ``surest`` picks, if it picks one), then the nearest to the step. "Tel m
    Eva ang. larmet. Bokat besök tis för att mäta upp ytorna": the purpose in the step's
    sentence, not the call's topic that ends just before the step. ``bounds`` gives the sentence
    holding a span (:meth:`model.note.Note.bounds`)."""
    s_start, s_end = step
    home = bounds(s_start, s_end)
    same = [r for r in reasons if bounds(*r) == home]
    if len(same) > 1 and surest is not None and (picked := surest(same)) is not None:
        return picked
    return min(same or reasons, key=lambda r: min(abs(r[0] - s_end), abs(s_start - r[1])))


def other_item(text: str, step: tuple[int, int], reason: tuple[int, int]) -> bool:
    """Whether the reason sits on another list item's line than the step's, both lines items
    ("- call back Orla at 2pm re oven warranty / - call back Steve Friday") or log entries of
    their own date ("2025-02-17 Möte m Per, genomgång av EDC-behov / 2025-03-10 Tel P-O: ...")."""
    line_of = [text.rfind("\n", 0, pos) + 1 for pos in (step[0], reason[0])]
    if line_of[0] == line_of[1] or _PURPOSE_ITEM.match(text, line_of[1]):
        return False  # (an item that labels a purpose is the list's: "2. Purpose: show how ...")
    return all(_ITEM.match(text, start) for start in line_of)


# A record's status field ("Status: Planned", "Stage: Proposal", "Prioritet: hög") says where
# the record stands, not why the step is taken: no annotated reason lies in one (0 of 227).
_STATUS_FIELD = re.compile(r"(?i)\b(?:status|stage|priority|prioritet)\s*:\s*[^\n|;,.]{1,30}")


def in_status_field(text: str, reason: tuple[int, int]) -> bool:
    """Whether a reason candidate starts in a status field of its line."""
    start = reason[0]
    line = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    return any(s <= start < e for s, e in _status_fields(text, line, line_end))


@functools.lru_cache(maxsize=64)
def _status_fields(text: str, line: int, line_end: int) -> tuple[tuple[int, int], ...]:
    """The status fields of one line (found once per line: a long line has many candidates)."""
    window = text[line:line_end].lower()
    if "status" not in window and "stage" not in window and "priorit" not in window:
        return ()
    return tuple((m.start(), m.end()) for m in _STATUS_FIELD.finditer(text, line, line_end))
