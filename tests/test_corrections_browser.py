"""Correcting a result on the web page, in a real browser (Debian's Chromium via Playwright).

Skipped only when /usr/bin/chromium is missing. The corrections go to a temporary data dir.
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
from service.corrections.store import CorrectionStore

NOTE = "Bra möte med Eva. Vi bokade demo tis 17/3 kl 10 för att visa integrationen."

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def server(klarsteg_model: Klarsteg, data_dir: Path) -> Iterator[str]:
    app = create_app(Settings(api_key=None, cors_origins=[], data_dir=data_dir), model=klarsteg_model)
    with ServerThread(app) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), height=1000) as context:
        yield context


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    with watched_page(browser_context, expected_console_error="status of 422") as page:
        yield page


def stored(data_dir: Path) -> list[Any]:
    store = CorrectionStore(data_dir)
    try:
        return store.page(limit=100)
    finally:
        store.close()


def score(page: Any, server: str, text: str, ui: str = "English") -> None:
    page.goto(server)
    page.get_by_role("button", name=ui, exact=True).click()  # pin the interface language
    page.locator("#note").fill(text)
    page.locator("#note-date").fill("2026-03-10")
    page.locator("#note").press("Control+Enter")
    page.locator("#output").wait_for(state="visible")


def test_correct_a_result_with_the_keyboard(server: str, page: Any, data_dir: Path) -> None:
    from playwright.sync_api import expect

    score(page, server, NOTE)
    assert page.locator("#score-number").inner_text() == "100"
    page.get_by_role("button", name="Correct this result").click()
    panel = page.locator("#correct-panel")
    expect(panel).to_be_visible()
    # the form starts from the model's answer, and the score it gives
    expect(page.locator("#step-text")).to_have_value("bokade demo")
    expect(page.locator("#reason-text")).to_have_value("visa integrationen")
    expect(page.locator("#corr-score")).to_contain_text("With your correction: 100/100")
    assert page.evaluate("document.activeElement.id") == "corr-note"

    # Marking with nothing selected says what to do.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mark-when"
    page.keyboard.press("Enter")
    expect(page.locator("#mark-status")).to_have_text("Select words in the note first.")
    assert page.evaluate("document.activeElement.id") == "corr-note"

    # The reason is not in the note: the score drops to 70 (no reason part).
    page.get_by_role("group", name="Reason").get_by_label("Not in the note").check()
    expect(page.locator("#corr-score")).to_contain_text("70/100, Partly concrete")
    expect(page.locator("#corr-marked mark.hl-reason")).to_have_count(0)

    # Select "tis 17/3" with Shift+arrows and mark it as the when (keyboard only).
    page.locator("#corr-note").focus()
    page.keyboard.press("Control+Home")
    for _ in range(NOTE.index("tis 17/3")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("tis 17/3")):
        page.keyboard.press("Shift+ArrowRight")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mark-when"
    page.keyboard.press("Enter")
    expect(page.locator("#when-text")).to_have_value("tis 17/3")
    expect(page.locator("#mark-status")).to_contain_text("tis 17/3")
    expect(page.locator("#when-reading")).to_contain_text("date and time 2026-03-17T10:00")
    expect(page.locator("#corr-marked mark.hl-when")).to_have_text("tis 17/3")

    # Say it is a date, not a date and time: the date layer disagrees until overruled.
    page.locator("#when-gran").select_option("date")
    page.locator("#when-value").fill("2026-03-17")
    expect(page.locator("#corr-problems")).to_contain_text("The words read as another date than yours")
    override = page.get_by_label("Keep my date")
    expect(override).to_be_visible()
    override.focus()
    page.keyboard.press("Space")
    expect(page.locator("#corr-problems")).to_be_empty()
    expect(page.locator("#corr-score")).to_contain_text("64/100")

    page.locator("#corr-save").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#corr-status")).to_contain_text("Saved as correction")
    expect(panel).to_be_hidden()
    (row,) = stored(data_dir)
    assert row.record["reason"] is None
    assert row.record["when"] == {"text": "tis 17/3", "granularity": "date", "value": "2026-03-17"}
    assert row.date_check == "override"
    assert row.model_answer is not None and row.model_answer["score"] == 100
    assert row.record["next_step"] == {"text": "bokade demo", "action": "demo", "owner": "both"}


def test_correct_in_swedish_not_in_the_note_and_a_bad_phrase(server: str, page: Any, data_dir: Path) -> None:
    from playwright.sync_api import expect

    before = len(stored(data_dir))
    text = "Kunden hörde av sig. Vi hörs längre fram om offerten."
    score(page, server, text, ui="Svenska")
    page.get_by_role("button", name="Rätta resultatet").click()
    expect(page.locator("#correct-panel")).to_be_visible()
    assert page.get_by_label("Anteckningen: markera ord i den").input_value() == text

    # A phrase that is not in the note is refused, and the page says why.
    if page.get_by_role("group", name="Nästa steg").get_by_label("Finns inte i anteckningen").is_checked():
        page.get_by_role("group", name="Nästa steg").get_by_label("Finns inte i anteckningen").uncheck()
    page.locator("#step-text").fill("ringer kunden")
    expect(page.locator("#corr-problems")).to_contain_text("not a substring")
    page.get_by_role("button", name="Spara rättningen").click()
    expect(page.locator("#corr-problems")).to_contain_text("not a substring")
    assert len(stored(data_dir)) == before

    # No next step at all: reason and when go with it, and the score is 0.
    page.get_by_role("group", name="Nästa steg").get_by_label("Finns inte i anteckningen").check()
    expect(page.locator("#reason-text")).to_be_disabled()
    expect(page.locator("#when-text")).to_be_disabled()
    expect(page.locator("#corr-score")).to_contain_text("Med din rättning: 0/100, Inget nästa steg")
    page.get_by_role("button", name="Spara rättningen").click()
    expect(page.locator("#corr-status")).to_contain_text("Sparad som rättning")
    rows = stored(data_dir)
    assert len(rows) == before + 1
    assert rows[0].record["next_step"] is None and rows[0].record["lang"] == "sv"

    # Escape closes the panel; a new result starts a new correction.
    page.get_by_role("button", name="Rätta resultatet").click()
    page.keyboard.press("Escape")
    expect(page.locator("#correct-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "correct-open"
