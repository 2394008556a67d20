"""Text normalisation shared by the learned components.

Reps drop å/ä/ö on phones and foreign keyboards ("mote", "aterkommer"), so every
learned feature sees words folded to plain ASCII letters: "möte" and "mote" are one
feature, and what the models learn from one spelling carries over to the other.
"""

from __future__ import annotations

import re

_FOLD_PAIRS = (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e"), ("ü", "u"), ("æ", "a"), ("ø", "o"))
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[^\w\s]", re.UNICODE)
# Verbs of sending, as written (lower case): a pronoun after one is what is sent ("Skickar den
# imorgon", "I'll send it Friday"), in the step's span and never a date's article
SENDING_VERBS = (
    "send",
    "sending",
    "skicka",
    "skickar",
    "mail",
    "maila",
    "mailar",
    "mejla",
    "mejlar",
    "email",
    "e-mail",
)

# Where a telegraphic phrase ends: a sentence mark or line break, a comma, a spaced dash, a
# bracket ("trade-in av Nimbus 30 - ring fre", "send quote, then call")
CLAUSE_END = re.compile(r"[.;!?\n]|,\s|\s[-–]\s|\s\(")

# Contact verbs whose "on" opens the topic of the contact, a reason: "Follow up on the
# proposal", "get back to us on the trial", "revert on pricing". Lower case, as folded.
_CONTACT_BEFORE_ON = (
    "follow up", "follow-up", "followup", "f/u", "check in", "check back", "circle back", "touch base",
    "revert", "back to us", "back to you", "back to me", "back to him", "back to her", "back to them",
)  # fmt: skip
# A regex that holds right after one of them and a space (a look-behind each: their lengths differ)
AFTER_CONTACT_VERB = "(?:" + "|".join(f"(?<={re.escape(v)} )" for v in _CONTACT_BEFORE_ON) + ")"


def fold(text: str) -> str:
    """Lower-case and strip Swedish diacritics: ``"Återkommer"`` -> ``"aterkommer"``.

    Same result as translating ``text.lower()`` with a table of ``_FOLD_PAIRS``, but
    ``translate`` looks up every character in Python (about 25 µs for a note); ASCII text needs no
    folding at all, and otherwise one C-level ``replace`` per folded letter is much faster.
    Every mapping is one letter to one letter and no target is itself folded, so the
    replacements cannot interact.
    """
    low = text.lower()
    if low.isascii():
        return low
    for src, dst in _FOLD_PAIRS:
        if src in low:
            low = low.replace(src, dst)
    return low


def fold_aligned(text: str) -> str | None:
    """``fold(text)`` when it keeps every offset, so that a slice of it is ``fold`` of the same
    slice of ``text``; None when a character lower-cases to more than one (``"İ"``) or by its
    neighbours (the Greek final sigma)."""
    folded = fold(text)
    return folded if len(folded) == len(text) and "\u03a3" not in text else None


def fold_same_length(text: str) -> str:
    """``fold(text)``, or, when folding would move offsets, a stand-in folded one character
    at a time: regex offsets found in it are offsets into ``text``."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = "".join(fold(ch)[:1] or " " for ch in text)
    return folded


def tokens(text: str) -> list[str]:
    """Folded word and punctuation tokens, for bag-of-words features."""
    return TOKEN_PATTERN.findall(fold(text))


def _top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of a regex alternation, split at the ``|`` outside groups and escapes."""
    out: list[str] = []
    depth = start = 0
    escaped = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def by_first_letter(alternatives: str) -> str:
    """A regex alternation (``a|b|c``, split at the ``|`` outside groups) with the
    alternatives that start with a plain letter grouped by that letter:
    ``ring|call|review`` -> ``r(?:ing|eview)|call``, each group where its first alternative
    was and in the same order. Regex engines try the alternatives one after the other, so a
    word start then costs one group instead of every alternative.

    When every alternative starts with a letter, the matches are the same: alternatives
    with different first letters never match at the same place. Otherwise (``\\d``, ``\\b``,
    ``(?:``) the same texts match somewhere, but the match at a place may differ: fine for a
    search used as a yes or no."""
    groups: dict[str, list[str]] = {}
    for alt in _top_level_alternatives(alternatives):
        # a letter with a quantifier ("k?x"), or not a letter: an alternative of its own
        key = alt[0] if alt[:1].isalpha() and alt[1:2] not in ("?", "*", "+", "{") else alt
        groups.setdefault(key, []).append(alt[len(key) :])
    return "|".join(
        f"{key}(?:{'|'.join(rests)})" if len(rests) > 1 else key + rests[0] for key, rests in groups.items()
    )
