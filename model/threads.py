"""One thread for the numeric libraries.

A note's matrices are far too small to split between threads: with more, each product pays a
hand-over, and two worker processes on two cores fight over them. The service and batch
workers limit their whole process once (:func:`limit_process_threads`); scoring in any other
process limits BLAS only around the span model's matrix work (:func:`single_blas_thread`).
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext

from threadpoolctl import ThreadpoolController

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
_controller: ThreadpoolController | None = None
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
