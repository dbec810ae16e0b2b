"""The weekly QA sample: which conversations the leads review (issue 18).

``run_weekly_sampling(sessions, as_of)`` samples every whole week (Monday to Sunday, UTC)
not yet sampled up to the last one that ended by ``as_of`` — the first run ever samples that
week alone, a run missed for a while catches up at most ``MAX_CATCH_UP`` weeks, in order.
Each week is ONE transaction:

1. the guard: on PostgreSQL a transaction-level advisory lock for this job (a process that
   does not get it stops: another is sampling), on SQLite the single writer lock; then the
   claim: a ``qa_sampling_runs`` row for the week means it is done (a re-run changes
   nothing), and the row is written with the week's samples, so a crash leaves neither;
2. every conversation (a contact attempt whose disposition ``counts_as_conversation``) a
   collector recorded in the week, or in the ``incident_days`` before it, is a candidate;
   one is taken for a reason when it carries a compliance override, when disclosures were
   not given, or when a complaint or a dispute on its account followed within
   ``incident_days`` (or the call itself logged one);
3. of each agent's other conversations in the week, a share is taken at random (at least
   ``min_per_agent``). "Random" is a hash of the week and the event id: unpredictable to
   the agent, the same on every re-run and every server.

A conversation is sampled at most once ever (``qa_samples.event_id`` is unique). The policy
(share, minimum, incident days) is data in ``resources/qa_rubric.toml`` ``[sampling]``.
``serve`` runs this at each maintenance check (``maintenance.MaintenanceLoop``) and
``workstation-server qa-sample --as-of DAY`` by hand; tests move time with ``--as-of``.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import EventType, Role
from workstation.domain.model import new_id
from workstation.quality.rubric import SamplingPolicy, default_rubric
from workstation.quality.workflow import SampleState
from workstation.server.models import EventRow, User
from workstation.server.observe.jobs import record_job_run
from workstation.server.quality.models import QaSample, QaSamplingRun
from workstation.server.retention import take_guard

log = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "WSQASWK" in ASCII (each job has its own)
ADVISORY_LOCK_KEY = 0x5753_5141_5357_4B
MAX_CATCH_UP = 8  # weeks
REASON_ORDER = ("override", "disclosures", "complaint", "dispute", "random")


@dataclass
class SamplingReport:
    as_of: date
    weeks: dict[str, int] = field(default_factory=dict)  # Monday ISO → samples taken
    busy: bool = False  # another process holds the guard

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "weeks": dict(self.weeks), "busy": self.busy}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_whole_week(as_of: date) -> date:
    """The Monday of the last week whose Sunday is ``as_of`` or before it."""
    sunday = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
    return sunday - timedelta(days=6)


def weeks_to_sample(last: date | None, as_of: date) -> list[date]:
    target = last_whole_week(as_of)
    if last is None:
        return [target]
    weeks = []
    week = last + timedelta(days=7)
    while week <= target:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks[-MAX_CATCH_UP:]


def run_weekly_sampling(
    sessions: sessionmaker[Session], as_of: date, *, policy: SamplingPolicy | None = None
) -> SamplingReport:
    """Sample every whole week not yet sampled up to ``as_of`` (module docstring)."""
    policy = policy or default_rubric().sampling
    report = SamplingReport(as_of)
    with sessions() as session:
        last = session.scalar(select(func.max(QaSamplingRun.week)))
    for week in weeks_to_sample(last, as_of):
        taken = sample_week(sessions, week, policy)
        if taken is None:
            report.busy = True
            break
        if taken >= 0:
            report.weeks[week.isoformat()] = taken
    return report


def sample_week(sessions: sessionmaker[Session], week: date, policy: SamplingPolicy) -> int | None:
    """Sample one week in one transaction: the number taken; -1 when the week was sampled
    already; ``None`` when another process holds the guard."""
    with sessions.begin() as session:
        if not take_guard(session, ADVISORY_LOCK_KEY):
            return None
        if session.get(QaSamplingRun, week) is not None:
            return -1
        now = datetime.now(UTC)
        picked = _pick(session, week, policy)
        for row in picked:
            session.add(
                QaSample(
                    id=new_id(),
                    week=week,
                    event_id=row.event_id,
                    account_id=row.account_id,
                    customer_id=row.customer_id,
                    agent_id=row.agent_id,
                    team_id=row.team_id,
                    reasons=sorted(row.reasons, key=REASON_ORDER.index),
                    status=SampleState.OPEN.value,
                    occurred_at=row.occurred_at,
                    sampled_at=now,
                )
            )
        counts: dict[str, int] = defaultdict(int)
        for row in picked:
            for reason in row.reasons:
                counts[reason] += 1
        session.add(
            QaSamplingRun(
                week=week, ran_at=now, report={"samples": len(picked), "reasons": dict(counts)}
            )
        )
        record_job_run(session, "qa_sample", now, datetime.now(UTC))  # for /metrics
    log.info("QA sample for the week of %s: %d conversations %s", week, len(picked), dict(counts))
    return len(picked)


@dataclass
class _Candidate:
    event_id: str
    account_id: str
    customer_id: str
    agent_id: str
    team_id: str | None
    occurred_at: datetime
    in_week: bool
    reasons: set[str] = field(default_factory=set)


def _conversation_codes() -> list[str]:
    return sorted(d.code for d in default_catalogue() if d.counts_as_conversation)


def _incident_kind(code: str) -> str | None:
    disposition = default_catalogue().get(code)
    if disposition is None:
        return None
    if "complaint" in disposition.sets:
        return "complaint"
    if "dispute" in disposition.sets:
        return "dispute"
    return None


def _pick(session: Session, week: date, policy: SamplingPolicy) -> list[_Candidate]:
    start = datetime.combine(week, time(0), UTC)
    end = start + timedelta(days=7)
    window = timedelta(days=policy.incident_days)
    already = select(QaSample.event_id).where(
        QaSample.occurred_at >= start - window, QaSample.occurred_at < end
    )
    rows = session.execute(
        select(
            EventRow.id,
            EventRow.account_id,
            EventRow.customer_id,
            EventRow.recorded_by_id,
            User.team_id,
            EventRow.occurred_at,
            EventRow.disposition,
            EventRow.payload,
        )
        .join(User, User.id == EventRow.recorded_by_id)
        .where(
            EventRow.type == EventType.CONTACT_ATTEMPT.value,
            EventRow.disposition.in_(_conversation_codes()),
            EventRow.occurred_at >= start - window,
            EventRow.occurred_at < end,
            User.role.in_([Role.AGENT.value, Role.FIELD.value]),
            EventRow.id.not_in(already),
        )
        .order_by(EventRow.occurred_at, EventRow.id)
    ).all()
    candidates: list[_Candidate] = []
    for event_id, account_id, customer_id, agent_id, team_id, occurred_at, code, payload in rows:
        candidate = _Candidate(
            event_id, account_id, customer_id, agent_id, team_id, occurred_at,
            in_week=occurred_at >= start,
        )  # fmt: skip
        body = payload or {}
        if str(body.get("override_reason") or "").strip():
            candidate.reasons.add("override")
        if body.get("disclosures_missing"):
            candidate.reasons.add("disclosures")
        kind = _incident_kind(str(code or ""))
        if kind:
            candidate.reasons.add(kind)
        candidates.append(candidate)
    _incidents(session, candidates, window, end)
    picked = [
        c for c in candidates if c.reasons and (c.in_week or c.reasons & {"complaint", "dispute"})
    ]
    by_agent: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.in_week:
            by_agent[candidate.agent_id].append(candidate)
    for conversations in by_agent.values():
        rest = [c for c in conversations if not c.reasons]
        wanted = max(policy.min_per_agent, math.ceil(policy.share * len(conversations)))
        rest.sort(key=lambda c: _draw(week, c.event_id))
        for candidate in rest[:wanted]:
            candidate.reasons.add("random")
            picked.append(candidate)
    return picked


def _incidents(
    session: Session, candidates: list[_Candidate], window: timedelta, end: datetime
) -> None:
    """Mark the candidates whose account had a complaint or dispute within ``window`` after."""
    by_account: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_account[candidate.account_id].append(candidate)
    if not by_account:
        return
    earliest = min(c.occurred_at for c in candidates)
    kinds = {EventType.COMPLAINT.value: "complaint", EventType.DISPUTE.value: "dispute"}
    ids = list(by_account)
    for chunk in range(0, len(ids), 1000):
        for account_id, kind, occurred_at in session.execute(
            select(EventRow.account_id, EventRow.type, EventRow.occurred_at).where(
                EventRow.account_id.in_(ids[chunk : chunk + 1000]),
                EventRow.type.in_(list(kinds)),
                EventRow.occurred_at >= earliest,
                EventRow.occurred_at < end + window,
            )
        ):
            for candidate in by_account[account_id]:
                if candidate.occurred_at <= occurred_at <= candidate.occurred_at + window:
                    candidate.reasons.add(kinds[kind])


def _draw(week: date, event_id: str) -> bytes:
    return hashlib.sha256(f"qa-sample:{week.isoformat()}:{event_id}".encode()).digest()
