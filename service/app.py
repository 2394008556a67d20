"""The HTTP service: a JSON API over ``model.pipeline`` and a web page for pasting notes.

``create_app()`` wires the parts: the state and its lifespan (``service.state``), the routes
by topic (``service.api``), the error answers (``service.errors``) and the middleware
(``service.middleware``). ``app`` is the one ``klarsteg serve`` runs. The service only
parses, checks and formats: scoring is ``model.pipeline.Klarsteg``.

Privacy: note text is never logged. Each request is logged as one line with its request
id, method, path, status and duration; errors are logged by exception type and frames,
never by message, since a message may quote the input.
"""

from __future__ import annotations

import importlib.metadata
import time
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from model.pipeline import Klarsteg
from model.settings import Settings, get_settings
from model.threads import limit_process_threads
from service.api import corrections, integrations, ops, page, score
from service.api.page import STATIC_DIR
from service.errors import install_error_handlers, log
from service.integrations.events import WebhookQueue
from service.middleware import (
    REQUEST_ID_HEADER,
    AdmissionMiddleware,
    BodyGuardMiddleware,
    RequestContextMiddleware,
)
from service.server import run_server
from service.state import NoteBatcher, ServiceState

__all__ = ["STATIC_DIR", "app", "create_app", "run_server"]

DESCRIPTION = """\
Klarsteg reads a sales follow-up note (Swedish or English) and says whether it states a
real next step: **what** happens next, **why**, and **when**, as a score from 0 to 100.

Spans' `start`/`end` are offsets in Python string indices (code points) of the request's text.
When the service has an API key, send it as `X-API-Key` or `Authorization: Bearer`.
"""


def _package_version() -> str:
    try:
        return importlib.metadata.version("klarsteg")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def create_app(settings: Settings | None = None, model: Klarsteg | None = None) -> FastAPI:
    """Build the app. ``model`` skips loading (tests); otherwise it loads in the lifespan."""
    settings = settings or get_settings()
    state = ServiceState(settings=settings, model=model)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        state.open()
        if state.model is None:
            started = time.perf_counter()
            limit_process_threads()
            log.info("loading the model from %s", settings.model_dir)
            try:
                state.model = await anyio.to_thread.run_sync(Klarsteg.load, settings.model_dir)
            except Exception as exc:
                log.error("the model could not be loaded: %s", exc)
                raise
            state.owns_model = True
            log.info("model %s loaded in %.1f s", state.model.version, time.perf_counter() - started)
        state.batcher = NoteBatcher(state.model)
        started_parts = []
        try:
            for start, stop in state.lifecycle:
                await start()
                started_parts.append(stop)
            yield
        finally:
            for stop in reversed(started_parts):
                await stop()
            batcher, state.batcher = state.batcher, None
            await anyio.to_thread.run_sync(batcher.stop)
            if state.owns_model:
                state.model = None
                state.owns_model = False
            state.close()

    app = FastAPI(
        title="Klarsteg",
        version=_package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by service.api.page from local assets, so /docs works offline
        redoc_url=None,
        openapi_tags=[
            {"name": "scoring", "description": "Score notes."},
            {"name": "operations", "description": "Model info and health checks."},
            {"name": "integrations", "description": "CRM webhooks (HubSpot, Pipedrive) and their events."},
            {"name": "corrections", "description": "Fix a result: corrections become training data."},
        ],
    )
    app.state.klarsteg = state
    _document_limits(app, settings)
    install_error_handlers(app)
    app.include_router(score.router(settings))
    app.include_router(ops.router(settings))
    app.include_router(corrections.router(settings, state))
    webhooks = WebhookQueue(state)
    state.on_lifespan(webhooks.start, webhooks.stop)
    app.include_router(integrations.router(settings, webhooks))
    page.mount(app)

    # Added last = outermost: request context, CORS, admission, then the body guard.
    app.add_middleware(BodyGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(AdmissionMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    return app


def _document_limits(app: FastAPI, settings: Settings) -> None:
    """Put this service's limits (``max_text_chars``, ``max_batch_notes``) into its OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        schemas = doc.get("components", {}).get("schemas", {})
        for name in ("ScoreRequest", "BatchNote", "CorrectionRequest"):
            text = schemas.get(name, {}).get("properties", {}).get("text")
            if text is not None:
                text["maxLength"] = settings.max_text_chars
        notes = schemas.get("BatchRequest", {}).get("properties", {}).get("notes")
        if notes is not None:
            notes["maxItems"] = settings.max_batch_notes
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
