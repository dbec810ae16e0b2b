"""Secrets never reach a log: ``redact`` and the logging filter built on it.

Used by the server's JSON logs and by the desktop's log file alike. Bearer tokens, the
server's access tokens, argon2 hashes, values of secret-bearing keys (``password``,
``token``, ``otp``, ``secret`` … as ``key=value``, ``key: value`` or JSON) and full national
ids (18-character Chinese resident ids, US SSNs), the portal's link tokens in a path and
the one-time code in its code message become ``[redacted]``.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"),
    # key=value, key: value and "key": "value" for secret-bearing keys
    re.compile(
        r"(?i)(\"?\b(?:password|passwd|passphrase|secret|token|access_token|refresh_token|otp|"
        r"otp_code|one_time_code|verification_code|api_key|authorization|x-webhook-token)\b"
        r"\"?\s*[:=]\s*\"?)([^\"\s,;&}]+)"
    ),
    re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+"),
    # our access tokens: base64url(JSON claims) "." base64url(HMAC-SHA256)
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}"),
    # refresh tokens and other 256-bit url-safe secrets (43 characters, both cases)
    re.compile(
        r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]{0,42}[A-Z])(?=[A-Za-z0-9_-]{0,42}[a-z])"
        r"[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"
    ),
    re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"),  # CN resident id
    re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"),  # US SSN
    # the portal's link and survey tokens in a path (an access log's request line)
    re.compile(r"(/portal/(?:l|survey)/)([A-Za-z0-9._~-]+)"),
    # a one-time code in the portal's code message, English and Chinese
    re.compile(r"(?<!\d)\d{6}(?= is your code)"),
    re.compile(r"(?<=验证码)\d{6}"),
)


def redact(text: str) -> str:
    """``text`` with every secret-looking part replaced by ``[redacted]``."""
    for pattern in _PATTERNS:
        if pattern.groups >= 2:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        elif pattern.groups == 1:
            text = pattern.sub(lambda m: m.group(1) + " " + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Render the message once, redacted, so no handler can format the secret back in."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is, redacted
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
