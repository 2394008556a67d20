"""Fast prediction for the fitted linear models, derived from the fitted objects at load time.

scikit-learn's ``predict_proba`` on one row pays for input validation, a sparse matrix and a
pipeline walk, about 0.3 ms per call; a note needs five or more calls. These classes hold the
same weights (``vocabulary_``/``idf_``/``coef_``/``intercept_``) and compute the same numbers:
tf (``1 + log(tf)`` when sublinear) times idf, l2-normalised, dotted with the coefficients,
then the logistic or softmax function. Nothing here is learned or stored: every weight is read
from the fitted scikit-learn objects, which stay the artifacts. ``tests/test_fast_paths.py``
checks the probabilities against scikit-learn to 1e-9.

``fast_model`` returns None for a pipeline of another shape; callers then use scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from numbers import Number
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.feature_extraction import DictVectorizer, FeatureHasher
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils import murmurhash3_32

from model.features import SpanContext, _char_ngrams, note_analyzer, span_analyzer
from model.text import tokens

try:  # tf-idf values and decisions in C loops (model/_sparse.c); numpy without it
    from model import _sparse
except ImportError:  # not built (no C compiler at install): the same numbers to ~1e-16
    _sparse = None

_NORMS = {None: 0, "l2": 1, "l1": 2}


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class _LinearHead:
    """The logistic-regression part: decision values to class probabilities."""

    def __init__(self, lr: LogisticRegression) -> None:
        self.classes_ = lr.classes_
        coef = np.asarray(lr.coef_, dtype=np.float64)
        self.binary = len(lr.classes_) <= 2
        # Rows per feature, so a note's few features are one fancy-index away.
        self.rows = np.ascontiguousarray(coef.T)  # (n_features, n_outputs)
        self.intercept = np.asarray(lr.intercept_, dtype=np.float64)
        self.n_features = coef.shape[1]

    def second_class_proba(self, dec: Sequence[float]) -> float:
        """A binary model's probability of ``classes_[1]``: ``proba_from_decision(dec)[1]``
        without the array."""
        return _expit(float(dec[0]))

    def best_class(self, dec: Sequence[float]) -> tuple[int, float]:
        """The index and probability of the most likely class: ``proba_from_decision(dec)``'s
        argmax and maximum without arrays. The softmax's largest term is ``exp(0) = 1``, so
        its probability is one over the sum of ``exp(d - max)``, added in class order as numpy
        adds a few values (only ``math.exp`` may round another term by one bit)."""
        if self.binary:
            p = self.second_class_proba(dec)
            return (1, p) if p > 1.0 - p else (0, 1.0 - p)
        values = [float(d) for d in dec]
        top = max(values)
        total = 0.0
        for d in values:
            total += math.exp(d - top)
        return values.index(top), 1.0 / total

    def proba_from_decision(self, dec: Sequence[float]) -> np.ndarray:
        if self.binary:
            p = self.second_class_proba(dec)
            return np.array([1.0 - p, p])
        dec = np.array(dec, dtype=np.float64)
        dec -= dec.max()
        np.exp(dec, out=dec)
        dec /= dec.sum()
        return dec


# A document's sorted columns and tf-idf values (lists with model._sparse, else arrays)
Vector = tuple[Sequence[int], Sequence[float]] | None


class TfidfVectors:
    """The ``TfidfVectorizer`` half: a document's analyzer output to its tf-idf vector.

    The columns are sorted (the CSR order scikit-learn sums in) and the weights are what the
    vectorizer computes: ``1 + log(tf)`` when sublinear (read from a table made with numpy's
    own ``log``, so the same bits), times idf, then normalised with numpy as before. For
    :func:`~model.features.span_analyzer`, the columns of the features a word form gives (its
    ``s:`` and character n-grams ``c:``, and as a first, last or context word) are looked up
    once per form and kept (bounded); only the word pairs are looked up for each span.
    """

    _TF_TABLE = 256  # counts with a precomputed sublinear tf
    _WORD_LIMIT = 20_000  # word forms whose columns are kept before starting afresh (bounded)

    def __init__(self, vec: TfidfVectorizer) -> None:
        self.analyzer: Callable[[Any], list[str]] = vec.analyzer  # type: ignore[assignment]
        self.vocabulary: dict[str, int] = vec.vocabulary_
        self.sublinear = bool(vec.sublinear_tf)
        self.norm = vec.norm
        self._norm_code = _NORMS.get(self.norm)  # model._sparse's name for it (None: numpy's way)
        self.idf = np.asarray(vec.idf_, dtype=np.float64) if vec.use_idf else None
        counts = np.arange(self._TF_TABLE, dtype=np.float64)
        counts[0] = 1.0  # (never looked up)
        if self.sublinear:
            np.log(counts, out=counts)
            counts += 1.0
        self._tf: list[float] = counts.tolist()
        self._word_columns: dict[str, tuple[Any, ...]] = {}
        # note_analyzer's words and word pairs (first word -> second word -> column)
        self._note_words: dict[str, int | None] = {}
        self._note_pairs: dict[str, dict[str, int | None]] = {}
        self._n_note_pairs = 0

    def same_as(self, other: TfidfVectors) -> bool:
        """True when ``other`` gives every document the same vector (two models fitted on the
        same documents with the same settings, like the action and the owner model)."""
        return (
            self.analyzer is other.analyzer
            and self.sublinear == other.sublinear
            and self.norm == other.norm
            and (self.idf is None) == (other.idf is None)
            and (self.idf is None or np.array_equal(self.idf, other.idf))  # type: ignore[arg-type]
            and self.vocabulary == other.vocabulary
        )

    def of(self, doc: Any) -> Vector:
        """The tf-idf vector of one document (None when none of its features is known)."""
        if self.analyzer is span_analyzer:
            return self._vector(Counter(self._span_columns(doc)))
        if self.analyzer is note_analyzer:
            return self._vector(Counter(self._note_columns(doc)))
        return self.from_features(self.analyzer(doc))

    def from_features(self, feats: list[str]) -> Vector:
        """The tf-idf vector of a document's analyzer output."""
        return self._vector(Counter(map(self.vocabulary.get, feats)))

    def _vector(self, counts: Counter[int | None]) -> Vector:
        counts.pop(None, None)
        if not counts:
            return None
        idx: list[int] = sorted(counts)  # type: ignore[arg-type]
        table = self._tf
        if self.sublinear:
            try:  # counts below the table's length (every count, but for a rare long note)
                tf = list(map(table.__getitem__, map(counts.__getitem__, idx)))
            except IndexError:
                n = len(table)
                tf = [table[c] if c < n else _sublinear(c) for c in map(counts.__getitem__, idx)]
        else:
            tf = [float(counts[j]) for j in idx]
        if _sparse is not None and self._norm_code is not None:
            return idx, _sparse.weigh(idx, tf, self.idf, self._norm_code)
        arr = np.array(tf, dtype=np.float64)
        columns = np.array(idx, dtype=np.intp)  # converted once, for idf and the models' rows
        if self.idf is not None:
            arr *= self.idf[columns]
        if self.norm == "l2":
            norm = math.sqrt(float(np.dot(arr, arr)))
            if norm > 0.0:
                arr /= norm
        elif self.norm == "l1":
            norm = float(np.abs(arr).sum())
            if norm > 0.0:
                arr /= norm
        return columns, arr

    def _span_columns(self, ctx: SpanContext) -> list[int | None]:
        """The columns of ``span_analyzer(ctx)``'s features, in another order (None: unknown)."""
        span, before, after = (
            self._words(tokens(ctx.span)),
            self._words(tokens(ctx.before)),
            self._words(tokens(ctx.after)),
        )
        cols: list[int | None] = []
        for w in span:
            cols += w[0]
        if span:
            get = self.vocabulary.get
            cols += map(get, [f"s2:{a[7]}_{b[7]}" for a, b in zip(span, span[1:], strict=False)])
            cols.append(span[0][1])
            cols.append(span[-1][2])
        cols += [w[3] for w in before]
        cols += [w[4] for w in before[-3:]]
        cols += [w[5] for w in after]
        cols += [w[6] for w in after[:3]]
        return cols

    def _note_columns(self, text: str) -> list[int | None]:
        """The columns of ``note_analyzer(text)``'s features, in its order (None: unknown).

        Each word's column and each word pair's are looked up once and kept (bounded), a pair
        under its two words: the pair's string is made only when it is new, and the words'
        hashes are computed once for both lookups."""
        toks = list(filter(str.isalnum, tokens(text)))  # as note_analyzer has them
        words, pairs = self._note_words, self._note_pairs
        try:  # every word and pair seen before: two lookups in C, one comprehension
            cols = list(map(words.__getitem__, toks))
            cols += [pairs[a][b] for a, b in zip(toks, toks[1:], strict=False)]
            return cols
        except KeyError:
            pass
        get = self.vocabulary.get
        if len(words) >= self._WORD_LIMIT or self._n_note_pairs >= 4 * self._WORD_LIMIT:
            words.clear()
            pairs.clear()
            self._n_note_pairs = 0
        cols = []
        for t in toks:
            col = words.get(t, -1)
            if col == -1:
                col = words[t] = get(t)
            cols.append(col)
        for a, b in zip(toks, toks[1:], strict=False):
            after = pairs.get(a)
            if after is None:
                after = pairs[a] = {}
            col = after.get(b, -1)
            if col == -1:
                col = after[b] = get(f"{a}_{b}")
                self._n_note_pairs += 1
            cols.append(col)
        return cols

    def _words(self, toks: list[str]) -> list[tuple[Any, ...]]:
        """``_word`` of each token (kept ones looked up in C)."""
        try:
            return list(map(self._word_columns.__getitem__, toks))
        except KeyError:
            return [self._word(t) for t in toks]

    def _word(self, t: str) -> tuple[Any, ...]:
        """A word form's columns, looked up once and kept: (its ``s:`` and ``c:`` features,
        ``first:``, ``last:``, ``b:``, ``p:``, ``a:``, ``n:``, the form itself)."""
        found = self._word_columns.get(t)
        if found is None:
            get = self.vocabulary.get
            own = (get(f"s:{t}"), *(get(f"c:{g}") for g in (_char_ngrams(t) if t.isalpha() else ())))
            found = (own, *(get(f"{role}:{t}") for role in ("first", "last", "b", "p", "a", "n")), t)
            if len(self._word_columns) >= self._WORD_LIMIT:
                self._word_columns.clear()
            self._word_columns[t] = found
        return found


def _sublinear(count: int) -> float:
    """``1 + log(count)`` as the vectorizer computes it (numpy's log), for a large count."""
    tf = np.array([count], dtype=np.float64)
    np.log(tf, out=tf)
    tf += 1.0
    return float(tf[0])


class FastTfidfLR:
    """``TfidfVectorizer(analyzer=callable) -> LogisticRegression`` for one document at a time."""

    def __init__(self, vec: TfidfVectorizer, lr: LogisticRegression) -> None:
        self.vectors = TfidfVectors(vec)
        self.analyzer = self.vectors.analyzer
        self.head = _LinearHead(lr)
        self.classes_ = self.head.classes_

    def decision(self, doc: Any) -> Sequence[float]:
        return self.decision_from_vector(self.vectors.of(doc))

    def decision_from_features(self, feats: list[str]) -> Sequence[float]:
        """Decision values for a document's analyzer output."""
        return self.decision_from_vector(self.vectors.from_features(feats))

    def decision_from_vector(self, vector: Vector) -> Sequence[float]:
        """Decision values for a document's tf-idf vector (to share it between models)."""
        head = self.head
        if vector is None:
            return head.intercept.copy()
        idx, tf = vector
        if type(tf) is list:  # weighed by model._sparse
            return _sparse.decide(idx, tf, head.rows, head.intercept)  # type: ignore[union-attr]
        # (take gathers the same rows as head.rows[idx], in a third of the time)
        return tf @ head.rows.take(idx, axis=0) + head.intercept  # type: ignore[operator]

    def proba(self, doc: Any) -> np.ndarray:
        """Class probabilities for one document, in ``classes_`` order."""
        return self.head.proba_from_decision(self.decision(doc))


def share_vectors(models: Iterable[Any]) -> None:
    """Let the fast models whose vectorizers give the same vectors share one
    :class:`TfidfVectors`, so that a document's vector is computed once for all of them."""
    seen: list[TfidfVectors] = []
    for m in models:
        if not isinstance(m, FastTfidfLR):
            continue
        same = next((v for v in seen if v is m.vectors or v.same_as(m.vectors)), None)
        if same is None:
            seen.append(m.vectors)
        else:
            m.vectors = same


class FastDictLR:
    """``DictVectorizer -> LogisticRegression`` (binary) for a few feature dicts at a time."""

    def __init__(self, vec: DictVectorizer, lr: LogisticRegression) -> None:
        self.vocabulary = vec.vocabulary_
        self.separator = vec.separator
        self.head = _LinearHead(lr)
        self.classes_ = self.head.classes_
        self.weights = [float(w) for w in self.head.rows[:, 0]]
        self.bias = float(self.head.intercept[0])
        # Feature name -> weight, one dict lookup per feature instead of two.
        self._weight_of = {f: self.weights[j] for f, j in self.vocabulary.items()}

    def positive_proba(self, rows: Sequence[dict[str, Any]]) -> np.ndarray:
        """Probability of ``classes_[1]`` for each feature dict.

        Float values (all the ranker's features) take one lookup of the feature's weight;
        other values go the way ``DictVectorizer`` maps them (``name=value`` for strings).
        """
        weight_of, vocab, weights, sep = self._weight_of, self.vocabulary, self.weights, self.separator
        bias = self.bias
        # the rows of float values summed in C, in the same order (model/_sparse.c)
        sums = _sparse.dict_sums(rows, weight_of) if _sparse is not None else [None] * len(rows)
        out = []
        for feats, summed in zip(rows, sums, strict=True):
            if summed is not None:
                out.append(_expit(summed + bias))
                continue
            s = 0.0
            for f, v in feats.items():
                if type(v) is float:
                    w = weight_of.get(f)
                    if w is not None:
                        s += v * w
                    continue
                if isinstance(v, str):
                    f, v = f"{f}{sep}{v}", 1.0
                elif not isinstance(v, Number):
                    raise TypeError(f"unsupported feature value type {type(v).__name__}")
                j = vocab.get(f)
                if j is not None:
                    s += float(v) * weights[j]
            out.append(_expit(s + bias))
        return np.array(out, dtype=np.float64)


class _HashedIndex(dict):
    """Feature string -> column, as ``FeatureHasher`` maps it: a dict that hashes a string on
    its first lookup (``__missing__``), so that a lookup never fails and needs no check."""

    def __init__(self, n_features: int, limit: int) -> None:
        super().__init__()
        self.n_features = n_features
        self.limit = limit  # strings remembered before it starts afresh (bounded memory)

    def __missing__(self, feat: str) -> int:
        h = murmurhash3_32(feat, seed=0, positive=False)
        n = self.n_features
        j = (2147483647 - (n - 1)) % n if h == -2147483648 else abs(h) % n
        if len(self) >= self.limit:
            self.clear()
        self[feat] = j
        return j


class FastHashedLR:
    """``FeatureHasher(input_type="string", alternate_sign=False)`` then binary logistic
    regressions that share the hashed rows (the token tagger's one model per field)."""

    _CACHE_LIMIT = 500_000

    def __init__(self, hasher: FeatureHasher, models: dict[str, LogisticRegression]) -> None:
        self.n_features = int(hasher.n_features)
        self.coef = {k: np.asarray(m.coef_[0], dtype=np.float64) for k, m in models.items()}
        self.bias = {k: float(m.intercept_[0]) for k, m in models.items()}
        self._index = _HashedIndex(self.n_features, self._CACHE_LIMIT)

    def _hash(self, feat: str) -> int:
        return self._index[feat]

    def positive_proba(self, field: str, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Probability of the positive class for each row of feature strings."""
        n = len(rows)
        lengths = [len(row) for row in rows]
        flat = np.fromiter(
            map(self._index.__getitem__, chain.from_iterable(rows)), dtype=np.intp, count=sum(lengths)
        )
        owner = np.repeat(np.arange(n, dtype=np.intp), lengths)
        # bincount adds each row's weights in the row's order, as the sparse product does
        dec = np.bincount(owner, weights=self.coef[field][flat], minlength=n)
        dec += self.bias[field]
        return expit(dec)  # as scikit-learn's _predict_proba_lr does

    def proba_from_decisions(self, field: str, sums: Sequence[float]) -> np.ndarray:
        """``positive_proba`` from each row's weights already added up (in row order)."""
        dec = np.array(sums, dtype=np.float64)
        dec += self.bias[field]
        return expit(dec)


def fast_model(pipeline: Any) -> FastTfidfLR | FastDictLR | None:
    """The fast equivalent of a fitted two-step pipeline, or None for an unsupported one."""
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        return None
    vec, lr = pipeline.steps[0][1], pipeline.steps[1][1]
    if not isinstance(lr, LogisticRegression) or not hasattr(lr, "coef_"):
        return None
    if isinstance(vec, TfidfVectorizer):
        ok = (
            callable(vec.analyzer)
            and vec.input == "content"
            and not vec.binary
            and vec.norm in ("l2", "l1", None)
            and np.dtype(vec.dtype) == np.float64
            and hasattr(vec, "vocabulary_")
        )
        return FastTfidfLR(vec, lr) if ok else None
    if isinstance(vec, DictVectorizer) and len(lr.classes_) == 2:
        return FastDictLR(vec, lr) if np.dtype(vec.dtype) == np.float64 else None
    return None


def fast_hashed(hasher: Any, models: dict[str, Any]) -> FastHashedLR | None:
    """The fast equivalent of the token tagger's hasher and models, or None."""
    if not isinstance(hasher, FeatureHasher) or hasher.input_type != "string" or hasher.alternate_sign:
        return None
    if np.dtype(hasher.dtype) != np.float64:
        return None
    for m in models.values():
        if not isinstance(m, LogisticRegression) or len(m.classes_) != 2:
            return None
        if m.coef_.shape != (1, hasher.n_features):
            return None
    return FastHashedLR(hasher, models)
