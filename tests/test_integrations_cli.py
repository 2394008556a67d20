"""``klarsteg hubspot setup`` against the HubSpot stand-in: the property group and the three
note properties are created once; a second run finds them; errors are clear and print no
token. (In process, for speed; ``test_integrations_serve`` runs the installed command.)"""

from __future__ import annotations

import os
from typing import Any

from fixtures.integrations.helpers import HS_TOKEN
from fixtures.integrations.standins import HubSpotStandIn
from typer.testing import CliRunner

from model.settings import get_settings
from service.cli import app as cli_app


def run(*args: str, **env: str) -> Any:
    """``klarsteg hubspot setup ARGS`` with only ``env`` among the KLARSTEG_ variables."""
    clean: dict[str, str | None] = {k: None for k in os.environ if k.startswith("KLARSTEG_")}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli_app, ["hubspot", "setup", *args], env=clean | env)
    finally:
        get_settings.cache_clear()


def test_setup_creates_the_properties_once() -> None:
    with HubSpotStandIn(HS_TOKEN) as crm:
        env = {"KLARSTEG_HUBSPOT_ACCESS_TOKEN": HS_TOKEN, "KLARSTEG_HUBSPOT_API_BASE": crm.url}
        first = run(**env)
        assert first.exit_code == 0, first.stderr
        assert first.stdout.split("\n")[:4] == [
            "created  group klarsteg",
            "created  klarsteg_score",
            "created  klarsteg_verdict",
            "created  klarsteg_missing",
        ]
        second = run("--api-base", crm.url + "/", KLARSTEG_HUBSPOT_ACCESS_TOKEN=HS_TOKEN)
        assert second.exit_code == 0, second.stderr
        assert second.stdout.split() == [
            "exists", "group", "klarsteg", "exists", "klarsteg_score",
            "exists", "klarsteg_verdict", "exists", "klarsteg_missing",
        ]  # fmt: skip
    posts = crm.calls("POST", "/crm/v3/properties/notes")
    assert len(posts) == 8 and all(p.headers["Authorization"] == f"Bearer {HS_TOKEN}" for p in posts)
    props = crm.properties
    assert (props["klarsteg_score"]["type"], props["klarsteg_score"]["fieldType"]) == ("number", "number")
    assert [o["value"] for o in props["klarsteg_verdict"]["options"]] == [
        "concrete",
        "partial",
        "vague",
        "none",
    ]
    assert props["klarsteg_missing"]["fieldType"] == "checkbox"
    assert [o["value"] for o in props["klarsteg_missing"]["options"]] == ["next_step", "reason", "when"]
    assert {p["groupName"] for p in props.values()} == {"klarsteg"}


def test_setup_errors_are_clear() -> None:
    missing = run()
    assert missing.exit_code == 2 and "KLARSTEG_HUBSPOT_ACCESS_TOKEN" in missing.stderr
    with HubSpotStandIn("the-right-token") as crm:
        wrong = run(KLARSTEG_HUBSPOT_ACCESS_TOKEN=HS_TOKEN, KLARSTEG_HUBSPOT_API_BASE=crm.url)
    assert wrong.exit_code == 2
    assert "HubSpot answered 401 to POST group klarsteg: check the access token" in wrong.stderr
    assert HS_TOKEN not in wrong.output
    bad_url = run("--api-base", "ftp://example.com", KLARSTEG_HUBSPOT_ACCESS_TOKEN=HS_TOKEN)
    assert bad_url.exit_code == 2 and "http(s) base URL" in bad_url.stderr
