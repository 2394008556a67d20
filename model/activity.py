"""CRM activity records: the step of a note that is a planned activity's own subject or task.

Many CRM notes are not a story about a contact but the record of an activity: a calendar
entry's subject ("Quarterly review - Kirkgate Digital - Q1", "Lunch m. Jonas (Tjörnfisk) fre"),
a task ("Chase Roundhay Foods re: signed assignment schedule / Due: EOW") or a structured
record ("Type: Call / Subject: ... / Due: 03/08/2026 09:30 / Status: Not started"). Planned,
the activity is the note's next step; held, cancelled, internal or with an outcome, it is a
record. The note-level presence model reads words and is unsure of these shapes (0.4-0.6), the
span model, trained on sentences, tags none of them, and learning them from more data cost the
story registers (rounds 10-13 in ``training_data/README.md``).

:func:`activity_step` reads the shape: it answers the activity's span, or None when the note
is not such a record or says the activity happened, was called off or is internal. The
pipeline asks it where the span model found no step, and for a step the note-level and action
models doubt (is it a task record's?): such a step is kept, its action and owner still the
action and owner models'. :func:`retry_step` does the same for a call log's retry (always the
rep's call), :func:`record_reason` finds a record's reason, and :func:`logged_activity` tells
the type of an activity logged as had that day ("Aktivitet: Besök / Datum: <the note's day>")
from one still to come.
Written against dev_real's errors and the activity subjects of ``training_data/extra/`` (which
no model trains on); test_real measures it (README, Quality: round 15).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date

from model.text import fold_same_length
from model.when import TimeMention

Span = tuple[int, int]

# Nouns that name an activity with the customer (folded: å/ä -> a, ö -> o), as the last word of
# a subject's noun phrase ("Contract talks", "Final walkthrough", "Offertgenomgång", "Tel").
_HEAD = (
    r"meetings?|mtg|calls?|review|talks|interviews?|lunch|dinner|breakfast|coffee|demo|visit|tour|"
    r"walk-?through|walk|walkaround|rundvandring|rundtur|survey|workshop|presentation|pitch|"
    r"check-?in|catch-?up|kick-?off|negotiation|"
    r"signing|tasting|training|onboarding|follow-?up|f/u|intro|viewing|inspection|handover|recce|"
    r"appointment|appt|session|delivery|installation|"
    r"tel|fika|besok|visning|intervju|uppfoljning|uppf\.?|utbildning|leverans|overlamning|"
    r"forhandling|uppstart|dragning|avstamning|genomgang|teams|"
    r"\w+(?:mote|samtal|genomgang|besok|visning|intervju|avstamning|presentation|lunch|smakning|"
    r"utbildning|leverans|forhandling|dragning)|mote|samtal"
)
# An activity that is itself a to-do: the verb opens the step ("Chase Wendy re: ...", "Påminn
# Lennart om ...", "Email Whitcombe family - deposit reminder").
_VERB = (
    r"chase|paminn?|remind|e-?mail|mejla|maila|ring|call|phone|book|boka|send|skicka|"
    r"follow up|folj upp|kontakta|contact|re-?engage|(?:reach out|pop in|drop in)(?: to)?|invite|bjud in|"
    r"confirm|bekrafta|ping|text|sms:a"
)
_WORDS = r"(?:[^\W\d_][\w'&/-]*\.?\s+){0,3}?"  # up to three words before the head
# ... and not followed by what makes it the record of an activity ("Meeting notes", "Email from")
_AFTER_RECORD = (
    r"\s+(?:notes|minutes|summary|recap|report|feedback|from|out|anteckningar|protokoll|"
    r"sammanfattning|fran)\b"
)
_NOUN_PHRASE = re.compile(rf"{_WORDS}(?:{_HEAD})(?=$|[\s,:;(]|\s*[–—-]\s)(?!{_AFTER_RECORD})")
_NEXT_HEAD = re.compile(rf"\s+(?:{_HEAD})(?=$|[\s,:;(]|\s*[–—-]\s)(?!{_AFTER_RECORD})")
_IMPERATIVE = re.compile(
    rf"(?:{_VERB})(?!{_AFTER_RECORD}|[ \t]+(?:to|for|om|att|re|ang|about)\b)[ \t]+[^\W\d_]"
)  # an object
# Where a subject's activity phrase ends: a dash, comma, bracket, "re:", "ang." or "om"
_PHRASE_END = re.compile(
    r"[,;(]|(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)\.(?=\s|$)|\s(?:[-–—]\s|(?:re:?|ang\.?|angaende|regarding|about|om|for att|so|to|for|by|"
    r"senast|before|innan|asap)\b)|$",
    re.MULTILINE,
)
# Words that a noun phrase's modifiers never are: a story's opening or a record's verb
_NOT_MODIFIER = frozenset(
    ["had", "held", "good", "great", "bra", "long", "short", "nice", "trevlig", "lang", "kort",
     "first", "forsta", "our", "var", "vart", "the", "a", "an", "my", "min", "mitt", "we", "vi", "i",
     "jag", "your", "er", "din", "ditt", "ang", "re", "regarding", "about", "om", "team", "sales",
     "staff", "awaiting", "waiting", "vantar", "need", "to", "att", "will", "ska", "must", "should",
     "behover", "maste"]
)  # fmt: skip

# "Key: value" lines of a structured record (folded keys)
_FIELD = re.compile(r"(?m)^[ \t]*([^\W\d_][\w /.-]{0,22}?)[ \t]*:[ \t]+(\S[^\n]*)$")
_TYPE_KEYS = frozenset(["type", "typ", "activity", "aktivitet", "activity type", "aktivitetstyp"])
_SUBJECT_KEYS = frozenset(
    ["subject", "amne", "title", "titel", "rubrik", "task", "uppgift", "calendar", "kalender", "todo",
     "to-do"]
)  # fmt: skip
# Keys of a message's record (an e-mail or web enquiry that came or went), not a planned activity
_MESSAGE_KEYS = frozenset(
    ["from", "fran", "to", "till", "received", "message", "meddelande", "enquiry",
     "source", "kalla", "summary", "innehall", "desc", "description"]
)  # fmt: skip
# A type that names no activity of its own: the subject says what the step is
_GENERIC_TYPES = frozenset(
    ["task", "uppgift", "todo", "to-do", "other", "annat", "ovrigt", "note", "anteckning"]
)
# Words said of an activity that happened, will not happen or is internal: a record, never a
# step (folded; whole words)
_RECORD_WORDS = frozenset(
    ["complete", "completed", "done", "held", "closed", "cancelled", "canceled", "lost", "declined",
     "won", "genomford", "genomfort", "avslutad", "avslutat", "klar", "klart", "utford", "utfort",
     "avbokad", "avbokat", "installt", "installd", "stangd", "forlorad", "vunnen", "avbruten",
     "avbrutet", "avbrutna", "bounced", "delivered", "levererad", "failed", "expired", "had", "went",
     "was", "were", "called", "rang", "spoke", "talked", "met", "sent", "emailed", "hade", "holls",
     "ringde", "pratade", "pratat", "traffade", "skickade", "skickat", "mejlade", "lamnat",
     "lamnade", "visat", "visade", "showed", "demoed", "skrev", "trevligt", "internal", "intern",
     "internt", "internmote", "saljmote", "veckomote", "teammote", "personalmote", "kontorsmote",
     "weekly", "prefers", "foredrar", "mentioned", "namnde", "told", "berattade", "crm", "expense",
     "forecast", "motesrum"]
)  # fmt: skip
# ... and phrases
_RECORD_PHRASE = re.compile(
    r"\b(?:left (?:a )?(?:vm|voicemail|message|card)|no (?:answer|reply|decision|further action|follow-?up|show)|"
    r"not (?:interested|in)|turned down|postponed indefinitely|tackade nej|inget (?:svar|bokat|konkret|beslut)|"
    r"ej (?:svar|aktuellt|intresserad|antraffad)|nothing (?:scheduled|booked|to report|concrete)|"
    r"ingen (?:uppfoljning|aterkomst|hemma)|wrong number|fel (?:nr|nummer)|out of office|meeting room|"
    r"till mig sjalv|to self)\b|\b(?:outcome|utfall|resultat|result)\s*:"
)
# In a subject line, also: what it says is no planned activity ("Lunch m Per, gillar sms",
# "Demo gick bra", "Samtal m Anneli - inget intresse just nu", "No new meeting booked")
_HEADLINE_RECORD_WORDS = frozenset(
    ["no", "not", "nothing", "inget", "ingen", "inga", "ej", "inte", "happy", "nojd", "logged",
     "gillar", "likes", "says", "said", "sa", "she's", "he's", "they're", "seems"]
)  # fmt: skip
_HEADLINE_RECORD_PHRASE = re.compile(r"\b(?:all good|allt ok|gick bra|vill tanka)\b")
_WORD = re.compile(r"[\w']+")
# What may open a subject line: a state in brackets, a calendar or subject label, a hashtag
_PREFIX = re.compile(
    r"[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*|(?:subject|amne|calendar|kalender|task|uppgift|todo)[ \t]*:[ \t]*|#)"
)
# A full stop that ends a sentence with more after it: the note tells a story
_STOP = re.compile(r"[.!?]\s+\S")
_TITLES = frozenset(["mr", "mrs", "ms", "dr", "prof", "hr", "fr", "fru"])
_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line with something on it
_MAX_LINES = 8
_MAX_HEADLINE_WORDS = 24


def activity_step(text: str, mentions: Sequence[TimeMention] = (), folded: str | None = None) -> Span | None:
    """The planned activity a record-shaped note is about, or None (see the module's doc).
    ``folded``: the note's same-length folded text, if the caller has it."""
    lines = [m.span() for m in _LINE.finditer(text)]
    if not lines or len(lines) > _MAX_LINES:
        return None
    # the shape first (most notes are stories and fail it at once), then what the words say
    folded = fold_same_length(text) if folded is None else folded
    fields = {m.group(1).strip(): m for m in _FIELD.finditer(folded)} if ":" in text else {}
    kind = next((m for key, m in fields.items() if key in _TYPE_KEYS), None)
    subject = next((m for key, m in fields.items() if key in _SUBJECT_KEYS), None)
    if kind or subject:
        found = _record_step(text, folded, len(lines), fields, kind, subject, mentions)
    else:
        found = _headline_step(text, folded, lines, fields, mentions)
    if found is None or _all_past(mentions) or _RECORD_PHRASE.search(folded):
        return None
    words = set(_WORD.findall(folded))
    if words & _RECORD_WORDS:
        return None
    if not (kind or subject) and (words & _HEADLINE_RECORD_WORDS or _HEADLINE_RECORD_PHRASE.search(folded)):
        return None
    return found


def _record_step(
    text: str,
    folded: str,
    n_lines: int,
    fields: dict[str, re.Match[str]],
    kind: re.Match[str] | None,
    subject: re.Match[str] | None,
    mentions: Sequence[TimeMention],
) -> Span | None:
    """The activity of a structured record: its subject's activity phrase, else its type."""
    # a record is its fields, and at most a line of something else (a title)
    if n_lines - len(fields) > 1 or any(key in _MESSAGE_KEYS for key in fields):
        return None
    if subject and (found := _subject_step(text, folded, subject.start(2), mentions)):
        return found
    if kind and kind.group(2).strip() not in _GENERIC_TYPES:
        start, end = kind.span(2)
        end = _PHRASE_END.search(folded, start, end + 1).start()  # type: ignore[union-attr]
        return start, start + len(text[start:end].rstrip())
    return None


def _headline_step(
    text: str,
    folded: str,
    lines: list[Span],
    fields: dict[str, re.Match[str]],
    mentions: Sequence[TimeMention],
) -> Span | None:
    """The activity of a subject line, perhaps with its date on a line of its own or its fields
    under it ("Datum: 9/3 / Syfte: ..."); no story, no message."""
    first, first_end = lines[0]
    heading = text[first:first_end]
    if len(heading.split()) > _MAX_HEADLINE_WORDS or heading.rstrip().endswith(".") or _tells_more(text):
        return None  # a sentence, not a subject line
    if any(key in _MESSAGE_KEYS for key in fields):
        return None
    field_starts = {m.start() for m in fields.values()}
    for line in lines[1:]:
        if not (line[0] in field_starts or (len(lines) == 2 and _date_line(text, line, mentions))):
            return None
    while (prefix := _PREFIX.match(folded, first)) and prefix.end() > first:
        first = prefix.end()
    return _subject_step(text, folded, first, mentions)


def _subject_step(text: str, folded: str, start: int, mentions: Sequence[TimeMention]) -> Span | None:
    """The activity phrase opening a subject at ``start``: a to-do verb and its object up to the
    subject's first separator ("Call Hallam Print"), or a noun phrase ending in an activity noun
    ("Call - Pennine Freight", "Contract review")."""
    while start < len(text) and text[start] in " \t":
        start += 1
    if verb := _IMPERATIVE.match(folded, start):
        end = _PHRASE_END.search(folded, verb.end() - 1).start()  # type: ignore[union-attr]
        end = min([end, *(m.start for m in mentions if start < m.start < end)])
        while end > start and text[end - 1] in " \t-–—":
            end -= 1
        return (start, end) if end > start else None
    noun = _NOUN_PHRASE.match(folded, start)
    if noun and not set(folded[start : noun.end()].replace(".", " ").split()[:-1]) & _NOT_MODIFIER:
        end = noun.end()
        while more := _NEXT_HEAD.match(folded, end):  # "Intro meeting", "Follow-up call"
            end = more.end()
        return start, end
    return None


def _tells_more(text: str) -> bool:
    """Whether a sentence ends with more text after it (a word of two letters or more, perhaps
    in brackets, then a full stop): the note tells a story, it is no subject line."""
    for m in _STOP.finditer(text):
        word = text[max(0, m.start() - 4) : m.start()].rstrip(")").split()[-1:]
        if word and len(word[0]) >= 2 and word[0][-2:].isalpha() and word[0].lower() not in _TITLES:
            return True
    return False


def _date_line(text: str, line: Span, mentions: Sequence[TimeMention]) -> bool:
    """Whether a subject's second line is its date ("Ons 18/11 kl 10.30–12.00"), not a story."""
    start, end = line
    return len(text[start:end].split()) <= 8 and any(start <= m.start < end for m in mentions)


def _all_past(mentions: Sequence[TimeMention]) -> bool:
    """Whether the note dates itself only in the past (the activity was held)."""
    return bool(mentions) and all(m.past for m in mentions)


# A call that was not answered ("no answer", "LM", "upptaget", "Röstbrevlåda, lämnade meddelande")
_UNANSWERED = re.compile(
    r"\b(?:no (?:answer|reply|pick ?up)|not answering|didn'?t pick up|voicemail|vm|lm|left (?:a )?(?:vm|message|msg)|"
    r"busy|engaged|upptaget|upptagen|inget svar|ej svar|ej antraff\w*|svarar inte|rostbrevlada\w*|"
    r"lamnade meddelande|sokt|vaxeln|autosvar|out of office)\b"
)
# ... and the retry the note plans ("Try again tomorrow", "Nästa försök: mån kl 8.30", "Provar igen")
_RETRY = re.compile(
    r"\b(?:next (?:attempt|try)|nasta forsok|nytt forsok|try (?:again|once more)|will try|retry|another go|"
    r"call (?:again|back)|ring(?:er)? (?:igen|tillbaka)|forsok(?:er)? igen|prova(?:r)?(?: igen)?)\b"
)
_RETRY_WORDS = ("attempt", "try", "forsok", "again", "igen", "back", "tillbaka", "prova", "another go")
# ... unless its label is left empty ("Nästa försök: -", "Next attempt: n/a")
_UNSET = re.compile(r"[ \t]*:[ \t]*(?:[-–—?]+|none|ingen|inget|n/?a|tbd|tba)?[ \t]*(?:$|\||\n)", re.MULTILINE)
_NEGATED = re.compile(r"\b(?:inte|ej|don'?t|do not|never|aldrig|no need to)\s+(?:\w+\s+)?$")


def retry_step(text: str, folded: str | None = None) -> Span | None:
    """The retry a short call log plans after a call that was not answered ("Outcome: No
    answer. Try again tomorrow", "Inget svar x2. Nästa försök: tors fm"), or None. The note-level
    model reads such logs as records (0.1-0.3): most of their words say what did not happen."""
    if text.count("\n") >= _MAX_LINES:
        return None
    folded = fold_same_length(text) if folded is None else folded
    # (most notes hold no retry word: a substring scan is far cheaper than the patterns)
    if not any(word in folded for word in _RETRY_WORDS) or not _UNANSWERED.search(folded):
        return None
    for m in _RETRY.finditer(folded):
        if not (_NEGATED.search(folded, max(0, m.start() - 24), m.start()) or _UNSET.match(folded, m.end())):
            return m.span()
    return None


# The keys of a record's field that says what the activity is for
_PURPOSE_KEYS = frozenset(
    ["syfte", "purpose", "agenda", "goal", "mal", "kommentar", "notes", "note", "comment", "comments",
     "anteckning", "anteckn", "regarding", "ang", "topic"]
)  # fmt: skip
_SEGMENT_END = re.compile(r"\s+[-–—]\s+|,\s+|\s*$", re.MULTILINE)
_LOWER_WORD = re.compile(r"\b[a-zåäö][\w'-]{2,}")
_SHOWN = re.compile(r"demo|visning|presentation|provkorning|provtur|tasting|smakning|utbildning|training")
_WHO_OPENERS = frozenset(["m.", "m", "med", "with", "w/", "to", "till", "&", "för", "for", "hos", "at", "@"])
_NOT_TOPIC = frozenset(["med", "with", "och", "and", "for", "för", "hos", "at", "the", "w"])


def record_reason(text: str, step: Span, folded: str | None = None) -> Span | None:
    """What a record-shaped note's planned activity is for: its purpose or comment field
    ("Syfte: välja elektriker ...", "Notes: walk the route ..."), else the first part of its
    subject after the activity that names no one ("Client mtg - Stanningley Logistics - agree
    peak-season temp volumes" -> "agree peak-season temp volumes")."""
    folded = fold_same_length(text) if folded is None else folded
    fields = list(_FIELD.finditer(folded))
    for m in fields:
        if m.group(1).strip() in _PURPOSE_KEYS:
            start, end = m.span(2)
            return start, start + len(text[start:end].rstrip(" .;"))
    if _IMPERATIVE.match(folded, step[0]) or _SHOWN.search(folded, step[0], step[1]):
        # what follows a to-do's verb is what it sends or whom it reaches; what follows a
        # demo is what it shows (the step's, SPEC)
        return None
    subject = next((m for m in fields if m.group(1).strip() in _SUBJECT_KEYS), None)
    pos = subject.start(2) if subject and not subject.start(2) <= step[0] < subject.end(2) else step[1]
    end_of_line = text.find("\n", pos)
    end_of_line = len(text) if end_of_line < 0 else end_of_line
    while pos < end_of_line:
        sep = _SEGMENT_END.search(text, pos, end_of_line)
        seg_end = sep.start() if sep else end_of_line
        segment = text[pos:seg_end]
        words = [w for w in _LOWER_WORD.findall(segment) if w not in _NOT_TOPIC]
        opener = segment.split(maxsplit=1)[0].lower() if segment.split() else ""
        if len(words) >= 2 and not (step[0] <= pos < step[1]) and opener not in _WHO_OPENERS:
            return pos, seg_end
        if not sep or sep.end() <= pos:
            break
        pos = sep.end()
    return None


# A logged activity's type: a type field ("Aktivitet: Besök", "Type: Call | Outcome: ...") or a
# bracketed tag opening a log line ("[Email] 11 Feb 09:20 - sent brochure"); not "Next activity:"
_LOGGED_TYPE = re.compile(
    r"(?im)^[ \t>*•-]*(?:(?:aktivitet|aktivitetstyp|typ|activity|activity type|type)[ \t]*:[ \t]*([^\n|]*)"
    r"|\[(call|e-?mail|meeting|mtg|visit|note|sms|text|samtal|tel|mejl|mail|mote|besok|anteckning)\])"
)
# The field that dates a record ("Datum: 2025-03-28", "Due: 15/07/2025"), at a line's start
_DATE_FIELD = re.compile(r"(?im)^[ \t]*(?:datum|date|due|due date|forfaller|forfallodatum)[ \t]*:")
# ... and what says the record is still open: an overdue or planned task is a step
_OPEN_STATUS = re.compile(
    r"(?i)\b(?:overdue|open|planned|not started|in progress|scheduled|forsenad|ej paborjad|planerad|"
    r"pagaende|ej utford)\b"
)


@functools.lru_cache(maxsize=16)
def _logged_types(folded: str) -> tuple[tuple[int, int, int, int], ...]:
    """Each type field or bracketed tag of a note: where its value starts and ends (a tag's at
    least one character), where its line starts and where the field ends. Found once per note,
    not once per step candidate (a long note has hundreds)."""
    out = []
    for m in _LOGGED_TYPE.finditer(folded):
        group = 1 if m.start(1) >= 0 else 2
        out.append((m.start(group), max(m.end(group), m.start(group) + 1), m.start(), m.end()))
    return tuple(out)


def logged_activity(
    text: str, folded: str, span: Span, mentions: Sequence[TimeMention], note_date: date
) -> bool:
    """Whether ``span`` is the type of an activity the note logs as had: the value of a type
    field or a log line's bracketed tag, dated on or before the note's day by its own line or
    the record's date field ("Aktivitet: Besök / Datum: 2025-03-28" written that day), in a
    record not marked open (overdue, planned). Of 48 such fields in the annotated notes, one
    (an overdue task) holds the step."""
    if ":" not in text and "[" not in text:
        return False
    s, e = span
    for value_start, value_end, line_start, field_end in _logged_types(folded):
        if not (value_start <= s and e <= value_end):
            continue
        line_end = text.find("\n", field_end)
        line_end = len(text) if line_end < 0 else line_end
        days = []
        for t in mentions:
            if t.granularity not in ("date", "datetime") or t.value is None:
                continue
            on_line = line_start <= t.start < line_end
            if on_line or _DATE_FIELD.match(folded, text.rfind("\n", 0, t.start) + 1):
                days.append(t.past or t.value[:10] <= note_date.isoformat())
        return bool(days) and all(days) and _OPEN_STATUS.search(folded) is None
    return False


# Of a record's fields (``_FIELD``), the keys of a subject line that may name the activity
# ("Subject: Send Hornbeck the PCI SAQ-A guidance", "Ämne: Uppstartsmöte ...")
_SUBJECT_LINE_KEYS = frozenset(["subject", "amne", "rubrik", "title", "titel"])


def subject_over_type(text: str, folded: str, step: Span, mentions: Sequence[TimeMention]) -> Span | None:
    """Where the step is a record's type alone ("Type: Email", "Typ: Möte", "Task: Call | Due:
    14/08") and the record has a subject line that names the activity, the subject's activity
    phrase ("Typ: Möte / Ämne: Uppstartsmöte Frölunda Simhall"): of the 56 annotated records
    whose step is either, 46 have the subject's."""
    line_start = folded.rfind("\n", 0, step[0]) + 1
    if not folded[line_start : step[0]].lstrip().startswith(("type", "typ", "task", "activity", "aktivitet")):
        return None  # (the step is not on a type's line: most notes, at once)
    is_type = subject = None
    for m in _FIELD.finditer(folded):
        key = m.group(1).strip()
        if key in _TYPE_KEYS or key == "task":
            value_end = folded.find("|", m.start(2), m.end(2))
            value = folded[m.start(2) : m.end(2) if value_end < 0 else value_end].strip()
            is_type = is_type or (
                m.start(2) <= step[0] and step[1] <= m.start(2) + len(value) and " " not in value
            )
        elif key in _SUBJECT_LINE_KEYS and subject is None:
            subject = m
    if not is_type or subject is None:
        return None
    found = _subject_step(text, folded, subject.start(2), mentions)
    return found if found is not None and not (found[0] < step[1] and step[0] < found[1]) else None
