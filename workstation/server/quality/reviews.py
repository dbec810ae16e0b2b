"""QA reviews on the server: the lead's sampled list, a sample with everything to score it
by, scoring (the server computes the score from the rubric), the agent's own reviews and
their acknowledgement, and calibration between leads.

Scope: a lead sees and scores the samples of their own team (another team's answer is 404,
like any record out of scope); an agent or field collector sees only the reviews of their
own conversations, and only the review of record (calibration reviews are between leads).
Every step is a transition of ``workstation.quality.workflow`` and is audited.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.domain.enums import Role
from workstation.domain.model import new_id
from workstation.quality.rubric import Rubric, RubricError, default_rubric
from workstation.quality.workflow import (
    REVIEW_FLOW,
    SAMPLE_FLOW,
    ReviewState,
    WorkflowError,
    allowed,
)
from workstation.server.deps import Principal, audit, utcnow
from workstation.server.errors import ApiError, not_found
from workstation.server.models import EventRow, User
from workstation.server.quality.models import QaReview, QaSample
from workstation.server.serialize import event_dict, iso, load_accounts, load_customers, load_events

HISTORY_LIMIT = 60  # the customer's events shown beside a sample


def lead_of(principal: Principal) -> str:
    """The caller's team, if they lead one (else 403)."""
    if principal.role != Role.LEAD or not principal.team_id:
        raise ApiError(403, "forbidden", "quality reviews are scored by team leads")
    return principal.team_id


def collector(principal: Principal) -> None:
    if not principal.is_collector:
        raise ApiError(403, "forbidden", "reviews of your calls are for collectors")


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {
        uid: display or username
        for uid, username, display in session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(list(ids)))
        )
    }


def _workflow(error: WorkflowError) -> ApiError:
    status = 403 if error.code == "not_allowed" else 409
    return ApiError(status, "forbidden" if status == 403 else "wrong_state", error.message_en)


# --- the lead's list and one sample ---------------------------------------------------------


def list_samples(
    session: Session, principal: Principal, week: date | None, status: str | None, limit: int
) -> list[dict[str, Any]]:
    team = lead_of(principal)
    stmt = select(QaSample).where(QaSample.team_id == team)
    if week is not None:
        stmt = stmt.where(QaSample.week == week)
    if status:
        stmt = stmt.where(QaSample.status == status)
    samples = list(
        session.scalars(stmt.order_by(QaSample.week.desc(), QaSample.occurred_at).limit(limit))
    )
    if not samples:
        return []
    ids = [s.id for s in samples]
    events = {
        row.id: row
        for row in session.execute(
            select(EventRow.id, EventRow.disposition, EventRow.payload).where(
                EventRow.id.in_([s.event_id for s in samples])
            )
        )
    }
    reviews: dict[str, list[QaReview]] = defaultdict(list)
    for review in session.scalars(
        select(QaReview).where(QaReview.sample_id.in_(ids)).order_by(QaReview.created_at)
    ):
        reviews[review.sample_id].append(review)
    names = _names(session, {s.agent_id for s in samples})
    out = []
    for sample in samples:
        event = events.get(sample.event_id)
        payload = dict(event.payload or {}) if event is not None else {}
        own = reviews[sample.id]
        record = own[0] if own else None
        out.append(
            {
                **_sample_out(sample, names),
                "disposition": event.disposition if event is not None else None,
                "channel": payload.get("channel"),
                "notes": str(payload.get("notes") or ""),
                "reviews": len(own),
                "reviewed_by_me": any(r.reviewer_id == principal.user_id for r in own),
                "score": _percent(record.score_tenths) if record else None,
                "passed": record.passed if record else None,
                "critical_failed": record.critical_failed if record else None,
            }
        )
    return out


def _sample_out(sample: QaSample, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": sample.id,
        "week": sample.week.isoformat(),
        "event_id": sample.event_id,
        "account_id": sample.account_id,
        "customer_id": sample.customer_id,
        "agent_id": sample.agent_id,
        "agent_name": names.get(sample.agent_id, ""),
        "reasons": list(sample.reasons),
        "status": sample.status,
        "occurred_at": iso(sample.occurred_at),
    }


def _percent(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


def _team_sample(session: Session, principal: Principal, sample_id: str, *, lock: bool) -> QaSample:
    team = lead_of(principal)
    sample = session.get(QaSample, sample_id, with_for_update=lock)
    if sample is None or sample.team_id != team:
        raise not_found("sample")
    return sample


def sample_detail(session: Session, principal: Principal, sample_id: str) -> dict[str, Any]:
    """The sample with the conversation's event, its account and customer, the customer's
    history (newest first) and every review so far (calibration ones included)."""
    sample = _team_sample(session, principal, sample_id, lock=False)
    event = session.get(EventRow, sample.event_id)
    assert event is not None  # a foreign key
    history = load_events(
        session,
        EventRow.customer_id == sample.customer_id,
        order_by=EventRow.occurred_at.desc(),
    )[:HISTORY_LIMIT]
    reviews = list(
        session.scalars(
            select(QaReview).where(QaReview.sample_id == sample.id).order_by(QaReview.created_at)
        )
    )
    names = _names(session, {sample.agent_id, *(r.reviewer_id for r in reviews)})
    accounts = load_accounts(session, [sample.account_id])
    customers = load_customers(session, [sample.customer_id])
    return {
        **_sample_out(sample, names),
        "event": event_dict(event),
        "account": accounts[0] if accounts else None,
        "customer": customers[0] if customers else None,
        "history": history,
        "reviews": [review_out(r, names) for r in reviews],
    }


def review_out(review: QaReview, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": review.id,
        "sample_id": review.sample_id,
        "event_id": review.event_id,
        "agent_id": review.agent_id,
        "reviewer_id": review.reviewer_id,
        "reviewer_name": names.get(review.reviewer_id, ""),
        "rubric_version": review.rubric_version,
        "answers": dict(review.answers),
        "item_notes": dict(review.item_notes),
        "comment": review.comment,
        "score": _percent(review.score_tenths),
        "critical_failed": review.critical_failed,
        "passed": review.passed,
        "calibration": review.calibration,
        "status": review.status,
        "occurred_at": iso(review.occurred_at),
        "created_at": iso(review.created_at),
        "acknowledged_at": iso(review.acknowledged_at),
        "reply": review.reply,
    }


# --- scoring ------------------------------------------------------------------------------------


def submit_review(
    session: Session,
    principal: Principal,
    sample_id: str,
    *,
    answers: dict[str, str],
    item_notes: dict[str, str],
    comment: str,
    rubric: Rubric | None = None,
) -> dict[str, Any]:
    """Score a sample (lead of its team, once per lead); the server computes the score."""
    rubric = rubric or default_rubric()
    sample = _team_sample(session, principal, sample_id, lock=True)
    try:
        step = allowed(SAMPLE_FLOW, sample.status, "score", principal.role)
    except WorkflowError as exc:
        raise _workflow(exc) from None
    if sample.agent_id == principal.user_id:
        raise ApiError(403, "forbidden", "nobody reviews their own conversation")
    existing = list(session.scalars(select(QaReview).where(QaReview.sample_id == sample.id)))
    if any(r.reviewer_id == principal.user_id for r in existing):
        raise ApiError(409, "already_reviewed", "you have already scored this conversation")
    unknown = sorted(set(item_notes) - set(rubric.ids))
    if unknown:
        raise ApiError(422, "invalid_request", f"notes for items not in the rubric: {unknown}")
    try:
        scored = rubric.score(answers)
    except RubricError as exc:
        raise ApiError(422, "invalid_request", exc.message_en) from None
    now = utcnow()
    review = QaReview(
        id=new_id(),
        sample_id=sample.id,
        event_id=sample.event_id,
        agent_id=sample.agent_id,
        team_id=sample.team_id,
        reviewer_id=principal.user_id,
        rubric_version=rubric.version,
        answers={k: str(v) for k, v in rubric.check(answers).items()},
        item_notes={k: v.strip() for k, v in item_notes.items() if v.strip()},
        comment=comment.strip(),
        score_tenths=scored.score_tenths,
        critical_failed=scored.critical_failed,
        passed=scored.passed,
        calibration=bool(existing),
        status=ReviewState.SUBMITTED.value,
        occurred_at=sample.occurred_at,
        created_at=now,
        acknowledged_at=None,
        reply="",
    )
    session.add(review)
    sample.status = step.target
    audit(
        session,
        principal,
        step.audit,
        "qa_review",
        review.id,
        {
            "sample_id": sample.id,
            "event_id": sample.event_id,
            "score_tenths": scored.score_tenths,
            "critical_failed": scored.critical_failed,
            "calibration": review.calibration,
        },
        at=now,
    )
    session.flush()
    return review_out(review, _names(session, {principal.user_id}))


# --- the agent's side ---------------------------------------------------------------------------


def my_reviews(session: Session, principal: Principal, limit: int) -> list[dict[str, Any]]:
    """The reviews of record of the caller's conversations, newest first, with each call's
    disposition and notes so the agent knows which call it was."""
    collector(principal)
    reviews = list(
        session.scalars(
            select(QaReview)
            .where(QaReview.agent_id == principal.user_id, QaReview.calibration.is_(False))
            .order_by(QaReview.created_at.desc())
            .limit(limit)
        )
    )
    events = {
        row.id: row
        for row in session.execute(
            select(EventRow.id, EventRow.account_id, EventRow.disposition, EventRow.payload).where(
                EventRow.id.in_([r.event_id for r in reviews])
            )
        )
    }
    names = _names(session, {r.reviewer_id for r in reviews})
    out = []
    for review in reviews:
        event = events.get(review.event_id)
        payload = dict(event.payload or {}) if event is not None else {}
        out.append(
            {
                **review_out(review, names),
                "account_id": event.account_id if event is not None else None,
                "disposition": event.disposition if event is not None else None,
                "notes": str(payload.get("notes") or ""),
            }
        )
    return out


def acknowledge(
    session: Session, principal: Principal, review_id: str, reply: str
) -> dict[str, Any]:
    collector(principal)
    review = session.get(QaReview, review_id, with_for_update=True)
    if review is None or review.agent_id != principal.user_id or review.calibration:
        raise not_found("review")
    try:
        step = allowed(REVIEW_FLOW, review.status, "acknowledge", principal.role)
    except WorkflowError as exc:
        raise _workflow(exc) from None
    now = utcnow()
    review.status = step.target
    review.acknowledged_at = now
    review.reply = reply.strip()
    audit(session, principal, step.audit, "qa_review", review.id, {"reply": bool(review.reply)})
    session.flush()
    return review_out(review, _names(session, {review.reviewer_id}))


# --- calibration ----------------------------------------------------------------------------------


def calibration(
    session: Session, principal: Principal, start: date, end: date
) -> list[dict[str, Any]]:
    """Conversations of the team scored by two leads or more in ``[start, end]`` (by the
    conversation's day): each reviewer's answers and score, and the items they disagree on."""
    team = lead_of(principal)
    lo = datetime.combine(start, time(0), UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), UTC)
    twice = (
        select(QaReview.sample_id)
        .where(QaReview.team_id == team, QaReview.occurred_at >= lo, QaReview.occurred_at < hi)
        .group_by(QaReview.sample_id)
        .having(func.count() >= 2)
    )
    reviews: dict[str, list[QaReview]] = defaultdict(list)
    for review in session.scalars(
        select(QaReview).where(QaReview.sample_id.in_(twice)).order_by(QaReview.created_at)
    ):
        reviews[review.sample_id].append(review)
    names = _names(
        session,
        {r.reviewer_id for rs in reviews.values() for r in rs}
        | {r.agent_id for rs in reviews.values() for r in rs},
    )
    out = []
    for sample_id, scored in reviews.items():
        items = sorted({k for r in scored for k in r.answers})
        disagree = [k for k in items if len({r.answers.get(k) for r in scored}) > 1]
        tenths = [r.score_tenths for r in scored]
        out.append(
            {
                "sample_id": sample_id,
                "event_id": scored[0].event_id,
                "agent_id": scored[0].agent_id,
                "agent_name": names.get(scored[0].agent_id, ""),
                "occurred_at": iso(scored[0].occurred_at),
                "reviews": [review_out(r, names) for r in scored],
                "disagreements": disagree,
                "score_spread": _percent(max(tenths) - min(tenths)),
                "verdicts_differ": len({r.passed for r in scored}) > 1,
            }
        )
    out.sort(key=lambda c: c["occurred_at"] or "")
    return out
