"""The fast prediction paths compute what scikit-learn computes, on the shipped model.

``model.fastlinear`` re-implements the linear models' arithmetic from the fitted objects;
``model.fastner`` does the same for the span NER; ``SentenceIndex``, ``when_features_all``
and the gap bucket replace repeated scans. Each is
checked here against the code it stands in for, on the dev notes (and more).
"""

from __future__ import annotations

import pickle
import random
from datetime import date

import numpy as np
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from spacy.language import Language

from model import fastlinear
from model.choose import _bucket, _gap_bucket, when_features, when_features_all
from model.classify import Classifiers, when_examples
from model.data import locate, read_jsonl
from model.fastlinear import FastDictLR, FastHashedLR, FastTfidfLR, _sparse, fast_hashed, fast_model
from model.fastner import FastNER, _nerkernel
from model.features import SentenceIndex, sentence_bounds, span_context
from model.masking import mask_times
from model.pipeline import Klarsteg, NoteInput
from model.settings import PACKAGE_MODEL_DIR
from model.text import fold_same_length, tokens
from model.tokentag import _HASHER, TokenFeatures, token_features, tokenize
from model.when import find_times

ROOT = PACKAGE_MODEL_DIR.parent.parent
TOL = 1e-9


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return read_jsonl(ROOT / "training_data" / "dev.jsonl")


@pytest.fixture(scope="module")
def clf(klarsteg_model: Klarsteg) -> Classifiers:
    return klarsteg_model.artifacts.classifiers


def _contexts(records: list[dict]) -> list:
    """Span contexts of gold spans and of a few arbitrary spans per note."""
    rnd = random.Random(5)
    out = []
    for r in records:
        text = r["text"]
        for field in ("next_step", "reason"):
            span = locate(text, r.get(field))
            if span is not None:
                out.append(span_context(text, span.start, span.end))
        for _ in range(2):
            a = rnd.randrange(len(text))
            out.append(span_context(text, a, min(len(text), a + rnd.randint(1, 40))))
    return out


def test_every_shipped_model_has_a_fast_path(clf: Classifiers) -> None:
    for name in ("action", "owner", "clear", "presence"):
        assert isinstance(fast_model(getattr(clf, name)), FastTfidfLR), name
    assert isinstance(fast_model(clf.when), FastDictLR)
    assert isinstance(fast_hashed(_HASHER, clf.tagger.models), FastHashedLR)
    for name in ("step_ranker", "step_acceptor", "reason_picker"):
        assert isinstance(fast_model(getattr(clf, name)), FastDictLR), name


MODELS = ("action", "owner", "clear", "presence", "when", "step_ranker", "step_acceptor", "reason_picker")


def test_fast_paths_are_derived_once(clf: Classifiers) -> None:
    """Every model's fast path is made at load, not again on each call (that cost a note 1 ms)."""
    clf.prepare()
    derived = dict(clf.__dict__["_fast"])
    for name in MODELS:
        model = getattr(clf, name)
        assert clf._fast_for(model) is derived[id(model)][1], name
    assert clf.__dict__["_fast"] == derived  # no call rebuilt them


def test_step_ranker_acceptor_and_reason_picker_match_sklearn(clf: Classifiers, dev: list[dict]) -> None:
    from model.data import normalized_record
    from model.reasons import reason_examples
    from model.steps import acceptor_examples, ranker_examples

    records = [normalized_record(r) for r in dev]
    mentions = [find_times(r["text"], date.fromisoformat(r["note_date"])) for r in records]
    presence = clf.presence_proba([r["text"] for r in records])
    for feats, model, scores in (
        (ranker_examples(records, mentions)[0], clf.step_ranker, clf.step_scores),
        (acceptor_examples(records, mentions, presence)[0], clf.step_acceptor, clf.accept_scores),
        (reason_examples(records, mentions)[0], clf.reason_picker, clf.reason_scores),
    ):
        assert feats
        positive = list(model.classes_).index(True)
        np.testing.assert_allclose(scores(feats), model.predict_proba(feats)[:, positive], rtol=0, atol=TOL)


@pytest.mark.parametrize("name", ["action", "owner", "clear"])
def test_span_classifiers_match_sklearn(clf: Classifiers, dev: list[dict], name: str) -> None:
    pipeline = getattr(clf, name)
    fast = fast_model(pipeline)
    assert isinstance(fast, FastTfidfLR)
    ctxs = _contexts(dev)
    expected = pipeline.predict_proba(ctxs)
    got = np.array([fast.proba(c) for c in ctxs])
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
    assert list(fast.classes_) == list(pipeline.classes_)
    for ctx in ctxs[:50]:
        label, p = clf.predict_label(pipeline, ctx)
        row = pipeline.predict_proba([ctx])[0]
        assert label == pipeline.classes_[int(row.argmax())]
        assert abs(p - float(row.max())) <= TOL


def test_presence_matches_sklearn(clf: Classifiers, dev: list[dict]) -> None:
    texts = [r["text"] for r in dev] + ["", "x", "ok.", "Ring tors kl 10 " * 200]
    positive = list(clf.presence.classes_).index(True)
    expected = clf.presence.predict_proba(texts)[:, positive]
    np.testing.assert_allclose(clf.presence_proba(texts), expected, rtol=0, atol=TOL)


def test_sparse_sums_are_built() -> None:
    """The install compiles model/_sparse.c (optional in pyproject.toml: a failed build would
    otherwise only show as slower scoring)."""
    assert _sparse is not None


@pytest.mark.parametrize("name", ["presence", "action", "owner", "clear"])
def test_compiled_and_numpy_sums_agree(
    clf: Classifiers, dev: list[dict], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = clf._fast_for(getattr(clf, name))
    assert isinstance(fast, FastTfidfLR)
    docs = [r["text"] for r in dev[:150]] + ["", "ok."] if name == "presence" else _contexts(dev[:150])
    compiled = [fast.proba(d) for d in docs]
    assert type(fast.vectors.of(docs[0])[1]) is list  # type: ignore[index]  # (the C path ran)
    monkeypatch.setattr(fastlinear, "_sparse", None)
    assert type(fast.vectors.of(docs[0])[1]) is np.ndarray  # type: ignore[index]
    plain = [fast.proba(d) for d in docs]
    np.testing.assert_allclose(np.array(compiled), np.array(plain), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["action", "owner", "clear"])
def test_best_class_is_the_probabilities_argmax(clf: Classifiers, dev: list[dict], name: str) -> None:
    fast = clf._fast_for(getattr(clf, name))
    assert isinstance(fast, FastTfidfLR)
    decisions = [fast.decision(c) for c in _contexts(dev[:150])] + [
        [0.5, 0.5, 0.25, -1.0, 0.0, 0.1, 0.2][: len(fast.classes_)]
    ]
    for dec in decisions:
        proba = fast.head.proba_from_decision(dec)
        best, p_best = fast.head.best_class(dec)
        assert best == int(proba.argmax())  # (the first of equal ones, as numpy's argmax)
        assert p_best == pytest.approx(float(proba[best]), rel=0, abs=1e-15)


def test_compiled_dict_sums_are_the_python_sums_to_the_bit(
    clf: Classifiers, dev: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    from model.data import normalized_record
    from model.steps import ranker_examples

    records = [normalized_record(r) for r in dev[:120]]
    mentions = [find_times(r["text"], date.fromisoformat(r["note_date"])) for r in records]
    feats = ranker_examples(records, mentions)[0]
    feats = [*feats, {"kind": "list", "x": 1.0}, {"n": 2}, {}]  # a string, an int: the Python path
    fast = clf._fast_for(clf.step_ranker)
    assert isinstance(fast, FastDictLR)
    sums = _sparse.dict_sums(feats, fast._weight_of)
    assert sums[-3:-1] == [None, None] and sums[-1] == 0.0
    compiled = fast.positive_proba(feats)
    monkeypatch.setattr(fastlinear, "_sparse", None)
    assert np.array_equal(compiled, fast.positive_proba(feats))
    with pytest.raises(TypeError, match="every row must be a dict"):
        _sparse.dict_sums([{"a": 1.0}, ["a"]], {"a": 2.0})
    with pytest.raises(TypeError):
        _sparse.dict_sums([{"a": 1.0}], {"a": "heavy"})  # a weight that is not a number


def test_sparse_sums_refuse_bad_input() -> None:
    idf = np.array([1.0, 2.0, 3.0])
    rows = np.arange(6, dtype=np.float64).reshape(3, 2)
    # tf 1 and 2 times idf 2 and 3: (2, 6), l2-normalised
    assert _sparse.weigh([1, 2], [1.0, 2.0], idf, 1) == pytest.approx([2 / 40**0.5, 6 / 40**0.5], abs=1e-15)
    assert _sparse.weigh([1, 2], [1.0, 2.0], None, 2) == pytest.approx([1 / 3, 2 / 3], abs=1e-15)
    assert _sparse.weigh([], [], idf, 1) == []
    assert _sparse.decide([0, 2], [1.0, 0.5], rows, np.array([0.25, -1.0])) == [2.25, 2.5]
    with pytest.raises(IndexError, match="column out of range"):
        _sparse.weigh([3], [1.0], idf, 1)
    with pytest.raises(IndexError, match="column out of range"):
        _sparse.decide([3], [1.0], rows, np.zeros(2))
    with pytest.raises(ValueError, match="one tf per column"):
        _sparse.weigh([1, 2], [1.0], idf, 1)
    with pytest.raises(ValueError, match="idf: expected float64"):
        _sparse.weigh([1], [1.0], idf.astype(np.float32), 1)
    with pytest.raises(ValueError, match="rows must be"):
        _sparse.decide([0], [1.0], rows, np.zeros(4))  # 6 weights are not (n, 4)
    with pytest.raises(TypeError):
        _sparse.decide([0], ["1"], rows, np.zeros(2))


def test_tag_sums_refuse_bad_input() -> None:
    edge, consts = (0.0,) * 9, (0.5,) * 9
    word = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    # one token: its own 1.0, date=False 0.5, no title, d-1/d1 none, sentstart=True 0.5
    assert _sparse.tag_sums([word], edge, [False], [False], [True], [], consts) == [2.0]
    assert _sparse.tag_sums([], edge, [], [], [], [], consts) == []
    with pytest.raises(ValueError, match="expected one pair fewer"):
        _sparse.tag_sums([word, word], edge, [0, 0], [0, 0], [0, 0], [], consts)
    with pytest.raises(ValueError, match="word: expected 9 values"):
        _sparse.tag_sums([word[:8]], edge, [0], [0], [0], [], consts)
    with pytest.raises(ValueError, match="in_date: expected 1 flags"):
        _sparse.tag_sums([word], edge, [], [0], [0], [], consts)
    with pytest.raises(TypeError):
        _sparse.tag_sums([word], edge, [0], [0], [0], [], ("x",) * 9)


def test_when_ranker_matches_sklearn(clf: Classifiers, dev: list[dict]) -> None:
    feats, _ = when_examples(dev)
    assert feats
    positive = list(clf.when.classes_).index(True)
    expected = clf.when.predict_proba(feats)[:, positive]
    np.testing.assert_allclose(clf.when_proba(feats), expected, rtol=0, atol=TOL)


def test_token_tagger_matches_sklearn(clf: Classifiers, dev: list[dict]) -> None:
    tagger = clf.tagger
    for r in dev[:120]:
        text = r["text"]
        toks = tokenize(text)
        mentions = find_times(text, date.fromisoformat(r["note_date"]))
        feats = token_features(text, toks, [(m.start, m.end) for m in mentions])
        x = _HASHER.transform(feats)
        structured = TokenFeatures(text, toks, [(m.start, m.end) for m in mentions])
        for field, model in tagger.models.items():
            np.testing.assert_allclose(
                tagger.proba(field, feats), model.predict_proba(x)[:, 1], rtol=0, atol=TOL
            )
            np.testing.assert_allclose(
                tagger.proba(field, structured), model.predict_proba(x)[:, 1], rtol=0, atol=TOL
            )


def test_fast_paths_are_not_pickled(clf: Classifiers) -> None:
    clf.prepare()
    assert "_fast" in clf.__dict__ and "_fast" in clf.tagger.__dict__
    state = pickle.loads(pickle.dumps(clf))
    assert "_fast" not in state.__dict__
    assert "_fast" not in state.tagger.__dict__


def test_unsupported_pipeline_falls_back_to_sklearn() -> None:
    texts = ["ring kunden imorgon", "skickar offert", "inget nytt", "boka demo"]
    labels = ["call", "send", "none", "demo"]
    word = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    assert fast_model(word) is None  # a string analyzer: not the shape we re-implement
    assert fast_model(object()) is None


def _texts(records: list[dict]) -> list[str]:
    extra = [
        "",
        "no sentence end",
        "- punkt ett\n- punkt två\n\n* tre. Fyra! Fem? sex; sju.",
        "Slut.",
        ". . .",
        "a\nb\n\nc",
    ]
    return [r["text"] for r in records] + extra


def test_sentence_index_matches_sentence_bounds(dev: list[dict]) -> None:
    rnd = random.Random(3)
    for text in _texts(dev):
        index = SentenceIndex(text)
        n = len(text)
        spans = [(a, a) for a in range(n + 1)] + [(a, a + 1) for a in range(n)]
        spans += [tuple(sorted((rnd.randint(0, n), rnd.randint(0, n)))) for _ in range(50)]
        for start, end in spans:
            assert index.bounds(start, end) == sentence_bounds(text, start, end), (text, start, end)


def test_when_features_all_matches_when_features(dev: list[dict]) -> None:
    checked = 0
    for r in dev:
        text = r["text"]
        note_date = date.fromisoformat(r["note_date"])
        mentions = find_times(text, note_date)
        step = locate(text, r.get("next_step"))
        for s in [None, (step.start, step.end) if step else (0, min(5, len(text)))]:
            expected = [when_features(text, m, i, mentions, s, note_date) for i, m in enumerate(mentions)]
            got = when_features_all(text, mentions, s, note_date)
            assert got == expected
            assert [list(d) for d in got] == [list(d) for d in expected]  # same order too
            checked += len(mentions)
    assert checked > 100


def test_gap_bucket_matches_counting_every_token(dev: list[dict]) -> None:
    edges = (0, 1, 3, 6, 10, 20)
    rnd = random.Random(11)
    long_text = " ".join(r["text"] for r in dev)
    gaps = ["", "a", "x " * 25, "x" * 500, "don't " * 100, "é" * 399 + "'s" + " ord" * 30]
    # prefixes cut at and around the 400-character boundary, apostrophes included
    for cut in range(380, 420):
        gaps.append(("ab'c " * 100)[:cut] + "'d")
        gaps.append(("ab " * 7)[: cut % 21] + "y" * (cut - cut % 21))
    gaps += [
        long_text[a : a + rnd.randint(0, 2000)] for a in (rnd.randrange(len(long_text)) for _ in range(300))
    ]
    for gap in gaps:
        assert _gap_bucket(gap) == _bucket(len(tokens(gap)), edges), gap[:60]


# --------------------------------------------------------------------------- the span NER


def _masked_texts(records: list[dict]) -> list[str]:
    """Notes as the NER sees them (time mentions masked), plus edge cases."""
    out = []
    for r in records:
        mentions = find_times(r["text"], date.fromisoformat(r["note_date"]))
        out.append(mask_times(r["text"], mentions).text)
    return out + [
        "",
        " ",
        "\n\n",
        "Ring",
        "Ring Anna",
        "ring  kunden\tTIDDATUM  om   offerten .",
        "Call Bob TIDDATUM to confirm the order. " * 40,
        "Möte med Åsa TIDDATUM, hon återkommer om budgeten 😀 ✓",
    ]


def _spacy_spans(nlp: Language, text: str) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]


@pytest.fixture(scope="module")
def fast_ner(klarsteg_model: Klarsteg) -> FastNER:
    fast = FastNER.from_pipeline(klarsteg_model.artifacts.spans)
    assert fast is not None, "the shipped span model must have the numpy fast path"
    return fast


@pytest.fixture(scope="module")
def numpy_ner(klarsteg_model: Klarsteg) -> FastNER:
    """The fast NER without its compiled parse: what an install without a C compiler runs."""
    fast = FastNER.from_pipeline(klarsteg_model.artifacts.spans)
    assert fast is not None
    fast._kernel = None
    return fast


def test_the_compiled_parse_is_built() -> None:
    """The install compiles model/_nerkernel.c (optional in pyproject.toml, so a failed build
    would otherwise go unnoticed, with single notes scored several times slower)."""
    assert _nerkernel is not None
    assert FastNER.from_pipeline(Klarsteg.load(None).artifacts.spans)._kernel is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
@pytest.mark.parametrize("split", ["dev", "test", "test_real"])
def test_fast_ner_gives_spacys_entities(
    klarsteg_model: Klarsteg, fast_ner: FastNER, numpy_ner: FastNER, split: str, compiled: bool
) -> None:
    fast = fast_ner if compiled else numpy_ner
    assert (fast._kernel is not None) == compiled
    nlp = klarsteg_model.artifacts.spans
    texts = _masked_texts(read_jsonl(ROOT / "training_data" / f"{split}.jsonl"))
    expected = [_spacy_spans(nlp, text) for text in texts]
    for text, want in zip(texts, expected, strict=True):
        assert fast.spans(text) == want, text
    # Several notes at once share their matrix work; nothing may leak between them.
    assert fast.spans_many(texts) == expected
    assert sum(map(len, expected)) > len(texts) / 2  # many entities compared, not empty lists


def test_compiled_parse_refuses_bad_input(fast_ner: FastNER) -> None:
    doc = fast_ner._make_doc("Ring Anna på tisdag")
    arr = doc.to_array(fast_ner._array_columns)
    index = fast_ner._cache_rows(arr)
    kernel, rows = fast_ner._kernel, fast_ner._rows
    assert _nerkernel.parse(kernel, rows, index, arr) == _nerkernel.parse(kernel, rows, list(index), arr)
    with pytest.raises(ValueError, match="unexpected rows"):
        _nerkernel.parse(kernel, rows.astype(np.float64), index, arr)  # not float32
    with pytest.raises(ValueError, match="unexpected rows"):
        _nerkernel.parse(kernel, rows, index[:-1], arr)  # fewer rows than tokens
    with pytest.raises(ValueError, match="unexpected rows"):
        _nerkernel.parse(kernel, rows, index, arr.astype(np.int32))  # not 64-bit columns
    with pytest.raises(IndexError, match="out of range"):
        _nerkernel.parse(kernel, rows, [*index[:-1], len(rows)], arr)
    with pytest.raises(IndexError, match="out of range"):
        _nerkernel.parse(kernel, rows, [*index[:-1], -1], arr)
    with pytest.raises(ValueError):
        _nerkernel.parse(object(), rows, index, arr)  # not a kernel
    moves = tuple(("O", -1) for _ in range(10))
    with pytest.raises(ValueError, match="projection W: expected 2048 float32"):
        _nerkernel.make((32, 1, 64, 2, 64, 10, 9, 0), (), (np.zeros(3, np.float32),) * 11, moves)
    with pytest.raises(ValueError, match="unexpected NER shape"):
        _nerkernel.make((32, 1, 64, 2, 64, 10, 9, 0), (), (np.zeros(3, np.float32),) * 11, moves[:9])
    # the shipped kernel's arrays, with a "B" move whose label has no "L": refused at make
    arrays = (
        np.zeros((32, 64), np.float32),
        np.zeros(64, np.float32),
        *(np.zeros((64, 128), np.float32),) * 3,
        np.zeros(128, np.float32),
        np.zeros(128, np.float32),
        np.zeros((64, 16), np.float32),
        np.zeros(16, np.float32),
        bytes(10),
        np.zeros((4, 10), np.float32),
    )
    begin_only = (("B", 0), *moves[1:])
    with pytest.raises(ValueError, match="begin an entity but not end one"):
        _nerkernel.make((32, 1, 64, 2, 64, 10, 9, 0), (), arrays, begin_only)
    assert (
        _nerkernel.make((32, 1, 64, 2, 64, 10, 9, 0), (), arrays, (("B", 0), ("L", 0), *moves[2:]))
        is not None
    )


def test_fast_ner_in_small_chunks(klarsteg_model: Klarsteg, dev: list[dict]) -> None:
    fast = FastNER.from_pipeline(klarsteg_model.artifacts.spans)
    assert fast is not None
    fast._CHUNK_TOKENS = 60  # a chunk ends every note or two, mid-list
    texts = _masked_texts(dev[:50])
    assert fast.spans_many(texts) == [_spacy_spans(klarsteg_model.artifacts.spans, t) for t in texts]


def test_fast_ner_survives_a_cache_reset(klarsteg_model: Klarsteg, dev: list[dict]) -> None:
    fast = FastNER.from_pipeline(klarsteg_model.artifacts.spans)
    assert fast is not None
    fast._CACHE_LIMIT = 50  # forces the embedding cache to be emptied again and again
    nlp = klarsteg_model.artifacts.spans
    for text in _masked_texts(dev[:40]):
        assert fast.spans(text) == _spacy_spans(nlp, text)
    # every cached word form has its own row, and the rows are packed from the start
    assert sorted(fast._index.values()) == list(range(len(fast._index)))
    assert len(fast._index) <= len(fast._rows)


def test_pipeline_without_fast_ner_scores_the_same(klarsteg_model: Klarsteg, dev: list[dict]) -> None:
    notes = [NoteInput(r["text"], date.fromisoformat(r["note_date"]), "auto") for r in dev[:60]]
    fast = klarsteg_model.score_many(notes)
    slow_model = Klarsteg(klarsteg_model.artifacts)
    slow_model._fast_ner = None  # what a model of another architecture gets
    assert [r.model_dump() for r in slow_model.score_many(notes)] == [r.model_dump() for r in fast]


def test_fast_ner_declines_other_pipelines() -> None:
    assert FastNER.from_pipeline(spacy.blank("xx")) is None  # no NER at all
    tagger_only = spacy.blank("xx")
    tagger_only.add_pipe("tagger")
    assert FastNER.from_pipeline(tagger_only) is None


# --------------------------------------------------------------------------- folded-note features


def test_fold_matches_the_translate_table() -> None:
    from model.text import _FOLD_PAIRS, fold

    table = str.maketrans(dict(_FOLD_PAIRS))  # the table fold() once applied
    samples = ["", "Återkommer på MÖTE", "plain ascii", "İstanbul ΣΟΦΟΣ", "æøü éÉ ß ﬁ", "x" * 50 + "å"]
    for s in samples:
        assert fold(s) == s.lower().translate(table), s


def _reference_when_features(
    text: str, mentions: list, step: tuple[int, int] | None, note_date: date
) -> list:
    """``when_features_all`` the slow way: every window lower-cased and folded on its own."""
    from model.choose import _NoteFacts, _when_features

    facts = _NoteFacts(text, mentions, step)
    facts.folded = None
    return [_when_features(text, m, i, mentions, step, note_date, facts) for i, m in enumerate(mentions)]


@pytest.mark.parametrize(
    "extra",
    ["", " İSTANBUL möte på fredag 3 pm, don't forget ΣΟΦΟΣ", " a'b'c nästa vecka' ok’s måndag"],
)
def test_when_features_from_the_folded_note_match_per_window(dev: list[dict], extra: str) -> None:
    rnd = random.Random(17)
    for r in dev:
        text = r["text"] + extra
        note_date = date.fromisoformat(r["note_date"])
        mentions = find_times(text, note_date)
        gold = locate(text, r.get("next_step"))
        a = rnd.randrange(len(text))
        steps = [None, (a, min(len(text), a + rnd.randint(1, 60)))]
        if gold is not None:
            steps.append((gold.start, gold.end))
        for step in steps:
            fast = when_features_all(text, mentions, step, note_date)
            ref = _reference_when_features(text, mentions, step, note_date)
            assert fast == ref
            assert [list(f) for f in fast] == [list(f) for f in ref]


_NOTE_WORDS = ["Ring", "kunden", "TIDDATUM", "om", "offerten", "Call", "Bob", "to", "confirm", "möte", "demo"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_NOTE_WORDS),
            st.text(min_size=1, max_size=6),
            st.sampled_from([" ", "  ", "\n", "\n\n", "\t", ". ", ", ", "-", "\u00a0", "\u200b"]),
        ),
        max_size=40,
    )
)
def test_fast_ner_matches_spacy_on_any_text(
    fast_ner: FastNER, numpy_ner: FastNER, klarsteg_model: Klarsteg, parts: list[str]
) -> None:
    text = " ".join(parts)
    want = _spacy_spans(klarsteg_model.artifacts.spans, text)
    assert fast_ner.spans(text) == want
    assert numpy_ner.spans(text) == want


def test_fast_ner_vocabulary_stays_bounded(klarsteg_model: Klarsteg, dev: list[dict]) -> None:
    fast = FastNER.from_pipeline(klarsteg_model.artifacts.spans)
    assert fast is not None
    base = len(fast._tokenizer.vocab)
    fast._VOCAB_LIMIT = base + 200  # forces fresh tokenizers again and again
    nlp = klarsteg_model.artifacts.spans
    texts = [f"{t} ord{i}x unik{i}y" for i, t in enumerate(_masked_texts(dev[:80]))]  # new word forms
    before = len(nlp.vocab)
    got = []
    for text in texts:
        got.append(fast.spans(text))
        assert len(fast._tokenizer.vocab) <= base + 200 + len(text.split()) + 10
    assert len(nlp.vocab) == before  # the fast path leaves the pipeline's vocabulary alone
    assert got == [_spacy_spans(nlp, t) for t in texts]


# --------------------------------------------------------------------------- per-word caches, shared vectors


def _reference_token_features(text: str, toks: list, date_spans: list[tuple[int, int]]) -> list[list[str]]:
    """``token_features`` as first written: every string made for every token."""
    from model.tokentag import _shape

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


def _tagger_cases(dev: list[dict]) -> list[tuple[str, list[tuple[int, int]]]]:
    cases = []
    for r in dev:
        mentions = find_times(r["text"], date.fromisoformat(r["note_date"]))
        cases.append((r["text"], [(m.start, m.end) for m in mentions]))
    extra = ["", "x", "Ab", "a b", "- Ring\n* Möte. • Hej", "Ring fre 3/5 kl 10! Ok?"]
    cases += [(t, spans) for t in extra for spans in ([], [(0, 3)], [(2, 100)], [(5, 2)])]
    return cases


def test_token_features_match_the_reference(dev: list[dict]) -> None:
    for text, spans in _tagger_cases(dev):
        toks = tokenize(text)
        want = _reference_token_features(text, toks, spans)
        assert token_features(text, toks, spans) == want, text
        assert token_features(text, toks, spans, SentenceIndex(text)) == want, text
        assert list(TokenFeatures(text, toks, spans)) == want


@pytest.mark.parametrize("compiled", [True, False])
def test_tagger_sums_each_row_as_the_hashed_model_does(
    clf: Classifiers, dev: list[dict], compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-word weight sums give the hashed rows' probabilities to the bit, added up in C
    (``model._sparse.tag_sums``) or in Python."""
    import model.tokentag

    if not compiled:
        monkeypatch.setattr(model.tokentag, "_sparse", None)
    tagger = clf.tagger
    tagger.prepare()
    fast = tagger.__dict__["_fast"][0]
    for text, spans in _tagger_cases(dev):
        toks = tokenize(text)
        if not toks:
            continue
        rows = _reference_token_features(text, toks, spans)
        for field in tagger.models:
            got = tagger.proba(field, TokenFeatures(text, toks, spans))
            assert np.array_equal(got, fast.positive_proba(field, rows)), (field, text)


def test_span_vectors_match_the_analyzer(clf: Classifiers, dev: list[dict]) -> None:
    """The cached word columns give the vector the analyzer's strings give, to the bit."""
    from model.features import span_analyzer

    ctxs = _contexts(dev)
    for name in ("action", "clear"):
        vectors = clf._fast_for(getattr(clf, name)).vectors
        for ctx in ctxs:
            got, want = vectors.of(ctx), vectors.from_features(span_analyzer(ctx))
            if want is None:
                assert got is None
                continue
            assert got is not None
            assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_models_share_vectors_only_when_they_agree(clf: Classifiers) -> None:
    clf.prepare()
    action, wide, owner, clear = (
        clf._fast_for(getattr(clf, n)) for n in ("action", "owner_wide", "owner", "clear")
    )
    assert action.vectors is wide.vectors  # fitted on the same spans: one vector for both
    # the story notes' owner model was fitted on train.jsonl's spans alone: a vector of its own
    assert owner.vectors is not action.vectors
    assert not owner.vectors.same_as(action.vectors)
    assert clear.vectors is not action.vectors
    assert not clear.vectors.same_as(action.vectors)


def test_sublinear_tf_of_large_counts_matches_sklearn(clf: Classifiers) -> None:
    texts = ["ring " * 300 + "kunden " * 257, "möte " * 1000]
    positive = list(clf.presence.classes_).index(True)
    expected = clf.presence.predict_proba(texts)[:, positive]
    np.testing.assert_allclose(clf.presence_proba(texts), expected, rtol=0, atol=TOL)
    vectors = clf._fast_for(clf.presence).vectors
    counts = np.arange(1, 300, dtype=np.float64)
    np.log(counts, out=counts)
    counts += 1.0
    assert vectors._tf[1:] == counts[: len(vectors._tf) - 1].tolist()


def test_one_blas_thread_restores_the_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info

    import model.threads
    from model.threads import one_blas_thread

    # It controls the BLAS libraries loaded when it is first used (numpy's, which the span
    # model's products run on); earlier tests may have loaded another one (scipy's) since.
    monkeypatch.setattr(model.threads, "_controller", None)
    monkeypatch.setattr(model.threads, "_blas_libs", None)
    # and an app started by an earlier test marked this process as limited once
    monkeypatch.setattr(model.threads, "_process_limited", False)

    def blas() -> list[int]:
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    before = blas()
    with one_blas_thread():
        assert all(n == 1 for n in blas())
    assert blas() == before


def _reference_token_vectors(fast: FastNER, arr: np.ndarray) -> np.ndarray:
    """``FastNER._token_vectors`` of one note as first written (three block copies per window,
    numpy's mean and einsum)."""

    def maxout(layer, X):  # noqa: ANN001, ANN202
        Y = X @ layer.WT
        Y += layer.b
        Y = Y.reshape(len(X), layer.nP, layer.nO).max(axis=1)
        Y -= Y.mean(axis=1, keepdims=True)
        var = np.einsum("ij,ij->i", Y, Y)
        var /= Y.shape[1]
        var += 1e-08
        Y *= (var**-0.5)[:, None]
        Y *= layer.G
        Y += layer.beta
        return Y

    w, edge = fast.window, fast.window * len(fast.encoders)
    n, width = len(arr) + 2 * edge, fast._rows.shape[1]
    X = np.zeros((n, width), dtype=np.float32)
    X[edge : edge + len(arr)] = fast._rows[fast._cache_rows(arr)]
    windows = np.zeros((n, (2 * w + 1) * width), dtype=np.float32)
    for enc in fast.encoders:
        for k in range(2 * w + 1):
            shift, block = k - w, windows[:, k * width : (k + 1) * width]
            if shift < 0:
                block[-shift:] = X[: n + shift]
            elif shift > 0:
                block[: n - shift] = X[shift:]
            else:
                block[:] = X
        X = X + maxout(enc, windows)
    return X[edge : edge + len(arr)] @ fast.proj_W.T + fast.proj_b


def test_fast_ner_token_vectors_match_the_reference_to_the_bit(fast_ner: FastNER, dev: list[dict]) -> None:
    texts = _masked_texts(dev[:120])
    arrs = [fast_ner._make_doc(t).to_array(fast_ner._array_columns) for t in texts]
    arrs = [a for a in arrs if len(a)]
    for arr in arrs:
        assert np.array_equal(fast_ner._token_vectors([arr]), _reference_token_vectors(fast_ner, arr))
    # several notes at once: the same rows, up to BLAS's rounding of a larger product
    together = fast_ner._token_vectors(arrs[:20])
    alone = np.concatenate([fast_ner._token_vectors([a]) for a in arrs[:20]])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-4)


# --------------------------------------------------------------------------- once-per-note scans


def _reference_held_after(text: str, end: int) -> bool:
    """``records._held_after`` as it was: a search of the rest of the line per candidate."""
    from model.records import _DONE_IN_CLAUSE, _HELD_AFTER, _HELD_KEYS, _has_any

    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return _has_any(text, end, line_end, _HELD_KEYS) and (
        _HELD_AFTER.search(text, end, line_end) is not None
        or _DONE_IN_CLAUSE.match(text, end, line_end) is not None
    )


def _reference_logged_types(folded: str) -> list[tuple[int, int, int, int]]:
    from model.activity import _LOGGED_TYPE

    out = []
    for m in _LOGGED_TYPE.finditer(folded):
        group = 1 if m.start(1) >= 0 else 2
        out.append((m.start(group), max(m.end(group), m.start(group) + 1), m.start(), m.end()))
    return out


_SCAN_EXTRA = [
    "Call Anna - Status: Held. Send the deck - done. Ring Per (done)",
    "Mejla offerten till Per - skickat. Skicka avtalet. Klart.",
    "Aktivitet: Besök\nDatum: 2026-03-01\nTyp: Samtal | Status: planerad",
    "[Call] 02/03 - Held - spoke w/ Arlo\n[Email] sent the quote. Done.\n- send W-9. Sent.",
    "Status: open, stage: proposal, priority: high - reason: budget\nsend it",
    "",
    "\n\n",
]


def _scan_texts(dev: list[dict]) -> list[str]:
    test_real = read_jsonl(ROOT / "training_data" / "test_real.jsonl")
    texts = [r["text"] for r in dev + test_real] + _SCAN_EXTRA
    return texts + [" ".join(texts[i : i + 12]) for i in range(0, 240, 12)]  # long one-line notes


def test_once_per_note_scans_answer_as_the_per_candidate_searches(dev: list[dict]) -> None:
    """``_held_after``, ``is_done_later``, ``in_status_field`` and ``logged_activity``'s fields
    read what one pass over the note found; they give what the searches per candidate gave."""
    import re

    from model import activity, reasons, records

    checked = 0
    for text in _scan_texts(dev):
        folded = fold_same_length(text)
        assert list(activity._logged_types(folded)) == _reference_logged_types(folded)
        ends = sorted({m.end() for m in re.finditer(r"\w+", text)} | {0, len(text)})
        for end in ends:
            assert records._held_after(text, end) == _reference_held_after(text, end), (text, end)
            done_later = records._DONE_LATER.search(text, end) is not None
            assert (end <= records._last_done_start(text)) == done_later, (text, end)
            line = text.rfind("\n", 0, end) + 1
            line_end = len(text) if text.find("\n", end) < 0 else text.find("\n", end)
            window = text[line:line_end].lower()
            want = ("status" in window or "stage" in window or "priorit" in window) and any(
                m.start() <= end < m.end() for m in reasons._STATUS_FIELD.finditer(text, line, line_end)
            )
            assert reasons.in_status_field(text, (end, end + 1)) == want, (text, end)
            checked += 1
    assert checked > 20_000


def test_own_date_reads_only_the_mentions_near_the_candidate(
    dev: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """step_features hands each candidate only the mentions that start in its line or
    sentence; each candidate's own date, and the features, are what they were with all of
    the note's mentions."""
    import re

    from model import steps
    from model.choose import period_start

    ref = date(2026, 3, 10)
    own_date = steps._own_date
    texts = _scan_texts(dev) + [
        "Ring Anna. Möte 12/3 kl 10. Skicka offert 20/3.",
        "Call Bo on the 14th. Send the deck 18/3.\nDemo 25/3. Follow up 11/3. Book a visit.",
    ]
    compared = found = 0
    for text in texts:
        mentions = find_times(text, ref)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\w+(?:\s+\w+){0,2}", text)][::2]
        if not mentions or not spans:
            continue
        every = [(m, period_start(m)) for m in mentions]
        runs = []
        for use_every in (False, True):
            seen: list[object] = []

            def record(s, e, line, sent, near, nd, t, use_every=use_every, seen=seen, every=every):  # noqa: ANN001, ANN202
                seen.append(own_date(s, e, line, sent, every if use_every else near, nd, t))
                return seen[-1]

            monkeypatch.setattr(steps, "_own_date", record)
            runs.append((steps.step_features(text, spans, mentions, ref), seen))
            monkeypatch.undo()
        assert runs[0] == runs[1], text
        compared += len(spans)
        found += sum(d is not None for d in runs[0][1])
    assert compared > 3_000 and found > 300
