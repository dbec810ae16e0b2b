"""The queue's own types: what ranking takes in (``QueueInput``, a ``Contact`` verdict) and
the bands and tabs it sorts into. Apart from ``ranking`` so that ``wording`` (which words the
rows ranking makes) and ranking can both read them without importing each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from workstation.queue.tasks import StrategyTask


class Category(StrEnum):
    """Why a row sits in its band of the queue; bands are listed in queue order."""

    CALLBACK = "callback"  # a callback the customer asked for is due
    PROMISE_DUE = "promise_due"  # an open promise falls due today or was missed
    TASK = "task"  # a strategy step asks the owner for a call, a visit or a review
    DUE_NOW = "due_now"  # contactable now, ordinary work by priority
    WAITING = "waiting"  # contactable, but a promise or callback is booked for later
    BLOCKED = "blocked"  # may not be contacted now
    CLOSED = "closed"  # paid, settled or closed: nothing to collect


class Tab(StrEnum):
    DUE_NOW = "due_now"
    CALLBACKS = "callbacks"
    PROMISES_DUE = "promises_due"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class QueueInput:
    """What ranking needs to know about one account (money in integer minor units).

    ``features`` (see ``features.py``) are scored by the scorecard; without them a stored
    ``score`` is used; without either the scorecard scores what the row itself shows.
    ``promise_due_on`` / ``promise_amount_minor`` describe the open promise, if any, and
    ``callback_at`` the pending callback (UTC).
    """

    account_id: str
    currency: str
    balance_minor: int
    past_due_minor: int
    days_past_due: int
    status: str = "open"
    timezone: str = "UTC"
    language: str = "en"
    flags: frozenset[str] = frozenset()
    customer_name: str = ""
    features: Mapping[str, float] | None = None
    score: float | None = None
    reason_codes: tuple[str, ...] = ()
    promise_due_on: date | None = None
    promise_amount_minor: int | None = None
    callback_at: datetime | None = None
    task: StrategyTask | None = None  # a strategy's raised task (``queue.tasks``)


@dataclass(frozen=True, slots=True)
class Contact:
    """The compliance verdict the ranking needs: may we contact now, and if not, until when."""

    allowed: bool
    next_allowed_at: datetime | None = None
    reason_en: str = ""
    reason_zh: str = ""


ALLOWED = Contact(True)


def contact_from_decision(decision: Any) -> Contact:
    """Adapt a compliance ``Decision`` (allowed, reasons[code, text_en, text_zh], next_allowed_at).

    Duck-typed so the queue does not import the compliance engine.
    """
    reasons = tuple(getattr(decision, "reasons", ()) or ())
    return Contact(
        allowed=bool(decision.allowed),
        next_allowed_at=getattr(decision, "next_allowed_at", None),
        reason_en="; ".join(str(getattr(r, "text_en", r)) for r in reasons),
        reason_zh="；".join(str(getattr(r, "text_zh", getattr(r, "text_en", r))) for r in reasons),
    )
