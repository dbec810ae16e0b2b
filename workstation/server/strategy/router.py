"""The strategies API (``/api/v1/strategies``): the lead's console and the desk.

Leads (and admins) see the segments with their champions, the strategies on file and every
experiment; they start one, read its results (per arm, per week and to date, with intervals
and a verdict) and promote or stop it. A collector (or the team's lead) reads one account's
arms and the strategy's recent steps on it, for the desk.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from workstation.domain.enums import Role
from workstation.server.deps import PrincipalDep, StateDep, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import AccountRow
from workstation.server.strategy.models import Experiment
from workstation.server.strategy.results import results
from workstation.server.strategy.service import (
    account_strategy,
    decide,
    experiment_out,
    overview,
    start,
)
from workstation.server.sync_read import in_scope

router = APIRouter(prefix="/api/v1/strategies", tags=["strategies"], responses=ERROR_RESPONSES)
ExperimentId = Annotated[str, Path(min_length=1, max_length=64)]
AccountId = Annotated[str, Path(min_length=1, max_length=64)]
_MANAGERS = (Role.LEAD, Role.ADMIN)


class ExperimentIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    segment: str = Field(min_length=1, max_length=32)
    challenger_id: str = Field(min_length=1, max_length=64)
    share: float = Field(0.2, gt=0, lt=1)
    confidence: float = Field(0.95, ge=0.8, le=0.999)
    complaints_guard: float = Field(2.0, ge=0, le=1000)
    started_on: date | None = None


class DecisionIn(BaseModel):
    note: str = Field("", max_length=2000)
    as_of: date | None = None


def _today() -> date:
    return utcnow().date()


@router.get("")
def strategies_overview(principal: PrincipalDep, state: StateDep) -> Any:
    require(principal, *_MANAGERS)
    with state.sessions() as session:
        return overview(session)


@router.post("/experiments", status_code=201)
def start_experiment(body: ExperimentIn, principal: PrincipalDep, state: StateDep) -> Any:
    require(principal, *_MANAGERS)
    now = utcnow()
    with state.sessions.begin() as session:
        row = start(
            session, principal, name=body.name, segment=body.segment,
            challenger_id=body.challenger_id, share=body.share, confidence=body.confidence,
            complaints_guard=body.complaints_guard, started_on=body.started_on or now.date(),
            now=now,
        )  # fmt: skip
        session.flush()
        return experiment_out(session, row)


@router.get("/experiments/{experiment_id}/results")
def experiment_results(
    experiment_id: ExperimentId,
    principal: PrincipalDep,
    state: StateDep,
    as_of: Annotated[date | None, Query()] = None,
) -> Any:
    require(principal, *_MANAGERS)
    with state.sessions() as session:
        row = session.get(Experiment, experiment_id)
        if row is None:
            raise ApiError(404, "not_found", "no such experiment")
        day = as_of or _today()
        if abs((day - row.started_on).days) > 3660:
            raise ApiError(422, "bad_period", "as_of is within ten years of the start")
        return {**experiment_out(session, row), "results": results(session, row, day)}


@router.post("/experiments/{experiment_id}/{decision}")
def decide_experiment(
    experiment_id: ExperimentId,
    decision: Literal["promote", "stop"],
    body: DecisionIn,
    principal: PrincipalDep,
    state: StateDep,
) -> Any:
    require(principal, *_MANAGERS)
    now = utcnow()
    with state.sessions.begin() as session:
        row = session.get(Experiment, experiment_id)
        day = body.as_of or now.date()
        if row is not None and abs((day - row.started_on).days) > 3660:
            raise ApiError(422, "bad_period", "as_of is within ten years of the start")
        row = decide(session, principal, experiment_id, promote=decision == "promote",
                     as_of=day, note=body.note, now=now)  # fmt: skip
        return experiment_out(session, row)


@router.get("/accounts/{account_id}")
def account_arms(account_id: AccountId, principal: PrincipalDep, state: StateDep) -> Any:
    with state.sessions() as session:
        account = session.get(AccountRow, account_id)
        if account is None or not in_scope(principal, account):
            raise ApiError(404, "not_found", "no such account")
        return account_strategy(session, account_id)
