"""A collector reads every plan-calculator refusal in English or in Chinese: each ``PlanError``
the calculators raise for bad input carries a Chinese sentence with the same amounts, dates,
counts and currencies as the English one, and the desk's plan dialog shows that sentence
rather than the English one behind a Chinese prefix."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import workstation.plans
from tests.unit.test_plans_schedule import TODAY, terms
from workstation.desk.plans import PlanRequest, compare
from workstation.desk.types import ValidationError
from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans import (
    DeferralMode,
    Frequency,
    InstalmentTerms,
    PlanError,
    SettlementPolicy,
    assess_affordability,
    build_deferral,
    build_schedule,
    build_settlement,
    compare_options,
    due_dates,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
# Amounts as formatted (1,000.00), whole numbers, and the parts of an ISO date.
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
CURRENCY = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
BALANCE = Money.of("10000", "CNY")
FIRST = date(2026, 2, 1)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def settle(**changes: object) -> Callable[[], object]:
    arguments: dict[str, object] = {
        "balance": BALANCE,
        "due_dates": [FIRST],
        "bucket": Bucket.DPD_30_59,
        "discount_percent": Decimal(10),
        "today": TODAY,
    }
    arguments.update(changes)
    return lambda: build_settlement(**arguments)  # type: ignore[arg-type]


def schedule(**changes: object) -> Callable[[], object]:
    return lambda: build_schedule(terms(**changes), today=TODAY)  # type: ignore[arg-type]


def defer(
    periods: int,
    *,
    count_after: int | None = None,
    mode: DeferralMode = DeferralMode.FROZEN,
    **changes: object,
) -> Callable[[], object]:
    plan = terms(**changes)  # type: ignore[arg-type]
    return lambda: build_deferral(plan, periods, mode, count_after=count_after, today=TODAY)


def afford(income: Money, expenses: Money, share: Decimal = Decimal(50)) -> Callable[[], object]:
    return lambda: assess_affordability(income, expenses, share_percent=share)


def compare_with(**kwargs: object) -> Callable[[], object]:
    plan = build_schedule(terms(), today=TODAY)
    return lambda: compare_options([plan], valuation_date=TODAY, **kwargs)  # type: ignore[arg-type]


def compare_two_currencies() -> object:
    plans = [build_schedule(terms(currency=c), today=TODAY) for c in ("CNY", "USD")]
    return compare_options(plans, valuation_date=TODAY)


BAD_INPUT = [
    # instalment schedules
    pytest.param(schedule(principal="-100"), id="negative principal"),
    pytest.param(schedule(principal="0"), id="zero principal"),
    pytest.param(schedule(principal="1000000000000.01"), id="principal too large"),
    pytest.param(schedule(rate="-1"), id="negative rate"),
    pytest.param(schedule(rate="NaN"), id="rate not a number"),
    pytest.param(schedule(rate="1000"), id="rate of 1000 %"),
    pytest.param(schedule(count=0), id="zero instalments"),
    pytest.param(schedule(count=601), id="601 instalments"),
    pytest.param(schedule(first_due=date(2025, 12, 31)), id="first due date in the past"),
    pytest.param(schedule(down_payment="10000"), id="down payment of everything"),
    pytest.param(schedule(down_payment="-1"), id="negative down payment"),
    pytest.param(
        lambda: build_schedule(
            InstalmentTerms(
                cny("100"), Decimal(5), 3, Frequency.MONTHLY, FIRST, down_payment=usd("10")
            ),
            today=TODAY,
        ),
        id="down payment in another currency",
    ),
    pytest.param(schedule(principal="1", rate="0", count=600), id="instalments round to nothing"),
    pytest.param(schedule(principal="3", rate="0", count=200), id="paid off before the last"),
    pytest.param(
        schedule(count=600, first_due=date(9999, 1, 1)), id="monthly plan past the year 9999"
    ),
    pytest.param(
        schedule(count=600, frequency=Frequency.WEEKLY, first_due=date(9999, 1, 1)),
        id="weekly plan past the year 9999",
    ),
    # deferrals
    pytest.param(defer(0), id="deferral of no period"),
    pytest.param(defer(1, count_after=0), id="no instalment after the pause"),
    pytest.param(defer(1, count_after=601), id="601 instalments after the pause"),
    pytest.param(defer(590), id="pause and instalments over 600"),
    pytest.param(
        defer(100, mode=DeferralMode.CAPITALISED, principal="1000000000", rate="999"),
        id="runaway capitalisation",
    ),
    # settlements
    pytest.param(settle(balance=cny("-5")), id="negative balance"),
    pytest.param(settle(discount_percent=None), id="neither discount nor amount"),
    pytest.param(settle(amount=cny("100")), id="both discount and amount"),
    pytest.param(
        settle(discount_percent=None, amount=usd("100")),
        id="amount in another currency",
    ),
    pytest.param(settle(discount_percent=None, amount=cny("0")), id="zero amount"),
    pytest.param(settle(discount_percent=None, amount=cny("10000.01")), id="amount over balance"),
    pytest.param(settle(discount_percent=Decimal(100)), id="discount of 100 %"),
    pytest.param(settle(discount_percent=Decimal(-1)), id="negative discount"),
    pytest.param(
        settle(balance=cny("1"), discount_percent=Decimal("99.9")), id="nothing left to pay"
    ),
    pytest.param(settle(due_dates=[]), id="no due date"),
    pytest.param(settle(due_dates=due_dates(FIRST, Frequency.MONTHLY, 7)), id="too many parts"),
    pytest.param(settle(due_dates=[date(2025, 12, 1)]), id="settlement date in the past"),
    pytest.param(
        settle(due_dates=[FIRST, FIRST - timedelta(days=1)]), id="settlement dates out of order"
    ),
    pytest.param(
        settle(
            balance=cny("0.05"),
            discount_percent=Decimal(0),
            due_dates=due_dates(FIRST, Frequency.MONTHLY, 6),
        ),
        id="too small to split",
    ),
    # affordability
    pytest.param(afford(cny("-1"), cny("0")), id="negative income"),
    pytest.param(afford(cny("1"), cny("-1")), id="negative expenses"),
    pytest.param(afford(cny("1"), usd("1")), id="expenses in another currency"),
    pytest.param(afford(cny("1"), cny("0"), Decimal(0)), id="share of 0 %"),
    pytest.param(afford(cny("1"), cny("0"), Decimal("100.01")), id="share over 100 %"),
    # comparisons
    pytest.param(lambda: compare_options([]), id="nothing to compare"),
    pytest.param(compare_two_currencies, id="two currencies"),
    pytest.param(
        compare_with(affordability=assess_affordability(usd("10"), usd("1"))),
        id="affordability in another currency",
    ),
    pytest.param(compare_with(discount_rate=Decimal(-1)), id="negative discount rate"),
    pytest.param(compare_with(discount_rate=Decimal(1000)), id="discount rate of 1000 %"),
]


def assert_same_sentence(en: str, zh: str | None) -> None:
    """``zh`` is a Chinese sentence stating exactly the facts ``en`` states."""
    assert zh, f"no Chinese for: {en}"
    assert CJK.search(zh), zh
    assert Counter(NUMBER.findall(zh)) == Counter(NUMBER.findall(en)), (en, zh)
    assert Counter(CURRENCY.findall(zh)) == Counter(CURRENCY.findall(en)), (en, zh)
    assert not ENGLISH_WORD.search(zh), zh
    assert zh.endswith("。"), zh


@pytest.mark.parametrize("calculate", BAD_INPUT)
def test_every_refusal_reads_the_same_in_chinese(calculate: Callable[[], object]) -> None:
    with pytest.raises(PlanError) as caught:
        calculate()
    error = caught.value
    assert_same_sentence(error.message, error.message_zh)
    # English stays what the CLI prints and the existing callers match on.
    assert str(error) == error.message == error.text("en")
    assert error.text("zh") == error.text("zh-CN") == error.message_zh


def test_amounts_read_the_same_in_both_languages() -> None:
    with pytest.raises(PlanError) as caught:
        build_settlement(
            BALANCE, [FIRST], bucket=Bucket.DPD_1_29, amount=cny("12345.6"), today=TODAY
        )
    assert caught.value.message_zh == "和解金额 ¥12,345.60 超过了未还余额 ¥10,000.00。"


def test_an_error_written_only_in_english_falls_back_to_it() -> None:
    error = PlanError("settlement_policy.toml: key 'version' must be 1.")
    assert error.message_zh is None
    assert error.field is None
    assert error.text("zh") == error.text("en") == str(error)


def test_every_calculator_raise_site_writes_chinese() -> None:
    """A new refusal without ``zh=`` fails here before a collector ever meets it. The CLI's
    flag parsing and the policy-file loader speak to operators and scripts, in English."""
    package = Path(workstation.plans.__file__).parent
    missing = []
    for source in sorted(package.glob("*.py")):
        if source.name in {"cli.py", "policy.py"}:
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "PlanError"
                and not any(keyword.arg == "zh" for keyword in node.keywords)
            ):
                missing.append(f"{source.name}:{node.lineno}")
    assert missing == []


# settlements outside policy are computed, not refused: their reasons are bilingual too ------


def test_reasons_outside_policy_read_the_same_in_chinese() -> None:
    below = build_settlement(
        BALANCE, [FIRST], bucket=Bucket.DPD_30_59, discount_percent=Decimal(15), today=TODAY
    )
    strict = SettlementPolicy(
        minimum_percent=dict.fromkeys(Bucket, Decimal(50)), max_parts=3, max_days_to_last_part=60
    )
    long = build_settlement(
        BALANCE,
        due_dates(FIRST, Frequency.MONTHLY, 4),
        bucket=Bucket.DPD_180_PLUS,
        discount_percent=Decimal(20),
        policy=strict,
        today=TODAY,
    )
    issues = [*below.policy.issues, *long.policy.issues]
    assert [issue.code for issue in issues] == [
        "below_minimum",
        "too_many_parts",
        "last_part_too_late",
    ]
    for issue in issues:
        assert_same_sentence(issue.message, issue.message_zh)
    assert "逾期30-59天" in issues[0].message_zh


@pytest.mark.parametrize(
    ("bucket", "words"),
    [
        (Bucket.CURRENT, "低于未逾期账户的最低和解比例100%"),
        (Bucket.DPD_180_PLUS, "低于逾期180天以上账户的最低和解比例100%"),
    ],
)
def test_every_bucket_is_named_in_chinese(bucket: Bucket, words: str) -> None:
    everything = SettlementPolicy(
        minimum_percent=dict.fromkeys(Bucket, Decimal(100)), max_parts=6, max_days_to_last_part=60
    )
    offer = build_settlement(
        BALANCE, [FIRST], bucket=bucket, discount_percent=Decimal(1), policy=everything, today=TODAY
    )
    (issue,) = offer.policy.issues
    assert words in issue.message_zh
    assert_same_sentence(issue.message, issue.message_zh)


# the desk's plan dialog ----------------------------------------------------------------------


def desk_errors(**changes: object) -> dict[str, tuple[str, str]]:
    request = PlanRequest(balance=BALANCE, start=TODAY, **changes)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        compare(request)
    return {field: (text.en, text.zh) for field, text in caught.value.errors.items()}


@pytest.mark.parametrize(
    ("changes", "field", "zh"),
    [
        ({"instalments": 0}, "instalments", "还款计划至少需要一期（输入为0）。"),
        ({"instalments": 601}, "instalments", "还款计划最多只能分600期（输入为601）。"),
        ({"deferral_months": 0}, "deferral_months", "延期还款至少要暂停一期（输入为0）。"),
        (
            {"deferral_months": 590},
            "deferral_months",
            "暂停期数（590）与之后的分期期数（12）合计超过600期。",
        ),
        (
            {"deferral_instalments": 0},
            "deferral_instalments",
            "还款计划至少需要一期（输入为0）。",
        ),
        (
            {"monthly_income": cny("-1")},
            "monthly_income",
            "月收入不能为负数（输入为 -¥1.00）。",
        ),
        (
            {"monthly_income": cny("100"), "monthly_expenses": usd("1")},
            "monthly_expenses",
            "必要支出的币种是 USD，但还款计划的币种是 CNY。",
        ),
        (
            {"settlement_percent": Decimal("0.000001")},
            "settlement_percent",
            "¥10,000.00 按99.999999%折扣减免后，已无应付金额。",
        ),
    ],
)
def test_the_plan_dialog_shows_the_calculators_chinese(
    changes: dict[str, object], field: str, zh: str
) -> None:
    errors = desk_errors(**changes)
    assert errors[field][1] == zh
    assert_same_sentence(*errors[field])


def test_the_plan_dialog_marks_every_field_at_once_in_both_languages() -> None:
    errors = desk_errors(instalments=0, deferral_months=0)
    assert set(errors) == {"instalments", "deferral_months"}
    for en, zh in errors.values():
        assert_same_sentence(en, zh)
        assert en not in zh


def test_the_plan_dialog_warns_outside_policy_in_chinese() -> None:
    comparison = compare(
        PlanRequest(
            balance=BALANCE, start=TODAY, settlement_percent=Decimal(50), bucket=Bucket.DPD_30_59
        )
    )
    settlement = comparison.options[2]
    assert settlement.kind == "settlement"
    (warning,) = settlement.warnings
    assert warning.zh.startswith("超出和解政策：¥5,000.00 低于逾期30-59天账户的最低和解比例")
    assert warning.zh.endswith("需组长批准。")
    assert not ENGLISH_WORD.search(warning.zh)
