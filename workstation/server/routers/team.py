"""The team lead's API: overview, queue explorer, reassignment (with dry runs) and KPIs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from workstation.domain.enums import AccountStatus, Bucket, Role, Segment
from workstation.server import lead, queue_explorer
from workstation.server.deps import Principal, PrincipalDep, StateDep, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.periods import report_period
from workstation.server.queue_explorer import CursorError, Filters, Order, Sort
from workstation.server.schemas import AccountOut, StrategyTaskOut
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
    # confirmed money today on the agent's accounts (recovery counts only this)
    collected: dict[str, str]
    # what the agent reported today that no bank payment has confirmed yet
    reported: dict[str, str] = Field(default_factory=dict)


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
    # matching accounts: counted on the first page (no cursor) only, up to 10,000
    total: int | None
    # more than ``total`` match: the count stopped at its bound (shown "10,000+")
    total_capped: bool = False
    # the position after this page's last row; None on the last page
    next_cursor: str | None = None
    # the strategy task standing on a row of this page (raised, not yet settled), by account
    # id; rows without one are absent
    tasks: dict[str, StrategyTaskOut] = Field(default_factory=dict)


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
    segment: Segment | None = None,
    standing_task: bool = False,
    sort: Sort = Sort.ID,
    order: Order = Order.ASC,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    count: bool = True,
) -> Any:
    """Queue explorer over the whole team, filtered and sorted, a page at a time: pass the
    previous page's ``next_cursor`` as ``cursor`` for the next (keyset pagination:
    ``queue_explorer``). ``standing_task``: only accounts with a strategy task standing;
    ``tasks`` gives the task standing on each row of the page."""
    _lead(principal)
    assert principal.team_id is not None
    filters = Filters(
        owner_id=owner_id,
        status=status.value if status else None,
        bucket=bucket,
        risk_tier=risk_tier,
        jurisdiction=jurisdiction,
        segment=segment.value if segment else None,
        standing_task=standing_task,
    )
    with state.sessions() as session:
        try:
            found = queue_explorer.page(
                session,
                principal.team_id,
                filters,
                sort=sort,
                order=order,
                cursor=cursor,
                limit=limit,
                count=count,
            )
        except CursorError as exc:
            raise ApiError(422, "bad_cursor", str(exc)) from exc
        tasks = queue_explorer.standing_tasks(session, found.ids)
        return {
            "accounts": load_accounts(session, found.ids),
            "total": found.total,
            "total_capped": found.total_capped,
            "next_cursor": found.next_cursor,
            "tasks": {account_id: task.to_payload() for account_id, task in tasks.items()},
        }


class MoveOut(BaseModel):
    account_id: str
    from_user_id: str | None
    from_username: str | None
    to_user_id: str
    to_username: str | None
    balance: str | None
    currency: str


class UncertifiedOut(BaseModel):
    account_id: str
    to_user_id: str
    pack: str


class ReassignOut(BaseModel):
    dry_run: bool
    moves: list[MoveOut]
    summary: dict[str, Any]
    batch_id: str | None
    # moves to an agent not certified for the account's jurisdiction: need a reason
    uncertified: list[UncertifiedOut] = Field(default_factory=list)


# why accounts go to an agent not certified for their jurisdiction (audited)
Reason = Annotated[str, Field(max_length=500)] | None


class ReassignIn(BaseModel):
    account_ids: Annotated[list[Uid], Field(min_length=1, max_length=20000)]
    to_user_id: Uid
    dry_run: bool = False
    reason: Reason = None


class MoveQueueIn(BaseModel):
    from_user_id: Uid
    to_user_id: Uid
    dry_run: bool = False
    reason: Reason = None

    @model_validator(mode="after")
    def _different(self) -> MoveQueueIn:
        if self.from_user_id == self.to_user_id:
            raise ValueError("from_user_id and to_user_id must differ")
        return self


class RebalanceIn(BaseModel):
    user_ids: Annotated[list[Uid], Field(min_length=2, max_length=200)]
    by: Literal["count", "balance"] = "count"
    dry_run: bool = False
    reason: Reason = None


def _run(
    state: StateDep, principal: Principal, dry_run: bool, reason: str | None, func: Any, *args: Any
) -> Any:
    if dry_run:
        with state.sessions() as session:
            return func(session, principal, *args, True, reason=reason)
    with state.sessions.begin() as session:
        return func(session, principal, *args, False, reason=reason)


@router.post("/reassign", response_model=ReassignOut)
def reassign(body: ReassignIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Give the listed accounts to one agent of the team (``dry_run``: only say what moves)."""
    _lead(principal)
    return _run(
        state,
        principal,
        body.dry_run,
        body.reason,
        lead.reassign,
        body.account_ids,
        body.to_user_id,
    )


@router.post("/move-queue", response_model=ReassignOut)
def move_queue(body: MoveQueueIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Move every account of agent A to agent B."""
    _lead(principal)
    return _run(
        state,
        principal,
        body.dry_run,
        body.reason,
        lead.move_queue,
        body.from_user_id,
        body.to_user_id,
    )


@router.post("/rebalance", response_model=ReassignOut)
def rebalance(body: RebalanceIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Even out the chosen agents' queues by count or by balance."""
    _lead(principal)
    return _run(state, principal, body.dry_run, body.reason, lead.rebalance, body.user_ids, body.by)


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
    start, end = report_period(date_from, date_to, today=utcnow().date(), default_days=6)
    with state.sessions() as session:
        return lead.kpis(session, principal, start, end, weekly)
