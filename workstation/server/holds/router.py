"""``POST /api/v1/holds/{account_id}/lift``: lift a hold by its lifting event (the lead's
console, the review queue's "review done"). Who may lift which hold, and what each lifting
event is called, is the table in ``workstation.workflows.holds``; a refusal changes nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from workstation.domain.enums import CustomerFlag
from workstation.server.deps import PrincipalDep, StateDep, utcnow
from workstation.server.errors import ERROR_RESPONSES, not_found
from workstation.server.holds.service import lift
from workstation.server.models import AccountRow
from workstation.server.sync_read import in_scope

router = APIRouter(prefix="/api/v1/holds", tags=["holds"], responses=ERROR_RESPONSES)
AccountId = Annotated[str, Path(min_length=1, max_length=64)]


class LiftIn(BaseModel):
    flag: CustomerFlag
    details: str = Field("", max_length=4000)  # why (audited)


class LiftOut(BaseModel):
    event_id: str
    flag: str
    reason: str


@router.post("/{account_id}/lift", response_model=LiftOut)
def lift_hold(account_id: AccountId, body: LiftIn, principal: PrincipalDep, state: StateDep) -> Any:
    with state.sessions.begin() as session:
        account = session.get(AccountRow, account_id)
        if account is None or not in_scope(principal, account):
            raise not_found("account")
        event = lift(session, principal, account.id, body.flag, details=body.details, at=utcnow())
        return {
            "event_id": event.id,
            "flag": body.flag.value,
            "reason": str(event.payload["reason"]),
        }
