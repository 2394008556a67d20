"""The webhook event queue: durable across restarts, retries, the events listing, privacy.

A CRM that is down while Klarsteg restarts gets its write-back after the restart; the
listing needs the API key and never shows note text; logs at DEBUG hold no note text,
token or secret; the store deduplicates, leases and prunes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from fixtures.integrations.helpers import (
    API_KEY,
    EVENTS_PATH,
    HS_TOKEN,
    PD_TOKEN,
    SECRETS,
    both_settings,
    fixture,
    hubspot_settings,
    list_events,
    post_hubspot,
    post_pipedrive,
    settings,
    wait_events,
)
from fixtures.integrations.standins import HubSpotStandIn, PipedriveStandIn
from support import ServerThread

from model.pipeline import Klarsteg
from service.app import create_app
from service.integrations.http import CrmClient, Transient, retry_after_seconds
from service.integrations.store import EventStore, NewEvent, Outcome

MARKERS = ("ZEBULONQUUX", "XYLOPHANTBODY", "FJORDVALKYRIE")
MARKED_NOTE = (
    "<p>ZEBULONQUUX möte med Eva.</p><ul><li>XYLOPHANTBODY hon pratar med IT</li></ul>"
    "<p>Vi hörs längre fram FJORDVALKYRIE</p>"
)


def hubspot_crm(**kwargs: object) -> HubSpotStandIn:
    crm = HubSpotStandIn(HS_TOKEN, **kwargs)
    crm.add_note("51001", MARKED_NOTE, deals=["4401"])
    return crm


# ------------------------------------------------------------------ restarts


def test_a_crm_down_while_klarsteg_restarts_gets_the_write_back_after(
    tmp_path: Path, klarsteg_model: Klarsteg
) -> None:
    crm = hubspot_crm(down=True)  # the port is bound but refuses connections
    try:
        config = hubspot_settings(tmp_path, crm.url, webhook_retry_base_s=0.3, webhook_retry_max_s=0.3)
        with ServerThread(create_app(config, model=klarsteg_model)) as first:
            r = post_hubspot(first.url, fixture("hubspot/note_creation_classic.json"))
            assert r.status_code == 200 and r.json()["queued"] == 1
            deadline = time.monotonic() + 10
            while not (events := list_events(first.url))[0]["error"] and time.monotonic() < deadline:
                time.sleep(0.05)
            (event,) = events
            assert event["status"] == "pending"
            assert event["error"].startswith("HubSpot could not be reached for GET note")
        # Klarsteg is stopped; the CRM comes back on the same address; Klarsteg starts again.
        crm.start()
        assert crm.requests == []
        with ServerThread(create_app(config, model=klarsteg_model)) as second:
            (patch,) = crm.wait_for("PATCH", "/crm/v3/objects/notes/51001")
            (event,) = wait_events(second.url, 1)
        assert patch.body["properties"]["klarsteg_verdict"] == "vague"
        assert event["status"] == "done" and event["error"] is None and event["attempts"] >= 2
        assert len(crm.calls("PATCH")) == 1
    finally:
        crm.close()


def test_the_store_survives_restarts_and_deduplicates_across_them(
    tmp_path: Path, klarsteg_model: Klarsteg
) -> None:
    with hubspot_crm() as crm:
        config = hubspot_settings(tmp_path, crm.url)
        for _ in range(2):
            with ServerThread(create_app(config, model=klarsteg_model)) as app:
                post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
                wait_events(app.url, 1)
        assert len(crm.calls("PATCH")) == 1


def test_events_give_up_after_max_attempts(tmp_path: Path, klarsteg_model: Klarsteg) -> None:
    with hubspot_crm() as crm:
        crm.fail_next(503, times=100)
        config = hubspot_settings(tmp_path, crm.url, webhook_max_attempts=3, crm_retries=1)
        with ServerThread(create_app(config, model=klarsteg_model)) as app:
            post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
            (event,) = wait_events(app.url, 1)
    assert event["status"] == "failed" and event["attempts"] == 3
    assert event["error"] == "gave up after 3 attempts: HubSpot answered 503 to GET note"
    assert len(crm.calls("GET")) == 6  # 3 attempts of 2 requests each
    assert crm.calls("PATCH") == []


# ------------------------------------------------------------------ the listing


def test_the_listing_needs_the_api_key(tmp_path: Path, klarsteg_model: Klarsteg) -> None:
    with hubspot_crm() as crm:
        keyless = hubspot_settings(tmp_path, crm.url, api_key=None)
        with ServerThread(create_app(keyless, model=klarsteg_model)) as app:
            r = httpx.get(app.url.rstrip("/") + EVENTS_PATH)
            assert r.status_code == 404 and "KLARSTEG_API_KEY" in r.json()["detail"]
            # The webhooks themselves do not depend on the API key.
            assert post_hubspot(app.url, fixture("hubspot/note_creation_classic.json")).status_code == 200
        with ServerThread(create_app(hubspot_settings(tmp_path, crm.url), model=klarsteg_model)) as app:
            url = app.url.rstrip("/") + EVENTS_PATH
            assert httpx.get(url).status_code == 401
            assert httpx.get(url, headers={"X-API-Key": "wrong"}).status_code == 401
            assert httpx.get(url, headers={"Authorization": f"Bearer {API_KEY}"}).status_code == 200
            (event,) = wait_events(app.url, 1)  # the event stored by the keyless run
            assert event["object_id"] == "51001"


def test_the_listing_shows_ids_status_score_error_and_no_text(
    tmp_path: Path, klarsteg_model: Klarsteg
) -> None:
    with hubspot_crm() as crm, PipedriveStandIn(PD_TOKEN) as pd:
        config = both_settings(tmp_path, crm.url, pd.url)
        with ServerThread(create_app(config, model=klarsteg_model)) as app:
            post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
            marked = fixture("pipedrive/note_create_v2.json")
            marked["data"]["content"] = MARKED_NOTE
            post_pipedrive(app.url, marked)
            broken = fixture("hubspot/note_creation_classic.json")
            broken[0].update(eventId=42, objectId=404404)
            post_hubspot(app.url, broken)
            wait_events(app.url, 3)
            r = httpx.get(app.url.rstrip("/") + EVENTS_PATH, headers={"X-API-Key": API_KEY})
            page = httpx.get(
                app.url.rstrip("/") + EVENTS_PATH, params={"limit": 2}, headers={"X-API-Key": API_KEY}
            ).json()
            older = list_events(app.url, before=page["next_before"])
            failed = list_events(app.url, status="failed")
            from_pipedrive = list_events(app.url, source="pipedrive")
            bad = httpx.get(
                app.url.rstrip("/") + EVENTS_PATH, params={"limit": 0}, headers={"X-API-Key": API_KEY}
            )
    assert r.status_code == 200
    for marker in MARKERS:
        assert marker not in r.text
    events = r.json()["events"]
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert set(events[0]) == {
        "id", "source", "event_type", "object_id", "status", "attempts", "score", "verdict",
        "missing", "written", "followup_id", "error", "received_at", "updated_at",
    }  # fmt: skip
    by_note = {e["object_id"]: e for e in events}
    assert by_note["51001"]["status"] == "done" and isinstance(by_note["51001"]["score"], int)
    assert by_note["8801"]["source"] == "pipedrive" and by_note["8801"]["verdict"] == "vague"
    assert by_note["404404"]["status"] == "failed" and "404" in by_note["404404"]["error"]
    assert len(page["events"]) == 2 and [e["id"] for e in older] == [events[2]["id"]]
    assert [e["object_id"] for e in failed] == ["404404"]
    assert [e["object_id"] for e in from_pipedrive] == ["8801"]
    assert bad.status_code == 422
    # Once finished, the store keeps no payload: the Pipedrive note's text is gone.
    with sqlite3.connect(tmp_path / "klarsteg.db") as db:
        assert db.execute("SELECT count(*) FROM webhook_events WHERE payload IS NOT NULL").fetchone() == (0,)
        rows = json.dumps(db.execute("SELECT * FROM webhook_events").fetchall(), ensure_ascii=False)
    assert not any(marker in rows for marker in MARKERS)


# ------------------------------------------------------------------ privacy


def test_no_note_text_token_or_secret_in_the_logs(
    tmp_path: Path, klarsteg_model: Klarsteg, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG), hubspot_crm() as crm, PipedriveStandIn(PD_TOKEN) as pd:
        pd.notes["8802"] = {
            "id": 8802,
            "content": MARKED_NOTE,
            "deal_id": 4402,
            "add_time": "2026-03-10 09:55:00",
        }
        crm.fail_next(429, {"Retry-After": "0"})
        pd.fail_next(500)
        config = both_settings(
            tmp_path, crm.url, pd.url, pipedrive_create_activities=True, hubspot_create_tasks=True
        )
        with ServerThread(create_app(config, model=klarsteg_model)) as app:
            post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
            post_hubspot(app.url, fixture("hubspot/note_body_change.json"))  # carries note text; 404s here
            post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"), secret="wrong")
            post_pipedrive(app.url, fixture("pipedrive/note_change_without_content.json"))
            marked = fixture("pipedrive/note_create_v2.json")
            marked["data"]["content"] = MARKED_NOTE
            post_pipedrive(app.url, marked)
            post_pipedrive(app.url, marked, auth={"Authorization": "Basic " + "QUJD"})
            wait_events(app.url, 5)
    assert crm.tasks and pd.activities  # the write-backs with their questions happened
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "webhook event" in logged  # the queue does log, by id and status
    for needle in (*MARKERS, *SECRETS, HS_TOKEN, PD_TOKEN, "Lunch med Karin", "couple of weeks", "Bergström"):
        assert needle not in logged, needle


# ------------------------------------------------------------------ units: store, Retry-After, client


def test_store_deduplicates_leases_releases_and_prunes(tmp_path: Path) -> None:
    store = EventStore(tmp_path)
    store.open()
    try:
        ev = NewEvent("hubspot", "hubspot:1:1", "note.creation", "51001", {"portal_id": "1"})
        assert store.add([ev, ev]) == (1, 1)
        assert store.add([ev]) == (0, 1)
        (claimed,) = store.claim(10, lease_s=0.2)
        assert (claimed.object_id, claimed.attempts, claimed.payload) == ("51001", 1, {"portal_id": "1"})
        assert store.claim(10, lease_s=0.2) == []  # leased
        time.sleep(0.25)
        (again,) = store.claim(10, lease_s=60)  # the lease ran out: a crashed process's event
        assert again.attempts == 2
        store.release([again.id])
        (third,) = store.claim(10, lease_s=60)
        assert third.attempts == 2  # a release does not count as an attempt
        store.set_followup(third.id, "9001")
        assert store.followup_for("hubspot", "51001") == "9001"
        store.finish(third.id, Outcome("done", score=24, verdict="vague", missing=("reason",), written="x"))
        (row,) = store.listing(limit=10)
        assert (row["status"], row["score"], row["missing"]) == ("done", 24, ["reason"])
        assert store.prune(older_than_days=1) == 0
        store._conn().execute("UPDATE webhook_events SET updated_at = '2000-01-01T00:00:00Z'")
        assert store.prune(older_than_days=1) == 1
        assert store.listing(limit=10) == []
    finally:
        store.close()
    assert (tmp_path / "klarsteg.db").stat().st_mode & 0o077 == 0


def test_retry_after_seconds() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds(" 0.5 ") == 0.5
    assert (
        retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now.timestamp())
        == 30.0
    )
    assert (
        retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now.timestamp()) == 0.0
    )
    assert retry_after_seconds("-4") == 0.0 and retry_after_seconds("1e9") == 86400.0
    assert (
        retry_after_seconds("soon") is None
        and retry_after_seconds(None) is None
        and retry_after_seconds("") is None
    )


def test_client_retries_then_reports(tmp_path: Path) -> None:
    config = settings(tmp_path, crm_retries=2, crm_backoff_s=0.01)

    async def call(url: str) -> Transient:
        api = CrmClient("HubSpot", url, {}, config)
        try:
            await api.request("GET", "/x", "GET note")
        except Transient as exc:
            return exc
        finally:
            await api.aclose()
        raise AssertionError("no error")

    with hubspot_crm() as crm:
        crm.fail_next(502, times=3)
        error = asyncio.run(call(crm.url))
        assert (error.message, error.status) == ("HubSpot answered 502 to GET note", 502)
        assert len(crm.requests) == 3
    down = hubspot_crm(down=True)
    try:
        error = asyncio.run(call(down.url))
        assert error.message == "HubSpot could not be reached for GET note (ConnectError)"
    finally:
        down.close()
