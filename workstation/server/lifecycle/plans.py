"""The daily run's plan step: every active plan monitored, instalment by instalment.

The schedule is the agreement's (``plans_monitor.schedule_of`` over the ``plan_agreement``
event's payload); the money is the account's confirmed payments since the day of the
agreement. ``plan_instalments`` keeps each instalment's last decided state; an instalment
whose state changes (paid, missed, late = caught up) writes an ``instalment`` event. A plan
that breaks (the policy's number of missed instalments) is ``broken``: the account goes back
to ``open`` and a ``plan_status`` event says why (which instalments, due when); a plan whose
every instalment is covered is ``completed``. Each plan is one savepoint: an agreement that
cannot be read is raised for review and the others go on.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.money import Money
from workstation.lifecycle.plan_states import PlanState, transition
from workstation.lifecycle.plans_monitor import (
    InstalmentState,
    InstalmentStatus,
    PlanOutcome,
    monitor,
    schedule_of,
)
from workstation.lifecycle.policy import LifecyclePolicy
from workstation.lifecycle.promises import Payment
from workstation.server.lifecycle.changes import DayChanges, end_of
from workstation.server.lifecycle.confirmed import confirmed_payments
from workstation.server.lifecycle.isolation import survive
from workstation.server.lifecycle.models import PlanInstalment
from workstation.server.models import AccountRow, EventRow, PlanRow

_CHUNK = 500  # account ids bound per statement

ACTIVE = PlanState.ACTIVE.value


def _wire(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).wire()


def _to_monitor(
    session: Session, day: date, policy: LifecyclePolicy, new_money: set[str]
) -> list[tuple[str, str]]:
    """The active plans with something to decide on ``day``: never monitored yet, with an
    instalment whose deadline has just passed, or on an account with new confirmed money.
    Any other plan's instalments cannot change today (only money or time move them)."""
    try:
        passed = day - timedelta(days=policy.instalment_grace_days + 1)
    except OverflowError:
        passed = date.min
    known = select(PlanInstalment.plan_event_id).where(
        PlanInstalment.plan_event_id == PlanRow.event_id
    )
    deadline = select(PlanInstalment.plan_event_id).where(
        PlanInstalment.plan_event_id == PlanRow.event_id,
        PlanInstalment.status == InstalmentStatus.PENDING.value,
        PlanInstalment.due_on <= passed,
    )
    active = select(PlanRow.event_id, PlanRow.account_id).where(PlanRow.status == ACTIVE)
    found = set(session.execute(active.where(or_(~exists(known), exists(deadline)))).all())
    # the accounts with new money, a statement per chunk: one statement binding them all
    # passes PostgreSQL's 65,535 parameters at scale (1M accounts: ~257,000 on one day)
    ids = sorted(new_money)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(session.execute(active.where(PlanRow.account_id.in_(chunk))).all())
    return sorted(
        ((str(plan), str(account)) for plan, account in found), key=lambda p: (p[1], p[0])
    )


def monitor_plans(
    session: Session, changes: DayChanges, policy: LifecyclePolicy, new_money: set[str]
) -> None:
    """Monitor, as of the end of ``changes.day``, every active plan that may change."""
    plans = _to_monitor(session, changes.day, policy, new_money)
    money = confirmed_payments(session, [account_id for _, account_id in plans])
    for plan_id, account_id in plans:
        step = DayChanges(changes.day)

        def work(
            plan_id: str = plan_id, account_id: str = account_id, step: DayChanges = step
        ) -> None:
            _monitor_one(
                session=session,
                plan_id=plan_id,
                account_id=account_id,
                payments=money.get(account_id, []),
                changes=step,
                policy=policy,
            )

        ok, _ = survive(session, "monitor its plan", account_id, changes.day, work)
        if ok:
            changes.merge(step)


def _monitor_one(
    session: Session,
    *,
    plan_id: str,
    account_id: str,
    payments: list[Payment],
    changes: DayChanges,
    policy: LifecyclePolicy,
) -> None:
    plan = session.get(PlanRow, plan_id, with_for_update=True)
    agreement = session.get(EventRow, plan_id)
    account = session.get(AccountRow, account_id, with_for_update=True)
    if plan is None or agreement is None or account is None or plan.status != ACTIVE:
        return
    currency = str(agreement.payload.get("currency") or account.currency)
    schedule = schedule_of(agreement.payload, currency)
    agreed_on = agreement.occurred_at.astimezone(UTC).date()
    since = [p for p in payments if p.paid_on >= agreed_on]
    state = monitor(
        schedule,
        since,
        changes.day,
        grace_days=policy.instalment_grace_days,
        break_after_missed=policy.break_after_missed,
    )
    stored = {
        row.number: row
        for row in session.scalars(
            select(PlanInstalment).where(PlanInstalment.plan_event_id == plan_id)
        )
    }
    for instalment in state.instalments:
        row = stored.get(instalment.number)
        if row is None:
            row = PlanInstalment(
                plan_event_id=plan_id,
                number=instalment.number,
                account_id=account_id,
                due_on=instalment.due_on,
                amount_minor=instalment.amount,
                paid_minor=0,
                status=InstalmentStatus.PENDING.value,
            )
            session.add(row)
        previous = row.status
        row.paid_minor = instalment.paid
        row.covered_on = instalment.covered_on
        if previous != instalment.status.value:
            row.status = instalment.status.value
            row.decided_on = changes.day
            if instalment.status is not InstalmentStatus.PENDING:
                _instalment_event(
                    session,
                    changes,
                    account,
                    plan_id=plan_id,
                    instalment=instalment,
                    currency=currency,
                )
    if state.outcome is PlanOutcome.INTACT:
        return
    move = transition(plan.status, PlanState(state.outcome.value))
    plan.status = state.outcome.value
    plan.changed_at = end_of(changes.day)
    payload: dict[str, object] = {"plan_event_id": plan_id, "status": state.outcome.value}
    if state.outcome is PlanOutcome.BROKEN:
        missed = [i for i in state.instalments if i.status is InstalmentStatus.MISSED]
        plan.reason = (
            f"{len(missed)} instalments missed: "
            + ", ".join(f"#{i.number} due {i.due_on.isoformat()}" for i in missed)
        )[:200]
        payload.update(
            reason="missed_instalments",
            detail=plan.reason,
            missed=[i.number for i in missed],
            limit=policy.break_after_missed,
        )
        changes.count("plans_broken")
    else:
        plan.reason = "every instalment paid"
        payload.update(reason="all_instalments_paid")
        changes.count("plans_completed")
    if account.status == AccountStatus.PLAN.value and not _other_active_plan(
        session, account_id, plan_id
    ):
        account.status = move.account_becomes.value
        payload["account_status"] = AccountStatus.OPEN.value
    assert move.event is EventType.PLAN_STATUS
    changes.event(session, account, move.event, payload)


def _instalment_event(
    session: Session,
    changes: DayChanges,
    account: AccountRow,
    *,
    plan_id: str,
    instalment: InstalmentState,
    currency: str,
) -> None:
    changes.event(
        session,
        account,
        EventType.INSTALMENT,
        {
            "plan_event_id": plan_id,
            "n": instalment.number,
            "due_on": instalment.due_on.isoformat(),
            "amount": _wire(instalment.amount, currency),
            "paid": _wire(instalment.paid, currency),
            "currency": currency,
            "status": instalment.status.value,
            "covered_on": instalment.covered_on.isoformat() if instalment.covered_on else None,
        },
    )
    changes.count(f"instalments_{instalment.status.value}")


def _other_active_plan(session: Session, account_id: str, plan_id: str) -> bool:
    return (
        session.scalar(
            select(PlanRow.event_id).where(
                PlanRow.account_id == account_id,
                PlanRow.status == ACTIVE,
                PlanRow.event_id != plan_id,
            )
        )
        is not None
    )
