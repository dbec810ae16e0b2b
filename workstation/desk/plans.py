"""Plan comparison for the desk: instalments, deferral and settlement side by side.

The arithmetic belongs to ``workstation.plans`` (``build_schedule``, ``build_deferral``,
``build_settlement``, ``assess_affordability``, ``compare_options``); this module only turns
the dialog's inputs into their terms, their results into the rows the plan dialog shows
(bilingual titles and summaries), and their ``PlanError`` into a ``ValidationError`` keyed by
the dialog's own input names so the form marks the right field.

Interest is frozen on accounts in collection: instalments are interest-free equal principal,
the deferral pauses with interest frozen, the settlement is one lump sum a month from today.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from workstation.desk.types import ValidationError
from workstation.domain import Money
from workstation.domain.enums import Bucket
from workstation.plans import (
    Affordability,
    Deferral,
    DeferralMode,
    Frequency,
    InstalmentTerms,
    Method,
    OptionSummary,
    PlanError,
    Schedule,
    Settlement,
    assess_affordability,
    build_deferral,
    build_schedule,
    build_settlement,
    compare_options,
)
from workstation.text import Text

PlanChoice = Schedule | Deferral | Settlement


@dataclass(frozen=True, slots=True)
class PlanRequest:
    balance: Money
    start: date
    instalments: int = 12
    deferral_months: int = 3
    deferral_instalments: int = 12
    settlement_percent: Decimal = Decimal(60)
    monthly_income: Money | None = None
    monthly_expenses: Money | None = None
    bucket: Bucket = Bucket.DPD_30_59


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    number: int
    due: date
    amount: Money


@dataclass(frozen=True, slots=True)
class PlanOption:
    kind: str  # instalments | deferral | settlement
    title: Text
    summary: Text
    schedule: tuple[ScheduleLine, ...]
    total: Money
    largest_payment: Money
    affordable: bool | None  # None: affordability unknown (no income entered)
    terms: dict[str, str]
    # the calculator's own result: the agreement PDF prints exactly this
    plan: PlanChoice | None = None
    monthly_burden: Money | None = None
    warnings: tuple[Text, ...] = ()  # e.g. a settlement outside policy (lead approval)


def agreement_wire(
    option: PlanOption, *, note: str, document_sha256: str, document_reference: str
) -> dict[str, Any]:
    """The ``plan_agreement`` payload of an agreed option, in its wire form (the desk and
    the customer's portal agree plans alike; the contract's ``PlanAgreementPayload``)."""
    first = option.schedule[0]
    return {
        "instalments": len(option.schedule),
        "instalment_amount": first.amount.wire(),
        "first_due": first.due.isoformat(),
        "method": option.terms.get("method", "equal_principal"),
        "kind": option.kind,
        "terms": dict(option.terms),
        "currency": option.total.currency,
        "total": option.total.wire(),
        "schedule": [
            {"n": line.number, "due_on": line.due.isoformat(), "amount": line.amount.wire()}
            for line in option.schedule
        ],
        "affordable": option.affordable,
        "note": note,
        "document_sha256": document_sha256,
        "document_reference": document_reference,
    }


@dataclass(frozen=True, slots=True)
class PlanComparison:
    options: tuple[PlanOption, ...]
    disposable: Money | None  # income minus essential spending, per month
    max_instalment: Money | None = None  # what the customer can sustain per month


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The calculators name their inputs (``count``, ``periods``…); the dialog has its own names.
_INSTALMENT_FIELDS = {"count": "instalments", "principal": "balance", "first_due": "instalments"}
_DEFERRAL_FIELDS = {
    "count": "deferral_instalments",
    "count_after": "deferral_instalments",
    "periods": "deferral_months",
    "principal": "balance",
    "first_due": "deferral_months",
}
_SETTLEMENT_FIELDS = {
    "discount_percent": "settlement_percent",
    "amount": "settlement_percent",
    "due_dates": "settlement_percent",
    "balance": "balance",
}
_AFFORDABILITY_FIELDS = {
    "monthly_income": "monthly_income",
    "essential_expenses": "monthly_expenses",
}


def _plan_error(exc: PlanError, names: dict[str, str], default: str) -> tuple[str, Text]:
    """The dialog field to mark and the calculator's own sentence in both languages."""
    return names.get(exc.field or "", default), _text(exc)


def _text(exc: PlanError) -> Text:
    return Text(exc.message, exc.text("zh"))


def _lines_of(plan: PlanChoice) -> tuple[ScheduleLine, ...]:
    if isinstance(plan, Settlement):
        return tuple(ScheduleLine(p.number, p.due_date, p.amount) for p in plan.parts)
    schedule = plan.schedule if isinstance(plan, Deferral) else plan
    return tuple(ScheduleLine(r.number, r.due_date, r.payment) for r in schedule.instalments)


def _interest_free(balance: Money, count: int, first_due: date) -> InstalmentTerms:
    return InstalmentTerms(
        principal=balance,
        annual_rate=Decimal(0),
        count=count,
        frequency=Frequency.MONTHLY,
        first_due=first_due,
        method=Method.EQUAL_PRINCIPAL,
    )


def _instalments_option(plan: Schedule, summary: OptionSummary, count: int) -> PlanOption:
    first = plan.instalments[0].payment.format()
    return PlanOption(
        kind="instalments",
        title=Text("Instalments", "分期还款"),
        summary=Text(f"{count} × {first} a month", f"{count}期，每月 {first}"),
        schedule=_lines_of(plan),
        total=plan.customer_total,
        largest_payment=plan.largest_payment,
        affordable=summary.affordable,
        terms={"instalments": str(count), "annual_rate": "0", "method": plan.method.value},
        plan=plan,
        monthly_burden=summary.monthly_burden,
    )


def _deferral_option(plan: Deferral, summary: OptionSummary, request: PlanRequest) -> PlanOption:
    schedule = plan.schedule
    first = schedule.instalments[0].payment.format()
    months, after = plan.periods, schedule.count
    return PlanOption(
        kind="deferral",
        title=Text("Deferral", "延期还款"),
        summary=Text(
            f"Nothing for {months} months (interest frozen), then {after} × {first}",
            f"暂停{months}个月（停止计息），之后{after}期，每期 {first}",
        ),
        schedule=_lines_of(plan),
        total=schedule.customer_total,
        largest_payment=schedule.largest_payment,
        affordable=summary.affordable,
        terms={
            "deferral_months": str(request.deferral_months),
            "instalments": str(request.deferral_instalments),
            "mode": plan.mode.value,
        },
        plan=plan,
        monthly_burden=summary.monthly_burden,
    )


def _settlement_option(
    plan: Settlement, summary: OptionSummary, request: PlanRequest
) -> PlanOption:
    waived = (plan.balance - plan.total).format()
    percent = request.settlement_percent
    warnings = tuple(
        Text(
            f"Outside settlement policy: {issue.message} A team lead must approve it.",
            f"超出和解政策：{issue.message_zh}需组长批准。",
        )
        for issue in plan.policy.issues
    )
    return PlanOption(
        kind="settlement",
        title=Text("Settlement", "协商结清"),
        summary=Text(
            f"{percent}% paid once: {plan.total.format()}, {waived} waived",
            f"一次性支付{percent}%：{plan.total.format()}，减免 {waived}",
        ),
        schedule=_lines_of(plan),
        total=plan.total,
        largest_payment=plan.largest_part,
        affordable=summary.affordable,
        terms={"settlement_percent": str(percent)},
        plan=plan,
        monthly_burden=summary.monthly_burden,
        warnings=warnings,
    )


def compare(request: PlanRequest) -> PlanComparison:
    """Three options for one balance, each with its schedule and affordability verdict.

    Every input the calculators refuse is reported at once (one ``ValidationError`` keyed by
    the dialog's input names), so the collector fixes them in one go.
    """
    errors: dict[str, Text] = {}
    if not request.balance.is_positive():
        raise ValidationError(
            {"balance": Text("Nothing is owed on this account.", "该账户没有欠款。")}
        )
    balance, start = request.balance, request.start
    affordability: Affordability | None = None
    if request.monthly_income is not None:
        expenses = request.monthly_expenses or Money.zero(request.monthly_income.currency)
        try:
            affordability = assess_affordability(request.monthly_income, expenses)
        except PlanError as exc:
            field, text = _plan_error(exc, _AFFORDABILITY_FIELDS, "monthly_income")
            errors[field] = text

    instalments: Schedule | None = None
    try:
        instalments = build_schedule(
            _interest_free(balance, request.instalments, add_months(start, 1)), today=start
        )
    except PlanError as exc:
        field, text = _plan_error(exc, _INSTALMENT_FIELDS, "instalments")
        errors[field] = text

    deferral: Deferral | None = None
    try:
        deferral = build_deferral(
            _interest_free(balance, request.deferral_instalments, add_months(start, 1)),
            request.deferral_months,
            DeferralMode.FROZEN,
            count_after=request.deferral_instalments,
            today=start,
        )
    except PlanError as exc:
        field, text = _plan_error(exc, _DEFERRAL_FIELDS, "deferral_months")
        errors[field] = text

    settlement: Settlement | None = None
    percent = request.settlement_percent
    if not Decimal(0) < percent <= Decimal(100):
        errors["settlement_percent"] = Text(
            "Settlement must be more than 0 % and at most 100 % of the balance.",
            "和解比例必须大于0%且不超过100%。",
        )
    else:
        try:
            settlement = build_settlement(
                balance,
                [add_months(start, 1)],
                bucket=request.bucket,
                discount_percent=Decimal(100) - percent,
                today=start,
            )
        except PlanError as exc:
            field, text = _plan_error(exc, _SETTLEMENT_FIELDS, "settlement_percent")
            errors[field] = text

    if errors or instalments is None or deferral is None or settlement is None:
        raise ValidationError(errors)
    try:
        comparison = compare_options(
            [instalments, deferral, settlement],
            valuation_date=start,
            affordability=affordability,
        )
    except PlanError as exc:  # pragma: no cover - the three share one currency by construction
        raise ValidationError({"balance": _text(exc)}) from exc
    by_kind = {row.kind.value: row for row in comparison.options}
    options = (
        _instalments_option(instalments, by_kind["instalments"], request.instalments),
        _deferral_option(deferral, by_kind["deferral"], request),
        _settlement_option(settlement, by_kind["settlement"], request),
    )
    return PlanComparison(
        options,
        affordability.disposable if affordability else None,
        affordability.max_instalment if affordability else None,
    )
