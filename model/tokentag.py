"""A token-level tagger that backs up the NER: how likely each token is inside a field's span.

The NER (see :mod:`model.spans`) is precise but, trained from scratch on a few thousand
notes, sometimes finds nothing in a note that plainly states a step. This tagger is a
linear model over each token and its neighbours; when the NER is silent and the note-level
classifier says a step is there, its most likely span is used instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from model.data import locate
from model.fastlinear import FastHashedLR, fast_hashed
from model.features import SentenceIndex, sentence_bounds
from model.text import TOKEN_PATTERN, fold

_HASHER = FeatureHasher(n_features=2**18, input_type="string", alternate_sign=False)


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    norm: str


def tokenize(text: str) -> list[Token]:
    """Word and punctuation tokens with offsets, folded."""
    return [Token(m.start(), m.end(), fold(m.group())) for m in TOKEN_PATTERN.finditer(text)]


_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")
_SHAPES: dict[str, str] = {}


def _shape(word: str) -> str:
    shape = _SHAPES.get(word)
    if shape is None:
        shape = _DIGITS.sub("0", _LETTERS.sub("a", word))
        if len(_SHAPES) >= 200_000:
            _SHAPES.clear()
        _SHAPES[word] = shape
    return shape


def token_features(
    text: str, toks: Sequence[Token], date_spans: Sequence[tuple[int, int]]
) -> list[list[str]]:
    """Feature strings for each token: the token, its neighbours, shape and date context."""
    out: list[list[str]] = []
    in_date = [any(s <= t.start < e for s, e in date_spans) for t in toks]
    n = len(toks)
    sentences = SentenceIndex(text)
    for i, t in enumerate(toks):
        w = t.norm
        f = [f"w={w}", f"p3={w[:3]}", f"s3={w[-3:]}", f"sh={_shape(w)}", f"date={in_date[i]}"]
        if text[t.start : t.start + 1].isupper():
            f.append("title")
        for k in (-3, -2, -1, 1, 2, 3):
            j = i + k
            if 0 <= j < n:
                f.append(f"w{k}={toks[j].norm}")
                if abs(k) == 1:
                    f.append(f"d{k}={in_date[j]}")
                    f.append(f"s3{k}={toks[j].norm[-3:]}")
            else:
                f.append(f"w{k}=<edge>")
        if i > 0:
            f.append(f"bi-={toks[i - 1].norm}_{w}")
        if i + 1 < n:
            f.append(f"bi+={w}_{toks[i + 1].norm}")
        left, _ = sentences.bounds(t.start, t.end)
        f.append(f"sentstart={left == t.start or text[left : t.start].strip() in ('', '-', '*', '•')}")
        out.append(f)
    return out


@dataclass
class TokenTagger:
    """Per-field linear models over token features."""

    models: dict[str, LogisticRegression]

    def __getstate__(self) -> dict:
        # The fast path is derived at load time and never saved with the artifacts.
        state = dict(self.__dict__)
        state.pop("_fast", None)
        return state

    def prepare(self) -> FastHashedLR | None:
        """Derive the fast prediction path from the fitted models (see :mod:`model.fastlinear`)."""
        fast = fast_hashed(_HASHER, self.models)
        self.__dict__["_fast"] = (fast, dict(self.models))
        return fast

    def proba(self, field: str, feats: list[list[str]]) -> np.ndarray:
        """Probability that each token is inside ``field``'s span."""
        cached = self.__dict__.get("_fast")
        if cached is None or cached[1] != self.models:
            self.prepare()
            cached = self.__dict__["_fast"]
        if cached[0] is not None:
            return cached[0].positive_proba(field, feats)
        return self.models[field].predict_proba(_HASHER.transform(feats))[:, 1]

    def best_span(
        self,
        field: str,
        text: str,
        toks: Sequence[Token],
        feats: list[list[str]],
        threshold: float = 0.35,
        sentences: SentenceIndex | None = None,
    ) -> tuple[int, int, float] | None:
        """The most likely span for ``field`` as (start, end, peak probability), or None.
        ``sentences``: the note's sentence index, if it has one already."""
        if not toks:
            return None
        proba = self.proba(field, feats)
        peak = int(np.argmax(proba))
        if proba[peak] < threshold:
            return None
        if sentences is not None:
            left, right = sentences.bounds(toks[peak].start, toks[peak].end)
        else:
            left, right = sentence_bounds(text, toks[peak].start, toks[peak].end)
        lo = hi = peak
        while lo > 0 and toks[lo - 1].start >= left and proba[lo - 1] >= threshold:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].end <= right and proba[hi + 1] >= threshold:
            hi += 1
        # A span does not end on punctuation.
        while hi > lo and not toks[hi].norm[0].isalnum():
            hi -= 1
        return toks[lo].start, toks[hi].end, float(proba[peak])


def train_token_tagger(records: Sequence[dict], date_finder, seed: int = 13) -> TokenTagger:
    """Fit one model per field on token membership in the gold spans."""
    rows: list[list[str]] = []
    labels: dict[str, list[int]] = {"next_step": [], "reason": []}
    for r in records:
        text = r["text"]
        toks = tokenize(text)
        dates = [(m.start, m.end) for m in date_finder(r)]
        rows.extend(token_features(text, toks, dates))
        for field in labels:
            span = locate(text, r.get(field))
            labels[field].extend(int(span is not None and span.start <= t.start < span.end) for t in toks)
    x = _HASHER.transform(rows)
    models = {
        field: LogisticRegression(C=0.5, max_iter=3000, random_state=seed).fit(x, y)
        for field, y in labels.items()
    }
    return TokenTagger(models)
