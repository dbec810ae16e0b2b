"""The team's QA KPIs in SQL (``workstation.quality.kpis``), beside each agent's complaints per
1,000 accounts and mean satisfaction from the team KPIs (``server.lead.kpi_counts``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from workstation.kpi import KpiCounts, compute
from workstation.quality.kpis import QaCounts, qa_values
from workstation.server.deps import Principal
from workstation.server.lead import kpi_counts
from workstation.server.quality.models import QaReview
from workstation.server.quality.reviews import lead_of
from workstation.server.teams import team_members

OUTCOME_KEYS = ("complaints_per_1000", "mean_satisfaction")


def qa_counts(session: Session, user_ids: list[str], start: date, end: date) -> dict[str, QaCounts]:
    """Reviews of record of conversations in ``[start, end]`` (UTC days), per agent."""
    lo = datetime.combine(start, time(0), UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), UTC)
    counts = {uid: QaCounts() for uid in user_ids}
    if not user_ids:
        return counts
    for agent, n, total, fails, passed in session.execute(
        select(
            QaReview.agent_id,
            func.count(),
            func.sum(QaReview.score_tenths),
            func.sum(case((QaReview.critical_failed.is_(True), 1), else_=0)),
            func.sum(case((QaReview.passed.is_(True), 1), else_=0)),
        )
        .where(
            QaReview.agent_id.in_(user_ids),
            QaReview.calibration.is_(False),
            QaReview.occurred_at >= lo,
            QaReview.occurred_at < hi,
        )
        .group_by(QaReview.agent_id)
    ):
        counts[agent] = QaCounts(int(n), int(total or 0), int(fails or 0), int(passed or 0))
    return counts


def _block(qa: QaCounts, outcome: KpiCounts) -> dict[str, Any]:
    values = {k: (str(v) if v is not None else None) for k, v in qa_values(qa).items()}
    outcomes = compute(outcome)
    for key in OUTCOME_KEYS:
        value = outcomes[key]
        values[key] = str(value) if value is not None else None
    return {
        "kpis": values,
        "counts": {
            "reviews": qa.reviews,
            "critical_fails": qa.critical_fails,
            "passed": qa.passed,
            "complaints": outcome.complaints,
            "accounts": outcome.accounts,
            "satisfaction_count": outcome.satisfaction_count,
        },
    }


def qa_kpis(session: Session, principal: Principal, start: date, end: date) -> dict[str, Any]:
    team_id = lead_of(principal)
    members = team_members(session, team_id)
    ids = [m.id for m in members]
    qa = qa_counts(session, ids, start, end)
    outcomes = kpi_counts(session, ids, start, end)
    team_qa, team_outcome = QaCounts(), KpiCounts()
    agents = []
    for member in members:
        team_qa.add(qa[member.id])
        team_outcome.add(outcomes[member.id])
        agents.append(
            {
                "user_id": member.id,
                "username": member.username,
                "display_name": member.display_name,
                **_block(qa[member.id], outcomes[member.id]),
            }
        )
    return {
        "team_id": team_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": _block(team_qa, team_outcome),
        "agents": agents,
    }
