"""The QA API (``/api/v1/quality``): the lead's samples, scoring, calibration and KPIs; the
agent's own reviews and their acknowledgement. Who may do what: ``reviews`` (scope) and
``workstation.quality.workflow`` (the transitions)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from workstation.server.deps import PrincipalDep, StateDep, utcnow
from workstation.server.errors import ERROR_RESPONSES
from workstation.server.periods import report_period
from workstation.server.quality import kpis, reviews
from workstation.server.schemas import AccountOut, CustomerOut, EventOut

router = APIRouter(prefix="/api/v1/quality", tags=["quality"], responses=ERROR_RESPONSES)
RecordId = Annotated[str, Path(min_length=1, max_length=64)]
ItemId = Annotated[str, Field(min_length=1, max_length=64)]
Note = Annotated[str, Field(max_length=2000)]
AnswerIn = Literal["met", "not_met", "na"]


class SampleOut(BaseModel):
    id: str
    week: str
    event_id: str
    account_id: str
    customer_id: str
    agent_id: str
    agent_name: str
    reasons: list[str]
    status: str
    occurred_at: str | None


class SampleRow(SampleOut):
    disposition: str | None
    channel: str | None
    notes: str
    reviews: int
    reviewed_by_me: bool
    score: str | None
    passed: bool | None
    critical_failed: bool | None


class ReviewOut(BaseModel):
    id: str
    sample_id: str
    event_id: str
    agent_id: str
    reviewer_id: str
    reviewer_name: str
    rubric_version: int
    answers: dict[str, str]
    item_notes: dict[str, str]
    comment: str
    score: str
    critical_failed: bool
    passed: bool
    calibration: bool
    status: str
    occurred_at: str | None
    created_at: str | None
    acknowledged_at: str | None
    reply: str


class MyReviewOut(ReviewOut):
    account_id: str | None
    disposition: str | None
    notes: str


class SampleDetailOut(SampleOut):
    event: EventOut
    account: AccountOut | None
    customer: CustomerOut | None
    history: list[EventOut]
    reviews: list[ReviewOut]


class ReviewIn(BaseModel):
    answers: Annotated[dict[ItemId, AnswerIn], Field(max_length=50)]
    item_notes: Annotated[dict[ItemId, Note], Field(max_length=50)] = Field(default_factory=dict)
    comment: Annotated[str, Field(max_length=4000)] = ""


class AcknowledgeIn(BaseModel):
    reply: Annotated[str, Field(max_length=2000)] = ""


class CalibrationOut(BaseModel):
    sample_id: str
    event_id: str
    agent_id: str
    agent_name: str
    occurred_at: str | None
    reviews: list[ReviewOut]
    disagreements: list[str]
    score_spread: str
    verdicts_differ: bool


class QaBlock(BaseModel):
    kpis: dict[str, str | None]
    counts: dict[str, int]


class AgentQa(QaBlock):
    user_id: str
    username: str
    display_name: str


class QaKpisOut(BaseModel):
    team_id: str
    from_: str = Field(alias="from")
    to: str
    team: QaBlock
    agents: list[AgentQa]


def _period(start: date | None, end: date | None, default_days: int) -> tuple[date, date]:
    return report_period(start, end, today=utcnow().date(), default_days=default_days)


@router.get("/samples", response_model=list[SampleRow])
def list_samples(
    principal: PrincipalDep,
    state: StateDep,
    week: date | None = None,
    status: Literal["open", "reviewed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> Any:
    """Lead: the team's sampled conversations (a week's, or every week's), newest week first."""
    with state.sessions() as session:
        return reviews.list_samples(session, principal, week, status, limit)


@router.get("/samples/{sample_id}", response_model=SampleDetailOut)
def sample_detail(sample_id: RecordId, principal: PrincipalDep, state: StateDep) -> Any:
    """Lead: one sample with its event, account, customer history and reviews so far."""
    with state.sessions() as session:
        return reviews.sample_detail(session, principal, sample_id)


@router.post("/samples/{sample_id}/reviews", response_model=ReviewOut, status_code=201)
def score_sample(
    sample_id: RecordId, body: ReviewIn, principal: PrincipalDep, state: StateDep
) -> Any:
    """Lead of the agent's team: score the conversation with the rubric (once per lead; a
    second lead's review is a calibration review). The server computes the score."""
    with state.sessions.begin() as session:
        return reviews.submit_review(
            session,
            principal,
            sample_id,
            answers=dict(body.answers),
            item_notes=dict(body.item_notes),
            comment=body.comment,
        )


@router.get("/calibration", response_model=list[CalibrationOut])
def calibration(
    principal: PrincipalDep,
    state: StateDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Any:
    """Lead: conversations two leads or more scored, with where they disagree."""
    start, end = _period(date_from, date_to, 27)
    with state.sessions() as session:
        return reviews.calibration(session, principal, start, end)


@router.get("/kpis", response_model=QaKpisOut, response_model_by_alias=True)
def qa_kpis(
    principal: PrincipalDep,
    state: StateDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Any:
    """Lead: QA score, critical-fail and pass rates per agent and team, beside complaints per
    1,000 accounts and mean satisfaction, over ``[from, to]`` (conversation days, UTC)."""
    start, end = _period(date_from, date_to, 27)
    with state.sessions() as session:
        return kpis.qa_kpis(session, principal, start, end)


@router.get("/reviews/mine", response_model=list[MyReviewOut])
def my_reviews(
    principal: PrincipalDep,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Collector: the reviews of your own conversations, newest first."""
    with state.sessions() as session:
        return reviews.my_reviews(session, principal, limit)


@router.post("/reviews/{review_id}/acknowledge", response_model=ReviewOut)
def acknowledge(
    review_id: RecordId, principal: PrincipalDep, state: StateDep, body: AcknowledgeIn | None = None
) -> Any:
    """Collector: mark a review of your conversation as read, with an optional reply."""
    with state.sessions.begin() as session:
        return reviews.acknowledge(session, principal, review_id, (body or AcknowledgeIn()).reply)
