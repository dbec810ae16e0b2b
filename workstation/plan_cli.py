"""``workstation plan …``: the plan calculators for scripting and integration.

Owns the ``plan`` subcommands (``instalments``, ``deferral``, ``settlement``, ``compare``).
Every flag arrives as text and is parsed here into money, rates and dates, so bad input gets
the same collector-readable ``PlanError`` message as the desk and exit code 2. Each
subcommand computes one result and hands it to ``_emit``, the single place output happens:
``--json`` (the issue's shape) or a readable table on stdout, then any extra outputs other
``--pdf OUT [--language en|zh|both]`` (a specimen agreement from ``workstation.documents``).

Above both ``plans`` and ``documents`` (documents render plans; this command uses both), so
neither package imports the other's command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from workstation.domain.enums import Bucket
from workstation.domain.money import Money, MoneyError, minor_digits, parse_amount
from workstation.plans.affordability import (
    DEFAULT_SHARE_PERCENT,
    Affordability,
    assess_affordability,
)
from workstation.plans.compare import (
    DEFAULT_DISCOUNT_RATE,
    Comparison,
    PlanOption,
    compare_options,
)
from workstation.plans.dates import Frequency, due_dates
from workstation.plans.deferral import Deferral, DeferralMode, build_deferral
from workstation.plans.errors import MAX_SETTLEMENT_PARTS, PlanError
from workstation.plans.schedule import Instalment, InstalmentTerms, Method, Schedule, build_schedule
from workstation.plans.settlement import Settlement, build_settlement

DEFAULT_CURRENCY = "CNY"
EXIT_INVALID = 2
EXIT_FAILED = 1

PlanResult = Schedule | Deferral | Settlement | Comparison


# parsing ------------------------------------------------------------------------------


def _currency(text: str) -> str:
    code = text.strip().upper()
    try:
        minor_digits(code)
    except MoneyError:
        raise PlanError(f"{text!r} is not a supported currency.", field="currency") from None
    return code


def _money(text: str, currency: str, *, what: str, field: str) -> Money:
    try:
        return Money(parse_amount(text, currency), currency)
    except MoneyError as exc:
        raise PlanError(f"The {what}: {exc}.", field=field) from None
    except ArithmeticError:
        raise PlanError(f"The {what} {text!r} is not a usable amount.", field=field) from None


def _decimal(text: str, *, what: str, field: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise PlanError(f"The {what} {text!r} is not a number.", field=field) from None


def _whole(text: str, *, what: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise PlanError(f"The {what} {text!r} is not a whole number.", field=field) from None


def _date(text: str, *, what: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PlanError(
            f"The {what} {text!r} is not a date; write it as YYYY-MM-DD.", field=field
        ) from None


def _today(args: argparse.Namespace) -> date | None:
    if args.as_of is None:
        return None
    return _date(args.as_of, what="as-of date", field="as_of")


def _terms(args: argparse.Namespace) -> InstalmentTerms:
    currency = _currency(args.currency)
    return InstalmentTerms(
        principal=_money(args.principal, currency, what="principal", field="principal"),
        annual_rate=_decimal(args.annual_rate, what="annual interest rate", field="annual_rate"),
        count=_whole(args.count, what="number of instalments", field="count"),
        frequency=Frequency(args.frequency),
        first_due=_date(args.first_due, what="first due date", field="first_due"),
        method=Method(args.method),
        down_payment=None
        if args.down_payment is None
        else _money(args.down_payment, currency, what="down payment", field="down_payment"),
    )


# subcommands --------------------------------------------------------------------------


def _instalments(args: argparse.Namespace) -> Schedule:
    return build_schedule(_terms(args), today=_today(args))


def _deferral(args: argparse.Namespace) -> Deferral:
    terms = _terms(args)
    return build_deferral(
        terms,
        _whole(args.periods, what="number of periods to defer", field="periods"),
        DeferralMode(args.mode),
        count_after=None
        if args.count_after is None
        else _whole(args.count_after, what="number of instalments after", field="count_after"),
        today=_today(args),
    )


def _settlement_dates(
    dates_text: str | None, first_due: str | None, parts: str, frequency: str
) -> list[date]:
    if dates_text is not None:
        if first_due is not None:
            raise PlanError("Give either --dates or --first-due, not both.", field="due_dates")
        return [
            _date(item, what="due date", field="due_dates")
            for item in dates_text.split(",")
            if item.strip()
        ]
    if first_due is None:
        raise PlanError("Give --first-due (with --parts) or --dates.", field="due_dates")
    count = _whole(parts, what="number of parts", field="parts")
    # Checked before any date is generated, so a typo like 100000 costs nothing.
    if not 1 <= count <= MAX_SETTLEMENT_PARTS:
        raise PlanError(
            f"A settlement is one lump sum or 2 to {MAX_SETTLEMENT_PARTS} parts (got {count}).",
            field="parts",
        )
    start = _date(first_due, what="first due date", field="due_dates")
    return due_dates(start, Frequency(frequency), count)


def _settlement(args: argparse.Namespace) -> Settlement:
    currency = _currency(args.currency)
    return build_settlement(
        _money(args.balance, currency, what="balance", field="balance"),
        _settlement_dates(args.dates, args.first_due, args.parts, args.frequency),
        bucket=Bucket(args.bucket),
        discount_percent=None
        if args.discount is None
        else _decimal(args.discount, what="discount", field="discount_percent"),
        amount=None
        if args.amount is None
        else _money(args.amount, currency, what="settlement amount", field="amount"),
        today=_today(args),
    )


def _compare(args: argparse.Namespace) -> Comparison:
    terms = _terms(args)
    today = _today(args)
    options: list[PlanOption] = [build_schedule(terms, today=today)]
    if args.defer_periods is not None:
        periods = _whole(args.defer_periods, what="number of periods to defer", field="periods")
        options.append(build_deferral(terms, periods, DeferralMode(args.defer_mode), today=today))
    if args.settle_discount is not None or args.settle_amount is not None:
        if args.bucket is None:
            raise PlanError("A settlement option needs the account's --bucket.", field="bucket")
        options.append(
            build_settlement(
                terms.principal,
                _settlement_dates(
                    None, args.settle_first_due or args.first_due, args.settle_parts, "monthly"
                ),
                bucket=Bucket(args.bucket),
                discount_percent=None
                if args.settle_discount is None
                else _decimal(args.settle_discount, what="discount", field="discount_percent"),
                amount=None
                if args.settle_amount is None
                else _money(
                    args.settle_amount, terms.currency, what="settlement amount", field="amount"
                ),
                today=today,
            )
        )
    return compare_options(
        options,
        discount_rate=_decimal(args.discount_rate, what="discount rate", field="discount_rate"),
        valuation_date=today,
        affordability=_affordability(args, terms.currency),
    )


def _affordability(args: argparse.Namespace, currency: str) -> Affordability | None:
    if args.income is None and args.expenses is None:
        return None
    if args.income is None or args.expenses is None:
        raise PlanError(
            "Affordability needs both --income and --expenses (monthly).", field="income"
        )
    return assess_affordability(
        _money(args.income, currency, what="monthly income", field="monthly_income"),
        _money(args.expenses, currency, what="essential expenses", field="essential_expenses"),
        share_percent=_decimal(
            args.affordable_share, what="share of disposable income", field="share_percent"
        ),
    )


# output -------------------------------------------------------------------------------


def _amount(money: Money) -> str:
    return money.format(symbol=False)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 0) -> list[str]:
    """Aligned columns; the first ``left`` columns are left-aligned, the rest right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if index < left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def _pairs(pairs: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in pairs)
    return [f"{label.ljust(width)}  {value}" for label, value in pairs]


def _schedule_rows(rows: Sequence[Instalment]) -> list[str]:
    return _table(
        ["No.", "Due date", "Payment", "Principal", "Interest", "Balance after"],
        [
            [
                str(row.number),
                row.due_date.isoformat(),
                _amount(row.payment),
                _amount(row.principal),
                _amount(row.interest),
                _amount(row.balance_after),
            ]
            for row in rows
        ],
    )


def _schedule_lines(schedule: Schedule) -> list[str]:
    head = [
        f"Instalment plan: {schedule.count} {schedule.frequency.value} instalments, "
        f"{schedule.method.value}, {schedule.annual_rate} % a year ({schedule.currency})",
        "",
    ]
    pairs = [("Principal", _amount(schedule.principal))]
    if schedule.down_payment.is_positive():
        pairs.insert(0, ("Down payment", _amount(schedule.down_payment)))
    totals = [
        ("Total paid", _amount(schedule.total_paid)),
        ("Total interest", _amount(schedule.total_interest)),
    ]
    return [*head, *_pairs(pairs), "", *_schedule_rows(schedule.instalments), "", *_pairs(totals)]


def _deferral_lines(deferral: Deferral) -> list[str]:
    schedule = deferral.schedule
    pairs = [
        ("Principal", _amount(deferral.baseline.principal)),
        ("Paused", f"{deferral.periods} {schedule.frequency.value} period(s)"),
        ("Interest during pause", deferral.mode.value),
        ("Accrued interest", _amount(deferral.accrued_interest)),
        ("Capitalised", _amount(deferral.capitalised_interest)),
        ("Waived", _amount(deferral.waived_interest)),
        ("Balance after pause", _amount(deferral.balance_after_deferral)),
        ("Resumes on", deferral.resumes_on.isoformat()),
    ]
    totals = [
        ("Total paid", _amount(schedule.total_paid)),
        ("Total interest", _amount(schedule.total_interest)),
        ("Without the pause", _amount(deferral.baseline.total_paid)),
        ("Extra cost of the pause", _amount(deferral.extra_cost)),
    ]
    return [
        f"Deferral then {schedule.count} {schedule.frequency.value} instalments, "
        f"{schedule.method.value}, {schedule.annual_rate} % a year ({deferral.currency})",
        "",
        *_pairs(pairs),
        "",
        *_schedule_rows(schedule.instalments),
        "",
        *_pairs(totals),
    ]


def _settlement_lines(settlement: Settlement) -> list[str]:
    check = settlement.policy
    verdict = "acceptable" if check.acceptable else "OUTSIDE POLICY (needs approval)"
    pairs = [
        ("Balance", _amount(settlement.balance)),
        ("Bucket", settlement.bucket.value),
        ("Settlement amount", _amount(settlement.total)),
        ("Discount", _amount(settlement.discount)),
        ("Percent of balance", f"{settlement.percent_of_balance} %"),
        ("Policy minimum", f"{check.minimum_percent} % = {_amount(check.minimum_amount)}"),
        ("Policy", verdict),
    ]
    parts = _table(
        ["Part", "Due date", "Amount"],
        [
            [str(part.number), part.due_date.isoformat(), _amount(part.amount)]
            for part in settlement.parts
        ],
    )
    kind = "Lump-sum settlement" if settlement.is_lump_sum else "Settlement in parts"
    issues = [f"  - {issue.message}" for issue in check.issues]
    return [f"{kind} ({settlement.currency})", "", *_pairs(pairs), *issues, "", *parts]


def _yes_no(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "NO")


def _comparison_lines(comparison: Comparison) -> list[str]:
    rows = [
        [
            str(number),
            option.kind.value,
            _amount(option.per_period_burden),
            _amount(option.monthly_burden),
            str(option.payments),
            option.last_due.isoformat(),
            _amount(option.total_paid),
            _amount(option.present_value),
            _yes_no(option.affordable),
            _yes_no(option.policy_acceptable),
        ]
        for number, option in enumerate(comparison.options, start=1)
    ]
    table = _table(
        [
            "#",
            "Option",
            "Per period",
            "Monthly",
            "Payments",
            "Last due",
            "Total paid",
            "Present value",
            "Affordable",
            "Policy ok",
        ],
        rows,
        left=2,
    )
    lines = [
        f"Options compared ({comparison.currency}), present value on "
        f"{comparison.valuation_date.isoformat()} at {comparison.discount_rate} % a year",
    ]
    if comparison.affordability is not None:
        limit = comparison.affordability
        lines.append(
            f"Affordable monthly instalment: {_amount(limit.max_instalment)} "
            f"({limit.share_percent} % of disposable income {_amount(limit.disposable)})"
        )
    labels = [f"{n}  {option.label}" for n, option in enumerate(comparison.options, start=1)]
    return [*lines, "", *table, "", *labels]


def _text(result: PlanResult) -> list[str]:
    if isinstance(result, Schedule):
        return _schedule_lines(result)
    if isinstance(result, Deferral):
        return _deferral_lines(result)
    if isinstance(result, Settlement):
        return _settlement_lines(result)
    return _comparison_lines(result)


def _emit(command: str, result: PlanResult, args: argparse.Namespace) -> int:
    """Print the result, then write every extra output the user asked for."""
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print("\n".join(_text(result)))
    if getattr(args, "pdf", None) is None:
        return 0
    # Imported only when asked for: rendering pulls in reportlab and the fonts.
    from workstation.documents import DocumentError
    from workstation.documents.cli_hook import handle_pdf_option

    try:
        handle_pdf_option(args, result)
    except DocumentError as exc:
        print(f"workstation plan {command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"workstation plan {command}: cannot write {args.pdf}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _runner(
    command: str, compute: Callable[[argparse.Namespace], PlanResult]
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            result = compute(args)
        except PlanError as exc:
            print(f"workstation plan {command}: {exc}", file=sys.stderr)
            return EXIT_INVALID
        return _emit(command, result, args)

    return run


# parser -------------------------------------------------------------------------------


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--currency", default=DEFAULT_CURRENCY, help=f"ISO code (default {DEFAULT_CURRENCY})"
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="treat DATE as today, e.g. to reproduce an earlier quote (default: today)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    from workstation.documents.cli_hook import add_pdf_arguments

    add_pdf_arguments(parser)


def _add_terms(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--principal", required=True, help="amount owed, e.g. 10000")
    parser.add_argument(
        "--annual-rate", required=True, help="nominal annual interest rate in percent, e.g. 18"
    )
    parser.add_argument("--count", required=True, help="number of instalments (1-600)")
    parser.add_argument(
        "--frequency", choices=[f.value for f in Frequency], default=Frequency.MONTHLY.value
    )
    parser.add_argument("--first-due", required=True, metavar="DATE", help="YYYY-MM-DD")
    parser.add_argument("--method", choices=[m.value for m in Method], default=Method.ANNUITY.value)
    parser.add_argument("--down-payment", help="paid up front; the rest is amortised")


def register(subparsers: Any) -> None:
    """Add ``plan`` and its subcommands to the ``workstation`` command line."""
    plan = subparsers.add_parser(
        "plan",
        help="repayment plans: instalments, deferral, settlement, compare",
        description="Repayment-plan calculators. Money is exact; invalid input exits 2.",
    )
    plan_commands = plan.add_subparsers(dest="plan_command", metavar="PLAN_COMMAND")

    def usage(args: argparse.Namespace) -> int:
        plan.print_help(sys.stderr)
        return EXIT_INVALID

    plan.set_defaults(func=usage)

    instalments = plan_commands.add_parser(
        "instalments", help="an annuity or equal-principal instalment schedule"
    )
    _add_terms(instalments)
    _add_common(instalments)
    instalments.set_defaults(func=_runner("instalments", _instalments))

    deferral = plan_commands.add_parser(
        "deferral", help="pause a plan for some periods, then re-amortise"
    )
    _add_terms(deferral)
    deferral.add_argument("--periods", required=True, help="periods to pause")
    deferral.add_argument("--mode", required=True, choices=[m.value for m in DeferralMode])
    deferral.add_argument(
        "--count-after", help="instalments after the pause (default: the original count)"
    )
    _add_common(deferral)
    deferral.set_defaults(func=_runner("deferral", _deferral))

    settlement = plan_commands.add_parser(
        "settlement", help="a lump-sum or 2-6 part settlement, checked against policy"
    )
    settlement.add_argument("--balance", required=True, help="outstanding balance")
    settlement.add_argument("--bucket", required=True, choices=[b.value for b in Bucket])
    offer = settlement.add_mutually_exclusive_group(required=True)
    offer.add_argument("--discount", help="discount in percent of the balance")
    offer.add_argument("--amount", help="agreed settlement amount")
    settlement.add_argument("--first-due", metavar="DATE", help="first (or only) part's date")
    settlement.add_argument("--parts", default="1", help="1 (lump sum) or 2-6 parts")
    settlement.add_argument(
        "--frequency", choices=[f.value for f in Frequency], default=Frequency.MONTHLY.value
    )
    settlement.add_argument(
        "--dates", metavar="DATE,DATE", help="explicit due dates instead of --first-due/--parts"
    )
    _add_common(settlement)
    settlement.set_defaults(func=_runner("settlement", _settlement))

    compare = plan_commands.add_parser(
        "compare", help="instalments vs deferral vs settlement side by side"
    )
    _add_terms(compare)
    compare.add_argument("--defer-periods", help="add a deferral option pausing this many periods")
    compare.add_argument(
        "--defer-mode",
        choices=[m.value for m in DeferralMode],
        default=DeferralMode.FROZEN.value,
    )
    settle = compare.add_mutually_exclusive_group()
    settle.add_argument("--settle-discount", help="add a settlement at this discount (percent)")
    settle.add_argument("--settle-amount", help="add a settlement for this amount")
    compare.add_argument("--settle-parts", default="1", help="settlement parts, monthly")
    compare.add_argument(
        "--settle-first-due", metavar="DATE", help="first settlement date (default --first-due)"
    )
    compare.add_argument("--bucket", choices=[b.value for b in Bucket])
    compare.add_argument(
        "--discount-rate",
        default=str(DEFAULT_DISCOUNT_RATE),
        help=f"lender's annual discount rate in percent (default {DEFAULT_DISCOUNT_RATE})",
    )
    compare.add_argument("--income", help="customer's monthly income")
    compare.add_argument("--expenses", help="customer's essential monthly expenses")
    compare.add_argument(
        "--affordable-share",
        default=str(DEFAULT_SHARE_PERCENT),
        help=f"percent of disposable income a plan may take (default {DEFAULT_SHARE_PERCENT})",
    )
    _add_common(compare)
    compare.set_defaults(func=_runner("compare", _compare))
