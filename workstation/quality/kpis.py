"""QA KPIs (issue 18): the QA score per agent and team, the critical-fail rate and the pass
rate, shown beside the agent's complaints per 1,000 accounts and mean satisfaction
(``workstation.kpi``) so a lead sees whether quality and outcomes move together.

Counted over the reviews of record (calibration reviews are left out) of conversations in
the period, attributed to the agent whose conversation it was. Like every KPI, a ratio
without a denominator is ``None`` (a dash), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from workstation.kpi import KpiDefinition

QA_KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition("qa_score", "QA score", "质检得分", "score_tenths_sum", "reviews", "percent"),
    KpiDefinition("critical_fail_rate", "Critical-fail rate", "严重项不合格率",
                  "critical_fails", "reviews", "percent", higher_is_better=False),
    KpiDefinition("qa_pass_rate", "QA pass rate", "质检通过率", "passed", "reviews", "percent"),
)  # fmt: skip


@dataclass(slots=True)
class QaCounts:
    reviews: int = 0
    score_tenths_sum: int = 0
    critical_fails: int = 0
    passed: int = 0

    def add(self, other: QaCounts) -> None:
        self.reviews += other.reviews
        self.score_tenths_sum += other.score_tenths_sum
        self.critical_fails += other.critical_fails
        self.passed += other.passed


def _ratio(numerator: int, denominator: int, scale: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def qa_values(counts: QaCounts) -> dict[str, Decimal | None]:
    """Each QA KPI as a percent with two decimals (the score's tenths make ÷ 10)."""
    return {
        "qa_score": _ratio(counts.score_tenths_sum, counts.reviews, Decimal("0.1")),
        "critical_fail_rate": _ratio(counts.critical_fails, counts.reviews, Decimal(100)),
        "qa_pass_rate": _ratio(counts.passed, counts.reviews, Decimal(100)),
    }
