"""Connections that take too long to send their request head are closed.

uvicorn (h11) arms no timer while it waits for a request's line and headers: a client that
connects and sends nothing, or dribbles a header byte every few seconds, holds its
connection (and a file descriptor) for ever — a handful of machines can exhaust the server
that way (slowloris). Its keep-alive timer does not help either: any byte received cancels
it. ``HeadTimeoutH11Protocol`` arms a deadline whenever the server waits for a new request
head (at connect, and after each response on a kept-alive connection) and closes the
connection when the head is not complete in time; a complete head disarms it (bodies are
bounded by ``BodyLimit`` and the handlers' own reads).

Use ``uvicorn_options()`` wherever the server is started (``serve``, the embedded server).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_ENV = "WORKSTATION_SERVER_HEADER_TIMEOUT"
DEFAULT_HEADER_TIMEOUT = 10.0
PROTOCOL = "workstation.server.connections:HeadTimeoutH11Protocol"
CONFIG_ATTRIBUTE = "workstation_header_timeout"


class HeadTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for each request head."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_timeout = float(
            getattr(config, CONFIG_ATTRIBUTE, None)
            or os.environ.get(HEADER_TIMEOUT_ENV)
            or DEFAULT_HEADER_TIMEOUT
        )

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # the start of a new head (keep-alive's timer is cancelled by this)
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is complete

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self._head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def uvicorn_options() -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` / ``uvicorn.run``: this protocol.

    The timeout comes from the config object's ``workstation_header_timeout`` (the embedded
    server sets it from its settings) or ``WORKSTATION_SERVER_HEADER_TIMEOUT`` (``serve``: the
    environment reaches every worker process).
    """
    return {"http": PROTOCOL, "timeout_keep_alive": 5}
