"""An inbound e-mail reply (``POST /api/v1/messaging/email/inbound``, called by the mail
provider's inbound webhook): recorded on the timeline of the account the sender was last
written to (else any account of the customer whose address it is), and — like an SMS reply —
one naming a complaint ("投诉", "complaint", in the subject or the text) is taken in as a
complaint (``complaints.workflow.complaint_from_reply``) with its reference and owner. A
provider's retry of the same message id takes nothing in twice; an unknown sender is ignored."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.domain.enums import Channel, Direction
from workstation.domain.model import new_id
from workstation.server.complaints.workflow import complaint_from_reply
from workstation.server.messaging.delivery import Reply, add_inbound
from workstation.server.messaging.models import MessageJob
from workstation.server.models import AccountRow, ContactRow, EventRow

log = logging.getLogger(__name__)

_EMAIL_NAMESPACE = uuid.UUID("0c8f4d52-7a3e-4b61-8f2d-95e1a7c3b0e4")


def address_of(sender: str) -> str:
    """The bare address of ``"Name <a@b>"`` or ``a@b``, case-folded ('' if none)."""
    address = parseaddr(sender)[1].strip().casefold()
    return address if "@" in address else ""


def _email_for(session: Session, address: str) -> tuple[str, str, str] | None:
    """(e-mail contact id, customer id, account id) the address belongs to: the last job
    sent to it, else any e-mail on file with the same address."""
    job = session.scalar(
        select(MessageJob)
        .where(
            MessageJob.channel == Channel.EMAIL.value,
            func.lower(MessageJob.to_address) == address,
        )
        .order_by(MessageJob.created_at.desc())
        .limit(1)
    )
    if job is not None:
        return job.address_id, job.customer_id, job.account_id
    for contact in session.scalars(select(ContactRow).where(ContactRow.kind == "email")):
        if str((contact.data or {}).get("address") or "").strip().casefold() != address:
            continue
        account_id = session.scalar(
            select(AccountRow.id)
            .where(AccountRow.customer_id == contact.customer_id)
            .order_by(AccountRow.id)
            .limit(1)
        )
        if account_id is not None:
            return contact.id, contact.customer_id, account_id
    return None


def record_email_reply(
    session: Session, sender: str, subject: str, text: str, now: datetime, *, message_id: str = ""
) -> Reply:
    event_id = str(uuid.uuid5(_EMAIL_NAMESPACE, message_id)) if message_id else new_id()
    if message_id and session.get(EventRow, event_id) is not None:
        return Reply(event_id, matched=True, opted_out=False, duplicate=True)
    address = address_of(sender)
    found = _email_for(session, address) if address else None
    if found is None:
        log.info("an e-mail reply from an unknown address was ignored")
        return Reply(None, matched=False, opted_out=False)
    email_id, customer_id, account_id = found
    body = f"{subject.strip()}\n\n{text.strip()}".strip()
    payload: dict[str, Any] = {
        "channel": Channel.EMAIL.value,
        "direction": Direction.INBOUND.value,
        "address_used": email_id,
        "status": "received",
        "subject": subject[:200],
        "text": text[:4000],
        "opt_out": False,
    }
    add_inbound(session, event_id, customer_id, account_id, payload, now)
    reference = complaint_from_reply(session, account_id, body, Channel.EMAIL, now)
    return Reply(event_id, matched=True, opted_out=False, complaint_reference=reference)
