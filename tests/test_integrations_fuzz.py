"""Fuzz the integration operations with both receivers on and an API key (schemathesis, ASGI).

``tests/test_fuzz_api.py`` fuzzes the default service, where the receivers are off (404).
Here they are on: generated deliveries carry no valid signature or credentials, so every
answer must be a documented 401, 400 or 413 (never a 5xx), and nothing reaches a CRM (the
API bases point at a port where nothing listens).
"""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fixtures.integrations.helpers import API_KEY, both_settings
from hypothesis import HealthCheck, settings

from model.pipeline import load_pipeline
from service.app import create_app


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


NOWHERE = _closed_port_url()
DATA_DIR = Path(tempfile.mkdtemp(prefix="klarsteg-fuzz-integrations-"))
CONFIG = both_settings(DATA_DIR, NOWHERE, NOWHERE)


class LazyApp:
    """The service with both receivers on, built on its first request around the shared model."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if LazyApp.app is None:
            LazyApp.app = create_app(CONFIG, model=load_pipeline())
        await LazyApp.app(scope, receive, send)


schema = schemathesis.openapi.from_dict(create_app(CONFIG).openapi()).include(path_regex="^/v1/integrations/")
schema.app = LazyApp()


@schema.parametrize()
@settings(
    max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_integrations_match_their_schema(case: Any) -> None:
    response = case.call_and_validate(headers={"X-API-Key": API_KEY})
    assert response.status_code < 500, response.text
    if case.operation.path != "/v1/integrations/events":
        assert response.status_code in (400, 401, 405, 413), response.text  # 405: other methods
