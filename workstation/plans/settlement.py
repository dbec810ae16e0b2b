"""Settlements (协商结清): close a debt for a reduced total, in one lump sum or in 2–6 parts.

Owns the settlement amount (a discount in percent or an agreed amount), its split into dated
parts (each round(total / parts), the last absorbing the rounding, so the parts add up
exactly), and the check against the minimum-acceptable policy for the account's bucket. An
offer outside the policy is still computed and returned, flagged with the reasons, because a
team lead may approve it; only impossible input raises ``PlanError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans import exact, validation
from workstation.plans.errors import MAX_SETTLEMENT_PARTS, PlanError
from workstation.plans.policy import SettlementPolicy, load_settlement_policy


@dataclass(frozen=True, slots=True)
class SettlementPart:
    number: int
    due_date: date
    amount: Money

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "due_date": self.due_date.isoformat(),
            "amount": self.amount.wire(),
        }


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    """One reason an offer falls outside policy: a stable code and a sentence in English and
    Chinese (the desk shows it to the collector; the JSON carries the English one)."""

    code: str  # below_minimum | too_many_parts | last_part_too_late
    message: str
    message_zh: str


@dataclass(frozen=True, slots=True)
class PolicyCheck:
    minimum_percent: Decimal
    minimum_amount: Money
    issues: tuple[PolicyIssue, ...]

    @property
    def acceptable(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return {
            "acceptable": self.acceptable,
            "minimum_percent": str(self.minimum_percent),
            "minimum_amount": self.minimum_amount.wire(),
            "issues": [{"code": i.code, "message": i.message} for i in self.issues],
        }


@dataclass(frozen=True, slots=True)
class Settlement:
    balance: Money
    bucket: Bucket
    total: Money  # what the customer pays to close the debt
    parts: tuple[SettlementPart, ...]
    policy: PolicyCheck

    @property
    def currency(self) -> str:
        return self.balance.currency

    @property
    def discount(self) -> Money:
        """What the lender forgives."""
        return self.balance - self.total

    @property
    def percent_of_balance(self) -> Decimal:
        hundredths = exact.round_half_up(Fraction(self.total.minor * 10_000, self.balance.minor))
        return Decimal(hundredths).scaleb(-2)

    @property
    def is_lump_sum(self) -> bool:
        return len(self.parts) == 1

    @property
    def first_due(self) -> date:
        return self.parts[0].due_date

    @property
    def last_due(self) -> date:
        return self.parts[-1].due_date

    @property
    def largest_part(self) -> Money:
        return max((part.amount for part in self.parts), key=lambda money: money.amount)

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "balance": self.balance.wire(),
            "bucket": self.bucket.value,
            "settlement_amount": self.total.wire(),
            "discount": self.discount.wire(),
            "percent_of_balance": str(self.percent_of_balance),
            "parts": [part.to_dict() for part in self.parts],
            "policy": self.policy.to_dict(),
        }


def build_settlement(
    balance: Money,
    due_dates: Sequence[date],
    *,
    bucket: Bucket,
    discount_percent: Decimal | None = None,
    amount: Money | None = None,
    policy: SettlementPolicy | None = None,
    today: date | None = None,
) -> Settlement:
    """A settlement of ``balance`` paid on ``due_dates`` (one date: a lump sum; 2–6: parts).

    Give exactly one of ``discount_percent`` (the total is round(balance × (1 − d/100))) or
    ``amount`` (the agreed total)."""
    as_of = validation.as_of(today)
    currency = balance.currency
    validation.positive_amount(balance, what="balance", what_zh="未还余额", field="balance")
    if (discount_percent is None) == (amount is None):
        raise PlanError(
            "Give either a discount in percent or a settlement amount, not both or neither.",
            zh="折扣百分比与和解金额须填写其中一项（不能都填，也不能都不填）。",
            field="discount_percent",
        )
    if amount is not None:
        agreed = {"what": "settlement amount", "what_zh": "和解金额", "field": "amount"}
        validation.same_currency(amount, currency, **agreed)
        validation.positive_amount(amount, **agreed)
        if amount > balance:
            raise PlanError(
                f"The settlement amount {amount.format()} is more than the balance "
                f"{balance.format()}.",
                zh=f"和解金额 {amount.format()} 超过了未还余额 {balance.format()}。",
                field="amount",
            )
        total = amount
    else:
        assert discount_percent is not None  # narrowed by the either-or check above
        validation.percent(
            discount_percent,
            what="discount",
            what_zh="折扣",
            field="discount_percent",
            allow_zero=True,
            allow_hundred=False,
        )
        total = exact.money(exact.percent_of(balance.minor, 100 - discount_percent), currency)
        if not total.is_positive():
            raise PlanError(
                f"A {discount_percent} % discount leaves nothing to pay on {balance.format()}.",
                zh=f"{balance.format()} 按{discount_percent}%折扣减免后，已无应付金额。",
                field="discount_percent",
            )

    count = len(due_dates)
    if not 1 <= count <= MAX_SETTLEMENT_PARTS:
        raise PlanError(
            f"A settlement is one lump sum or 2 to {MAX_SETTLEMENT_PARTS} parts "
            f"(got {count} due dates).",
            zh=f"协商结清须一次性付清，或分2至{MAX_SETTLEMENT_PARTS}笔支付"
            f"（输入了{count}个还款日）。",
            field="due_dates",
        )
    validation.not_in_past(
        due_dates[0], as_of, what="first due date", what_zh="首个还款日", field="due_dates"
    )
    for earlier, later in pairwise(due_dates):
        if later <= earlier:
            raise PlanError(
                f"Settlement due dates must be in order, each after the one before "
                f"({later.isoformat()} follows {earlier.isoformat()}).",
                zh=f"和解还款日必须按先后顺序排列，每个都晚于前一个"
                f"（{later.isoformat()} 排在 {earlier.isoformat()} 之后）。",
                field="due_dates",
            )

    regular = exact.round_half_up(Fraction(total.minor, count))
    last = total.minor - regular * (count - 1)
    if regular <= 0 or last <= 0:
        raise PlanError(
            f"{total.format()} is too small to split into {count} parts; choose fewer parts.",
            zh=f"{total.format()} 金额太小，无法分成{count}笔支付；请减少笔数。",
            field="due_dates",
        )
    parts = tuple(
        SettlementPart(
            number=number,
            due_date=due,
            amount=exact.money(last if number == count else regular, currency),
        )
        for number, due in enumerate(due_dates, start=1)
    )
    rules = policy if policy is not None else load_settlement_policy()
    check = check_policy(balance, total, parts, bucket=bucket, policy=rules, today=as_of)
    return Settlement(balance=balance, bucket=bucket, total=total, parts=parts, policy=check)


def check_policy(
    balance: Money,
    total: Money,
    parts: Sequence[SettlementPart],
    *,
    bucket: Bucket,
    policy: SettlementPolicy,
    today: date,
) -> PolicyCheck:
    """Compare an offer with the minimum-acceptable policy; every shortfall becomes an issue."""
    minimum_percent = policy.minimum_percent[bucket]
    # Rounded half-up like every amount; an offer equal to the rounded minimum is acceptable.
    minimum = exact.money(exact.percent_of(balance.minor, minimum_percent), balance.currency)
    issues: list[PolicyIssue] = []
    if total < minimum:
        issues.append(
            PolicyIssue(
                "below_minimum",
                f"{total.format()} is below the {minimum_percent} % minimum for bucket "
                f"{bucket.value} ({minimum.format()}).",
                f"{total.format()} 低于{_bucket_zh(bucket)}账户的最低和解比例"
                f"{minimum_percent}%（{minimum.format()}）。",
            )
        )
    if len(parts) > policy.max_parts:
        issues.append(
            PolicyIssue(
                "too_many_parts",
                f"{len(parts)} parts exceed the policy's maximum of {policy.max_parts}.",
                f"分{len(parts)}笔支付，超过了政策允许的最多{policy.max_parts}笔。",
            )
        )
    days = (parts[-1].due_date - today).days
    if days > policy.max_days_to_last_part:
        issues.append(
            PolicyIssue(
                "last_part_too_late",
                f"The last part is due {days} days from today; the policy allows "
                f"{policy.max_days_to_last_part}.",
                f"最后一笔在{days}天后到期；政策最多允许{policy.max_days_to_last_part}天。",
            )
        )
    return PolicyCheck(minimum_percent, minimum, tuple(issues))


def _bucket_zh(bucket: Bucket) -> str:
    """The bucket as days past due in words (the same numbers as the English bucket code)."""
    if bucket is Bucket.CURRENT:
        return "未逾期"
    if bucket is Bucket.DPD_180_PLUS:
        return "逾期180天以上"
    return f"逾期{bucket.value}天"
