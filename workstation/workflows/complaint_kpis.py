"""The complaint KPIs beside complaints per 1,000 accounts (``workstation.kpi``): the share
resolved within the deadline, the upheld rate and the top root causes, per agent and team.

Counts are of complaints *received* in the period (for per-1,000 and the causes of what came
in) and of complaints *resolved* in the period (for the in-time share and the upheld rate: a
complaint is judged when it is decided). "Upheld" counts upheld and partly upheld. Ratios are
percentages to one decimal, ``None`` when nothing was resolved.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from workstation.domain.enums import ComplaintOutcome

UPHELD = frozenset({ComplaintOutcome.UPHELD.value, ComplaintOutcome.PARTLY_UPHELD.value})


@dataclass
class ComplaintCounts:
    received: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    upheld: int = 0
    open: int = 0
    overdue: int = 0
    root_causes: Counter[str] = field(default_factory=Counter)

    def resolution(self, outcome: str, resolved_on: date, due_on: date, cause: str | None) -> None:
        self.resolved += 1
        self.resolved_in_time += int(resolved_on <= due_on)
        self.upheld += int(outcome in UPHELD)
        if cause:
            self.root_causes[cause] += 1

    def add(self, other: ComplaintCounts) -> None:
        self.received += other.received
        self.resolved += other.resolved
        self.resolved_in_time += other.resolved_in_time
        self.upheld += other.upheld
        self.open += other.open
        self.overdue += other.overdue
        self.root_causes.update(other.root_causes)

    @property
    def in_time_share(self) -> Decimal | None:
        return _percent(self.resolved_in_time, self.resolved)

    @property
    def upheld_rate(self) -> Decimal | None:
        return _percent(self.upheld, self.resolved)

    def top_causes(self, n: int = 3) -> list[tuple[str, int]]:
        """The ``n`` commonest root causes, most first (ties by code, so stable)."""
        return sorted(self.root_causes.items(), key=lambda item: (-item[1], item[0]))[:n]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
