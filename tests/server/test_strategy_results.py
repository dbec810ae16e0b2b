"""An experiment's recovery over a book in two currencies: money is compared within each
currency (Σ paid ÷ Σ placed in CNY, in USD), and the arms' figures are the per-currency
ratios weighted by each currency's share of the experiment's accounts — never a sum of minor
units across currencies, which here would let the large CNY balances hide the challenger's
USD recovery and call it behind."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select, update

from tests.server.conftest import Backend
from workstation.lifecycle.policy import load_lifecycle_policy
from workstation.server.lifecycle.payments import ConfirmedPayment, Recorder, apply_confirmed
from workstation.server.models import AccountRow
from workstation.server.strategy.models import Experiment, ExperimentAssignment
from workstation.server.strategy.results import results
from workstation.strategy.assign import CHALLENGER, CHAMPION

DAY = date(2031, 3, 3)  # after the seeded history: the period holds only these payments

# (currency, placed in minor units, per arm: the share of placed each of two accounts pays)
BOOK = {
    "CNY": (100_000_000, {CHAMPION: (8, 12), CHALLENGER: (4, 6)}),  # 1,000,000.00 each
    "USD": (10_000, {CHAMPION: (9, 11), CHALLENGER: (38, 42)}),  # 100.00 each
}


def _accounts(backend: Backend, currency: str, n: int) -> list[str]:
    with backend.sessions() as session:
        ids = session.scalars(
            select(AccountRow.id)
            .where(AccountRow.currency == currency, AccountRow.status == "open")
            .order_by(AccountRow.id)
            .limit(n)
        ).all()
    if len(ids) < n:
        pytest.skip(f"the seeded book has fewer than {n} open {currency} accounts")
    return list(ids)


def test_recovery_is_compared_per_currency_not_summed_across(backend: Backend) -> None:
    payments: list[ConfirmedPayment] = []
    with backend.sessions.begin() as session:
        experiment = Experiment(
            id="exp-two-currencies", name="two currencies", segment="able_willing",
            champion_id="standard-v1", challenger_id="early-call-v1", share=0.5,
            confidence=0.95, complaints_guard=2.0, status="running", started_on=DAY,
            created_at=datetime.combine(DAY, time(8), UTC), note="",
        )  # fmt: skip
        session.add(experiment)
    for currency, (placed, arms) in BOOK.items():
        ids = iter(_accounts(backend, currency, 4))
        with backend.sessions.begin() as session:
            for arm, percents in arms.items():
                for percent in percents:
                    account_id = next(ids)
                    session.execute(
                        update(AccountRow)
                        .where(AccountRow.id == account_id)
                        .values(placed_minor=placed, balance_minor=placed, past_due_minor=placed)
                    )
                    session.add(ExperimentAssignment(
                        experiment_id="exp-two-currencies", account_id=account_id, arm=arm,
                        stratum="test", assigned_on=DAY,
                    ))  # fmt: skip
                    payments.append(ConfirmedPayment(
                        f"TWO-{account_id}", account_id, placed * percent // 100, currency, DAY
                    ))  # fmt: skip
    with backend.sessions.begin() as session:
        apply_confirmed(
            session, payments, now=datetime.combine(DAY, time(18), UTC), as_of=DAY,
            recorder=Recorder("test"), grace_days=load_lifecycle_policy().promise_grace_days,
            match_days=7,
        )  # fmt: skip
    with backend.sessions() as session:
        row = session.get(Experiment, "exp-two-currencies")
        assert row is not None
        to_date = results(session, row, DAY)["to_date"]
    recovery = next(m for m in to_date["metrics"] if m["key"] == "recovery_rate")
    # within each currency: Σ paid ÷ Σ placed of the arm's accounts, in percent
    cny, usd = recovery["by_currency"]["CNY"], recovery["by_currency"]["USD"]
    assert (cny["champion"]["value"], cny["challenger"]["value"]) == (10.0, 5.0)
    assert (usd["champion"]["value"], usd["challenger"]["value"]) == (10.0, 40.0)
    assert cny["weight"] == usd["weight"] == 0.5
    assert cny["difference"]["value"] == -5.0
    assert usd["difference"]["value"] == 30.0
    # the arms: the currencies' ratios weighted by their share of the accounts (half each);
    # summing minor units would give the challenger (10,000,000 + 8,000) ÷ 200,020,000 = 5.0 %
    # and call it behind, the CNY balances drowning the USD accounts
    assert recovery["champion"]["value"] == 10.0
    assert recovery["challenger"]["value"] == 22.5
    assert recovery["difference"]["value"] == 12.5
    assert recovery["difference"]["low"] < 12.5 < recovery["difference"]["high"]
    assert recovery["verdict"] != "behind"
    # the team's KPI gives no single recovery for a book in two currencies either
    assert recovery["kpi"] == {CHAMPION: None, CHALLENGER: None}
