"""The real ``klarsteg serve`` (a subprocess) with HubSpot and Pipedrive configured from the
environment and HubSpot's API as a local stand-in: a signed note creation is fetched, scored
and written back; a bad signature and a stale timestamp are 401; a replay is 2xx and writes
nothing; Pipedrive without its Basic credentials is 401, with them 2xx."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from fixtures.integrations.helpers import (
    API_KEY,
    CLIENT_SECRET,
    HS_TOKEN,
    PD_PASSWORD,
    PD_USER,
    SECRETS,
    basic,
    fixture,
    post_hubspot,
    post_pipedrive,
    wait_events,
)
from fixtures.integrations.standins import HubSpotStandIn

KLARSTEG = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "klarsteg"
NOTE = "<p>Möte med Eva.</p><ul><li>Hon pratar med IT</li></ul><p>Vi bokade demo tis 17/3 kl 10<br>för att visa integrationen.</p>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(not KLARSTEG.exists(), reason="the klarsteg command is not installed")
def test_klarsteg_serve_end_to_end(tmp_path: Path) -> None:
    with HubSpotStandIn(HS_TOKEN) as crm:
        crm.add_note("51001", NOTE, "2026-03-10T08:30:00Z")
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLARSTEG_")} | {
            "KLARSTEG_HUBSPOT_CLIENT_SECRET": CLIENT_SECRET,
            "KLARSTEG_HUBSPOT_ACCESS_TOKEN": HS_TOKEN,
            "KLARSTEG_HUBSPOT_API_BASE": crm.url,
            "KLARSTEG_PIPEDRIVE_WEBHOOK_USER": PD_USER,
            "KLARSTEG_PIPEDRIVE_WEBHOOK_PASSWORD": PD_PASSWORD,
            "KLARSTEG_API_KEY": API_KEY,
            "KLARSTEG_DATA_DIR": str(tmp_path / "data"),
            "KLARSTEG_LOG_LEVEL": "DEBUG",
        }
        log = tmp_path / "serve.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [str(KLARSTEG), "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            events = fixture("hubspot/note_creation_generic.json")
            events[0]["objectId"] = 51001
            ok = post_hubspot(base, events)
            assert ok.status_code == 200 and ok.json()["queued"] == 1, ok.text
            (patch,) = crm.wait_for("PATCH", "/crm/v3/objects/notes/51001")
            assert crm.calls("GET")[0].path == "/crm/v3/objects/notes/51001"
            assert patch.body["properties"]["klarsteg_score"] == "100"
            assert post_hubspot(base, events, secret="not-the-secret").status_code == 401
            stale = int(time.time() * 1000) - 6 * 60 * 1000
            assert post_hubspot(base, events, timestamp_ms=stale).status_code == 401
            replay = post_hubspot(base, events)
            assert replay.status_code == 200 and replay.json()["duplicates"] == 1
            note = fixture("pipedrive/note_create_v2.json")
            assert post_pipedrive(base, note, auth={}).status_code == 401
            assert post_pipedrive(base, note, auth=basic()).status_code == 200
            wait_events(base, 2)
            time.sleep(0.3)
            assert len(crm.calls("PATCH")) == 1
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    output = log.read_text()
    assert "webhook queue started" in output
    for needle in (*SECRETS, "Eva", "integrationen", "Bergström"):
        assert needle not in output, needle
