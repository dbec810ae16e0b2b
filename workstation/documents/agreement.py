"""The repayment agreement (还款协议): its content, its content hash and its PDF.

Owns ``Party``, ``AccountSummary``, ``AgreementContent`` (everything the agreement says),
``agreement_from_domain`` (the same built from a ``Customer``, an ``Account`` and a plan
calculator's result) and ``render_agreement``.

The plan is the calculator's own result — a ``Schedule`` (instalments), a ``Deferral`` or a
``Settlement`` from ``workstation.plans`` — and every figure printed is read from it
unchanged. ``AgreementContent.canonical()`` is the agreement's content in wire form
(parties, account, terms, schedule, statements, language, reference, date); its SHA-256 is
printed on every page (see ``workstation.documents.canonical``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from workstation.documents import blocks
from workstation.documents.blocks import CONTENT_WIDTH, PageDecor, RenderedDocument
from workstation.documents.canonical import (
    canonical_json,
    decimal_text,
    sha256_hex,
)
from workstation.documents.errors import DocumentError
from workstation.documents.fonts import has_cjk
from workstation.documents.formatting import day, money, percent
from workstation.documents.texts import (
    DocumentLanguage,
    Statement,
    fill,
    label,
    resolve_jurisdiction,
    statements_for,
    templates_sha256,
    templates_version,
)
from workstation.domain.creditor import creditor
from workstation.domain.model import Account, Customer, mask_national_id
from workstation.domain.money import Money
from workstation.plans.deferral import Deferral
from workstation.plans.schedule import Schedule
from workstation.plans.settlement import Settlement
from workstation.text import Text

PlanChoice = Schedule | Deferral | Settlement

DOCUMENT_KIND = "repayment_agreement"
_VISIBLE_ID_CHARS = 4


@dataclass(frozen=True, slots=True)
class Party:
    """A party as printed. ``national_id_masked`` is re-masked to its last four characters
    if it arrives showing more, so a full id number can never reach paper."""

    name: str
    name_alt: str = ""
    national_id_masked: str = ""
    address: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        shown = sum(1 for char in self.national_id_masked if char not in "*•xX ")
        if shown > _VISIBLE_ID_CHARS:
            object.__setattr__(
                self, "national_id_masked", mask_national_id(self.national_id_masked)
            )

    @property
    def display_name(self) -> Text:
        """The name as printed: both scripts when known, the reader's script first."""
        if not self.name_alt or self.name_alt == self.name:
            return Text(self.name, self.name)
        # Whichever spelling is in Chinese script leads on the Chinese page.
        if has_cjk(self.name_alt) and not has_cjk(self.name):
            chinese, latin = self.name_alt, self.name
        else:
            chinese, latin = self.name, self.name_alt
        return Text(f"{self.name} ({self.name_alt})", f"{chinese}（{latin}）")

    @property
    def short_name(self) -> Text:
        """One spelling per language: the Chinese-script name on the Chinese page."""
        if self.name_alt and has_cjk(self.name_alt) and not has_cjk(self.name):
            return Text(self.name, self.name_alt)
        return Text(self.name, self.name)

    def canonical(self) -> dict[str, str]:
        return {
            "name": self.name,
            "name_alt": self.name_alt,
            "national_id_masked": self.national_id_masked,
            "address": self.address,
            "phone": self.phone,
        }


def creditor_party(
    configured: str = "", language: str = "en", jurisdiction: str | None = None
) -> Party:
    """The creditor as an agreement or a letter prints it (``domain.creditor``): its name in
    both scripts, the Chinese on a Chinese page, and the number the reader calls (their
    jurisdiction's, else their language's)."""
    who = creditor(configured)
    latin, chinese = who.name.en, who.name.zh
    return Party(
        name=latin,
        name_alt=chinese if chinese != latin else "",
        phone=who.phone_for(language, jurisdiction),
    )


@dataclass(frozen=True, slots=True)
class AccountSummary:
    number: str
    product: str
    balance: Money
    past_due: Money
    days_past_due: int

    @property
    def currency(self) -> str:
        return self.balance.currency

    def canonical(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "product": self.product,
            "currency": self.currency,
            "balance": self.balance.wire(),
            "past_due": self.past_due.wire(),
            "days_past_due": self.days_past_due,
        }


@dataclass(frozen=True, slots=True)
class AgreementContent:
    """Everything a repayment agreement says. Validate with ``validate()`` (rendering does)."""

    reference: str
    issued_on: date
    language: DocumentLanguage
    jurisdiction: str
    creditor: Party
    customer: Party
    account: AccountSummary
    plan: PlanChoice
    specimen: bool = False
    _statements: tuple[Statement, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    # -- checks ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ``DocumentError`` for content no agreement may be printed from."""
        if not self.reference.strip():
            raise DocumentError("The agreement needs a reference number.")
        if not self.creditor.name.strip():
            raise DocumentError("The agreement needs the creditor's name.")
        if not self.customer.name.strip():
            raise DocumentError("The agreement needs the customer's name.")
        resolve_jurisdiction(self.jurisdiction)
        _check_plan(self.plan, self.account.currency)
        for what, amount in (("past-due amount", self.account.past_due),):
            if amount.currency != self.account.currency:
                raise DocumentError(
                    f"The account's {what} is in {amount.currency} but its balance is in "
                    f"{self.account.currency}."
                )

    # -- derived content ------------------------------------------------------------------
    @property
    def kind(self) -> str:
        if isinstance(self.plan, Settlement):
            return "settlement"
        if isinstance(self.plan, Deferral):
            return "deferral"
        return "instalments"

    def statements(self) -> tuple[Statement, ...]:
        """The jurisdiction's required statements, filled with the creditor's details."""
        cached = self._statements
        if cached is None:
            cached = tuple(
                statement.filled(
                    creditor=self.creditor.short_name,
                    creditor_phone=self.creditor.phone or "—",
                )
                for statement in statements_for(self.jurisdiction, "agreement")
            )
            object.__setattr__(self, "_statements", cached)
        return cached

    def canonical(self) -> dict[str, Any]:
        """The agreement's content in wire form: what the content hash is computed over."""
        codes = self.language.codes
        return {
            "document": DOCUMENT_KIND,
            "templates_version": templates_version(),
            "templates_sha256": templates_sha256(),
            "language": self.language.value,
            "reference": self.reference,
            "issued_on": self.issued_on.isoformat(),
            "jurisdiction": resolve_jurisdiction(self.jurisdiction),
            "specimen": self.specimen,
            "creditor": self.creditor.canonical(),
            "customer": self.customer.canonical(),
            "account": self.account.canonical(),
            "plan": plan_canonical(self.plan),
            "statements": [
                {
                    "code": s.code,
                    "title": {code: s.title.get(code) for code in codes},
                    "text": {code: s.text.get(code) for code in codes},
                }
                for s in self.statements()
            ],
        }

    def canonical_json(self) -> bytes:
        return canonical_json(self.canonical())

    def content_sha256(self) -> str:
        return sha256_hex(self.canonical_json())


def _check_plan(plan: PlanChoice, currency: str) -> None:
    if isinstance(plan, Settlement):
        if not plan.parts:
            raise DocumentError("The settlement has no payments: there is nothing to agree.")
        amounts = [plan.balance, plan.total, *(part.amount for part in plan.parts)]
        what = "settlement"
    else:
        schedule = plan.schedule if isinstance(plan, Deferral) else plan
        if not schedule.instalments:
            raise DocumentError(
                "The plan's schedule is empty: an agreement needs at least one instalment."
            )
        amounts = [schedule.principal, schedule.total_paid, schedule.total_interest]
        for row in schedule.instalments:
            amounts.extend((row.payment, row.principal, row.interest, row.balance_after))
        what = "plan"
        paid = sum((row.payment.amount for row in schedule.instalments), start=0)
        if paid != schedule.total_paid.amount:
            raise DocumentError(
                "The schedule's instalments do not add up to its total paid; "
                "print only what the plan calculator produced."
            )
    for amount in amounts:
        if amount.currency != currency:
            raise DocumentError(
                f"The {what} is in {amount.currency} but the account is in {currency}: "
                "an agreement is in one currency."
            )


def _schedule_canonical(schedule: Schedule) -> dict[str, Any]:
    return {
        "currency": schedule.currency,
        "principal": schedule.principal.wire(),
        "down_payment": schedule.down_payment.wire(),
        "annual_rate": decimal_text(schedule.annual_rate),
        "frequency": schedule.frequency.value,
        "method": schedule.method.value,
        "schedule": [row.to_dict() for row in schedule.instalments],
        "total_paid": schedule.total_paid.wire(),
        "total_interest": schedule.total_interest.wire(),
        "customer_total": schedule.customer_total.wire(),
    }


def plan_canonical(plan: PlanChoice) -> dict[str, Any]:
    """The printed terms of ``plan`` in wire form."""
    if isinstance(plan, Settlement):
        return {
            "kind": "settlement",
            "currency": plan.currency,
            "balance": plan.balance.wire(),
            "total": plan.total.wire(),
            "discount": plan.discount.wire(),
            "percent_of_balance": decimal_text(plan.percent_of_balance),
            "parts": [part.to_dict() for part in plan.parts],
        }
    if isinstance(plan, Deferral):
        return {
            "kind": "deferral",
            "mode": plan.mode.value,
            "periods": plan.periods,
            "resumes_on": plan.resumes_on.isoformat(),
            "accrued_interest": plan.accrued_interest.wire(),
            "capitalised_interest": plan.capitalised_interest.wire(),
            "waived_interest": plan.waived_interest.wire(),
            "balance_after_deferral": plan.balance_after_deferral.wire(),
            "instalments": _schedule_canonical(plan.schedule),
        }
    return {"kind": "instalments", "instalments": _schedule_canonical(plan)}


# --- from the domain -----------------------------------------------------------------------


def party_from_customer(customer: Customer) -> Party:
    address = ""
    if customer.addresses:
        first = customer.addresses[0]
        pieces = (first.line1, first.district, first.city, first.postcode, first.country)
        address = ", ".join(piece for piece in pieces if piece)
    phone = customer.phones[0].number if customer.phones else ""
    return Party(
        name=customer.name,
        name_alt=customer.name_alt,
        national_id_masked=customer.national_id_masked,
        address=address,
        phone=phone,
    )


def account_summary(account: Account) -> AccountSummary:
    return AccountSummary(
        number=account.id,
        product=account.product,
        balance=account.balance,
        past_due=account.past_due,
        days_past_due=account.days_past_due,
    )


def default_reference(account_number: str, plan: PlanChoice, issued_on: date) -> str:
    """``AGR-20250301-9F2C41AB``: the date and a digest of account and terms, so the same
    agreement always gets the same reference and two plans on one day never share one."""
    digest = sha256_hex(canonical_json({"account": account_number, "plan": plan_canonical(plan)}))
    return f"AGR-{issued_on:%Y%m%d}-{digest[:8].upper()}"


def agreement_from_domain(
    customer: Customer,
    account: Account,
    plan: PlanChoice,
    *,
    creditor: Party,
    issued_on: date,
    language: DocumentLanguage | None = None,
    reference: str | None = None,
) -> AgreementContent:
    """The agreement for ``plan`` on ``account``; the language defaults to the customer's."""
    if account.customer_id != customer.id:
        raise DocumentError("The account does not belong to this customer.")
    chosen = language or DocumentLanguage(customer.language.value)
    summary = account_summary(account)
    return AgreementContent(
        reference=reference or default_reference(summary.number, plan, issued_on),
        issued_on=issued_on,
        language=chosen,
        jurisdiction=customer.jurisdiction,
        creditor=creditor,
        customer=party_from_customer(customer),
        account=summary,
        plan=plan,
    )


# --- layout ------------------------------------------------------------------------------


def render_agreement(content: AgreementContent) -> RenderedDocument:
    """Validate ``content`` and render it; same content, same bytes."""
    content.validate()
    content_hash = content.content_sha256()
    language = content.language
    story = _story(content)
    decor = PageDecor(
        title=label("agreement_title"),
        language=language,
        reference=content.reference,
        content_sha256=content_hash,
        issued_on=content.issued_on,
        author=content.creditor.name,
        specimen=content.specimen,
    )
    pdf, pages = blocks.build_pdf(story, decor)
    return RenderedDocument(
        pdf=pdf, sha256=sha256_hex(pdf), content_sha256=content_hash, pages=pages
    )


def _story(content: AgreementContent) -> list[Flowable]:
    language = content.language
    s = blocks.styles()
    story: list[Flowable] = [*blocks.title(label("agreement_title"), language)]
    if content.specimen:
        story.extend(blocks.bilingual(label("specimen_note"), language))
    story.append(Spacer(1, 6))
    story.append(
        blocks.key_values(
            [
                (label("reference"), content.reference),
                (label("issued_on"), day(content.issued_on)),
            ],
            language,
        )
    )
    story.append(Spacer(1, 8))
    intro = fill(
        label("intro"),
        creditor=content.creditor.short_name,
        customer=content.customer.display_name,
    )
    story.extend(blocks.bilingual(intro, language))

    story.extend(blocks.section(1, label("parties"), language))
    story.append(_parties_table(content))

    story.extend(blocks.section(2, label("account_section"), language))
    account = content.account
    story.append(
        blocks.key_values(
            [
                (label("account_number"), account.number),
                (label("product"), account.product),
                (label("balance"), money(account.balance)),
                (label("past_due"), money(account.past_due)),
                (label("days_past_due"), str(account.days_past_due)),
            ],
            language,
        )
    )

    story.extend(blocks.section(3, label("plan_section"), language))
    story.append(blocks.key_values(_terms_rows(content.plan), language))
    if isinstance(content.plan, Settlement):
        story.append(Spacer(1, 4))
        story.extend(blocks.bilingual(label("settlement_closes"), language))

    story.extend(blocks.section(4, label("schedule_section"), language))
    story.append(_schedule_table(content.plan, language))

    story.extend(blocks.section(5, label("disclosure_section"), language))
    story.append(blocks.key_values(_disclosure_rows(content.plan), language))

    story.extend(blocks.section(6, label("statements_section"), language))
    story.append(blocks.statements_block(content.statements(), language))

    signatures = blocks.signature_block(
        [
            (label("for_creditor"), ""),
            (label("for_customer"), content.customer.display_name.get(language.codes[0])),
        ],
        language,
    )
    story.append(
        KeepTogether(
            [
                *blocks.section(7, label("signatures_section"), language),
                *blocks.bilingual(
                    fill(label("signing_note"), reference=content.reference), language
                ),
                Spacer(1, 6),
                signatures,
            ]
        )
    )
    story.append(Spacer(1, 14))
    story.extend(blocks.bilingual(label("hash_note"), language, en=s.small_en, zh=s.small_zh))
    return story


def _parties_table(content: AgreementContent) -> Flowable:
    language = content.language
    creditor, customer = content.creditor, content.customer
    rows: list[list[Any]] = [
        [
            "",
            blocks.header_cell(label("creditor"), language),
            blocks.header_cell(label("customer"), language),
        ]
    ]
    fields: list[tuple[str, Text | str, Text | str]] = [
        (
            "name",
            creditor.display_name.get(language.codes[0]),
            customer.display_name.get(language.codes[0]),
        ),
        ("national_id", creditor.national_id_masked or "—", customer.national_id_masked or "—"),
        ("address", creditor.address or "—", customer.address or "—"),
        ("phone", creditor.phone or "—", customer.phone or "—"),
    ]
    for key, left, right in fields:
        rows.append(
            [
                blocks.label_cell(label(key), language),
                blocks.value_cell(left, language),
                blocks.value_cell(right, language),
            ]
        )
    label_width = CONTENT_WIDTH * 0.26
    party_width = (CONTENT_WIDTH - label_width) / 2
    table = Table(rows, colWidths=[label_width, party_width, party_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *blocks.CELL_PADDING,
                ("BACKGROUND", (1, 0), (-1, 0), blocks.HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, blocks.ACCENT),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 1), (-1, -2), 0.4, blocks.RULE_LIGHT),
            ]
        )
    )
    return table


def _frequency(schedule: Schedule) -> Text:
    return label(f"frequency_{schedule.frequency.value}")


def _method(schedule: Schedule) -> Text:
    return label(f"method_{schedule.method.value.replace('-', '_')}")


def _instalment_rows(schedule: Schedule) -> list[tuple[Text, Text | str]]:
    rows: list[tuple[Text, Text | str]] = []
    if schedule.down_payment.is_positive():
        rows.append((label("down_payment"), money(schedule.down_payment)))
    rows.extend(
        [
            (label("amount_financed"), money(schedule.principal)),
            (label("instalment_count"), str(schedule.count)),
            (label("frequency"), _frequency(schedule)),
            (label("method"), _method(schedule)),
            (label("annual_rate"), percent(schedule.annual_rate)),
            (label("first_due"), day(schedule.first_due)),
            (label("last_due"), day(schedule.last_due)),
        ]
    )
    return rows


def _terms_rows(plan: PlanChoice) -> list[tuple[Text, Text | str]]:
    if isinstance(plan, Settlement):
        parts = (
            label("settlement_lump_sum")
            if plan.is_lump_sum
            else fill(label("settlement_in_parts"), parts=len(plan.parts))
        )
        return [
            (label("plan_kind"), label("kind_settlement")),
            (label("settlement_balance"), money(plan.balance)),
            (label("settlement_amount"), money(plan.total)),
            (label("settlement_discount"), money(plan.discount)),
            (label("settlement_percent"), percent(plan.percent_of_balance)),
            (label("settlement_parts"), parts),
            (label("first_due"), day(plan.first_due)),
            (label("last_due"), day(plan.last_due)),
        ]
    if isinstance(plan, Deferral):
        schedule = plan.schedule
        rows: list[tuple[Text, Text | str]] = [
            (label("plan_kind"), label("kind_deferral")),
            (
                label("deferral_pause"),
                fill(
                    label("deferral_pause_value"),
                    periods=plan.periods,
                    frequency=_frequency(schedule),
                ),
            ),
            (label("deferral_mode"), label(f"mode_{plan.mode.value}")),
            (label("accrued_interest"), money(plan.accrued_interest)),
        ]
        if plan.waived_interest.is_positive():
            rows.append((label("waived_interest"), money(plan.waived_interest)))
        rows.append((label("balance_after_deferral"), money(plan.balance_after_deferral)))
        rows.append((label("resumes_on"), day(plan.resumes_on)))
        # The amount financed is the balance when payments resume, already shown above.
        skip = (label("first_due"), label("amount_financed"))
        rows.extend(row for row in _instalment_rows(schedule) if row[0] not in skip)
        return rows
    return [(label("plan_kind"), label("kind_instalments")), *_instalment_rows(plan)]


# Column widths (points) of the schedule; they add up to the frame's width.
_SCHEDULE_WIDTHS = (0.07, 0.15, 0.19, 0.19, 0.18, 0.22)
PARTS_WIDTHS = (0.12, 0.26, 0.30)  # settlement parts: a narrower table reads better


def _schedule_table(plan: PlanChoice, language: DocumentLanguage) -> Flowable:
    total = label("total").joined(language)
    if isinstance(plan, Settlement):
        return blocks.columns_table(
            [label("col_number"), label("col_due"), label("col_amount")],
            [[str(part.number), day(part.due_date), money(part.amount)] for part in plan.parts],
            language,
            [CONTENT_WIDTH * share for share in PARTS_WIDTHS],
            right_aligned=(2,),
            total_row=[total, "", money(plan.total)],
        )
    schedule = plan.schedule if isinstance(plan, Deferral) else plan
    return blocks.columns_table(
        [
            label("col_number"),
            label("col_due"),
            label("col_payment"),
            label("col_principal"),
            label("col_interest"),
            label("col_balance"),
        ],
        [
            [
                str(row.number),
                day(row.due_date),
                money(row.payment),
                money(row.principal),
                money(row.interest),
                money(row.balance_after),
            ]
            for row in schedule.instalments
        ],
        language,
        [CONTENT_WIDTH * share for share in _SCHEDULE_WIDTHS],
        right_aligned=(2, 3, 4, 5),
        total_row=[
            total,
            "",
            money(schedule.total_paid),
            money(schedule.principal),
            money(schedule.total_interest),
            "",
        ],
    )


def _disclosure_rows(plan: PlanChoice) -> list[tuple[Text, Text | str]]:
    if isinstance(plan, Settlement):
        zero = Money.zero(plan.currency)
        return [
            (label("total_interest"), money(zero)),
            (label("fees"), money(zero)),
            (label("settlement_discount"), money(plan.discount)),
            (label("total_payable"), money(plan.total)),
        ]
    schedule = plan.schedule if isinstance(plan, Deferral) else plan
    zero = Money.zero(schedule.currency)
    total: Text | str = money(schedule.customer_total)
    if schedule.down_payment.is_positive():
        note = label("total_payable_note")
        total = Text(f"{total} ({note.en})", f"{total}（{note.zh}）")
    rows: list[tuple[Text, Text | str]] = [
        (label("annual_rate"), percent(schedule.annual_rate)),
        (label("total_interest"), money(schedule.total_interest)),
    ]
    if isinstance(plan, Deferral) and plan.capitalised_interest.is_positive():
        rows.append((label("capitalised_interest"), money(plan.capitalised_interest)))
    rows += [
        (label("fees"), money(zero)),
        (label("total_payable"), total),
    ]
    return rows


__all__ = [
    "AccountSummary",
    "AgreementContent",
    "Party",
    "PlanChoice",
    "agreement_from_domain",
    "render_agreement",
]
