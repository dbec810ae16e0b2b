"""What the portal adds to the team's KPIs (``GET /api/v1/portal/kpis?from=&to=``, a lead's
team or an admin's whole book): plans, promises, callbacks and payments made on the portal,
the survey response rate, and satisfaction by channel — the customers' own ratings from the
survey (by the channel of the conversation rated) beside the scores agents typed during a
call, labelled as agent-entered."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, Role
from workstation.domain.money import Money
from workstation.server.deps import Principal, PrincipalDep, StateDep, require
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.lifecycle.money_kpis import not_voided
from workstation.server.messaging.models import MessageJob
from workstation.server.models import AccountRow, EventRow

router = APIRouter(prefix="/api/v1/portal", tags=["portal"], responses=ERROR_RESPONSES)
SENT = ("sent", "delivered")


class Score(BaseModel):
    count: int
    mean: str | None  # two decimals; None without ratings


class SatisfactionOut(BaseModel):
    survey: Score  # the customers' own ratings
    survey_by_channel: dict[str, Score]  # by the channel of the conversation rated
    agent_entered: Score  # typed by the agent during the call


class PortalKpisOut(BaseModel):
    date_from: date
    date_to: date
    portal_plans: int
    portal_promises: int
    portal_callbacks: int
    portal_payments: int
    portal_paid: dict[str, str]  # currency -> amount
    surveys_sent: int
    surveys_answered: int
    survey_response_rate: str | None  # answered / sent, two decimals
    satisfaction: SatisfactionOut


def _score(values: list[int]) -> Score:
    if not values:
        return Score(count=0, mean=None)
    mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))
    return Score(count=len(values), mean=str(mean))


def _scope(principal: Principal) -> Any:
    if principal.role == Role.ADMIN:
        return None
    if not principal.team_id:
        raise ApiError(403, "forbidden", "you lead no team")
    return AccountRow.team_id == principal.team_id


def counts(session: Session, principal: Principal, first: date, last: date) -> dict[str, Any]:
    start = datetime.combine(first, time(0), UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), UTC)
    scope = _scope(principal)
    query = (
        select(
            EventRow.type,
            EventRow.payload,
            EventRow.amount_minor,
            EventRow.currency,
        )
        .join(AccountRow, AccountRow.id == EventRow.account_id)
        .where(
            EventRow.received_at >= start,
            EventRow.received_at < end,
            EventRow.type.in_(
                [
                    EventType.PLAN_AGREEMENT.value,
                    EventType.PROMISE.value,
                    EventType.CONTACT_ATTEMPT.value,
                    EventType.PAYMENT.value,
                    EventType.SATISFACTION.value,
                ]
            ),
        )
    )
    if scope is not None:
        query = query.where(scope)
    query = query.where(not_voided())  # a voided fact, a payment the bank took back: nowhere
    tally: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    survey: list[int] = []
    by_channel: dict[str, list[int]] = defaultdict(list)
    agent: list[int] = []
    for kind, stored, amount, currency in session.execute(query):
        payload = stored or {}
        if kind == EventType.SATISFACTION.value:
            score = int(payload.get("score") or 0)
            if payload.get("source") == "survey":
                survey.append(score)
                by_channel[str(payload.get("contact_channel") or "unknown")].append(score)
            else:
                agent.append(score)
            continue
        if payload.get("via") != "portal" and not (
            kind == EventType.PAYMENT.value and payload.get("method") == "portal"
        ):
            continue
        if kind == EventType.PAYMENT.value:
            if payload.get("source") == "confirmed":
                tally["payments"] += 1
                paid[str(currency)] += int(amount or 0)
        elif kind == EventType.CONTACT_ATTEMPT.value:
            tally["callbacks"] += payload.get("disposition") == "CB"
        else:
            tally[kind] += 1
    jobs = select(MessageJob.message_id).where(
        MessageJob.template == "survey",
        MessageJob.status.in_(SENT),
        MessageJob.created_at >= start,
        MessageJob.created_at < end,
    )
    if scope is not None:
        jobs = jobs.join(AccountRow, and_(AccountRow.id == MessageJob.account_id, scope))
    sent = len(session.scalars(jobs).all())
    answered = len(survey)
    return {
        "date_from": first,
        "date_to": last,
        "portal_plans": tally[EventType.PLAN_AGREEMENT.value],
        "portal_promises": tally[EventType.PROMISE.value],
        "portal_callbacks": tally["callbacks"],
        "portal_payments": tally["payments"],
        "portal_paid": {cur: Money.from_minor(v, cur).wire() for cur, v in sorted(paid.items())},
        "surveys_sent": sent,
        "surveys_answered": answered,
        "survey_response_rate": str((Decimal(answered) / sent).quantize(Decimal("0.01")))
        if sent
        else None,
        "satisfaction": {
            "survey": _score(survey),
            "survey_by_channel": {ch: _score(v) for ch, v in sorted(by_channel.items())},
            "agent_entered": _score(agent),
        },
    }


@router.get("/kpis", response_model=PortalKpisOut)
def portal_kpis(
    principal: PrincipalDep,
    state: StateDep,
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
) -> Any:
    """The portal's KPIs over ``[from, to]`` (days the server received the records, UTC)."""
    require(principal, Role.LEAD, Role.ADMIN)
    if date_to < date_from or date_to - date_from > timedelta(days=366):
        raise ApiError(422, "invalid_request", "the period is 1 to 366 days, from before to")
    with state.sessions() as session:
        return counts(session, principal, date_from, date_to)
