"""Delivery jobs: one row per outbound message, keyed by the message id (its event's id).

The key makes delivery idempotent: a message pushed twice, or seen by two server
processes, is one job. ``status`` moves queued → sending → sent → delivered, or → failed
with ``reason``; ``lease_until`` bounds a claim so a crashed worker's job is noticed.
Kept in a module of its own on the server's declarative ``Base`` (migration 0002).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class MessageJob(Base):
    __tablename__ = "message_jobs"
    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    address_id: Mapped[str] = mapped_column(String(64), nullable=False)
    to_address: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    # digits of a number / the lower-cased e-mail: replies are matched on it
    to_key: Mapped[str] = mapped_column(String(320), nullable=False, default="", index=True)
    template: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    subject: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)
    opt_out_required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    gateway_id: Mapped[str | None] = mapped_column(String(200), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_message_jobs_status_due", "status", "next_attempt_at"),)
