"""Approvals on the server: a request registered (its row and a review item for the lead
with the numbers and the policy breached), the lead's answer written as an ``approval``
event the agent's device pulls, and what a ``plan_agreement`` must show to be agreed.

A plan whose kind and total match an approved request names it (``approval_id``) and is
accepted; a settlement below the policy's floor for the account's bucket without one is
refused (``needs_approval``), whatever the device thought.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.contract.events import ApprovalPayload, PlanAgreementPayload
from workstation.domain.enums import ApprovalStatus, Bucket, EventType, Role
from workstation.domain.money import Money
from workstation.plans.policy import load_settlement_policy
from workstation.server.approvals.models import ApprovalRow
from workstation.server.deps import Principal, audit
from workstation.server.errors import ApiError, not_found
from workstation.server.models import AccountRow, EventRow, ReviewItem
from workstation.server.review import item as review_item
from workstation.server.workflows.events import Author, Sink
from workstation.text import Text

REVIEW_KIND = "approval_request"


_PLAN_WORDS = {"instalments": "分期还款", "deferral": "延期还款", "settlement": "协商结清"}


def register(
    session: Session, account: AccountRow, event: EventRow, typed: ApprovalPayload
) -> ApprovalRow:
    total = typed.total if typed.total is not None else None
    row = ApprovalRow(
        id=event.id,
        account_id=account.id,
        team_id=account.team_id,
        kind=typed.kind,
        status=ApprovalStatus.REQUESTED.value,
        total_minor=Money.of(total, account.currency).minor if total is not None else None,
        currency=account.currency,
        instalments=typed.instalments,
        terms=dict(typed.terms or {}),
        issues=list(typed.issues or ()),
        justification=typed.justification,
        requested_by_id=event.recorded_by_id,
        requested_at=event.occurred_at,
    )
    session.add(row)
    amount = Money.of(total, account.currency).format() if total is not None else "—"
    issues = "; ".join(typed.issues or ())
    session.add(
        review_item(
            REVIEW_KIND,
            Text(
                f"{event.recorded_by} asks to agree a {typed.kind} of {amount} outside policy: "
                + issues,
                f"{event.recorded_by}申请批准超出政策的{_PLAN_WORDS.get(typed.kind, typed.kind)}"
                f"（{amount}）：" + issues,
            ),
            event.occurred_at,
            account_id=account.id,
            customer_id=account.customer_id,
            event_id=event.id,
            team_id=account.team_id,
            assignee_id=None,
            from_user_id=event.recorded_by_id,
            detail={
                "approval_id": event.id,
                "kind": typed.kind,
                "total": str(total) if total is not None else None,
                "currency": account.currency,
                "instalments": typed.instalments,
                "terms": dict(typed.terms or {}),
                "policy_breached": list(typed.issues or ()),
                "justification": typed.justification,
                "balance": Money.from_minor(account.balance_minor, account.currency).wire(),
                "days_past_due": account.days_past_due,
            },
        )
    )
    return row


def decide(
    session: Session,
    principal: Principal,
    approval_id: str,
    *,
    approve: bool,
    reason: str,
    at: datetime,
) -> tuple[ApprovalRow, EventRow]:
    row = session.get(ApprovalRow, approval_id, with_for_update=True)
    if row is None:
        raise not_found("approval")
    account = session.get(AccountRow, row.account_id, with_for_update=True)
    lead = principal.role == Role.LEAD and principal.team_id and principal.team_id == row.team_id
    if account is None or not lead:
        if principal.is_collector and account is not None and account.owner_id == principal.user_id:
            raise ApiError(403, "forbidden", "only the team lead approves a plan outside policy")
        raise not_found("approval")
    if row.status != ApprovalStatus.REQUESTED.value:
        raise ApiError(409, "already_decided", f"this request was {row.status} already")
    if not approve and not reason.strip():
        raise ApiError(
            422,
            "reason_required",
            "say why the request is refused: the agent reads it",
            message_zh="请填写拒绝原因：坐席会看到",
        )
    row.status = (ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED).value
    row.decided_by_id = principal.user_id
    row.decided_at = at
    row.reason = reason.strip() or None
    payload: dict[str, Any] = {"kind": row.kind, "status": row.status, "request_id": row.id}
    if row.reason:
        payload["reason"] = row.reason
    sink = Sink(Author(principal.username, principal.user_id, principal.device_id), at)
    event = sink(session, account, EventType.APPROVAL, payload)
    for item in session.scalars(
        select(ReviewItem).where(
            ReviewItem.kind == REVIEW_KIND,
            ReviewItem.event_id == row.id,
            ReviewItem.acknowledged_at.is_(None),
        )
    ):
        item.acknowledged_at = at
        item.acknowledged_by = principal.user_id
        item.detail = {
            **(item.detail or {}),
            "resolution": {"status": row.status, "reason": row.reason},
        }
    audit(
        session,
        principal,
        f"approval.{row.status}",
        "approval",
        row.id,
        {"account_id": row.account_id, "reason": row.reason},
    )
    return row, event


def plan_refusal(
    session: Session, account: AccountRow, plan: PlanAgreementPayload
) -> tuple[str, str] | None:
    """Why this plan may not be agreed (None: it may)."""
    if plan.approval_id is not None:
        row = session.get(ApprovalRow, plan.approval_id)
        if row is None or row.account_id != account.id:
            return ("approval_not_found", "the approval this plan names is not on this account")
        if row.status != ApprovalStatus.APPROVED.value:
            return ("approval_not_granted", f"the team lead has not approved it ({row.status})")
        total = Money.of(plan.total, account.currency).minor if plan.total is not None else None
        if row.kind != (plan.kind or "instalments") or (
            row.total_minor is not None and total != row.total_minor
        ):
            return ("approval_mismatch", "this plan is not the one the team lead approved")
        return None
    if plan.kind == "settlement":
        floor = load_settlement_policy().minimum_percent.get(Bucket.for_days(account.days_past_due))
        try:
            percent = Decimal(str((plan.terms or {}).get("settlement_percent", "")))
        except InvalidOperation:
            return None  # no percent to judge: the desk's calculator decided
        if floor is not None and percent < floor:
            return (
                "needs_approval",
                f"a settlement at {percent} % is below the {floor} % floor for this account: "
                "ask the team lead to approve it first",
            )
    return None
