"""A signed-in conversation with the backend: tokens, renewal, and who we are.

The access token lives only in memory. The refresh token is kept in the OS keyring when one
is usable (``SecretStore``) and otherwise only in memory for this process — the user then
signs in each time; it is never written to a file.

Blocking: call from a worker thread.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from workstation import __version__
from workstation.auth.secrets import (
    KeyringUnavailableError,
    RefreshCredential,
    SecretStore,
    keyring_usable,
)
from workstation.sync.errors import DeviceRevokedError, ServerError, SignInRequiredError
from workstation.sync.http import HttpClient, HttpSettings

_RENEW_MARGIN_S = 30.0
_WIPE_CODES = frozenset({"device_revoked", "user_disabled"})


@dataclass(frozen=True, slots=True)
class SignedInUser:
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None


class ApiSession:
    """Authenticated JSON calls for one device (``client_id``) against one server."""

    def __init__(
        self,
        server_url: str,
        device_id: str,
        *,
        secrets: SecretStore | None = None,
        http: HttpClient | None = None,
        settings: HttpSettings | None = None,
    ) -> None:
        self.http = http or HttpClient(server_url, settings)
        self.server_url = self.http.base_url
        self.device_id = device_id
        self.secrets = secrets
        self.user: SignedInUser | None = None
        self._refresh_token: str | None = None  # memory copy (the only copy without a keyring)
        self._username: str | None = None
        self._expires_at = 0.0
        self._lock = threading.RLock()
        # X-Outbox-Pending / X-Outbox-Oldest / X-App-Version, sent with every call
        self.outbox_report: dict[str, str] = {"X-App-Version": __version__}

    # --- credentials ---------------------------------------------------------------------

    @property
    def remembers_sign_in(self) -> bool:
        return self.secrets is not None and keyring_usable()

    def _accept(self, data: dict[str, Any], username: str) -> SignedInUser:
        try:
            user = data["user"]
            self.http.access_token = str(data["access_token"])
            self._expires_at = time.monotonic() + float(data.get("expires_in", 900))
            self._refresh_token = str(data["refresh_token"])
            self.user = SignedInUser(
                str(user["id"]),
                str(user["username"]),
                str(user.get("display_name", "")),
                str(user["role"]),
                user.get("team_id"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SignInRequiredError(
                "the server's sign-in answer was not understood", zh="无法识别服务器的登录应答"
            ) from exc
        self._username = username
        if self.remembers_sign_in:
            assert self.secrets is not None
            # on a keyring failure keep it in memory only: sign in again next time
            with contextlib.suppress(KeyringUnavailableError):
                self.secrets.save_refresh(
                    RefreshCredential(
                        self.server_url, username, self.device_id, self._refresh_token
                    )
                )
        return self.user

    def sign_in(self, username: str, password: str, *, device_name: str = "") -> SignedInUser:
        """Sign in with a password (first use, or whenever the session has ended)."""
        with self._lock:
            try:
                data = self.http.request(
                    "POST",
                    "/api/v1/auth/login",
                    body={
                        "username": username,
                        "password": password,
                        "client_id": self.device_id,
                        "device_name": device_name,
                    },
                    authenticated=False,
                )
            except ServerError as exc:
                self._raise_for_auth(exc)
                raise
            return self._accept(data, username)

    def _stored_refresh(self) -> str | None:
        if self._refresh_token:
            return self._refresh_token
        if self.remembers_sign_in:
            assert self.secrets is not None
            credential = self.secrets.load_refresh()
            if credential is not None and credential.client_id == self.device_id:
                self._username = credential.username
                return credential.refresh_token
        return None

    def renew(self) -> None:
        """Swap the refresh token for a new pair (never retried: refresh tokens are single-use)."""
        with self._lock:
            token = self._stored_refresh()
            if token is None:
                raise SignInRequiredError(
                    "please sign in: this computer keeps no session",
                    zh="请登录：本机没有保存登录会话",
                )
            try:
                data = self.http.request(
                    "POST",
                    "/api/v1/auth/refresh",
                    body={"refresh_token": token, "client_id": self.device_id},
                    authenticated=False,
                )
            except ServerError as exc:
                self._raise_for_auth(exc)
                if exc.status in (400, 401, 403, 422):
                    self.forget()
                    raise SignInRequiredError(
                        f"your session has ended ({exc.code}); please sign in again",
                        zh=f"您的登录会话已结束（{exc.code}），请重新登录",
                    ) from exc
                raise
            self._accept(data, self._username or "")

    def forget(self) -> None:
        """Drop the session (memory and keyring)."""
        self.http.access_token = None
        self._refresh_token = None
        if self.secrets is not None:
            self.secrets.forget_refresh()

    def _raise_for_auth(self, exc: ServerError) -> None:
        if exc.status == 401 and (exc.code in _WIPE_CODES or exc.body.get("wipe")):
            detail = f"{exc.code}: {exc.body.get('message', '')}"
            raise DeviceRevokedError(
                f"the server says this device may no longer hold data ({detail})",
                zh=f"服务器通知本设备不得再保存数据（{detail}）",
            ) from exc

    # --- calls ---------------------------------------------------------------------------

    def report_outbox(self, pending: int, oldest: datetime | None = None) -> None:
        """Set the backlog this device reports with its next calls (DESIGN §5, team overview)."""
        report = {"X-App-Version": __version__, "X-Outbox-Pending": str(max(0, pending))}
        if oldest is not None and pending > 0:
            report["X-Outbox-Oldest"] = oldest.astimezone(UTC).isoformat()
        self.outbox_report = report

    def ensure_token(self) -> None:
        if self.http.access_token is None or time.monotonic() > self._expires_at - _RENEW_MARGIN_S:
            self.renew()

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        data: bytes | None = None,
        content_type: str | None = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """One authenticated call; an expired access token is renewed once, transparently.

        Every call carries the outbox backlog last set with ``report_outbox`` (the server
        notes it for the lead's team overview — no separate heartbeat round trip), and
        ``headers`` when given.
        """
        self.ensure_token()
        for attempt in range(2):
            try:
                return self.http.request(
                    method,
                    path,
                    params=params,
                    body=body,
                    data=data,
                    content_type=content_type,
                    idempotency_key=idempotency_key,
                    headers={**self.outbox_report, **headers} if headers else self.outbox_report,
                )
            except ServerError as exc:
                self._raise_for_auth(exc)
                if exc.status == 401 and attempt == 0:
                    self.renew()
                    continue
                if exc.status == 401:
                    raise SignInRequiredError(
                        "the server no longer accepts this session; please sign in",
                        zh="服务器不再接受此登录会话，请重新登录",
                    ) from exc
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def call_bytes(self, method: str, path: str) -> bytes:
        """Like ``call``, for an answer that is raw bytes (a document by its hash)."""
        self.ensure_token()
        for attempt in range(2):
            try:
                return self.http.request_bytes(method, path, headers=self.outbox_report)
            except ServerError as exc:
                self._raise_for_auth(exc)
                if exc.status == 401 and attempt == 0:
                    self.renew()
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.http.close()
