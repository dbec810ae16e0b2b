"""The one HTTP client of the workstation: a single ``requests.Session`` done carefully.

* explicit connect/read timeouts on every request (an unreachable server fails in seconds);
* urllib3 ``Retry`` with exponential backoff for connection errors and 429/502/503/504, and
  ``Retry-After`` honoured but capped (a server asking for an hour does not freeze the app);
* POST is retried only when it carries an ``Idempotency-Key`` (the server then answers a
  repeat with the stored result); sign-in and token refresh are never retried after the
  request may have reached the server — a refresh token is single-use;
* TLS verification is always on; a private CA bundle can be configured; the system's
  proxy settings (``HTTPS_PROXY``/``NO_PROXY`` …) apply.

Blocking by design: call it from a worker thread, never from the GUI thread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from workstation.sync.errors import OfflineError, ProtocolError, ServerBusyError, ServerError

USER_AGENT = "CollectorWorkstation-sync/1"
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class CappedRetry(Retry):
    """``Retry`` whose ``Retry-After`` wait never exceeds ``retry_after_cap`` seconds."""

    retry_after_cap: float = 30.0

    def parse_retry_after(self, retry_after: str) -> float:
        return min(float(super().parse_retry_after(retry_after)), self.retry_after_cap)

    def new(self, **kw: Any) -> CappedRetry:
        fresh = super().new(**kw)
        assert isinstance(fresh, CappedRetry)
        fresh.retry_after_cap = self.retry_after_cap
        return fresh


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retries: int = 4
    backoff_factor: float = 0.5
    backoff_max: float = 20.0
    retry_after_cap: float = 30.0
    ca_bundle: Path | None = None  # None: the certifi/system bundle; verification stays on

    @classmethod
    def from_env(cls) -> HttpSettings:
        """``WORKSTATION_CA_BUNDLE`` names a private CA bundle (PEM) to trust."""
        bundle = os.environ.get("WORKSTATION_CA_BUNDLE")
        return cls(ca_bundle=Path(bundle) if bundle else None)


def _retry(settings: HttpSettings, *, safe_only: bool) -> CappedRetry:
    if safe_only:
        # Only failures where the request certainly did not reach the server.
        retry = CappedRetry(
            total=settings.retries,
            connect=settings.retries,
            read=0,
            status=0,
            other=0,
            backoff_factor=settings.backoff_factor,
            backoff_max=settings.backoff_max,
            raise_on_status=False,
        )
    else:
        retry = CappedRetry(
            total=settings.retries,
            connect=settings.retries,
            read=settings.retries,
            status=settings.retries,
            other=0,
            allowed_methods=frozenset({"GET", "HEAD", "PUT", "POST", "OPTIONS"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=settings.backoff_factor,
            backoff_max=settings.backoff_max,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
    retry.retry_after_cap = settings.retry_after_cap
    return retry


class HttpClient:
    """JSON over one ``requests.Session`` against one server base URL."""

    AUTH_PREFIX = "/api/v1/auth/"

    def __init__(
        self,
        base_url: str,
        settings: HttpSettings | None = None,
        *,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings.from_env()
        # A caller-provided session keeps its own transport (tests inject faults there).
        own_transport = session is None
        self.session = session or requests.Session()
        self.session.trust_env = True  # system proxies and NO_PROXY
        self.session.verify = str(self.settings.ca_bundle) if self.settings.ca_bundle else True
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if own_transport:
            general = HTTPAdapter(max_retries=_retry(self.settings, safe_only=False))
            auth = HTTPAdapter(max_retries=_retry(self.settings, safe_only=True))
            for scheme in ("http://", "https://"):
                self.session.mount(scheme, general)
            # longest prefix wins in requests: sign-in/refresh are never retried once sent
            self.session.mount(self.base_url + self.AUTH_PREFIX, auth)
        self.access_token: str | None = None

    def close(self) -> None:
        self.session.close()

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.settings.connect_timeout, self.settings.read_timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        data: bytes | None = None,
        content_type: str | None = None,
        idempotency_key: str | None = None,
        authenticated: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Send one request; return the decoded JSON object or raise a ``SyncError``.

        ``body`` is sent as JSON; ``data`` as raw bytes (``content_type``), for documents.
        ``headers`` are extra request headers (the outbox backlog report). A HEAD answers
        ``{}`` when the resource exists and raises ``ServerError`` (404) when it does not.
        """
        if method == "POST" and idempotency_key is None and not path.startswith(self.AUTH_PREFIX):
            raise ValueError("a POST outside sign-in must carry an Idempotency-Key")
        if body is not None and data is not None:
            raise ValueError("send either a JSON body or raw data, not both")
        sent: dict[str, str] = dict(headers or {})
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        if authenticated and self.access_token:
            sent["Authorization"] = f"Bearer {self.access_token}"
        if data is not None:
            sent["Content-Type"] = content_type or "application/octet-stream"
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                data=data,
                headers=sent,
                timeout=self.timeout,
            )
        except requests.exceptions.SSLError as exc:
            raise OfflineError(f"secure connection to {self.base_url} failed: {exc}") from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise OfflineError(f"cannot reach {self.base_url}: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise OfflineError(f"request to {self.base_url} failed: {exc}") from exc
        return self._decode(response)

    def request_bytes(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None
    ) -> bytes:
        """Send one authenticated request whose answer is raw bytes (a document); errors
        are raised as ``request`` raises them."""
        sent: dict[str, str] = dict(headers or {})
        if self.access_token:
            sent["Authorization"] = f"Bearer {self.access_token}"
        try:
            response = self.session.request(
                method, self.base_url + path, headers=sent, timeout=self.timeout
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise OfflineError(f"cannot reach {self.base_url}: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise OfflineError(f"request to {self.base_url} failed: {exc}") from exc
        if response.status_code >= 400 or response.status_code in RETRY_STATUSES:
            self._decode(response)  # raises the matching SyncError
        return response.content

    def _decode(self, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        content = response.content
        try:
            data = json.loads(content) if content else {}
        except ValueError as exc:
            if status >= 400:
                data = {}
            else:
                raise ProtocolError(
                    f"the server's answer to {response.request.path_url} was cut off or is "
                    "not JSON; nothing from it was applied"
                ) from exc
        if not isinstance(data, dict):
            raise ProtocolError("the server answered with something other than a JSON object")
        if status in RETRY_STATUSES:
            retry_after = _retry_after(response)
            raise ServerBusyError(
                f"the server is busy (HTTP {status}); try again"
                + (f" in {retry_after:.0f} s" if retry_after is not None else " later"),
                retry_after,
            )
        if status >= 400:
            code = str(data.get("error", "http_error"))
            message = str(data.get("message", response.reason or "request failed"))
            raise ServerError(status, code, message, data)
        return data


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None
