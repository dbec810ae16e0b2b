"""The work queue's order: priority, overrides, categories and the reasons in words.

This module owns ``rank(inputs, now, contactability)``. Per DESIGN §7 the base priority is

    expected recoverable amount × propensity to pay × urgency

(recoverable = past due + a policy share of the rest of the balance, in major units;
urgency by bucket, boosted just before an account rolls into the next bucket). Overrides
come before the number: a callback the customer asked for that is due now first, then
promises falling due today or already missed, then ordinary work by priority, then accounts
waiting on a future promise or callback, then accounts that may not be contacted now
(soonest contactable first), then closed accounts.

It is the 100,000-row hot path, so the loop does table lookups, one dot product and
``math.exp`` per row; Money, time zones and sentences are only touched when a row's
``reasons`` are read (the UI reads the visible rows only).

Inputs are this module's own ``QueueInput`` so the ranking does not depend on the store's
row shape; ``workstation.queue.inputs`` adapts store rows and domain objects to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Union

from workstation.domain.enums import AccountStatus, Bucket, RiskTier
from workstation.domain.money import MINOR_DIGITS
from workstation.queue import wording
from workstation.queue.features import row_features
from workstation.queue.scorecard import Reason, Scorecard, default_scorecard
from workstation.queue.treatments import Treatment, TreatmentPolicy, default_policy

_CLOSED = frozenset(s.value for s in AccountStatus if s.is_closed)


class Category(StrEnum):
    """Why a row sits in its band of the queue; bands are listed in queue order."""

    CALLBACK = "callback"  # a callback the customer asked for is due
    PROMISE_DUE = "promise_due"  # an open promise falls due today or was missed
    DUE_NOW = "due_now"  # contactable now, ordinary work by priority
    WAITING = "waiting"  # contactable, but a promise or callback is booked for later
    BLOCKED = "blocked"  # may not be contacted now
    CLOSED = "closed"  # paid, settled or closed: nothing to collect


_BAND = {category: index for index, category in enumerate(Category)}


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


@dataclass(frozen=True, slots=True)
class Contact:
    """The compliance verdict the ranking needs: may we contact now, and if not, until when."""

    allowed: bool
    next_allowed_at: datetime | None = None
    reason_en: str = ""
    reason_zh: str = ""


ALLOWED = Contact(True)

ContactValue = Union[Contact, tuple[bool, datetime | None, str], tuple[Any, ...]]  # noqa: UP007
Contactability = Union[  # noqa: UP007
    Mapping[str, ContactValue], Callable[[QueueInput], ContactValue], None
]


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


def _as_contact(value: ContactValue) -> Contact:
    if isinstance(value, Contact):
        return value
    if hasattr(value, "allowed"):
        return contact_from_decision(value)
    if isinstance(value, tuple) and len(value) == 3:
        allowed, next_at, text = value
        return Contact(bool(allowed), next_at, str(text), str(text))
    if isinstance(value, tuple) and len(value) == 4:
        allowed, next_at, text_en, text_zh = value
        return Contact(bool(allowed), next_at, str(text_en), str(text_zh))
    raise TypeError(
        "a contactability value must be a Contact, a compliance Decision, "
        f"(allowed, next_allowed_at, text) or (allowed, next_allowed_at, text_en, text_zh); "
        f"got {value!r}"
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """What every row's lazy explanation shares: the models and the moment of ranking."""

    scorecard: Scorecard
    policy: TreatmentPolicy
    now: datetime


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One row of the ranked queue. ``reasons`` are worded on demand (en and zh)."""

    account_id: str
    priority: float
    rank: int
    tier: RiskTier
    treatment: Treatment
    category: Category
    contactable_now: bool
    next_contact_allowed_at: datetime | None
    probability: float
    bucket: Bucket
    promise_due: bool
    callback_due: bool
    source: QueueInput = field(repr=False, compare=False)
    contact: Contact = field(repr=False, compare=False)
    _context: _Context = field(repr=False, compare=False)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why the row sits where it does, most important first, each in English and Chinese."""
        return wording.row_reasons(
            self, self._context.scorecard, self._context.policy, self._context.now
        )

    def reason_text(self, language: str = "en") -> str:
        separator = "；" if language.startswith("zh") else "; "
        return separator.join(reason.text(language) for reason in self.reasons)

    @property
    def score_reasons(self) -> tuple[Reason, ...]:
        """The scorecard's own reasons (code, direction, ability/willingness/situation)."""
        return wording.score_reasons(self.source, self._context.scorecard)

    @property
    def sort_key(self) -> tuple[int, float, float, str]:
        return sort_key(
            self.category,
            self.priority,
            self.source.callback_at,
            self.next_contact_allowed_at,
            self.account_id,
        )


_FAR_FUTURE = math.inf


def sort_key(
    category: Category,
    priority: float,
    callback_at: datetime | None,
    next_allowed_at: datetime | None,
    account_id: str,
) -> tuple[int, float, float, str]:
    """The queue order: band, then the band's own clock, then priority, then id (total)."""
    if category is Category.CALLBACK and callback_at is not None:
        clock = callback_at.timestamp()  # the customer who has waited longest first
    elif category is Category.BLOCKED:
        clock = next_allowed_at.timestamp() if next_allowed_at is not None else _FAR_FUTURE
    else:
        clock = 0.0
    return (_BAND[category], clock, -priority, account_id)


def _lookup(contactability: Contactability) -> Callable[[QueueInput], Contact]:
    if contactability is None:
        return lambda item: ALLOWED
    if callable(contactability):
        supplier = contactability

        def from_callable(item: QueueInput) -> Contact:
            return _as_contact(supplier(item))

        return from_callable
    mapping = contactability

    def from_mapping(item: QueueInput) -> Contact:
        # An account without a verdict is treated as contactable: the engine is asked
        # again, authoritatively, before the agent dials.
        value = mapping.get(item.account_id)
        if value is None:
            return ALLOWED
        if isinstance(value, Contact):
            return value
        return _as_contact(value)

    return from_mapping


def _local_today(timezone: str, now: datetime, cache: dict[str, date]) -> date:
    today = cache.get(timezone)
    if today is None:
        today = now.astimezone(wording.zone(timezone)).date()
        cache[timezone] = today
    return today


def rank(
    inputs: Iterable[QueueInput],
    now: datetime,
    contactability: Contactability = None,
    *,
    scorecard: Scorecard | None = None,
    policy: TreatmentPolicy | None = None,
) -> list[RankedRow]:
    """Rank accounts for the queue at ``now`` (aware; UTC recommended).

    ``contactability`` maps account id → verdict (a ``Contact``, a compliance ``Decision``,
    or ``(allowed, next_allowed_at, text)``), or is a callable taking the ``QueueInput``;
    ``None`` means everything is contactable. Closed accounts are not asked about.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    scorecard = scorecard or default_scorecard()
    policy = policy or default_policy()
    context = _Context(scorecard, policy, now)
    verdict = _lookup(contactability)
    now_ts = now.timestamp()
    share = policy.priority.balance_share
    probability_of = scorecard.probability
    urgency_of = policy.urgency
    bucket_of = policy.bucket
    tier_of = policy.tier
    treatment_of = policy.treatment
    today_by_zone: dict[str, date] = {}
    divisor_by_currency: dict[str, float] = {}

    staged: list[tuple[tuple[int, float, float, str], tuple[Any, ...]]] = []
    append = staged.append
    for item in inputs:
        divisor = divisor_by_currency.get(item.currency)
        if divisor is None:
            divisor = float(10 ** MINOR_DIGITS.get(item.currency, 2))
            divisor_by_currency[item.currency] = divisor
        # propensity: full features, else the stored score, else what the row shows
        if item.features is not None:
            probability = probability_of(item.features)
        elif item.score is not None:
            probability = item.score
        else:
            probability = probability_of(
                row_features(
                    item.balance_minor / divisor,
                    item.past_due_minor / divisor,
                    item.days_past_due,
                    item.flags,
                )
            )
        bucket = bucket_of(item.days_past_due)
        tier = tier_of(probability, bucket)
        treatment = treatment_of(tier, bucket, item.flags)
        past_due = item.past_due_minor
        rest = item.balance_minor - past_due
        recoverable = (past_due + share * rest if rest > 0 else past_due) / divisor

        callback_due = item.callback_at is not None and item.callback_at.timestamp() <= now_ts
        promise_due = item.promise_due_on is not None and item.promise_due_on <= _local_today(
            item.timezone, now, today_by_zone
        )
        if item.status in _CLOSED:
            contact = ALLOWED
            category = Category.CLOSED
            priority = 0.0
        else:
            priority = recoverable * probability * urgency_of(item.days_past_due)
            if priority < 0:
                priority = 0.0
            contact = verdict(item)
            if not contact.allowed:
                category = Category.BLOCKED
            elif callback_due:
                category = Category.CALLBACK
            elif promise_due:
                category = Category.PROMISE_DUE
            elif item.callback_at is not None or item.promise_due_on is not None:
                category = Category.WAITING
            else:
                category = Category.DUE_NOW
        key = sort_key(
            category, priority, item.callback_at, contact.next_allowed_at, item.account_id
        )
        append(
            (
                key,
                (
                    item,
                    priority,
                    tier,
                    treatment,
                    category,
                    contact,
                    probability,
                    bucket,
                    promise_due,
                    callback_due,
                ),
            )
        )

    staged.sort(key=_first)
    rows: list[RankedRow] = []
    add = rows.append
    for position, (_, values) in enumerate(staged, start=1):
        (
            item,
            priority,
            tier,
            treatment,
            category,
            contact,
            probability,
            bucket,
            promise_due,
            callback_due,
        ) = values
        add(
            RankedRow(
                item.account_id,
                priority,
                position,
                tier,
                treatment,
                category,
                contact.allowed,
                contact.next_allowed_at,
                probability,
                bucket,
                promise_due,
                callback_due,
                item,
                contact,
                context,
            )
        )
    return rows


def _first(entry: tuple[tuple[int, float, float, str], Any]) -> tuple[int, float, float, str]:
    return entry[0]


def in_tab(row: RankedRow, tab: Tab) -> bool:
    """Whether a row belongs on a queue tab ("Due now", "Callbacks", "Promises due", "All")."""
    if tab is Tab.ALL:
        return True
    if tab is Tab.DUE_NOW:
        return row.category in (Category.CALLBACK, Category.PROMISE_DUE, Category.DUE_NOW)
    if tab is Tab.CALLBACKS:
        return row.source.callback_at is not None
    return row.promise_due


def tab_rows(rows: Iterable[RankedRow], tab: Tab) -> list[RankedRow]:
    """The rows of one tab, in queue order."""
    return [row for row in rows if in_tab(row, tab)]


__all__ = [
    "ALLOWED",
    "Category",
    "Contact",
    "Contactability",
    "QueueInput",
    "RankedRow",
    "Tab",
    "contact_from_decision",
    "in_tab",
    "rank",
    "sort_key",
    "tab_rows",
]
