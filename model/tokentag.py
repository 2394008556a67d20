"""A token-level tagger that backs up the NER: how likely each token is inside a field's span.

The NER (see :mod:`model.spans`) is precise but, trained from scratch on a few thousand
notes, sometimes finds nothing in a note that plainly states a step. This tagger is a
linear model over each token and its neighbours; when the NER is silent and the note-level
classifier says a step is there, its most likely span is used instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from model.data import locate
from model.fastlinear import FastHashedLR, _sparse, fast_hashed
from model.features import SentenceIndex, sentence_bounds
from model.text import TOKEN_PATTERN, fold

_HASHER = FeatureHasher(n_features=2**18, input_type="string", alternate_sign=False)


class Token(NamedTuple):
    """A word or punctuation token: its offsets and its folded form. (A named tuple, not a
    frozen dataclass: a note's tokens are made in 60% of the time, see :func:`make_tokens`.)"""

    start: int
    end: int
    norm: str


_new_tuple = tuple.__new__


def make_tokens(text: str, folded: str) -> list[Token]:
    """``tokenize(text)`` when ``folded`` is ``fold(text)`` with the same offsets (the folded
    slice is the folded token), made without ``Token.__new__``'s Python call per token."""
    return [
        _new_tuple(Token, (s, e, folded[s:e])) for s, e in map(re.Match.span, TOKEN_PATTERN.finditer(text))
    ]


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


_WORD_FEATS: dict[str, tuple[str, ...]] = {}
_WORD_FEATS_LIMIT = 20_000
_DATE = ("date=False", "date=True")
_DATE_BEFORE = ("d-1=False", "d-1=True")
_DATE_AFTER = ("d1=False", "d1=True")
_SENT_START = ("sentstart=False", "sentstart=True")
_BULLETS = ("", "-", "*", "•")


def _word_feats(word: str) -> tuple[str, ...]:
    """The feature strings that depend on one token's form alone, made once per form: its own
    (``w=``, ``p3=``, ``s3=``, ``sh=``), then those it gives the tokens 3, 2, 1 places after and
    1, 2, 3 places before it (``w-3=`` .. ``w3=``), then ``s3-1=`` and ``s31=``."""
    feats = _WORD_FEATS.get(word)
    if feats is None:
        s3 = word[-3:]
        feats = (
            f"w={word}",
            f"p3={word[:3]}",
            f"s3={s3}",
            f"sh={_shape(word)}",
            *(f"w{k}={word}" for k in (-3, -2, -1, 1, 2, 3)),
            f"s3-1={s3}",
            f"s31={s3}",
        )
        if len(_WORD_FEATS) >= _WORD_FEATS_LIMIT:  # about 1 kB a word form: bounded
            _WORD_FEATS.clear()
        _WORD_FEATS[word] = feats
    return feats


class TokenFeatures(Sequence[list[str]]):
    """Each token's feature strings (the rows :func:`token_features` gives), and what they
    are made of: the fast tagger (:class:`_TokenScorer`) adds up their weights from these
    parts and never needs the strings, which are made only when asked for.

    A token's row, in this order: ``w= p3= s3= sh= date=``, ``title`` (upper-case first
    letter), ``w-3= w-2=``, ``w-1= d-1= s3-1=`` (or ``w-1=<edge>``), ``w1= d1= s31=`` (or
    ``w1=<edge>``), ``w2= w3=``, ``bi-=`` and ``bi+=`` (the word pairs), ``sentstart=``. The
    order matters: the tagger sums the weights in it.
    """

    __slots__ = ("in_date", "norms", "pairs", "sent_start", "title", "_rows")

    def __init__(
        self,
        text: str,
        toks: Sequence[Token],
        date_spans: Sequence[tuple[int, int]],
        sentences: SentenceIndex | None = None,
    ) -> None:
        n = len(toks)
        starts = [t.start for t in toks]
        in_date = [False] * n
        for s, e in date_spans:  # the tokens that start inside a date span
            for i in range(bisect_left(starts, s), bisect_left(starts, e)):
                in_date[i] = True
        ends = (sentences if sentences is not None else SentenceIndex(text)).ends if n else []
        sent_start = []
        left, since = -1, 0  # the current sentence's start; its tokens before this one
        for start in starts:  # the start of the token's sentence, as SentenceIndex.bounds has it
            k = bisect_right(ends, start)
            sentence = ends[k - 1] if k > 0 else 0
            if sentence != left:
                left, since = sentence, 0
            # With two tokens before it in its sentence a token has more than a bullet before
            # it (each token holds a character that is not white space): no need to look.
            sent_start.append(since < 2 and (left == start or text[left:start].strip() in _BULLETS))
            since += 1
        self.norms = [t.norm for t in toks]
        self.in_date = in_date
        self.title = [text[s : s + 1].isupper() for s in starts]
        self.sent_start = sent_start
        self.pairs = [f"{a}_{b}" for a, b in zip(self.norms, self.norms[1:], strict=False)]
        self._rows: list[list[str]] | None = None

    def __len__(self) -> int:
        return len(self.norms)

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        return self.rows()[i]

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self.rows())

    def rows(self) -> list[list[str]]:
        """The feature strings of every token (made on first use)."""
        if self._rows is None:
            self._rows = self._make_rows()
        return self._rows

    def _make_rows(self) -> list[list[str]]:
        n, in_date, pairs = len(self.norms), self.in_date, self.pairs
        word = [_word_feats(w) for w in self.norms]
        out: list[list[str]] = []
        for i in range(n):
            own = word[i]
            f = [own[0], own[1], own[2], own[3], _DATE[in_date[i]]]
            if self.title[i]:
                f.append("title")
            f.append(word[i - 3][4] if i >= 3 else "w-3=<edge>")
            f.append(word[i - 2][5] if i >= 2 else "w-2=<edge>")
            if i >= 1:
                f += (word[i - 1][6], _DATE_BEFORE[in_date[i - 1]], word[i - 1][10])
            else:
                f.append("w-1=<edge>")
            if i + 1 < n:
                f += (word[i + 1][7], _DATE_AFTER[in_date[i + 1]], word[i + 1][11])
            else:
                f.append("w1=<edge>")
            f.append(word[i + 2][8] if i + 2 < n else "w2=<edge>")
            f.append(word[i + 3][9] if i + 3 < n else "w3=<edge>")
            if i > 0:
                f.append("bi-=" + pairs[i - 1])
            if i + 1 < n:
                f.append("bi+=" + pairs[i])
            f.append(_SENT_START[self.sent_start[i]])
            out.append(f)
        return out


def token_features(
    text: str,
    toks: Sequence[Token],
    date_spans: Sequence[tuple[int, int]],
    sentences: SentenceIndex | None = None,
) -> list[list[str]]:
    """Feature strings for each token: the token, its neighbours, shape and date context
    (see :class:`TokenFeatures`). ``sentences``: the text's sentence index, if made."""
    return TokenFeatures(text, toks, date_spans, sentences).rows()


class _TokenScorer:
    """The fast tagger's decision values for :class:`TokenFeatures`, without the strings.

    ``FastHashedLR`` adds each row's weights one after the other, starting from 0.0. The
    same additions in the same order give the same float: here the weights of a word form's
    own four features (already added up) and of the features it gives its neighbours are
    looked up once per form and kept, and so are the two weights of each word pair (as the
    pair before and after a token)."""

    _WORD_LIMIT = 20_000  # word forms kept per field before starting afresh (bounded memory)
    _PAIR_LIMIT = 50_000  # word pairs kept per field before starting afresh (bounded memory)

    def __init__(self, fast: FastHashedLR) -> None:
        self.fast = fast
        self._words: dict[str, dict[str, tuple[float, ...]]] = {f: {} for f in fast.coef}
        self._pairs: dict[str, dict[str, tuple[float, float]]] = {f: {} for f in fast.coef}
        self._consts = {f: self._const(f) for f in fast.coef}
        # Past the note's ends a token has no ``w-3=`` .. ``w3=`` neighbour but an edge feature,
        # and no ``d-1=``/``s3-1=`` (``d1=``/``s31=``) or word pair: a stand-in word of the edge
        # weights, and 0.0 for the missing terms, lets every token add the same terms. x + 0.0
        # is x, except that -0.0 becomes 0.0, which the logistic function maps alike.
        # The stand-in is laid out as ``_word`` gives: (own, w-3, w-2, w-1, w1, w2, w3, s3-1, s31).
        self._edge_word = {f: (0.0, *self._consts[f]["edge"], 0.0, 0.0) for f in fast.coef}
        self._date_before = {f: (*self._consts[f]["before"], 0.0) for f in fast.coef}
        self._date_after = {f: (*self._consts[f]["after"], 0.0) for f in fast.coef}
        # the same terms for model._sparse.tag_sums: (date, title, d-1, d1, sentstart weights)
        self._sum_consts = {
            f: (*c["date"], *c["title"], *c["before"], *c["after"], *c["sent"])
            for f, c in self._consts.items()
        }

    def _weight(self, field: str, feat: str) -> float:
        return float(self.fast.coef[field][self.fast._index[feat]])

    def _const(self, field: str) -> dict[str, tuple[float, ...]]:
        w = self._weight
        return {
            name: tuple(w(field, f) for f in feats)
            for name, feats in {
                "date": _DATE,
                "before": _DATE_BEFORE,
                "after": _DATE_AFTER,
                "sent": _SENT_START,
                "title": ("title",),
                "edge": tuple(f"w{k}=<edge>" for k in (-3, -2, -1, 1, 2, 3)),
            }.items()
        }

    def _word(self, field: str, word: str) -> tuple[float, ...]:
        """(sum of its own four weights, then its ``w-3= .. w3=``, ``s3-1=``, ``s31=`` weights)."""
        known = self._words[field]
        found = known.get(word)
        if found is None:
            feats = _word_feats(word)
            own = 0.0
            for f in feats[:4]:
                own += self._weight(field, f)
            found = (own, *(self._weight(field, f) for f in feats[4:]))
            if len(known) >= self._WORD_LIMIT:
                known.clear()
            known[word] = found
        return found

    def _pair_weights(self, field: str, pairs: list[str]) -> list[tuple[float, float]]:
        """The ``bi-=`` and ``bi+=`` weights of each word pair."""
        known = self._pairs[field]
        found = list(map(known.get, pairs))
        if None in found:
            index, coef = self.fast._index, self.fast.coef[field]
            if len(known) + len(pairs) > self._PAIR_LIMIT:
                known.clear()
            for k, (pair, weights) in enumerate(zip(pairs, found, strict=True)):
                if weights is None:
                    found[k] = known[pair] = (
                        float(coef[index["bi-=" + pair]]),
                        float(coef[index["bi+=" + pair]]),
                    )
        return found  # type: ignore[return-value]

    def proba(self, field: str, feats: TokenFeatures) -> np.ndarray:
        """What ``fast.positive_proba(field, feats.rows())`` gives, to the bit."""
        n = len(feats)
        if not n:
            return self.fast.proba_from_decisions(field, [])
        norms = feats.norms
        words = list(map(self._words[field].get, norms))
        if None in words:
            words = [self._word(field, w) if x is None else x for w, x in zip(norms, words, strict=True)]
        edge = self._edge_word[field]
        pairs = self._pair_weights(field, feats.pairs)
        if _sparse is not None:  # the loop below in C, the same additions in the same order
            return self.fast.proba_from_decisions(
                field,
                _sparse.tag_sums(
                    words, edge, feats.in_date, feats.title, feats.sent_start, pairs, self._sum_consts[field]
                ),
            )
        padded = [edge, edge, edge, *words, edge, edge, edge]  # token i is padded[i + 3]
        pair_before = [0.0, *(p[0] for p in pairs)]  # token i's pair with the token before
        pair_after = [*(p[1] for p in pairs), 0.0]
        c = self._consts[field]
        date, sent = c["date"], c["sent"]
        (title,) = c["title"]
        d_before, d_after = self._date_before[field], self._date_after[field]
        in_date, is_title, sent_start = feats.in_date, feats.title, feats.sent_start
        near_date = [2, *in_date, 2]  # token i's neighbours: [i] before, [i + 2] after (2: none)
        dec = []
        for i in range(n):  # (plain Python: faster here than numpy columns added in turn)
            s = padded[i + 3][0]  # 0.0 + the own four, in order
            s += date[in_date[i]]
            if is_title[i]:
                s += title
            s += padded[i][1]
            s += padded[i + 1][2]
            prev = padded[i + 2]
            s += prev[3]
            s += d_before[near_date[i]]
            s += prev[7]
            nxt = padded[i + 4]
            s += nxt[4]
            s += d_after[near_date[i + 2]]
            s += nxt[8]
            s += padded[i + 5][5]
            s += padded[i + 6][6]
            s += pair_before[i]
            s += pair_after[i]
            s += sent[sent_start[i]]
            dec.append(s)
        return self.fast.proba_from_decisions(field, dec)


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
        scorer = _TokenScorer(fast) if fast is not None else None
        self.__dict__["_fast"] = (fast, dict(self.models), scorer)
        return fast

    def proba(self, field: str, feats: Sequence[list[str]]) -> np.ndarray:
        """Probability that each token is inside ``field``'s span."""
        cached = self.__dict__.get("_fast")
        if cached is None or cached[1] != self.models:
            self.prepare()
            cached = self.__dict__["_fast"]
        if cached[0] is not None:
            if isinstance(feats, TokenFeatures):
                return cached[2].proba(field, feats)
            return cached[0].positive_proba(field, feats)
        return self.models[field].predict_proba(_HASHER.transform(feats))[:, 1]

    def best_span(
        self,
        field: str,
        text: str,
        toks: Sequence[Token],
        feats: Sequence[list[str]],
        threshold: float = 0.35,
        sentences: SentenceIndex | None = None,
        extend: float = 1.0,
        after: int = 0,
    ) -> tuple[int, int, float] | None:
        """The most likely span for ``field`` as (start, end, peak probability), or None.
        ``sentences``: the note's sentence index, if it has one already. The span grows from
        its peak over neighbouring tokens of at least ``extend * threshold`` (below 1: a
        phrase, not the one word the tagger is surest of). ``after``: the tokens from this
        offset on first (a note's action zone), the whole note when none of them is likely."""
        if not toks:
            return None
        proba = self.proba(field, feats)
        first = 0
        if after > 0:
            first = next((i for i, t in enumerate(toks) if t.start >= after), len(toks))
            if first == len(toks) or proba[first:].max() < threshold:
                first = 0
        peak = first + int(np.argmax(proba[first:]))
        if proba[peak] < threshold:
            return None
        if sentences is not None:
            left, right = sentences.bounds(toks[peak].start, toks[peak].end)
        else:
            left, right = sentence_bounds(text, toks[peak].start, toks[peak].end)
        ext = threshold * extend
        lo = hi = peak
        while lo > first and toks[lo - 1].start >= left and proba[lo - 1] >= ext:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].end <= right and proba[hi + 1] >= ext:
            hi += 1
        # A span neither starts nor ends on punctuation (". AV + dinner" of "incl. AV + dinner").
        while hi > lo and not toks[hi].norm[0].isalnum():
            hi -= 1
        while lo < hi and not toks[lo].norm[0].isalnum():
            lo += 1
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
