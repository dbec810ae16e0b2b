"""The tables of ``privacy``: legal holds, and the record of every anonymisation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class LegalHold(Base):
    """A customer whose records must be kept whatever the retention (litigation, a
    regulator's request). Released holds stay, with who released them and when."""

    __tablename__ = "legal_holds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    set_by: Mapped[str] = mapped_column(String(100), nullable=False)
    set_at: Mapped[datetime]
    released_by: Mapped[str | None] = mapped_column(String(100))
    released_at: Mapped[datetime | None]


class Anonymisation(Base):
    """One customer whose personal data retention removed: when, under which rule, what."""

    __tablename__ = "anonymisations"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    done_at: Mapped[datetime]
    rule: Mapped[str] = mapped_column(String(64), nullable=False)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
