"""The browser extension (extension/) in Debian's Chromium, headless, against a real uvicorn.

One browser for the module, with the unpacked extension loaded (``--load-extension``); our own
fixture pages (tests/fixtures/extension/) served on 127.0.0.1; live servers of the app on free
ports. Skipped only when /usr/bin/chromium is missing. Saves docs/extension.png.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import CHROMIUM, ServerThread, chromium

from model.pipeline import Klarsteg
from model.settings import Settings
from service.app import create_app

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extension"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extension"
SCREENSHOT = ROOT / "docs" / "extension.png"
KEY = "extension-test-key"
HOST = "klarsteg-panel"

EN_NOTE = "Good call with Tom at Acme, they liked the pilot. Demo next week to show the reporting module to their CFO."
SV_NOTE = "Bra samtal med Eva. Vi hörs längre fram om licenserna."
IFRAME_NOTE = "Tom asked us to send the revised quote by Friday so the board can decide."
LATE_NOTE = "Ring Eva tors kl 14 ang. offerten och piloten."
PLAIN_TEXTAREA_NOTE = "Customer will get back to us later on about the pilot."
PLAIN_EDITOR_NOTE = "Vi bokade demo tis kl 10 för att visa integrationen för IT."

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")


# --------------------------------------------------------------------------- servers


class CountingApp:
    """Wraps the app: counts the extension's POST /v1/score and can answer 503 a few times."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.scores = 0
        self.busy = 0  # answer this many score requests with 503 and Retry-After: 1

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/v1/score":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"x-request-id") != b"test-direct":
                self.scores += 1
                if self.busy > 0:
                    self.busy -= 1
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 503,
                            "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1")],
                        }
                    )
                    await send({"type": "http.response.body", "body": b'{"detail": "busy"}'})
                    return
        await self.app(scope, receive, send)


class Api:
    def __init__(self, server: ServerThread, counting: CountingApp) -> None:
        self.server = server
        self.url = server.url
        self.counting = counting


def api_score(url: str, text: str, key: str | None = None) -> dict[str, Any]:
    """The API's answer for the note, with today's date (the date the extension sends)."""
    body = json.dumps({"text": text, "note_date": dt.date.today().isoformat()}).encode()
    headers = {"Content-Type": "application/json", "X-Request-ID": "test-direct"}
    if key:
        headers["X-API-Key"] = key
    request = urllib.request.Request(f"{url}/v1/score", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def api(klarsteg_model: Klarsteg) -> Iterator[Api]:
    counting = CountingApp(create_app(Settings(api_key=None, cors_origins=[]), model=klarsteg_model))
    with ServerThread(counting) as server:
        yield Api(server, counting)


@pytest.fixture(scope="module")
def keyed_api(klarsteg_model: Klarsteg) -> Iterator[str]:
    app = create_app(Settings(api_key=KEY, cors_origins=[]), model=klarsteg_model)
    with ServerThread(app) as server:
        yield server.url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    """The fixture pages on 127.0.0.1 (a site the extension is on by default)."""
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(
        tmp_path_factory.mktemp("chromium-extension-profile"),
        height=800,
        extension=EXTENSION,
        timeout_ms=15_000,
    ) as context:
        yield context


@pytest.fixture(scope="module")
def worker(browser: Any) -> Any:
    """The extension's service worker."""
    workers = [w for w in browser.service_workers if w.url.startswith("chrome-extension://")]
    sw = workers[0] if workers else browser.wait_for_event("serviceworker", timeout=15_000)
    assert sw.url.endswith("/background.js"), sw.url
    return sw


@pytest.fixture(scope="module")
def extension_id(worker: Any) -> str:
    return worker.url.split("/")[2]


def set_options(worker: Any, **options: Any) -> None:
    """Settings straight into chrome.storage.local (what the options page writes)."""
    worker.evaluate(
        "async (o) => { await chrome.storage.local.clear(); await chrome.storage.local.set(o); }", options
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    yield page
    page.close()
    # The extension logs nothing on the page, least of all a note.
    assert not messages, messages


def panel(page: Any) -> Any:
    return page.locator(HOST)


def wait_for_state(page: Any, states: str | tuple[str, ...], timeout: float = 15_000) -> str:
    wanted = [states] if isinstance(states, str) else list(states)
    page.wait_for_function(
        """(wanted) => {
             const host = document.querySelector("klarsteg-panel");
             return host && wanted.includes(host.getAttribute("data-klarsteg-state"));
           }""",
        arg=wanted,
        timeout=timeout,
    )
    return panel(page).get_attribute("data-klarsteg-state")


def wait_for_score(page: Any, timeout: float = 15_000) -> tuple[int, str]:
    wait_for_state(page, "scored", timeout)
    host = panel(page)
    return int(host.get_attribute("data-klarsteg-score")), host.get_attribute("data-klarsteg-verdict")


def status_line(page: Any) -> str:
    return page.locator(f"{HOST} .status").inner_text()


def box(locator: Any) -> dict[str, float]:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; }"
    )


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


# --------------------------------------------------------------------------- static checks


def test_manifest_is_mv3_with_narrow_permissions_and_no_remote_code() -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifest_version"] == 3
    assert manifest["background"] == {"service_worker": "background.js"}
    assert set(manifest["permissions"]) == {"storage", "scripting", "activeTab"}
    hosts = manifest["host_permissions"]
    assert "http://127.0.0.1/*" in hosts and "http://localhost/*" in hosts
    assert not any(h in ("<all_urls>", "*://*/*", "https://*/*", "http://*/*") for h in hosts)
    assert set(manifest["optional_host_permissions"]) == {"https://*/*", "http://*/*"}
    (script,) = manifest["content_scripts"]
    assert script["matches"] == hosts  # on by default exactly where it may run
    assert script["all_frames"] and script["match_about_blank"] and script["js"] == ["content.js"]
    common = (EXTENSION / "common.js").read_text(encoding="utf-8")
    defaults = common.split("const KLARSTEG_DEFAULT_SITES = [", 1)[1].split("];", 1)[0]
    assert sorted(hosts) == sorted(re.findall(r'"(https?://[^"]+/\*)"', defaults))
    for html in EXTENSION.glob("*.html"):
        srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html.read_text(encoding="utf-8"))
        assert srcs and all(not re.match(r"(https?:)?//", s) for s in srcs), (html.name, srcs)
    for js in EXTENSION.glob("*.js"):
        code = js.read_text(encoding="utf-8")
        assert "console." not in code and "eval(" not in code and "new Function" not in code, js.name
    content = (EXTENSION / "content.js").read_text(encoding="utf-8")
    assert "fetch(" not in content and "XMLHttpRequest" not in content and "chrome.storage" not in content


# --------------------------------------------------------------------------- in the browser


def test_hubspot_like_rich_editor_scores_with_debounce_and_highlights(
    api: Api, pages: str, worker: Any, page: Any
) -> None:
    set_options(worker, serverUrl=api.url)
    page.goto(f"{pages}/hubspot.html")
    editor = page.locator("#note-editor")
    editor.click()
    before = api.counting.scores
    page.keyboard.type(EN_NOTE, delay=15)  # ~95 keystrokes, never a 0.7 s pause
    score, verdict = wait_for_score(page)
    expected = api_score(api.url, EN_NOTE)
    assert (score, verdict) == (expected["score"], expected["verdict"])
    sent = api.counting.scores - before
    assert 1 <= sent <= 2, f"{sent} requests for {len(EN_NOTE)} keystrokes"

    # The rep's text is untouched, the focus is still in the editor, the panel is beside it.
    assert editor.inner_text().strip() == EN_NOTE
    assert page.evaluate("document.activeElement.id") == "note-editor"
    assert not overlaps(box(panel(page)), box(editor))
    assert page.locator(f"{HOST} .verdict").inner_text() == {
        "concrete": "Concrete",
        "partial": "Partly concrete",
    }.get(verdict, page.locator(f"{HOST} .verdict").inner_text())
    assert page.locator(f"{HOST} .questions li").all_inner_texts() == expected["questions"]

    # One click shows the note with the next step, reason and when marked.
    page.locator(f"{HOST} button.show").click()
    assert page.evaluate("document.activeElement.id") == "note-editor"
    for field in ("next_step", "reason", "when"):
        if expected[field]:
            marks = page.locator(f"{HOST} mark[data-field='{field}']").all_inner_texts()
            assert "".join(marks) == expected[field]["text"], field
    assert page.locator(f"{HOST} .copy").inner_text() == EN_NOTE
    assert editor.inner_text().strip() == EN_NOTE
    page.mouse.move(640, 780)  # no hover state in the picture
    page.wait_for_timeout(150)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # The panel follows the field when the page scrolls.
    top = box(panel(page))["t"]
    page.mouse.wheel(0, 150)
    page.wait_for_function(
        "(t) => document.querySelector('klarsteg-panel').getBoundingClientRect().top < t - 100", arg=top
    )
    assert not overlaps(box(panel(page)), box(editor))


def test_swedish_note_gets_swedish_panel(api: Api, pages: str, worker: Any, page: Any) -> None:
    set_options(worker, serverUrl=api.url)
    page.goto(f"{pages}/plain.html")
    page.locator("#ta").fill(SV_NOTE)
    score, verdict = wait_for_score(page)
    expected = api_score(api.url, SV_NOTE)
    assert (score, verdict) == (expected["score"], expected["verdict"])
    assert expected["language"] == "sv" and expected["questions"]
    assert page.locator(f"{HOST} .questions li").all_inner_texts() == expected["questions"]
    assert panel(page).get_attribute("lang") == "sv"
    assert page.locator(f"{HOST} .tag.missing, {HOST} .tag.vague").count() == len(expected["missing"]) + len(
        expected["vague"]
    )


def test_salesforce_like_textarea_in_a_same_origin_iframe(
    api: Api, pages: str, worker: Any, page: Any
) -> None:
    set_options(worker, serverUrl=api.url)
    page.goto(f"{pages}/salesforce.html")
    frame = page.frame_locator("#activity")
    comments = frame.locator("#comments")
    comments.click()
    page.keyboard.type(IFRAME_NOTE, delay=5)
    score, verdict = wait_for_score(page)  # the panel lives in the top page, beside the frame's field
    expected = api_score(api.url, IFRAME_NOTE)
    assert (score, verdict) == (expected["score"], expected["verdict"])
    assert comments.input_value() == IFRAME_NOTE
    frame_box = box(page.locator("#activity"))
    field = box(comments)
    field_in_page = {
        "l": field["l"] + frame_box["l"],
        "r": field["r"] + frame_box["l"],
        "t": field["t"] + frame_box["t"],
        "b": field["b"] + frame_box["t"],
    }
    assert not overlaps(box(panel(page)), field_in_page)
    assert comments.evaluate("e => e.ownerDocument.activeElement === e")


def test_field_added_after_load(api: Api, pages: str, worker: Any, page: Any) -> None:
    set_options(worker, serverUrl=api.url)
    page.goto(f"{pages}/late.html")
    late = page.locator("#late-note")
    late.wait_for()
    late.fill(LATE_NOTE)
    score, verdict = wait_for_score(page)
    expected = api_score(api.url, LATE_NOTE)
    assert (score, verdict) == (expected["score"], expected["verdict"])
    # Removing the field removes its panel.
    page.evaluate("document.querySelector('.modal').remove()")
    page.wait_for_function("() => !document.querySelector('klarsteg-panel')")


def test_options_page_then_a_textarea_and_a_contenteditable(
    api: Api, pages: str, worker: Any, extension_id: str, browser: Any, page: Any
) -> None:
    set_options(worker)  # the defaults
    options = browser.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    assert options.locator("#server-url").input_value() == "http://127.0.0.1:8000"
    assert options.locator("#api-key").input_value() == ""
    assert options.locator("#default-sites input[type=checkbox]:checked").count() == 8
    options.locator("#server-url").fill(api.url + "/")
    options.locator("#save").click()
    options.locator("#server-status[data-kind=ok]").wait_for()
    stored = worker.evaluate("() => chrome.storage.local.get(null)")
    assert stored == {"serverUrl": api.url, "apiKey": ""}
    options.locator("#test").click()
    options.get_by_text("Connected: model").wait_for()
    options.close()

    page.goto(f"{pages}/plain.html")
    page.locator("#ta").fill(PLAIN_TEXTAREA_NOTE)
    assert wait_for_score(page)[0] == api_score(api.url, PLAIN_TEXTAREA_NOTE)["score"]
    page.locator("#editor").click()
    page.keyboard.type(PLAIN_EDITOR_NOTE)
    assert wait_for_score(page)[0] == api_score(api.url, PLAIN_EDITOR_NOTE)["score"]
    assert page.locator(HOST).count() == 1  # one panel, beside the field being written
    assert page.locator("#ta").input_value() == PLAIN_TEXTAREA_NOTE


def test_a_site_turned_off_is_left_alone_until_turned_on_again(
    api: Api, pages: str, worker: Any, extension_id: str, browser: Any, page: Any
) -> None:
    set_options(worker, serverUrl=api.url, disabledDefaults=["local"])
    page.goto(f"{pages}/plain.html")
    before = api.counting.scores
    page.locator("#ta").fill(PLAIN_TEXTAREA_NOTE)
    page.wait_for_timeout(1500)
    assert page.locator(HOST).count() == 0 and api.counting.scores == before
    # Back on (what the popup's switch writes): the open page picks up the focused field.
    worker.evaluate("() => chrome.storage.local.set({disabledDefaults: []})")
    assert wait_for_score(page)[0] == api_score(api.url, PLAIN_TEXTAREA_NOTE)["score"]

    popup = browser.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup.html")
    # Opened as a tab, the popup's "current tab" is itself: not a web page, so no switch.
    popup.get_by_text("Klarsteg works on web pages").wait_for()
    assert popup.locator("#toggle").is_disabled()
    assert popup.locator("#server").inner_text() == api.url
    popup.close()


def test_wrong_key_shows_the_401_line_and_the_right_key_scores(
    keyed_api: str, pages: str, worker: Any, page: Any
) -> None:
    set_options(worker, serverUrl=keyed_api, apiKey="wrong-key")
    page.goto(f"{pages}/plain.html")
    page.locator("#ta").fill(PLAIN_TEXTAREA_NOTE)
    assert wait_for_state(page, ("unauthorized", "scored")) == "unauthorized"
    assert "API key (401)" in status_line(page)
    assert panel(page).get_attribute("data-klarsteg-score") == ""
    assert panel(page).get_attribute("data-klarsteg-verdict") == ""
    # A new key in the options applies to the open page at once, sent as X-API-Key.
    worker.evaluate("(k) => chrome.storage.local.set({apiKey: k})", KEY)
    assert wait_for_score(page)[0] == api_score(keyed_api, PLAIN_TEXTAREA_NOTE, key=KEY)["score"]


def test_stopped_server_shows_the_down_line_and_recovers(
    klarsteg_model: Klarsteg, pages: str, worker: Any, page: Any
) -> None:
    app = create_app(Settings(api_key=None, cors_origins=[]), model=klarsteg_model)
    server = ServerThread(app)
    port = server.port
    with server:
        set_options(worker, serverUrl=server.url)
        page.goto(f"{pages}/plain.html")
        page.locator("#ta").fill(PLAIN_TEXTAREA_NOTE)
        wait_for_score(page)
    page.locator("#ta").press("End")
    page.keyboard.type(" Thanks!")
    assert wait_for_state(page, ("down", "scored")) == "down"
    assert "not reachable" in status_line(page) and f"127.0.0.1:{port}" in status_line(page)
    assert panel(page).get_attribute("data-klarsteg-score") == ""
    assert page.locator("#ta").input_value() == PLAIN_TEXTAREA_NOTE + " Thanks!"
    # The server comes back on the same port: the panel retries by itself.
    with ServerThread(app, port=port) as again:
        score, _ = wait_for_score(page, timeout=20_000)
        assert score == api_score(again.url, PLAIN_TEXTAREA_NOTE + " Thanks!")["score"]


def test_busy_server_retries_after_retry_after(api: Api, pages: str, worker: Any, page: Any) -> None:
    set_options(worker, serverUrl=api.url)
    api.counting.busy = 1
    page.goto(f"{pages}/plain.html")
    page.locator("#ta").fill(SV_NOTE + " Mvh Sara.")
    assert wait_for_state(page, ("busy", "scored")) == "busy"
    assert "(503)" in status_line(page) and "1 s" in status_line(page)
    assert wait_for_score(page, timeout=10_000)[0] == api_score(api.url, SV_NOTE + " Mvh Sara.")["score"]


def test_too_long_note_says_so_and_does_not_retry(api: Api, pages: str, worker: Any, page: Any) -> None:
    set_options(worker, serverUrl=api.url)
    page.goto(f"{pages}/plain.html")
    page.locator("#ta").fill("Ring Eva. " * 2001)  # 20,010 characters: over the server's limit
    assert wait_for_state(page, ("rejected", "too_long", "scored")) in ("rejected", "too_long")
    assert "(422)" in status_line(page) or "(413)" in status_line(page)
    sent = api.counting.scores
    page.wait_for_timeout(1500)
    assert api.counting.scores == sent


def test_no_note_text_in_storage_and_settings_hidden_from_pages(
    api: Api, pages: str, worker: Any, page: Any
) -> None:
    stored = json.dumps(worker.evaluate("() => chrome.storage.local.get(null)"))
    for note in (EN_NOTE, SV_NOTE, IFRAME_NOTE, LATE_NOTE, PLAIN_TEXTAREA_NOTE, PLAIN_EDITOR_NOTE):
        assert note[:20] not in stored
    # The API key is in chrome.storage.local, which content scripts (the extension's code in
    # web pages) may not read: they ask the service worker to score instead.
    set_options(worker, serverUrl=api.url, apiKey="secret-key")
    page.goto(f"{pages}/plain.html")
    seen = worker.evaluate(
        """async (url) => {
             const [tab] = await chrome.tabs.query({url: url + "/*"});
             const [run] = await chrome.scripting.executeScript({
               target: {tabId: tab.id},
               func: async () => {
                 try { return JSON.stringify(await chrome.storage.local.get(null)); }
                 catch (e) { return "refused"; }
               },
             });
             return run.result;
           }""",
        pages,
    )
    assert "secret-key" not in seen, seen
