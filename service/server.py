"""Running the service with uvicorn: logging, TCP_NODELAY, workers."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from model.settings import get_settings


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """Uvicorn's logging setup plus the service's logger; no access log (the service logs requests)."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["default"]["fmt"] = "%(asctime)s %(levelprefix)s %(name)s: %(message)s"
    config["loggers"]["klarsteg"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    config["loggers"]["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    return config


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """Uvicorn's HTTP protocol with TCP_NODELAY on every connection.

    Uvicorn writes a response's headers and body separately. asyncio turns Nagle's algorithm
    off only on sockets made with ``IPPROTO_TCP``, and the listening socket that
    ``--workers 2`` shares among its processes is made without it: the body then waited for
    the client's delayed ACK, about 40 ms on every request.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def run_server(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve ``service.app:app`` with uvicorn; each worker process loads its own model."""
    import uvicorn

    level = get_settings().log_level
    uvicorn.run(
        "service.app:app",
        host=host,
        port=port,
        workers=workers,
        http="service.server:NoDelayHTTPProtocol",
        access_log=False,
        log_config=uvicorn_log_config(level),
        log_level=level.lower(),
        server_header=False,
        timeout_graceful_shutdown=10,
    )
