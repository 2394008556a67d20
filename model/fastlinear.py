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
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.feature_extraction import DictVectorizer, FeatureHasher
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils import murmurhash3_32


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

    def proba_from_decision(self, dec: np.ndarray) -> np.ndarray:
        if self.binary:
            p = _expit(float(dec[0]))
            return np.array([1.0 - p, p])
        dec = dec - dec.max()
        np.exp(dec, out=dec)
        dec /= dec.sum()
        return dec


class FastTfidfLR:
    """``TfidfVectorizer(analyzer=callable) -> LogisticRegression`` for one document at a time."""

    def __init__(self, vec: TfidfVectorizer, lr: LogisticRegression) -> None:
        self.analyzer: Callable[[Any], list[str]] = vec.analyzer  # type: ignore[assignment]
        self.vocabulary = vec.vocabulary_
        self.sublinear = bool(vec.sublinear_tf)
        self.norm = vec.norm
        self.idf = np.asarray(vec.idf_, dtype=np.float64) if vec.use_idf else None
        self.head = _LinearHead(lr)
        self.classes_ = self.head.classes_

    def decision(self, doc: Any) -> np.ndarray:
        return self.decision_from_features(self.analyzer(doc))

    def decision_from_features(self, feats: list[str]) -> np.ndarray:
        """Decision values for a document's analyzer output (to share it between models)."""
        counts = Counter(map(self.vocabulary.get, feats))
        counts.pop(None, None)
        head = self.head
        if not counts:
            return head.intercept.copy()
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        idx.sort()  # the CSR order scikit-learn sums in
        tf = np.array([counts[j] for j in idx.tolist()], dtype=np.float64)
        if self.sublinear:
            np.log(tf, out=tf)
            tf += 1.0
        if self.idf is not None:
            tf *= self.idf[idx]
        if self.norm == "l2":
            norm = math.sqrt(float(np.dot(tf, tf)))
            if norm > 0.0:
                tf /= norm
        elif self.norm == "l1":
            norm = float(np.abs(tf).sum())
            if norm > 0.0:
                tf /= norm
        return tf @ head.rows[idx] + head.intercept

    def proba(self, doc: Any) -> np.ndarray:
        """Class probabilities for one document, in ``classes_`` order."""
        return self.head.proba_from_decision(self.decision(doc))


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
        out = []
        for feats in rows:
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


class FastHashedLR:
    """``FeatureHasher(input_type="string", alternate_sign=False)`` then binary logistic
    regressions that share the hashed rows (the token tagger's one model per field)."""

    _CACHE_LIMIT = 500_000

    def __init__(self, hasher: FeatureHasher, models: dict[str, LogisticRegression]) -> None:
        self.n_features = int(hasher.n_features)
        self.coef = {k: np.asarray(m.coef_[0], dtype=np.float64) for k, m in models.items()}
        self.bias = {k: float(m.intercept_[0]) for k, m in models.items()}
        self._index: dict[str, int] = {}

    def _hash(self, feat: str) -> int:
        j = self._index.get(feat)
        if j is None:
            h = murmurhash3_32(feat, seed=0, positive=False)
            n = self.n_features
            j = (2147483647 - (n - 1)) % n if h == -2147483648 else abs(h) % n
            if len(self._index) >= self._CACHE_LIMIT:
                self._index.clear()
            self._index[feat] = j
        return j

    def positive_proba(self, field: str, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Probability of the positive class for each row of feature strings."""
        n = len(rows)
        feats = [f for row in rows for f in row]
        get = self._index.get
        flat = [get(f) for f in feats]
        if None in flat:
            flat = [self._hash(f) if j is None else j for j, f in zip(flat, feats, strict=True)]
        owner = np.repeat(np.arange(n, dtype=np.intp), [len(row) for row in rows])
        dec = np.bincount(owner, weights=self.coef[field][np.asarray(flat, dtype=np.intp)], minlength=n)
        dec += self.bias[field]
        return expit(dec)  # as scikit-learn's _predict_proba_lr does


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
