"""Fast prediction for the trained span NER, derived from the spaCy model at load time.

spaCy runs our small NER at about 2.5 ms for a 120-token note: most of it is per-call
overhead of thinc's layer graph and of the transition parser, not arithmetic. This module
reads the same weights out of the fitted pipeline and computes the same greedy parse with a
few numpy calls per note:

- The embedding stage (four hash embeddings, a maxout and a layer norm) depends on nothing
  but the token's own lexeme, so its output is cached per word form.
- The window encoder, the projection and the parser's precomputed lower layer are matrix
  products over a few notes at once.
- The BILUO transition parser (spaCy's ``BiluoPushDown``, greedy) looks at three tokens:
  the next one, the first token of the open entity and the one before the next. While no
  entity is open the last two are padding, so the scores of every "outside" step are one
  matrix product; inside an entity they depend only on its start and the position, so each
  entity's steps are scored a stretch of positions at a time.

With the compiled extension ``model._nerkernel`` (``model/_nerkernel.c``, built by the install)
everything after the embedding cache runs in C loops, one note at a time: a 30-token note's
parse takes about 45 us there against about 200 us of numpy calls. Without it (no C compiler),
numpy computes the same entities.

Nothing here is learned or saved: the spaCy pipeline stays the artifact, and
``tests/test_fast_paths.py`` checks that both give the same entities on every annotated note.
``FastNER.from_pipeline`` returns None for a pipeline of another shape; callers then use spaCy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.api import NumpyOps

from model.threads import one_blas_thread

try:  # the compiled one-note parse (model/_nerkernel.c); without it numpy does all the work
    from model import _nerkernel
except ImportError:  # not built (no C compiler at install): same entities, slower single notes
    _nerkernel = None

_OPS = NumpyOps()

# np.einsum without optimisation is a call of c_einsum; its Python wrapper costs as much as the sum
try:
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # another numpy layout: the public function, same numbers
    _einsum = np.einsum


@dataclass(frozen=True, slots=True)
class _Maxout:
    """A maxout layer followed by a layer norm (thinc's ``Maxout(normalize=True)``)."""

    WT: np.ndarray  # (nI, nP * nO): piece-major, unlike thinc's (nO, nP, nI)
    b: np.ndarray  # (nP * nO,)
    nO: int
    nP: int
    G: np.ndarray
    beta: np.ndarray

    def __call__(self, X: np.ndarray) -> np.ndarray:
        Y = X @ self.WT
        Y += self.b
        # maxout over the pieces: the elementwise maximum of the row's nP blocks of nO columns
        nO = self.nO
        if self.nP > 1:
            out = np.maximum(Y[:, :nO], Y[:, nO : 2 * nO])
            for p in range(2, self.nP):
                np.maximum(out, Y[:, p * nO : (p + 1) * nO], out=out)
            Y = out
        # Y.mean(axis=1, keepdims=True) as numpy computes it, without its Python wrapper
        mean = np.add.reduce(Y, axis=1, keepdims=True)
        np.true_divide(mean, np.intp(nO), out=mean, casting="unsafe")
        Y -= mean
        var = _einsum("ij,ij->i", Y, Y)
        var /= nO
        var += 1e-08
        np.power(var, -0.5, out=var)  # var**-0.5, in place
        Y *= var[:, None]
        Y *= self.G
        Y += self.beta
        return Y


def _maxout(maxout: Any, layernorm: Any) -> _Maxout:
    nO, nP, nI = (maxout.get_dim(d) for d in ("nO", "nP", "nI"))
    return _Maxout(
        WT=np.ascontiguousarray(
            maxout.get_param("W").reshape(nO, nP, nI).transpose(1, 0, 2).reshape(nP * nO, nI).T
        ),
        b=np.ascontiguousarray(maxout.get_param("b").reshape(nO, nP).T.reshape(nP * nO)),
        nO=nO,
        nP=nP,
        G=layernorm.get_param("G").copy(),
        beta=layernorm.get_param("b").copy(),
    )


class FastNER:
    """The trained NER's greedy parse in numpy; ``spans(text)`` gives ``(start, end, label)``."""

    _CACHE_LIMIT = 100_000  # word forms; their rows take at most 2 x 100,000 x width floats
    _STRETCH = 24  # positions scored at once inside an entity; most entities are shorter
    _CHUNK_TOKENS = 2048  # tokens whose matrix work is done together (bounded memory)
    _VOCAB_LIMIT = 200_000  # word forms the tokenizer may remember before it starts afresh
    _KERNEL_TOKENS = 1 << 20  # the compiled parse's limit per note; longer ones go to numpy

    def __init__(self, nlp: Language, parts: dict[str, Any]) -> None:
        self._nlp = nlp
        self.columns: list[int] = parts["columns"]
        self.embeds: list[tuple[np.ndarray, int]] = parts["embeds"]
        self.mix: _Maxout = parts["mix"]
        self.encoders: list[_Maxout] = parts["encoders"]
        self.window: int = parts["window"]
        self.proj_W, self.proj_b = parts["proj"]
        # One (nI, nP * nH) block per state feature: the first is needed for every token, the
        # other two only for the few tokens in and just before an entity.
        self.lower_blocks: list[np.ndarray] = parts["lower_blocks"]
        self.lower_b: np.ndarray = parts["lower_b"]  # (nP, nH)
        self.pad: np.ndarray = parts["pad"]  # (nF, nP, nH)
        self.upper_W, self.upper_b = parts["upper"]
        self.unseen: np.ndarray = parts["unseen"]
        self._any_unseen = bool(self.unseen.any())
        _, self.nP, self.nH = self.pad.shape
        moves: list[tuple[str, str]] = parts["moves"]  # (action letter, label) per class
        self.labels = sorted({label for act, label in moves if label})
        self._out = [i for i, (act, _) in enumerate(moves) if act == "O"]
        self._begin = {lb: _classes(moves, "B", lb) for lb in self.labels}
        self._unit = [i for i, (act, label) in enumerate(moves) if act == "U" and label]
        self._in = {lb: _classes(moves, "I", lb) for lb in self.labels}
        self._last = {lb: _classes(moves, "L", lb) for lb in self.labels}
        self._action = moves
        self._begin_all = sorted(j for lb in self.labels for j in self._begin[lb])
        # Inside an entity of each label: the "L" and "I" classes, and which of them are "L".
        self._inside: dict[str, tuple[list[int], np.ndarray, np.ndarray]] = {}
        for lb in self.labels:
            cands = sorted(self._last[lb] + self._in[lb])
            is_last = np.array([moves[c][0] == "L" for c in cands])
            self._inside[lb] = (np.array(cands, dtype=np.intp), is_last, ~is_last)
        # The valid classes of a step with no open entity, by the kind of token next: a word
        # (0), whitespace (1), a note's last word (2: no "B", it needs a token after it) or
        # last token and whitespace (3).
        valid = np.zeros((4, len(moves)), dtype=bool)
        valid[:, self._out] = True
        valid[np.ix_([0, 2], self._unit)] = True
        valid[0, self._begin_all] = True
        self._valid_outside = valid
        self._outside_penalty = np.where(valid, np.float32(0.0), np.float32(-np.inf)).astype(np.float32)
        # The lower layer's outputs are kept 2D, (tokens, nP * nH), piece-major like its blocks.
        self._outside_bias = (self.pad[1] + self.pad[2] + self.lower_b).reshape(-1)
        self._lower_b_flat = self.lower_b.reshape(-1)
        self._none_out = self._out[0]
        self._index: dict[int, int] = {}
        self._rows = np.zeros((1024, self.mix.nO), dtype=np.float32)  # row i: word form i
        self._pristine: tuple[bytes, bytes] | None = None
        self._tokenizer = self._fresh_tokenizer()
        self._warmed: set[str] = set()  # chunks the tokenizer has seen on their own
        self._array_columns = [*self.columns, IS_SPACE]
        self._kernel = self._make_kernel(moves) if _nerkernel is not None else None

    def _make_kernel(self, moves: list[tuple[str, str]]) -> Any:
        """The compiled parse's copy of the weights, laid out as its loops read them."""
        f32 = np.float32
        contiguous = np.ascontiguousarray
        nP_nH = self.nP * self.nH
        n_classes = len(moves)
        padded = -(-n_classes // 16) * 16  # the kernel's products run 16 columns at a time
        upper_WT = np.zeros((self.nH, padded), f32)
        upper_WT[:, :n_classes] = self.upper_W.T
        upper_b = np.zeros(padded, f32)
        upper_b[:n_classes] = self.upper_b
        kinds = {lb: i for i, lb in enumerate(self.labels)}
        return _nerkernel.make(
            (
                self.mix.nO,
                self.window,
                self.proj_W.shape[0],
                self.nP,
                self.nH,
                len(moves),
                self._none_out,
                int(self._any_unseen),
            ),
            tuple(
                (
                    contiguous(e.WT, f32),
                    contiguous(e.b, f32),
                    contiguous(e.G, f32),
                    contiguous(e.beta, f32),
                    e.nO,
                    e.nP,
                )
                for e in self.encoders
            ),
            (
                contiguous(self.proj_W.T, f32),
                contiguous(self.proj_b, f32),
                *(contiguous(b, f32) for b in self.lower_blocks),
                contiguous(self._lower_b_flat, f32),
                contiguous(self._outside_bias.reshape(nP_nH), f32),
                upper_WT,
                upper_b,
                self.unseen.astype(np.uint8).tobytes(),
                contiguous(self._outside_penalty, f32),
            ),
            tuple((act, kinds[label] if label else -1) for act, label in moves),
        )

    def _fresh_tokenizer(self) -> Any:
        """A tokenizer like the pipeline's, with a vocabulary of its own.

        spaCy's vocabulary keeps every word form it has seen, so a long-lived process that
        scores millions of distinct notes would grow without bound. The fast NER only needs
        each token's hashed attributes, which do not depend on what the vocabulary holds, so
        it tokenizes with its own copy and replaces it once it has seen ``_VOCAB_LIMIT`` forms
        (the same language defaults and lexical attribute functions: the same arrays)."""
        if self._pristine is None:  # the pipeline's vocabulary and tokenizer as loaded
            self._pristine = (self._nlp.vocab.to_bytes(exclude=["vectors"]), self._nlp.tokenizer.to_bytes())
        vocab = Vocab(lex_attr_getters=dict(self._nlp.vocab.lex_attr_getters))
        vocab.from_bytes(self._pristine[0])
        tokenizer = Tokenizer(vocab)
        tokenizer.from_bytes(self._pristine[1])
        return tokenizer

    def _make_doc(self, text: str) -> Doc:
        if len(self._tokenizer.vocab) > self._VOCAB_LIMIT:
            self._tokenizer = self._fresh_tokenizer()
            self._warmed.clear()
        self._warm(text)
        return self._tokenizer(text)

    def _warm(self, text: str) -> None:
        """Tokenize each white-space-separated chunk seen for the first time on its own.

        spaCy caches a chunk's affix-rule tokens (which depend on the chunk alone), but not
        after a special case in the same note (a line break is one): most chunks of
        multi-line notes went through the affix searches on every call. Tokenized alone, a
        chunk is cached (up to spaCy's limit); notes are still tokenized whole, so special
        cases across chunks are found as before. Same tokens; 60 -> 15 us a note."""
        warmed = self._warmed
        if len(warmed) >= self._tokenizer.max_cache_size:
            return
        tokenizer = self._tokenizer
        for chunk in text.split():
            if chunk not in warmed:
                warmed.add(chunk)
                tokenizer(chunk)

    @classmethod
    def from_pipeline(cls, nlp: Language) -> FastNER | None:
        """The fast equivalent of ``nlp``'s NER, or None when its architecture is not ours."""
        try:
            return cls(nlp, _extract(nlp))
        except (KeyError, ValueError, AttributeError, IndexError, TypeError):
            return None

    # ---------------------------------------------------------------- token vectors

    def _embed_rows(self, feats: np.ndarray) -> np.ndarray:
        """Embedding-stage output for tokens given their feature columns (uint64)."""
        parts = []
        for column, (E, seed) in enumerate(self.embeds):
            ids = np.ascontiguousarray(feats[:, column], dtype=np.uint64)
            keys = _OPS.hash(ids, seed) % E.shape[0]
            parts.append(E[keys].sum(axis=1))
        return self.mix(np.concatenate(parts, axis=1))

    def _cache_rows(self, arr: np.ndarray) -> list[int]:
        """Rows of the embedding cache for tokens with these feature columns (ORTH first),
        computing the rows of word forms not seen before."""
        orths = arr[:, 0].tolist()
        idx = list(map(self._index.get, orths))
        if None not in idx:
            return idx  # type: ignore[return-value]
        missing = {o: i for i, (o, j) in enumerate(zip(orths, idx, strict=True)) if j is None}
        if len(self._index) + len(missing) > self._CACHE_LIMIT:
            # Start the cache afresh (bounded memory); these tokens' words all go in again.
            self._index.clear()
            missing = {o: i for i, o in enumerate(orths)}
        new = self._embed_rows(arr[list(missing.values()), 1:])
        base = len(self._index)
        if base + len(new) > len(self._rows):  # grow by doubling: appends stay cheap
            grown = np.zeros((max(base + len(new), 2 * len(self._rows)), self._rows.shape[1]), np.float32)
            grown[:base] = self._rows[:base]
            self._rows = grown
        self._rows[base : base + len(new)] = new
        for k, o in enumerate(missing):
            self._index[o] = base + k
        return [self._index[o] for o in orths]

    def _token_vectors(self, arrs: list[np.ndarray]) -> np.ndarray:
        """The NER's token vectors (after the projection) for the tokens of several notes,
        one after the other; ``arrs`` holds each note's feature columns."""
        # thinc runs the encoder over each note with ``receptive field`` zero rows on each
        # side (``with_array(pad=...)``), and those rows stay in through every layer. Laid out
        # as [zeros, note, zeros, note, ..., zeros], the notes cannot reach each other.
        w = self.window
        edge = w * len(self.encoders)
        lengths = [len(a) for a in arrs]
        n, width = sum(lengths) + edge * (len(arrs) + 1), self._rows.shape[1]
        idx = self._cache_rows(arrs[0] if len(arrs) == 1 else np.concatenate(arrs))
        # X (n rows) sits in ``padded`` between w zero rows on each side, which stay zero: the
        # window of row r is then rows r .. r + 2w of ``padded`` side by side, as thinc's
        # expand_window lays it out (zeros past either end).
        if len(arrs) == 1:
            where: slice | np.ndarray = slice(w + edge, w + edge + lengths[0])
        else:
            starts = w + edge * np.arange(1, len(arrs) + 1) + np.concatenate([[0], np.cumsum(lengths[:-1])])
            where = np.concatenate(
                [np.arange(a, a + n_i) for a, n_i in zip(starts.tolist(), lengths, strict=True)]
            )
        padded = np.zeros((n + 2 * w, width), dtype=np.float32)
        padded[where] = self._rows.take(idx, axis=0)  # (take: faster than self._rows[idx])
        X = padded[w : w + n]
        # Row r of the window matrix is rows r .. r + 2w of ``padded``, which follow each other
        # in memory: one strided view of them (copied, for BLAS), not 2w + 1 slices joined.
        shape, strides = (n, (2 * w + 1) * width), padded.strides
        for enc in self.encoders:
            X += enc(np.ndarray(shape, np.float32, padded, 0, strides).copy())
        return padded[where] @ self.proj_W.T + self.proj_b

    # ---------------------------------------------------------------- parsing

    def _scores(self, hidden: np.ndarray) -> np.ndarray:
        """Class scores from summed lower-layer features (tokens, nP * nH): the maximum over
        the pieces' column blocks, then the upper layer."""
        nH = self.nH
        h = np.maximum(hidden[:, :nH], hidden[:, nH : 2 * nH])
        for p in range(2, self.nP):
            np.maximum(h, hidden[:, p * nH : (p + 1) * nH], out=h)
        scores = h @ self.upper_W.T + self.upper_b
        if self._any_unseen:
            low = scores.min(axis=-1, keepdims=True)
            scores = np.where(self.unseen, low, scores)
        return scores

    def _entity_end(self, T: np.ndarray, current: np.ndarray, start: int, label: str, n: int) -> int:
        """Index of the last token of the entity opened at ``start``.

        Inside an entity the state's features are (next token, ``start``, the token before
        the next), so every step's scores follow from its position alone: they are computed
        for a stretch of positions at once and the entity ends at the first "L" chosen.
        """
        _, entity_start, previous = self.lower_blocks
        opened = T[start] @ entity_start + self._lower_b_flat
        cands, is_last, in_cols = self._inside[label]
        lo = start + 1
        while True:
            hi = min(n, lo + self._STRETCH)
            hidden = current[lo:hi] + opened + T[lo - 1 : hi - 1] @ previous
            scores = self._scores(hidden).take(cands, axis=1)
            if hi == n:  # at the last token only "L" is valid
                scores[-1, in_cols] = -np.inf
            chosen = is_last.take(scores.argmax(axis=1)).tolist()  # an "L" at each position?
            if True in chosen:
                return lo + chosen.index(True)
            lo = hi

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """The NER's entities of ``text`` as character offsets and labels."""
        return self.spans_many([text])[0]

    def spans_many(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """``spans`` of each text. With the compiled parse, numpy only embeds word forms not
        seen before; without it, the matrix work runs over a few notes at a time, with BLAS
        on one thread (see :func:`~model.threads.one_blas_thread`)."""
        if self._kernel is not None:
            return self._spans_many(texts)
        with one_blas_thread():
            return self._spans_many(texts)

    def _spans_many(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        out: list[list[tuple[int, int, str]]] = []
        chunk: list[Doc] = []
        tokens = 0
        for text in texts:
            doc = self._make_doc(text)
            chunk.append(doc)
            tokens += len(doc)
            if tokens >= self._CHUNK_TOKENS:
                out.extend(self._parse(chunk))
                chunk, tokens = [], 0
        if chunk:
            out.extend(self._parse(chunk))
        return out

    def _parse(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        """The greedy parse of each doc, its matrix products done for all docs at once."""
        present = [d for d in docs if len(d)]
        if not present:
            return [[] for _ in docs]
        if self._kernel is not None and max(map(len, docs)) <= self._KERNEL_TOKENS:
            return self._parse_compiled(docs)
        # each token's feature columns, then whether it is whitespace (in one call per doc)
        arrs = [d.to_array(self._array_columns) for d in present]
        T_all = self._token_vectors(arrs)
        current_all = T_all @ self.lower_blocks[0]  # (tokens, nP * nH)
        # Every step with no open entity: features (B0, pad, pad); the best valid action of
        # each such step at once (argmax takes the first of equal scores, as spaCy does).
        outside = self._scores(current_all + self._outside_bias)
        ends = list(accumulate(len(d) for d in present))
        kind = (arrs[0] if len(arrs) == 1 else np.concatenate(arrs))[:, -1].astype(np.intp)
        if len(ends) == 1:
            kind[ends[0] - 1] += 2
        else:
            kind[[e - 1 for e in ends]] += 2
        # invalid classes get -inf: 0 added to a (finite) score leaves it as it is
        masked = self._outside_penalty.take(kind, axis=0)
        masked += outside
        best_all = masked.argmax(axis=1)
        parsed = []
        start = 0
        for doc, end in zip(present, ends, strict=True):
            found = self._decode(T_all[start:end], current_all[start:end], best_all[start:end])
            parsed.append([(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]), lb) for a, b, lb in found])
            start = end
        in_order = iter(parsed)
        return [next(in_order) if len(d) else [] for d in docs]

    def _parse_compiled(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        """``_parse`` by the compiled kernel, one note at a time (its loops beat numpy's calls
        on short notes, and keep up on long ones); new word forms embedded together."""
        arrs = [d.to_array(self._array_columns) for d in docs if len(d)]
        if not arrs:
            return [[] for _ in docs]
        index = self._cache_rows(arrs[0] if len(arrs) == 1 else np.concatenate(arrs))
        rows = self._rows  # (read after the cache may have grown)
        parsed: list[list[tuple[int, int, str]]] = []
        start = 0
        arr_of = iter(arrs)
        for doc in docs:
            if not len(doc):
                parsed.append([])
                continue
            arr = next(arr_of)
            found = _nerkernel.parse(self._kernel, rows, index[start : start + len(arr)], arr)
            start += len(arr)
            parsed.append(
                [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]), self._action[c][1]) for a, b, c in found]
            )
        return parsed

    def _decode(self, T: np.ndarray, current: np.ndarray, best: np.ndarray) -> list[tuple[int, int, str]]:
        """Token-index entities of one note from its best "outside" actions."""
        n = len(T)
        best_list = best.tolist()
        none = self._none_out
        active = [i for i, b in enumerate(best_list) if b != none]
        ents: list[tuple[int, int, str]] = []
        i = 0
        for i0 in active:
            if i0 < i:
                continue  # inside an entity found meanwhile
            i = i0
            act, label = self._action[best_list[i]]
            if act == "U":
                ents.append((i, i + 1, label))
            else:
                i = self._entity_end(T, current, i, label, n)
                ents.append((i0, i + 1, label))
            i += 1
        return ents


def _classes(moves: list[tuple[str, str]], action: str, label: str) -> list[int]:
    """Class indices of one action ("B", "I", "L") for one label."""
    return [i for i, (act, lb) in enumerate(moves) if act == action and lb == label]


def _extract(nlp: Language) -> dict[str, Any]:
    """The weights and settings of a ``TransitionBasedParser.v2`` NER over ``HashEmbedCNN.v2``."""
    ner = nlp.get_pipe("ner")
    model = ner.model
    if model.name != "parser_model" or not model.attrs["has_upper"]:
        raise ValueError("not a transition model with an upper layer")
    t2v = model.get_ref("tok2vec")
    nodes = list(t2v.walk(order="dfs_pre"))
    extract = [n for n in nodes if n.name == "extract_features"]
    hashembeds = [n for n in nodes if n.name == "hashembed"]
    maxouts = [n for n in nodes if n.name == "maxout"]
    norms = [n for n in nodes if n.name == "layernorm"]
    windows = [n for n in nodes if n.name == "expand_window"]
    linears = [n for n in nodes if n.name == "linear"]
    allowed = {
        "extract_features",
        "list2ragged",
        "ragged2list",
        "list2array",
        "hashembed",
        "ints-getitem",
        "maxout",
        "layernorm",
        "dropout",
        "expand_window",
        "linear",
        "residual",
        "concatenate",
    }
    for n in nodes:
        base = n.name.split("(")[0]
        if not (base in allowed or ">>" in n.name or "|" in n.name or base.startswith("with_array")):
            raise ValueError(f"unexpected layer {n.name}")
    if len(extract) != 1 or len(linears) != 1 or len(maxouts) != len(norms) or not windows:
        raise ValueError("unexpected tok2vec shape")
    columns = list(extract[0].attrs["columns"])
    if len(hashembeds) != len(columns):
        raise ValueError("one hash embedding per feature column expected")
    window = {w.attrs["window_size"] for w in windows}
    if len(window) != 1 or len(windows) != len(maxouts) - 1:
        raise ValueError("unexpected window encoder")
    embeds = [(h.get_param("E"), int(h.attrs["seed"])) for h in hashembeds]
    for k, h in enumerate(hashembeds):
        if h.attrs.get("column", k) != k:
            raise ValueError("hash embedding columns out of order")
    lower, upper = model.get_ref("lower"), model.get_ref("upper")
    nF, nO, nP, nI = (lower.get_dim(d) for d in ("nF", "nO", "nP", "nI"))
    if nF != 3 or nP < 2:
        raise ValueError("not an NER state with maxout")
    moves = []
    for i in range(ner.moves.n_moves):
        name = ner.moves.get_class_name(i)
        act, _, label = name.partition("-")
        moves.append((act, label))
    unseen = np.zeros(upper.get_dim("nO"), dtype=bool)
    for c in model.attrs["unseen_classes"]:
        unseen[c] = True
    return {
        "columns": [ORTH, *columns],
        "embeds": embeds,
        "mix": _maxout(maxouts[0], norms[0]),
        "encoders": [_maxout(m, ln) for m, ln in zip(maxouts[1:], norms[1:], strict=True)],
        "window": window.pop(),
        "proj": (linears[0].get_param("W"), linears[0].get_param("b")),
        "lower_blocks": [
            np.ascontiguousarray(block.reshape(nP * nO, nI).T)
            for block in lower.get_param("W").transpose(0, 2, 1, 3)  # (nF, nP, nO, nI)
        ],
        "lower_b": np.ascontiguousarray(lower.get_param("b").T),
        "pad": np.ascontiguousarray(lower.get_param("pad").reshape(nF, nO, nP).transpose(0, 2, 1)),
        "upper": (upper.get_param("W"), upper.get_param("b")),
        "unseen": unseen,
        "moves": moves,
    }
