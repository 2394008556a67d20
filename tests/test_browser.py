"""The web page in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn.

Skipped only when /usr/bin/chromium is missing (``bash scripts/setup.sh --browser`` installs it).
Saves docs/screenshot.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import CHROMIUM, ServerThread, chromium, watched_page

from model.pipeline import Klarsteg
from model.settings import Settings
from service.app import create_app

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshot.png"
SV_NOTE = "Vi bokade demo tis 17/3 kl 10 för att visa integrationen."
SCREENSHOT_NOTE = (
    "Meeting with Tom Berg at Acme Logistics. They liked the pilot results.\n"
    "Next step: demo next week to show the reporting module."
)
KEY = "browser-test-key"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")


@pytest.fixture(scope="module")
def server(klarsteg_model: Klarsteg) -> Iterator[str]:
    app = create_app(Settings(api_key=None, cors_origins=[]), model=klarsteg_model)
    with ServerThread(app) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), height=900) as context:
        yield context


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    with watched_page(browser_context, expected_console_error="status of 401") as page:
        yield page


def test_paste_a_note_score_it_and_see_the_highlights(server: str, page: Any) -> None:
    page.goto(server)
    assert page.title().startswith("Klarsteg")
    page.get_by_label("Paste a follow-up note").fill(SV_NOTE)
    page.get_by_label("Note date").fill("2026-03-10")
    page.get_by_role("button", name="Score").click()

    page.locator("#output").wait_for(state="visible")
    assert page.locator("#score-number").inner_text() == "100"
    assert "v-concrete" in page.locator("#score-value").get_attribute("class")
    assert page.locator("mark.hl-step").all_inner_texts() == ["bokade demo"]
    assert page.locator("mark.hl-reason").all_inner_texts() == ["visa integrationen"]
    assert page.locator("mark.hl-when").all_inner_texts() == ["tis 17/3 kl 10"]
    assert page.locator("#marked").inner_text() == SV_NOTE
    colours = {
        cls: page.locator(f"mark.{cls}").evaluate("e => getComputedStyle(e).backgroundColor")
        for cls in ("hl-step", "hl-reason", "hl-when")
    }
    assert len(set(colours.values())) == 3, colours
    # The note is Swedish, so the interface follows it.
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("#verdict").inner_text() == "Konkret"


def test_keyboard_only_with_the_english_example(server: str, page: Any) -> None:
    page.goto(server)
    page.locator("#note").focus()
    # Tab order reaches the example buttons; Enter presses them; Ctrl+Enter scores.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "example-en":
            break
    assert page.evaluate("document.activeElement.id") == "example-en"
    page.keyboard.press("Enter")
    assert "Friday" in page.locator("#note").input_value()
    page.keyboard.press("Control+Enter")
    page.locator("#output").wait_for(state="visible")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("mark.hl-when").count() == 1
    assert int(page.locator("#score-number").inner_text()) > 0


def test_errors_and_the_language_toggle(server: str, page: Any) -> None:
    page.goto(server)
    page.get_by_role("button", name="Svenska", exact=True).click()
    assert page.get_by_role("button", name="Bedöm").is_visible()
    page.get_by_role("button", name="Bedöm").click()
    assert "Klistra in" in page.locator("#error").inner_text()
    page.get_by_role("button", name="English", exact=True).click()
    page.locator("#note").fill("x" * 20_001)
    page.get_by_role("button", name="Score").click()
    assert "20,000" in page.locator("#error").inner_text()


def test_phone_width_and_screenshot(server: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server)
    page.get_by_role("button", name="Swedish note").click()
    assert page.locator("html").get_attribute("lang") == "sv"  # the example's language
    page.get_by_role("button", name="Bedöm").click()
    page.locator("#output").wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#note").fill(SCREENSHOT_NOTE)
    page.locator("#note-date").fill("2026-03-10")
    page.locator("#note").press("Control+Enter")
    expect(page.locator("#marked")).to_contain_text("Meeting with Tom Berg")
    expect(page.locator("#marked mark.hl-when")).to_have_count(1)
    page.evaluate("document.activeElement.blur()")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_page_asks_for_the_api_key(klarsteg_model: Klarsteg, page: Any) -> None:
    app = create_app(Settings(api_key=KEY, cors_origins=[]), model=klarsteg_model)
    with ServerThread(app) as running:
        page.goto(running.url)
        page.locator("#note").fill(SV_NOTE)
        page.get_by_role("button", name="Score").click()
        page.get_by_label("API key (kept").wait_for(state="visible")
        assert "API key" in page.locator("#error").inner_text()
        page.get_by_label("API key (kept").fill(KEY)
        page.get_by_label("API key (kept").press("Enter")
        assert page.evaluate("sessionStorage.getItem('klarsteg.apiKey')") == KEY
        page.get_by_role("button", name="Score").click()
        page.locator("#output").wait_for(state="visible")
        assert page.locator("mark.hl-step").inner_text() == "bokade demo"
