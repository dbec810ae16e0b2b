"""The plans a customer may agree on the portal: the desk's calculators and settlement policy
(``workstation.desk.plans.compare``, ``workstation.plans``), offered only within policy.

Offered: interest-free instalments over 3, 6 or 12 months, and (where the policy allows a
discount for the account's bucket) a settlement at the policy's floor paid in a month. With
income and spending entered, only the affordable ones. An option is named ``kind:n``
(``instalments:6``, ``settlement:70``); what is posted back is looked up among the options
computed again on the server, so a forged option (a deeper discount, 60 instalments) is
refused and nothing is recorded. Agreeing renders the agreement with the documents engine,
keeps its PDF as a blob and records the ``plan_agreement`` event the desk records, with the
customer's consent (typed name, time, address).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from workstation.contract.codec import decode
from workstation.contract.events import PlanAgreementPayload
from workstation.desk.plans import PlanOption, PlanRequest, agreement_wire, compare
from workstation.desk.types import ValidationError
from workstation.documents import RenderedDocument, agreement_from_domain, render_agreement
from workstation.domain.enums import Bucket, EventType
from workstation.domain.money import Money, MoneyError
from workstation.plans import load_settlement_policy
from workstation.server.lifecycle.letters import creditor
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, Blob, CustomerRow
from workstation.server.portal.actions import PORTAL, Act, Invalid, local_today, record

COUNTS = (3, 6, 12)
# the portal offers no deferral: ``compare`` builds one anyway, so the smallest it takes (one
# month, one instalment) keeps it from costing more than half of each page's first offers
NO_DEFERRAL: dict[str, int] = {"deferral_months": 1, "deferral_instalments": 1}


@dataclass(frozen=True, slots=True)
class Offer:
    key: str  # kind:n
    option: PlanOption


@dataclass(frozen=True, slots=True)
class Offers:
    offers: tuple[Offer, ...]
    max_instalment: Money | None
    too_dear: bool  # options exist but none is affordable


def _money(text: str, currency: str, field: str) -> Money | None:
    if not text.strip():
        return None
    try:
        value = Money.of(text.strip().replace(",", ""), currency)
    except (MoneyError, ValueError, ArithmeticError):
        raise Invalid({field: "bad_amount"}) from None
    if value.minor < 0:
        raise Invalid({field: "bad_amount"})
    return value


def offers(
    account: AccountRow,
    customer: CustomerRow,
    now: datetime,
    *,
    income: str = "",
    spending: str = "",
) -> Offers:
    currency = account.currency
    monthly_income = _money(income, currency, "income")
    monthly_spending = _money(spending, currency, "spending")
    if monthly_spending is not None and monthly_income is None:
        raise Invalid({"income": "bad_amount"})
    start = local_today(customer, now)
    if monthly_income is None:  # the same figures give the same offers: computed once
        return _offers(account.balance_minor, currency, account.days_past_due, start)
    return _compute(
        account.balance_minor,
        currency,
        account.days_past_due,
        start,
        monthly_income,
        monthly_spending,
    )


@lru_cache(maxsize=4096)
def _offers(balance_minor: int, currency: str, days_past_due: int, start: date) -> Offers:
    return _compute(balance_minor, currency, days_past_due, start, None, None)


def _compute(  # noqa: PLR0917 - the calculators' inputs, in their order
    balance_minor: int,
    currency: str,
    days_past_due: int,
    start: date,
    monthly_income: Money | None,
    monthly_spending: Money | None,
) -> Offers:
    balance = Money.from_minor(balance_minor, currency)
    if not balance.is_positive():
        return Offers((), None, False)
    bucket = Bucket.for_days(days_past_due)
    floor = load_settlement_policy().minimum_percent[bucket]
    found: list[Offer] = []
    settlement: Offer | None = None
    max_instalment = None
    for count in COUNTS:
        try:
            result = compare(
                PlanRequest(
                    balance=balance,
                    start=start,
                    instalments=count,
                    settlement_percent=floor,
                    monthly_income=monthly_income,
                    monthly_expenses=monthly_spending,
                    bucket=bucket,
                    **NO_DEFERRAL,
                )
            )
        except ValidationError:
            continue  # a balance too small for this many instalments
        max_instalment = result.max_instalment
        by_kind = {o.kind: o for o in result.options}
        found.append(Offer(f"instalments:{count}", by_kind["instalments"]))
        settle = by_kind["settlement"]
        if floor < 100 and not settle.warnings and settlement is None:
            settlement = Offer(f"settlement:{floor.normalize()}", settle)
    if settlement is not None:  # the deepest discount the policy allows, offered last
        found.append(settlement)
    affordable = tuple(o for o in found if o.option.affordable is not False)
    return Offers(affordable, max_instalment, bool(found) and not affordable)


def chosen(
    account: AccountRow,
    customer: CustomerRow,
    now: datetime,
    key: str,
) -> Offer:
    """The offer named ``key`` among those computed now; ``Invalid`` when it is not one."""
    for offer in offers(account, customer, now).offers:
        if offer.key == key:
            return offer
    raise Invalid({"option": "plan_refused"})


def rendered(
    session: Session, account: AccountRow, offer: Offer, now: datetime, language: str
) -> tuple[RenderedDocument, str]:
    from workstation.documents import DocumentLanguage

    loaded = load_for_decision(session, account.id)
    assert loaded is not None
    assert offer.option.plan is not None
    customer, domain_account, _events = loaded
    content = agreement_from_domain(
        customer,
        domain_account,
        offer.option.plan,
        creditor=creditor(customer.language.value, customer.jurisdiction),
        issued_on=now.astimezone(_zone(customer.timezone)).date(),
        language=DocumentLanguage(language) if language in ("en", "zh") else None,
    )
    return render_agreement(content), content.reference


def render(
    session: Session, account: AccountRow, offer: Offer, now: datetime, language: str
) -> RenderedDocument:
    """The agreement's PDF for ``offer`` (the draft the customer reads before agreeing)."""
    return rendered(session, account, offer, now, language)[0]


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def same_name(typed: str, customer: CustomerRow) -> bool:
    def norm(value: str) -> str:
        return " ".join(value.split()).casefold()

    wanted = norm(typed)
    return bool(wanted) and wanted in {norm(customer.name), norm(customer.name_alt or "")}


def agree(act: Act, form: dict[str, str]) -> tuple[Offer, str]:
    """Record the plan the customer agreed (consent checked first); its document's hash."""
    session, account, now = act.session, act.account, act.now
    offer = chosen(account, act.customer, now, form.get("option", ""))
    if form.get("consent") != "on" or not same_name(form.get("name", ""), act.customer):
        raise Invalid({"name": "consent_missing"})
    document, reference = rendered(session, account, offer, now, act.language)
    if session.get(Blob, document.sha256) is None:
        session.add(
            Blob(
                sha256=document.sha256,
                size=len(document.pdf),
                content_type="application/pdf",
                content=document.pdf,
                uploaded_by=PORTAL,
                created_at=now,
            )
        )
    wire = agreement_wire(
        offer.option,
        note="Agreed by the customer on the self-service page",
        document_sha256=document.sha256,
        document_reference=reference,
    )
    wire |= {
        "via": PORTAL,
        "consent_name": " ".join(form.get("name", "").split())[:300],
        "consent_at": now.isoformat(),
        "consent_ip": act.ip[:64],
    }
    payload = decode(PlanAgreementPayload, wire, now=now)
    record(act, EventType.PLAN_AGREEMENT, payload)
    return offer, document.sha256


def first_due(offer: Offer) -> date:
    return offer.option.schedule[0].due


def percent(value: Decimal) -> str:
    return f"{value.normalize()}"
