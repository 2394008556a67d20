/* A document's tf-idf vector and a linear model's decision values, for one document; and the
 * weighted sums of feature dicts (the rankers' and pickers' rows).
 *
 * model/fastlinear.py computes what scikit-learn's TfidfVectorizer and LogisticRegression
 * compute for one span or note. A vector has a few dozen entries, so numpy's per-call
 * overhead (about ten calls a vector and its decisions) was most of the cost; these two
 * loops do the same arithmetic: tf times idf, divided by the l2 (or l1) norm; then, per
 * class, the sum over the vector's columns of value times weight, plus the intercept.
 * Sums run over the columns in order (numpy's may group them), so results can differ from
 * numpy's in the last bits: tests/test_fast_paths.py compares with scikit-learn to 1e-9.
 * tag_sums adds up the token tagger's weights per token, in the order of the Python loop it
 * replaces (model/tokentag.py), so its sums are the same floats.
 * Only the buffer protocol: no numpy headers at build time.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

/* a C-contiguous float64 buffer */
static int doubles(PyObject *obj, Py_buffer *view, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (view->itemsize != 8 || strcmp(view->format, "d") != 0) {
        PyErr_Format(PyExc_ValueError, "%s: expected float64 values", what);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* weigh(columns, tf, idf or None, norm) -> list of values
 *   columns: list of int (a document's columns), tf: list of float (their tf), idf: float64
 *   array of every column's idf or None, norm: 0 none, 1 l2, 2 l1 */
static PyObject *weigh(PyObject *self, PyObject *args) {
    PyObject *cols, *tf, *idf_obj;
    int norm;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!Oi", &PyList_Type, &cols, &PyList_Type, &tf, &idf_obj, &norm)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(cols);
    if (PyList_GET_SIZE(tf) != n || norm < 0 || norm > 2) {
        PyErr_SetString(PyExc_ValueError, "weigh: one tf per column, norm 0, 1 or 2");
        return NULL;
    }
    Py_buffer idf = {0};
    int has_idf = idf_obj != Py_None;
    if (has_idf && doubles(idf_obj, &idf, "idf") < 0) return NULL;
    Py_ssize_t n_idf = has_idf ? idf.len / 8 : 0;
    double *v = PyMem_Malloc((n ? n : 1) * sizeof(double));
    PyObject *out = NULL;
    if (!v) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double x = PyFloat_AsDouble(PyList_GET_ITEM(tf, i));
        if (x == -1.0 && PyErr_Occurred()) goto done;
        if (has_idf) {
            Py_ssize_t j = PyLong_AsSsize_t(PyList_GET_ITEM(cols, i));
            if (j < 0 || j >= n_idf) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "weigh: column out of range");
                goto done;
            }
            x *= ((const double *)idf.buf)[j];
        }
        v[i] = x;
    }
    double s = 0.0;
    if (norm == 1) {
        for (Py_ssize_t i = 0; i < n; i++) s += v[i] * v[i];
        s = sqrt(s);
    } else if (norm == 2) {
        for (Py_ssize_t i = 0; i < n; i++) s += fabs(v[i]);
    }
    if (norm && s > 0.0)
        for (Py_ssize_t i = 0; i < n; i++) v[i] /= s;
    out = PyList_New(n);
    if (!out) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (!f) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, i, f);
    }
done:
    PyMem_Free(v);
    if (has_idf) PyBuffer_Release(&idf);
    return out;
}

/* decide(columns, values, rows, intercept) -> list of decision values, one per output
 *   rows: float64 (n_features, n_outputs), intercept: float64 (n_outputs) */
static PyObject *decide(PyObject *self, PyObject *args) {
    PyObject *cols, *values, *rows_obj, *icpt_obj;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!OO", &PyList_Type, &cols, &PyList_Type, &values, &rows_obj, &icpt_obj))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(cols);
    if (PyList_GET_SIZE(values) != n) {
        PyErr_SetString(PyExc_ValueError, "decide: one value per column");
        return NULL;
    }
    Py_buffer rows, icpt;
    if (doubles(rows_obj, &rows, "rows") < 0) return NULL;
    if (doubles(icpt_obj, &icpt, "intercept") < 0) {
        PyBuffer_Release(&rows);
        return NULL;
    }
    PyObject *out = NULL;
    Py_ssize_t C = icpt.len / 8;
    Py_ssize_t V = C ? rows.len / 8 / C : 0;
    double acc[64];
    if (C < 1 || C > 64 || rows.len != V * C * 8) {
        PyErr_SetString(PyExc_ValueError, "decide: rows must be (n_features, n_outputs), 1 to 64 outputs");
        goto done;
    }
    for (Py_ssize_t c = 0; c < C; c++) acc[c] = 0.0;
    const double *W = rows.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t j = PyLong_AsSsize_t(PyList_GET_ITEM(cols, i));
        double x = PyFloat_AsDouble(PyList_GET_ITEM(values, i));
        if (PyErr_Occurred()) goto done;
        if (j < 0 || j >= V) {
            PyErr_SetString(PyExc_IndexError, "decide: column out of range");
            goto done;
        }
        for (Py_ssize_t c = 0; c < C; c++) acc[c] += x * W[j * C + c];
    }
    out = PyList_New(C);
    if (!out) goto done;
    for (Py_ssize_t c = 0; c < C; c++) {
        PyObject *f = PyFloat_FromDouble(acc[c] + ((const double *)icpt.buf)[c]);
        if (!f) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, c, f);
    }
done:
    PyBuffer_Release(&rows);
    PyBuffer_Release(&icpt);
    return out;
}

/* dict_sums(rows, weights) -> list of float or None, one per row
 *   rows: a sequence of feature dicts; weights: dict of feature name -> float weight.
 *   Each row's sum of value * weight over its float-valued features, in the dict's order
 *   (features without a weight add nothing); None for a row with a value of another type,
 *   which the caller reads the way DictVectorizer does. */
static PyObject *dict_sums(PyObject *self, PyObject *args) {
    PyObject *rows, *weights;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO!", &rows, &PyDict_Type, &weights)) return NULL;
    PyObject *seq = PySequence_Fast(rows, "dict_sums: rows must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    if (!out) {
        Py_DECREF(seq);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PySequence_Fast_GET_ITEM(seq, i), *key, *value, *item = NULL;
        if (!PyDict_Check(row)) {
            PyErr_SetString(PyExc_TypeError, "dict_sums: every row must be a dict");
            goto fail;
        }
        Py_ssize_t pos = 0;
        double s = 0.0;
        int plain = 1;
        while (PyDict_Next(row, &pos, &key, &value)) {
            if (!PyFloat_CheckExact(value)) {
                plain = 0;
                break;
            }
            PyObject *w = PyDict_GetItemWithError(weights, key);
            if (w) {
                s += PyFloat_AS_DOUBLE(value) * PyFloat_AsDouble(w);
                if (PyErr_Occurred()) goto fail;
            } else if (PyErr_Occurred()) {
                goto fail;
            }
        }
        if (plain) {
            item = PyFloat_FromDouble(s);
            if (!item) goto fail;
        } else {
            item = Py_NewRef(Py_None);
        }
        PyList_SET_ITEM(out, i, item);
    }
    Py_DECREF(seq);
    return out;
fail:
    Py_DECREF(seq);
    Py_DECREF(out);
    return NULL;
}

/* item_doubles: the floats of a sequence of `want` numbers into out; -1 with an error set
 * for another length or a value that is no number */
static int item_doubles(PyObject *seq_obj, Py_ssize_t want, double *out, const char *what) {
    PyObject *seq = PySequence_Fast(seq_obj, what);
    if (!seq) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != want) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd values", what, want);
        Py_DECREF(seq);
        return -1;
    }
    for (Py_ssize_t k = 0; k < want; k++) {
        out[k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, k));
        if (out[k] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return 0;
}

/* the truth of each item of a sequence of n flags */
static int item_flags(PyObject *seq_obj, Py_ssize_t n, char *out, const char *what) {
    PyObject *seq = PySequence_Fast(seq_obj, what);
    if (!seq) return -1;
    if (PySequence_Fast_GET_SIZE(seq) != n) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd flags", what, n);
        Py_DECREF(seq);
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        int t = PyObject_IsTrue(PySequence_Fast_GET_ITEM(seq, k));
        if (t < 0) {
            Py_DECREF(seq);
            return -1;
        }
        out[k] = (char)t;
    }
    Py_DECREF(seq);
    return 0;
}

/* tag_sums(words, edge, in_date, title, sent_start, pairs, consts) -> list of float
 *   The token tagger's decision values without its bias (model/tokentag.py, _TokenScorer):
 *   words: per token a 9-tuple (its own four weights added up, then the weights it gives the
 *   tokens 3, 2, 1 before and 1, 2, 3 after it, then s3-1, s31); edge: the 9-tuple that
 *   stands in past either end; in_date, title, sent_start: per token flags; pairs: per
 *   neighbouring pair (n - 1) its (bi-, bi+) weights; consts: (date=False, date=True, title,
 *   d-1=False, d-1=True, d1=False, d1=True, sentstart=False, sentstart=True).
 *   Each token's terms are added in _TokenScorer.proba's order, so the sums are the same
 *   floats as its Python loop's. */
static PyObject *tag_sums(PyObject *self, PyObject *args) {
    PyObject *words_obj, *edge_obj, *date_obj, *title_obj, *sent_obj, *pairs_obj, *consts_obj;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOOOO", &words_obj, &edge_obj, &date_obj, &title_obj, &sent_obj,
                          &pairs_obj, &consts_obj))
        return NULL;
    double edge[9], c[9];
    if (item_doubles(edge_obj, 9, edge, "tag_sums: edge") < 0) return NULL;
    if (item_doubles(consts_obj, 9, c, "tag_sums: consts") < 0) return NULL;
    PyObject *words = PySequence_Fast(words_obj, "tag_sums: words must be a sequence");
    if (!words) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(words);
    PyObject *pairs = NULL, *out = NULL;
    double *w = NULL, *pb = NULL;
    char *flags = NULL, *in_date, *title, *sent;
    pairs = PySequence_Fast(pairs_obj, "tag_sums: pairs must be a sequence");
    if (!pairs) goto fail;
    if (PySequence_Fast_GET_SIZE(pairs) != (n > 0 ? n - 1 : 0)) {
        PyErr_SetString(PyExc_ValueError, "tag_sums: expected one pair fewer than words");
        goto fail;
    }
    /* the words padded by three edges on each side: token i is row i + 3 */
    w = PyMem_Malloc(sizeof(double) * 9 * (size_t)(n + 6));
    pb = PyMem_Malloc(sizeof(double) * 2 * (size_t)(n + 1));
    flags = PyMem_Malloc(3 * (size_t)(n + 2));
    if (!w || !pb || !flags) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int k = 0; k < 3; k++) {
        memcpy(w + 9 * k, edge, sizeof edge);
        memcpy(w + 9 * (n + 3 + k), edge, sizeof edge);
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (item_doubles(PySequence_Fast_GET_ITEM(words, i), 9, w + 9 * (i + 3), "tag_sums: word") < 0) goto fail;
    /* pb[2 * i]: token i's pair with the token before (0.0 for the first); pb[2 * i + 1]: with
       the token after (0.0 for the last) */
    for (Py_ssize_t i = 0; i <= n; i++) pb[2 * i] = pb[2 * i + 1] = 0.0;
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        double two[2];
        if (item_doubles(PySequence_Fast_GET_ITEM(pairs, i), 2, two, "tag_sums: pair") < 0) goto fail;
        pb[2 * i + 1] = two[1];
        pb[2 * (i + 1)] = two[0];
    }
    in_date = flags;
    title = flags + (n + 2);
    sent = flags + 2 * (n + 2);
    if (item_flags(date_obj, n, in_date, "tag_sums: in_date") < 0) goto fail;
    if (item_flags(title_obj, n, title, "tag_sums: title") < 0) goto fail;
    if (item_flags(sent_obj, n, sent, "tag_sums: sent_start") < 0) goto fail;
    out = PyList_New(n);
    if (!out) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *p = w + 9 * i; /* padded[i] */
        double s = p[9 * 3 + 0];
        s += in_date[i] ? c[1] : c[0];
        if (title[i]) s += c[2];
        s += p[1];
        s += p[9 * 1 + 2];
        s += p[9 * 2 + 3];
        s += i > 0 ? (in_date[i - 1] ? c[4] : c[3]) : 0.0;
        s += p[9 * 2 + 7];
        s += p[9 * 4 + 4];
        s += i + 1 < n ? (in_date[i + 1] ? c[6] : c[5]) : 0.0;
        s += p[9 * 4 + 8];
        s += p[9 * 5 + 5];
        s += p[9 * 6 + 6];
        s += pb[2 * i];
        s += pb[2 * i + 1];
        s += sent[i] ? c[8] : c[7];
        PyObject *f = PyFloat_FromDouble(s);
        if (!f) goto fail;
        PyList_SET_ITEM(out, i, f);
    }
    PyMem_Free(w);
    PyMem_Free(pb);
    PyMem_Free(flags);
    Py_DECREF(words);
    Py_DECREF(pairs);
    return out;
fail:
    PyMem_Free(w);
    PyMem_Free(pb);
    PyMem_Free(flags);
    Py_DECREF(words);
    Py_XDECREF(pairs);
    Py_XDECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"weigh", weigh, METH_VARARGS, "A document's tf-idf values from its columns and tf."},
    {"decide", decide, METH_VARARGS, "A linear model's decision values for a sparse vector."},
    {"dict_sums", dict_sums, METH_VARARGS, "Each feature dict's weighted sum of its float values."},
    {"tag_sums", tag_sums, METH_VARARGS, "The token tagger's decision values before its bias."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_sparse", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__sparse(void) { return PyModule_Create(&module); }
