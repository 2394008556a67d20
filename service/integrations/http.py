"""Requests to a CRM's API, with retries and backoff, and errors that say what to do.

One :class:`CrmClient` per CRM holds an ``httpx.AsyncClient`` on the configured base URL
(redirects are not followed, so nothing goes anywhere else). :meth:`CrmClient.request`
retries a request on 429, 5xx, timeouts and refused connections: it waits the answer's
``Retry-After`` when there is one, else ``crm_backoff_s`` doubling with each retry (with a
little jitter), at most ``crm_retries`` times. A wait longer than ``crm_backoff_max_s`` is
not slept in place: :class:`Transient` carries it back to the event queue, which tries the
event again that much later (the queue survives restarts; a sleeping task does not).

Errors name the CRM, the operation and the HTTP status, never a response body: a CRM's
error body may quote the note's text or a token.
"""

from __future__ import annotations

import logging
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
import httpx

from model.settings import Settings

log = logging.getLogger("klarsteg.integrations")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class CrmError(Exception):
    """A CRM request that failed for good (retrying the same request will not help)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Transient(CrmError):
    """A CRM request that may succeed later; ``retry_after`` is the CRM's own wish, in seconds."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks for (delta seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds < 0:  # NaN or in the past
        return 0.0
    return min(seconds, 24 * 3600.0)


def backoff(base: float, retry: int) -> float:
    """The wait before retry number ``retry`` (0-based): ``base`` doubling, plus up to 10% jitter."""
    wait = base * (2**retry)
    return wait + random.uniform(0, wait / 10) if wait > 0 else 0.0


class CrmClient:
    """An HTTP client for one CRM's API: its base URL, its auth headers, retries and backoff."""

    def __init__(
        self,
        name: str,
        base_url: str,
        headers: dict[str, str],
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Accept": "application/json", "User-Agent": "klarsteg-webhooks", **headers},
            timeout=settings.crm_timeout_s,
            follow_redirects=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send a request; retry it on 429/5xx/timeouts; answer the response of any other status.

        ``what`` names the operation in errors and logs ("GET note"). Raises :class:`Transient`
        when the retries are used up or the CRM asks for a longer wait than is slept in place.
        """
        settings = self.settings
        retry = 0
        while True:
            status: int | None = None
            wait_wish: float | None = None
            try:
                response = await self._client.request(method, path, params=params, json=json)
            except httpx.TimeoutException:
                problem = f"{self.name} did not answer {what} within {settings.crm_timeout_s:g} s"
            except httpx.TransportError as exc:
                problem = f"{self.name} could not be reached for {what} ({type(exc).__name__})"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                status = response.status_code
                wait_wish = retry_after_seconds(response.headers.get("Retry-After"))
                problem = f"{self.name} answered {status} to {what}"
                await response.aclose()
            wait = backoff(settings.crm_backoff_s, retry)
            if wait_wish is not None:
                wait = max(wait_wish, 0.0)
            if retry >= settings.crm_retries or wait > settings.crm_backoff_max_s:
                raise Transient(problem, status, wait_wish)
            log.info("%s; retry %d of %d in %.2f s", problem, retry + 1, settings.crm_retries, wait)
            await anyio.sleep(wait)
            retry += 1


def refusal(crm: str, what: str, response: httpx.Response, hint: str = "") -> CrmError:
    """The error for a 4xx answer: the CRM, the operation, the status and what to check.

    401 and 403 are :class:`Transient`: a token that was revoked or lacks a scope is fixed
    by a person, and the event's later attempts (hours apart) then go through.
    """
    status = response.status_code
    if status in (401, 403):
        hint = hint or "check the access token and its scopes"
    text = f"{crm} answered {status} to {what}"
    message = f"{text}: {hint}" if hint else text
    return Transient(message, status) if status in (401, 403) else CrmError(message, status)
