"""An experiment's results per arm, per week and to date, each KPI with its interval.

The KPIs are the team's own (``workstation.kpi``: the same definitions, the same attempt and
right-party codes, cure and roll from ``bucket_history`` as ``server.lead`` counts them, only
confirmed money as recovery), counted per account of the experiment rather than per agent,
because accounts are what was randomised: each arm's ``KpiCounts`` gives the point values
through ``kpi.compute``, and the per-account numerators and denominators give the intervals
(``workstation.strategy.stats``). Added here: contacts per 1,000 collected (what the arm's
contacts cost: attempts, visits and strategy messages per 1,000 units of confirmed money).

Money never adds up across currencies (the team's KPI gives recovery per currency and none
for a mixed book). So the two money metrics — recovery and contacts per 1,000 collected —
are ratios *within* each currency (Σ paid ÷ Σ placed over the arm's accounts in CNY, in USD,
…), and an arm's figure is the mean of its per-currency ratios weighted by each currency's
share of the experiment's accounts (both arms together, so both arms are weighed alike; a
currency only one arm can estimate is left out and the weights renormalised:
``stats.compare_strata``). A book in one currency gets exactly Σ paid ÷ Σ placed, the team's
recovery; each currency's own comparison is given beside (``by_currency``).

The verdict is recovery's at the experiment's confidence; a challenger whose complaints per
1,000 exceed the champion's by more than the experiment's guard-rail is flagged whatever its
recovery.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import (
    AccountStatus,
    Direction,
    EventType,
    PaymentSource,
    PaymentStatus,
    PromiseStatus,
    VisitOutcome,
)
from workstation.domain.money import MINOR_DIGITS
from workstation.kpi import BY_KEY, KpiCounts, attempt_codes, compute, right_party_codes
from workstation.server.bucket_history import BUCKET_ORDER, bucket_rank, state_as_of
from workstation.server.lifecycle.money_kpis import not_voided
from workstation.server.models import AccountRow, EventRow, PaymentRow, PromiseRow
from workstation.server.strategy.models import Experiment, ExperimentAssignment
from workstation.strategy.assign import CHALLENGER, CHAMPION
from workstation.strategy.stats import (
    Comparison,
    Estimate,
    RatioSums,
    Stratum,
    compare,
    compare_strata,
    guard_rail_broken,
)

_CLOSED = tuple(s.value for s in AccountStatus if s.is_closed)
_PAID_UP = (AccountStatus.PAID.value, AccountStatus.SETTLED.value)


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label_en: str
    label_zh: str
    scale: float  # 100 for a percentage, 1,000 for "per 1,000"
    higher_is_better: bool
    per_currency: bool = False  # a ratio of money: compared within each currency


def _kpi(key: str, scale: float, *, per_currency: bool = False) -> Metric:
    definition = BY_KEY[key]
    return Metric(key, definition.label_en, definition.label_zh, scale,
                  definition.higher_is_better, per_currency)  # fmt: skip


METRICS: tuple[Metric, ...] = (
    _kpi("recovery_rate", 100, per_currency=True),
    _kpi("cure_rate", 100),
    _kpi("roll_rate", 100),
    _kpi("rpc_rate", 100),
    _kpi("ptp_rate", 100),
    _kpi("kept_rate", 100),
    _kpi("complaints_per_1000", 1000),
    _kpi("mean_satisfaction", 1),
    Metric("contacts_per_1000_collected", "Contacts per 1,000 collected", "每千元回款联系次数",
           1000, higher_is_better=False, per_currency=True),
)  # fmt: skip
PRIMARY = "recovery_rate"


@dataclass
class _Account:
    """One account's counts over the period (money in minor units)."""

    arm: str
    currency: str = ""
    placed: int = 0
    collected: int = 0
    attempts: int = 0
    rpc: int = 0
    promises: int = 0
    promises_due: int = 0
    promises_kept: int = 0
    complaints: int = 0
    sat_sum: int = 0
    sat_count: int = 0
    contacts: int = 0
    delinquent: int = 0
    cured: int = 0
    roll_base: int = 0
    rolled: int = 0


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(0), UTC),
        datetime.combine(end + timedelta(days=1), time(0), UTC),
    )


def account_counts(
    session: Session, experiment_id: str, start_day: date, end_day: date
) -> dict[str, _Account]:
    """Every assigned account's counts for ``[start_day, end_day]`` (UTC days, inclusive)."""
    assigned = select(ExperimentAssignment.account_id, ExperimentAssignment.arm).where(
        ExperimentAssignment.experiment_id == experiment_id
    )
    accounts: dict[str, _Account] = {}
    for account_id, arm, currency, placed in session.execute(
        select(
            ExperimentAssignment.account_id,
            ExperimentAssignment.arm,
            AccountRow.currency,
            AccountRow.placed_minor,
        )
        .join(AccountRow, AccountRow.id == ExperimentAssignment.account_id)
        .where(ExperimentAssignment.experiment_id == experiment_id)
    ):
        accounts[account_id] = _Account(arm, currency, int(placed))
    if not accounts:
        return accounts
    ids = assigned.with_only_columns(ExperimentAssignment.account_id).scalar_subquery()
    start, end = _bounds(start_day, end_day)
    is_contact = EventRow.type == EventType.CONTACT_ATTEMPT.value
    is_visit = EventRow.type == EventType.VISIT.value
    met = EventRow.payload["outcome"].as_string() == VisitOutcome.MET_DEBTOR.value
    is_message = and_(
        EventRow.type == EventType.MESSAGE.value,
        EventRow.payload["status"].as_string() == "queued",
        EventRow.payload["direction"].as_string() == Direction.OUTBOUND.value,
    )

    def flag(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    attempt = or_(and_(is_contact, EventRow.disposition.in_(list(attempt_codes()))), is_visit)
    for row in session.execute(
        select(
            EventRow.account_id,
            flag(attempt),
            flag(
                or_(
                    and_(is_contact, EventRow.disposition.in_(list(right_party_codes()))),
                    and_(is_visit, met),
                )
            ),
            flag(EventRow.type == EventType.PROMISE.value),
            flag(EventRow.type == EventType.SATISFACTION.value),
            func.sum(
                case((EventRow.type == EventType.SATISFACTION.value, EventRow.score), else_=0)
            ),
            flag(
                and_(
                    EventRow.type == EventType.COMPLAINT.value,
                    EventRow.payload["complaint_id"].as_string().is_(None),
                )
            ),
            flag(is_message),
        )
        .where(
            EventRow.account_id.in_(ids),
            EventRow.occurred_at >= start,
            EventRow.occurred_at < end,
            not_voided(),
        )
        .group_by(EventRow.account_id)
    ):
        entry = accounts[row[0]]
        entry.attempts, entry.rpc, entry.promises = (
            int(row[1] or 0),
            int(row[2] or 0),
            int(row[3] or 0),
        )
        entry.sat_count, entry.sat_sum = int(row[4] or 0), int(row[5] or 0)
        entry.complaints = int(row[6] or 0)
        entry.contacts = entry.attempts + int(row[7] or 0)
    for account_id, due, kept in session.execute(
        select(
            PromiseRow.account_id,
            func.count(),
            func.sum(case((PromiseRow.status == PromiseStatus.KEPT.value, 1), else_=0)),
        )
        .where(
            PromiseRow.account_id.in_(ids),
            PromiseRow.due_date >= start_day,
            PromiseRow.due_date <= end_day,
            PromiseRow.status.in_([PromiseStatus.KEPT.value, PromiseStatus.BROKEN.value]),
        )
        .group_by(PromiseRow.account_id)
    ):
        accounts[account_id].promises_due = int(due or 0)
        accounts[account_id].promises_kept = int(kept or 0)
    for account_id, money in session.execute(
        select(PaymentRow.account_id, func.sum(PaymentRow.amount_minor))
        .where(
            PaymentRow.account_id.in_(ids),
            PaymentRow.source == PaymentSource.CONFIRMED.value,
            PaymentRow.status == PaymentStatus.APPLIED.value,
            PaymentRow.paid_on >= start_day,
            PaymentRow.paid_on <= end_day,
        )
        .group_by(PaymentRow.account_id)
    ):
        accounts[account_id].collected = int(money or 0)
    # cure and roll as the team's KPIs count them (``server.lead._delinquency_counts``)
    begin, finish = state_as_of(start_day - timedelta(days=1)), state_as_of(end_day)
    from_rank, to_rank = bucket_rank(begin.c.days_past_due), bucket_rank(finish.c.days_past_due)
    worst = len(BUCKET_ORDER) - 1
    for account_id, from_value, to_value, status_end in session.execute(
        select(begin.c.account_id, from_rank, to_rank, finish.c.status)
        .join(finish, finish.c.account_id == begin.c.account_id)
        .where(begin.c.account_id.in_(ids), begin.c.status.not_in(_CLOSED))
    ):
        entry = accounts[account_id]
        rank_from, rank_to = int(from_value), int(to_value)
        settled = status_end in _PAID_UP
        if rank_from > 0:
            entry.delinquent = 1
            entry.cured = int(rank_to == 0 or settled)
            if rank_from < worst:
                entry.roll_base = 1
                entry.rolled = int(rank_to > rank_from and not settled)
    return accounts


def _pairs(entry: _Account) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each metric for one account."""
    major = 10 ** MINOR_DIGITS.get(entry.currency, 2)
    return {
        "recovery_rate": (entry.collected, entry.placed),
        "cure_rate": (entry.cured, entry.delinquent),
        "roll_rate": (entry.rolled, entry.roll_base),
        "rpc_rate": (entry.rpc, entry.attempts),
        "ptp_rate": (entry.promises, entry.rpc),
        "kept_rate": (entry.promises_kept, entry.promises_due),
        "complaints_per_1000": (entry.complaints, 1),
        "mean_satisfaction": (entry.sat_sum, entry.sat_count),
        "contacts_per_1000_collected": (entry.contacts, entry.collected / major),
    }


def _counts(entries: list[_Account]) -> KpiCounts:
    """The arm's counts as the team's KPIs hold them (``kpi.compute`` gives the points)."""
    counts = KpiCounts()
    for e in entries:
        counts.attempts += e.attempts
        counts.right_party_contacts += e.rpc
        counts.promises += e.promises
        counts.promises_due += e.promises_due
        counts.promises_kept += e.promises_kept
        counts.complaints += e.complaints
        counts.accounts += 1
        counts.satisfaction_sum += e.sat_sum
        counts.satisfaction_count += e.sat_count
        counts.collected[e.currency] = counts.collected.get(e.currency, 0) + e.collected
        counts.placed[e.currency] = counts.placed.get(e.currency, 0) + e.placed
        counts.delinquent_at_start += e.delinquent
        counts.cured += e.cured
        counts.roll_base += e.roll_base
        counts.rolled += e.rolled
    return counts


def _estimate_out(estimate: Estimate) -> dict[str, Any]:
    def r(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {"value": r(estimate.value), "low": r(estimate.low), "high": r(estimate.high),
            "n": estimate.n}  # fmt: skip


def _comparison_out(metric: Metric, comparison: Comparison) -> dict[str, Any]:
    return {
        "key": metric.key,
        "label_en": metric.label_en,
        "label_zh": metric.label_zh,
        "higher_is_better": metric.higher_is_better,
        "champion": _estimate_out(comparison.champion),
        "challenger": _estimate_out(comparison.challenger),
        "difference": _estimate_out(comparison.difference),
        "verdict": comparison.verdict.value,
        "verdict_en": comparison.verdict.text.en,
        "verdict_zh": comparison.verdict.text.zh,
    }


def period_results(
    session: Session, experiment: Experiment, start_day: date, end_day: date
) -> dict[str, Any]:
    """Every metric for both arms over one period, with intervals and verdicts."""
    accounts = account_counts(session, experiment.id, start_day, end_day)
    arms: dict[str, list[_Account]] = defaultdict(list)
    for entry in accounts.values():
        arms[entry.arm].append(entry)
    sums = {arm: {m.key: RatioSums() for m in METRICS} for arm in (CHAMPION, CHALLENGER)}
    # the money metrics' sums per currency: {currency: {arm: {key: sums}}}
    by_currency: dict[str, dict[str, dict[str, RatioSums]]] = {}
    money = [m.key for m in METRICS if m.per_currency]
    for arm, entries in arms.items():
        for entry in entries:
            per_currency = by_currency.setdefault(
                entry.currency,
                {a: {key: RatioSums() for key in money} for a in (CHAMPION, CHALLENGER)},
            )
            for key, (y, x) in _pairs(entry).items():
                sums[arm][key].add(float(y), float(x))
                if key in per_currency[arm]:
                    per_currency[arm][key].add(float(y), float(x))
    points = {arm: compute(_counts(arms.get(arm, []))) for arm in (CHAMPION, CHALLENGER)}
    metrics: list[dict[str, Any]] = []
    comparisons: dict[str, Comparison] = {}
    for metric in METRICS:
        currencies: dict[str, dict[str, Any]] = {}
        if metric.per_currency:
            strata: list[Stratum] = []
            for currency, arm_sums in sorted(by_currency.items()):
                a, b = arm_sums[CHAMPION][metric.key], arm_sums[CHALLENGER][metric.key]
                stratum = Stratum(float(a.n + b.n), a, b)
                strata.append(stratum)
                own = compare(a, b, experiment.confidence,
                              higher_is_better=metric.higher_is_better)  # fmt: skip
                scaled = own.scaled(metric.scale)
                currencies[currency] = {
                    "champion": _estimate_out(scaled.champion),
                    "challenger": _estimate_out(scaled.challenger),
                    "difference": _estimate_out(scaled.difference),
                    "verdict": scaled.verdict.value,
                    "weight": round(stratum.weight / len(accounts), 4),
                    "counted": stratum.comparable,
                }
            comparison = compare_strata(
                strata, experiment.confidence, higher_is_better=metric.higher_is_better
            ).scaled(metric.scale)
        else:
            comparison = compare(
                sums[CHAMPION][metric.key],
                sums[CHALLENGER][metric.key],
                experiment.confidence,
                higher_is_better=metric.higher_is_better,
            ).scaled(metric.scale)
        comparisons[metric.key] = comparison
        out = _comparison_out(metric, comparison)
        if metric.per_currency:
            out["by_currency"] = currencies
        # the team's own KPI values (two decimals) beside the interval's centre
        out["kpi"] = {
            arm: (str(points[arm].get(metric.key)) if points[arm].get(metric.key) is not None
                  else None)
            for arm in (CHAMPION, CHALLENGER)
        }  # fmt: skip
        metrics.append(out)
    complaints = comparisons["complaints_per_1000"]
    primary = comparisons[PRIMARY]
    return {
        "from": start_day.isoformat(),
        "to": end_day.isoformat(),
        "accounts": {arm: len(arms.get(arm, [])) for arm in (CHAMPION, CHALLENGER)},
        "metrics": metrics,
        "verdict": primary.verdict.value,
        "verdict_en": primary.verdict.text.en,
        "verdict_zh": primary.verdict.text.zh,
        "complaints_flagged": guard_rail_broken(complaints, experiment.complaints_guard),
    }


def results(session: Session, experiment: Experiment, as_of: date) -> dict[str, Any]:
    """To date (from the start to ``as_of`` or the end) and per week (Monday to Sunday)."""
    end = min(as_of, experiment.ended_on) if experiment.ended_on else as_of
    start = experiment.started_on
    weeks: list[dict[str, Any]] = []
    week = start - timedelta(days=start.weekday())
    while week <= end:
        last = min(week + timedelta(days=6), end)
        period = period_results(session, experiment, max(week, start), last)
        weeks.append({"week_start": week.isoformat(), **period})
        week += timedelta(days=7)
    return {
        "experiment_id": experiment.id,
        "confidence": experiment.confidence,
        "complaints_guard": experiment.complaints_guard,
        "to_date": period_results(session, experiment, start, max(end, start)),
        "weeks": weeks,
    }
