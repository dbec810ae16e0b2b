"""Phone numbers in E.164 (``+447700900450``): what an inbound SMS's sender is matched on.

Replies were matched on a loose suffix of digits (eight shared digits were enough), so
``00900450`` — an international prefix and six digits — matched a UK customer's
``+44 7700 900450``, and its ``STOP`` opted that customer out. Now both sides are normalised
to E.164 and must be equal.

A number with ``+`` or the international prefix ``00`` carries its country code. A number on
file without one is national and takes its customer's country (from the rule pack id or the
ISO code in ``jurisdiction``), less the trunk prefix. A sender without either is read as an
MSISDN — country code first, as SMS gateways send it. Anything else (letters, too short or
too long for E.164, a leading 0 after the country) is no number: it matches nothing.
"""

from __future__ import annotations

import re

# jurisdiction (rule pack id or ISO code) -> (country calling code, national trunk prefix)
_COUNTRIES: dict[str, tuple[str, str]] = {
    "cn-nifa": ("86", "0"),
    "CN": ("86", "0"),
    "us-regf": ("1", "1"),
    "US": ("1", "1"),
    "uk-conc": ("44", "0"),
    "UK": ("44", "0"),
    "GB": ("44", "0"),
}
_SEPARATORS = re.compile(r"[\s().\-/]+")
_MIN_DIGITS, _MAX_DIGITS = 8, 15


def e164(raw: str, jurisdiction: str | None = None) -> str | None:
    """``raw`` as ``+<digits>``, or None when it cannot be a phone number."""
    text = _SEPARATORS.sub("", raw or "")
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif jurisdiction in _COUNTRIES:
        code, trunk = _COUNTRIES[jurisdiction]
        national = text.removeprefix(trunk) if len(text) > 10 or trunk == "0" else text
        digits = code + national
    else:
        digits = text
    if not digits.isdecimal() or not digits.isascii() or digits.startswith("0"):
        return None
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        return None
    return "+" + digits


def same_number(a: str | None, b: str | None) -> bool:
    """Equal E.164 numbers (two unreadable numbers are not the same number)."""
    return a is not None and a == b
