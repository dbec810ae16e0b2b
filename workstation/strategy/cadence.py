"""Which of a strategy's steps fall due for one account on one day: a pure function.

The server's daily run calls ``due_steps`` for every open account it considers; so does the
benchmark, 100,000 times. Day arithmetic only: compliance is asked afterwards, by the
caller, of the steps that are due.

Anchors: a ``delinquency`` step of day *d* is due the day the account is *d* days past due
(the daily run ages accounts one day at a time, so each day is met once). A ``due`` step of
day *d* ≤ 0 is due *-d* days before the next due date of a current account (its day of
the month: the day it was opened); a ``due`` step of day *d* > 0 is due the day the account
is *d* days past that missed date (the oldest unpaid due date is what days past due count
from). Pre-due steps go only to accounts whose predicted risk of missing the date reaches
the strategy's ``early_intervention.risk_at_least`` (early intervention).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from workstation.domain.enums import Bucket
from workstation.domain.money import MINOR_DIGITS
from workstation.queue.tasks import stop_holding
from workstation.strategy.model import Anchor, Step, Stop, Strategy, Task, default_book
from workstation.strategy.segments import segment_of


@dataclass(frozen=True, slots=True)
class AccountState:
    """What the cadence reads of an account on the day (money in minor units)."""

    account_id: str
    segment: str
    days_past_due: int
    status: str
    balance_minor: int = 0
    currency: str = "CNY"
    due_day_of_month: int | None = None  # the monthly due date's day (None: unknown)
    risk: float | None = None  # predicted probability of missing the next due date
    open_promise: bool = False
    plan_active: bool = False


def stopped_by(strategy: Strategy, account: AccountState) -> Stop | None:
    """The stop condition that holds for the account, if any (no step is then taken).

    One definition with the queue's (``queue.tasks.stop_holding``): a raised task leaves the
    owner's queue under the same conditions that end the cadence."""
    found = stop_holding(
        strategy.stop_when,
        account.status,
        open_promise=account.open_promise,
        plan_active=account.plan_active,
    )
    return None if found is None else Stop(found)


def next_due_date(day_of_month: int, today: date) -> date:
    """The first date on or after ``today`` falling on ``day_of_month`` (the month's last
    day when it is shorter)."""
    year, month = today.year, today.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        candidate = date(year, month, min(day_of_month, last))
        if candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable: next month always has the day")  # pragma: no cover


def _field_ok(strategy: Strategy, account: AccountState) -> bool:
    rule = strategy.field_rule
    digits = MINOR_DIGITS.get(account.currency, 2)
    return account.days_past_due >= rule.min_days_past_due and account.balance_minor >= int(
        rule.min_balance.scaleb(digits)
    )


def due_steps(strategy: Strategy, account: AccountState, today: date) -> list[Step]:
    """The steps of ``strategy`` due for ``account`` on ``today`` (in cadence order)."""
    if stopped_by(strategy, account) is not None:
        return []
    dpd = account.days_past_due
    bucket = Bucket.for_days(dpd)
    steps = strategy.steps_for(account.segment, bucket)
    if not steps:
        return []
    days_to_due: int | None = None
    if bucket is Bucket.CURRENT:
        threshold = strategy.early_risk_at_least
        if (
            threshold is None
            or account.risk is None
            or account.risk < threshold
            or account.due_day_of_month is None
        ):
            return []
        days_to_due = (next_due_date(account.due_day_of_month, today) - today).days
    out: list[Step] = []
    for step in steps:
        if step.anchor is Anchor.DELINQUENCY or step.day > 0:
            hit = dpd > 0 and step.day == dpd
        else:
            hit = days_to_due is not None and -step.day == days_to_due
        if not hit:
            continue
        if step.task is Task.VISIT and not _field_ok(strategy, account):
            continue  # the field goes only where the strategy's field rule sends it
        out.append(step)
    return out


def champion_visits(
    *,
    account_id: str,
    score: float,
    days_past_due: int,
    status: str,
    balance_minor: int,
    currency: str,
) -> bool:
    """Whether the book's champion sends this account to the field (``visit_wanted``), its
    segment read from its score: the rule the field route applies to a row no task speaks
    for, and the one the seed deals field territories by."""
    book = default_book()
    state = AccountState(
        account_id=account_id,
        segment=segment_of(score=score, days_past_due=days_past_due),
        days_past_due=days_past_due,
        status=status,
        balance_minor=balance_minor,
        currency=currency,
    )
    return visit_wanted(book.get(book.default_champion), state)


def visit_wanted(strategy: Strategy, account: AccountState) -> bool:
    """Whether the strategy sends this account to the field at all (its route's filter):
    a visit step in its segment and bucket, the field rule met, no stop condition."""
    if stopped_by(strategy, account) is not None or not _field_ok(strategy, account):
        return False
    bucket = Bucket.for_days(account.days_past_due)
    return any(
        s.task is Task.VISIT and s.day <= account.days_past_due
        for s in strategy.steps_for(account.segment, bucket)
    )
