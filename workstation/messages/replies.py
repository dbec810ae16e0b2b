"""Inbound replies: does this text ask us to stop messaging ("STOP", "退订", "TD" …), and
does it complain ("投诉", "complaint")?

Generous on purpose: a customer who asks to stop in any usual way is opted out at once; a
false positive costs one reminder, a false negative costs a complaint. A reply that names a
complaint is taken as one (the complaints workflow registers it; a person reads it anyway).
"""

from __future__ import annotations

import re
import unicodedata

# whole-message keywords (after case folding and dropping spaces and punctuation)
STOP_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "optout",
        "opt out",
        "revoke",
        "td",
        "t",
        "退订",
        "退",
        "取消",
        "取消订阅",
        "退订短信",
        "不要再发",
        "别再发了",
    }
)
# a reply that merely contains one of these is an opt-out too
STOP_FRAGMENTS = ("退订", "取消订阅", "不要再发", "别再发", "unsubscribe")
_FIRST_WORDS = frozenset({"stop", "unsubscribe", "td", "optout", "quit", "cancel"})
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return _STRIP.sub(" ", folded).strip()


def is_opt_out(text: str) -> bool:
    """True when an inbound SMS asks to stop receiving messages."""
    words = normalise(text)
    if not words:
        return False
    if words in STOP_WORDS or words.replace(" ", "") in STOP_WORDS:
        return True
    if words.split(" ", 1)[0] in _FIRST_WORDS:
        return True
    return any(fragment in words for fragment in STOP_FRAGMENTS)


# a reply containing one of these is a complaint (the complaints workflow takes it in)
COMPLAINT_WORDS = ("投诉", "complaint", "complain")


def mentions_complaint(text: str) -> bool:
    """True when an inbound SMS or e-mail says it is a complaint."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return any(word in folded for word in COMPLAINT_WORDS)
