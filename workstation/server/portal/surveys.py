"""The satisfaction survey: after a right-party conversation (a call or a visit) the customer
gets a short link (where the rule pack's ``[portal] survey`` says so, ``survey_after_hours``
later, as an SMS from the ``survey`` template through the delivery worker, which asks the
contact rules again when it sends). A customer is asked at most once in the pack's
``survey_every_days`` (a customer called three times in a week about a promise is asked once,
and the survey SMS does not crowd the messages the contact rules allow). The link opens a
1-5 rating and a comment, answered once; no code is asked because the page shows nothing
personal (``survey_pages``). The answer is a ``satisfaction`` event with ``source: survey``:
the KPI's source, beside the agent-entered scores."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.contract.events import ContactAttemptPayload
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Channel, EventType
from workstation.messages.templates import default_templates
from workstation.server.lifecycle.letters import creditor_name
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow
from workstation.server.portal import access
from workstation.server.portal.models import PortalLink
from workstation.server.portal.tokens import PortalKeys
from workstation.server.workflows.events import Author, Sink
from workstation.server.workflows.hooks import Conversation
from workstation.workflows.deadlines import pack_for_jurisdiction

SURVEY_TEMPLATE = "survey"
PORTAL_BASE = "{portal_base}"
_CHANNELS = frozenset(c.value for c in Channel)  # the delivery worker puts the public URL here


def schedule(
    session: Session,
    keys: PortalKeys,
    account: AccountRow,
    conversation: EventRow,
    typed: ContactAttemptPayload,
    *,
    now: datetime,
    write: Any,
) -> EventRow | None:
    """Queue the survey SMS for a right-party call or visit (None: the pack sends none, the
    customer was asked lately, has no usable mobile, or it was the portal's own record)."""
    if typed.via or typed.channel not in (Channel.PHONE, Channel.VISIT):
        return None
    disposition = default_catalogue().get(typed.disposition)
    if disposition is None or not disposition.is_right_party:
        return None
    customer = session.get(CustomerRow, account.customer_id)
    pack = pack_for_jurisdiction(customer.jurisdiction) if customer else None
    if customer is None or pack is None or not pack.portal.survey:
        return None
    if asked_lately(session, customer.id, now, pack.portal.survey_every_days):
        return None
    phone = next(
        (
            row
            for row in session.scalars(
                select(ContactRow).where(
                    ContactRow.customer_id == customer.id, ContactRow.kind == "phone"
                )
            )
            if (row.data or {}).get("type") == "mobile"
            and not (row.data or {}).get("opted_out")
            and not (row.data or {}).get("invalid")
            and (row.data or {}).get("consent", True)
        ),
        None,
    )
    if phone is None:
        return None
    from workstation.server.messaging.delivery import enqueue

    token = access.issue_link(
        session, keys, account, now, purpose="survey", rated_event_id=conversation.id
    )
    language = customer.language if customer.language in ("en", "zh") else "en"
    templates = default_templates().for_creditor(creditor_name())
    template = templates.get(SURVEY_TEMPLATE, language)
    sender = templates.sender(language)
    text = template.sms.format(
        creditor=sender.get("creditor", ""), survey_link=f"{PORTAL_BASE}/portal/survey/{token}"
    )
    row: EventRow = write(
        session,
        account,
        EventType.MESSAGE,
        {
            "channel": Channel.SMS.value,
            "direction": "outbound",
            "address_used": phone.id,
            "to": str((phone.data or {}).get("number") or ""),
            "template": SURVEY_TEMPLATE,
            "language": language,
            "status": "queued",
            "text": text,
        },
    )
    job = enqueue(session, row, now, fresh=True)  # the Sink minted the row's id just now
    if job is not None:
        job.next_attempt_at = now + timedelta(hours=pack.portal.survey_after_hours)
    return row


def asked_lately(session: Session, customer_id: str, now: datetime, days: int) -> bool:
    """Was the customer sent a survey link within ``days`` before ``now`` (0: never counts)?
    One indexed look-up (``ix_portal_links_customer_created``), whichever account it was on."""
    if days <= 0:
        return False
    since = now - timedelta(days=days)
    asked = session.scalar(
        select(PortalLink.id)
        .where(
            PortalLink.customer_id == customer_id,
            PortalLink.created_at > since,
            PortalLink.purpose == "survey",
        )
        .limit(1)
    )
    return asked is not None


def after_conversation(conversation: Conversation) -> EventRow | None:
    """The step the portal adds to a desk's conversation (``workflows.hooks.on_conversation``,
    registered by ``portal.install``): a right-party call or visit gets its survey."""
    sink = Sink(Author("portal", None, "portal"), conversation.now, mode="push")
    keys = PortalKeys(conversation.state.token_secret)
    return schedule(
        conversation.session,
        keys,
        conversation.account,
        conversation.row,
        conversation.typed,
        now=conversation.now,
        write=sink,
    )
