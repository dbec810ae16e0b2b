"""Pay now: one payment-gateway interface, a stand-in gateway, and the webhook that books.

The portal hands a ``PortalPayment`` (our reference, amount, currency) to the gateway, which
sends the customer to its page and back to ``/portal/pay/return/<reference>``. Money is
booked ONLY from the gateway's signed webhook (``POST /portal/webhooks/payments``), through
the confirmed-payments path (``lifecycle.payments.apply_confirmed``), idempotently: the
same notification again, or a second one for a payment already booked, changes nothing.
A bad signature, or a notification older than ``TOLERANCE`` (a replay), is refused.

A real gateway is configuration: an adapter with ``checkout_url`` and ``read_webhook`` named
by ``WORKSTATION_PORTAL_GATEWAY`` (``stand-in`` is the default: demonstrations and tests),
its secret in ``WORKSTATION_PORTAL_GATEWAY_SECRET`` (else one derived from the server's).

Signature header: ``X-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
"<t>.<body>")>``; body: ``{"id", "type": "payment.succeeded", "payment": {"reference",
"amount", "currency", "gateway_ref"}}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.domain.money import Money, MoneyError
from workstation.errors import WorkstationError
from workstation.server.lifecycle.payments import ConfirmedPayment, Recorder, apply_confirmed
from workstation.server.models import CustomerRow
from workstation.server.portal.actions import PORTAL, local_today
from workstation.server.portal.models import PortalPayment, PortalWebhook
from workstation.text import Text

log = logging.getLogger(__name__)
TOLERANCE = 300  # seconds: an older notification is a replay
SIGNATURE_HEADER = "x-gateway-signature"


class WebhookRefused(WorkstationError):
    summary = Text("The payment notification was refused", "支付通知被拒绝")


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    kind: str
    reference: str
    amount: str
    currency: str
    gateway_ref: str


class PaymentGateway(Protocol):
    name: str

    def checkout_url(self, payment: PortalPayment, base_url: str) -> str: ...

    def read_webhook(self, body: bytes, signature: str, now: float) -> Notification: ...


def sign(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


class StandInGateway:
    """A gateway of our own for demonstrations and tests: its 'hosted page' is served by the
    portal (``/portal/gateway/stand-in/<reference>``); paying there sends the signed webhook
    to the backend over HTTP, exactly as a real gateway would, then redirects back."""

    name = "stand-in"

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def checkout_url(self, payment: PortalPayment, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/portal/gateway/stand-in/{payment.id}"

    def read_webhook(self, body: bytes, signature: str, now: float) -> Notification:
        return read_signed(self.secret, body, signature, now)

    def notify(self, base_url: str, payment: PortalPayment) -> int:
        """Send the 'payment succeeded' notification (the gateway's side); the HTTP status."""
        body = json.dumps(
            {
                "id": "evt_" + secrets.token_hex(8),
                "type": "payment.succeeded",
                "payment": {
                    "reference": payment.id,
                    "amount": Money.from_minor(payment.amount_minor, payment.currency).wire(),
                    "currency": payment.currency,
                    "gateway_ref": "ch_" + secrets.token_hex(8),
                },
            }
        ).encode()
        request = urllib.request.Request(
            f"{base_url.rstrip('/')}/portal/webhooks/payments",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Gateway-Signature": sign(self.secret, body, int(time.time())),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


def read_signed(secret: str, body: bytes, signature: str, now: float) -> Notification:
    parts = dict(p.split("=", 1) for p in signature.split(",") if "=" in p)
    try:
        at = int(parts.get("t", ""))
    except ValueError:
        raise WebhookRefused("the signature has no time") from None
    expected = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise WebhookRefused("the signature does not match")
    if abs(now - at) > TOLERANCE:
        raise WebhookRefused("the notification is too old (a replay?)")
    try:
        data = json.loads(body)
        payment = data["payment"]
        return Notification(
            id=str(data["id"])[:100],
            kind=str(data["type"]),
            reference=str(payment["reference"]),
            amount=str(payment["amount"]),
            currency=str(payment["currency"]),
            gateway_ref=str(payment.get("gateway_ref") or ""),
        )
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused("the notification cannot be read") from None


def gateway_from_env(token_secret: str) -> PaymentGateway:
    name = os.environ.get("WORKSTATION_PORTAL_GATEWAY", "stand-in").strip() or "stand-in"
    secret = (
        os.environ.get("WORKSTATION_PORTAL_GATEWAY_SECRET", "")
        or hashlib.sha256(b"portal-gateway\0" + token_secret.encode()).hexdigest()
    )
    if name != "stand-in":
        raise WorkstationError(f"WORKSTATION_PORTAL_GATEWAY: no adapter named {name!r}")
    return StandInGateway(secret)


def book(
    session: Session, note: Notification, now: datetime, *, grace_days: int, match_days: int
) -> str:
    """Book the notified payment; 'booked', 'duplicate' (nothing changed) or raise."""
    if note.kind != "payment.succeeded":
        raise WebhookRefused(f"not a payment notification ({note.kind})")
    if session.get(PortalWebhook, note.id) is not None:
        return "duplicate"
    session.add(PortalWebhook(id=note.id, received_at=now))
    try:
        session.flush()
    except IntegrityError:
        return "duplicate"
    payment = session.get(PortalPayment, note.reference, with_for_update=True)
    if payment is None:
        raise WebhookRefused("no such payment")
    try:
        amount = Money.of(note.amount, note.currency)
    except (MoneyError, ValueError, ArithmeticError):
        raise WebhookRefused("the amount cannot be read") from None
    if amount.minor != payment.amount_minor or note.currency != payment.currency:
        raise WebhookRefused("the amount is not the one asked for")
    if payment.status == "confirmed":
        return "duplicate"
    customer = session.get(CustomerRow, payment.account_id and _customer_id(session, payment))
    paid_on = local_today(customer, now) if customer else now.date()
    applied = apply_confirmed(
        session,
        [
            ConfirmedPayment(
                payment_ref=f"portal-{payment.id}",
                account_id=payment.account_id,
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                paid_on=paid_on,
                method=PORTAL,
            )
        ],
        now=now,
        as_of=paid_on,
        recorder=Recorder(PORTAL, None, PORTAL),
        grace_days=grace_days,
        match_days=match_days,
    )[0]
    payment.status, payment.confirmed_at, payment.event_id = "confirmed", now, applied.event_id
    return "booked"


def _customer_id(session: Session, payment: PortalPayment) -> str:
    from workstation.server.models import AccountRow

    account = session.get(AccountRow, payment.account_id)
    return account.customer_id if account else ""
