"""One row per approval request: the numbers asked for, the policy breached, the answer.
``approvals.id`` is the id of the ``approval`` event that asked (a desk's). Migration 0010."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class ApprovalRow(Base):
    __tablename__ = "approvals"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    total_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    instalments: Mapped[int | None]
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    issues: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    justification: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[str | None] = mapped_column(String(36))
    requested_at: Mapped[datetime]
    decided_by_id: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
