"""Experiments as a lead runs them: start one, read its results, promote or stop it.

One running experiment per segment (two would fight over its accounts). Promotion makes the
challenger the segment's champion (``segment_champions``) and ends the experiment; stopping
ends it and leaves the champion. Both are audited with who, when and the results that were
on the screen (the verdict and the complaints flag), so a later reader knows why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.domain.model import new_id
from workstation.server.deps import Principal, audit
from workstation.server.errors import ApiError
from workstation.server.strategy.models import (
    Experiment,
    ExperimentAssignment,
    SegmentChampion,
    StrategyAction,
)
from workstation.server.strategy.results import results
from workstation.server.strategy.run import RUNNING, champions
from workstation.server.versioning import new_account_versions
from workstation.strategy.model import SEGMENTS, StrategyBook, default_book

PROMOTED, STOPPED = "promoted", "stopped"


def experiment_out(session: Session, row: Experiment) -> dict[str, Any]:
    arms = dict(
        session.execute(
            select(ExperimentAssignment.arm, func.count())
            .where(ExperimentAssignment.experiment_id == row.id)
            .group_by(ExperimentAssignment.arm)
        ).all()
    )
    return {
        "id": row.id,
        "name": row.name,
        "segment": row.segment,
        "champion_id": row.champion_id,
        "challenger_id": row.challenger_id,
        "share": row.share,
        "confidence": row.confidence,
        "complaints_guard": row.complaints_guard,
        "status": row.status,
        "started_on": row.started_on.isoformat(),
        "ended_on": row.ended_on.isoformat() if row.ended_on else None,
        "note": row.note,
        "assigned": {"champion": int(arms.get("champion", 0)),
                     "challenger": int(arms.get("challenger", 0))},
    }  # fmt: skip


def overview(session: Session, book: StrategyBook | None = None) -> dict[str, Any]:
    """Segments with their champion, the strategies on file, and every experiment."""
    book = book or default_book()
    chosen = champions(session, book)
    experiments = list(session.scalars(select(Experiment).order_by(Experiment.started_on.desc())))
    return {
        "default_champion": book.default_champion,
        "segments": [
            {
                "segment": segment,
                "champion_id": chosen[segment].id,
                "champion_en": chosen[segment].name.en,
                "champion_zh": chosen[segment].name.zh,
                "running": next(
                    (e.id for e in experiments if e.segment == segment and e.status == RUNNING),
                    None,
                ),
            }
            for segment in SEGMENTS
        ],
        "strategies": [
            {"id": s.id, "name_en": s.name.en, "name_zh": s.name.zh, "steps": len(s.all_steps)}
            for s in (book.get(i) for i in book.ids())
        ],
        "experiments": [experiment_out(session, e) for e in experiments],
    }


def start(
    session: Session,
    principal: Principal,
    *,
    name: str,
    segment: str,
    challenger_id: str,
    share: float,
    confidence: float,
    complaints_guard: float,
    started_on: date,
    now: datetime,
    book: StrategyBook | None = None,
) -> Experiment:
    book = book or default_book()
    if segment not in SEGMENTS:
        raise ApiError(422, "unknown_segment", f"no segment {segment!r} ({', '.join(SEGMENTS)})")
    if challenger_id not in book.strategies:
        raise ApiError(422, "unknown_strategy", f"no strategy {challenger_id!r} on file")
    champion = champions(session, book)[segment]
    if champion.id == challenger_id:
        raise ApiError(422, "same_strategy", "the challenger is already the segment's champion")
    running = session.scalar(
        select(Experiment.id)
        .where(Experiment.segment == segment, Experiment.status == RUNNING)
        .with_for_update()
    )
    if running is not None:
        raise ApiError(409, "experiment_running", f"experiment {running} already runs there")
    row = Experiment(
        id=new_id(), name=name, segment=segment, champion_id=champion.id,
        challenger_id=challenger_id, share=share, confidence=confidence,
        complaints_guard=complaints_guard, status=RUNNING, started_on=started_on,
        created_at=now, created_by_id=principal.user_id, note="",
    )  # fmt: skip
    session.add(row)
    audit(session, principal, "strategy.experiment.start", "experiment", row.id,
          {"segment": segment, "champion": champion.id, "challenger": challenger_id,
           "share": share, "confidence": confidence}, at=now)  # fmt: skip
    return row


def announce_arms(session: Session, experiment_id: str) -> int:
    """Give every account the experiment drew a new version, so each owner's device hears
    that its arm changed (the account record carries the running experiment's arm)."""
    ids = sorted(
        session.scalars(
            select(ExperimentAssignment.account_id).where(
                ExperimentAssignment.experiment_id == experiment_id
            )
        )
    )
    new_account_versions(session, ids)
    return len(ids)


def _running(session: Session, experiment_id: str) -> Experiment:
    row = session.get(Experiment, experiment_id, with_for_update=True)
    if row is None:
        raise ApiError(404, "not_found", "no such experiment")
    if row.status != RUNNING:
        raise ApiError(409, "experiment_ended", f"the experiment is already {row.status}")
    return row


def decide(
    session: Session,
    principal: Principal,
    experiment_id: str,
    *,
    promote: bool,
    as_of: date,
    note: str,
    now: datetime,
) -> Experiment:
    """Promote the challenger to champion, or stop the experiment; audited either way."""
    row = _running(session, experiment_id)
    seen = results(session, row, as_of)["to_date"]
    row.status, row.ended_on, row.decided_by_id, row.note = (
        PROMOTED if promote else STOPPED, as_of, principal.user_id, note,
    )  # fmt: skip
    if promote:
        current = session.get(SegmentChampion, row.segment, with_for_update=True)
        if current is None:
            session.add(SegmentChampion(segment=row.segment, strategy_id=row.challenger_id,
                                        since=now, by_user_id=principal.user_id,
                                        experiment_id=row.id))  # fmt: skip
        else:
            current.strategy_id, current.since = row.challenger_id, now
            current.by_user_id, current.experiment_id = principal.user_id, row.id
    announce_arms(session, row.id)
    audit(
        session, principal,
        "strategy.experiment.promote" if promote else "strategy.experiment.stop",
        "experiment", row.id,
        {"segment": row.segment, "champion": row.champion_id, "challenger": row.challenger_id,
         "verdict": seen["verdict"], "complaints_flagged": seen["complaints_flagged"],
         "accounts": seen["accounts"], "note": note},
        at=now,
    )  # fmt: skip
    return row


def account_strategy(session: Session, account_id: str) -> dict[str, Any]:
    """What the desk shows of an account: its experiment arms and the strategy's last steps."""
    arms = [
        {"experiment_id": a.experiment_id, "arm": a.arm, "assigned_on": a.assigned_on.isoformat(),
         "experiment": e.name, "status": e.status}
        for a, e in session.execute(
            select(ExperimentAssignment, Experiment)
            .join(Experiment, Experiment.id == ExperimentAssignment.experiment_id)
            .where(ExperimentAssignment.account_id == account_id)
        )
    ]  # fmt: skip
    steps = [
        {"day": s.day.isoformat(), "step_id": s.step_id, "strategy_id": s.strategy_id,
         "kind": s.kind, "status": s.status, "arm": s.arm,
         "reason": str((s.detail or {}).get("reason") or "")}
        for s in session.scalars(
            select(StrategyAction)
            .where(StrategyAction.account_id == account_id)
            .order_by(StrategyAction.day.desc())
            .limit(20)
        )
    ]  # fmt: skip
    return {"account_id": account_id, "arms": arms, "steps": steps}
