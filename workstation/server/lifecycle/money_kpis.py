"""Money the KPIs count: confirmed collections, reported money beside them, sums that cannot
overflow, and the rule that a voided event counts nowhere.

- **Collected** is confirmed money only (``payments`` rows the bank file or the payment API
  applied), dated by the bank's ``paid_on``, on the accounts each agent holds now.
- **Reported, unconfirmed** is what agents reported and no bank payment has confirmed yet
  (nor voided, nor flagged as above the balance): shown beside recovery, never in it.
- **Exact sums**: SQLite's ``sum()`` of integers raises "integer overflow" past 2^63 (and
  PostgreSQL's ``bigint`` sum widens to ``numeric`` only there). Each amount is summed as two
  parts — ``amount // 10^9`` and ``amount % 10^9``, each far below the limit for any number of
  rows — and the parts are put back together in Python, whose integers do not overflow.
- **Voids**: ``not_voided()`` is the filter every event count uses (a payment the bank took
  back, ``returns``, is left out the same way; its ``payments`` row is ``returned``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from workstation.domain.enums import EventType, PaymentSource, PaymentStatus
from workstation.server.models import AccountRow, EventRow, PaymentRow

SPLIT = 1_000_000_000
REPORTED_OPEN = (PaymentStatus.UNCONFIRMED.value, PaymentStatus.UNMATCHED.value)


def exact_sum(column: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Two SQL sums whose ``high * SPLIT + low`` is the exact total (``joined``)."""
    return func.sum(column // SPLIT), func.sum(column % SPLIT)


def joined(high: Any, low: Any) -> int:
    return int(high or 0) * SPLIT + int(low or 0)


def not_voided() -> ColumnElement[bool]:
    """Events no ``void`` event names, nor a ``payment_return`` (a payment the bank took
    back counts nowhere either; both are few, their targets never NULL)."""
    void = aliased(EventRow)
    target = void.payload["target_event_id"].as_string()
    voided = select(target).where(
        void.type.in_([EventType.VOID.value, EventType.PAYMENT_RETURN.value]),
        target.is_not(None),
    )
    return EventRow.id.not_in(voided.correlate(None).scalar_subquery())


def money_by_owner(
    session: Session, owner_ids: Sequence[str], start_day: date, end_day: date
) -> dict[str, dict[str, dict[str, int]]]:
    """owner → {"collected"/"reported": {currency: minor units}} for payments dated in
    ``[start_day, end_day]`` on the accounts each owner holds now."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {"collected": {}, "reported": {}}
    )
    if not owner_ids:
        return out
    high, low = exact_sum(PaymentRow.amount_minor)
    confirmed = (PaymentRow.source == PaymentSource.CONFIRMED.value) & (
        PaymentRow.status == PaymentStatus.APPLIED.value
    )
    reported = (PaymentRow.source == PaymentSource.REPORTED.value) & (
        PaymentRow.status.in_(REPORTED_OPEN)
    )
    for name, condition in (("collected", confirmed), ("reported", reported)):
        for owner, currency, part_high, part_low in session.execute(
            select(AccountRow.owner_id, PaymentRow.currency, high, low)
            .join(AccountRow, AccountRow.id == PaymentRow.account_id)
            .where(
                AccountRow.owner_id.in_(list(owner_ids)),
                condition,
                PaymentRow.paid_on >= start_day,
                PaymentRow.paid_on <= end_day,
            )
            .group_by(AccountRow.owner_id, PaymentRow.currency)
        ):
            out[owner or ""][name][currency] = joined(part_high, part_low)
    return out


def reported_by_recorder(
    session: Session, user_ids: Sequence[str], start_day: date, end_day: date
) -> dict[str, dict[str, int]]:
    """recorder → {currency: minor units} of their still-unconfirmed reports in the period."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    if not user_ids:
        return out
    high, low = exact_sum(PaymentRow.amount_minor)
    for user_id, currency, part_high, part_low in session.execute(
        select(PaymentRow.recorded_by_id, PaymentRow.currency, high, low)
        .where(
            PaymentRow.recorded_by_id.in_(list(user_ids)),
            PaymentRow.source == PaymentSource.REPORTED.value,
            PaymentRow.status.in_(REPORTED_OPEN),
            PaymentRow.paid_on >= start_day,
            PaymentRow.paid_on <= end_day,
        )
        .group_by(PaymentRow.recorded_by_id, PaymentRow.currency)
    ):
        out[user_id or ""][currency] = joined(part_high, part_low)
    return out
