"""The complaints API (``/api/v1/complaints``): the lead's Complaints tab and the desk.

- ``GET /complaints``: a lead's team's complaints (an owner's own, a collector's on their
  portfolio), open ones by default, with owner, age, the next deadline and its urgency;
- ``GET /complaints/kpis``: received, resolved in time, upheld rate, top root causes, per
  agent and for the team (leads);
- ``GET /complaints/{id}``: one complaint (by id or reference), its history (the complaint's
  events and letters) and the steps the caller may take;
- ``POST /complaints``: a complaint taken at the lead's console (the same intake as any);
- ``POST /complaints/{id}/{step}``: a step of the workflow; refused with a clear message
  and nothing changed when the table, the pack or the input says no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, Role
from workstation.server.complaints import workflow
from workstation.server.complaints.models import ComplaintRow
from workstation.server.deps import Principal, PrincipalDep, StateDep, audit, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError, not_found
from workstation.server.models import AccountRow, CustomerRow, EventRow, User
from workstation.server.schemas import EventOut
from workstation.server.serialize import event_dict, wire_money
from workstation.server.sync_read import in_scope
from workstation.server.workflows.events import Author
from workstation.workflows import complaints as table
from workstation.workflows.complaint_kpis import ComplaintCounts
from workstation.workflows.complaints import Step, StepInput
from workstation.workflows.deadlines import (
    Urgency,
    complaint_rules,
    local_day,
    pack_for_jurisdiction,
    urgency,
)

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=ERROR_RESPONSES)
ComplaintId = Annotated[str, Path(min_length=1, max_length=64)]
Uid = Annotated[str, Field(max_length=64)]


class ComplaintOut(BaseModel):
    id: str
    reference: str
    account_id: str
    customer_id: str
    team_id: str | None
    status: str
    category: str
    channel: str
    pack: str
    received_at: str
    received_on: str
    about_user_id: str | None
    agent_id: str | None
    owner_id: str | None
    acknowledge_by: str | None
    summary_by: str | None
    due_on: str
    next_deadline: str | None  # acknowledge | final
    next_due_on: str | None
    urgency: str  # overdue | due_soon | on_time
    age_days: int
    extensions: int
    outcome: str | None
    root_cause: str | None
    redress: str | None
    currency: str
    resolved_on: str | None
    resolved_in_time: bool | None
    overdue: list[str]
    customer_name: str
    owner_name: str | None
    agent_name: str | None
    about_name: str | None


class PersonOut(BaseModel):
    user_id: str
    name: str
    role: str


class StepOut(BaseModel):
    step: str
    target: str | None
    requires: list[str]


class ComplaintDetailOut(BaseModel):
    complaint: ComplaintOut
    history: list[EventOut]
    steps: list[StepOut]
    extensions_left: int
    next_extension_needs_approval: bool
    handlers: list[PersonOut]  # whom it may be assigned to (never the agent complained about)
    approvers: list[PersonOut]  # who may approve an extension that needs it


class ComplaintsPage(BaseModel):
    complaints: list[ComplaintOut]
    total: int


class IntakeIn(BaseModel):
    account_id: Uid
    category: str = Field(min_length=1, max_length=100)
    details: str = Field(min_length=1, max_length=4000)
    about_user_id: Uid | None = None


class StepIn(BaseModel):
    owner_id: Uid = ""
    about_user_id: Uid = ""
    reason: str = Field("", max_length=4000)
    approver_id: Uid = ""
    outcome: str = Field("", max_length=32)
    root_cause: str = Field("", max_length=64)
    redress: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    resolution: str = Field("", max_length=8000)
    remedy: str = Field("", max_length=4000)


class StepResultOut(BaseModel):
    complaint: ComplaintOut
    event_id: str
    letter_event_id: str | None
    letter_sha256: str | None


class CauseOut(BaseModel):
    code: str
    count: int


class ComplaintKpiBlock(BaseModel):
    received: int
    resolved: int
    resolved_in_time: int
    in_time_share: str | None
    upheld: int
    upheld_rate: str | None
    open: int
    overdue: int
    top_root_causes: list[CauseOut]


class AgentKpis(BaseModel):
    user_id: str
    block: ComplaintKpiBlock


class ComplaintKpisOut(BaseModel):
    date_from: str
    date_to: str
    team: ComplaintKpiBlock
    agents: list[AgentKpis]


def _today(timezone: str) -> date:
    return local_day(utcnow(), timezone)


@dataclass(frozen=True, slots=True)
class Lookup:
    """What ``complaint_out`` needs beside the row: customers' zones and names, users' names."""

    zones: dict[str, str]
    customers: dict[str, str]
    users: dict[str, str]

    def zone(self, customer_id: str) -> str:
        return self.zones.get(customer_id, "UTC")


def lookup(session: Session, rows: list[ComplaintRow]) -> Lookup:
    ids = sorted({r.customer_id for r in rows})
    zones: dict[str, str] = {}
    names: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        for cid, zone, name in session.execute(
            select(CustomerRow.id, CustomerRow.timezone, CustomerRow.name).where(
                CustomerRow.id.in_(ids[start : start + 500])
            )
        ):
            zones[cid] = zone
            names[cid] = name
    people = sorted(
        {u for r in rows for u in (r.owner_id, r.agent_id, r.about_user_id) if u is not None}
    )
    users = (
        {
            uid: display or username
            for uid, display, username in session.execute(
                select(User.id, User.display_name, User.username).where(User.id.in_(people))
            )
        }
        if people
        else {}
    )
    return Lookup(zones, names, users)


def complaint_out(row: ComplaintRow, seen: Lookup) -> dict[str, Any]:
    today = _today(seen.zone(row.customer_id))
    pending = table.pending_deadlines(row.status, row.acknowledge_by, row.due_on)
    kind, due = pending[0] if pending else (None, None)
    level = urgency(due, today)
    if pending and row.overdue:
        level = Urgency.OVERDUE  # the daily run found a deadline missed
    end = row.resolved_on or today
    return {
        "id": row.id,
        "reference": row.reference,
        "account_id": row.account_id,
        "customer_id": row.customer_id,
        "team_id": row.team_id,
        "status": table.state_of(row.status).value,
        "category": row.category,
        "channel": row.channel,
        "pack": row.pack,
        "received_at": row.received_at.isoformat(),
        "received_on": row.received_on.isoformat(),
        "about_user_id": row.about_user_id,
        "agent_id": row.agent_id,
        "owner_id": row.owner_id,
        "acknowledge_by": row.acknowledge_by.isoformat() if row.acknowledge_by else None,
        "summary_by": row.summary_by.isoformat() if row.summary_by else None,
        "due_on": row.due_on.isoformat(),
        "next_deadline": kind,
        "next_due_on": due.isoformat() if due else None,
        "urgency": level.value,
        "age_days": max(0, (end - row.received_on).days),
        "extensions": row.extensions,
        "outcome": row.outcome,
        "root_cause": row.root_cause,
        "redress": wire_money(row.redress_minor, row.currency) if row.redress_minor else None,
        "currency": row.currency,
        "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None,
        "resolved_in_time": None if row.resolved_on is None else row.resolved_on <= row.due_on,
        "overdue": list(row.overdue or []),
        "customer_name": seen.customers.get(row.customer_id, ""),
        "owner_name": seen.users.get(row.owner_id or ""),
        "agent_name": seen.users.get(row.agent_id or ""),
        "about_name": seen.users.get(row.about_user_id or ""),
    }


def _scope(principal: Principal) -> Any:
    """Which complaints the caller may list (``visible`` for one)."""
    mine = ComplaintRow.owner_id == principal.user_id
    if principal.role == Role.LEAD and principal.team_id:
        return or_(ComplaintRow.team_id == principal.team_id, mine)
    if principal.is_collector:
        portfolio = select(AccountRow.id).where(AccountRow.owner_id == principal.user_id)
        return or_(ComplaintRow.account_id.in_(portfolio), mine)
    raise ApiError(403, "forbidden", "complaints are for collectors and leads")


@router.get("", response_model=ComplaintsPage)
def list_complaints(
    principal: PrincipalDep,
    state: StateDep,
    *,
    status: Literal["open", "resolved", "closed", "all"] = "open",
    owner_id: Annotated[str | None, Query(max_length=64)] = None,
    account_id: Annotated[str | None, Query(max_length=64)] = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> Any:
    """The caller's complaints, earliest deadline first."""
    scope = _scope(principal)
    stmt = select(ComplaintRow).where(scope)
    if status == "open":
        stmt = stmt.where(ComplaintRow.status.in_([s.value for s in table.OPEN_STATES]))
    elif status != "all":
        stmt = stmt.where(ComplaintRow.status == status)
    if owner_id:
        stmt = stmt.where(ComplaintRow.owner_id == owner_id)
    if account_id:
        stmt = stmt.where(ComplaintRow.account_id == account_id)
    with state.sessions() as session:
        rows = list(session.scalars(stmt.order_by(ComplaintRow.due_on, ComplaintRow.reference)))
        seen = lookup(session, rows)
        out = [complaint_out(r, seen) for r in rows]
    if overdue:
        out = [c for c in out if c["urgency"] == Urgency.OVERDUE.value]
    return {"complaints": out[:limit], "total": len(out)}


@router.get("/kpis", response_model=ComplaintKpisOut)
def complaint_kpis(
    principal: PrincipalDep,
    state: StateDep,
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
) -> Any:
    """Per agent (the one complained about, else the account's owner at intake) and team."""
    require(principal, Role.LEAD)
    if not principal.team_id:
        raise ApiError(403, "forbidden", "you lead no team")
    if date_to < date_from or date_to - date_from > timedelta(days=366):
        raise ApiError(422, "invalid_request", "the period is 1 to 366 days, from before to")
    with state.sessions() as session:
        rows = list(
            session.scalars(select(ComplaintRow).where(ComplaintRow.team_id == principal.team_id))
        )
        seen = lookup(session, rows)
    per: dict[str, ComplaintCounts] = {}
    for row in rows:
        if row.voided_at is not None:
            continue  # a voided intake never counted
        counts = per.setdefault(row.agent_id or "", ComplaintCounts())
        if date_from <= row.received_on <= date_to:
            counts.received += 1
        if row.resolved_on is not None and date_from <= row.resolved_on <= date_to:
            counts.resolution(row.outcome or "", row.resolved_on, row.due_on, row.root_cause)
        if table.state_of(row.status) in table.OPEN_STATES:
            counts.open += 1
            shown = complaint_out(row, seen)
            counts.overdue += int(shown["urgency"] == Urgency.OVERDUE.value)
    team = ComplaintCounts()
    for counts in per.values():
        team.add(counts)
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "team": _block(team),
        "agents": [
            {"user_id": user_id, "block": _block(counts)}
            for user_id, counts in sorted(per.items())
            if user_id
        ],
    }


def _block(counts: ComplaintCounts) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "received": counts.received,
        "resolved": counts.resolved,
        "resolved_in_time": counts.resolved_in_time,
        "in_time_share": text(counts.in_time_share),
        "upheld": counts.upheld,
        "upheld_rate": text(counts.upheld_rate),
        "open": counts.open,
        "overdue": counts.overdue,
        "top_root_causes": [{"code": c, "count": n} for c, n in counts.top_causes()],
    }


def _history(session: Session, row: ComplaintRow) -> list[dict[str, Any]]:
    names = EventRow.payload["complaint_id"].as_string() == row.id
    events = session.scalars(
        select(EventRow)
        .where(
            EventRow.account_id == row.account_id,
            or_(
                EventRow.id == row.id,
                and_(
                    EventRow.type.in_([EventType.COMPLAINT.value, EventType.DOCUMENT.value]), names
                ),
            ),
        )
        .order_by(EventRow.occurred_at, EventRow.server_version)
    )
    return [event_dict(e) for e in events]


def _people(session: Session, *where: Any) -> list[dict[str, Any]]:
    users = session.scalars(
        select(User).where(User.active.is_(True), *where).order_by(User.username)
    )
    return [{"user_id": u.id, "name": u.display_name or u.username, "role": u.role} for u in users]


def _detail(session: Session, principal: Principal, row: ComplaintRow) -> dict[str, Any]:
    actors = workflow.actors_of(principal, row)
    steps = table.steps_for(table.state_of(row.status), actors)
    pack = pack_for_jurisdiction(row.pack) if row.pack else None
    extensions = complaint_rules(pack).extensions
    subject = [row.about_user_id] if row.about_user_id else []
    handlers = _people(
        session,
        User.team_id == row.team_id,
        User.role.in_([Role.AGENT.value, Role.FIELD.value, Role.LEAD.value]),
        User.id.not_in(subject),
    )
    approvers = _people(
        session,
        or_(
            and_(User.role == Role.LEAD.value, User.team_id == row.team_id),
            User.role == Role.ADMIN.value,
        ),
        User.id.not_in([*subject, principal.user_id]),
    )
    return {
        "complaint": complaint_out(row, lookup(session, [row])),
        "history": _history(session, row),
        "steps": [
            {
                "step": t.step.value,
                "target": t.target.value if t.target else None,
                "requires": list(t.requires),
            }
            for t in steps
        ],
        "extensions_left": max(0, len(extensions) - row.extensions),
        "next_extension_needs_approval": row.extensions < len(extensions)
        and extensions[row.extensions].approval,
        "handlers": handlers,
        "approvers": approvers,
    }


@router.get("/{complaint_id}", response_model=ComplaintDetailOut)
def get_complaint(complaint_id: ComplaintId, principal: PrincipalDep, state: StateDep) -> Any:
    _scope(principal)  # 403 for a role that has no complaints at all
    with state.sessions.begin() as session:
        row = workflow.load(session, principal, complaint_id)
        out = _detail(session, principal, row)
        audit(session, principal, "read.complaint", "complaint", row.id)
        return out


@router.post("", response_model=ComplaintOut, status_code=201)
def take_complaint(body: IntakeIn, principal: PrincipalDep, state: StateDep) -> Any:
    """A complaint the lead takes at the console (say, a letter or a call to the lead)."""
    require(principal, Role.LEAD)
    at = utcnow()
    with state.sessions.begin() as session:
        account = session.get(AccountRow, body.account_id, with_for_update=True)
        if account is None or not in_scope(principal, account):
            raise not_found("account")
        row = workflow.receive(
            session,
            account,
            category=body.category,
            details=body.details,
            received_via=workflow.CONSOLE,
            author=Author(principal.username, principal.user_id, principal.device_id),
            at=at,
            about_user_id=body.about_user_id,
        )
        audit(
            session,
            principal,
            "complaint.receive",
            "complaint",
            row.id,
            {"reference": row.reference},
        )
        return complaint_out(row, lookup(session, [row]))


@router.post("/{complaint_id}/{step}", response_model=StepResultOut)
def take_step(
    complaint_id: ComplaintId,
    step: Step,
    body: StepIn,
    principal: PrincipalDep,
    state: StateDep,
) -> Any:
    if step is Step.REGISTER:
        raise ApiError(403, "forbidden", "the backend registers a complaint itself")
    _scope(principal)
    given = StepInput(**body.model_dump())
    with state.sessions.begin() as session:
        result = workflow.take_step(session, principal, complaint_id, step, given, at=utcnow())
        letter = result.letter
        return {
            "complaint": complaint_out(result.complaint, lookup(session, [result.complaint])),
            "event_id": result.event.id,
            "letter_event_id": letter.id if letter is not None else None,
            "letter_sha256": str(letter.payload["document_sha256"]) if letter is not None else None,
        }
