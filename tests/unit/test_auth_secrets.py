"""Secrets go to the keyring only; with no keyring we say so and use a passphrase."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.keyring_memory import MemoryKeyring
from workstation.auth import (
    KeyringUnavailableError,
    PassphraseError,
    RefreshCredential,
    SecretStore,
    UnlockMethod,
    derive_store_key,
    keyring_usable,
    local_unlock_method,
)
from workstation.auth.unlock import keyring_store_key

CREDENTIAL = RefreshCredential("https://ws.example", "li.na", "dev-1", "r" * 64)


def test_refresh_token_roundtrips_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore("dev-1")
    store.save_refresh(CREDENTIAL)
    assert store.load_refresh() == CREDENTIAL
    (entry,) = memory_keyring.entries.values()
    assert len(entry.encode()) < 1024
    store.forget_refresh()
    assert store.load_refresh() is None
    store.forget_refresh()  # forgetting twice is harmless


def test_corrupt_keyring_entry_means_sign_in_again(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore("dev-1")
    memory_keyring.set_password("CollectorWorkstation", "dev-1:refresh", "{not json")
    assert store.load_refresh() is None
    assert memory_keyring.entries == {}


def test_store_key_is_created_once_and_wiped(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore("dev-1")
    key = keyring_store_key(store)
    assert len(key) == 64
    assert keyring_store_key(store) == key
    store.wipe()
    assert memory_keyring.entries == {}


def test_no_keyring_is_said_plainly_and_nothing_is_written(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    assert not keyring_usable()
    assert local_unlock_method() is UnlockMethod.PASSPHRASE
    store = SecretStore("dev-1")
    with pytest.raises(KeyringUnavailableError, match="sign in each time"):
        store.save_refresh(CREDENTIAL)
    with pytest.raises(KeyringUnavailableError):
        store.load_refresh()
    store.wipe()  # no keyring, nothing to wipe, no error


def test_keyring_present_means_keyring_unlock() -> None:
    assert local_unlock_method() is UnlockMethod.KEYRING


def test_passphrase_derives_a_stable_key_and_refuses_a_wrong_one(tmp_path: Path) -> None:
    db = tmp_path / "workstation.db"
    with pytest.raises(PassphraseError, match="at least"):
        derive_store_key(db, "short")
    key = derive_store_key(db, "correct horse battery")
    assert derive_store_key(db, "correct horse battery") == key
    with pytest.raises(PassphraseError, match="does not unlock"):
        derive_store_key(db, "wrong horse battery")
    unlock_text = (tmp_path / "workstation.db.unlock.json").read_text()
    assert key not in unlock_text
    assert "correct horse" not in unlock_text


def test_oversized_credential_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        RefreshCredential("u", "n", "c", "x" * 2000).to_json()
