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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each schemathesis-generated test its operation in the node id.

    schemathesis names its items ``test[POST /v1/score]`` but leaves every one of them the
    function's bare node id, so pytest counted them as one test (progress ended at 98%).
    """
    for item in items:
        name = item.name
        if "[" in name and "[" not in item.nodeid:
            item._id = item._id.with_params(name.split("[", 1)[1].rstrip("]"))
