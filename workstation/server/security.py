"""Passwords (argon2id), signed access tokens and opaque refresh tokens.

Access token: ``base64url(json claims) "." base64url(HMAC-SHA256)`` with the secret kept in
the database (so every server process shares it and holds no state of its own). Claims:
user id, device id, the device's session epoch (bumped by logout/revocation, which kills
outstanding access tokens at once) and expiry. Refresh tokens are 256 random bits; only
their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORD_HASH_ENV = "WORKSTATION_SERVER_PASSWORD_HASH"
# argon2id cost profiles. "standard" is argon2-cffi's default (RFC 9106's low-memory choice,
# ~0.1 s); "fast" is for tests and throwaway demo servers, where hundreds of sign-ins and
# seeded users would otherwise cost minutes. One profile is active per process, and the
# stand-in hash an unknown user name is checked against uses it too, so an unknown user
# takes as long as a known one (user names cannot be told apart by timing).
_PROFILES: dict[str, dict[str, int]] = {
    "standard": {},
    "fast": {"time_cost": 1, "memory_cost": 8192, "parallelism": 1},
}


@functools.cache
def _hashers(profile: str) -> tuple[PasswordHasher, str]:
    if profile not in _PROFILES:
        raise ValueError(
            f"{PASSWORD_HASH_ENV} must be one of {', '.join(_PROFILES)}, not {profile!r}"
        )
    cost = _PROFILES[profile]
    hasher = (
        PasswordHasher(
            time_cost=cost["time_cost"],
            memory_cost=cost["memory_cost"],
            parallelism=cost["parallelism"],
        )
        if cost
        else PasswordHasher()
    )
    return hasher, hasher.hash(secrets.token_urlsafe(16))


def _active() -> tuple[PasswordHasher, str]:
    return _hashers(os.environ.get(PASSWORD_HASH_ENV, "") or "standard")


def hash_password(password: str) -> str:
    """A fresh argon2id hash (its own random salt) with the active profile's cost."""
    return str(_active()[0].hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with no hash (unknown user) check a stand-in and say no."""
    hasher, stand_in = _active()
    try:
        return bool(hasher.verify(password_hash or stand_in, password)) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with another cost than the active profile's (rehash it
    at the next successful sign-in, so every user's check costs the same)."""
    try:
        return bool(_active()[0].check_needs_rehash(password_hash))
    except InvalidHashError:
        return True


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    device_id: str
    session_epoch: int
    expires_at: int  # unix seconds


def sign_access_token(secret: str, claims: AccessClaims) -> str:
    body = _b64(
        json.dumps(
            {
                "u": claims.user_id,
                "d": claims.device_id,
                "e": claims.session_epoch,
                "x": claims.expires_at,
            },
            separators=(",", ":"),
        ).encode()
    )
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def read_access_token(secret: str, token: str, now: datetime) -> AccessClaims | None:
    """The claims of a well-signed, unexpired token; ``None`` otherwise."""
    try:
        body, mac = token.split(".", 1)
        expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        raw = json.loads(_unb64(body))
        claims = AccessClaims(str(raw["u"]), str(raw["d"]), int(raw["e"]), int(raw["x"]))
    except (ValueError, KeyError, TypeError):
        return None
    if claims.expires_at <= int(now.timestamp()):
        return None
    return claims
