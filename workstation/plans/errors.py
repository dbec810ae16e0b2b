"""The one error type the plan calculators raise, and the input limits they enforce.

Every refusal is a ``PlanError`` whose message a collector can read out to a customer or act
on at the desk, in English and in Simplified Chinese (both are first-class at the desk);
``field`` names the input at fault so a form can highlight it. A calculator either returns a
complete result or raises: nothing half-computed ever leaves this package.
"""

from __future__ import annotations

from decimal import Decimal

from workstation.errors import WorkstationError
from workstation.text import Text

MAX_INSTALMENTS = 600
# Exclusive upper bound, in percent a year: anything at or above it is a typing slip.
MAX_ANNUAL_RATE = Decimal(1000)
# Amounts beyond this are data errors, and keeping them bounded keeps Decimal arithmetic exact.
MAX_AMOUNT = Decimal(1_000_000_000_000)
MAX_SETTLEMENT_PARTS = 6


class PlanError(WorkstationError, ValueError):
    """Input a repayment-plan calculator cannot accept, with a message a collector can read.

    ``str(exc)`` and ``message`` are English (the CLI prints them); ``message_zh`` is the same
    sentence in Chinese, with the same amounts and dates. Every calculator refusal carries
    one; only the operator-facing errors of the CLI and the policy file leave it ``None``
    (they read in English in both languages: the summary has no Chinese on purpose).
    ``text(language)`` reads the message in "en", "zh", "zh-CN" …
    """

    summary = Text("The plan cannot be calculated", "")

    def __init__(self, message: str, *, zh: str | None = None, field: str | None = None) -> None:
        super().__init__(message, zh=zh)
        self.field = field

    @property
    def message(self) -> str:
        return self.message_en
