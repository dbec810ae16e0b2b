"""How long an SMS is on the air: GSM-7 or UCS-2, and how many segments it takes.

A text made only of GSM 03.38 characters travels as 7-bit septets: 160 in one message, 153
per segment once it is split (the user-data header takes the rest). Characters of the
GSM-7 extension table (``^ { } \\ [ ~ ] | €`` and form feed) are sent as an escape plus the
character, so they count twice and never straddle two segments. Anything else (Chinese,
most accented letters, emoji) forces UCS-2 for the whole message: 70 UTF-16 code units in
one message, 67 per segment, and a surrogate pair is never split.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True, slots=True)
class SmsLength:
    """``units`` are septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text."""

    encoding: Encoding
    units: int
    segments: int
    per_segment: int  # the limit that applied: 160/153 or 70/67


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _cost(char: str, encoding: Encoding) -> int:
    if encoding is Encoding.GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def _split(text: str, encoding: Encoding, limit: int) -> int:
    """Segments when filled greedily without splitting an escape or a surrogate pair."""
    segments, used = 1, 0
    for char in text:
        cost = _cost(char, encoding)
        if used + cost > limit:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_length(text: str) -> SmsLength:
    """Encoding, length in units and segment count of ``text`` sent as one SMS."""
    encoding = Encoding.GSM7 if is_gsm7(text) else Encoding.UCS2
    units = sum(_cost(c, encoding) for c in text)
    single, part = (
        (GSM7_SINGLE, GSM7_PART) if encoding is Encoding.GSM7 else (UCS2_SINGLE, UCS2_PART)
    )
    if units == 0:
        return SmsLength(encoding, 0, 0, single)
    if units <= single:
        return SmsLength(encoding, units, 1, single)
    return SmsLength(encoding, units, _split(text, encoding, part), part)


def non_gsm_characters(text: str) -> str:
    """The characters that force UCS-2, in order of first appearance (for a hint in the UI)."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            seen.setdefault(char)
    return "".join(seen)
