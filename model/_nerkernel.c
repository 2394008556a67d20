/* The span NER's forward pass and greedy parse for one note, in C.
 *
 * model/fastner.py computes the trained NER's entities with a few dozen numpy calls per
 * note. For the short notes that one API call or one `score()` call brings, numpy's
 * per-call overhead, not the arithmetic, is most of that time (about 200 us of a 30-token
 * note's 250). This module does the same arithmetic in plain loops, in the same order of
 * layers: the window encoders (maxout + layer norm, residual), the projection, the
 * parser's lower layer (precomputed per token), the scores of every "outside" step, and
 * inside each entity the step-by-step scores until its last token.
 *
 * The weights are read once (`make`) from numpy arrays that fastner.py prepares; `parse`
 * takes the embedding cache, the rows of one note's tokens and the note's IS_SPACE column
 * and returns the entities as (first token, end token, class of the opening move).
 * Sums run in another order than BLAS's, so scores may differ in the last bits:
 * tests/test_fast_paths.py checks the entities against spaCy's on every annotated note.
 * Only the standard library and the buffer protocol: no numpy headers at build time.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENC 8
#define MAX_CLASSES 64
#define MAX_LABELS 8
#define N_VIEWS 32


typedef struct {
    const float *WT, *b, *G, *beta; /* WT: (K, nP * nO), piece-major columns */
    int nO, nP;
} Maxout;

typedef struct {
    Py_buffer views[N_VIEWS];
    int n_views;
    int width, window, n_enc, nI, nP, nH, nC, nCp, any_unseen, none_out, n_labels;
    Maxout enc[MAX_ENC];
    const float *projWT, *proj_b;           /* (width, nI), (nI) */
    const float *lower[3], *lower_b, *outside_bias; /* (nI, nP * nH) each, (nP * nH) */
    const float *upperWT, *upper_b;         /* (nH, nCp), (nCp): zero columns past nC */
    const unsigned char *unseen;            /* (nC) */
    const float *penalty;                   /* (4, nC): 0 or -inf by the kind of token */
    char act[MAX_CLASSES];                  /* 'B', 'I', 'L', 'U', 'O' */
    int label[MAX_CLASSES];                 /* label index of each class, -1 for none */
    int n_cands[MAX_LABELS];
    int cands[MAX_LABELS][MAX_CLASSES];     /* the "I" and "L" classes of each label */
} Kernel;

/* Y (n, M) = X (n rows of K, row r at X + r * ldx) @ W (K, M), M a multiple of 16; each sum
 * runs over k in order. */
typedef void (*matmul_fn)(int n, int K, int M, const float *restrict X, int ldx,
                          const float *restrict W, float *restrict Y);

static void matmul_plain(int n, int K, int M, const float *restrict X, int ldx,
                         const float *restrict W, float *restrict Y) {
    for (int r = 0; r < n; r++) {
        float *restrict y = Y + (size_t)r * M;
        const float *restrict x = X + (size_t)r * ldx;
        for (int j = 0; j < M; j++) y[j] = 0.0f;
        for (int k = 0; k < K; k++)
            for (int j = 0; j < M; j++) y[j] += x[k] * W[(size_t)k * M + j];
    }
}

#if defined(__GNUC__) && defined(__x86_64__)
#define HAVE_AVX2_PATH 1
typedef float v8 __attribute__((vector_size(32)));

/* One row, sixteen columns at a time (the steps inside an entity, and the last rows). */
__attribute__((target("avx2,fma"))) static void row_avx2(int K, int M, const float *restrict x,
                                                          const float *restrict W, float *restrict y) {
    for (int j0 = 0; j0 < M; j0 += 16) {
        v8 acc0 = {0}, acc1 = {0};
        for (int k = 0; k < K; k++) {
            const float *w = W + (size_t)k * M + j0;
            v8 w0, w1;
            memcpy(&w0, w, sizeof w0);
            memcpy(&w1, w + 8, sizeof w1);
            const float s = x[k];
            v8 a = {s, s, s, s, s, s, s, s};
            acc0 += a * w0;
            acc1 += a * w1;
        }
        memcpy(y + j0, &acc0, sizeof(v8));
        memcpy(y + j0 + 8, &acc1, sizeof(v8));
    }
}

/* Four rows and sixteen columns at a time, their sums kept in registers. Chosen at import
 * when the CPU has AVX2 and FMA (GCC's target_clones would pick by CPU model name, which
 * leaves AMD's processors on the slow default). */
__attribute__((target("avx2,fma"))) static void matmul_avx2(int n, int K, int M, const float *restrict X,
                                                             int ldx, const float *restrict W,
                                                             float *restrict Y) {
    int full = n - n % 4;
    for (int r = full; r < n; r++) row_avx2(K, M, X + (size_t)r * ldx, W, Y + (size_t)r * M);
    for (int r0 = 0; r0 < full; r0 += 4) {
        const float *x[4];
        for (int i = 0; i < 4; i++) x[i] = X + (size_t)(r0 + i) * ldx;
        for (int j0 = 0; j0 < M; j0 += 16) {
            v8 acc[4][2] = {{{0}}};
            for (int k = 0; k < K; k++) {
                const float *w = W + (size_t)k * M + j0;
                v8 w0, w1;
                memcpy(&w0, w, sizeof w0);
                memcpy(&w1, w + 8, sizeof w1);
                for (int i = 0; i < 4; i++) {
                    const float s = x[i][k];
                    v8 a = {s, s, s, s, s, s, s, s};
                    acc[i][0] += a * w0;
                    acc[i][1] += a * w1;
                }
            }
            for (int i = 0; i < 4; i++) {
                memcpy(Y + (size_t)(r0 + i) * M + j0, &acc[i][0], sizeof(v8));
                memcpy(Y + (size_t)(r0 + i) * M + j0 + 8, &acc[i][1], sizeof(v8));
            }
        }
    }
}
#endif

static matmul_fn matmul = matmul_plain;

static void add_row(float *restrict y, const float *restrict b, int M) {
    for (int j = 0; j < M; j++) y[j] += b[j];
}

/* maximum over the nP column blocks of nO: out[j] = max_p y[p * nO + j] */
static void maxout(const float *restrict y, int nO, int nP, float *restrict out) {
    for (int j = 0; j < nO; j++) out[j] = y[j] > y[nO + j] ? y[j] : y[nO + j];
    for (int p = 2; p < nP; p++)
        for (int j = 0; j < nO; j++)
            if (y[p * nO + j] > out[j]) out[j] = y[p * nO + j];
}

/* class scores of one state from its summed lower-layer features (nP * nH) */
static void finish_scores(const Kernel *k, float *scores) {
    add_row(scores, k->upper_b, k->nC);
    if (k->any_unseen) {
        float low = scores[0];
        for (int c = 1; c < k->nC; c++) if (scores[c] < low) low = scores[c];
        for (int c = 0; c < k->nC; c++) if (k->unseen[c]) scores[c] = low;
    }
}

static void class_scores(const Kernel *k, const float *hidden, float *h, float *scores) {
    maxout(hidden, k->nH, k->nP, h);
    matmul(1, k->nH, k->nCp, h, k->nH, k->upperWT, scores);
    finish_scores(k, scores);
}

static void release(Kernel *k) {
    for (int i = 0; i < k->n_views; i++) PyBuffer_Release(&k->views[i]);
    k->n_views = 0;
}

static void kernel_free(PyObject *capsule) {
    Kernel *k = PyCapsule_GetPointer(capsule, "klarsteg.nerkernel");
    if (k) {
        release(k);
        PyMem_Free(k);
    }
    Py_XDECREF((PyObject *)PyCapsule_GetContext(capsule));
}

/* a C-contiguous float32 array of `count` items, kept alive by the kernel */
static const float *floats(Kernel *k, PyObject *obj, Py_ssize_t count, const char *what) {
    if (k->n_views >= N_VIEWS) {
        PyErr_SetString(PyExc_ValueError, "too many arrays");
        return NULL;
    }
    Py_buffer *v = &k->views[k->n_views];
    if (PyObject_GetBuffer(obj, v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    k->n_views++;
    if (v->itemsize != 4 || strcmp(v->format, "f") != 0 || v->len != count * 4) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd float32 values", what, count);
        return NULL;
    }
    return (const float *)v->buf;
}

/* make(dims, encoders, arrays, moves) -> kernel
 *   dims: (width, window, nI, nP, nH, nC, none_out, any_unseen)
 *   encoders: tuple of (WT, b, G, beta, nO, nP)
 *   arrays: (projWT, proj_b, lower0, lower1, lower2, lower_b, outside_bias, upperWT,
 *            upper_b, unseen (uint8 bytes), penalty)
 *   moves: tuple of (action letter, label index or -1) per class */
static PyObject *make(PyObject *self, PyObject *args) {
    PyObject *encs, *arrays, *moves;
    Kernel *k = PyMem_Calloc(1, sizeof(Kernel));
    if (!k) return PyErr_NoMemory();
    if (!PyArg_ParseTuple(args, "(iiiiiiii)O!O!O!", &k->width, &k->window, &k->nI, &k->nP,
                          &k->nH, &k->nC, &k->none_out, &k->any_unseen, &PyTuple_Type, &encs,
                          &PyTuple_Type, &arrays, &PyTuple_Type, &moves))
        goto fail;
    k->n_enc = (int)PyTuple_GET_SIZE(encs);
    k->nCp = (k->nC + 15) / 16 * 16;
    if (k->n_enc > MAX_ENC || k->nC > MAX_CLASSES || PyTuple_GET_SIZE(moves) != k->nC ||
        PyTuple_GET_SIZE(arrays) != 11 || k->width <= 0 || k->window < 0) {
        PyErr_SetString(PyExc_ValueError, "unexpected NER shape");
        goto fail;
    }
    int K = (2 * k->window + 1) * k->width;
    for (int e = 0; e < k->n_enc; e++) {
        PyObject *W, *b, *G, *beta;
        Maxout *m = &k->enc[e];
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(encs, e), "OOOOii", &W, &b, &G, &beta, &m->nO, &m->nP))
            goto fail;
        if (m->nO != k->width || m->nP < 2 || (m->nP * m->nO) % 16) {
            PyErr_SetString(PyExc_ValueError, "encoder width");
            goto fail;
        }
        if (!(m->WT = floats(k, W, (Py_ssize_t)K * m->nP * m->nO, "encoder W")) ||
            !(m->b = floats(k, b, m->nP * m->nO, "encoder b")) ||
            !(m->G = floats(k, G, m->nO, "encoder G")) ||
            !(m->beta = floats(k, beta, m->nO, "encoder beta")))
            goto fail;
    }
    int nPH = k->nP * k->nH;
    if (k->nI % 16 || nPH % 16 || k->nP < 2) {
        PyErr_SetString(PyExc_ValueError, "unexpected NER shape (widths must be multiples of 16)");
        goto fail;
    }
    PyObject **a = &PyTuple_GET_ITEM(arrays, 0);
    if (!(k->projWT = floats(k, a[0], (Py_ssize_t)k->width * k->nI, "projection W")) ||
        !(k->proj_b = floats(k, a[1], k->nI, "projection b")) ||
        !(k->lower[0] = floats(k, a[2], (Py_ssize_t)k->nI * nPH, "lower 0")) ||
        !(k->lower[1] = floats(k, a[3], (Py_ssize_t)k->nI * nPH, "lower 1")) ||
        !(k->lower[2] = floats(k, a[4], (Py_ssize_t)k->nI * nPH, "lower 2")) ||
        !(k->lower_b = floats(k, a[5], nPH, "lower b")) ||
        !(k->outside_bias = floats(k, a[6], nPH, "outside bias")) ||
        !(k->upperWT = floats(k, a[7], (Py_ssize_t)k->nH * k->nCp, "upper W")) ||
        !(k->upper_b = floats(k, a[8], k->nCp, "upper b")))
        goto fail;
    if (!PyBytes_Check(a[9]) || PyBytes_GET_SIZE(a[9]) != k->nC) {
        PyErr_SetString(PyExc_ValueError, "unseen: expected one byte per class");
        goto fail;
    }
    k->unseen = (const unsigned char *)PyBytes_AS_STRING(a[9]); /* kept alive below */
    if (!(k->penalty = floats(k, a[10], 4 * k->nC, "penalty"))) goto fail;
    for (int c = 0; c < k->nC; c++) {
        const char *act;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(moves, c), "si", &act, &k->label[c])) goto fail;
        k->act[c] = act[0];
        if (k->label[c] >= MAX_LABELS) {
            PyErr_SetString(PyExc_ValueError, "too many labels");
            goto fail;
        }
        if (k->label[c] + 1 > k->n_labels) k->n_labels = k->label[c] + 1;
    }
    for (int c = 0; c < k->nC; c++) /* classes in index order, as fastner's sorted list */
        if ((k->act[c] == 'I' || k->act[c] == 'L') && k->label[c] >= 0)
            k->cands[k->label[c]][k->n_cands[k->label[c]]++] = c;
    for (int c = 0; c < k->nC; c++) { /* an entity opened by "B" must be able to end ("L") */
        int ends = 0;
        if (k->act[c] != 'B') continue;
        for (int i = 0; k->label[c] >= 0 && i < k->n_cands[k->label[c]]; i++)
            ends += k->act[k->cands[k->label[c]][i]] == 'L';
        if (!ends) {
            PyErr_SetString(PyExc_ValueError, "a label that can begin an entity but not end one");
            goto fail;
        }
    }
    PyObject *capsule = PyCapsule_New(k, "klarsteg.nerkernel", kernel_free);
    if (!capsule) goto fail;
    /* the unseen bytes object must outlive the kernel: keep it as the capsule's context */
    Py_INCREF(a[9]);
    PyCapsule_SetContext(capsule, a[9]);
    return capsule;
fail:
    release(k);
    PyMem_Free(k);
    return NULL;
}

/* The last token of the entity opened at `start` (fastner.FastNER._entity_end). */
static int entity_end(const Kernel *k, const float *T, const float *cur, int start, int lab, int n,
                      float *opened, float *prev, float *hidden, float *h, float *scores) {
    int nPH = k->nP * k->nH;
    matmul(1, k->nI, nPH, T + (size_t)start * k->nI, k->nI, k->lower[1], opened);
    add_row(opened, k->lower_b, nPH);
    for (int pos = start + 1; pos < n; pos++) {
        matmul(1, k->nI, nPH, T + (size_t)(pos - 1) * k->nI, k->nI, k->lower[2], prev);
        const float *c = cur + (size_t)pos * nPH;
        for (int j = 0; j < nPH; j++) hidden[j] = (c[j] + opened[j]) + prev[j];
        class_scores(k, hidden, h, scores);
        int best = -1;
        float top = 0.0f;
        for (int i = 0; i < k->n_cands[lab]; i++) {
            int cls = k->cands[lab][i];
            float s = (pos == n - 1 && k->act[cls] == 'I') ? -INFINITY : scores[cls];
            if (best < 0 || s > top) {
                best = cls;
                top = s;
            }
        }
        if (k->act[best] == 'L') return pos;
    }
    return n - 1;
}

/* parse(kernel, rows, index, arr) -> [(first token, end token, class), ...]
 *   rows: the embedding cache, float32 (R, width); index: list of each token's row;
 *   arr: the doc's to_array columns, uint64 (n, m), IS_SPACE last */
static PyObject *parse(PyObject *self, PyObject *args) {
    PyObject *capsule, *rows_obj, *index, *arr_obj;
    if (!PyArg_ParseTuple(args, "OOO!O", &capsule, &rows_obj, &PyList_Type, &index, &arr_obj)) return NULL;
    const Kernel *k = PyCapsule_GetPointer(capsule, "klarsteg.nerkernel");
    if (!k) return NULL;
    Py_buffer rows, arr;
    if (PyObject_GetBuffer(rows_obj, &rows, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(arr_obj, &arr, PyBUF_C_CONTIGUOUS | PyBUF_ND | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&rows);
        return NULL;
    }
    PyObject *out = NULL;
    float *mem = NULL;
    Py_ssize_t n = PyList_GET_SIZE(index);
    int width = k->width, w = k->window, nI = k->nI, nPH = k->nP * k->nH, nC = k->nC, nCp = k->nCp;
    Py_ssize_t R = rows.len / (4 * (Py_ssize_t)width);
    if (rows.itemsize != 4 || strcmp(rows.format, "f") != 0 || rows.len % (4 * width) != 0 ||
        arr.itemsize != 8 || arr.ndim != 2 || arr.shape[0] != n || arr.shape[1] < 1 || n <= 0 ||
        n > (1 << 20)) {
        PyErr_SetString(PyExc_ValueError, "parse: unexpected rows, index or array");
        goto done;
    }
    int edge = w * k->n_enc, total = (int)n + 2 * edge, maxPO = 0;
    for (int e = 0; e < k->n_enc; e++)
        if (k->enc[e].nP * k->enc[e].nO > maxPO) maxPO = k->enc[e].nP * k->enc[e].nO;
    size_t need = (size_t)(total + 2 * w) * width + (size_t)total * maxPO + (size_t)total * width +
                  (size_t)n * nI + (size_t)n * nPH + 4 * (size_t)nPH + 2 * (size_t)nCp + (size_t)k->nH +
                  (size_t)n * k->nH + (size_t)n * nCp;
    mem = malloc(need * sizeof(float));
    if (!mem) {
        PyErr_NoMemory();
        goto done;
    }
    float *padded = mem, *Y = padded + (size_t)(total + 2 * w) * width, *H = Y + (size_t)total * maxPO;
    /* Only the rows around the tokens start as zeros: every other buffer is written before it
     * is read (zeroing all of them cost about 2% of a short note's instructions) */
    memset(padded, 0, sizeof(float) * (size_t)(w + edge) * width);
    memset(padded + (size_t)(w + edge + n) * width, 0, sizeof(float) * (size_t)(w + edge) * width);
    float *T = H + (size_t)total * width, *cur = T + (size_t)n * nI, *hidden = cur + (size_t)n * nPH;
    float *opened = hidden + nPH, *prev = opened + nPH, *tmp = prev + nPH, *scores = tmp + nPH;
    float *masked = scores + nCp, *h = masked + nCp, *H2 = h + k->nH, *S = H2 + (size_t)n * k->nH;
    const float *table = rows.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t r = PyLong_AsSsize_t(PyList_GET_ITEM(index, i));
        if (r < 0 || r >= R) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "parse: row out of range");
            goto done;
        }
        memcpy(padded + (size_t)(w + edge + i) * width, table + (size_t)r * width, width * sizeof(float));
    }
    const uint64_t *cols = arr.buf;
    Py_ssize_t ncol = arr.shape[1];
    int *best = malloc(n * sizeof(int));
    if (!best) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    /* the residual window encoders over [edge zeros, tokens, edge zeros] */
    float *X = padded + (size_t)w * width;
    for (int e = 0; e < k->n_enc; e++) {
        const Maxout *m = &k->enc[e];
        matmul(total, (2 * w + 1) * width, m->nP * m->nO, padded, width, m->WT, Y);
        for (int r = 0; r < total; r++) {
            float *y = Y + (size_t)r * m->nP * m->nO, *o = H + (size_t)r * width;
            add_row(y, m->b, m->nP * m->nO);
            maxout(y, m->nO, m->nP, o);
            float mean = 0.0f, var = 0.0f;
            for (int j = 0; j < m->nO; j++) mean += o[j];
            mean /= (float)m->nO;
            for (int j = 0; j < m->nO; j++) {
                o[j] -= mean;
                var += o[j] * o[j];
            }
            var /= (float)m->nO;
            var += 1e-08f;
            var = powf(var, -0.5f);
            for (int j = 0; j < m->nO; j++) o[j] = (o[j] * var) * m->G[j] + m->beta[j];
        }
        for (size_t i = 0; i < (size_t)total * width; i++) X[i] += H[i];
    }
    /* the projection, and the lower layer's first block for every token */
    matmul((int)n, width, nI, padded + (size_t)(w + edge) * width, width, k->projWT, T);
    for (Py_ssize_t i = 0; i < n; i++) add_row(T + i * nI, k->proj_b, nI);
    matmul((int)n, nI, nPH, T, nI, k->lower[0], cur);
    /* the best valid move of every step with no open entity: its features are the token's
     * own block and padding, so all tokens' scores are one product */
    for (Py_ssize_t i = 0; i < n; i++) {
        const float *c = cur + i * nPH;
        for (int j = 0; j < nPH; j++) tmp[j] = c[j] + k->outside_bias[j];
        maxout(tmp, k->nH, k->nP, H2 + i * k->nH);
    }
    matmul((int)n, k->nH, nCp, H2, k->nH, k->upperWT, S);
    for (Py_ssize_t i = 0; i < n; i++) {
        float *sc = S + i * nCp;
        finish_scores(k, sc);
        int kind = (cols[i * ncol + ncol - 1] != 0) + 2 * (i == n - 1);
        const float *pen = k->penalty + kind * nC;
        int b = 0;
        for (int c2 = 0; c2 < nC; c2++) {
            masked[c2] = pen[c2] + sc[c2];
            if (masked[c2] > masked[b]) b = c2;
        }
        best[i] = b;
    }
    Py_END_ALLOW_THREADS
    out = PyList_New(0);
    if (!out) goto free_best;
    for (Py_ssize_t i = 0; i < n; i++) {
        int cls = best[i];
        if (cls == k->none_out) continue;
        Py_ssize_t end = i + 1;
        if (k->act[cls] != 'U') {
            if (k->label[cls] < 0) {
                PyErr_SetString(PyExc_ValueError, "parse: an entity without a label");
                Py_CLEAR(out);
                goto free_best;
            }
            end = entity_end(k, T, cur, (int)i, k->label[cls], (int)n, opened, prev, hidden, h, scores) + 1;
        }
        PyObject *t = Py_BuildValue("(nni)", i, end, cls);
        if (!t || PyList_Append(out, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(out);
            goto free_best;
        }
        Py_DECREF(t);
        i = end - 1;
    }
free_best:
    free(best);
done:
    free(mem);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&arr);
    return out;
}

static PyMethodDef methods[] = {
    {"make", make, METH_VARARGS, "A kernel holding the NER's weights (see fastner.FastNER)."},
    {"parse", parse, METH_VARARGS, "One note's entities as (first token, end token, class)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_nerkernel", NULL, -1, methods};

PyMODINIT_FUNC PyInit__nerkernel(void) {
#ifdef HAVE_AVX2_PATH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) matmul = matmul_avx2;
#endif
    return PyModule_Create(&module);
}
