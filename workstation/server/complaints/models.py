"""The complaints room's tables: one row per complaint (its current state, owner, deadlines
and outcome — the events hold its history) and the per-year reference counter.

``complaints.id`` is the id of the ``complaint`` event that received it, so the intake event
and the row name each other without a second key. ``complaint_sequences`` hands out the
reference numbers: one row per year, bumped with ``UPDATE … RETURNING`` under its row lock,
so several ``serve`` processes on one PostgreSQL never give two complaints the same number
(``reference`` is unique too, as a last guard). Migration 0008.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class ComplaintRow(Base):
    __tablename__ = "complaints"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the intake event's id
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), nullable=False)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    category: Mapped[str] = mapped_column(String(100), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # how it reached us
    pack: Mapped[str] = mapped_column(String(32), nullable=False)  # the rule pack's id
    received_at: Mapped[datetime]
    received_on: Mapped[date] = mapped_column(Date, nullable=False)  # the customer's day
    received_by_id: Mapped[str | None] = mapped_column(String(36))
    about_user_id: Mapped[str | None] = mapped_column(String(36))  # the agent complained about
    # the agent it counts against in the KPIs: the one complained about, else the owner of
    # the account when it was received
    agent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    summary_by: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)  # the final response's
    extensions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_on: Mapped[date | None] = mapped_column(Date)  # the customer's day
    outcome: Mapped[str | None] = mapped_column(String(16))
    root_cause: Mapped[str | None] = mapped_column(String(64))
    redress_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    closed_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]  # its intake was voided: it never counted
    # the deadlines the daily run found missed ("final:2027-03-15"), each raised once
    overdue: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    __table_args__ = (Index("ix_complaints_team_status", "team_id", "status"),)


class ComplaintSequence(Base):
    __tablename__ = "complaint_sequences"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, nullable=False)
