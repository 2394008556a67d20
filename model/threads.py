"""One thread for the numeric libraries.

A note's matrices are far too small to split between threads: with more, each product pays a
hand-over, and two worker processes on two cores fight over them. The service and batch
workers limit their whole process once (:func:`limit_process_threads`); scoring in any other
process limits BLAS only around the span model's matrix work (:func:`single_blas_thread`, or
the much cheaper :func:`one_blas_thread` that the span model uses for every call).
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from threadpoolctl import ThreadpoolController

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
_controller: ThreadpoolController | None = None
_blas_libs: list[Any] | None = None
_process_limited = False


def _get_controller() -> ThreadpoolController:
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()  # lists the loaded libraries: made once
    return _controller


def limit_process_threads() -> None:
    """Limit every numeric library of this process (and of processes it starts) to one thread."""
    global _process_limited
    for name in _THREAD_VARS:
        os.environ.setdefault(name, "1")
    _get_controller().limit(limits=1)
    _process_limited = True


def single_blas_thread() -> AbstractContextManager[object]:
    """A context in which BLAS runs on one thread; nothing to do once the process is limited."""
    if _process_limited:
        return nullcontext()
    return _get_controller().limit(limits=1, user_api="blas")


class _OneBlasThread:
    """The context :func:`one_blas_thread` returns (a class: cheaper than a generator)."""

    __slots__ = ("_saved",)

    def __enter__(self) -> None:
        global _blas_libs
        if _process_limited:
            self._saved: list[tuple[Any, int]] = []
            return
        if _blas_libs is None:
            _blas_libs = [lib for lib in _get_controller().lib_controllers if lib.user_api == "blas"]
        self._saved = [(lib, n) for lib in _blas_libs if (n := lib.get_num_threads()) != 1]
        for lib, _ in self._saved:
            lib.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        for lib, n in self._saved:
            lib.set_num_threads(n)


def one_blas_thread() -> AbstractContextManager[None]:
    """A context in which BLAS runs on one thread; each library's thread count is restored.

    Like :func:`single_blas_thread`, but a few direct calls into the libraries (about 15 µs
    in all) instead of threadpoolctl's ``limit``, which reads every library's description
    each time: cheap enough for every note. OpenBLAS hands a product to its threads from
    about 260,000 multiply-adds on, which a note of 25 tokens reaches; a product that small
    gains nothing from a second thread, and while the other core is busy the hand-over costs
    far more than the product (a note took half again as long). It controls the BLAS
    libraries loaded when it is first used, numpy's among them (the span model's products
    run on it); one loaded later (scipy's) keeps its own thread count."""
    return _OneBlasThread()
