"""Fuzz the HTTP API against its own OpenAPI document (schemathesis, over ASGI, in process).

Every operation of ``/openapi.json`` gets generated requests, valid and invalid ones
(positive and negative generation): no response may be a 5xx, and every response must be
documented (status, content type, headers) and match its schema. Runs are derandomized so
CI sees the same requests every time; the budget keeps the module well under a minute.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from model.pipeline import load_pipeline
from model.settings import Settings
from service.app import create_app

SECRET = "fuzz-api-key-0123456789"


# Whatever the fuzzed operations store (corrections, webhook events) goes to a scratch folder.
DATA_DIR = Path(tempfile.mkdtemp(prefix="klarsteg-fuzz-"))


def _settings(**overrides: Any) -> Settings:
    return Settings(**({"api_key": None, "cors_origins": [], "data_dir": DATA_DIR} | overrides))


class LazyApp:
    """The service, built on its first request around the process's default model (loaded
    once, shared with the other tests), so that collecting this module loads nothing."""

    def __init__(self, **overrides: Any) -> None:
        self.overrides = overrides
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            self.app = create_app(_settings(**self.overrides), model=load_pipeline())
        await self.app(scope, receive, send)


def _schema(**overrides: Any) -> Any:
    """The app's own OpenAPI document, fuzzed against the app over ASGI."""
    schema = schemathesis.openapi.from_dict(create_app(_settings()).openapi())
    schema.app = LazyApp(**overrides)
    return schema


open_schema = _schema()
keyed_schema = _schema(api_key=SECRET)

BUDGET = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_and_check(case: Any, headers: dict[str, str] | None = None) -> None:
    """Call the operation; every check of schemathesis, and never a 5xx.

    A batch is the one documented exception to "invalid data is rejected": each note's fields
    are checked one note at a time, so a note with a bad ``text``, ``note_date`` or
    ``language`` fails alone (an ``error`` in a 200 response) while the others are scored.
    There, instead of schemathesis's negative-data check, a 200 answer to invalid data must
    report the bad note as an error.

    A correction is the other way round: it is checked against its own note (a span must be
    in the text, a when must follow the SPEC's date rules for the note date, a rating must
    fit the fields), rules a JSON schema cannot state, so ``POST /v1/corrections`` answers
    422 to much schema-valid data and the positive-data check does not apply there.
    ``/v1/corrections/preview`` reports those problems in a 200 and keeps every check.
    """
    batch = case.operation.path == "/v1/score/batch"
    excluded = [schemathesis.checks.negative_data_rejection] if batch else []
    if case.operation.path == "/v1/corrections" and case.method.upper() == "POST":
        excluded.append(schemathesis.checks.positive_data_acceptance)
    response = case.call_and_validate(headers=headers, excluded_checks=excluded)
    assert response.status_code < 500, response.text
    if batch and response.status_code == 200 and case.meta and case.meta.generation.mode.is_negative:
        body = response.json()
        assert body["errors"] >= 1 and body["errors"] + body["scored"] == len(body["results"]), (
            case.body,
            body,
        )


@open_schema.parametrize()
@BUDGET
def test_open_api_matches_its_schema(case: Any) -> None:
    call_and_check(case)


@keyed_schema.parametrize()
@settings(
    max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_keyed_api_matches_its_schema(case: Any) -> None:
    call_and_check(case, headers={"X-API-Key": SECRET})
