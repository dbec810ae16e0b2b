"""One row per dispute: its state, the validation notice's day and the wait's end (the
events hold its history). ``disputes.id`` is the id of the event that raised it (a
``dispute`` event, or a contact attempt whose outcome disputes the debt). Migration 0009."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class DisputeRow(Base):
    __tablename__ = "disputes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), nullable=False)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    pack: Mapped[str] = mapped_column(String(32), nullable=False)
    received_at: Mapped[datetime]
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    validation_sent_on: Mapped[date | None] = mapped_column(Date)
    resume_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    adjustment_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    __table_args__ = (Index("ix_disputes_status_resume", "status", "resume_on"),)
