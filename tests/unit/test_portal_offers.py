"""The portal's offers are the desk's: trimming the deferral the portal never offers
(``plans.NO_DEFERRAL``) changes no instalment plan, settlement or affordability verdict."""

from __future__ import annotations

from datetime import date

import pytest

from workstation.desk.plans import PlanRequest, compare
from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans import load_settlement_policy
from workstation.server.portal import plans


def _desk(
    balance: Money, start: date, count: int, bucket: Bucket, income: Money | None
) -> list[object]:
    floor = load_settlement_policy().minimum_percent[bucket]
    result = compare(
        PlanRequest(
            balance=balance,
            start=start,
            instalments=count,
            settlement_percent=floor,
            monthly_income=income,
            monthly_expenses=Money.from_minor(income.minor * 4 // 5, "CNY") if income else None,
            bucket=bucket,
        )
    )
    return [
        (o.kind, o.total, o.schedule, o.affordable, o.warnings)
        for o in result.options
        if o.kind != "deferral"
    ] + [result.max_instalment]


@pytest.mark.parametrize("days", [10, 45, 75, 150, 400])
@pytest.mark.parametrize("balance_minor", [90_000, 1_234_567, 88_000_000])
@pytest.mark.parametrize("income_minor", [None, 600_000])
def test_the_trimmed_offers_are_the_desks(
    days: int, balance_minor: int, income_minor: int | None
) -> None:
    balance = Money.from_minor(balance_minor, "CNY")
    income = Money.from_minor(income_minor, "CNY") if income_minor else None
    start = date(2026, 12, 5)
    bucket = Bucket.for_days(days)
    spending = Money.from_minor(income.minor * 4 // 5, "CNY") if income else None
    found = plans._compute(balance_minor, "CNY", days, start, income, spending)
    offered = {o.key: o.option for o in found.offers}
    for count in plans.COUNTS:
        desk = _desk(balance, start, count, bucket, income)
        kind, total, schedule, affordable, _ = desk[0]
        assert kind == "instalments"
        option = offered.get(f"instalments:{count}")
        if option is None:
            assert affordable is False  # only an unaffordable plan is left out
        else:
            assert (option.total, option.schedule, option.affordable) == (
                total,
                schedule,
                affordable,
            )
        settlement = next((o for k, o in offered.items() if k.startswith("settlement:")), None)
        if settlement is not None:
            assert (settlement.total, settlement.schedule) == (desk[1][1], desk[1][2])
        assert found.max_instalment == desk[-1]
