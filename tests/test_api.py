"""The HTTP API: success, every error status, security, privacy and overload, with the shipped model."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from model.pipeline import Klarsteg, NoteInput
from model.schema import ScoreResult
from model.scoring import build_result
from model.settings import Settings
from service.app import STATIC_DIR, create_app
from service.cli import app as cli_app

NOTE_DATE = "2026-03-10"
SV_NOTE = "Vi bokade demo tis 17/3 kl 10 för att visa integrationen."
EN_NOTE = "I'll call Anna on Friday at 2pm to go through the quote with the CFO."
SECRET = "s3cret-key-for-tests"


def make_settings(**overrides: Any) -> Settings:
    """Settings independent of the environment the tests run in."""
    base: dict[str, Any] = {"api_key": None, "cors_origins": []}
    return Settings(**(base | overrides))


@pytest.fixture(scope="module")
def client(klarsteg_model: Klarsteg) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), model=klarsteg_model)) as c:
        yield c


def post_score(client: TestClient, body: Any, **kwargs: Any) -> Any:
    return client.post("/v1/score", json=body, **kwargs)


def assert_error(response: Any, status: int, *needles: str) -> dict[str, Any]:
    """An error response: the status, a JSON body with a string ``detail`` naming ``needles``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    for needle in needles:
        assert needle in body["detail"], body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# --------------------------------------------------------------------------- success


def test_score_swedish_note(client: TestClient) -> None:
    r = post_score(client, {"text": SV_NOTE, "note_date": NOTE_DATE, "language": "auto"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["score"], body["verdict"], body["language"]) == (100, "concrete", "sv")
    assert body["parts"] == {"next_step": 30, "reason": 30, "when": 40}
    ns, rs, wh = body["next_step"], body["reason"], body["when"]
    assert (ns["text"], ns["action"], ns["owner"]) == ("bokade demo", "demo", "both")
    assert (rs["text"], rs["clear"]) == ("visa integrationen", True)
    assert (wh["text"], wh["granularity"], wh["value"], wh["has_time"], wh["clear"]) == (
        "tis 17/3 kl 10",
        "datetime",
        "2026-03-17T10:00",
        True,
        True,
    )
    assert body["missing"] == body["vague"] == body["questions"] == []
    for span in (ns, rs, wh):
        assert SV_NOTE[span["start"] : span["end"]] == span["text"]
        assert 0.0 <= span["confidence"] <= 1.0
    assert body["model_version"]
    assert set(body) == set(ScoreResult.model_fields)


def test_score_english_note(client: TestClient) -> None:
    r = post_score(client, {"text": EN_NOTE, "note_date": NOTE_DATE, "language": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["score"], body["verdict"], body["language"]) == (100, "concrete", "en")
    ns, rs, wh = body["next_step"], body["reason"], body["when"]
    assert (ns["action"], ns["owner"]) == ("call", "seller")
    assert ns["text"] == "I'll call Anna"
    assert rs["text"] == "go through the quote with the CFO" and rs["clear"] is True
    assert (wh["text"], wh["granularity"], wh["value"]) == (
        "on Friday at 2pm",
        "datetime",
        "2026-03-13T14:00",
    )
    for span in (ns, rs, wh):
        assert EN_NOTE[span["start"] : span["end"]] == span["text"]


def test_score_vague_note_has_questions_in_its_language(client: TestClient) -> None:
    r = post_score(client, {"text": "Kunden vill återkomma längre fram.", "note_date": NOTE_DATE})
    body = r.json()
    assert r.status_code == 200
    assert body["verdict"] == "vague" and body["language"] == "sv"
    assert body["questions"] and all(isinstance(q, str) for q in body["questions"])


def test_offsets_are_code_points(client: TestClient) -> None:
    text = "🚀👍 " + SV_NOTE
    body = post_score(client, {"text": text, "note_date": NOTE_DATE}).json()
    assert body["next_step"]["text"] == "bokade demo"
    assert text[body["next_step"]["start"] : body["next_step"]["end"]] == "bokade demo"


def test_optional_fields_and_the_longest_text(client: TestClient) -> None:
    r = post_score(client, {"text": "Ring Eva på fredag."})
    assert r.status_code == 200 and r.json()["language"] == "sv"
    longest = ("Ring Eva på fredag om offerten. " * 700)[:20_000]
    assert post_score(client, {"text": longest, "note_date": NOTE_DATE}).status_code == 200


def test_batch_keeps_order_and_ids_and_fails_bad_notes_alone(client: TestClient) -> None:
    notes = [
        {"id": "a", "text": SV_NOTE, "note_date": NOTE_DATE},
        {"id": "b", "text": "   "},
        {"id": 3, "text": EN_NOTE, "note_date": NOTE_DATE, "language": "en"},
        {"id": "d", "text": "Ring fredag", "note_date": "10/3/2026"},
        {"id": "e", "text": "Ring fredag", "language": "de"},
        {"id": "f", "text": "x" * 20_001},
        {"id": "g", "text": 42},
        {"id": "h"},
        {"text": "Vi hörs."},
    ]
    r = client.post("/v1/score/batch", json={"notes": notes})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [item["id"] for item in body["results"]] == ["a", "b", 3, "d", "e", "f", "g", "h", None]
    assert (body["scored"], body["errors"]) == (3, 6)
    ok = {item["id"]: item for item in body["results"] if item["error"] is None}
    assert set(ok) == {"a", 3, None}
    single = post_score(client, {"text": SV_NOTE, "note_date": NOTE_DATE}).json()
    assert ok["a"]["result"] == single
    fields = {item["id"]: item["error"]["field"] for item in body["results"] if item["error"]}
    assert fields == {"b": "text", "d": "note_date", "e": "language", "f": "text", "g": "text", "h": "text"}
    details = {item["id"]: item["error"]["detail"] for item in body["results"] if item["error"]}
    assert "20000" in details["f"] and "20000" in details["b"]
    assert "ISO" in details["d"]
    assert all(item["result"] is None for item in body["results"] if item["error"])


def test_batch_limit_and_empty_batch(client: TestClient) -> None:
    notes = [{"id": i, "text": "Ring fredag"} for i in range(1001)]
    assert_error(client.post("/v1/score/batch", json={"notes": notes}), 422, "1000", "notes")
    r = client.post("/v1/score/batch", json={"notes": []})
    assert r.status_code == 200 and r.json()["results"] == []


def test_batch_structure_errors(client: TestClient) -> None:
    assert_error(
        client.post("/v1/score/batch", json={"notes": [{"text": "x", "colour": "red"}]}), 422, "colour"
    )
    assert_error(client.post("/v1/score/batch", json={"notes": "x"}), 422, "notes")
    assert_error(client.post("/v1/score/batch", json={}), 422, "notes")
    assert_error(client.post("/v1/score/batch", json=[{"text": "x"}]), 422, "JSON object")


def test_info(client: TestClient, klarsteg_model: Klarsteg) -> None:
    r = client.get("/v1/info")
    assert r.status_code == 200
    body = r.json()
    meta = klarsteg_model.artifacts.metadata
    assert body["model_version"] == klarsteg_model.version == meta["version"]
    assert body["languages"] == ["sv", "en"]
    assert body["trained_at"] == meta["trained_at"]
    assert body["dev_metrics"] == meta["dev_metrics"]
    assert body["limits"] == {
        "max_text_chars": 20_000,
        "max_batch_notes": 1000,
        "max_body_bytes": 2 * 1024 * 1024,
    }


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_not_ready_before_the_model_is_loaded() -> None:
    c = TestClient(create_app(make_settings()))  # no `with`: the lifespan has not loaded a model
    assert c.get("/healthz").status_code == 200
    r = c.get("/readyz")
    assert_error(r, 503, "not loaded")
    assert r.headers["retry-after"]
    assert_error(c.post("/v1/score", json={"text": SV_NOTE}), 503, "not loaded")


def test_openapi_has_swedish_and_english_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/score", "/v1/score/batch", "/v1/info", "/healthz", "/readyz"} <= set(spec["paths"])
    examples = spec["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert {"swedish", "english"} <= set(examples)
    assert "bokade demo" in examples["swedish"]["value"]["text"]
    assert client.get("/docs").status_code == 200


def test_docs_work_on_a_closed_network(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200


def test_the_lifespan_loads_the_shipped_model() -> None:
    app = create_app(make_settings())
    with TestClient(app) as c:
        assert c.get("/readyz").status_code == 200
        assert post_score(c, {"text": SV_NOTE, "note_date": NOTE_DATE}).json()["score"] == 100
    assert c.app is app


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ({"text": ""}, ("text", "1 to 20000")),
        ({"text": " \n\t "}, ("text", "1 to 20000")),
        ({"text": "x" * 20_001}, ("text", "20000")),
        ({"text": 17}, ("text", "string")),
        ({"text": None}, ("text",)),
        ({}, ("text", "required")),
        ({"text": "Ring fredag", "note_date": "10/3/2026"}, ("note_date", "ISO")),
        ({"text": "Ring fredag", "note_date": "2026-02-30"}, ("note_date",)),
        ({"text": "Ring fredag", "note_date": 20260310}, ("note_date",)),
        ({"text": "Ring fredag", "language": "de"}, ("language", "auto, sv, en")),
        ({"text": "Ring fredag", "lang": "sv"}, ("lang", "text, note_date, language")),
        ({"text": "Ring \ud800 fredag"}, ("text", "Unicode")),
        ("just a string", ("JSON object",)),
        ([1, 2], ("JSON object",)),
    ],
)
def test_invalid_fields_get_422_naming_the_field(
    client: TestClient, body: Any, needles: tuple[str, ...]
) -> None:
    r = client.post(
        "/v1/score",
        content=json.dumps(body, ensure_ascii=True),
        headers={"Content-Type": "application/json"},
    )
    err = assert_error(r, 422, *needles)
    assert err["errors"] and "field" in err["errors"][0]


def test_body_over_the_limit_gets_413(client: TestClient) -> None:
    big = json.dumps({"text": "a" * (2 * 1024 * 1024 + 10)})
    assert_error(
        client.post("/v1/score", content=big, headers={"Content-Type": "application/json"}), 413, "2097152"
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body streams in chunks
        yield b'{"text": "'
        for _ in range(40):
            yield b"a" * 65_536
        yield b'"}'

    r = client.post("/v1/score", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in r.request.headers
    assert_error(r, 413, "2097152")


def test_a_lying_content_length_is_refused(client: TestClient) -> None:
    r = client.post(
        "/v1/score",
        content=b'{"text": "x"}',
        headers={"Content-Type": "application/json", "Content-Length": "abc"},
    )
    assert_error(r, 400, "Content-Length")
    r = client.post(
        "/v1/score",
        content=b'{"text": "x"}',
        headers={"Content-Type": "application/json", "Content-Length": "\xb2".encode("latin-1")},
    )
    assert_error(r, 400, "Content-Length")
    r = client.post(
        "/v1/score",
        content=b'{"text": "x"}',
        headers={"Content-Type": "application/json", "Content-Length": "9" * 5000},
    )
    assert_error(r, 413, "limit")


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"text": "Ring fredag"', "application/json", 400),
        (b"{'text': 'x'}", "application/json", 400),
        (b"", "application/json", 422),
        (b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00garbage", "application/json", 400),
        (b"\xff" * 64, "application/json", 400),
        (b"[" * 50_000, "application/json", 400),
        (b'{"text": "x"}', "text/plain", 415),
        (b"text=hej", "application/x-www-form-urlencoded", 415),
        (b'{"text": "x"}', None, 415),
        (rb'{"\ud800": 1, "text": "x"}', "application/json", 422),
        (b'{"text": "x"}', "application/json; charset=latin-1; boundary=\xff", 200),
    ],
)
def test_malformed_bodies_get_4xx_json(
    client: TestClient, content: bytes, content_type: str | None, status: int
) -> None:
    headers = {"Content-Type": content_type.encode("latin-1")} if content_type else {}
    r = client.post("/v1/score", content=content, headers=headers)
    if status == 200:
        assert r.status_code == 200, r.text
    else:
        assert_error(r, status)


def test_unknown_routes_and_methods_get_json_errors(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing"), 404)
    assert_error(client.get("/v1/score"), 405)
    assert_error(client.get("/static/missing.js"), 404)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_no_bytes_produce_a_5xx(client: TestClient, body: bytes) -> None:
    for path in ("/v1/score", "/v1/score/batch"):
        r = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (body, r.text)
        assert isinstance(r.json()["detail"], str)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "text": _json | st.text(min_size=0, max_size=200),
        "note_date": _json | st.dates().map(str),
        "language": _json | st.sampled_from(["auto", "sv", "en"]),
        "id": _json,
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=_fields)
def test_no_json_note_produces_a_5xx(client: TestClient, note: dict[str, Any]) -> None:
    single = {k: v for k, v in note.items() if k != "id"}
    r = client.post("/v1/score", json=single)
    assert r.status_code in (200, 422), r.text
    r = client.post("/v1/score/batch", json={"notes": [note, {"text": SV_NOTE}]})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert r.json()["results"][1]["result"] is not None


# --------------------------------------------------------------------------- security


@pytest.fixture(scope="module")
def keyed(klarsteg_model: Klarsteg) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(api_key=SECRET), model=klarsteg_model)) as c:
        yield c


def test_api_key_is_required_when_set(keyed: TestClient) -> None:
    body = {"text": SV_NOTE, "note_date": NOTE_DATE}
    r = keyed.post("/v1/score", json=body)
    assert_error(r, 401, "API key")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(keyed.post("/v1/score", json=body, headers={"X-API-Key": "wrong"}), 401)
    assert_error(keyed.post("/v1/score", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(keyed.post("/v1/score", json=body, headers={"X-API-Key": "ünïcode".encode("latin-1")}), 401)
    assert_error(keyed.get("/v1/info"), 401)
    assert_error(keyed.post("/v1/score/batch", json={"notes": []}), 401)
    assert keyed.post("/v1/score", json=body, headers={"X-API-Key": SECRET}).json()["score"] == 100
    assert (
        keyed.post("/v1/score", json=body, headers={"Authorization": f"Bearer {SECRET}"}).status_code == 200
    )
    assert keyed.get("/v1/info", headers={"X-API-Key": SECRET}).status_code == 200


def test_health_and_page_stay_open_with_a_key(keyed: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/", "/static/app.js", "/static/app.css"):
        assert keyed.get(path).status_code == 200, path


def test_cors_is_off_by_default(client: TestClient) -> None:
    r = client.post("/v1/score", json={"text": SV_NOTE}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.options(
        "/v1/score", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_allow_list(klarsteg_model: Klarsteg) -> None:
    app = create_app(make_settings(cors_origins=["https://crm.example"]), model=klarsteg_model)
    with TestClient(app) as c:
        pre = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        }
        r = c.options("/v1/score", headers={"Origin": "https://crm.example", **pre})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://crm.example"
        r = c.options("/v1/score", headers={"Origin": "https://evil.example", **pre})
        assert "access-control-allow-origin" not in r.headers
        r = c.post("/v1/score", json={"text": SV_NOTE}, headers={"Origin": "https://crm.example"})
        assert r.headers["access-control-allow-origin"] == "https://crm.example"


def test_request_id_is_accepted_or_generated(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "crm-sync-42"})
    assert r.headers["x-request-id"] == "crm-sync-42"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    r = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert r.headers["x-request-id"] != "bad id\twith spaces"


def test_page_is_self_contained(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    for name in ("index.html", "app.js", "app.css"):
        source = (STATIC_DIR / name).read_text(encoding="utf-8")
        assert "http://" not in source and "https://" not in source, name
        assert "//cdn" not in source and "@import" not in source, name


def test_note_text_never_reaches_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret_text = (
        "Kunden Sven Svensson på Hemlig AB: vi bokade demo tis 17/3 kl 10 för att visa integrationen."
    )
    with caplog.at_level(logging.DEBUG):
        post_score(
            client, {"text": secret_text, "note_date": NOTE_DATE}, headers={"X-Request-ID": "log-test-1"}
        )
        post_score(client, {"text": secret_text, "note_date": "bad date Sven Svensson"})
        post_score(client, {"text": secret_text, "surprise": "Sven Svensson"})
        client.post(
            "/v1/score", content=b'{"text": "Sven Svensson', headers={"Content-Type": "application/json"}
        )
        client.post("/v1/score/batch", json={"notes": [{"text": secret_text, "language": "Sven Svensson"}]})
    logged = "\n".join(f"{rec.getMessage()} {rec.exc_text or ''}" for rec in caplog.records)
    assert "Svensson" not in logged and "Hemlig" not in logged
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "klarsteg.service"]
    assert any(
        "request_id=log-test-1" in line and "status=200" in line and "duration_ms=" in line for line in lines
    )


# --------------------------------------------------------------------------- overload and failures


@dataclass
class FakeArtifacts:
    metadata: dict[str, Any] = field(
        default_factory=lambda: {
            "version": "fake-1",
            "trained_at": None,
            "languages": ["sv", "en"],
            "dev_metrics": {},
        }
    )


class FakeModel:
    """Scores every note as 'none'; can block until released, or fail on notes containing 'BOOM'."""

    version = "fake-1"

    def __init__(self, block: threading.Event | None = None) -> None:
        self.artifacts = FakeArtifacts()
        self.block = block
        self.entered = threading.Event()

    def score_many(self, notes: list[NoteInput]) -> list[ScoreResult]:
        self.entered.set()
        if self.block is not None:
            self.block.wait(timeout=10)
        if any("BOOM" in n.text for n in notes):
            raise RuntimeError(f"model crashed on {notes[0].text}")
        return [build_result(None, None, None, "sv", self.version) for _ in notes]


def test_overload_gets_503_with_retry_after_quickly() -> None:
    release = threading.Event()
    model = FakeModel(block=release)
    app = create_app(make_settings(max_concurrency=1, queue_timeout_s=0.2), model=model)  # type: ignore[arg-type]
    with TestClient(app) as c, ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(c.post, "/v1/score", json={"text": "första"})
        assert model.entered.wait(5)
        started = time.monotonic()
        r = c.post("/v1/score", json={"text": "andra"})
        waited = time.monotonic() - started
        health = c.get("/healthz")  # the event loop is free while a note is scored
        release.set()
        assert first.result(timeout=10).status_code == 200
    assert_error(r, 503, "busy")
    assert int(r.headers["retry-after"]) >= 1
    assert 0.15 <= waited < 2.0
    assert health.status_code == 200


def test_an_internal_error_is_a_json_500_that_logs_no_text(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(make_settings(), model=FakeModel())  # type: ignore[arg-type]
    with TestClient(app) as c, caplog.at_level(logging.DEBUG):
        r = c.post("/v1/score", json={"text": "BOOM Sven Svensson"})
    assert_error(r, 500, "internal error")
    logged = "\n".join(f"{rec.getMessage()} {rec.exc_text or ''}" for rec in caplog.records)
    assert "RuntimeError" in logged and "Svensson" not in logged


def test_a_note_that_crashes_the_model_fails_alone_in_a_batch() -> None:
    app = create_app(make_settings(), model=FakeModel())  # type: ignore[arg-type]
    notes = [{"id": i, "text": "BOOM" if i == 100 else f"note {i}"} for i in range(150)]
    with TestClient(app) as c:
        r = c.post("/v1/score/batch", json={"notes": notes})
    assert r.status_code == 200
    body = r.json()
    assert [item["id"] for item in body["results"]] == list(range(150))
    assert (body["scored"], body["errors"]) == (149, 1)
    crashed = body["results"][100]
    assert crashed["result"] is None and "could not be scored" in crashed["error"]["detail"]
    assert all(item["result"]["score"] == 0 for i, item in enumerate(body["results"]) if i != 100)


def test_the_batch_limit_comes_from_the_settings(klarsteg_model: Klarsteg) -> None:
    app = create_app(make_settings(max_batch_notes=3), model=klarsteg_model)
    notes = [{"id": i, "text": SV_NOTE, "note_date": NOTE_DATE} for i in range(4)]
    with TestClient(app) as c:
        assert c.post("/v1/score/batch", json={"notes": notes[:3]}).json()["scored"] == 3
        assert_error(c.post("/v1/score/batch", json={"notes": notes}), 422, "at most 3")


def test_serve_command_is_registered() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers"):
        assert option in result.output


def test_static_files_exist() -> None:
    assert {p.name for p in Path(STATIC_DIR).iterdir()} >= {"index.html", "app.js", "app.css"}
