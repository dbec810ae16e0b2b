"""The strategy room's tables (migration 0014).

``segment_champions``: the strategy each segment follows (a promotion writes it; without a
row a segment follows the book's default champion). ``experiments``: a challenger tried on
a stated share of one segment's accounts, with the confidence and the complaints guard-rail
it is judged by; ``experiment_assignments``: each account's arm, recorded when drawn and
never redrawn. ``strategy_actions``: one row per (account, step, day) the daily run acted
on — the idempotency key of the strategy run (a rerun of a day sends nothing twice) and the
record of what each step did (queued, deferred by the contact rules, raised to the owner,
blocked).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class SegmentChampion(Base):
    __tablename__ = "segment_champions"
    segment: Mapped[str] = mapped_column(String(32), primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(64), nullable=False)
    since: Mapped[datetime]
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    experiment_id: Mapped[str | None] = mapped_column(String(36))


class Experiment(Base):
    __tablename__ = "experiments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    segment: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    champion_id: Mapped[str] = mapped_column(String(64), nullable=False)
    challenger_id: Mapped[str] = mapped_column(String(64), nullable=False)
    share: Mapped[float] = mapped_column(Float, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    # complaints per 1,000 accounts the challenger may add before it is flagged
    complaints_guard: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # running/promoted/stopped
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    decided_by_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ExperimentAssignment(Base):
    __tablename__ = "experiment_assignments"
    experiment_id: Mapped[str] = mapped_column(ForeignKey("experiments.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    arm: Mapped[str] = mapped_column(String(16), nullable=False)
    stratum: Mapped[str] = mapped_column(String(32), nullable=False)
    assigned_on: Mapped[date] = mapped_column(Date, nullable=False)
    __table_args__ = (Index("ix_experiment_assignments_account", "account_id"),)


class StrategyAction(Base):
    __tablename__ = "strategy_actions"
    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(64), nullable=False)
    experiment_id: Mapped[str | None] = mapped_column(String(36))
    arm: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # sms/email/call/visit/…
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    event_id: Mapped[str | None] = mapped_column(String(36))
    not_before: Mapped[datetime | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    __table_args__ = (
        Index("ix_strategy_actions_day_kind", "day", "kind"),
        # the tasks still standing, by account (migration 0020): the queue explorer's
        # look-up and its "has a standing task" filter read only these, not the history
        Index(
            "ix_strategy_actions_raised",
            "account_id",
            postgresql_where=text("status = 'raised'"),
            sqlite_where=text("status = 'raised'"),
        ),
    )
