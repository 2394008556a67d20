"""HubSpot: verify a webhook request, read its note events, score the note, write the result.

* Signature v3: ``X-HubSpot-Signature-v3`` is base64(HMAC-SHA256(client secret, method +
  URI + raw body + ``X-HubSpot-Request-Timestamp``)), compared in constant time; the
  timestamp (milliseconds) may be at most 5 minutes old (or ahead).
* Note events: the classic ``note.creation`` / ``note.propertyChange`` and the generic
  ``object.creation`` / ``object.propertyChange`` with ``objectTypeId`` ``0-46``; a property
  change counts only for ``hs_note_body`` (so Klarsteg's own write-back, a change of its
  ``klarsteg_*`` properties, never triggers another round). Other events are acknowledged
  and ignored. Events are deduplicated by portal and ``eventId``.
* Processing: ``GET /crm/v3/objects/notes/{id}?properties=hs_note_body,hs_timestamp`` with
  the private app's token, the HTML body to text, scored on the date of ``hs_timestamp``,
  then ``PATCH`` of ``klarsteg_score``, ``klarsteg_verdict`` and ``klarsteg_missing`` and,
  with ``KLARSTEG_HUBSPOT_CREATE_TASKS``, one task per note ("Settle the next step: ...")
  on the note's deal, else its contact, when the follow-up is not concrete.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import date, datetime, timedelta
from typing import Any

from model.schema import ScoreResult
from model.settings import Settings
from service.integrations.http import CrmClient, CrmError, refusal
from service.integrations.store import NewEvent, Outcome, StoredEvent

SOURCE = "hubspot"
NOTE_OBJECT_TYPE = "0-46"
MAX_AGE_MS = 5 * 60 * 1000
NOTE_PROPERTIES = ("klarsteg_score", "klarsteg_verdict", "klarsteg_missing")
TASK_TO_DEAL, TASK_TO_CONTACT = 216, 204  # HubSpot-defined association types
VERDICTS = (("concrete", "Concrete"), ("partial", "Partial"), ("vague", "Vague"), ("none", "No next step"))
FIELDS = (("next_step", "Next step"), ("reason", "Reason"), ("when", "When"))

# HubSpot decodes these in the URI before it signs (its request-validation guide).
_URI_DECODE = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip


def enabled(settings: Settings) -> bool:
    """The receiver is on when both the client secret and the access token are set."""
    return settings.hubspot_client_secret is not None and settings.hubspot_access_token is not None


def signed_uri(uri: str) -> str:
    """The URI as HubSpot signs it: with the characters of its table URL-decoded."""
    for encoded, char in _URI_DECODE.items():
        uri = uri.replace(encoded, char).replace(encoded.lower(), char)
    return uri


def signature(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """The v3 signature HubSpot sends for this request."""
    message = method.encode() + signed_uri(uri).encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def verify(
    secret: str, method: str, uri: str, body: bytes, timestamp: str | None, given: str | None
) -> str | None:
    """None when the request is HubSpot's; else why not (a short reason, no secret)."""
    if not timestamp or not given:
        return "missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp"
    try:
        sent_ms = int(timestamp.strip())
    except ValueError:
        return "X-HubSpot-Request-Timestamp is not a number"
    if abs(time.time() * 1000 - sent_ms) > MAX_AGE_MS:
        return "X-HubSpot-Request-Timestamp is more than 5 minutes off"
    expected = signature(secret, method, uri, body, timestamp.strip())
    if not hmac.compare_digest(expected.encode(), given.strip().encode("utf-8", "replace")):
        return "the signature does not match"
    return None


def note_event(event: Any) -> NewEvent | None:
    """The stored form of one HubSpot event when it is a note created or its body changed."""
    if not isinstance(event, dict):
        return None
    kind = event.get("subscriptionType")
    generic = kind in ("object.creation", "object.propertyChange")
    if generic and str(event.get("objectTypeId")) != NOTE_OBJECT_TYPE:
        return None
    if kind not in ("note.creation", "note.propertyChange") and not generic:
        return None
    if kind.endswith("propertyChange") and event.get("propertyName") != "hs_note_body":
        return None
    object_id, event_id = event.get("objectId"), event.get("eventId")
    if not _is_id(object_id) or not _is_id(event_id):
        return None
    portal = event.get("portalId")
    portal = str(portal) if _is_id(portal) else "0"
    # Only ids: a propertyChange also carries the new body (propertyValue), which is not kept.
    payload = {"portal_id": portal, "subscription_type": kind, "occurred_at": event.get("occurredAt")}
    return NewEvent(
        source=SOURCE,
        dedup_key=f"{SOURCE}:{portal}:{event_id}",
        event_type="note.creation" if kind.endswith("creation") else "note.change",
        object_id=str(object_id),
        payload=payload,
    )


def _is_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and 0 < len(value) <= 40 and value.isascii() and value.isalnum()


def client(settings: Settings) -> CrmClient:
    """A client on ``KLARSTEG_HUBSPOT_API_BASE`` with the private app's token."""
    token = settings.hubspot_access_token.get_secret_value() if settings.hubspot_access_token else ""
    return CrmClient("HubSpot", settings.hubspot_api_base, {"Authorization": f"Bearer {token}"}, settings)


def note_date(timestamp: Any, tz: Any) -> date | None:
    """The date of a note's ``hs_timestamp`` (ISO 8601 or epoch milliseconds) in ``tz``."""
    if timestamp is None or timestamp == "":
        return None
    try:
        if isinstance(timestamp, int | float) or str(timestamp).isdigit():
            moment = datetime.fromtimestamp(int(timestamp) / 1000, tz=tz)
        else:
            moment = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(tz)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.date()


def note_properties(result: ScoreResult) -> dict[str, str]:
    """The values of Klarsteg's note properties (HubSpot takes property values as strings)."""
    return {
        "klarsteg_score": str(result.score),
        "klarsteg_verdict": result.verdict,
        "klarsteg_missing": ";".join(result.missing),
    }


def followup_text(result: ScoreResult) -> tuple[str, str]:
    """The subject and the body of a follow-up task: settle the next step, with the questions."""
    questions = result.questions or ["What exactly happens next, why, and when?"]
    subject = f"Settle the next step: {questions[0]}"
    if len(subject) > 250:
        subject = subject[:249] + "…"
    body = "".join(f"<li>{_escape(q)}</li>" for q in questions)
    return subject, f"<p>Klarsteg scored the note {result.score}/100 ({result.verdict}).</p><ul>{body}</ul>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def due_date(today: date) -> date:
    """The next working day: when a follow-up task is due."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def fetch_note(api: CrmClient, note_id: str, with_links: bool) -> dict[str, Any]:
    """The note's properties (and its deal and contact links when tasks are on).

    Raises :class:`CrmError` (for good: no such note, no access) or ``Transient``.
    """
    properties = "hs_note_body,hs_timestamp" + (",hubspot_owner_id" if with_links else "")
    params = {"properties": properties}
    if with_links:
        params["associations"] = "deals,contacts"
    response = await api.request("GET", f"/crm/v3/objects/notes/{note_id}", "GET note", params=params)
    if response.status_code == 404:
        raise CrmError("HubSpot has no such note (404): it was deleted, or the token's portal differs", 404)
    if response.status_code != 200:
        raise refusal("HubSpot", "GET note", response)
    try:
        note = response.json()
    except ValueError:
        raise CrmError("HubSpot answered GET note with something other than JSON") from None
    if not isinstance(note, dict) or not isinstance(note.get("properties"), dict):
        raise CrmError("HubSpot's answer to GET note has no properties")
    return note


async def write_score(api: CrmClient, note_id: str, result: ScoreResult) -> None:
    """PATCH Klarsteg's properties onto the note."""
    response = await api.request(
        "PATCH",
        f"/crm/v3/objects/notes/{note_id}",
        "PATCH note",
        json={"properties": note_properties(result)},
    )
    if response.status_code == 400:
        raise refusal(
            "HubSpot",
            "PATCH note",
            response,
            "do the klarsteg_* note properties exist? Run `klarsteg hubspot setup` once",
        )
    if response.status_code >= 300:
        raise refusal("HubSpot", "PATCH note", response)


def task_target(note: dict[str, Any]) -> tuple[str, int] | None:
    """The deal (preferred) or contact a note is associated with, and the task's association type."""
    links = note.get("associations") if isinstance(note.get("associations"), dict) else {}
    for kind, type_id in (("deals", TASK_TO_DEAL), ("contacts", TASK_TO_CONTACT)):
        results = (links.get(kind) or {}).get("results") if isinstance(links.get(kind), dict) else None
        for item in results or []:
            if isinstance(item, dict) and _is_id(item.get("id")):
                return str(item["id"]), type_id
    return None


async def create_task(
    api: CrmClient, note: dict[str, Any], result: ScoreResult, target: tuple[str, int], today: date
) -> str:
    """Create the follow-up task on the deal or contact; its id."""
    subject, body = followup_text(result)
    properties = {
        "hs_timestamp": f"{due_date(today).isoformat()}T09:00:00Z",
        "hs_task_subject": subject,
        "hs_task_body": body,
        "hs_task_status": "NOT_STARTED",
        "hs_task_type": "TODO",
    }
    owner = note["properties"].get("hubspot_owner_id")
    if owner:
        properties["hubspot_owner_id"] = str(owner)
    association = {
        "to": {"id": target[0]},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": target[1]}],
    }
    response = await api.request(
        "POST",
        "/crm/v3/objects/tasks",
        "POST task",
        json={"properties": properties, "associations": [association]},
    )
    if response.status_code >= 300:
        raise refusal("HubSpot", "POST task", response)
    try:
        return str(response.json()["id"])
    except (ValueError, KeyError, TypeError):
        return "unknown"


async def process(event: StoredEvent, api: CrmClient, work: Any) -> Outcome:
    """Fetch, score and write back one note event. ``work`` is the queue's :class:`Work`."""
    settings: Settings = work.settings
    note = await fetch_note(api, event.object_id, settings.hubspot_create_tasks)
    props = note["properties"]
    result = await work.score(props.get("hs_note_body"), note_date(props.get("hs_timestamp"), work.tz))
    if isinstance(result, Outcome):
        return result
    await write_score(api, event.object_id, result)
    written = "note properties"
    if settings.hubspot_create_tasks and result.verdict != "concrete":
        existing = await work.followup_for(SOURCE, event.object_id)
        target = task_target(note)
        if existing is not None:
            written += f"; task {existing} exists"
        elif target is None:
            written += "; no task: the note has no deal or contact"
        else:
            task_id = await create_task(api, note, result, target, work.today())
            await work.set_followup(event.id, task_id)
            written += f"; task {task_id}"
    return work.done(result, written)


GROUP = {"name": "klarsteg", "label": "Klarsteg", "displayOrder": -1}


def property_definitions() -> list[dict[str, Any]]:
    """The custom note properties ``klarsteg hubspot setup`` creates."""
    return [
        {
            "name": "klarsteg_score",
            "label": "Klarsteg score",
            "description": "How concrete the note's follow-up is, 0-100 (what, why and when).",
            "groupName": GROUP["name"],
            "type": "number",
            "fieldType": "number",
        },
        {
            "name": "klarsteg_verdict",
            "label": "Klarsteg verdict",
            "description": "concrete, partial, vague or none (no next step).",
            "groupName": GROUP["name"],
            "type": "enumeration",
            "fieldType": "select",
            "options": [
                {"label": label, "value": value, "displayOrder": i}
                for i, (value, label) in enumerate(VERDICTS)
            ],
        },
        {
            "name": "klarsteg_missing",
            "label": "Klarsteg missing",
            "description": "What the follow-up lacks: next step, reason, when.",
            "groupName": GROUP["name"],
            "type": "enumeration",
            "fieldType": "checkbox",
            "options": [
                {"label": label, "value": value, "displayOrder": i} for i, (value, label) in enumerate(FIELDS)
            ],
        },
    ]


async def setup_properties(api: CrmClient) -> list[tuple[str, str]]:
    """Create the property group and the note properties; an existing one is fine (409).

    Answers ``(name, "created" | "exists")`` for the group and each property.
    """
    done = []
    for name, path, body in [
        (f"group {GROUP['name']}", "/crm/v3/properties/notes/groups", GROUP),
        *((d["name"], "/crm/v3/properties/notes", d) for d in property_definitions()),
    ]:
        response = await api.request("POST", path, f"POST {name}", json=body)
        if response.status_code == 409:
            done.append((name, "exists"))
        elif response.status_code in (200, 201):
            done.append((name, "created"))
        else:
            hint = "the token needs the scope to create note properties (docs/integrations.md)"
            raise refusal("HubSpot", f"POST {name}", response, hint if response.status_code == 403 else "")
    return done
