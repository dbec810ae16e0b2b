"""Credentials and the local unlock: secrets live in the OS keyring and nowhere else.

Only the refresh token (a small JSON blob) and the local store's random key are kept, both in
the keyring. The access token lives in memory. With no usable keyring the user signs in each
time and unlocks local data with a passphrase whose derived key is never stored.
"""

from workstation.auth.secrets import (
    KeyringUnavailableError,
    RefreshCredential,
    SecretStore,
    keyring_usable,
)
from workstation.auth.unlock import (
    PassphraseError,
    UnlockMethod,
    derive_store_key,
    local_unlock_method,
    new_store_key,
)

__all__ = [
    "KeyringUnavailableError",
    "PassphraseError",
    "RefreshCredential",
    "SecretStore",
    "UnlockMethod",
    "derive_store_key",
    "keyring_usable",
    "local_unlock_method",
    "new_store_key",
]
