"""Refit the propensity scorecard from the outcome history the backend holds.

Sample per account: features as of a cut ``horizon`` days before the newest event (only the
history before the cut is visible), label = any payment in the ``horizon`` days after the
cut. Accounts are split deterministically by a hash of their id into training and held-out
sets; the AUC reported is on the held-out set. The new scorecard is stored with the next
version number and a new global change version, so every device receives it on its next
pull. Every open account is then rescored with it (``scoring.rescore``), so tiers, scores
and reason codes follow the new model; only accounts that changed materially get a new
version.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import EventType
from workstation.domain.model import Event
from workstation.server.domain_rows import account_of, customer_of, event_of
from workstation.server.models import AccountRow, CustomerRow, EventRow, ScorecardRow
from workstation.server.scoring import RescoreReport, rescore
from workstation.server.versioning import allocate


@dataclass(frozen=True, slots=True)
class TrainingReport:
    version: int
    trained_on: int
    held_out: int
    auc: float
    cut: datetime
    rescore: RescoreReport | None = None


def _held_out(account_id: str, share: float, seed: int) -> bool:
    digest = hashlib.sha256(f"{seed}:{account_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def train_scorecard(
    sessions: sessionmaker[Session],
    *,
    holdout: float = 0.3,
    seed: int = 1,
    horizon_days: int = 30,
    l2: float = 1.0,
    rescore_accounts: bool = True,
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
        customers = {c.id: customer_of(c) for c in session.scalars(select(CustomerRow))}
        events: dict[str, list[Event]] = defaultdict(list)
        paid_after: set[str] = set()
        for row in session.scalars(select(EventRow).order_by(EventRow.occurred_at)):
            if row.occurred_at >= cut:
                if row.type == EventType.PAYMENT.value:
                    paid_after.add(row.account_id)
                continue
            events[row.account_id].append(event_of(row))
        train: list[tuple[dict[str, float], bool]] = []
        test: list[tuple[dict[str, float], bool]] = []
        from workstation.queue.features import extract_features

        for account_row in session.scalars(select(AccountRow)):
            account = account_of(account_row)
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
    # a new model: every account's score, reasons and tier follow it (the new scorecard is
    # committed, so ``rescore`` reads it as the current one)
    rescored = rescore(sessions) if rescore_accounts else None
    return TrainingReport(next_version, len(train), len(test), score, cut, rescored)
