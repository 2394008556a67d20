"""Text normalisation shared by the learned components.

Reps drop å/ä/ö on phones and foreign keyboards ("mote", "aterkommer"), so every
learned feature sees words folded to plain ASCII letters: "möte" and "mote" are one
feature, and what the models learn from one spelling carries over to the other.
"""

from __future__ import annotations

import re

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip Swedish diacritics: ``"Återkommer"`` -> ``"aterkommer"``."""
    return text.lower().translate(_FOLD)


def tokens(text: str) -> list[str]:
    """Folded word and punctuation tokens, for bag-of-words features."""
    return TOKEN_PATTERN.findall(fold(text))
