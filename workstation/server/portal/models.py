"""The portal's rows (migration 0011): links, sessions, single-use form tokens, payments.

A link names one account of one customer and nothing personal; its token (``tokens``) is
the link id signed with a key derived from the server's secret, so a row is needed to open
it and a locked or expired row closes it whatever the signature says. The one-time code is
kept only as a keyed hash beside the link.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workstation.server.models import Base


class PortalLink(Base):
    __tablename__ = "portal_links"
    # a customer's links by time: a survey goes at most once in the pack's survey_every_days
    __table_args__ = (Index("ix_portal_links_customer_created", "customer_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # portal | survey
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    message_id: Mapped[str | None] = mapped_column(String(36))  # the message that carried it
    rated_event_id: Mapped[str | None] = mapped_column(String(36))  # survey: the conversation
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]  # a survey is answered once
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_channel: Mapped[str | None] = mapped_column(String(8))
    code_expires_at: Mapped[datetime | None]
    codes_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    codes_window_at: Mapped[datetime | None]  # the start of the current sending window


class PortalSession(Base):
    """A verified visit: the cookie holds a random value, the row its SHA-256."""

    __tablename__ = "portal_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("portal_links.id"), nullable=False)
    account_id: Mapped[str] = mapped_column(String(36), nullable=False)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class PortalNonce(Base):
    """A form token taken: the same form posted again is a replay and is refused."""

    __tablename__ = "portal_nonces"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime]


class PortalPayment(Base):
    """A 'pay now' handed to the payment gateway; booked only from the gateway's webhook."""

    __tablename__ = "portal_payments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # our checkout reference
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False, index=True)
    link_id: Mapped[str] = mapped_column(String(36), nullable=False)
    gateway: Mapped[str] = mapped_column(String(32), nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # created | confirmed
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    event_id: Mapped[str | None] = mapped_column(String(36))  # the confirmed payment's event


class PortalWebhook(Base):
    """A gateway notification taken: the same notification again changes nothing."""

    __tablename__ = "portal_webhooks"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime]
