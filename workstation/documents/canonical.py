"""Canonical JSON and the content hash printed on documents.

What a document's canonical content holds (see ``AgreementContent.canonical()`` and
``LetterContent.canonical()``): the document kind, language, reference and date, the
jurisdiction, both parties (the customer's id masked), the account, the plan's terms and
full schedule (or the letter's figures) in wire form, the required statements in the printed
languages, and the templates' version and SHA-256 (so a change of wording changes the hash).

``content_sha256`` is the SHA-256 (lowercase hex) of the document's canonical JSON: UTF-8,
keys sorted, no insignificant whitespace, non-ASCII characters written as themselves, money
as strings with exactly the currency's decimals, dates as ISO 8601. Anyone holding the same
content (the backend, an auditor) can recompute it with ``json.dumps(content, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``. A PDF cannot contain the hash of its own bytes,
so the PDF bytes' SHA-256 is kept separately as the blob id.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any


def canonical_json(content: dict[str, Any]) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_sha256(content: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(content))


def decimal_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: ``Decimal("12.50")`` → ``"12.5"``."""
    text = format(value.normalize(), "f")
    return text
