"""KPI definitions shared by the backend (which counts in SQL) and the UI (which shows them).

DESIGN §8. Each KPI is a ratio of two counts gathered over one period for one agent or one
team. What is counted, and for whom:

- **attempts / right-party contacts**: contact-attempt events whose disposition
  ``counts_as_attempt`` / ``is_right_party`` (the disposition catalogue), plus field visits
  (every visit is an attempt; ``met_debtor`` is a right-party contact); attributed to the
  person who recorded them, by ``occurred_at``.
- **promises**: promise events recorded in the period, by their recorder.
- **kept rate**: promises whose due date falls in the period and whose fate is decided,
  kept ÷ (kept + broken); attributed to the promise's recorder.
- **recovery**: *confirmed* payments dated in the period on the accounts the agent holds
  now ÷ the placed amount of those accounts, per currency (amounts in different currencies
  never mix). Money an agent reported and the bank has not confirmed is counted apart
  (``reported``, shown beside recovery as "reported, unconfirmed"), never in it.

Voided events count nowhere; money sums are exact however large (the server splits them).
- **complaints per 1,000 accounts**: complaints in the period on the accounts held now,
  per 1,000 of those accounts.
- **mean satisfaction (agent-entered)**: mean of the satisfaction scores (1-5) the agents
  recorded in the period; the customers' own answers to the portal's survey are counted
  apart (``GET /api/v1/portal/kpis``: satisfaction by channel, the response rate).
- **cure rate**: accounts delinquent (past due, bucket worse than current) and not closed at
  the start of the period that are current or paid/settled at its end ÷ accounts delinquent
  at the start.
- **roll rate**: accounts in a delinquent bucket that has a worse one (1-29 … 90-179) and not
  closed at the start of the period that are in a worse bucket (and not paid/settled) at its
  end ÷ those accounts. ``roll_rates_by_bucket`` gives it per starting bucket, including
  current → 1-29 (accounts falling into delinquency).
  Both are attributed to the account's owner at the start of the period (the agent who held
  it when the period began, even if it was reassigned since); "start" is the end of the day
  before the period's first day, "end" the end of its last day (``server.bucket_history``).

Ratios are ``Decimal``; ``None`` means "no denominator" (shown as a dash, never as 0 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Bucket
from workstation.text import is_chinese


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    key: str
    label_en: str
    label_zh: str
    numerator: str
    denominator: str
    unit: str  # "percent", "per_1000" or "score"
    higher_is_better: bool = True

    def label(self, language: str) -> str:
        return self.label_zh if is_chinese(language) else self.label_en


KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition("rpc_rate", "RPC rate", "本人接通率", "right_party_contacts", "attempts",
                  "percent"),
    KpiDefinition("ptp_rate", "PTP rate", "承诺还款率", "promises", "right_party_contacts",
                  "percent"),
    KpiDefinition("kept_rate", "Kept rate", "承诺兑现率", "promises_kept", "promises_due",
                  "percent"),
    KpiDefinition("recovery_rate", "Recovery rate", "回收率", "collected", "placed", "percent"),
    KpiDefinition("complaints_per_1000", "Complaints per 1,000 accounts", "每千户投诉数",
                  "complaints", "accounts", "per_1000", higher_is_better=False),
    KpiDefinition("mean_satisfaction", "Mean satisfaction (agent-entered)",
                  "平均满意度（坐席录入）", "satisfaction_sum", "satisfaction_count", "score"),
    KpiDefinition("cure_rate", "Cure rate", "治愈率", "cured", "delinquent_at_start",
                  "percent"),
    KpiDefinition("roll_rate", "Roll rate", "迁徙率", "rolled", "roll_base",
                  "percent", higher_is_better=False),
)  # fmt: skip
BY_KEY: Mapping[str, KpiDefinition] = {k.key: k for k in KPIS}


@cache
def attempt_codes() -> frozenset[str]:
    return frozenset(d.code for d in default_catalogue() if d.counts_as_attempt)


@cache
def right_party_codes() -> frozenset[str]:
    return frozenset(d.code for d in default_catalogue() if d.is_right_party)


@dataclass(slots=True)
class KpiCounts:
    """The raw counts of one agent or team over one period (money in minor units)."""

    attempts: int = 0
    right_party_contacts: int = 0
    promises: int = 0
    promises_due: int = 0
    promises_kept: int = 0
    complaints: int = 0
    accounts: int = 0
    satisfaction_sum: int = 0
    satisfaction_count: int = 0
    collected: dict[str, int] = field(default_factory=dict)  # currency -> minor units
    placed: dict[str, int] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)  # reported, unconfirmed
    delinquent_at_start: int = 0
    cured: int = 0
    roll_base: int = 0
    rolled: int = 0
    # starting bucket (``Bucket`` value) -> accounts in it at the start / of those, rolled
    in_bucket_at_start: dict[str, int] = field(default_factory=dict)
    rolled_from_bucket: dict[str, int] = field(default_factory=dict)

    def add(self, other: KpiCounts) -> None:
        for name in (
            "attempts", "right_party_contacts", "promises", "promises_due", "promises_kept",
            "complaints", "accounts", "satisfaction_sum", "satisfaction_count",
            "delinquent_at_start", "cured", "roll_base", "rolled",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for target, source in (
            (self.collected, other.collected),
            (self.placed, other.placed),
            (self.reported, other.reported),
            (self.in_bucket_at_start, other.in_bucket_at_start),
            (self.rolled_from_bucket, other.rolled_from_bucket),
        ):
            for key, value in source.items():
                target[key] = target.get(key, 0) + value


def _ratio(numerator: int, denominator: int, scale: int, places: str) -> Decimal | None:
    if denominator <= 0:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def recovery_by_currency(counts: KpiCounts) -> dict[str, Decimal | None]:
    return {
        currency: _ratio(counts.collected.get(currency, 0), placed, 100, "0.01")
        for currency, placed in sorted(counts.placed.items())
    }


def roll_rates_by_bucket(counts: KpiCounts) -> dict[str, Decimal | None]:
    """Roll rate from each bucket that has a worse one (current … 90-179), in bucket order."""
    return {
        bucket.value: _ratio(
            counts.rolled_from_bucket.get(bucket.value, 0),
            counts.in_bucket_at_start.get(bucket.value, 0),
            100,
            "0.01",
        )
        for bucket in tuple(Bucket)[:-1]
    }


def compute(counts: KpiCounts) -> dict[str, Decimal | None]:
    """Every KPI of ``KPIS`` from the counts. Percentages are 0-100 with two decimals.

    Recovery is given only when the counted accounts are all in one currency (amounts in
    different currencies never add up); otherwise ``None`` and see ``recovery_by_currency``.
    """
    recovery = recovery_by_currency(counts)
    return {
        "rpc_rate": _ratio(counts.right_party_contacts, counts.attempts, 100, "0.01"),
        "ptp_rate": _ratio(counts.promises, counts.right_party_contacts, 100, "0.01"),
        "kept_rate": _ratio(counts.promises_kept, counts.promises_due, 100, "0.01"),
        "recovery_rate": next(iter(recovery.values())) if len(recovery) == 1 else None,
        "complaints_per_1000": _ratio(counts.complaints, counts.accounts, 1000, "0.01"),
        "mean_satisfaction": _ratio(counts.satisfaction_sum, counts.satisfaction_count, 1, "0.01"),
        "cure_rate": _ratio(counts.cured, counts.delinquent_at_start, 100, "0.01"),
        "roll_rate": _ratio(counts.rolled, counts.roll_base, 100, "0.01"),
    }
