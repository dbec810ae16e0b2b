"""Passwords (argon2id), signed access tokens and opaque refresh tokens.

Access token: ``base64url(json claims) "." base64url(HMAC-SHA256)`` with the secret kept in
the database (so every server process shares it and holds no state of its own). Claims:
user id, device id, the device's session epoch (bumped by logout/revocation, which kills
outstanding access tokens at once) and expiry. Refresh tokens are 256 random bits; only
their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Seeded demo users (shared, published password) get a cheap argon2id so demos and tests
# sign in quickly; verification reads the parameters from each stored hash.
_demo_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
# verifying against this when the user does not exist keeps timing uniform
_DUMMY_HASH = _hasher.hash("no such user")


def hash_password(password: str, *, demo: bool = False) -> str:
    return str((_demo_hasher if demo else _hasher).hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash or _DUMMY_HASH, password)) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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
