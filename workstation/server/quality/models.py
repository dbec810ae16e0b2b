"""The quality room's tables: the weekly samples and their reviews, and training results.

- ``qa_sampling_runs``: one row per sampled week (its Monday), written in the same
  transaction as that week's samples — the job's claim, so a week is sampled once whichever
  ``serve`` process (or the CLI) gets there first.
- ``qa_samples``: a conversation (a contact-attempt event) picked for review, once ever
  (unique ``event_id``), with why it was picked (``reasons``) and its state
  (``workstation.quality.workflow.SampleState``).
- ``qa_reviews``: a lead's scoring of a sample against the rubric (answers per item, a note
  per item, a comment), the score the server computed, and its state (``ReviewState``); one
  per (sample, reviewer). The first review of a sample is the one of record; later ones by
  other leads are ``calibration`` reviews.
- ``training_results``: a user's submitted practice for one rule pack (scenarios and quiz,
  as the server re-scored them); a passed one certifies the user for the pack until
  ``certified_until``.

Scores are tenths of a percent in integers (``workstation.quality.rubric``). Kept on the
server's declarative ``Base`` (migration 0007).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class QaSamplingRun(Base):
    __tablename__ = "qa_sampling_runs"
    week: Mapped[date] = mapped_column(Date, primary_key=True)  # the week's Monday (UTC)
    ran_at: Mapped[datetime]
    report: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class QaSample(Base):
    __tablename__ = "qa_samples"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    week: Mapped[date] = mapped_column(Date, nullable=False)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), nullable=False, unique=True)
    account_id: Mapped[str] = mapped_column(String(36), nullable=False)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    agent_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    team_id: Mapped[str | None] = mapped_column(String(36))
    reasons: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    occurred_at: Mapped[datetime]  # the conversation's
    sampled_at: Mapped[datetime]
    __table_args__ = (Index("ix_qa_samples_team_week", "team_id", "week"),)


class QaReview(Base):
    __tablename__ = "qa_reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sample_id: Mapped[str] = mapped_column(ForeignKey("qa_samples.id"), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    agent_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    rubric_version: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    item_notes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    score_tenths: Mapped[int] = mapped_column(Integer, nullable=False)
    critical_failed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    calibration: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    occurred_at: Mapped[datetime]  # the conversation's (KPIs count by it)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    reply: Mapped[str] = mapped_column(Text, nullable=False, default="")
    __table_args__ = (UniqueConstraint("sample_id", "reviewer_id"),)


class TrainingResult(Base):
    __tablename__ = "training_results"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    pack: Mapped[str] = mapped_column(String(32), nullable=False)
    submitted_at: Mapped[datetime]
    scenario_score_tenths: Mapped[int] = mapped_column(Integer, nullable=False)
    quiz_score_tenths: Mapped[int] = mapped_column(Integer, nullable=False)
    score_tenths: Mapped[int] = mapped_column(Integer, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    certified_until: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    __table_args__ = (Index("ix_training_results_user_pack", "user_id", "pack"),)
