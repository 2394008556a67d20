"""HubSpot webhooks over real HTTP: Klarsteg under uvicorn, HubSpot's API as a local stand-in.

Signed and unsigned deliveries, stale and future timestamps, replays, the classic and the
generic note events, other events ignored, HTML notes with lists and line breaks in
Swedish and English, the write-back, tasks, a CRM answering 429 then 200 (Retry-After
honoured) or too late, and errors that say what to do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fixtures.integrations.helpers import (
    HS_TOKEN,
    HUBSPOT_PATH,
    fixture,
    hubspot_headers,
    hubspot_settings,
    list_events,
    post_hubspot,
    wait_events,
)
from fixtures.integrations.standins import HubSpotStandIn
from support import ServerThread

from model.pipeline import Klarsteg
from service.app import create_app
from service.integrations import hubspot

NOTES = fixture("hubspot/notes.json")


def standin(**kwargs: Any) -> HubSpotStandIn:
    crm = HubSpotStandIn(HS_TOKEN, **kwargs)
    for note_id, props in NOTES.items():
        crm.add_note(note_id, props["hs_note_body"], props["hs_timestamp"], deals=["4401"], owner="77")
    return crm


@pytest.fixture()
def crm() -> Iterator[HubSpotStandIn]:
    with standin() as s:
        yield s


def serve(tmp_path: Path, crm: HubSpotStandIn, model: Klarsteg, **overrides: Any) -> ServerThread:
    return ServerThread(create_app(hubspot_settings(tmp_path, crm.url, **overrides), model=model))


# ------------------------------------------------------------------ signature, unit level


def test_signature_is_base64_hmac_sha256_of_method_uri_body_timestamp() -> None:
    body = b'[{"eventId":1}]'
    uri = "https://klarsteg.example.com/v1/integrations/hubspot/webhook"
    expected = (
        "C4dpJlzZGQeTs9QQL9S82EwPwCAvHVRtz5KbLkKodSc="  # openssl dgst -sha256 -hmac s3cr3t -binary | base64
    )
    assert hubspot.signature("s3cr3t", "POST", uri, body, "1773135000000") == expected
    # HubSpot decodes %3A, %2F, ... in the URI before signing.
    encoded = "https://klarsteg.example.com/v1/integrations/hubspot/webhook?next=%2Fa%3Ab"
    assert hubspot.signature("s3cr3t", "POST", encoded, body, "1") == hubspot.signature(
        "s3cr3t", "POST", "https://klarsteg.example.com/v1/integrations/hubspot/webhook?next=/a:b", body, "1"
    )


def test_verify_refuses_missing_stale_future_and_tampered() -> None:
    uri, body = "http://h/v1/integrations/hubspot/webhook", b"[]"
    now = int(time.time() * 1000)
    good = hubspot.signature("k", "POST", uri, body, str(now))
    assert hubspot.verify("k", "POST", uri, body, str(now), good) is None
    assert "missing" in hubspot.verify("k", "POST", uri, body, None, good)
    assert "missing" in hubspot.verify("k", "POST", uri, body, str(now), None)
    assert "not a number" in hubspot.verify("k", "POST", uri, body, "soon", good)
    stale = str(now - 301_000)
    assert "5 minutes" in hubspot.verify(
        "k", "POST", uri, body, stale, hubspot.signature("k", "POST", uri, body, stale)
    )
    ahead = str(now + 301_000)
    assert "5 minutes" in hubspot.verify(
        "k", "POST", uri, body, ahead, hubspot.signature("k", "POST", uri, body, ahead)
    )
    assert "does not match" in hubspot.verify("k", "POST", uri, body + b" ", str(now), good)
    assert "does not match" in hubspot.verify("other", "POST", uri, body, str(now), good)
    assert "does not match" in hubspot.verify("k", "POST", uri, body, str(now), "ünïcödé")


def test_note_date_is_hs_timestamp_in_the_configured_time_zone() -> None:
    stockholm = ZoneInfo("Europe/Stockholm")
    assert hubspot.note_date("2026-03-10T23:30:00.000Z", stockholm) == date(2026, 3, 11)
    assert hubspot.note_date("2026-03-10T23:30:00.000Z", ZoneInfo("UTC")) == date(2026, 3, 10)
    assert hubspot.note_date("1773185400000", stockholm) == date(2026, 3, 11)  # epoch ms
    assert hubspot.note_date(None, stockholm) is None
    assert hubspot.note_date("not a date", stockholm) is None


def test_which_events_are_notes() -> None:
    kinds = [hubspot.note_event(e) for e in fixture("hubspot/mixed_batch.json")]
    assert [k.object_id if k else None for k in kinds] == [None, None, None, None, None, "51006"]
    change = [hubspot.note_event(e) for e in fixture("hubspot/note_body_change.json")]
    assert [(c.event_type, c.object_id) for c in change] == [
        ("note.change", "51003"),
        ("note.change", "51004"),
    ]
    # The new body that a propertyChange carries is not kept: only ids.
    assert all(
        "propertyValue" not in json.dumps(c.payload) and "Karin" not in json.dumps(c.payload) for c in change
    )
    assert hubspot.note_event({"subscriptionType": "note.creation", "objectId": True, "eventId": 1}) is None
    assert hubspot.note_event("note.creation") is None


# ------------------------------------------------------------------ over HTTP


def test_signed_note_creation_is_fetched_scored_and_written_back(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model) as app:
        started = time.monotonic()
        r = post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
        assert time.monotonic() - started < 1.0
        assert r.status_code == 200, r.text
        assert r.json() == {"received": 1, "queued": 1, "duplicates": 0, "ignored": 0}
        (patch,) = crm.wait_for("PATCH", "/crm/v3/objects/notes/51001")
        (get,) = crm.calls("GET")
        assert get.path == "/crm/v3/objects/notes/51001"
        assert get.query == {"properties": ["hs_note_body,hs_timestamp"]}
        assert get.headers["Authorization"] == f"Bearer {HS_TOKEN}"
        # Swedish HTML with a list and a <br>: demo on Tue 17/3 at 10, a reason: concrete.
        assert patch.body == {
            "properties": {"klarsteg_score": "100", "klarsteg_verdict": "concrete", "klarsteg_missing": ""}
        }
        (event,) = wait_events(app.url, 1)
        assert event["source"] == "hubspot" and event["object_id"] == "51001"
        assert (event["status"], event["score"], event["verdict"], event["missing"]) == (
            "done",
            100,
            "concrete",
            [],
        )
        assert event["event_type"] == "note.creation" and event["written"] == "note properties"
        assert not crm.tasks  # tasks are off by default


def test_generic_creation_and_body_changes_are_scored(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model) as app:
        assert post_hubspot(app.url, fixture("hubspot/note_creation_generic.json")).json()["queued"] == 1
        assert post_hubspot(app.url, fixture("hubspot/note_body_change.json")).json()["queued"] == 2
        events = wait_events(app.url, 3)
    by_note = {e["object_id"]: e for e in events}
    assert set(by_note) == {"51002", "51003", "51004"}
    for note_id in ("51002", "51003", "51004"):  # Swedish and English brush-offs: vague
        assert by_note[note_id]["verdict"] == "vague" and by_note[note_id]["score"] < 50, by_note[note_id]
        assert crm.notes[note_id]["properties"]["klarsteg_verdict"] == "vague"
        assert "reason" in crm.notes[note_id]["properties"]["klarsteg_missing"].split(";")


def test_other_events_are_acknowledged_and_ignored(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    with serve(tmp_path, crm, klarsteg_model) as app:
        r = post_hubspot(app.url, fixture("hubspot/mixed_batch.json"))
        assert r.status_code == 200
        assert r.json() == {"received": 6, "queued": 1, "duplicates": 0, "ignored": 5}
        (event,) = wait_events(app.url, 1)
        # A numbered list (<ol>): the call on Friday 13/3 at 14 with its reason is concrete.
        assert (event["object_id"], event["verdict"]) == ("51006", "concrete")
        # Klarsteg's own write-back (a change of klarsteg_score) started nothing.
        assert [c.path for c in crm.calls("GET")] == ["/crm/v3/objects/notes/51006"]


def test_unsigned_bad_and_stale_requests_are_401_and_cost_nothing(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    events = fixture("hubspot/note_creation_classic.json")
    body = json.dumps(events).encode()
    with serve(tmp_path, crm, klarsteg_model) as app:
        url = app.url.rstrip("/") + HUBSPOT_PATH
        now = int(time.time() * 1000)
        attempts = {
            "unsigned": {"Content-Type": "application/json"},
            "wrong secret": hubspot_headers(url, body, secret="not-the-secret"),
            "other URL": hubspot_headers(url + "?x=1", body),
            "stale": hubspot_headers(url, body, timestamp_ms=now - 6 * 60 * 1000),
            "future": hubspot_headers(url, body, timestamp_ms=now + 6 * 60 * 1000),
        }
        tampered = hubspot_headers(url, body)
        unsigned = {"Content-Type": "application/json"}
        with httpx.Client() as client:
            for name, headers in attempts.items():
                r = client.post(url, content=body, headers=headers)
                assert r.status_code == 401, (name, r.text)
                assert r.json()["detail"].startswith("the request is not signed by HubSpot")
            r = client.post(url, content=body.replace(b"51001", b"51002"), headers=tampered)
            assert r.status_code == 401
            # A flood of unsigned deliveries: no CRM call, nothing stored.
            for _ in range(30):
                assert client.post(url, content=body, headers=unsigned).status_code == 401
        time.sleep(0.2)
        assert crm.requests == []
        assert list_events(app.url) == []


def test_a_replay_writes_nothing_new(tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg) -> None:
    events = fixture("hubspot/note_creation_classic.json")
    with serve(tmp_path, crm, klarsteg_model) as app:
        assert post_hubspot(app.url, events).json()["queued"] == 1
        crm.wait_for("PATCH")
        wait_events(app.url, 1)
        # HubSpot's own retry (attemptNumber 1, a new signature and timestamp) and a verbatim replay.
        events[0]["attemptNumber"] = 1
        again = post_hubspot(app.url, events)
        assert again.status_code == 200 and again.json()["duplicates"] == 1 and again.json()["queued"] == 0
        time.sleep(0.3)
        assert len(crm.calls("PATCH")) == 1 and len(crm.calls("GET")) == 1
        assert len(list_events(app.url)) == 1


def test_429_then_200_honours_retry_after(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    crm.fail_next(429, {"Retry-After": "1"})
    with serve(tmp_path, crm, klarsteg_model) as app:
        post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
        crm.wait_for("PATCH")
        first, second = crm.calls("GET")[:2]
        # The backoff alone would have waited 10 ms; the CRM asked for 1 s.
        assert second.at - first.at >= 0.95
        (event,) = wait_events(app.url, 1)
        assert event["status"] == "done" and event["attempts"] == 1


def test_a_long_retry_after_puts_the_event_back_in_the_queue(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    crm.fail_next(503, {"Retry-After": "0.6"})
    with serve(tmp_path, crm, klarsteg_model, crm_backoff_max_s=0.3) as app:
        post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
        time.sleep(0.3)
        (pending,) = list_events(app.url)
        assert pending["status"] == "pending" and pending["error"] == "HubSpot answered 503 to GET note"
        crm.wait_for("PATCH")
        first, second = crm.calls("GET")[:2]
        assert second.at - first.at >= 0.55
        (event,) = wait_events(app.url, 1)
        assert (event["status"], event["attempts"], event["error"]) == ("done", 2, None)


def test_a_crm_that_answers_too_late_is_retried(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    crm.stall_next(0.6)
    with serve(tmp_path, crm, klarsteg_model, crm_timeout_s=0.3) as app:
        post_hubspot(app.url, fixture("hubspot/note_creation_generic.json"))
        crm.wait_for("PATCH")
        (event,) = wait_events(app.url, 1)
        assert event["status"] == "done"
    assert len(crm.calls("GET")) == 2


def test_tasks_on_the_deal_or_contact_when_not_concrete(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    crm.notes["51003"]["deals"] = []
    crm.notes["51003"]["contacts"] = ["601"]
    created = fixture("hubspot/note_creation_generic.json")  # 51002, vague, deal 4401
    # Its body set at creation: a propertyChange in the same delivery, for the same note.
    changed = created[0] | {"eventId": 3700999, "subscriptionType": "object.propertyChange"}
    with serve(tmp_path, crm, klarsteg_model, hubspot_create_tasks=True) as app:
        post_hubspot(app.url, [*created, changed | {"propertyName": "hs_note_body"}])
        post_hubspot(app.url, fixture("hubspot/note_body_change.json")[:1])  # 51003, vague, contact 601
        post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))  # 51001, concrete: no task
        finished = wait_events(app.url, 4)  # newest first
        events = {e["object_id"]: e for e in finished}  # the oldest event of each note
        # The same note edited again later: scored again, no second task.
        post_hubspot(app.url, [changed | {"eventId": 3701000, "propertyName": "hs_note_body"}])
        wait_events(app.url, 5)
    assert crm.calls("GET")[0].query == {
        "properties": ["hs_note_body,hs_timestamp,hubspot_owner_id"],
        "associations": ["deals,contacts"],
    }
    assert len(crm.tasks) == 2
    by_target = {t["associations"][0]["to"]["id"]: t for t in crm.tasks}
    deal_task, contact_task = by_target["4401"], by_target["601"]
    assert deal_task["associations"][0]["types"] == [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 216}
    ]
    assert contact_task["associations"][0]["types"][0]["associationTypeId"] == 204
    props = deal_task["properties"]
    assert props["hs_task_subject"].startswith("Settle the next step: ")
    assert props["hs_task_status"] == "NOT_STARTED" and props["hubspot_owner_id"] == "77"
    assert "<li>" in props["hs_task_body"] and "24/100" in props["hs_task_body"]
    assert events["51002"]["written"].startswith("note properties; task 900")  # its first event
    assert events["51002"]["followup_id"] is not None
    second = next(e for e in finished if e["object_id"] == "51002")
    assert second["id"] > events["51002"]["id"] and second["written"].endswith(" exists")
    assert events["51001"]["followup_id"] is None and events["51001"]["written"] == "note properties"


def test_errors_say_what_to_do(tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg) -> None:
    crm.properties["something_else"] = {}  # a portal where `klarsteg hubspot setup` was not run
    events = fixture("hubspot/note_creation_classic.json") + [
        {**fixture("hubspot/note_creation_classic.json")[0], "eventId": 3700777, "objectId": 59999}
    ]
    with serve(tmp_path, crm, klarsteg_model) as app:
        post_hubspot(app.url, events)
        by_note = {e["object_id"]: e for e in wait_events(app.url, 2)}
    assert by_note["51001"]["status"] == "failed"
    assert "klarsteg hubspot setup" in by_note["51001"]["error"] and "400" in by_note["51001"]["error"]
    assert by_note["59999"]["status"] == "failed" and "404" in by_note["59999"]["error"]
    assert by_note["59999"]["attempts"] == 1  # not retried: retrying cannot help


def test_a_wrong_token_is_retried_then_reported(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    crm.token = "another-token"
    with serve(tmp_path, crm, klarsteg_model, webhook_max_attempts=2) as app:
        post_hubspot(app.url, fixture("hubspot/note_creation_classic.json"))
        (event,) = wait_events(app.url, 1)
    assert event["status"] == "failed" and event["attempts"] == 2
    assert (
        event["error"]
        == "gave up after 2 attempts: HubSpot answered 401 to GET note: check the access token and its scopes"
    )


def test_off_without_secrets_and_body_limits(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    app = create_app(hubspot_settings(tmp_path, crm.url, hubspot_access_token=None), model=klarsteg_model)
    with ServerThread(app) as off:
        r = post_hubspot(off.url, fixture("hubspot/note_creation_classic.json"))
        assert r.status_code == 404 and "not configured" in r.json()["detail"]
    with serve(tmp_path, crm, klarsteg_model, webhook_max_body_bytes=2048) as app:
        big = [fixture("hubspot/note_creation_classic.json")[0] | {"eventId": i} for i in range(20)]
        assert post_hubspot(app.url, big).status_code == 413
        not_array = post_hubspot(app.url, {"eventId": 1})
        assert not_array.status_code == 400 and "JSON array" in not_array.json()["detail"]
        url = app.url.rstrip("/") + HUBSPOT_PATH
        deep = b"[" * 1500
        nested = httpx.post(url, content=deep, headers=hubspot_headers(url, deep))
        assert nested.status_code == 400 and "not JSON" in nested.json()["detail"]
    assert crm.requests == []


def test_public_url_is_the_signed_uri_behind_a_proxy(
    tmp_path: Path, crm: HubSpotStandIn, klarsteg_model: Klarsteg
) -> None:
    public = "https://klarsteg.example.com"
    body = json.dumps(fixture("hubspot/note_creation_classic.json")).encode()
    with serve(tmp_path, crm, klarsteg_model, public_url=public + "/") as app:
        url = app.url.rstrip("/") + HUBSPOT_PATH
        as_proxied = httpx.post(url, content=body, headers=hubspot_headers(url, body))
        assert as_proxied.status_code == 401
        as_public = httpx.post(url, content=body, headers=hubspot_headers(public + HUBSPOT_PATH, body))
        assert as_public.status_code == 200, as_public.text
        crm.wait_for("PATCH")
