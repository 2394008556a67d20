"""Helpers the test modules share (not tests themselves)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn


class ServerThread:
    """A real uvicorn server for ``app`` on a loopback port (a free one unless given), in a
    background thread."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.__exit__()
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


CHROMIUM = Path("/usr/bin/chromium")
# As root on a closed network: no sandbox, and none of Chromium's own background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium(
    profile: Path, *, height: int = 900, extension: Path | None = None, timeout_ms: int = 10_000
) -> Iterator[Any]:
    """Debian's Chromium, headless, in a persistent Playwright context (with ``extension``
    loaded unpacked when given: extensions need the new headless mode)."""
    from playwright.sync_api import sync_playwright

    args = ["--headless"] + CHROMIUM_ARGS
    extra: dict[str, Any] = {"headless": True}
    if extension is not None:
        args = ["--headless=new", f"--disable-extensions-except={extension}", f"--load-extension={extension}"]
        args += CHROMIUM_ARGS
        extra = {"headless": False, "ignore_default_args": ["--disable-extensions"]}
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=args,
            locale="en-US",
            viewport={"width": 1280, "height": height},
            **extra,
        )
        context.set_default_timeout(timeout_ms)
        try:
            yield context
        finally:
            context.close()


@contextmanager
def watched_page(context: Any, expected_console_error: str | None = None) -> Iterator[Any]:
    """A new page that fails the test on a script error, a console error (but the one
    expected, e.g. the browser's own line for a 401) or a request off this machine."""
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not (expected_console_error and expected_console_error in msg.text):
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "request", lambda req: None if req.url.startswith("http://127.0.0.1") else problems.append(req.url)
    )
    yield page
    page.close()
    assert not problems, problems  # CSP violations show up here too


def span_of(text: str, candidate: str) -> tuple[int, int]:
    """Offsets of ``candidate``'s first occurrence in ``text`` (for tables of candidate spans)."""
    start = text.index(candidate)
    return start, start + len(candidate)


def load_script(name: str) -> Any:
    """A module of ``scripts/`` by file name (the scripts are no package), to call its ``main``."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"script_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
