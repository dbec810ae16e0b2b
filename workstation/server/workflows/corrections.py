"""``POST /api/v1/events/{event_id}/void``: a correction from the lead's console (or any
signed-in user in scope) without a device's outbox — the same ``void`` event a desk pushes,
recorded through ``facts.record`` with every check (who may void what, already voided, a
reason) and everything a void undoes (``workflows.voids``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from workstation.contract.events import VoidPayload
from workstation.contract.mutations import EventCreate
from workstation.domain.enums import EventType
from workstation.domain.model import new_id
from workstation.server import facts
from workstation.server.deps import PrincipalDep, StateDep, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError, not_found
from workstation.server.models import AccountRow, EventRow
from workstation.server.sync_read import in_scope
from workstation.server.versioning import commit

router = APIRouter(prefix="/api/v1/events", tags=["corrections"], responses=ERROR_RESPONSES)
EventId = Annotated[str, Path(min_length=1, max_length=64)]


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class VoidOut(BaseModel):
    void_event_id: str
    target_event_id: str


@router.post("/{event_id}/void", response_model=VoidOut)
def void_event(event_id: EventId, body: VoidIn, principal: PrincipalDep, state: StateDep) -> Any:
    now = utcnow()
    void_id = new_id()
    session = state.sessions()
    try:
        with session.begin():
            target = session.get(EventRow, event_id)
            account = session.get(AccountRow, target.account_id) if target else None
            if target is None or account is None or not in_scope(principal, account):
                raise not_found("event")
            create = EventCreate(
                id=void_id,
                type=EventType.VOID,
                account_id=account.id,
                occurred_at=now,
                payload=VoidPayload(target_event_id=target.id, reason=body.reason.strip()),
            )
            try:
                with session.no_autoflush:  # the commit flushes it all (as a push does)
                    facts.record(
                        state, session, principal, create, skew_s=None, warnings=[], now=now
                    )
            except facts.Refusal as refusal:
                raise ApiError(422, refusal.reason, refusal.message) from None
            commit(session)
    finally:
        session.close()
    return {"void_event_id": void_id, "target_event_id": event_id}
