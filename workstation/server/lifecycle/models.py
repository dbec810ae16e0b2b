"""The daily run's own tables: the days it has processed, and each plan's instalments.

``daily_runs`` is the run's idempotency key: one row per processed day, written in the
same transaction as that day's changes, so a day is processed exactly once (a second run,
or a second ``serve`` process racing for it, finds the row and changes nothing) and a
crash half-way leaves no row and no change. ``plan_instalments`` holds the state the
monitor last decided for each instalment of each plan, so only a change of state writes an
event. ``interest_frozen_days`` counts, per account and month, the days a hold or status
froze its interest (``interest``). Kept in a module of its own on the server's declarative
``Base`` (migration 0004).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class DailyRun(Base):
    __tablename__ = "daily_runs"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    report: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class PlanInstalment(Base):
    __tablename__ = "plan_instalments"
    plan_event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    paid_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    covered_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)


class InterestFrozenDays(Base):
    __tablename__ = "interest_frozen_days"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    days: Mapped[int] = mapped_column(Integer, nullable=False)
