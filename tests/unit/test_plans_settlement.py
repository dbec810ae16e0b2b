"""Settlements: a lump sum or 2–6 dated parts that add up exactly, checked against the
minimum-acceptable policy by bucket; and the policy file's loader."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.unit.test_plans_schedule import TODAY, oracle_round
from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans import (
    Frequency,
    PlanError,
    SettlementPolicy,
    build_settlement,
    due_dates,
    load_settlement_policy,
)

BALANCE = Money.of("10000", "CNY")
FIRST = date(2026, 2, 1)


def monthly(count: int, first: date = FIRST) -> list[date]:
    return due_dates(first, Frequency.MONTHLY, count)


def test_lump_sum_at_a_discount_below_the_bucket_minimum_is_flagged() -> None:
    offer = build_settlement(
        BALANCE, [FIRST], bucket=Bucket.DPD_30_59, discount_percent=Decimal(15), today=TODAY
    )
    assert offer.total.wire() == "8500.00"
    assert offer.discount.wire() == "1500.00"
    assert offer.percent_of_balance == Decimal("85.00")
    assert offer.is_lump_sum
    assert offer.largest_part == offer.total
    assert not offer.policy.acceptable
    assert offer.policy.minimum_percent == Decimal(90)
    assert offer.policy.minimum_amount.wire() == "9000.00"
    assert [issue.code for issue in offer.policy.issues] == ["below_minimum"]
    assert "90 % minimum for bucket 30-59" in offer.policy.issues[0].message


def test_parts_add_up_exactly_and_the_last_absorbs_rounding() -> None:
    offer = build_settlement(
        BALANCE,
        monthly(3),
        bucket=Bucket.DPD_180_PLUS,
        amount=Money.of("6000", "CNY"),
        today=TODAY,
    )
    assert [part.amount.wire() for part in offer.parts] == ["2000.00", "2000.00", "2000.00"]
    offer = build_settlement(
        BALANCE, monthly(3), bucket=Bucket.DPD_90_179, discount_percent=Decimal(15), today=TODAY
    )
    assert [part.amount.wire() for part in offer.parts] == ["2833.33", "2833.33", "2833.34"]
    assert offer.policy.acceptable
    assert offer.first_due == FIRST
    assert offer.last_due == date(2026, 4, 1)
    assert not offer.is_lump_sum


def test_an_offer_equal_to_the_minimum_is_acceptable() -> None:
    offer = build_settlement(
        BALANCE, [FIRST], bucket=Bucket.DPD_60_89, amount=Money.of("8000", "CNY"), today=TODAY
    )
    assert offer.policy.acceptable
    assert offer.policy.issues == ()


def test_policy_limits_on_parts_and_time_are_flagged() -> None:
    strict = SettlementPolicy(
        minimum_percent=dict.fromkeys(Bucket, Decimal(50)), max_parts=3, max_days_to_last_part=60
    )
    offer = build_settlement(
        BALANCE,
        monthly(4),
        bucket=Bucket.DPD_180_PLUS,
        discount_percent=Decimal(20),
        policy=strict,
        today=TODAY,
    )
    assert [issue.code for issue in offer.policy.issues] == ["too_many_parts", "last_part_too_late"]
    assert "4 parts exceed" in offer.policy.issues[0].message
    assert "due 120 days from today; the policy allows 60" in offer.policy.issues[1].message


def test_json_shape() -> None:
    offer = build_settlement(
        BALANCE, monthly(2), bucket=Bucket.DPD_30_59, discount_percent=Decimal(5), today=TODAY
    )
    assert offer.to_dict() == {
        "currency": "CNY",
        "balance": "10000.00",
        "bucket": "30-59",
        "settlement_amount": "9500.00",
        "discount": "500.00",
        "percent_of_balance": "95.00",
        "parts": [
            {"number": 1, "due_date": "2026-02-01", "amount": "4750.00"},
            {"number": 2, "due_date": "2026-03-01", "amount": "4750.00"},
        ],
        "policy": {
            "acceptable": True,
            "minimum_percent": "90",
            "minimum_amount": "9000.00",
            "issues": [],
        },
    }


def test_today_defaults_to_the_real_date() -> None:
    offer = build_settlement(
        BALANCE, [date.today()], bucket=Bucket.CURRENT, discount_percent=Decimal(0)
    )
    assert offer.total == BALANCE
    assert offer.policy.acceptable


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"balance": Money.of("0", "CNY")}, "balance", "more than zero"),
        ({"balance": Money.of("-5", "CNY")}, "balance", "more than zero"),
        ({"discount_percent": None}, "discount_percent", "not both or neither"),
        ({"amount": Money.of("1", "CNY")}, "discount_percent", "not both or neither"),
        ({"discount_percent": Decimal(100)}, "discount_percent", "below 100"),
        ({"discount_percent": Decimal(-1)}, "discount_percent", "at least 0"),
        ({"discount_percent": Decimal("NaN")}, "discount_percent", "at least 0"),
        ({"due_dates": []}, "due_dates", "got 0 due dates"),
        ({"due_dates": monthly(7)}, "due_dates", "2 to 6 parts"),
        ({"due_dates": [date(2025, 12, 1)]}, "due_dates", "in the past"),
        ({"due_dates": [FIRST, FIRST]}, "due_dates", "in order"),
        ({"due_dates": [FIRST, FIRST - timedelta(days=1)]}, "due_dates", "in order"),
    ],
)
def test_bad_settlements_are_refused(kwargs: dict[str, object], field: str, words: str) -> None:
    arguments: dict[str, object] = {
        "balance": BALANCE,
        "due_dates": [FIRST],
        "bucket": Bucket.DPD_30_59,
        "discount_percent": Decimal(10),
        "today": TODAY,
    }
    arguments.update(kwargs)
    with pytest.raises(PlanError, match=words) as caught:
        build_settlement(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Money.of("10000.01", "CNY"), "more than the balance"),
        (Money.of("0", "CNY"), "more than zero"),
        (Money.of("100", "USD"), "in USD but the plan is in CNY"),
    ],
)
def test_bad_settlement_amounts_are_refused(amount: Money, words: str) -> None:
    with pytest.raises(PlanError, match=words) as caught:
        build_settlement(BALANCE, [FIRST], bucket=Bucket.DPD_1_29, amount=amount, today=TODAY)
    assert caught.value.field == "amount"


def test_an_amount_too_small_to_split_is_refused() -> None:
    with pytest.raises(PlanError, match="leaves nothing to pay"):
        build_settlement(
            Money.of("1", "CNY"),
            [FIRST],
            bucket=Bucket.DPD_1_29,
            discount_percent=Decimal("99.9"),
            today=TODAY,
        )
    with pytest.raises(PlanError, match="too small to split into 6 parts"):
        build_settlement(
            Money.of("0.05", "CNY"),
            monthly(6),
            bucket=Bucket.DPD_1_29,
            discount_percent=Decimal(0),
            today=TODAY,
        )
    # 0.09 / 6 = 0.015 rounds to 0.02; five of those leave −0.01 for the last part.
    with pytest.raises(PlanError, match="too small to split"):
        build_settlement(
            Money.of("0.09", "CNY"),
            monthly(6),
            bucket=Bucket.DPD_1_29,
            discount_percent=Decimal(0),
            today=TODAY,
        )


@example(balance=100, discount=Decimal("84.51"), parts=6, bucket=Bucket.DPD_1_29, gap_days=1)
@given(
    balance=st.integers(100, 10**11),
    discount=st.decimals(min_value=0, max_value=Decimal("99.99"), places=2),
    parts=st.integers(1, 6),
    bucket=st.sampled_from(Bucket),
    gap_days=st.integers(1, 60),
)
def test_settlement_invariants(
    balance: int, discount: Decimal, parts: int, bucket: Bucket, gap_days: int
) -> None:
    owed = Money.from_minor(balance, "CNY")
    dates = [FIRST + timedelta(days=gap_days * index) for index in range(parts)]
    try:
        offer = build_settlement(owed, dates, bucket=bucket, discount_percent=discount, today=TODAY)
    except PlanError as exc:
        refusal: PlanError | None = exc
    else:
        refusal = None
    expected_total = oracle_round(balance * (100 - Fraction(discount)) / 100)
    # equal parts rounded half up, the last takes what is left: a tiny total refuses when a
    # part would be nothing (15 minor units in 6 parts: five of 3 leave 0 for the last)
    regular = oracle_round(Fraction(expected_total, parts))
    too_small = regular <= 0 or expected_total - regular * (parts - 1) <= 0
    if refusal is not None:
        assert refusal.field in {"discount_percent", "due_dates"}  # only tiny amounts refuse
        assert too_small
        return
    assert not too_small
    assert offer.total.minor == expected_total
    assert sum(part.amount.minor for part in offer.parts) == expected_total
    assert all(part.amount.is_positive() for part in offer.parts)
    assert [part.due_date for part in offer.parts] == dates
    assert offer.discount + offer.total == owed
    policy = load_settlement_policy()
    minimum = oracle_round(balance * Fraction(policy.minimum_percent[bucket]) / 100)
    assert offer.policy.minimum_amount.minor == minimum
    below = any(issue.code == "below_minimum" for issue in offer.policy.issues)
    assert below == (expected_total < minimum)


# the policy file -------------------------------------------------------------------------


def test_the_shipped_policy_loads_and_is_cached() -> None:
    policy = load_settlement_policy()
    assert policy is load_settlement_policy()
    assert set(policy.minimum_percent) == set(Bucket)
    assert policy.minimum_percent[Bucket.DPD_180_PLUS] == Decimal(50)
    assert policy.max_parts == 6
    assert policy.max_days_to_last_part == 180


GOOD_POLICY = """
version = 1
[minimum_percent]
"current" = 100
"1-29" = 92.5
"30-59" = 90
"60-89" = 80
"90-179" = 70
"180+" = 50
[parts]
max_parts = 4
max_days_to_last_part = 120
"""


def test_a_policy_file_with_decimal_percentages_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(GOOD_POLICY, encoding="utf-8")
    policy = load_settlement_policy(path)
    assert policy.minimum_percent[Bucket.DPD_1_29] == Decimal("92.5")
    assert policy.max_parts == 4


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("version = 1", "version = 2", "version"),
        ('"30-59" = 90', '"30-59" = "ninety"', "minimum_percent.30-59"),
        ('"30-59" = 90', '"30-59" = true', "minimum_percent.30-59"),
        ('"30-59" = 90', '"30-59" = 0', "minimum_percent.30-59"),
        ('"30-59" = 90', '"30-59" = 100.5', "minimum_percent.30-59"),
        ('"30-59" = 90', "", "minimum_percent.30-59"),
        ('"180+" = 50', '"180+" = 50\n"365+" = 40', "minimum_percent.365+"),
        ("[minimum_percent]", "minimum_percent = 3\n[other]", "minimum_percent"),
        ("[parts]", "[other_parts]", "parts"),
        ("max_parts = 4", "max_parts = 7", "parts.max_parts"),
        ("max_parts = 4", "max_parts = true", "parts.max_parts"),
        (
            "max_days_to_last_part = 120",
            "max_days_to_last_part = -1",
            "parts.max_days_to_last_part",
        ),
    ],
)
def test_a_malformed_policy_names_the_file_and_key(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    path = tmp_path / "policy.toml"
    assert old in GOOD_POLICY
    path.write_text(GOOD_POLICY.replace(old, new), encoding="utf-8")
    with pytest.raises(PlanError, match=re.escape(f"key '{key}'")) as caught:
        load_settlement_policy(path)
    assert str(path) in str(caught.value)


def test_an_unreadable_or_invalid_policy_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(PlanError, match="cannot read the settlement policy"):
        load_settlement_policy(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("version = = 1", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid TOML"):
        load_settlement_policy(broken)
