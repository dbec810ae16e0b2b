"""The validation notice (Regulation F, 12 CFR 1006.34; the CFPB's model form B-1) sent to a
US customer who disputed a debt: who is collecting and for whom, the itemisation of the debt
from the itemisation date to today, the day by which the customer can dispute again, and
their rights — in English and Chinese.

The itemisation always adds up: what was owed on the itemisation date, plus interest and
fees charged since, less payments and credits since, is what is owed now (``check``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.platypus import Flowable, Spacer

from workstation.documents import blocks
from workstation.documents.agreement import AccountSummary
from workstation.documents.blocks import CONTENT_WIDTH
from workstation.documents.errors import DocumentError
from workstation.documents.formatting import day, money
from workstation.documents.texts import DocumentLanguage, fill, label, long_date
from workstation.domain.money import Money
from workstation.text import Text, same


@dataclass(frozen=True, slots=True)
class ValidationNoticeDetails:
    itemization_date: date
    owed_then: Money  # on the itemisation date
    interest: Money  # charged since
    fees: Money  # charged since
    payments: Money  # paid since
    credits: Money  # credited since
    owed_now: Money
    creditor: str  # to whom the debt is owed
    disputed_on: date
    dispute_by: date  # the end of the validation period

    def amounts(self) -> list[Money]:
        return [
            self.owed_then,
            self.interest,
            self.fees,
            self.payments,
            self.credits,
            self.owed_now,
        ]

    def canonical(self) -> dict[str, Any]:
        return {
            "itemization_date": self.itemization_date.isoformat(),
            "owed_then": self.owed_then.wire(),
            "interest": self.interest.wire(),
            "fees": self.fees.wire(),
            "payments": self.payments.wire(),
            "credits": self.credits.wire(),
            "owed_now": self.owed_now.wire(),
            "creditor": self.creditor,
            "disputed_on": self.disputed_on.isoformat(),
            "dispute_by": self.dispute_by.isoformat(),
        }

    def placeholders(self) -> dict[str, Any]:
        return {
            "itemization_date": long_date(self.itemization_date),
            "owed_now": money(self.owed_now),
            "owed_to": self.creditor,
            "disputed_on": long_date(self.disputed_on),
            "dispute_by": long_date(self.dispute_by),
        }

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        return [
            (label("notice_owed_to"), same(self.creditor)),
            (label("notice_owed_now"), money(self.owed_now)),
            (label("notice_disputed_on"), day(self.disputed_on)),
            (label("notice_dispute_by"), day(self.dispute_by)),
        ]

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        when = long_date(self.itemization_date)
        rows: list[tuple[Text, Text | str]] = [
            (fill(label("notice_owed_then"), date=when), money(self.owed_then)),
            (label("notice_interest"), "+ " + money(self.interest)),
            (label("notice_fees"), "+ " + money(self.fees)),
            (label("notice_payments"), "– " + money(self.payments)),
            (label("notice_credits"), "– " + money(self.credits)),
            (label("notice_owed_now"), money(self.owed_now)),
        ]
        return [
            Spacer(1, 8),
            *blocks.section(None, label("notice_itemization"), language),
            blocks.key_values(rows, language, columns=1, width=CONTENT_WIDTH * 0.8),
        ]

    def check(self) -> None:
        for amount in self.amounts():
            if amount.amount < 0:
                raise DocumentError("The itemisation's amounts cannot be negative.")
        total = self.owed_then + self.interest + self.fees - self.payments - self.credits
        if total != self.owed_now:
            raise DocumentError(
                f"The itemisation does not add up: {total.format()} is not "
                f"{self.owed_now.format()} owed now."
            )
        if self.dispute_by < self.disputed_on:
            raise DocumentError("The dispute deadline is before the dispute.")
        if not self.creditor.strip():
            raise DocumentError("The notice names the creditor the debt is owed to.")
