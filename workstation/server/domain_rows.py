"""Server rows → domain objects (Customer, Account, Event).

One conversion for every server-side caller that asks core logic a question about stored
data: the messaging worker re-checks compliance before sending, and ``train-scorecard``
extracts features exactly as the desk's ranker does.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from workstation.domain.enums import AccountStatus, CustomerFlag, EventType, Language, PhoneType
from workstation.domain.model import Account, Customer, Email, Event, Phone
from workstation.domain.money import Money
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow

_FLAGS = frozenset(flag.value for flag in CustomerFlag)
KNOWN_EVENT_TYPES = frozenset(kind.value for kind in EventType)


def _monthly(minor: int | None, currency: str | None) -> Money | None:
    return Money.from_minor(minor, currency) if currency and minor is not None else None


def customer_of(row: CustomerRow, contacts: Sequence[ContactRow] = ()) -> Customer:
    phones, emails = [], []
    for contact in sorted(contacts, key=lambda c: (c.position, c.id)):
        data = contact.data or {}
        if contact.kind == "phone":
            kind = str(data.get("type") or "mobile")
            phones.append(
                Phone(
                    id=contact.id,
                    number=str(data.get("number") or ""),
                    type=PhoneType(kind)
                    if kind in PhoneType.__members__.values()
                    else PhoneType.MOBILE,
                    consent=data.get("consent") is not False,
                    opted_out=bool(data.get("opted_out")),
                    invalid=bool(data.get("invalid")),
                )
            )
        elif contact.kind == "email":
            emails.append(
                Email(
                    id=contact.id,
                    address=str(data.get("address") or ""),
                    consent=data.get("consent") is not False,
                    opted_out=bool(data.get("opted_out")),
                )
            )
    language = Language(row.language) if row.language in ("en", "zh") else Language.EN
    return Customer(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        jurisdiction=row.jurisdiction,
        language=language,
        name_alt=row.name_alt,
        phones=phones,
        emails=emails,
        flags=frozenset(CustomerFlag(f) for f in row.flags if f in _FLAGS),
        monthly_income=_monthly(row.monthly_income_minor, row.income_currency),
        monthly_expenses=_monthly(row.monthly_expenses_minor, row.income_currency),
        version=row.version,
    )


def account_of(row: AccountRow) -> Account:
    currency = row.currency
    try:
        score = Decimal(row.score) if row.score else None
    except InvalidOperation:
        score = None
    return Account(
        id=row.id,
        customer_id=row.customer_id,
        product=row.product,
        currency=currency,
        principal=Money.from_minor(row.principal_minor, currency),
        balance=Money.from_minor(row.balance_minor, currency),
        past_due=Money.from_minor(row.past_due_minor, currency),
        days_past_due=row.days_past_due,
        status=AccountStatus(row.status),
        score=score,
        opened_on=row.opened_on,
        annual_rate=Decimal(row.annual_rate or "0"),
    )


def event_of(row: EventRow) -> Event:
    return Event(
        id=row.id,
        type=EventType(row.type),
        account_id=row.account_id,
        customer_id=row.customer_id,
        occurred_at=row.occurred_at,
        recorded_by=row.recorded_by,
        payload=dict(row.payload or {}),
        device_id=row.device_id,
        server_version=row.server_version,
    )
