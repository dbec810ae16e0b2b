"""Adapters into ``QueueInput``: from domain objects plus history, and from store rows.

This module owns the translation so ``ranking`` never depends on the store's row shape or
on how events spell a promise or a callback. ``from_row`` reads attributes by a few
accepted names; ``from_account`` derives the open promise and the pending callback from
the account's events (the generator's and the client's payload conventions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from workstation.domain.enums import EventType
from workstation.domain.model import Account, Customer, Event
from workstation.domain.money import MINOR_DIGITS
from workstation.queue.features import extract_features
from workstation.queue.tasks import parse_task, standing_task
from workstation.queue.types import QueueInput


def _first(row: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
        if value is not None:
            return value
    return default


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _minor(value: Any, currency: str) -> int | None:
    """Minor units from an int (already minor), a Money, or a Decimal/wire string (major)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    minor = getattr(value, "minor", None)
    if isinstance(minor, int):
        return minor
    return int(Decimal(str(value)).scaleb(MINOR_DIGITS.get(currency, 2)))


def from_row(row: Any, *, features: Mapping[str, float] | None = None) -> QueueInput:
    """A store ``QueueRow`` (or a mapping with the same names) as a ``QueueInput``.

    Money fields ending in ``_minor`` are integer minor units; the others may be Money or
    Decimal major units. Flags may be any iterable of strings.
    """
    currency = str(_first(row, "currency", default="CNY"))
    score = _first(row, "score", "propensity")
    return QueueInput(
        account_id=str(_first(row, "account_id", "id")),
        currency=currency,
        balance_minor=_minor(_first(row, "balance_minor", "balance"), currency) or 0,
        past_due_minor=_minor(_first(row, "past_due_minor", "past_due"), currency) or 0,
        days_past_due=int(_first(row, "days_past_due", "dpd", default=0)),
        status=str(_first(row, "status", default="open")),
        timezone=str(_first(row, "timezone", default="UTC")),
        language=str(_first(row, "language", default="en")),
        flags=frozenset(str(f) for f in _first(row, "flags", default=())),
        customer_name=str(_first(row, "customer_name", "name", default="")),
        features=features,
        score=float(score) if score is not None else None,
        reason_codes=tuple(_first(row, "reason_codes", default=())),
        promise_due_on=_date(
            _first(row, "promise_due_on", "open_promise_due_date", "promise_due_date")
        ),
        promise_amount_minor=_minor(
            _first(row, "promise_amount_minor", "open_promise_amount_minor", "open_promise_amount"),
            currency,
        ),
        callback_at=_instant(_first(row, "callback_at", "callback_due_at")),
        task=parse_task(_first(row, "task", "strategy_task")),
    )


def pending_promise(events: Iterable[Event]) -> tuple[date, int, str] | None:
    """The latest open promise: (due date, amount in minor units, currency), if any."""
    latest: Event | None = None
    for event in events:
        if (
            event.type is EventType.PROMISE
            and event.payload.get("status", "open") == "open"
            and (latest is None or event.occurred_at >= latest.occurred_at)
        ):
            latest = event
    if latest is None:
        return None
    due = latest.date_field("due_date")
    money = latest.money()
    if due is None or money is None:
        return None
    return due, money.minor, money.currency


# A callback missed by more than this is history, not work due now: the next attempt is
# ranked like any other rather than sitting above today's callbacks for ever.
CALLBACK_STALE_AFTER = timedelta(days=3)


def pending_callback(events: Iterable[Event], as_of: datetime | None = None) -> datetime | None:
    """The callback asked for in the latest contact attempt, if that attempt asked for one.

    Any later attempt supersedes it: the callback was made (or another outcome replaced
    it). With ``as_of``, a callback more than three days overdue is dropped as stale.
    """
    latest: Event | None = None
    for event in events:
        if event.type is EventType.CONTACT_ATTEMPT and (
            latest is None or event.occurred_at >= latest.occurred_at
        ):
            latest = event
    if latest is None:
        return None
    callback_at = _instant(latest.payload.get("callback_at"))
    if callback_at is not None and as_of is not None and callback_at < as_of - CALLBACK_STALE_AFTER:
        return None
    return callback_at


def from_account(
    customer: Customer,
    account: Account,
    events: Iterable[Event],
    as_of: datetime,
    *,
    with_features: bool = True,
) -> QueueInput:
    """Build the ranking input from domain objects and this account's events."""
    history = list(events)
    promise = pending_promise(history)
    return QueueInput(
        account_id=account.id,
        currency=account.currency,
        balance_minor=account.balance.minor,
        past_due_minor=account.past_due.minor,
        days_past_due=account.days_past_due,
        status=account.status.value,
        timezone=customer.timezone,
        language=customer.language.value,
        flags=frozenset(flag.value for flag in customer.flags),
        customer_name=customer.name,
        features=extract_features(customer, account, history, as_of) if with_features else None,
        score=float(account.score) if account.score is not None else None,
        reason_codes=account.reason_codes,
        promise_due_on=promise[0] if promise else None,
        promise_amount_minor=promise[1] if promise else None,
        callback_at=pending_callback(history, as_of),
        task=standing_task(history, account.status.value),
    )
