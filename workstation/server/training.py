"""Refit the propensity scorecard from the outcome history the backend holds.

Sample per account: features as of a cut ``horizon`` days before the newest event (only the
history before the cut is visible), label = any payment in the ``horizon`` days after the
cut. Accounts are split deterministically by a hash of their id into training and held-out
sets; the AUC reported is on the held-out set. The new scorecard is stored with the next
version number and a new global change version, so every device receives it on its next
pull.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import AccountStatus, CustomerFlag, EventType, Language
from workstation.domain.model import Account, Customer, Event
from workstation.domain.money import Money
from workstation.server.models import AccountRow, CustomerRow, EventRow, ScorecardRow
from workstation.server.versioning import allocate


@dataclass(frozen=True, slots=True)
class TrainingReport:
    version: int
    trained_on: int
    held_out: int
    auc: float
    cut: datetime


def _held_out(account_id: str, share: float, seed: int) -> bool:
    digest = hashlib.sha256(f"{seed}:{account_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def _customer(row: CustomerRow) -> Customer:
    currency = row.income_currency
    income = (
        Money.from_minor(row.monthly_income_minor, currency)
        if currency and row.monthly_income_minor is not None
        else None
    )
    expenses = (
        Money.from_minor(row.monthly_expenses_minor, currency)
        if currency and row.monthly_expenses_minor is not None
        else None
    )
    flags = frozenset(CustomerFlag(f) for f in row.flags if f in CustomerFlag.__members__.values())
    return Customer(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        jurisdiction=row.jurisdiction,
        language=Language(row.language) if row.language in ("en", "zh") else Language.EN,
        flags=flags,
        monthly_income=income,
        monthly_expenses=expenses,
    )


def _account(row: AccountRow) -> Account:
    cur = row.currency
    return Account(
        id=row.id,
        customer_id=row.customer_id,
        product=row.product,
        currency=cur,
        principal=Money.from_minor(row.principal_minor, cur),
        balance=Money.from_minor(row.balance_minor, cur),
        past_due=Money.from_minor(row.past_due_minor, cur),
        days_past_due=row.days_past_due,
        status=AccountStatus(row.status),
        opened_on=row.opened_on,
        annual_rate=Decimal(row.annual_rate or "0"),
    )


def train_scorecard(
    sessions: sessionmaker[Session],
    *,
    holdout: float = 0.3,
    seed: int = 1,
    horizon_days: int = 30,
    l2: float = 1.0,
) -> TrainingReport:
    from workstation.queue.fit import auc, fit_scorecard
    from workstation.queue.scorecard import default_scorecard, parse_scorecard

    with sessions() as session:
        newest = session.scalar(select(func.max(EventRow.occurred_at)))
        if newest is None:
            raise ValueError("no outcome history to learn from; seed or sync some first")
        cut = newest - timedelta(days=horizon_days)
        latest = session.scalar(select(ScorecardRow).order_by(ScorecardRow.id.desc()).limit(1))
        template = parse_scorecard(latest.model, "database") if latest else default_scorecard()
        customers = {c.id: _customer(c) for c in session.scalars(select(CustomerRow))}
        events: dict[str, list[Event]] = defaultdict(list)
        paid_after: set[str] = set()
        for row in session.scalars(select(EventRow).order_by(EventRow.occurred_at)):
            if row.occurred_at >= cut:
                if row.type == EventType.PAYMENT.value:
                    paid_after.add(row.account_id)
                continue
            events[row.account_id].append(
                Event(
                    id=row.id,
                    type=EventType(row.type),
                    account_id=row.account_id,
                    customer_id=row.customer_id,
                    occurred_at=row.occurred_at,
                    recorded_by=row.recorded_by,
                    payload=row.payload,
                )
            )
        train: list[tuple[dict[str, float], bool]] = []
        test: list[tuple[dict[str, float], bool]] = []
        from workstation.queue.features import extract_features

        for account_row in session.scalars(select(AccountRow)):
            account = _account(account_row)
            features = extract_features(
                customers[account_row.customer_id], account, events[account_row.id], cut
            )
            sample = (features, account_row.id in paid_after)
            (test if _held_out(account_row.id, holdout, seed) else train).append(sample)
    if not train or not test:
        raise ValueError("too few accounts to train and hold out")
    next_version = (latest.id + 1) if latest else 1
    trained_on: dict[str, Any] = {
        "cut": cut.isoformat(),
        "horizon_days": horizon_days,
        "held_out": len(test),
    }
    scorecard = fit_scorecard(
        train, template, version=str(next_version), l2=l2, trained_on=trained_on
    )
    score = auc([scorecard.probability(f) for f, _ in test], [y for _, y in test])
    with sessions.begin() as session:
        session.add(
            ScorecardRow(
                id=next_version,
                model=scorecard.to_json(),
                auc=f"{score:.4f}",
                trained_on=len(train),
                created_at=datetime.now(UTC),
                version=allocate(session, 1),
            )
        )
    return TrainingReport(next_version, len(train), len(test), score, cut)
