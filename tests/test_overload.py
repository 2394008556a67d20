"""Overload: a burst larger than the slots and their short queue gets 503 with Retry-After at
once, the admitted requests are answered, and the service recovers. Real uvicorn, real HTTP."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from support import ServerThread

from model.pipeline import Klarsteg
from model.settings import Settings
from service.app import create_app

# A long note keeps a slot busy for a while, so that the burst overlaps.
LONG_NOTE = ("Ring Eva på Nordfrakt tors 3/12 kl 10 ang. offerten och avtalet. " * 250)[:15000]


def test_a_burst_beyond_the_queue_is_refused_at_once(klarsteg_model: Klarsteg) -> None:
    settings = Settings(api_key=None, cors_origins=[], max_concurrency=1, max_queue=2, queue_timeout_s=30)
    app = create_app(settings, model=klarsteg_model)
    state = app.state.klarsteg
    burst = 40

    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:

        def post(_: int) -> tuple[int, str | None, float]:
            started = time.perf_counter()
            r = client.post("/v1/score", json={"text": LONG_NOTE, "note_date": "2026-12-01"})
            return r.status_code, r.headers.get("retry-after"), time.perf_counter() - started

        with ThreadPoolExecutor(max_workers=burst) as pool:
            answers = list(pool.map(post, range(burst)))

        ok = [a for a in answers if a[0] == 200]
        refused = [a for a in answers if a[0] == 503]
        assert len(ok) + len(refused) == burst, answers
        assert ok, "the admitted requests must be scored"
        assert len(refused) >= burst - 10, f"only {len(refused)} of {burst} refused"
        assert all(retry == "30" for _, retry, _ in refused)
        # refused at once, not after waiting for a slot
        assert max(seconds for _, _, seconds in refused) < 5
        assert state.admitted == 0
        # and it recovers
        assert (
            client.post(
                "/v1/score", json={"text": "Ring Eva fre kl 10", "note_date": "2026-12-01"}
            ).status_code
            == 200
        )
