"""How local data is unlocked: a random key from the keyring, or a passphrase.

The passphrase route derives the SQLCipher key with scrypt; only the salt and a verifier
(an HMAC of a constant under the derived key — it cannot be reversed into the key) are
written, so a stolen laptop's disk holds no key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from enum import StrEnum
from pathlib import Path

from workstation.auth.secrets import SecretStore, keyring_usable
from workstation.errors import WorkstationError
from workstation.text import Text

_SCRYPT_N = 2**15
_SCRYPT_R = 8
_SCRYPT_P = 1
_VERIFIER_TEXT = b"collector-workstation-unlock-v1"
MIN_PASSPHRASE_LENGTH = 10


class UnlockMethod(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"


class PassphraseError(WorkstationError, ValueError):
    """The passphrase is too short, or is not the one this data was locked with."""

    summary = Text("The passphrase was not accepted", "口令未被接受")


def new_store_key() -> str:
    """A random 256-bit key, hex encoded (what SQLCipher's ``PRAGMA key`` receives)."""
    return secrets.token_hex(32)


def local_unlock_method() -> UnlockMethod:
    return UnlockMethod.KEYRING if keyring_usable() else UnlockMethod.PASSPHRASE


def _unlock_file(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".unlock.json")


def _derive(passphrase: str, salt: bytes) -> str:
    raw = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )
    return raw.hex()


def _verifier(key: str) -> str:
    return hmac.new(bytes.fromhex(key), _VERIFIER_TEXT, hashlib.sha256).hexdigest()


def check_new_passphrase(passphrase: str) -> None:
    """Raises PassphraseError when ``passphrase`` may not lock new local data (too short)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters.",
            zh=f"请设置至少{MIN_PASSPHRASE_LENGTH}个字符的口令。",
        )


def derive_store_key(store_path: Path, passphrase: str) -> str:
    """Derive the key for ``store_path``; the first call sets the passphrase.

    Raises PassphraseError when the passphrase is too short (first use) or wrong (later).
    """
    unlock = _unlock_file(store_path)
    if not unlock.exists():
        check_new_passphrase(passphrase)
        salt = secrets.token_bytes(16)
        key = _derive(passphrase, salt)
        unlock.parent.mkdir(parents=True, exist_ok=True)
        unlock.write_text(json.dumps({"salt": salt.hex(), "verifier": _verifier(key)}))
        return key
    data = json.loads(unlock.read_text())
    key = _derive(passphrase, bytes.fromhex(data["salt"]))
    if not hmac.compare_digest(_verifier(key), data["verifier"]):
        raise PassphraseError(
            "That passphrase does not unlock the local data on this computer.",
            zh="该口令无法解锁本机数据。",
        )
    return key


def keyring_store_key(secret_store: SecretStore) -> str:
    """The store key kept in the keyring, created on first use."""
    key = secret_store.load_store_key()
    if key is None:
        key = new_store_key()
        secret_store.save_store_key(key)
    return key
