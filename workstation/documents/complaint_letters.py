"""A complaint's letters: the acknowledgement and the final response.

Both print the complaint's reference as the letter's reference (``CP-2027-000123``), the day
it was received and its final deadline; the final response adds the outcome, the root cause,
what was found and done and any redress. The words are ``resources/templates/letters.toml``;
what the customer's rule pack requires a complaint letter to say (the Financial Ombudsman
referral in the UK, the regulator's hotline in China, the CFPB in the US) is the
jurisdiction's statements for the letter kind in ``agreement_statements.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.platypus import Flowable, Spacer

from workstation.documents import blocks
from workstation.documents.agreement import AccountSummary
from workstation.documents.errors import DocumentError
from workstation.documents.formatting import day, money
from workstation.documents.texts import DocumentLanguage, label, long_date
from workstation.domain.money import Money
from workstation.text import Text, same


@dataclass(frozen=True, slots=True)
class ComplaintAcknowledgementDetails:
    received_on: date
    about: Text  # what the complaint is about (its category, in words)
    handler: str  # who handles it
    final_by: date

    def amounts(self) -> list[Money]:
        return []

    def canonical(self) -> dict[str, Any]:
        return {
            "received_on": self.received_on.isoformat(),
            "about": {"en": self.about.en, "zh": self.about.zh},
            "handler": self.handler,
            "final_by": self.final_by.isoformat(),
        }

    def placeholders(self) -> dict[str, Any]:
        return {
            "received_on": long_date(self.received_on),
            "about": self.about,
            "handler": self.handler,
            "final_by": long_date(self.final_by),
        }

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        return [
            (label("complaint_received_on"), day(self.received_on)),
            (label("complaint_about"), self.about),
            (label("complaint_handler"), same(self.handler)),
            (label("complaint_final_by"), day(self.final_by)),
        ]

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        return []

    def check(self) -> None:
        if self.final_by < self.received_on:
            raise DocumentError("The complaint's deadline is before the day it was received.")
        if not self.handler.strip():
            raise DocumentError("The acknowledgement names who handles the complaint.")


@dataclass(frozen=True, slots=True)
class ComplaintFinalResponseDetails:
    received_on: date
    resolved_on: date
    final_by: date
    outcome: Text
    root_cause: Text | None
    resolution: str  # what was found and decided, as the handler wrote it
    remedy: str  # what was done about it
    redress: Money | None

    def amounts(self) -> list[Money]:
        return [self.redress] if self.redress is not None else []

    def canonical(self) -> dict[str, Any]:
        return {
            "received_on": self.received_on.isoformat(),
            "resolved_on": self.resolved_on.isoformat(),
            "final_by": self.final_by.isoformat(),
            "outcome": {"en": self.outcome.en, "zh": self.outcome.zh},
            "root_cause": None
            if self.root_cause is None
            else {"en": self.root_cause.en, "zh": self.root_cause.zh},
            "resolution": self.resolution,
            "remedy": self.remedy,
            "redress": self.redress.wire() if self.redress is not None else None,
        }

    def placeholders(self) -> dict[str, Any]:
        return {
            "received_on": long_date(self.received_on),
            "resolved_on": long_date(self.resolved_on),
            "final_by": long_date(self.final_by),
            "outcome": self.outcome,
        }

    def key_figures(self, account: AccountSummary) -> list[tuple[Text, Text | str]]:
        rows: list[tuple[Text, Text | str]] = [
            (label("complaint_received_on"), day(self.received_on)),
            (label("complaint_resolved_on"), day(self.resolved_on)),
            (label("complaint_outcome"), self.outcome),
        ]
        if self.root_cause is not None:
            rows.append((label("complaint_root_cause"), self.root_cause))
        if self.redress is not None and self.redress.is_positive():
            rows.append((label("complaint_redress"), money(self.redress)))
        return rows

    def tables(self, language: DocumentLanguage) -> list[Flowable]:
        """What was found and what was done, as the handler wrote them (one language)."""
        rows = [(label("complaint_findings"), same(self.resolution.strip()))]
        if self.remedy.strip():
            rows.append((label("complaint_remedy"), same(self.remedy.strip())))
        return [Spacer(1, 8), blocks.key_values(rows, language, columns=1)]

    def check(self) -> None:
        if self.resolved_on < self.received_on:
            raise DocumentError("The complaint is resolved before it was received.")
        if not self.resolution.strip():
            raise DocumentError("The final response says what was found and decided.")
        if self.redress is not None and self.redress.amount < 0:
            raise DocumentError("Redress cannot be negative.")
