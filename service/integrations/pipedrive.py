"""Pipedrive: check a webhook's Basic credentials, read its note event, score, add an activity.

* Auth: Pipedrive webhooks do not sign requests; the webhook is created with HTTP Basic
  credentials, which Klarsteg compares in constant time (user and password both checked).
* Events: webhooks v2 (``meta.entity == "note"``, ``meta.action`` ``create`` / ``change``,
  the note in ``data``); v1 payloads (``meta.object``, ``added`` / ``updated``, ``current``)
  are read the same way. A change that leaves the note's ``content`` as it was (``previous``
  names the changed fields, without ``content``) is ignored, as are other entities and
  actions. Deduplication: ``meta.id`` when it is the delivery's own id, else the note id
  with the action and the note's ``update_time`` (its version).
* Processing: the note's HTML ``content`` from the payload or, when the payload lacks it,
  ``GET /api/v1/notes/{id}`` with ``KLARSTEG_PIPEDRIVE_API_TOKEN`` (sent as ``x-api-token``,
  never in the URL); scored on the date of its ``add_time``; with
  ``KLARSTEG_PIPEDRIVE_CREATE_ACTIVITIES``, one follow-up activity per note on the note's
  deal (``POST /api/v2/activities``) when the follow-up is not concrete.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from datetime import UTC, date, datetime
from typing import Any

from model.schema import ScoreResult
from model.settings import Settings
from service.integrations.http import CrmClient, CrmError, refusal
from service.integrations.hubspot import due_date, followup_text
from service.integrations.store import NewEvent, Outcome, StoredEvent

SOURCE = "pipedrive"
_V1_ACTIONS = {"added": "create", "updated": "change"}


def enabled(settings: Settings) -> bool:
    """The receiver is on when the webhook's Basic user and password are both set."""
    return bool(settings.pipedrive_webhook_user) and settings.pipedrive_webhook_password is not None


def check_basic_auth(settings: Settings, header: str | None) -> bool:
    """True when ``Authorization: Basic ...`` carries the configured user and password."""
    user = (settings.pipedrive_webhook_user or "").encode()
    password = (
        settings.pipedrive_webhook_password.get_secret_value().encode()
        if settings.pipedrive_webhook_password
        else b""
    )
    given_user, given_password = b"", b""
    if header and header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        given_user, _, given_password = decoded.partition(b":")
    # Both comparisons run every time: the answer's timing tells nothing about which one failed.
    same_user = hmac.compare_digest(given_user, user)
    same_password = hmac.compare_digest(given_password, password)
    return bool(user) and same_user and same_password


def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return str(value)
    if (
        isinstance(value, str)
        and 0 < len(value) <= 64
        and value.replace("-", "").isalnum()
        and value.isascii()
    ):
        return value
    return None


def note_event(body: Any) -> NewEvent | None:
    """The stored form of a Pipedrive webhook body when it is a note created or changed."""
    if not isinstance(body, dict) or not isinstance(body.get("meta"), dict):
        return None
    meta = body["meta"]
    data = body.get("data") if isinstance(body.get("data"), dict) else body.get("current")
    if not isinstance(data, dict):
        data = {}
    entity = meta.get("entity") or meta.get("object")
    action = meta.get("action")
    action = _V1_ACTIONS.get(action, action)
    if entity != "note" or action not in ("create", "change"):
        return None
    previous = body.get("previous")
    if action == "change" and isinstance(previous, dict) and previous and "content" not in previous:
        return None  # pinned, moved to another deal...: the text is the same
    note_id = _id(data.get("id")) or _id(meta.get("entity_id")) or _id(meta.get("id"))
    if note_id is None:
        return None
    company = _id(meta.get("company_id")) or "0"
    delivery = _id(meta.get("id"))
    if delivery is not None and delivery != note_id:
        key = f"{SOURCE}:{company}:{delivery}"
    else:
        version = data.get("update_time") or data.get("add_time") or meta.get("timestamp") or ""
        key = f"{SOURCE}:{company}:note:{note_id}:{action}:{str(version)[:40]}"
    content = data.get("content")
    payload = {
        "deal_id": _id(data.get("deal_id")),
        "user_id": _id(data.get("user_id")),
        "add_time": data.get("add_time") if isinstance(data.get("add_time"), str) else None,
        "content": content if isinstance(content, str) else None,
    }
    return NewEvent(SOURCE, key, f"note.{action}", note_id, payload)


def client(settings: Settings) -> CrmClient | None:
    """A client on ``KLARSTEG_PIPEDRIVE_API_BASE`` with the API token, or None without a token."""
    if settings.pipedrive_api_token is None:
        return None
    token = settings.pipedrive_api_token.get_secret_value()
    return CrmClient("Pipedrive", settings.pipedrive_api_base, {"x-api-token": token}, settings)


def note_date(add_time: Any, tz: Any) -> date | None:
    """The date of a note's ``add_time`` (UTC, ``2026-03-10 09:30:00`` or ISO 8601) in ``tz``."""
    if not isinstance(add_time, str) or not add_time.strip():
        return None
    try:
        moment = datetime.fromisoformat(add_time.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


async def fetch_note(api: CrmClient, note_id: str) -> dict[str, Any]:
    """The note (``content``, ``deal_id``, ``add_time``...) from Pipedrive's notes API."""
    response = await api.request("GET", f"/api/v1/notes/{note_id}", "GET note")
    if response.status_code == 404:
        raise CrmError("Pipedrive has no such note (404): it was deleted", 404)
    if response.status_code != 200:
        raise refusal("Pipedrive", "GET note", response)
    try:
        data = response.json().get("data")
    except (ValueError, AttributeError):
        data = None
    if not isinstance(data, dict):
        raise CrmError("Pipedrive's answer to GET note has no data")
    return data


async def add_activity(
    api: CrmClient, deal_id: str, owner_id: str | None, result: ScoreResult, today: date
) -> str:
    """Add the follow-up activity to the deal; its id."""
    subject, note = followup_text(result)
    body: dict[str, Any] = {
        "subject": subject,
        "type": "task",
        "deal_id": int(deal_id) if deal_id.isdigit() else deal_id,
        "due_date": due_date(today).isoformat(),
        "note": note,
        "done": False,
    }
    if owner_id and owner_id.isdigit():
        body["owner_id"] = int(owner_id)
    response = await api.request("POST", "/api/v2/activities", "POST activity", json=body)
    if response.status_code >= 300:
        raise refusal("Pipedrive", "POST activity", response)
    try:
        return str(response.json()["data"]["id"])
    except (ValueError, KeyError, TypeError):
        return "unknown"


async def process(event: StoredEvent, api: CrmClient | None, work: Any) -> Outcome:
    """Score one note event and add the follow-up activity when configured."""
    settings: Settings = work.settings
    payload = dict(event.payload)
    if payload.get("content") is None:
        if api is None:
            return Outcome(
                "failed",
                error="the webhook did not carry the note's text: set KLARSTEG_PIPEDRIVE_API_TOKEN "
                "so that Klarsteg can fetch it",
            )
        note = await fetch_note(api, event.object_id)
        payload["content"] = note.get("content")
        payload["deal_id"] = payload.get("deal_id") or _id(note.get("deal_id"))
        payload["user_id"] = payload.get("user_id") or _id(note.get("user_id"))
        payload["add_time"] = payload.get("add_time") or note.get("add_time")
    result = await work.score(payload.get("content"), note_date(payload.get("add_time"), work.tz))
    if isinstance(result, Outcome):
        return result
    written = None
    if settings.pipedrive_create_activities and result.verdict != "concrete":
        deal_id = payload.get("deal_id")
        existing = await work.followup_for(SOURCE, event.object_id)
        if api is None:
            written = "no activity: KLARSTEG_PIPEDRIVE_API_TOKEN is not set"
        elif existing is not None:
            written = f"activity {existing} exists"
        elif not deal_id:
            written = "no activity: the note has no deal"
        else:
            activity_id = await add_activity(api, deal_id, payload.get("user_id"), result, work.today())
            await work.set_followup(event.id, activity_id)
            written = f"activity {activity_id}"
    return work.done(result, written)
