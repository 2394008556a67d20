"""CRM webhooks: ``POST /v1/integrations/hubspot/webhook``, ``POST /v1/integrations/pipedrive/webhook``
and ``GET /v1/integrations/events``.

A receiver checks the request (HubSpot's signature, Pipedrive's Basic credentials) before
it reads anything else, stores the note events durably, and answers 200; the scoring and
the write-back run in the background (``service.integrations.events``). A request that fails
the check costs no database write and no CRM call. Each receiver is off (404) until its
secrets are set; the listing needs the service's API key and is off (404) without one,
since the webhooks make the service reachable from the internet and the listing names CRM
records and their scores.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.security import HTTPBasic
from pydantic import BaseModel, Field

from model.settings import Settings
from service.api_models import ErrorBody
from service.deps import require_api_key
from service.errors import ServiceError
from service.integrations import hubspot, pipedrive
from service.integrations.events import WebhookQueue
from service.integrations.store import NewEvent

log = logging.getLogger("klarsteg.integrations")

HUBSPOT_PATH = "/v1/integrations/hubspot/webhook"
PIPEDRIVE_PATH = "/v1/integrations/pipedrive/webhook"
EVENTS_PATH = "/v1/integrations/events"


class WebhookAck(BaseModel):
    """What a receiver did with a delivery."""

    received: int = Field(description="Events in the delivery.")
    queued: int = Field(description="New note events stored for scoring.")
    duplicates: int = Field(description="Note events already stored (a replayed delivery): nothing new.")
    ignored: int = Field(description="Events that are not a note created or changed.")


class WebhookEvent(BaseModel):
    """One stored event: ids, status and result, never the note's text."""

    id: int
    source: Literal["hubspot", "pipedrive"]
    event_type: str = Field(
        description="note.creation, note.change (HubSpot); note.create, note.change (Pipedrive)."
    )
    object_id: str = Field(description="The note's id in the CRM.")
    status: Literal["pending", "processing", "done", "skipped", "failed"]
    attempts: int
    score: int | None
    verdict: str | None
    missing: list[str] | None
    written: str | None = Field(description="What was written back to the CRM.")
    followup_id: str | None = Field(description="The task (HubSpot) or activity (Pipedrive) created.")
    error: str | None = Field(description="The last error, or why the note was skipped.")
    received_at: str
    updated_at: str


class WebhookEventList(BaseModel):
    """Stored events, newest first."""

    events: list[WebhookEvent]
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null at the end."
    )


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


_HUBSPOT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "description": "HubSpot's webhook events (at most 100 per delivery).",
                "items": {
                    "type": "object",
                    "properties": {
                        "eventId": {"type": "integer"},
                        "subscriptionId": {"type": "integer"},
                        "portalId": {"type": "integer"},
                        "occurredAt": {"type": "integer"},
                        "subscriptionType": {"type": "string", "example": "object.creation"},
                        "attemptNumber": {"type": "integer"},
                        "objectId": {"type": "integer"},
                        "objectTypeId": {"type": "string", "example": "0-46"},
                        "propertyName": {"type": "string"},
                        "changeSource": {"type": "string"},
                    },
                },
            }
        }
    },
}

_PIPEDRIVE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "A Pipedrive webhooks v2 delivery.",
                "properties": {
                    "meta": {
                        "type": "object",
                        "properties": {
                            "action": {"type": "string", "example": "create"},
                            "entity": {"type": "string", "example": "note"},
                            "id": {"type": "string"},
                            "entity_id": {"type": "string"},
                            "version": {"type": "string", "example": "2.0"},
                        },
                    },
                    "data": {
                        "type": "object",
                        "description": "The note: id, content (HTML), deal_id, add_time.",
                    },
                    "previous": {"type": ["object", "null"]},
                },
            }
        }
    },
}


class _DocumentedBasic(HTTPBasic):
    """Documents HTTP Basic on the Pipedrive receiver; the check itself is
    ``pipedrive.check_basic_auth`` in the route, after the 404 of an unconfigured receiver,
    in constant time and for any UTF-8 password (FastAPI's own check takes ASCII only)."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        return None


def router(settings: Settings, queue: WebhookQueue) -> APIRouter:
    """The webhook receivers and the events listing for these settings."""
    api = APIRouter(tags=["integrations"])
    limit = min(settings.webhook_max_body_bytes, settings.max_body_bytes)
    receiver_errors = {
        400: _error("The body is not the CRM's JSON."),
        401: _error(
            "The request is not from the CRM: bad or missing signature or credentials, stale timestamp."
        ),
        404: _error("This CRM's webhook is not configured on this service."),
        413: _error(f"The body is over the webhook limit ({limit} bytes)."),
        503: _error("The service is starting or stopping: the CRM retries the delivery."),
    }

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ServiceError(
                413, f"the request body is {declared} bytes; the webhook limit is {limit} bytes"
            )
        body = await request.body()
        if len(body) > limit:
            raise ServiceError(413, f"the request body is over the webhook limit of {limit} bytes")
        return body

    def parse(body: bytes, kind: type, what: str) -> Any:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ServiceError(400, f"the body is not JSON: send {what}") from None
        if not isinstance(data, kind):
            raise ServiceError(400, f"the body must be {what}")
        return data

    async def queue_events(source: str, events: list[NewEvent], received: int) -> WebhookAck:
        queued, duplicates = await queue.add(events)
        ack = WebhookAck(
            received=received, queued=queued, duplicates=duplicates, ignored=received - len(events)
        )
        log.info(
            "%s webhook: received=%d queued=%d duplicates=%d ignored=%d",
            source,
            ack.received,
            ack.queued,
            ack.duplicates,
            ack.ignored,
        )
        return ack

    @api.post(
        HUBSPOT_PATH,
        response_model=WebhookAck,
        summary="Receive HubSpot webhook events",
        responses=receiver_errors,
        openapi_extra={"requestBody": _HUBSPOT_BODY},
    )
    async def hubspot_webhook(
        request: Request,
        signature: Annotated[
            str | None, Header(alias="X-HubSpot-Signature-v3", description="base64 HMAC-SHA256 (v3).")
        ] = None,
        timestamp: Annotated[
            str | None, Header(alias="X-HubSpot-Request-Timestamp", description="Milliseconds since 1970.")
        ] = None,
    ) -> WebhookAck:
        """Note events (created, body changed) are stored and scored in the background; the score
        is written to the note's `klarsteg_*` properties. Signed with the app's client secret
        (`X-HubSpot-Signature-v3`, at most 5 minutes old). Off (404) until
        `KLARSTEG_HUBSPOT_CLIENT_SECRET` and `KLARSTEG_HUBSPOT_ACCESS_TOKEN` are set."""
        if not queue.hubspot_on or settings.hubspot_client_secret is None:
            raise ServiceError(404, "the HubSpot webhook is not configured on this service")
        body = await read_body(request)
        if settings.public_url:
            query = request.url.query
            uri = settings.public_url + request.url.path + (f"?{query}" if query else "")
        else:
            uri = str(request.url)
        secret = settings.hubspot_client_secret.get_secret_value()
        problem = hubspot.verify(secret, request.method, uri, body, timestamp, signature)
        if problem is not None:
            log.debug("hubspot webhook refused: %s", problem)
            raise ServiceError(401, f"the request is not signed by HubSpot: {problem}")
        items = parse(body, list, "a JSON array of HubSpot events")
        events = [e for e in (hubspot.note_event(item) for item in items) if e is not None]
        return await queue_events("hubspot", events, len(items))

    basic = _DocumentedBasic(
        auto_error=False, description="The user and password set on the Pipedrive webhook."
    )

    @api.post(
        PIPEDRIVE_PATH,
        response_model=WebhookAck,
        summary="Receive a Pipedrive webhook (v2)",
        responses=receiver_errors,
        openapi_extra={"requestBody": _PIPEDRIVE_BODY},
        # Documented only when the receiver is on, so that the document describes the running
        # service (like the API key): an unconfigured receiver answers 404, not 401.
        dependencies=[Depends(basic)] if queue.pipedrive_on else [],
    )
    async def pipedrive_webhook(request: Request) -> WebhookAck:
        """A note created or changed is stored and scored in the background; with
        `KLARSTEG_PIPEDRIVE_CREATE_ACTIVITIES`, a follow-up activity is added to its deal when
        the follow-up is not concrete. HTTP Basic auth with the webhook's credentials. Off (404)
        until `KLARSTEG_PIPEDRIVE_WEBHOOK_USER` and `KLARSTEG_PIPEDRIVE_WEBHOOK_PASSWORD` are set."""
        if not queue.pipedrive_on:
            raise ServiceError(404, "the Pipedrive webhook is not configured on this service")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ServiceError(
                413, f"the request body is {declared} bytes; the webhook limit is {limit} bytes"
            )
        if not pipedrive.check_basic_auth(settings, request.headers.get("authorization")):
            log.debug("pipedrive webhook refused: wrong or missing basic credentials")
            raise ServiceError(
                401,
                "the webhook's HTTP Basic user and password are required",
                headers={"WWW-Authenticate": 'Basic realm="klarsteg-pipedrive"'},
            )
        body = parse(await read_body(request), dict, "a JSON object (a Pipedrive webhook)")
        event = pipedrive.note_event(body)
        return await queue_events("pipedrive", [event] if event else [], 1)

    async def require_listing_key() -> None:
        if settings.api_key is None:
            raise ServiceError(404, "the events listing is off: it needs an API key (set KLARSTEG_API_KEY)")

    listing_deps = [Depends(require_listing_key)]
    if settings.api_key is not None:
        listing_deps.append(Depends(require_api_key))

    @api.get(
        EVENTS_PATH,
        response_model=WebhookEventList,
        summary="The webhook events and their results",
        dependencies=listing_deps,
        responses={
            401: _error("The API key is missing or wrong."),
            404: _error("The service has no API key, so the listing is off."),
            422: _error("A query parameter is invalid."),
        },
    )
    async def events(
        limit: Annotated[int, Query(ge=1, le=500, description="Events per page.")] = 50,
        before: Annotated[
            int | None, Query(ge=1, le=2**62, description="Only events with a smaller id.")
        ] = None,
        status: Annotated[
            Literal["pending", "processing", "done", "skipped", "failed"] | None,
            Query(description="Only this status."),
        ] = None,
        source: Annotated[Literal["hubspot", "pipedrive"] | None, Query(description="Only this CRM.")] = None,
    ) -> WebhookEventList:
        """Stored events, newest first: ids, status, score, what was written back, errors. Never
        the note's text. Needs the service's API key; off (404) when the service has none."""
        rows = await queue.listing(limit=limit, before=before, status=status, source=source)
        next_before = rows[-1]["id"] if len(rows) == limit else None
        return WebhookEventList(events=[WebhookEvent(**r) for r in rows], next_before=next_before)

    return api
