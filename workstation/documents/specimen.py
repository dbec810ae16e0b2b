"""Specimen agreements for legal review: a computed plan printed for a sample customer.

Owns the sample creditor and customer (clearly fictional, bilingual) and
``render_specimen``. A specimen carries a "SPECIMEN / 样本" watermark on every page and says
it is not for signature; everything else — layout, statements, figures — is exactly what a
real agreement for the same plan would print.
"""

from __future__ import annotations

from datetime import date

from workstation.documents.agreement import (
    AccountSummary,
    AgreementContent,
    Party,
    PlanChoice,
    default_reference,
    render_agreement,
)
from workstation.documents.blocks import RenderedDocument
from workstation.documents.texts import DocumentLanguage
from workstation.domain.money import Money
from workstation.plans.compare import OptionSummary
from workstation.plans.deferral import Deferral
from workstation.plans.settlement import Settlement

# Which rule pack a specimen follows when the caller does not say: the currency's home.
_JURISDICTION_BY_CURRENCY = {"CNY": "cn-nifa", "GBP": "uk-conc", "USD": "us-regf"}

SAMPLE_CREDITOR = Party(
    name="Example Consumer Finance Ltd.",
    name_alt="示例消费金融有限公司",
    address="100 Sample Road, Example City",
    phone="400-000-0000",
)

SAMPLE_CUSTOMER = Party(
    name="Sample Customer",
    name_alt="示例客户",
    national_id_masked="**************1234",
    address="1 Specimen Street, Example City",
    phone="138****0000",
)

SAMPLE_ACCOUNT_NUMBER = "SPECIMEN-0000-0001"


def _plan_of(plan: PlanChoice | OptionSummary) -> PlanChoice:
    return plan.option if isinstance(plan, OptionSummary) else plan


def _balance_of(plan: PlanChoice) -> Money:
    if isinstance(plan, Settlement):
        return plan.balance
    schedule = plan.baseline if isinstance(plan, Deferral) else plan
    return schedule.principal + schedule.down_payment


def specimen_content(
    plan: PlanChoice | OptionSummary,
    language: DocumentLanguage | str = DocumentLanguage.BOTH,
    *,
    jurisdiction: str | None = None,
    issued_on: date | None = None,
) -> AgreementContent:
    """The agreement a sample customer would receive for ``plan``."""
    chosen = _plan_of(plan)
    lang = language if isinstance(language, DocumentLanguage) else DocumentLanguage.parse(language)
    currency = chosen.currency
    balance = _balance_of(chosen)
    # A specimen is dated by its plan (the first due date), never the clock: stable bytes.
    first_due = chosen.first_due if isinstance(chosen, Settlement) else _first_due(chosen)
    day = issued_on or first_due
    return AgreementContent(
        reference=default_reference(SAMPLE_ACCOUNT_NUMBER, chosen, day),
        issued_on=day,
        language=lang,
        jurisdiction=jurisdiction or _JURISDICTION_BY_CURRENCY.get(currency, "us-regf"),
        creditor=SAMPLE_CREDITOR,
        customer=SAMPLE_CUSTOMER,
        account=AccountSummary(
            number=SAMPLE_ACCOUNT_NUMBER,
            product="Personal loan / 个人消费贷款",
            balance=balance,
            past_due=Money.zero(currency),
            days_past_due=0,
        ),
        plan=chosen,
        specimen=True,
    )


def _first_due(plan: PlanChoice) -> date:
    if isinstance(plan, Deferral):
        return plan.baseline.first_due
    assert not isinstance(plan, Settlement)
    return plan.first_due


def render_specimen_document(
    plan: PlanChoice | OptionSummary,
    language: DocumentLanguage | str = DocumentLanguage.BOTH,
    *,
    jurisdiction: str | None = None,
    issued_on: date | None = None,
) -> RenderedDocument:
    return render_agreement(
        specimen_content(plan, language, jurisdiction=jurisdiction, issued_on=issued_on)
    )


def render_specimen(
    plan: PlanChoice | OptionSummary,
    language: DocumentLanguage | str = DocumentLanguage.BOTH,
    *,
    jurisdiction: str | None = None,
    issued_on: date | None = None,
) -> bytes:
    """The specimen agreement's PDF bytes (deterministic for one plan and language)."""
    return render_specimen_document(
        plan, language, jurisdiction=jurisdiction, issued_on=issued_on
    ).pdf
