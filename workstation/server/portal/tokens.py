"""Keys for the portal, each derived from the server's token secret (shared by every server
process through the database): the link signature, the one-time code's hash, the form
tokens and the session cookie's hash.

A link token is ``<link id>.<base64url(HMAC-SHA256(link id))[:22]>``: the id is random and
names no one; the row it names says which account, until when, and whether it is locked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PortalKeys:
    def __init__(self, secret: str) -> None:
        root = secret.encode()
        self._link = hashlib.sha256(b"portal-link\0" + root).digest()
        self._code = hashlib.sha256(b"portal-code\0" + root).digest()
        self._form = hashlib.sha256(b"portal-form\0" + root).digest()

    # links ------------------------------------------------------------------------------------
    @staticmethod
    def new_link_id() -> str:
        return secrets.token_urlsafe(18)  # 24 characters, 144 random bits

    def sign(self, link_id: str) -> str:
        mac = hmac.new(self._link, link_id.encode(), hashlib.sha256).digest()
        return f"{link_id}.{_b64(mac)[:22]}"

    def read(self, token: str) -> str | None:
        """The link id the token names, or None when it is malformed or not signed by us."""
        link_id, dot, mac = token.strip().partition(".")
        if not dot or not link_id or len(link_id) > 36 or len(mac) != 22:
            return None
        expected = self.sign(link_id).partition(".")[2]
        return link_id if hmac.compare_digest(mac, expected) else None

    # one-time codes ---------------------------------------------------------------------------
    @staticmethod
    def new_code() -> str:
        return f"{secrets.randbelow(1_000_000):06d}"

    def code_hash(self, link_id: str, code: str) -> str:
        return hmac.new(self._code, f"{link_id}\0{code}".encode(), hashlib.sha256).hexdigest()

    # forms ------------------------------------------------------------------------------------
    def form_token(self, binding: str) -> str:
        """A single-use form token bound to the visit (the link or the session)."""
        nonce = secrets.token_urlsafe(18)
        mac = hmac.new(self._form, f"{binding}\0{nonce}".encode(), hashlib.sha256).digest()
        return f"{nonce}.{_b64(mac)[:22]}"

    def form_nonce(self, binding: str, token: str) -> str | None:
        """The nonce of a form token issued for ``binding`` (None: forged or for another)."""
        nonce, dot, mac = token.partition(".")
        if not dot or not nonce or len(nonce) > 40:
            return None
        expected = hmac.new(self._form, f"{binding}\0{nonce}".encode(), hashlib.sha256).digest()
        return nonce if hmac.compare_digest(mac, _b64(expected)[:22]) else None

    # sessions ---------------------------------------------------------------------------------
    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def session_id(cookie: str) -> str:
        return hashlib.sha256(cookie.encode()).hexdigest()
