"""Choosing the primary next step among several candidates: a learned ranker.

Real notes hold several step-like phrases: a log's earlier entries ("2025-01-13 Ring igen,
upptagen"), a journal's past days, a list's items for several customers, internal action
items in minutes. The span model proposes candidates; this ranker decides which one is the
note's primary next step from what a reader uses: where the candidate sits (first, last, which
line, which of the list items that hold candidates), what its line says about time (a dated
log line in the past, a future date beside it), the header it falls under ("Next steps:",
"Åtgärder:", "Internal:"), and its own words.

It is trained on the annotated notes: the gold step is the positive candidate, and step-like
phrases elsewhere in the note (found by :func:`propose`, a rule that only proposes) are the
negatives. Nothing here is hand-weighted: the rule finds phrases, the model decides.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

from model.choose import NUMERIC_STAMP, _bucket, period_start
from model.features import SentenceIndex
from model.owners import _OURS_OPENS
from model.records import _INTERNAL_TITLE, _SENT_WORDS, _WORD, CONTACT_ASK, never_a_step
from model.text import TOKEN_PATTERN, by_first_letter, fold_same_length
from model.tidy import SEND_VERB, phrase_end, with_sent_object
from model.when import TimeMention
from model.zones import action_zone

Span = tuple[int, int]

# Step-like words, folded (å/ä/ö -> a/o), past and future forms alike: the ranker learns which
# is which. Only for proposing negatives at training time.
_STEP_WORDS = (
    r"ring\w*|call\w*|phone(?!s\b)\w*|tel|mejl\w*|mail\w*|email\w*|e-post|skick\w*|send\w*|sent|"
    r"bok\w*|book\w*|mote\w*|meet\w*|mtg|demo\w*|lunch(?!es\b)\w*|besok\w*|visit\w*|traff\w*|offert\w*|"
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
# A customer's wish to be contacted (folded): a request too, and the rep's call or contact
_CONTACT_WISH = (
    r"(?:vill|ville|onskar) bli (?P<sv>uppringd\w*|kontaktad\w*)"
    r"|(?:asked|asks|wants?|wanted|would like) to be (?P<en>called|rung|contacted)(?: back)?"
)
_REQUEST = re.compile(
    r"\b(?:(?:vill|ville|onskar|ber om|bad om) (?:ha )?(?:\w+ )?"
    r"(?:pris\w*|pric\w*|rates?\b|offf?ert\w*|kalkyl\w*|katalog\w*|referens\w*|broschyr\w*|prover|provex\w*|underlag\w*|"
    r"anbud\w*|avtalsforslag\w*|sow|quote\w*|qoute\w*|quotation|proposal)"
    r"|(?:want\w*|asked for|asks for|requested|would like) (?:a |an |some |the )?(?:[\w-]+ ){0,3}?"
    r"(?:pric\w*|rates?\b|rate card|quote\w*|qoute\w*|quotations?|offers?|estimates?|proposal|references?|refs|catalog\w*|brochures?|"
    r"samples?|case stud\w+|spec sheets?|sow|statement of work)"
    # ... or to be contacted (SPEC: "asked to call back after 5pm")
    rf"|{_CONTACT_WISH})\b"
)


_PROPOSE = re.compile(rf"\b(?:{by_first_letter(_STEP_WORDS)})\b")  # (same matches)
_NEWLINE = re.compile("\n")
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
# What says a thing was sent (folded): a request answered
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


_TO_BE_CONTACTED = re.compile(rf"\b(?:{_CONTACT_WISH})\b")


def contact_wished(folded: str, span: Span) -> str | None:
    """The action of a customer's wish to be contacted that the step overlaps ("vill bli
    uppringd", "asked to be rung"): the rep's "call", or "contact"; None for any other step.
    SPEC: a contact the customer asks for is the rep's."""
    for m in _TO_BE_CONTACTED.finditer(folded, max(0, span[0] - 40), span[1] + 40):
        if m.start() < span[1] and span[0] < m.end():
            word = m.group("sv") or m.group("en")
            return "contact" if word.startswith(("kontakt", "contact")) else "call"
    return None


# A purpose after what is asked for, which the step's span leaves to the reason (SPEC)
_REQUEST_PURPOSE = re.compile(
    r"(?i)\s(?:so(?:\s+that)?\s+(?:she|he|they|we|i|you|it|the)\b|so\s+that|in\s+order\s+to|"
    r"för\s+att|for\s+att|så\s+att|sa\s+att|inför|infor|ahead\s+of|before\s+(?:their|the|our|his|her)|"
    # ... or what they do before or once it is in ("innan de beslutar på mötet", "before they sign")
    r"(?:innan|before|när|nar|once|until|tills)\s+(?:de|dom|hon|han|vi|they|she|he|we)\b)"
)


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
        purpose = _REQUEST_PURPOSE.search(text, m.end(), end)
        if purpose is not None:
            end = purpose.start()  # "so she can write the tender": the reason, not the request
        out.append((m.start(), m.start() + len(text[m.start() : end].rstrip())))
    return out


# A promise to send that names nothing (its object left out): "send", "skickar", "will send"
_BARE_SEND = re.compile(
    rf"(?i)(?:(?:i|we|jag|vi)(?:'ll|’ll|'d|’d|\s+will|\s+would|\s+ska)?\s+(?:try\s+to\s+)?|will\s+|ska\s+|"
    rf"lovade\s+(?:att\s+)?|promised\s+to\s+)?"
    rf"(?:{SEND_VERB}|skickas|mejlas|mailas|get\s+(?:it\s+|them\s+)?over|get\s+(?:it\s+|them\s+)?across)"
    # ... or names only whom it goes to, or "all" of it ("Mailar henne", "Will send both")
    r"(?:\s+(?:to\s+|till\s+)?(?:henne|honom|him|her|both|all|allt|alltihop|båda|bada|bägge|bagge|everything))?"
    # ... and may end on the word that opens its time ("skicka till nästa fredag")
    r"(?:\s+(?:till|by|until|senast|innan|before))?"
)


def bare_send(text: str, span: Span, times: Sequence[Span] = ()) -> bool:
    """Whether a span is a promise to send that names nothing ("skickar", "get it over to her")."""
    if _BARE_SEND.match(text, span[0]) is None:
        return False  # (most spans do not open with one)
    start, end = with_sent_object(text, *span, times)
    return _BARE_SEND.fullmatch(text, start, end) is not None


def request_sent(
    text: str, folded: str, mentions: Sequence[TimeMention], step: Span, times: Sequence[Span]
) -> Span | None:
    """The customer's request that a step's bare promise to send answers, earlier on its line
    ("wants pricing for 14 staff, send by Fri", "vill ha offert på 9 anst., skickar imorgon",
    "wants a repair quote + a re-cover option. Will send both"):
    the promise names nothing, the request names what is sent. None for any other step, or
    where no request comes before it on its line (``times``: where the mentions are)."""
    if not bare_send(text, step, times):
        return None
    start = step[0]
    line_start = text.rfind("\n", 0, start) + 1
    asked = [r for r in request_phrases(text, folded, mentions) if line_start <= r[0] and r[1] <= start]
    if not asked:  # what is sent answers any request for a thing ("asked for the DPA, send Mon")
        asked = _things_asked(text, folded, mentions, line_start, start)
    return asked[-1] if asked else None


# A request for any thing, not an act ("asked for the GDPR DPA", "vill ha ritningarna"; not
# "wants to see"), folded: where a bare promise to send follows, it is what is sent
_THING_ASKED = re.compile(
    r"\b(?:vill ha|ville ha|onskar|ber om|bad om|wants|wanted|asked for|asks for|requested|would like)"
    r"\s+(?!(?:to|att|oss|us|me|mig|dig|you|that|this|it|about|om|kl|at|det|detta|allt|dem|them)\b)(?=\w)"
)
_SENTENCE_BREAK = re.compile(r"[^\W\d_]{3,}[.!?]\s")  # (not after an abbreviation: "t.o.m. dess")


def _things_asked(
    text: str, folded: str, mentions: Sequence[TimeMention], start: int, end: int
) -> list[Span]:
    """The open requests for a thing between ``start`` and ``end``, each to its phrase's end."""
    out = []
    for m in _THING_ASKED.finditer(folded, start, end):
        if not _open_request(folded, m) or _SENTENCE_BREAK.search(text, m.end(), end):
            continue  # (asked in an earlier sentence: "vill ha ritning. Vår konstruktör ritar, skickar")
        stop = phrase_end(text, m.end(), end, (t.start for t in mentions))
        stop = m.start() + len(text[m.start() : stop].rstrip(" ,;:-–"))
        if stop - m.end() >= 3:
            out.append((m.start(), stop))
    return out


# A step written after its label: "Next steps discussed: contract review", "Nästa steg är
# en workshop", "Follow-up: send quote"
_LABELLED = re.compile(
    r"(?i)\b(?:next\s+steps?|next\s+action|follow[- ]?up|f/u|nästa\s+steg|(?:nästa|nasta|ny|next|new)\s+aktivitet|"
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
        if (found := _labelled_phrase(text, m, mentions)) is not None:
            return found
    return None


# The next steering group of a customer project's minutes ("3. Next SG in 3 weeks to review UAT
# exit criteria", "4. Nästa styrgrupp 24/9 kl 14, beslut om avtal efter PoC"): the customer's
# people and ours meet again on a date the line gives. Read only where the step choice found no
# step: of the 35 annotated notes with such a line, 7 hold the step there and most others a step
# the models find first; of the 5 the models leave without one, 4 hold it there
_STEERING_HEAD = re.compile(r"\b(?:steering|styrgrupp\w*|sg)\b")
_NEXT_STEERING = re.compile(
    r"(?m)^[ \t>*•\-\d.)§]*((?:nasta|next)\s+(?:sg|steering(?:\s+(?:group|committee|meeting))?|styrgrupp\w*))\b"
)


def next_steering(folded: str, mentions: Sequence[TimeMention]) -> Span | None:
    """The next steering-group meeting named on a dated line of a customer project's minutes
    (their first three lines name a steering group and do not say internal); None otherwise."""
    head_end = -1
    for _ in range(3):
        head_end = folded.find("\n", head_end + 1)
        if head_end < 0:
            return None
    head = folded[:head_end]
    if _STEERING_HEAD.search(head) is None or _INTERNAL_TITLE.search(head) is not None:
        return None
    for m in _NEXT_STEERING.finditer(folded, head_end):
        line_end = folded.find("\n", m.end())
        line_end = len(folded) if line_end < 0 else line_end
        if any(m.end() <= t.start < line_end and not t.past for t in mentions):
            return m.span(1)
    return None


def _labelled_phrase(text: str, m: re.Match[str], mentions: Sequence[TimeMention]) -> Span | None:
    start = m.start("x")
    end = phrase_end(text, start, m.end("x"), (t.start for t in mentions))
    while end > start and text[end - 1] in " ,:-–":
        end -= 1
    words = text[start:end].lower().split()
    return (start, end) if end - start >= 3 and words and words[0] not in _NOTHING else None


def behind_label(text: str, step: Span, mentions: Sequence[TimeMention] = ()) -> Span | None:
    """The phrase a next-step label names where the step chosen is the label itself ("F/U" of
    "F/U: call Jerome Tue 7/6 10a", "Follow-up" of "Follow-up: send remarketed quotes by
    Fri"): the label says that a step follows, the phrase says which. None for any other step."""
    if ":" not in text[step[1] : step[1] + 3]:
        return None
    line_start = text.rfind("\n", 0, step[0]) + 1
    for m in _LABELLED.finditer(text, line_start, text.find(":", step[1]) + 1 + 120):
        if m.start() <= step[0] and step[1] <= m.start("x"):
            return _labelled_phrase(text, m, mentions)
    return None


# The rep's promise that waits on the customer's word ("let me know and I'll get it on the
# install calendar", "send me the dimensions and I'll check ...", "ping me and I'll get the order
# form over"): the customer's contact comes first, and it is the step (6 of 6 annotated)
_OWN_PROMISE = re.compile(
    r"(?i)(?:\band|\boch|,)\s+(?:(?:i'll|i’ll|i\s+will|we'll|we’ll|we\s+will|jag|vi)(?:\s+(?:ska|kan))?\s+)?$"
)
_ASKS_US = re.compile(  # a contact the note invites (records' CONTACT_ASK), or a thing sent to us
    rf"(?i)\b(?:{CONTACT_ASK}|ping\s+(?:me|us)|send\s+(?:me|us)|skicka\s+(?:mig|oss)|reply"
    r"|get\s+back\s+to\s+(?:me|us)|säg\s+till|sag\s+till)\b"
)
_ASK_ENDS = re.compile(r"(?i)\s+(?:and|och|once|when|if|to|by|när|nar|om|så|sa)\b|[,.;:!?(\n]")


def asked_before_promise(text: str, step: Span, times: Sequence[Span]) -> Span | None:
    """What the customer is asked to do first where the step chosen is the rep's promise that
    follows it in the same sentence ("let me know" of "let me know and I'll get it on the
    install calendar"); None for any other step. The phrase ends at its conjunction, a comma or
    a time expression ("reply" of "reply by Thursday")."""
    start = step[0]
    before = text[max(0, start - 24) : start]
    joined = _OWN_PROMISE.search(before)
    if joined is None or (joined.end() - joined.start() < 8 and not _OURS_OPENS.match(text, start)):
        return None  # (the promise's pronoun is before the step, or the step opens with it)
    end = start - len(before) + joined.start()
    sentence = max(text.rfind(".", 0, end), text.rfind("\n", 0, end), text.rfind("!", 0, end)) + 1
    asks = list(_ASKS_US.finditer(text, max(sentence, end - 90), end))
    if not asks:
        return None
    ask = asks[-1]
    stop = _ASK_ENDS.search(text, ask.end(), end)
    ask_end = stop.start() if stop is not None else end
    for t_start, _ in times:
        if ask.end() <= t_start < ask_end:
            ask_end = t_start
    return ask.start(), len(text[:ask_end].rstrip())


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
_ITEM_KEYS = ("item=0", "item=1", "item=2+")  # which list item with a candidate, in order
_ITEM = re.compile(r"[ \t]*(?:[-*•–·]|\d{1,2}[.)]|§[ \t]*\d+|\[[ x]?\]|☐)")
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
    # the mentions by where they start: a candidate's own date is among those in its line or
    # sentence, so each candidate looks at those alone (a long note has hundreds of both)
    by_start = sorted(dated, key=lambda md: md[0].start)
    starts = [m.start for m, _ in by_start]
    places = []
    for s, e in steps:
        line_no = lines.index(s)
        line, sent = lines.bounds(line_no), sentences.bounds(s, e)
        near = by_start[
            bisect_left(starts, min(line[0], sent[0])) : bisect_right(starts, max(line[1], sent[1]))
        ]
        places.append((line_no, line, sent, _own_date(s, e, line, sent, near, note_date, text)))
    # the candidates' places among the note's list items (lines opened by a bullet or a number)
    cand_items = sorted({p[0] for p in places if _ITEM.match(text, lines.starts[p[0]])})
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
        if line_no in cand_items:
            f[_ITEM_KEYS[min(cand_items.index(line_no), 2)]] = 1.0
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


def under_actions(text: str, steps: Sequence[Span], scores: Sequence[float], chosen: Span) -> Span | None:
    """The candidate the ranker accepts under the note's action header ("Actions:", "Åtgärder:")
    where the one chosen is above it: the discussion above records what was said ("Demo av
    inleverans ...", Tommy: "hör av dig efter nyår"), the actions are what comes next
    ("HS: ringa Tommy efter nyår"). None when no candidate under the header is accepted."""
    zone = action_zone(text)
    if not zone or chosen[0] >= zone:
        return None
    inside = [i for i, (s, _) in enumerate(steps) if s >= zone and scores[i] >= ACCEPT]
    return steps[max(inside, key=scores.__getitem__)] if inside else None


# A chat line of the rep's own ("Jag: ringer dig mån 4/1", "09:16 Jag: japp", "Me: will call
# you Tue"), and one of another speaker ("Camilla: Ring mig gärna nästa vecka", "T: Kan vi ta
# ett snack?")
_OWN_CHAT_LINE = re.compile(
    r"(?im)^[ \t]*(?:\d{1,2}[:.]\d\d[ \t]+)?(?:jag|me|svar|my reply|mitt svar)[ \t]*:"
)
_CHAT_LINE = re.compile(
    r"(?m)^[ \t]*(?:\d{1,2}[:.]\d\d[ \t]+)?[A-ZÅÄÖ][\wåäö.]{0,15}(?:[ \t][A-ZÅÄÖ][\wåäö.]{0,15})?[ \t]*:"
)


# What the rep will do at a meeting named and dated before it ("Confirming your viewing on
# Wednesday 12 November at 9.15am. I'll have the draft licence with me", "Confirmed for 10am on
# 11/25. We'll check the tracker wiring"): the meeting is the step, the promise what happens there
_AT_THE_MEETING = re.compile(
    r"(?i)(?:(?:i|we|our\s+\w+)(?:'ll|’ll|\s+will)\s+)?(?:walk|bring|have|show|go\s+through|check|run|demo|cover|take"
    r"|send\s+(?:a|the)\s+(?:dial-in|invite|teams\s+link|zoom\s+link))\b"
)
_FUTURE_OURS_BEFORE = re.compile(r"(?i)\b(?:i|we|our\s+\w+)(?:'ll|’ll|\s+will)\s+$")


def meeting_before(
    text: str, steps: Sequence[Span], chosen: Span, mentions: Sequence[TimeMention]
) -> Span | None:
    """The candidate in an earlier sentence with a date of its own where the step chosen is
    what the rep will do at it ("I'll have the draft licence with me" after "your viewing on
    Wednesday 12 November"); None otherwise."""
    start = chosen[0]
    if _AT_THE_MEETING.match(text, start) is None or not (
        text[start : start + 5].lower().startswith(("i'll", "i’ll", "i wil", "we'l", "we’l", "we wi", "our "))
        or _FUTURE_OURS_BEFORE.search(text, max(0, start - 20), start)
    ):
        return None
    sentence = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    for s, e in reversed(steps):
        if e > sentence or e <= sentence - 200:
            continue
        own = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s))
        if any(own < m.start and m.end <= sentence + 1 and m.value for m in mentions):
            return s, e
    return None


def own_reply(text: str, steps: Sequence[Span], chosen: Span) -> Span | None:
    """The candidate on a later chat line of the rep's own where the one chosen is on another
    speaker's line: the customer asks ("Camilla: Ring mig gärna nästa vecka"), the rep's reply
    says what happens ("Jag: ringer dig mån 4/1"). None otherwise."""
    line_start = text.rfind("\n", 0, chosen[0]) + 1
    if _CHAT_LINE.match(text, line_start) is None or _OWN_CHAT_LINE.match(text, line_start) is not None:
        return None
    for s, e in steps:
        if s > chosen[0]:
            start = text.rfind("\n", 0, s) + 1
            if start > line_start and _OWN_CHAT_LINE.match(text, start) is not None:
                return s, e
    return None


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
