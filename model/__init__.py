"""Klarsteg's NLP core: reads a sales note and scores how concrete its follow-up is.

The one-line entry point is :func:`model.score`::

    from model import score
    result = score("Bokade demo tis 17/3 kl 10 för att visa integrationen.", note_date="2026-03-10")

Heavy imports (spaCy, scikit-learn) happen on first use, so ``import model.when`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["score", "score_many", "load_pipeline"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from model import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
