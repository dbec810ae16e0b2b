"""The approvals API (``/api/v1/approvals``): the requests a lead decides (the review queue
shows them too) and the answer — approved, or refused with the reason the agent reads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from workstation.domain.enums import Role
from workstation.server.approvals.models import ApprovalRow
from workstation.server.approvals.service import decide
from workstation.server.deps import PrincipalDep, StateDep, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import AccountRow
from workstation.server.serialize import wire_money

router = APIRouter(prefix="/api/v1/approvals", tags=["approvals"], responses=ERROR_RESPONSES)
ApprovalId = Annotated[str, Path(min_length=1, max_length=64)]


class ApprovalOut(BaseModel):
    id: str
    account_id: str
    kind: str
    status: str
    total: str | None
    currency: str
    instalments: int | None
    terms: dict[str, Any]
    issues: list[str]
    justification: str | None
    requested_at: str
    reason: str | None


class ApprovalsPage(BaseModel):
    approvals: list[ApprovalOut]


class AnswerIn(BaseModel):
    reason: str = Field("", max_length=4000)


def approval_out(row: ApprovalRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "account_id": row.account_id,
        "kind": row.kind,
        "status": row.status,
        "total": wire_money(row.total_minor, row.currency) if row.total_minor is not None else None,
        "currency": row.currency,
        "instalments": row.instalments,
        "terms": dict(row.terms or {}),
        "issues": [str(i) for i in row.issues or ()],
        "justification": row.justification,
        "requested_at": row.requested_at.isoformat(),
        "reason": row.reason,
    }


@router.get("", response_model=ApprovalsPage)
def list_approvals(
    principal: PrincipalDep,
    state: StateDep,
    *,
    status: Literal["requested", "all"] = "requested",
    account_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Any:
    if principal.role == Role.LEAD and principal.team_id:
        scope = ApprovalRow.team_id == principal.team_id
    elif principal.is_collector:
        scope = ApprovalRow.account_id.in_(
            select(AccountRow.id).where(AccountRow.owner_id == principal.user_id)
        )
    else:
        raise ApiError(403, "forbidden", "approvals are for collectors and leads")
    stmt = select(ApprovalRow).where(scope)
    if status == "requested":
        stmt = stmt.where(ApprovalRow.status == "requested")
    if account_id:
        stmt = stmt.where(ApprovalRow.account_id == account_id)
    with state.sessions() as session:
        rows = session.scalars(stmt.order_by(ApprovalRow.requested_at))
        return {"approvals": [approval_out(r) for r in rows]}


@router.post("/{approval_id}/{answer}", response_model=ApprovalOut)
def answer(
    approval_id: ApprovalId,
    answer: Literal["approve", "refuse"],
    body: AnswerIn,
    principal: PrincipalDep,
    state: StateDep,
) -> Any:
    with state.sessions.begin() as session:
        row, _event = decide(
            session,
            principal,
            approval_id,
            approve=answer == "approve",
            reason=body.reason,
            at=utcnow(),
        )
        return approval_out(row)
