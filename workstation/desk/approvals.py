"""Approvals at the desk: a plan or settlement outside policy becomes a request to the team
lead (an ``approval`` event, which waits in the outbox like any fact when the desk is
offline); the lead's answer reaches the desk with a pull. Only an approved request lets the
desk agree that plan and print its agreement; a refused one says why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workstation.desk.plans import PlanOption
from workstation.desk.types import AccountView, Changes, DeskError, ValidationError
from workstation.domain.enums import ApprovalStatus, EventType
from workstation.domain.model import Event
from workstation.text import Text

if TYPE_CHECKING:
    from workstation.desk.service import DeskService


class NeedsApproval(DeskError):
    """The option is outside policy and the lead has not approved it."""


@dataclass(frozen=True, slots=True)
class Approval:
    id: str
    kind: str
    total: str
    currency: str
    instalments: int | None
    status: ApprovalStatus
    reason: str  # why it was refused
    decided_by: str
    requested_at: datetime


def approvals_of(events: tuple[Event, ...] | list[Event]) -> list[Approval]:
    """Each request on the account with the lead's latest answer (newest first)."""
    answers: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        if event.type == EventType.APPROVAL and event.payload.get("request_id"):
            answers[str(event.payload["request_id"])] = event
    out: list[Approval] = []
    for event in events:
        p = event.payload
        if event.type != EventType.APPROVAL or p.get("request_id"):
            continue
        answer = answers.get(event.id)
        status = (
            ApprovalStatus(str(answer.payload.get("status")))
            if answer
            else (ApprovalStatus.REQUESTED)
        )
        out.append(
            Approval(
                id=event.id,
                kind=str(p.get("kind") or ""),
                total=str(p.get("total") or ""),
                currency=str(p.get("currency") or ""),
                instalments=int(p["instalments"]) if p.get("instalments") else None,
                status=status,
                reason=str(answer.payload.get("reason") or "") if answer else "",
                decided_by=answer.recorded_by if answer else "",
                requested_at=event.occurred_at,
            )
        )
    return sorted(out, key=lambda a: a.requested_at, reverse=True)


def _matches(approval: Approval, option: PlanOption) -> bool:
    return approval.kind == option.kind and approval.total == option.total.wire()


def approved_for(view: AccountView, option: PlanOption) -> str | None:
    """The approved request this very option may be agreed under (kind and total alike)."""
    for approval in approvals_of(view.events):
        if approval.status is ApprovalStatus.APPROVED and _matches(approval, option):
            return approval.id
    return None


def approval_to_agree(view: AccountView, option: PlanOption) -> str | None:
    """The approved request ``option`` is agreed under (None when it is within policy); an
    option outside policy without one is refused (``NeedsApproval``). The desk and the
    field collector's laptop agree plans through this one check."""
    approval_id = approved_for(view, option)
    if option.warnings and approval_id is None:
        raise NeedsApproval(
            Text(
                "This plan is outside policy: ask the team lead to approve it first",
                "该方案超出政策范围：请先提交组长审批",
            )
        )
    return approval_id


def pending_for(view: AccountView, option: PlanOption) -> Approval | None:
    """The request for this option still waiting for the lead, or answered last."""
    for approval in approvals_of(view.events):
        if _matches(approval, option):
            return approval
    return None


def request(
    desk: DeskService,
    view: AccountView,
    option: PlanOption,
    justification: str,
    now: datetime | None = None,
) -> Changes:
    """Ask the team lead to approve ``option`` (outside policy), with the agent's reasons."""
    if not option.warnings:
        raise DeskError(
            Text("This plan is within policy: agree it", "该方案在政策范围内，可直接确认")
        )
    if not justification.strip():
        raise ValidationError(
            {"justification": Text("Say why this plan should be allowed", "请说明申请理由")}
        )
    waiting = pending_for(view, option)
    if waiting is not None and waiting.status is ApprovalStatus.REQUESTED:
        raise DeskError(Text("This plan is already waiting for the lead", "该方案已在等待组长审批"))
    first = option.schedule[0] if option.schedule else None
    payload: dict[str, Any] = {
        "kind": option.kind,
        "status": ApprovalStatus.REQUESTED.value,
        "total": option.total.wire(),
        "currency": option.total.currency,
        "instalments": len(option.schedule) or None,
        "terms": dict(option.terms),
        "issues": [w.en for w in option.warnings],
        "justification": justification.strip(),
    }
    if first is not None:
        payload["first_due"] = first.due.isoformat()
    return desk.record_fact(
        view, EventType.APPROVAL, {k: v for k, v in payload.items() if v is not None}, now
    )
