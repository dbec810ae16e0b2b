"""Regenerate the shipped scorecard from the demo generator's history, and say how good it is.

This module owns how the *default* coefficients in ``resources/scorecard.json`` are made:
generate a portfolio with its hidden propensity, cut its history ``outcome_days`` before
the end, compute every feature from the history before the cut, label an account "paid"
if any payment arrived after it, fit, and measure AUC on a second portfolio with another
seed (held out). The backend's ``train-scorecard`` reuses ``training_samples`` and
``fit_scorecard`` on real outcomes.

Run: ``python -m workstation.queue.train_default [--accounts N] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from workstation.domain.enums import AccountStatus, CustomerFlag, EventType
from workstation.domain.model import Account, Customer, Event
from workstation.queue.features import extract_features
from workstation.queue.fit import auc, fit_scorecard
from workstation.queue.scorecard import Scorecard, default_scorecard, load_scorecard
from workstation.resources import resource_path

# A fixed "now" keeps the shipped file reproducible byte for byte.
AS_OF = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRAIN_SEED = 20260302
HOLDOUT_SEED = 20260303
OUTCOME_DAYS = 30
VERSION = "demo-2026.03"


@dataclass(frozen=True, slots=True)
class TrainingReport:
    scorecard: Scorecard
    train_auc: float
    holdout_auc: float
    holdout_truth_auc: float  # the hidden propensity's own AUC: the ceiling to compare with
    samples: int
    positives: int


class History(Protocol):
    """What training needs: the generator's ``DemoPortfolio`` or the backend's equivalent."""

    @property
    def as_of(self) -> datetime: ...
    @property
    def customers(self) -> Sequence[Customer]: ...
    @property
    def accounts(self) -> Sequence[Account]: ...
    @property
    def events(self) -> Sequence[Event]: ...


def training_samples(
    portfolio: History, *, outcome_days: int = OUTCOME_DAYS
) -> tuple[list[tuple[dict[str, float], bool]], list[str]]:
    """(features before the cut, paid after it) per worked account, and the account ids.

    The account's state is taken back to the cut as far as the history allows: days past
    due shrink by ``outcome_days`` and flags raised after the cut are dropped, so no
    feature knows the outcome window.
    """
    as_of = portfolio.as_of
    cut = as_of - timedelta(days=outcome_days)
    by_account: dict[str, list[Event]] = defaultdict(list)
    for event in portfolio.events:
        by_account[event.account_id].append(event)
    customers = {c.id: c for c in portfolio.customers}
    samples: list[tuple[dict[str, float], bool]] = []
    ids: list[str] = []
    for account in portfolio.accounts:
        if account.status is AccountStatus.HOLD or account.status.is_closed:
            continue  # not worked, so not what the queue must predict
        customer = customers[account.customer_id]
        events = by_account.get(account.id, [])
        late_flags = {
            CustomerFlag(e.payload["flag"])
            for e in events
            if e.type is EventType.FLAG_CHANGE and e.occurred_at >= cut
        }
        customer_then = dataclasses.replace(customer, flags=customer.flags - late_flags)
        account_then = dataclasses.replace(
            account, days_past_due=max(account.days_past_due - outcome_days, 0)
        )
        paid = any(e.type is EventType.PAYMENT and e.occurred_at >= cut for e in events)
        samples.append((extract_features(customer_then, account_then, events, cut), paid))
        ids.append(account.id)
    return samples, ids


def train_default(
    *,
    accounts: int = 20_000,
    template: Scorecard | None = None,
    l2: float = 1.0,
) -> TrainingReport:
    from workstation.demo.generator import generate_portfolio_with_truth

    template = template or default_scorecard()
    portfolio, _ = generate_portfolio_with_truth(accounts, seed=TRAIN_SEED, as_of=AS_OF)
    samples, _ = training_samples(portfolio)
    scorecard = fit_scorecard(
        samples,
        template,
        version=VERSION,
        l2=l2,
        trained_on={
            "source": "workstation.demo.generator",
            "seed": TRAIN_SEED,
            "accounts": accounts,
            "as_of": AS_OF.isoformat(),
            "label": f"any payment in the last {OUTCOME_DAYS} days of history",
        },
    )
    train_auc = auc([scorecard.probability(f) for f, _ in samples], [y for _, y in samples])

    holdout, truth = generate_portfolio_with_truth(
        max(accounts // 2, 1000), seed=HOLDOUT_SEED, as_of=AS_OF
    )
    held, held_ids = training_samples(holdout)
    labels = [y for _, y in held]
    holdout_auc = auc([scorecard.probability(f) for f, _ in held], labels)
    truth_auc = auc([truth[i] for i in held_ids], labels)
    report = dict(scorecard.trained_on)
    report.update(
        {
            "train_auc": round(train_auc, 4),
            "holdout_auc": round(holdout_auc, 4),
            "holdout_truth_auc": round(truth_auc, 4),
            "holdout_seed": HOLDOUT_SEED,
        }
    )
    scorecard = Scorecard(
        version=scorecard.version,
        intercept=round(scorecard.intercept, 6),
        features=scorecard.features,
        trained_on=report,
    )
    return TrainingReport(
        scorecard,
        train_auc,
        holdout_auc,
        truth_auc,
        len(samples),
        sum(1 for _, y in samples if y),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workstation.queue.train_default")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--out", type=Path, help="where to write (default: the shipped file)")
    args = parser.parse_args(argv)
    target = args.out or resource_path("scorecard.json")
    template = load_scorecard(resource_path("scorecard.json"))
    report = train_default(accounts=args.accounts, template=template, l2=args.l2)
    report.scorecard.dump(target)
    print(
        f"wrote {target}: {report.samples} samples ({report.positives} paid); "
        f"AUC train {report.train_auc:.3f}, held-out {report.holdout_auc:.3f} "
        f"(hidden propensity itself: {report.holdout_truth_auc:.3f})"
    )
    for feature in report.scorecard.features:
        print(f"  {feature.name:<24} {feature.group:<12} {feature.coefficient:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
