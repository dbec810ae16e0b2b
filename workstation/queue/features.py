"""Propensity features: the numbers the scorecard reads, derived from an account and its history.

This module owns the *meaning* of every feature name a scorecard file may use. The file
carries the coefficients (data, retrainable); the code here says how a name is computed,
so a scorecard that names a feature this client does not know is rejected at load.

Features are grouped so reason codes can separate the customer's *ability* to pay
(income, obligations, hardship) from their *willingness* (promises kept or broken,
answering the phone, paying something) and from the account's *situation* (how late,
how large, how old).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import CustomerFlag, EventType
from workstation.domain.model import Account, Customer, Event

ABILITY = "ability"
WILLINGNESS = "willingness"
SITUATION = "situation"
GROUPS = (ABILITY, WILLINGNESS, SITUATION)

# Look-back for "recent" behaviour; long enough to see a promise cycle, short enough to
# forget last year's customer.
RECENT_DAYS = 90
#: the only event types ``extract_features`` reads (contact attempts only within
#: ``RECENT_DAYS``); a caller reading history from a database may fetch just these
FEATURE_EVENT_TYPES = frozenset(
    {EventType.CONTACT_ATTEMPT, EventType.PROMISE, EventType.PAYMENT, EventType.DISPUTE}
)
PARTIAL_PAYMENT_DAYS = 30
# Caps keep one extreme account from dominating a fitted coefficient.
MAX_DAYS_SINCE_PAYMENT = 365.0
MAX_DPD = 360.0
MAX_BALANCE_TO_INCOME = 60.0


# Effects of a conversation that mean the customer committed to pay.
_COMMITMENT_EFFECTS = frozenset({"promise", "plan", "payment", "settlement"})
# Right-party outcomes that say "will not pay"; the catalogue has no effect flag for it.
_REFUSAL_CODES = frozenset({"REFUSED", "ABUSIVE"})


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    name: str
    group: str
    description: str


FEATURES: dict[str, FeatureSpec] = {
    spec.name: spec
    for spec in (
        FeatureSpec("days_past_due", SITUATION, "days past due, capped at 360"),
        FeatureSpec("log_balance", SITUATION, "ln(1 + outstanding balance in major units)"),
        FeatureSpec("past_due_share", SITUATION, "past-due amount ÷ outstanding balance"),
        FeatureSpec("account_age_months", SITUATION, "months since the account was opened"),
        FeatureSpec("attempts_recent", SITUATION, "ln(1 + contact attempts in the last 90 days)"),
        FeatureSpec(
            "rpc_share", WILLINGNESS, "share of recent attempts that reached the right party"
        ),
        FeatureSpec(
            "promise_share", WILLINGNESS, "share of recent right-party contacts ending in a promise"
        ),
        FeatureSpec(
            "refusal_share", WILLINGNESS, "share of recent right-party contacts that refused to pay"
        ),
        FeatureSpec("kept_promises", WILLINGNESS, "promises kept so far"),
        FeatureSpec("broken_promises", WILLINGNESS, "promises broken so far"),
        FeatureSpec(
            "recent_partial_payment", WILLINGNESS, "1 if anything was paid in the last 30 days"
        ),
        FeatureSpec("payments_recent", WILLINGNESS, "payments received in the last 90 days"),
        FeatureSpec(
            "days_since_payment", WILLINGNESS, "days since the last payment, capped at 365"
        ),
        FeatureSpec("disputes", WILLINGNESS, "disputes raised so far"),
        FeatureSpec(
            "paid_share_recent",
            ABILITY,
            "money paid in the last 90 days ÷ (that money + the amount past due)",
        ),
        FeatureSpec("hardship", ABILITY, "1 if the customer is flagged in hardship"),
        FeatureSpec(
            "income_margin", ABILITY, "(monthly income − essential expenses) ÷ income, −1…1"
        ),
        FeatureSpec(
            "balance_to_income", ABILITY, "outstanding balance ÷ monthly income, capped at 60"
        ),
    )
}


_TAKING_BACK = frozenset({EventType.VOID, EventType.PAYMENT_RETURN})


def _major(value: Decimal) -> float:
    # Features are model inputs, not money; float is the right type once we leave the ledger.
    return float(value)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def extract_features(
    customer: Customer,
    account: Account,
    events: Iterable[Event],
    as_of: datetime,
    *,
    catalogue: DispositionCatalogue | None = None,
) -> dict[str, float]:
    """Every feature for one account, from its state and the events before ``as_of``.

    Events at or after ``as_of`` are ignored so the same function builds training samples
    from a cut of history (no peeking at the outcome window). Unknown quantities (no
    income on file) are left out; the scorecard then uses its neutral default.
    """
    catalogue = catalogue or default_catalogue()
    as_of = _aware(as_of)
    recent_from = as_of - timedelta(days=RECENT_DAYS)
    partial_from = as_of - timedelta(days=PARTIAL_PAYMENT_DAYS)

    attempts = 0
    right_party = 0
    promised = 0
    refused = 0
    kept = 0
    broken = 0
    last_payment: datetime | None = None
    payments_recent = 0
    paid_recent = 0.0
    disputes = 0
    events = list(events)
    # a payment voided, or taken back by the bank, before ``as_of`` was no money at all
    taken_back = {
        str(e.payload.get("target_event_id"))
        for e in events
        if e.type in _TAKING_BACK and _aware(e.occurred_at) < as_of
    }
    for event in events:
        at = _aware(event.occurred_at)
        if at >= as_of or event.id in taken_back:
            continue
        if event.type is EventType.CONTACT_ATTEMPT:
            if at < recent_from:
                continue
            disposition = catalogue.get(event.disposition or "")
            if disposition is None or not disposition.counts_as_attempt:
                continue
            attempts += 1
            right_party += disposition.is_right_party
            # the catalogue's effects say what a conversation produced, not the code's name
            promised += not disposition.sets.isdisjoint(_COMMITMENT_EFFECTS)
            refused += disposition.code in _REFUSAL_CODES
        elif event.type is EventType.PROMISE:
            status = _promise_status(event.payload, as_of)
            kept += status == "kept"
            broken += status == "broken"
        elif event.type is EventType.PAYMENT:
            if at >= recent_from:
                payments_recent += 1
                amount = event.payload.get("amount")
                # an unreadable amount is no evidence of ability
                with contextlib.suppress(ValueError, TypeError):
                    paid_recent += max(float(amount), 0.0) if amount is not None else 0.0
            if last_payment is None or at > last_payment:
                last_payment = at
        elif event.type is EventType.DISPUTE:
            disputes += 1

    balance = _major(account.balance.amount)
    # what is owed now: the past-due amount, or the balance when nothing is past due
    owed = _major(account.past_due.amount) or balance
    features: dict[str, float] = {
        "days_past_due": float(min(max(account.days_past_due, 0), MAX_DPD)),
        "log_balance": math.log1p(max(balance, 0.0)),
        "past_due_share": min(_major(account.past_due.amount) / balance, 1.0)
        if balance > 0
        else 0.0,
        "attempts_recent": math.log1p(attempts),
        "kept_promises": float(kept),
        "broken_promises": float(broken),
        "payments_recent": float(payments_recent),
        "recent_partial_payment": 1.0
        if last_payment is not None and last_payment >= partial_from
        else 0.0,
        "days_since_payment": MAX_DAYS_SINCE_PAYMENT
        if last_payment is None
        else min((as_of - last_payment).total_seconds() / 86400.0, MAX_DAYS_SINCE_PAYMENT),
        "hardship": 1.0 if customer.has(CustomerFlag.HARDSHIP) else 0.0,
        "disputes": float(disputes),
        "paid_share_recent": paid_recent / (paid_recent + owed) if paid_recent + owed > 0 else 0.0,
    }
    if attempts:
        features["rpc_share"] = right_party / attempts
    if right_party:
        features["promise_share"] = promised / right_party
        features["refusal_share"] = refused / right_party
    if account.opened_on is not None:
        features["account_age_months"] = max((as_of.date() - account.opened_on).days, 0) / 30.44
    income = customer.monthly_income
    if income is not None and income.amount > 0:
        income_major = _major(income.amount)
        if customer.monthly_expenses is not None:
            margin = (income_major - _major(customer.monthly_expenses.amount)) / income_major
            features["income_margin"] = max(-1.0, min(1.0, margin))
        features["balance_to_income"] = min(balance / income_major, MAX_BALANCE_TO_INCOME)
    return features


def _promise_status(payload: Mapping[str, Any], as_of: datetime) -> str:
    """Status of a promise as known at ``as_of``.

    A promise whose due date is still ahead of the cut is neither kept nor broken yet, even
    if the stored payload (written later) already says so; this keeps training honest.
    """
    status = str(payload.get("status", "open"))
    due = payload.get("due_date")
    if due and status in ("kept", "broken"):
        try:
            due_on = date.fromisoformat(str(due))
        except ValueError:
            return status
        if due_on >= as_of.date():
            return "open"
    return status


def row_features(
    balance: float, past_due: float, days_past_due: int, flags: Iterable[str]
) -> dict[str, float]:
    """The features a bare queue row shows (major units); the scorecard's mean fills the rest.

    Used when neither full features nor a stored score are at hand, so an account is
    still ranked by what is visible rather than not at all.
    """
    return {
        "days_past_due": float(min(max(days_past_due, 0), MAX_DPD)),
        "log_balance": math.log1p(max(balance, 0.0)),
        "past_due_share": min(past_due / balance, 1.0) if balance > 0 else 0.0,
        "hardship": 1.0 if CustomerFlag.HARDSHIP.value in flags else 0.0,
    }
