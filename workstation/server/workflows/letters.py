"""The workflows' letters, produced by the server and kept as blobs: a complaint's
acknowledgement and final response, a dispute's validation notice.

Like the paid-in-full letter (``lifecycle.letters``): rendered in the customer's language by
the document engine, stored under the PDF's SHA-256, and named by a ``document`` event on the
account (``kind``, ``document_sha256``, ``document_reference`` = the complaint's reference,
``complaint_id`` / ``dispute_id``), which devices pull, list in the Documents tab and fetch
by hash to print. Written in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from workstation.documents.agreement import AccountSummary, party_from_customer
from workstation.documents.blocks import RenderedDocument
from workstation.documents.letters import LetterContent, LetterDetails, LetterKind, render_letter
from workstation.documents.texts import DocumentLanguage
from workstation.domain.enums import EventType
from workstation.domain.model import Customer
from workstation.domain.money import Money
from workstation.server.lifecycle.letters import creditor
from workstation.server.models import AccountRow, Blob, EventRow
from workstation.server.serialize import load_customers
from workstation.sync.wire import customer_from_wire

# (session, account, event type, payload) → the written event (versioned by the caller's way)
EventWriter = Callable[[Session, AccountRow, EventType, dict[str, object]], EventRow]


def customer_of_account(session: Session, account: AccountRow) -> Customer:
    return customer_from_wire(load_customers(session, [account.customer_id])[0])


def render(
    kind: LetterKind,
    account: AccountRow,
    customer: Customer,
    *,
    reference: str,
    issued_on: date,
    details: LetterDetails,
) -> RenderedDocument:
    currency = account.currency
    content = LetterContent(
        reference=reference,
        issued_on=issued_on,
        language=DocumentLanguage(customer.language.value),
        jurisdiction=customer.jurisdiction,
        creditor=creditor(customer.language.value, customer.jurisdiction),
        customer=party_from_customer(customer),
        account=AccountSummary(
            number=getattr(account, "account_ref", None) or account.id,
            product=account.product,
            balance=Money.from_minor(account.balance_minor, currency),
            past_due=Money.from_minor(account.past_due_minor, currency),
            days_past_due=account.days_past_due,
        ),
        details=details,
    )
    return render_letter(kind, content)


def store(
    session: Session,
    account: AccountRow,
    document: RenderedDocument,
    *,
    kind: LetterKind,
    reference: str,
    language: str,
    write: EventWriter,
    names: dict[str, object],
) -> EventRow:
    """Keep the PDF as a blob and name it by a ``document`` event (``names``: the complaint
    or dispute it belongs to)."""
    if session.get(Blob, document.sha256) is None:
        session.add(
            Blob(
                sha256=document.sha256,
                size=len(document.pdf),
                content_type="application/pdf",
                content=document.pdf,
                uploaded_by="workflows",
                created_at=datetime.now(UTC),
            )
        )
    return write(
        session,
        account,
        EventType.DOCUMENT,
        {
            "kind": kind.value,
            "document_sha256": document.sha256,
            "document_reference": reference,
            "content_sha256": document.content_sha256,
            "language": language,
            "pages": document.pages,
            **names,
        },
    )
