"""Letters to the customer: payment reminder, settlement offer, paid-in-full confirmation,
and the workflows' letters (a complaint's acknowledgement and final response,
``complaint_letters``; a dispute's validation notice, ``validation_notice``).

Owns ``LetterKind``, the per-kind details (``ReminderDetails``, ``SettlementOfferDetails``,
``PaidInFullDetails``; each kind's details say what they add — ``LetterDetails``),
``LetterContent`` and ``render_letter``. Letters use the agreement's
building blocks, parties and footer (reference, page x of y, content SHA-256); their words
come from ``resources/templates/letters.toml``. A bilingual letter prints the key figures
once with bilingual labels, then the whole letter in English and again in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from workstation.documents import blocks
from workstation.documents.agreement import PARTS_WIDTHS, AccountSummary, Party
from workstation.documents.blocks import CONTENT_WIDTH, PageDecor, RenderedDocument
from workstation.documents.canonical import canonical_json, decimal_text, sha256_hex
from workstation.documents.errors import DocumentError
from workstation.documents.formatting import day, money, percent
from workstation.documents.texts import (
    DocumentLanguage,
    Statement,
    fill,
    label,
    letter_texts,
    long_date,
    resolve_jurisdiction,
    statements_for,
    templates_sha256,
    templates_version,
)
from workstation.domain.money import Money
from workstation.plans.settlement import Settlement
from workstation.text import Text, is_chinese, same


class LetterKind(StrEnum):
    PAYMENT_REMINDER = "payment_reminder"
    SETTLEMENT_OFFER = "settlement_offer"
    PAID_IN_FULL = "paid_in_full"
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement"
    COMPLAINT_FINAL_RESPONSE = "complaint_final_response"
    VALIDATION_NOTICE = "validation_notice"


class LetterDetails(Protocol):
    """What one kind of letter adds to the common content: its amounts (all in the
    account's currency), its part of the canonical content, its placeholders, its key
    figures, and anything printed after them (a table)."""

    def amounts(self) -> list[Money]: ...

    def canonical(self) -> dict[str, Any]: ...

    def placeholders(self) -> dict[str, Any]: ...

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]: ...

    def tables(self, language: DocumentLanguage) -> list[Flowable]: ...

    def check(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReminderDetails:
    amount_due: Money
    due_date: date

    def amounts(self) -> list[Money]:
        return [self.amount_due]

    def canonical(self) -> dict[str, Any]:
        return {"amount_due": self.amount_due.wire(), "due_date": self.due_date.isoformat()}

    def placeholders(self) -> dict[str, Any]:
        return {"amount_due": money(self.amount_due), "due_date": long_date(self.due_date)}

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        return [
            (label("amount_due"), money(self.amount_due)),
            (label("due_date"), day(self.due_date)),
            (label("balance"), money(account.balance)),
        ]

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        return []

    def check(self) -> None:
        if not self.amount_due.is_positive():
            raise DocumentError("A payment reminder needs an amount due above zero.")


@dataclass(frozen=True, slots=True)
class SettlementOfferDetails:
    settlement: Settlement
    valid_until: date

    def amounts(self) -> list[Money]:
        settlement = self.settlement
        return [settlement.balance, settlement.total, *(part.amount for part in settlement.parts)]

    def canonical(self) -> dict[str, Any]:
        settlement = self.settlement
        return {
            "valid_until": self.valid_until.isoformat(),
            "balance": settlement.balance.wire(),
            "total": settlement.total.wire(),
            "discount": settlement.discount.wire(),
            "percent_of_balance": decimal_text(settlement.percent_of_balance),
            "parts": [part.to_dict() for part in settlement.parts],
        }

    def placeholders(self) -> dict[str, Any]:
        settlement = self.settlement
        return {
            "balance": money(settlement.balance),
            "settlement_amount": money(settlement.total),
            "discount": money(settlement.discount),
            "percent": decimal_text(settlement.percent_of_balance),
            "valid_until": long_date(self.valid_until),
            "parts": len(settlement.parts),
        }

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        settlement = self.settlement
        return [
            (label("settlement_balance"), money(settlement.balance)),
            (label("settlement_amount"), money(settlement.total)),
            (label("settlement_discount"), money(settlement.discount)),
            (label("settlement_percent"), percent(settlement.percent_of_balance)),
            (label("offer_valid_until"), day(self.valid_until)),
        ]

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        settlement = self.settlement
        return [
            Spacer(1, 8),
            blocks.columns_table(
                [label("col_number"), label("col_due"), label("col_amount")],
                [
                    [str(part.number), day(part.due_date), money(part.amount)]
                    for part in settlement.parts
                ],
                language,
                [CONTENT_WIDTH * share for share in PARTS_WIDTHS],
                right_aligned=(2,),
                total_row=[label("total").joined(language), "", money(settlement.total)],
            ),
        ]

    def check(self) -> None:
        if not self.settlement.parts:
            raise DocumentError("The settlement offer has no payments.")


@dataclass(frozen=True, slots=True)
class PaidInFullDetails:
    paid_amount: Money
    paid_on: date

    def amounts(self) -> list[Money]:
        return [self.paid_amount]

    def canonical(self) -> dict[str, Any]:
        return {"paid_amount": self.paid_amount.wire(), "paid_on": self.paid_on.isoformat()}

    def placeholders(self) -> dict[str, Any]:
        return {"paid_amount": money(self.paid_amount), "paid_on": long_date(self.paid_on)}

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        return [
            (label("paid_amount"), money(self.paid_amount)),
            (label("paid_on"), day(self.paid_on)),
            (label("balance_now"), money(Money.zero(self.paid_amount.currency))),
        ]

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        return []

    def check(self) -> None:
        return None


def _details_for() -> dict[LetterKind, type[Any]]:
    from workstation.documents.complaint_letters import (
        ComplaintAcknowledgementDetails,
        ComplaintFinalResponseDetails,
    )
    from workstation.documents.validation_notice import ValidationNoticeDetails

    return {
        LetterKind.PAYMENT_REMINDER: ReminderDetails,
        LetterKind.SETTLEMENT_OFFER: SettlementOfferDetails,
        LetterKind.PAID_IN_FULL: PaidInFullDetails,
        LetterKind.COMPLAINT_ACKNOWLEDGEMENT: ComplaintAcknowledgementDetails,
        LetterKind.COMPLAINT_FINAL_RESPONSE: ComplaintFinalResponseDetails,
        LetterKind.VALIDATION_NOTICE: ValidationNoticeDetails,
    }


@dataclass(frozen=True, slots=True)
class LetterContent:
    reference: str
    issued_on: date
    language: DocumentLanguage
    jurisdiction: str
    creditor: Party
    customer: Party
    account: AccountSummary
    details: LetterDetails

    def validate(self, kind: LetterKind) -> None:
        expected = _details_for()[kind]
        if not isinstance(self.details, expected):
            raise DocumentError(
                f"A {kind.value.replace('_', ' ')} letter needs {expected.__name__}, "
                f"not {type(self.details).__name__}."
            )
        if not self.reference.strip():
            raise DocumentError("The letter needs a reference number.")
        if not self.customer.name.strip() or not self.creditor.name.strip():
            raise DocumentError("The letter needs the customer's and the creditor's names.")
        resolve_jurisdiction(self.jurisdiction)
        currency = self.account.currency
        for amount in self.details.amounts():
            if amount.currency != currency:
                raise DocumentError(
                    f"The letter's amounts are in {amount.currency} but the account is in "
                    f"{currency}: a letter is in one currency."
                )
        self.details.check()

    def statements(self, kind: LetterKind) -> tuple[Statement, ...]:
        return tuple(
            statement.filled(
                creditor=self.creditor.short_name, creditor_phone=self.creditor.phone or "—"
            )
            for statement in statements_for(self.jurisdiction, kind.value)
        )

    def canonical(self, kind: LetterKind) -> dict[str, Any]:
        codes = self.language.codes
        return {
            "document": kind.value,
            "templates_version": templates_version(),
            "templates_sha256": templates_sha256(),
            "language": self.language.value,
            "reference": self.reference,
            "issued_on": self.issued_on.isoformat(),
            "jurisdiction": resolve_jurisdiction(self.jurisdiction),
            "creditor": self.creditor.canonical(),
            "customer": self.customer.canonical(),
            "account": self.account.canonical(),
            "details": self.details.canonical(),
            "statements": [
                {
                    "code": s.code,
                    "title": {code: s.title.get(code) for code in codes},
                    "text": {code: s.text.get(code) for code in codes},
                }
                for s in self.statements(kind)
            ],
        }


def _placeholders(content: LetterContent) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customer": content.customer.short_name,
        "creditor": content.creditor.short_name,
        "creditor_phone": content.creditor.phone or "—",
        "account": content.account.number,
        "balance": money(content.account.balance),
        "reference": content.reference,
    }
    values.update(content.details.placeholders())
    return values


def _key_figures(content: LetterContent) -> list[tuple[Text, Text | str]]:
    rows: list[tuple[Text, Text | str]] = [(label("account_number"), content.account.number)]
    rows += content.details.key_figures(content.account)
    return rows


def render_letter(kind: LetterKind | str, content: LetterContent) -> RenderedDocument:
    """Validate and render one letter; same content, same bytes."""
    try:
        letter_kind = LetterKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in LetterKind)
        raise DocumentError(f"Unknown letter {kind!r} (known: {known}).") from None
    content.validate(letter_kind)
    content_hash = sha256_hex(canonical_json(content.canonical(letter_kind)))
    texts = letter_texts(letter_kind.value)
    decor = PageDecor(
        title=texts.title,
        language=content.language,
        reference=content.reference,
        content_sha256=content_hash,
        issued_on=content.issued_on,
        author=content.creditor.name,
        reference_label="letter_reference",
    )
    pdf, pages = blocks.build_pdf(_story(letter_kind, content), decor)
    return RenderedDocument(
        pdf=pdf, sha256=sha256_hex(pdf), content_sha256=content_hash, pages=pages
    )


def _story(kind: LetterKind, content: LetterContent) -> list[Flowable]:
    language = content.language
    s = blocks.styles()
    texts = letter_texts(kind.value)
    values = _placeholders(content)
    creditor = content.creditor

    story: list[Flowable] = [_letterhead(content), Spacer(1, 14)]
    story.extend(blocks.title(texts.title, language))
    story.append(Spacer(1, 6))
    story.append(blocks.key_values(_key_figures(content), language))
    story.extend(content.details.tables(language))
    for index, code in enumerate(language.codes):
        body = s.body_zh if is_chinese(code) else s.body_en
        story.append(Spacer(1, 12))
        if index:
            story.append(blocks.TextLine(texts.title.get(code), 11, rule=True, space_after=6))
        story.append(blocks.paragraph(fill(texts.greeting, **values).get(code), body))
        for part in texts.body:
            story.append(Spacer(1, 5))
            story.append(blocks.paragraph(fill(part, **values).get(code), body))
        story.append(Spacer(1, 10))
        for line in texts.closing.get(code).split("\n"):
            story.append(blocks.paragraph(line, body))
        story.append(Spacer(1, 4))
        story.append(blocks.paragraph(creditor.short_name.get(code), body))
    statements = content.statements(kind)
    if statements:
        story.extend(blocks.section(None, label("statements_section"), language))
        story.append(blocks.statements_block(statements, language))
    return story


def _letterhead(content: LetterContent) -> Flowable:
    """Creditor on the left, recipient below it; date and reference on the right."""
    language = content.language
    s = blocks.styles()
    creditor, customer = content.creditor, content.customer
    first = language.codes[0]
    sender: list[Flowable] = [
        blocks.TextLine(creditor.short_name.get(first), 12),
    ]
    if language is DocumentLanguage.BOTH and creditor.short_name.zh != creditor.short_name.en:
        sender.append(blocks.TextLine(creditor.short_name.zh, 10))
    for line in (creditor.address, creditor.phone):
        if line:
            sender.append(blocks.paragraph(line, s.small_en))
    sender.append(Spacer(1, 14))
    sender.append(blocks.paragraph(customer.display_name.get(first), s.body_en))
    if customer.address:
        sender.append(blocks.paragraph(customer.address, s.body_en))
    meta = blocks.key_values(
        [
            (label("issued_on"), same(day(content.issued_on))),
            (label("letter_reference"), content.reference),
        ],
        language,
        columns=1,
        width=CONTENT_WIDTH * 0.4,
    )
    table = Table(
        [[sender, meta]], colWidths=[CONTENT_WIDTH * 0.6, CONTENT_WIDTH * 0.4], hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
