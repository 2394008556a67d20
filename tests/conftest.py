"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from model.pipeline import Klarsteg


@pytest.fixture(scope="session")
def klarsteg_model() -> Klarsteg:
    """The shipped, trained model, loaded once per test session."""
    return Klarsteg.load()


@pytest.fixture(scope="session")
def klarsteg(klarsteg_model: Klarsteg) -> Klarsteg:
    """The same session model, under the name the scoring-case tests use."""
    return klarsteg_model
