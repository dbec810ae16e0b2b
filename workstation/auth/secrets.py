"""The only place secrets are persisted: the OS keyring (``keyring``), never a file.

`keyrings.alt` (file-based backends) is deliberately not a dependency; if the machine has no
usable backend we say so plainly and the caller asks for sign-in / a passphrase instead.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from workstation.errors import WorkstationError
from workstation.text import Text

SERVICE = "CollectorWorkstation"
_MAX_SECRET_BYTES = 1024


class KeyringUnavailableError(WorkstationError, RuntimeError):
    """No usable OS keyring; the message tells the user what that means for them."""

    summary = Text("No system keyring is available", "没有可用的系统密钥环")

    def __init__(self, detail: str = "") -> None:
        message = (
            "No system keyring is available on this computer, so the workstation cannot "
            "remember your sign-in or keep the local data key. You will be asked to sign in "
            "each time and to unlock local data with a passphrase."
        )
        zh = (
            "本机没有可用的系统密钥环，工作站无法记住您的登录状态，也无法保存本机数据的密钥。"
            "每次都需要重新登录，并用口令解锁本机数据。"
        )
        suffix = f" ({detail})" if detail else ""
        super().__init__(message + suffix, zh=zh + suffix)


def keyring_usable() -> bool:
    """True when a real keyring backend is active (the 'fail' backend has priority 0)."""
    backend = keyring.get_keyring()
    try:
        priority = float(backend.priority)
    except Exception:  # a backend whose priority check itself fails is not usable
        return False
    return priority > 0 and "fail" not in type(backend).__module__


@dataclass(frozen=True, slots=True)
class RefreshCredential:
    """What survives a restart: enough to renew the session, nothing more."""

    server_url: str
    username: str
    client_id: str
    refresh_token: str

    def to_json(self) -> str:
        text = json.dumps(asdict(self), separators=(",", ":"))
        if len(text.encode()) > _MAX_SECRET_BYTES:
            raise ValueError("refresh credential too large for the keyring")
        return text

    @classmethod
    def from_json(cls, text: str) -> RefreshCredential:
        data = json.loads(text)
        return cls(
            server_url=str(data["server_url"]),
            username=str(data["username"]),
            client_id=str(data["client_id"]),
            refresh_token=str(data["refresh_token"]),
        )


class SecretStore:
    """Keyring entries for one local profile, keyed by its device id."""

    def __init__(self, profile_id: str) -> None:
        self.profile_id = profile_id

    def _name(self, kind: str) -> str:
        return f"{self.profile_id}:{kind}"

    def _require(self) -> None:
        if not keyring_usable():
            raise KeyringUnavailableError(type(keyring.get_keyring()).__name__)

    def _get(self, kind: str) -> str | None:
        self._require()
        try:
            return keyring.get_password(SERVICE, self._name(kind))
        except KeyringError as exc:
            raise KeyringUnavailableError(str(exc)) from exc

    def _set(self, kind: str, value: str) -> None:
        self._require()
        try:
            keyring.set_password(SERVICE, self._name(kind), value)
        except KeyringError as exc:
            raise KeyringUnavailableError(str(exc)) from exc

    def _delete(self, kind: str) -> None:
        if not keyring_usable():
            return
        with contextlib.suppress(PasswordDeleteError):  # already absent is the goal
            keyring.delete_password(SERVICE, self._name(kind))

    # refresh token ------------------------------------------------------------------------
    def save_refresh(self, credential: RefreshCredential) -> None:
        self._set("refresh", credential.to_json())

    def load_refresh(self) -> RefreshCredential | None:
        text = self._get("refresh")
        if not text:
            return None
        try:
            return RefreshCredential.from_json(text)
        except (ValueError, KeyError):
            self._delete("refresh")  # a corrupt entry is worthless; sign in again
            return None

    def forget_refresh(self) -> None:
        self._delete("refresh")

    # local store key ----------------------------------------------------------------------
    def save_store_key(self, key: str) -> None:
        self._set("store-key", key)

    def load_store_key(self) -> str | None:
        return self._get("store-key")

    def wipe(self) -> None:
        """Forget every secret of this profile (sign-out of a revoked device)."""
        self._delete("refresh")
        self._delete("store-key")
