"""The disputes API (``/api/v1/disputes``): the lead's (and the desk's) view of a team's
disputes, and the lead's steps — send the validation notice, resume, uphold. A refusal
(the table, the pack, the input) changes nothing and says why in both languages."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from workstation.domain.enums import DisputeStatus, Role
from workstation.server.deps import Principal, PrincipalDep, StateDep, utcnow
from workstation.server.disputes.models import DisputeRow
from workstation.server.disputes.workflow import take_step
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import AccountRow
from workstation.server.serialize import wire_money
from workstation.workflows.disputes import Step

router = APIRouter(prefix="/api/v1/disputes", tags=["disputes"], responses=ERROR_RESPONSES)
DisputeId = Annotated[str, Path(min_length=1, max_length=64)]


class DisputeOut(BaseModel):
    id: str
    account_id: str
    customer_id: str
    status: str
    reason: str
    pack: str
    received_on: str
    validation_sent_on: str | None
    resume_on: str | None
    note: str | None
    adjustment: str | None


class DisputesPage(BaseModel):
    disputes: list[DisputeOut]


class DisputeStepIn(BaseModel):
    note: str = Field("", max_length=4000)
    adjustment: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    close_account: bool = False


class DisputeStepOut(BaseModel):
    dispute: DisputeOut
    event_id: str
    letter_sha256: str | None


def dispute_out(row: DisputeRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "account_id": row.account_id,
        "customer_id": row.customer_id,
        "status": row.status,
        "reason": row.reason,
        "pack": row.pack,
        "received_on": row.received_on.isoformat(),
        "validation_sent_on": row.validation_sent_on.isoformat()
        if row.validation_sent_on
        else None,
        "resume_on": row.resume_on.isoformat() if row.resume_on else None,
        "note": row.note,
        "adjustment": wire_money(row.adjustment_minor, row.currency)
        if row.adjustment_minor
        else None,
    }


def _scope(principal: Principal) -> Any:
    if principal.role == Role.LEAD and principal.team_id:
        return DisputeRow.team_id == principal.team_id
    if principal.is_collector:
        return DisputeRow.account_id.in_(
            select(AccountRow.id).where(AccountRow.owner_id == principal.user_id)
        )
    raise ApiError(403, "forbidden", "disputes are for collectors and leads")


@router.get("", response_model=DisputesPage)
def list_disputes(
    principal: PrincipalDep,
    state: StateDep,
    *,
    status: Literal["open", "all"] = "open",
    account_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Any:
    stmt = select(DisputeRow).where(_scope(principal))
    if status == "open":
        stmt = stmt.where(or_(*(DisputeRow.status == s.value for s in DisputeStatus if s.is_open)))
    if account_id:
        stmt = stmt.where(DisputeRow.account_id == account_id)
    with state.sessions() as session:
        rows = session.scalars(stmt.order_by(DisputeRow.received_at))
        return {"disputes": [dispute_out(r) for r in rows]}


@router.post("/{dispute_id}/{step}", response_model=DisputeStepOut)
def dispute_step(
    dispute_id: DisputeId, step: Step, body: DisputeStepIn, principal: PrincipalDep, state: StateDep
) -> Any:
    _scope(principal)
    with state.sessions.begin() as session:
        result = take_step(
            session,
            principal,
            dispute_id,
            step,
            note=body.note,
            adjustment=body.adjustment,
            close_account=body.close_account,
            at=utcnow(),
        )
        letter = result.letter
        return {
            "dispute": dispute_out(result.dispute),
            "event_id": result.event.id,
            "letter_sha256": str(letter.payload["document_sha256"]) if letter else None,
        }
