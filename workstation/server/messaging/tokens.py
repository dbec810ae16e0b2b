"""Signed unsubscribe tokens: which e-mail record (and message) a link opts out.

``base64url(json).base64url(HMAC-SHA256)`` with a key derived from the server's token
secret (in the database, shared by every server process). Tokens do not expire: an
unsubscribe link must keep working for as long as the e-mail sits in a mailbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    address_id: str
    message_id: str


class UnsubscribeSigner:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"unsubscribe\0" + secret.encode()).digest()

    def sign(self, address_id: str, message_id: str) -> str:
        body = json.dumps({"a": address_id, "m": message_id}, separators=(",", ":")).encode()
        mac = hmac.new(self._key, body, hashlib.sha256).digest()
        return f"{_b64(body)}.{_b64(mac)}"

    def read(self, token: str) -> Unsubscribe | None:
        """The token's content, or None when it is malformed or not signed by us."""
        body_text, _, mac_text = token.strip().partition(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError):
            return None
        expected = hmac.new(self._key, body, hashlib.sha256).digest()
        if not mac or not hmac.compare_digest(mac, expected):
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        address, message = data.get("a"), data.get("m")
        if not isinstance(address, str) or not isinstance(message, str):
            return None
        return Unsubscribe(address, message)
