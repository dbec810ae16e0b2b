"""The local profile: this computer's device id, how its data is unlocked, and the store.

``profile.json`` (in the config dir) holds only non-secret facts: device id, server URL,
user name and the unlock method. The store is always encrypted (SQLCipher): with a random
key kept in the OS keyring, or — when no keyring is usable — with a key derived from a
passphrase the user types (never stored). Offline sign-in is exactly this local unlock.

    profile = LocalProfile.open()                # keyring machine
    profile = LocalProfile.open(passphrase=...)  # no keyring
    profile.store.queue_rows() ...
    profile.close()
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets as _secrets
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from workstation import paths
from workstation.auth.secrets import KeyringUnavailableError, SecretStore, keyring_usable
from workstation.auth.unlock import (
    PassphraseError,
    UnlockMethod,
    derive_store_key,
    local_unlock_method,
    new_store_key,
)
from workstation.errors import WorkstationError
from workstation.store import Store, StoreLockedError
from workstation.text import Text


class UnlockError(WorkstationError, RuntimeError):
    """The local data could not be unlocked; the message says why. Nothing was changed."""

    summary = Text("The local data could not be unlocked", "无法解锁本机数据")


class PassphraseRequiredError(UnlockError):
    """This computer has no keyring: the local data opens with the user's passphrase."""

    summary = Text("Enter your passphrase to unlock the local data", "请输入口令以解锁本机数据")


@dataclass(frozen=True, slots=True)
class ProfileInfo:
    device_id: str
    unlock: UnlockMethod
    server_url: str = ""
    username: str = ""
    # the name the server holds for the user ("李娜 Li Na"): what the agent gives a customer
    display_name: str = ""


def profile_path() -> Path:
    return paths.config_dir() / "profile.json"


def staging_path() -> Path:
    """Where a first sync's snapshot pages wait (encrypted) until verified."""
    return paths.data_dir() / "snapshot-staging.db"


def new_device_id() -> str:
    return "ws-" + _secrets.token_hex(12)


def load_info() -> ProfileInfo | None:
    path = profile_path()
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return ProfileInfo(
        device_id=str(data["device_id"]),
        unlock=UnlockMethod(data.get("unlock", UnlockMethod.KEYRING.value)),
        server_url=str(data.get("server_url", "")),
        username=str(data.get("username", "")),
        display_name=str(data.get("display_name", "")),
    )


def save_info(info: ProfileInfo) -> None:
    path = profile_path()
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps({**asdict(info), "unlock": info.unlock.value}, indent=1))
    os.replace(temporary, path)


class LocalProfile:
    """An unlocked local profile. Use ``open``; ``close`` when done."""

    def __init__(self, info: ProfileInfo, store: Store, key: str) -> None:
        self.info = info
        self.store = store
        self.store_key = key  # in memory only: SQLCipher needs it for every connection
        self.secrets = SecretStore(info.device_id)

    @property
    def device_id(self) -> str:
        return self.info.device_id

    @staticmethod
    def exists() -> bool:
        return profile_path().exists()

    @classmethod
    def open(
        cls, *, passphrase: str | None = None, create: bool = True, device_id: str | None = None
    ) -> LocalProfile:
        """Unlock and open the store; on a new computer (``create``) set the profile up, with
        ``device_id`` if given (a hand-over: the id the new user just signed in with).

        Raises ``PassphraseRequiredError`` (no keyring, no passphrase given) or
        ``UnlockError`` (wrong passphrase or key, keyring gone); neither changes anything.
        """
        info = load_info()
        fresh = info is None
        if info is None:
            if not create:
                raise UnlockError(
                    "there is no local profile on this computer yet; sign in first",
                    zh="本机尚无本地资料，请先登录",
                )
            info = ProfileInfo(device_id or new_device_id(), local_unlock_method())
        store_file = paths.store_path()
        key = _store_key(info, store_file, passphrase, first=fresh or not store_file.exists())
        try:
            store = Store.open(store_file, key=key)
        except StoreLockedError as exc:
            raise UnlockError(exc.text) from exc
        if fresh:
            save_info(info)
        return cls(info, store, key)

    def remember(self, *, server_url: str, username: str, display_name: str = "") -> None:
        """The server and the user signed in, and the user's display name (kept when not
        given for the same user; another user's is dropped)."""
        if not display_name and username == self.info.username:
            display_name = self.info.display_name
        self.info = replace(
            self.info, server_url=server_url, username=username, display_name=display_name
        )
        save_info(self.info)

    def close(self) -> None:
        self.store.close()

    def wipe(self) -> None:
        """Remove every trace of this profile: store, staging, blobs, unlock data, secrets."""
        with contextlib.suppress(Exception):
            self.store.close()
        wipe_local_data(self.info.device_id)


def _store_key(info: ProfileInfo, store_file: Path, passphrase: str | None, *, first: bool) -> str:
    if info.unlock is UnlockMethod.KEYRING:
        if not keyring_usable():
            raise UnlockError(
                "The local data is locked with a key kept in the system keyring, and no "
                "keyring is available now. Unlock the keyring (log in to the desktop) and retry.",
                zh="本机数据由系统密钥环中的密钥加密，但当前没有可用的密钥环。"
                "请解锁密钥环（登录桌面）后重试。",
            )
        secret_store = SecretStore(info.device_id)
        try:
            key = secret_store.load_store_key()
            if key is None:
                if not first:
                    raise UnlockError(
                        "The key of the local data is missing from the system keyring, so "
                        "it cannot be opened. Nothing was changed.",
                        zh="系统密钥环中缺少本机数据的密钥，因此无法打开。未做任何更改。",
                    )
                key = new_store_key()
                secret_store.save_store_key(key)
        except KeyringUnavailableError as exc:
            raise UnlockError(exc.text) from exc
        return key
    if passphrase is None:
        raise PassphraseRequiredError(
            "No system keyring is available on this computer: enter your passphrase to "
            "unlock the local data (it is never stored).",
            zh="本机没有可用的系统密钥环：请输入口令以解锁本机数据（口令不会被保存）。",
        )
    try:
        return derive_store_key(store_file, passphrase)
    except PassphraseError as exc:
        raise UnlockError(exc.text) from exc


def wipe_local_data(device_id: str | None) -> None:
    """Delete the store and its companions, staged snapshot, blobs and profile; forget secrets."""
    store_file = paths.store_path()
    Store.delete_files(store_file)
    for extra in (
        store_file.with_name(store_file.name + ".unlock.json"),
        store_file.with_name(store_file.name + ".status.json"),  # the sync's plain status
        staging_path(),
        staging_path().with_name(staging_path().name + "-wal"),
        staging_path().with_name(staging_path().name + "-shm"),
        staging_path().with_name(staging_path().name + "-journal"),
        profile_path(),
    ):
        extra.unlink(missing_ok=True)
    for leftover in paths.data_dir().glob(store_file.name + "*"):
        leftover.unlink(missing_ok=True)  # pre-upgrade backups of the store
    shutil.rmtree(paths.blob_dir(), ignore_errors=True)
    if device_id:
        SecretStore(device_id).wipe()
