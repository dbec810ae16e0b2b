"""A void honoured everywhere on the server: what a ``void`` event refuses and what it
undoes beside the history (``workstation.workflows.voids`` is the table of who may).

Undone in the void's own transaction, each with a new version so devices hear of it:
a voided complaint intake closes its complaint (out of the KPIs); a voided dispute resumes
its dispute and reopens a disputed account; a voided plan agreement cancels the plan and
reopens the account; a voided promise (cancelled by ``facts``) reopens a promised account;
a voided flag set clears the flag. The contact rules and the KPIs read the void from the
history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.contract.events import VoidPayload
from workstation.domain.enums import AccountStatus, DisputeStatus, EventType, PromiseStatus, Role
from workstation.server.complaints.models import ComplaintRow
from workstation.server.deps import Principal, audit
from workstation.server.disputes.models import DisputeRow
from workstation.server.models import AccountRow, CustomerRow, EventRow, PlanRow, PromiseRow
from workstation.server.workflows.events import Author, Sink
from workstation.workflows.deadlines import local_day
from workstation.workflows.voids import void_refusal


def already_voided(session: Session, target_id: str) -> bool:
    found = session.scalar(
        select(EventRow.id)
        .where(
            EventRow.type == EventType.VOID.value,
            EventRow.payload["target_event_id"].as_string() == target_id,
        )
        .limit(1)
    )
    return found is not None


def refusal(
    session: Session, principal: Principal, account: AccountRow, void: VoidPayload, at: datetime
) -> tuple[str, str] | None:
    target = session.get(EventRow, void.target_event_id)
    if target is None or target.account_id != account.id:
        return None  # facts answers void_target_not_found
    if target.type == EventType.PAYMENT.value and target.payload.get("source") == "confirmed":
        return None  # the bank's money: facts answers confirmed_payment_not_voidable
    customer = session.get(CustomerRow, account.customer_id)
    zone = customer.timezone if customer is not None else "UTC"
    why = void_refusal(
        role=Role(principal.role),
        user_id=principal.user_id,
        target_type=target.type,
        target_recorded_by_id=target.recorded_by_id,
        target_payload=dict(target.payload or {}),
        # the day it was recorded: the server's receipt (a fact may be dated earlier — a
        # laptop offline for days — and is still its recorder's to correct that day)
        recorded_on=local_day(target.received_at, zone),
        today=local_day(at, zone),
        already_voided=already_voided(session, target.id),
    )
    if why is not None:
        return ("void_refused", why.en)
    if not void.reason.strip():
        return ("void_needs_reason", "say why the record is voided")
    return None


def undo(
    session: Session, principal: Principal, account: AccountRow, void: EventRow, at: datetime
) -> None:
    """What the voided event started, undone (see the module docstring)."""
    target = session.get(EventRow, str(void.payload.get("target_event_id")))
    if target is None:
        return
    sink = Sink(Author(principal.username, principal.user_id, principal.device_id), at, "push")
    if target.type == EventType.COMPLAINT.value:
        complaint = session.get(ComplaintRow, target.id)
        if complaint is not None and complaint.voided_at is None:
            complaint.voided_at = at
            complaint.status = "closed"
            complaint.closed_at = at
    dispute = session.get(DisputeRow, target.id)
    if dispute is not None and DisputeStatus(dispute.status).is_open:
        dispute.status = DisputeStatus.RESUMED.value
        dispute.closed_at = at
        dispute.note = f"voided: {void.payload.get('reason', '')}"
        _reopen(session, account, AccountStatus.DISPUTE, sink, others=_open_disputes)
    if target.type == EventType.PLAN_AGREEMENT.value:
        plan = session.get(PlanRow, target.id)
        if plan is not None and plan.status == "active":
            plan.status = "cancelled"
            plan.changed_at = at
            plan.reason = "voided"
            _reopen(session, account, AccountStatus.PLAN, sink, others=_active_plans)
    if target.type == EventType.PROMISE.value:  # facts cancelled it
        _reopen(session, account, AccountStatus.PROMISE, sink, others=_open_promises)
    if target.type == EventType.FLAG_CHANGE.value and target.payload.get("value", True):
        customer = session.get(CustomerRow, account.customer_id, with_for_update=True)
        flag = str(target.payload.get("flag") or "")
        if customer is not None and flag in (customer.flags or []):
            customer.flags = sorted(f for f in customer.flags if f != flag)
            sink.stamp(session, customer, "version")
    audit(
        session,
        principal,
        "event.void",
        "event",
        target.id,
        {"type": target.type, "reason": void.payload.get("reason"), "account_id": account.id},
    )


# whole rows, not columns: the identity map keeps the changes this void made (a push does not
# flush before its commit, so a column query would read the rows as they were)
def _open_disputes(session: Session, account_id: str) -> bool:
    rows = session.scalars(select(DisputeRow).where(DisputeRow.account_id == account_id))
    return any(DisputeStatus(row.status).is_open for row in rows)


def _open_promises(session: Session, account_id: str) -> bool:
    rows = session.scalars(select(PromiseRow).where(PromiseRow.account_id == account_id))
    return any(row.status == PromiseStatus.OPEN.value for row in rows)


def _active_plans(session: Session, account_id: str) -> bool:
    rows = session.scalars(select(PlanRow).where(PlanRow.account_id == account_id))
    return any(row.status == "active" for row in rows)


def _reopen(
    session: Session,
    account: AccountRow,
    status: AccountStatus,
    sink: Sink,
    *,
    others: Callable[[Session, str], bool],
) -> None:
    """The account leaves ``status`` for ``open`` when nothing else of that kind holds it."""
    if account.status == status.value and not others(session, account.id):
        account.status = AccountStatus.OPEN.value
        sink.touch(session, account)
