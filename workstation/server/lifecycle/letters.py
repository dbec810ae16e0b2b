"""The paid-in-full letter: produced by the server when an account is paid, kept as a blob.

The backend is the system of record, so the letter that confirms a debt is paid is rendered
here (``documents.letters.render_letter``, in the customer's language), stored as a blob under
its SHA-256, and named by a ``document`` event on the account (``kind: paid_in_full``,
``document_sha256``, ``document_reference``). Devices receive the event on their next pull,
list it in the account's Documents tab and fetch the PDF by hash (``GET /api/v1/blobs/…``,
visible to whoever may see the account). An account gets one such letter: the run looks
for paid accounts without one whose last confirmed payment is recent (``WINDOW_DAYS``), so a
letter missed on one day (a rendering failure, raised for review) is produced on the next,
while accounts paid long before the daily run existed (an upgraded database, the demo's
history) are not sent a letter out of the blue.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workstation.documents.agreement import (
    AccountSummary,
    Party,
    creditor_party,
    party_from_customer,
)
from workstation.documents.canonical import sha256_hex
from workstation.documents.letters import (
    LetterContent,
    LetterKind,
    PaidInFullDetails,
    render_letter,
)
from workstation.documents.texts import DocumentLanguage
from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.money import Money
from workstation.server.lifecycle.changes import SYSTEM, DayChanges
from workstation.server.lifecycle.confirmed import confirmed_payments
from workstation.server.lifecycle.isolation import REVIEW_KIND, survive
from workstation.server.models import AccountRow, Blob, EventRow, ReviewItem
from workstation.server.serialize import load_customers
from workstation.sync.wire import customer_from_wire

# the creditor's name, where not the shipped one (domain.creditor; the desk's settings name it
# too): the same on letters, agreements, portal pages and messages
CREDITOR_ENV = "WORKSTATION_SERVER_CREDITOR"
KIND = LetterKind.PAID_IN_FULL.value
JOB = "produce its paid-in-full letter"
WINDOW_DAYS = 30


def creditor_name() -> str:
    """The configured creditor's name; "" for the shipped creditor."""
    return os.environ.get(CREDITOR_ENV, "")


def creditor(language: str = "en", jurisdiction: str | None = None) -> Party:
    """The creditor as a letter or agreement prints it, with the number its reader calls
    (their jurisdiction's, else their language's)."""
    return creditor_party(creditor_name(), language, jurisdiction)


def _missing_letter() -> ColumnElement[bool]:
    """No paid-in-full letter still standing: none sent, or the bank took a payment back
    after it (the account was not paid after all; paid off again, it earns a new letter)."""
    letter = aliased(EventRow)
    back = aliased(EventRow)
    return ~exists(
        select(letter.id).where(
            and_(
                letter.account_id == AccountRow.id,
                letter.type == EventType.DOCUMENT.value,
                letter.payload["kind"].as_string() == KIND,
                ~exists(
                    select(back.id).where(
                        back.account_id == AccountRow.id,
                        back.type == EventType.PAYMENT_RETURN.value,
                        back.received_at > letter.received_at,
                    )
                ),
            )
        )
    )


def _retries(session: Session) -> set[str]:
    """Accounts whose letter failed on an earlier day (still on the review list)."""
    return {
        account_id
        for account_id in session.scalars(
            select(ReviewItem.account_id).where(
                ReviewItem.kind == REVIEW_KIND,
                ReviewItem.acknowledged_at.is_(None),
                ReviewItem.detail["job"].as_string() == JOB,
            )
        )
        if account_id
    }


def produce_letters(session: Session, changes: DayChanges, new_money: set[str]) -> None:
    """A paid-in-full letter for every account paid by new money (or whose letter failed
    before) that has none yet."""
    candidates = sorted(new_money | _retries(session))
    ids: list[str] = []
    for start in range(0, len(candidates), 500):
        ids.extend(
            session.scalars(
                select(AccountRow.id).where(
                    AccountRow.id.in_(candidates[start : start + 500]),
                    AccountRow.status == AccountStatus.PAID.value,
                    _missing_letter(),
                )
            )
        )
    money = confirmed_payments(session, ids)
    since = changes.day - timedelta(days=WINDOW_DAYS)
    for account_id in ids:
        paid = money.get(account_id)
        if not paid or paid[-1].paid_on < since:
            continue
        step = DayChanges(changes.day)

        def work(account_id: str = account_id, step: DayChanges = step) -> None:
            paid_in_full_letter(session, account_id, step)

        ok, _ = survive(session, JOB, account_id, changes.day, work)
        if ok:
            changes.merge(step)


def paid_in_full_letter(session: Session, account_id: str, changes: DayChanges) -> EventRow:
    """Render, store and record the letter for one paid account (in the caller's transaction)."""
    account = session.get(AccountRow, account_id, with_for_update=True)
    if account is None or account.status != AccountStatus.PAID.value:
        raise ValueError("only a paid account gets a paid-in-full letter")
    customer = customer_from_wire(load_customers(session, [account.customer_id])[0])
    payments = confirmed_payments(session, [account.id]).get(account.id, [])
    currency = account.currency
    paid_minor = sum(p.amount for p in payments)
    paid_on = max((p.paid_on for p in payments), default=changes.day)
    number = getattr(account, "account_ref", None) or account.id
    reference = f"PIF-{changes.day:%Y%m%d}-{sha256_hex(account.id.encode())[:8].upper()}"
    language = DocumentLanguage(customer.language.value)
    content = LetterContent(
        reference=reference,
        issued_on=changes.day,
        language=language,
        jurisdiction=customer.jurisdiction,
        creditor=creditor(customer.language.value, customer.jurisdiction),
        customer=party_from_customer(customer),
        account=AccountSummary(
            number=number,
            product=account.product,
            balance=Money.from_minor(0, currency),
            past_due=Money.from_minor(0, currency),
            days_past_due=0,
        ),
        details=PaidInFullDetails(
            paid_amount=Money.from_minor(paid_minor, currency), paid_on=paid_on
        ),
    )
    document = render_letter(LetterKind.PAID_IN_FULL, content)
    if session.get(Blob, document.sha256) is None:
        session.add(
            Blob(
                sha256=document.sha256,
                size=len(document.pdf),
                content_type="application/pdf",
                content=document.pdf,
                uploaded_by=SYSTEM,
                created_at=datetime.now(UTC),
            )
        )
    event = changes.event(
        session,
        account,
        EventType.DOCUMENT,
        {
            "kind": KIND,
            "document_sha256": document.sha256,
            "document_reference": reference,
            "content_sha256": document.content_sha256,
            "language": language.value,
            "pages": document.pages,
            "paid_amount": Money.from_minor(paid_minor, currency).wire(),
            "currency": currency,
            "paid_on": paid_on.isoformat(),
        },
    )
    changes.count("letters_paid_in_full")
    return event
