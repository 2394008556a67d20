"""Operations: ``/v1/info``, ``/healthz`` and ``/readyz``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from model.pipeline import Klarsteg
from model.promote import lineage
from model.settings import Settings
from service.api.score import error_responses, protection
from service.api_models import ErrorBody, InfoResponse
from service.deps import get_state, loaded_model
from service.errors import ServiceError
from service.state import ServiceState


def router(settings: Settings) -> APIRouter:
    """The operations routes for these settings."""
    api = APIRouter(tags=["operations"])
    responses = error_responses(settings)

    @api.get(
        "/v1/info",
        response_model=InfoResponse,
        summary="The model and the limits",
        responses={k: v for k, v in responses.items() if k in (401, 503)},
        dependencies=protection(settings),
    )
    async def info(model: Annotated[Klarsteg, Depends(loaded_model)]) -> InfoResponse:
        """The model's version, languages, training date and dev metrics, and the request limits."""
        meta = model.artifacts.metadata
        return InfoResponse(
            name=str(meta.get("name", "klarsteg")),
            model_version=model.version,
            trained_at=meta.get("trained_at"),
            languages=list(meta.get("languages", ["sv", "en"])),
            dev_metrics=dict(meta.get("dev_metrics", {})),
            limits={
                "max_text_chars": settings.max_text_chars,
                "max_batch_notes": settings.max_batch_notes,
                "max_body_bytes": settings.max_body_bytes,
            },
        )

    @api.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        """200 while the process answers."""
        return {"status": "ok"}

    @api.get(
        "/readyz",
        summary="Readiness",
        responses={503: {"model": ErrorBody, "description": "The model is not loaded yet."}},
    )
    async def readyz(state: Annotated[ServiceState, Depends(get_state)]) -> dict[str, Any]:
        """200 once the model is loaded, 503 before; with the model's version and lineage (the
        model it replaced, how many corrections it learned from, its date)."""
        if state.model is None:
            raise ServiceError(503, "the model is not loaded yet", headers={"Retry-After": "1"})
        return {
            "status": "ready",
            "model_version": state.model.version,
            "lineage": lineage(state.model.artifacts.metadata),
        }

    return api
