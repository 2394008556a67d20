"""Pipedrive webhooks over real HTTP: Klarsteg under uvicorn, Pipedrive's API as a local stand-in.

HTTP Basic auth (401 without it, 2xx with it), webhooks v2 note payloads with and without
the note's content, v1 payloads, changes that do not touch the text, other entities,
replays, and the follow-up activity on the note's deal.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fixtures.integrations.helpers import (
    PD_PASSWORD,
    PD_TOKEN,
    PD_USER,
    PIPEDRIVE_PATH,
    basic,
    fixture,
    list_events,
    pipedrive_settings,
    post_pipedrive,
    wait_events,
)
from fixtures.integrations.standins import PipedriveStandIn
from support import ServerThread

from model.pipeline import Klarsteg
from model.settings import Settings
from service.app import create_app
from service.integrations import pipedrive


@pytest.fixture()
def crm() -> Iterator[PipedriveStandIn]:
    with PipedriveStandIn(PD_TOKEN) as s:
        s.notes["8802"] = {
            "id": 8802,
            "content": "<p>Ring Anna fre 13/3 kl 14<br>för att gå igenom avtalet.</p>",
            "deal_id": 4402,
            "user_id": 1201,
            "add_time": "2026-03-10 09:55:00",
        }
        yield s


def serve(tmp_path: Path, crm: PipedriveStandIn, model: Klarsteg, **overrides: Any) -> ServerThread:
    return ServerThread(create_app(pipedrive_settings(tmp_path, crm.url, **overrides), model=model))


def test_basic_auth_is_compared_in_full() -> None:
    s = Settings(pipedrive_webhook_user=PD_USER, pipedrive_webhook_password=PD_PASSWORD)
    header = basic()["Authorization"]
    assert pipedrive.check_basic_auth(s, header)
    assert pipedrive.check_basic_auth(s, "basic " + header.split(" ", 1)[1])
    assert not pipedrive.check_basic_auth(s, None)
    assert not pipedrive.check_basic_auth(s, basic(PD_USER, PD_PASSWORD + "x")["Authorization"])
    assert not pipedrive.check_basic_auth(s, basic("someone", PD_PASSWORD)["Authorization"])
    assert not pipedrive.check_basic_auth(s, basic(PD_USER, "")["Authorization"])
    assert not pipedrive.check_basic_auth(s, "Basic not-base64!!")
    assert not pipedrive.check_basic_auth(s, "Bearer " + base64.b64encode(b"a:b").decode())


def test_note_date_is_add_time_in_the_configured_time_zone() -> None:
    stockholm = ZoneInfo("Europe/Stockholm")
    assert pipedrive.note_date("2026-03-10 23:30:00", stockholm) == date(2026, 3, 11)  # UTC in v1
    assert pipedrive.note_date("2026-03-10T09:30:00Z", stockholm) == date(2026, 3, 10)
    assert pipedrive.note_date("", stockholm) is None and pipedrive.note_date(None, stockholm) is None


def test_which_payloads_are_notes() -> None:
    create = pipedrive.note_event(fixture("pipedrive/note_create_v2.json"))
    assert (create.event_type, create.object_id) == ("note.create", "8801")
    assert create.dedup_key == "pipedrive:7001:5f0c8a1e-4b7d-4e41-9c55-2f1d0a9b7c31"
    assert create.payload["deal_id"] == "4401" and "Bergström" in create.payload["content"]
    change = pipedrive.note_event(fixture("pipedrive/note_change_without_content.json"))
    assert (change.event_type, change.object_id, change.payload["content"]) == ("note.change", "8802", None)
    v1 = pipedrive.note_event(fixture("pipedrive/note_added_v1.json"))
    assert (v1.event_type, v1.object_id) == ("note.create", "8803")
    assert (
        v1.dedup_key == "pipedrive:7001:note:8803:create:2026-03-10 09:30:00"
    )  # meta.id is the note id in v1
    assert pipedrive.note_event(fixture("pipedrive/note_pinned.json")) is None
    assert pipedrive.note_event(fixture("pipedrive/deal_change.json")) is None
    deleted = fixture("pipedrive/note_create_v2.json")
    deleted["meta"]["action"] = "delete"
    assert pipedrive.note_event(deleted) is None
    assert pipedrive.note_event({"meta": "note"}) is None and pipedrive.note_event([]) is None


def test_without_basic_auth_401_with_it_2xx(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    payload = fixture("pipedrive/note_create_v2.json")
    with serve(tmp_path, crm, klarsteg_model) as app:
        for auth in (
            {},
            basic(PD_USER, "wrong"),
            basic("other", PD_PASSWORD),
            {"Authorization": "Basic %%%"},
        ):
            r = post_pipedrive(app.url, payload, auth=auth)
            assert r.status_code == 401, r.text
            assert r.headers["www-authenticate"].startswith("Basic ")
        assert list_events(app.url) == [] and crm.requests == []
        r = post_pipedrive(app.url, payload)
        assert r.status_code == 200, r.text
        assert r.json() == {"received": 1, "queued": 1, "duplicates": 0, "ignored": 0}
        (event,) = wait_events(app.url, 1)
    # The payload carried the note's HTML (Swedish, a list): no API call was needed.
    assert crm.requests == []
    assert (event["source"], event["object_id"], event["event_type"]) == ("pipedrive", "8801", "note.create")
    assert (event["status"], event["verdict"]) == ("done", "vague") and "reason" in event["missing"]
    assert event["written"] is None  # activities are off by default


def test_a_note_without_content_is_fetched_with_the_token(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model) as app:
        assert (
            post_pipedrive(app.url, fixture("pipedrive/note_change_without_content.json")).status_code == 200
        )
        (event,) = wait_events(app.url, 1)
    (get,) = crm.calls("GET")
    assert get.path == "/api/v1/notes/8802" and get.query == {}  # the token is a header, not in the URL
    assert get.headers["x-api-token"] == PD_TOKEN
    assert (event["status"], event["verdict"], event["score"]) == ("done", "concrete", 100)


def test_without_a_token_a_note_without_content_fails_clearly(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model, pipedrive_api_token=None) as app:
        post_pipedrive(app.url, fixture("pipedrive/note_change_without_content.json"))
        (event,) = wait_events(app.url, 1)
    assert event["status"] == "failed" and "KLARSTEG_PIPEDRIVE_API_TOKEN" in event["error"]
    assert crm.requests == []


def test_activity_on_the_deal_when_not_concrete(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model, pipedrive_create_activities=True) as app:
        post_pipedrive(app.url, fixture("pipedrive/note_create_v2.json"))  # vague, deal 4401
        post_pipedrive(app.url, fixture("pipedrive/note_added_v1.json"))  # concrete: no activity
        events = {e["object_id"]: e for e in wait_events(app.url, 2)}
        # The vague note edited again (a new delivery): scored again, no second activity.
        edited = fixture("pipedrive/note_create_v2.json")
        edited["meta"].update(action="change", id="77777777-0000-4000-8000-000000000001")
        edited["previous"] = {"content": "<p>utkast</p>"}
        post_pipedrive(app.url, edited)
        wait_events(app.url, 3)
    (activity,) = crm.activities
    assert activity["deal_id"] == 4401 and activity["type"] == "task" and activity["done"] is False
    assert activity["owner_id"] == 1201
    assert activity["subject"].startswith("Settle the next step: ")
    assert "<li>" in activity["note"]
    assert date.fromisoformat(activity["due_date"]) > date.today()
    assert events["8801"]["written"] == "activity 701" and events["8801"]["followup_id"] == "701"
    assert events["8803"]["written"] is None and events["8803"]["verdict"] == "concrete"
    (post,) = crm.calls("POST")
    assert post.path == "/api/v2/activities" and post.headers["x-api-token"] == PD_TOKEN


def test_ignored_payloads_and_replays(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model) as app:
        for name in ("pipedrive/deal_change.json", "pipedrive/note_pinned.json"):
            r = post_pipedrive(app.url, fixture(name))
            assert r.status_code == 200 and r.json()["ignored"] == 1, name
        assert post_pipedrive(app.url, fixture("pipedrive/note_create_v2.json")).json()["queued"] == 1
        wait_events(app.url, 1)
        retried = fixture("pipedrive/note_create_v2.json")
        retried["meta"]["attempt"] = 2
        again = post_pipedrive(app.url, retried)
        assert again.status_code == 200 and again.json()["duplicates"] == 1
        not_object = httpx.post(app.url.rstrip("/") + PIPEDRIVE_PATH, json=[1], headers=basic())
        assert not_object.status_code == 400
        time.sleep(0.2)
        assert len(list_events(app.url)) == 1


def test_off_until_both_credentials_are_set(
    tmp_path: Path, crm: PipedriveStandIn, klarsteg_model: Klarsteg
) -> None:
    app = create_app(
        pipedrive_settings(tmp_path, crm.url, pipedrive_webhook_password=None), model=klarsteg_model
    )
    with ServerThread(app) as off:
        r = post_pipedrive(off.url, fixture("pipedrive/note_create_v2.json"))
        assert r.status_code == 404 and "not configured" in r.json()["detail"]
