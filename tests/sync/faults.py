"""Faults injected AROUND the real backend (the server itself is never mocked).

``FaultProxy``: a tiny HTTP proxy on loopback between the client and the real server. Rules
match method + path prefix and fire a number of times: answer 429/503 with Retry-After
without forwarding, forward and then drop the response (the server committed, the client
never hears), forward and truncate the JSON body, or forward and rewrite the JSON.

``FaultyAdapter``: a requests transport adapter for randomized tests: drops requests,
drops responses (after the real server handled them), duplicates requests and replays an
old request later (reordering), as chosen by a callback.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from tests.loopback import JsonHandler


@dataclass
class Rule:
    method: str
    path: str
    action: str  # "status", "drop_response", "truncate", "rewrite"
    times: int = 1
    status: int = 503
    retry_after: str | None = None
    rewrite: Callable[[Any], Any] | None = None
    hits: int = 0


@dataclass
class FaultProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    log: list[tuple[float, str, str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = urlsplit(self.upstream)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        proxy = self

        class Handler(JsonHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rule = proxy._match(self.command, self.path)
                if rule is not None and rule.action == "status":
                    retry = {} if rule.retry_after is None else {"Retry-After": rule.retry_after}
                    self.send_json(rule.status, {"error": "busy", "message": "slow down"}, retry)
                    proxy.log.append((time.monotonic(), self.command, self.path, rule.status))
                    return
                conn = http.client.HTTPConnection(host, port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                upstream = conn.getresponse()
                data = upstream.read()
                status = upstream.status
                content_type = upstream.getheader("Content-Type", "application/json")
                conn.close()
                proxy.log.append((time.monotonic(), self.command, self.path, status))
                if rule is not None and rule.action == "drop_response":
                    self.close_connection = True
                    return
                if rule is not None and rule.action == "truncate":
                    data = data[: max(1, len(data) // 2)]
                if rule is not None and rule.action == "rewrite" and rule.rewrite is not None:
                    data = json.dumps(rule.rewrite(json.loads(data))).encode()
                self.send_data(status, data, content_type)

            do_GET = do_POST = do_PUT = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self._lock = threading.Lock()

    def _match(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.method == method and path.startswith(rule.path) and rule.hits < rule.times:
                    rule.hits += 1
                    return rule
        return None

    def add(self, rule: Rule) -> Rule:
        self.rules.append(rule)
        return rule

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


Decide = Callable[[requests.PreparedRequest], str]


class FaultyAdapter(HTTPAdapter):
    """Transport that, per request, does what ``decide`` says:

    ``ok`` · ``drop_request`` (never reaches the server) · ``drop_response`` (the server
    handles it, the client gets a connection error) · ``duplicate`` (sent twice) ·
    ``replay`` (also re-send an earlier request first: a late, reordered copy).
    """

    def __init__(self, decide: Decide) -> None:
        super().__init__(max_retries=0)
        self.decide = decide
        self.history: list[requests.PreparedRequest] = []
        self.replay_pick: Callable[[int], int] = lambda n: n - 1

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        action = self.decide(request)
        if action == "drop_request":
            raise requests.ConnectionError("injected: request dropped")
        if action == "replay" and self.history:
            old = self.history[self.replay_pick(len(self.history))]
            with contextlib.suppress(requests.RequestException):
                super().send(old.copy(), *args, **kwargs)
        if request.method == "POST":
            self.history.append(request.copy())
        response = super().send(request, *args, **kwargs)
        if action == "duplicate":
            response = super().send(request.copy(), *args, **kwargs)
        if action == "drop_response":
            raise requests.ConnectionError("injected: response lost")
        return response


def session_with(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    return session
