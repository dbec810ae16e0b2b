"""The confirmed money the lifecycle decides on, read from the server's books.

Only confirmed payments count (DESIGN §10): a reported one (an agent heard of it) never keeps
a promise or pays an instalment. A voided payment does not count, nor one the bank took back
(a ``payment_return`` names it: ``returns``). The day of a payment is
the day the money arrived (``payload.paid_on`` of a bank-file or API payment, else the day
it occurred, UTC).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, PaymentSource
from workstation.lifecycle.promises import Payment
from workstation.server.models import EventRow

_CHUNK = 500
# events that name a payment that no longer counts
_TAKEN_BACK = (EventType.VOID.value, EventType.PAYMENT_RETURN.value)


def confirmed_payments(session: Session, account_ids: Iterable[str]) -> dict[str, list[Payment]]:
    """Each account's confirmed payments, neither voided nor returned (oldest first)."""
    ids = list(dict.fromkeys(account_ids))
    out: dict[str, list[Payment]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        voided = set(
            session.scalars(
                select(EventRow.payload["target_event_id"].as_string()).where(
                    EventRow.account_id.in_(chunk), EventRow.type.in_(_TAKEN_BACK)
                )
            )
        )
        rows = session.execute(
            select(
                EventRow.id,
                EventRow.account_id,
                EventRow.amount_minor,
                EventRow.occurred_at,
                EventRow.payload["paid_on"].as_string(),
            ).where(
                EventRow.account_id.in_(chunk),
                EventRow.type == EventType.PAYMENT.value,
                EventRow.payload["source"].as_string() == PaymentSource.CONFIRMED.value,
            )
        )
        for event_id, account_id, amount, occurred_at, paid_on in rows:
            if event_id in voided or not amount:
                continue
            day = _day(paid_on) or occurred_at.astimezone(UTC).date()
            out[account_id].append(Payment(day, int(amount)))
    for payments in out.values():
        payments.sort(key=lambda p: p.paid_on)
    return out


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def accounts_with_new_money(
    session: Session, since_version: int | None, day: date, *, window_days: int = 30
) -> set[str]:
    """Accounts with confirmed money that ``day`` has to look at: money dated ``day``, and
    money dated on or before it that was committed since the previous day's run started
    (``since_version``: every version at or below it belonged to a transaction that had
    committed, ``versioning``) — or, on the first run ever, money of the last
    ``window_days``. A decision that needs money (a promise kept, an instalment paid, a
    letter) only ever follows such money; one that needs time (a deadline passed) is found
    by its date. Money taken back (a ``payment_return`` committed since) counts as new
    money too: the instalments it had paid are decided again."""
    confirmed = (
        EventRow.type == EventType.PAYMENT.value,
        EventRow.payload["source"].as_string() == PaymentSource.CONFIRMED.value,
    )
    start = datetime.combine(day, time(0), UTC)
    dated_today = or_(
        EventRow.payload["paid_on"].as_string() == day.isoformat(),
        and_(EventRow.occurred_at >= start, EventRow.occurred_at < start + timedelta(days=1)),
    )
    found = set(session.scalars(select(EventRow.account_id).where(*confirmed, dated_today)))
    returned = EventRow.type == EventType.PAYMENT_RETURN.value
    found.update(
        session.scalars(
            select(EventRow.account_id).where(
                returned,
                EventRow.occurred_at >= start - timedelta(days=window_days)
                if since_version is None
                else EventRow.server_version > since_version,
            )
        )
    )
    if since_version is None:
        recent = EventRow.occurred_at >= start - timedelta(days=window_days)
    else:
        recent = EventRow.server_version > since_version
    for account_id, occurred_at, paid_on in session.execute(
        select(
            EventRow.account_id, EventRow.occurred_at, EventRow.payload["paid_on"].as_string()
        ).where(*confirmed, recent)
    ):
        if (_day(paid_on) or occurred_at.astimezone(UTC).date()) <= day:
            found.add(account_id)
    return found
