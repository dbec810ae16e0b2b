"""The team lead's API: overview, queue explorer, reassignment (with dry runs) and KPIs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select

from workstation.domain.enums import AccountStatus, Bucket, Role
from workstation.server import lead
from workstation.server.deps import Principal, PrincipalDep, StateDep, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import AccountRow
from workstation.server.schemas import AccountOut
from workstation.server.serialize import load_accounts

router = APIRouter(prefix="/api/v1/team", tags=["team"], responses=ERROR_RESPONSES)
Uid = Annotated[str, Field(min_length=1, max_length=64)]


def _lead(principal: Principal) -> Principal:
    require(principal, Role.LEAD)
    if not principal.team_id:
        raise ApiError(403, "forbidden", "you lead no team")
    return principal


class AgentDevice(BaseModel):
    device_id: str
    name: str
    outbox_pending: int | None
    last_sync_at: str | None


class AgentToday(BaseModel):
    attempts: int
    right_party_contacts: int
    promises: int
    collected: dict[str, str]


class AgentOverview(BaseModel):
    user_id: str
    username: str
    display_name: str
    role: str
    accounts: int
    balances: dict[str, str]
    online: bool
    last_seen_at: str | None
    last_sync_at: str | None
    outbox_pending: int
    devices: list[AgentDevice]
    today: AgentToday


class OverviewOut(BaseModel):
    team_id: str
    agents: list[AgentOverview]
    unassigned: int


@router.get("/overview", response_model=OverviewOut)
def overview(principal: PrincipalDep, state: StateDep) -> Any:
    """Each agent's queue size, balances, online/last sync, outbox backlog, today's work."""
    _lead(principal)
    with state.sessions() as session:
        return lead.overview(session, principal, state.settings.online_window)


class AccountsPage(BaseModel):
    accounts: list[AccountOut]
    total: int


@router.get("/accounts", response_model=AccountsPage)
def team_accounts(
    principal: PrincipalDep,
    state: StateDep,
    *,
    owner_id: Annotated[str | None, Query(max_length=64)] = None,
    status: AccountStatus | None = None,
    bucket: Bucket | None = None,
    risk_tier: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
    jurisdiction: Annotated[str | None, Query(max_length=32)] = None,
    offset: Annotated[int, Query(ge=0, le=10**7)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> Any:
    """Queue explorer over the whole team, filtered."""
    _lead(principal)
    from sqlalchemy import func

    from workstation.server.models import CustomerRow

    with state.sessions() as session:
        stmt = select(AccountRow.id).where(AccountRow.team_id == principal.team_id)
        if owner_id:
            stmt = stmt.where(AccountRow.owner_id == owner_id)
        if status:
            stmt = stmt.where(AccountRow.status == status.value)
        if risk_tier:
            stmt = stmt.where(AccountRow.risk_tier == risk_tier)
        if jurisdiction:
            stmt = stmt.where(
                AccountRow.customer_id.in_(
                    select(CustomerRow.id).where(CustomerRow.jurisdiction == jurisdiction)
                )
            )
        if bucket:
            low, high = _bucket_range(bucket)
            stmt = stmt.where(AccountRow.days_past_due >= low, AccountRow.days_past_due <= high)
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        ids = list(session.scalars(stmt.order_by(AccountRow.id).offset(offset).limit(limit)))
        return {"accounts": load_accounts(session, ids), "total": int(total)}


def _bucket_range(bucket: Bucket) -> tuple[int, int]:
    return {
        Bucket.CURRENT: (-(10**6), 0),
        Bucket.DPD_1_29: (1, 29),
        Bucket.DPD_30_59: (30, 59),
        Bucket.DPD_60_89: (60, 89),
        Bucket.DPD_90_179: (90, 179),
        Bucket.DPD_180_PLUS: (180, 10**6),
    }[bucket]


class MoveOut(BaseModel):
    account_id: str
    from_user_id: str | None
    from_username: str | None
    to_user_id: str
    to_username: str | None
    balance: str | None
    currency: str


class ReassignOut(BaseModel):
    dry_run: bool
    moves: list[MoveOut]
    summary: dict[str, Any]
    batch_id: str | None


class ReassignIn(BaseModel):
    account_ids: Annotated[list[Uid], Field(min_length=1, max_length=20000)]
    to_user_id: Uid
    dry_run: bool = False


class MoveQueueIn(BaseModel):
    from_user_id: Uid
    to_user_id: Uid
    dry_run: bool = False

    @model_validator(mode="after")
    def _different(self) -> MoveQueueIn:
        if self.from_user_id == self.to_user_id:
            raise ValueError("from_user_id and to_user_id must differ")
        return self


class RebalanceIn(BaseModel):
    user_ids: Annotated[list[Uid], Field(min_length=2, max_length=200)]
    by: Literal["count", "balance"] = "count"
    dry_run: bool = False


def _run(state: StateDep, principal: Principal, dry_run: bool, func: Any, *args: Any) -> Any:
    if dry_run:
        with state.sessions() as session:
            return func(session, principal, *args, True)
    with state.sessions.begin() as session:
        return func(session, principal, *args, False)


@router.post("/reassign", response_model=ReassignOut)
def reassign(body: ReassignIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Give the listed accounts to one agent of the team (``dry_run``: only say what moves)."""
    _lead(principal)
    return _run(state, principal, body.dry_run, lead.reassign, body.account_ids, body.to_user_id)


@router.post("/move-queue", response_model=ReassignOut)
def move_queue(body: MoveQueueIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Move every account of agent A to agent B."""
    _lead(principal)
    return _run(state, principal, body.dry_run, lead.move_queue, body.from_user_id, body.to_user_id)


@router.post("/rebalance", response_model=ReassignOut)
def rebalance(body: RebalanceIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Even out the chosen agents' queues by count or by balance."""
    _lead(principal)
    return _run(state, principal, body.dry_run, lead.rebalance, body.user_ids, body.by)


class KpiBlock(BaseModel):
    kpis: dict[str, str | None]
    recovery_by_currency: dict[str, str | None]
    # starting bucket -> share of its accounts in a worse bucket at the period's end
    roll_rates_by_bucket: dict[str, str | None] = Field(default_factory=dict)
    counts: dict[str, Any]


class AgentKpis(KpiBlock):
    user_id: str
    username: str
    display_name: str


class WeekKpis(KpiBlock):
    week_start: str


class KpisOut(BaseModel):
    team_id: str
    from_: str = Field(alias="from")
    to: str
    team: KpiBlock
    agents: list[AgentKpis]
    weeks: list[WeekKpis]


@router.get("/kpis", response_model=KpisOut, response_model_by_alias=True)
def kpis(
    principal: PrincipalDep,
    state: StateDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    weekly: bool = False,
) -> Any:
    """DESIGN §8 KPIs per agent and for the team over ``[from, to]`` (UTC days, inclusive)."""
    _lead(principal)
    end = date_to or utcnow().date()
    start = date_from or end - timedelta(days=6)
    if start > end:
        raise ApiError(422, "invalid_request", "'from' must not be after 'to'")
    if (end - start).days > 400:
        raise ApiError(422, "invalid_request", "a KPI period may span at most 400 days")
    with state.sessions() as session:
        return lead.kpis(session, principal, start, end, weekly)
