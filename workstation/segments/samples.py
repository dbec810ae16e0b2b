"""Training samples for the ability and willingness models, from an outcome history.

One sample per worked account and cut: the features as of the cut (only history before it
is visible; days past due and flags are taken back to the cut, as ``train_default`` does),
and what the customer did in the ``horizon`` days after it:

* **willingness** — asked of accounts that were contacted or paid in the window: did the
  customer *choose* to pay — promise, or pay anything — without disputing? An account the
  window never reached says nothing and is left out.
* **ability** — asked of accounts whose customer engaged (promised or paid) in the
  window: could they *afford* it — did the money paid reach half of what they promised
  (or, with no promise, a quarter of the amount past due)? Someone who will not engage
  tells nothing about what they could pay, so is left out of this label.

``time_split`` builds the training set at one cut and the validation set at a later one
(out of time, the way the models will be used), never mixing an account's future into
its past.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Protocol

from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import AccountStatus, CustomerFlag, EventType
from workstation.domain.model import Account, Customer, Event
from workstation.queue.features import extract_features

ABILITY_FEATURES = (
    "income_margin",
    "balance_to_income",
    "hardship",
    "payments_recent",
    "days_since_payment",
    "paid_share_recent",
)
WILLINGNESS_FEATURES = (
    "kept_promises",
    "broken_promises",
    "promise_share",
    "refusal_share",
    "rpc_share",
    "disputes",
)
PROMISE_SHARE_ABLE = Decimal("0.5")
PAST_DUE_SHARE_ABLE = Decimal("0.25")


class History(Protocol):
    @property
    def as_of(self) -> datetime: ...
    @property
    def customers(self) -> Sequence[Customer]: ...
    @property
    def accounts(self) -> Sequence[Account]: ...
    @property
    def events(self) -> Sequence[Event]: ...


@dataclass(frozen=True, slots=True)
class Sample:
    account_id: str
    features: dict[str, float]
    able: bool | None  # None: the window says nothing about it
    willing: bool | None


def _amount(event: Event) -> Decimal:
    try:
        return max(Decimal(str(event.payload.get("amount", "0"))), Decimal(0))
    except InvalidOperation:
        return Decimal(0)


def _window(
    window: Sequence[Event], catalogue: DispositionCatalogue
) -> tuple[int, bool, Decimal, Decimal, bool]:
    """What the customer did in the outcome window: (attempts that count, promised?,
    amount promised, amount paid, disputed?)."""
    contacted = 0
    promised_amount = paid = Decimal(0)
    promised = disputed = False
    for event in window:
        if event.type is EventType.CONTACT_ATTEMPT:
            disposition = catalogue.get(event.disposition or "")
            if disposition is not None and disposition.counts_as_attempt:
                contacted += 1
        elif event.type is EventType.PROMISE:
            promised = True
            promised_amount += _amount(event)
        elif event.type is EventType.PAYMENT:
            paid += _amount(event)
        elif event.type is EventType.DISPUTE:
            disputed = True
    return contacted, promised, promised_amount, paid, disputed


def samples_at(history: History, cut: datetime, horizon_days: int) -> list[Sample]:
    """One sample per worked account: features before ``cut``, labels from the window."""
    end = cut + timedelta(days=horizon_days)
    catalogue = default_catalogue()
    by_account: dict[str, list[Event]] = defaultdict(list)
    for event in history.events:
        by_account[event.account_id].append(event)
    customers = {c.id: c for c in history.customers}
    days_back = max((history.as_of - cut).days, 0)
    out: list[Sample] = []
    for account in history.accounts:
        if account.status is AccountStatus.HOLD or account.status.is_closed:
            continue
        events = by_account.get(account.id, [])
        before = [e for e in events if e.occurred_at < cut]
        window = [e for e in events if cut <= e.occurred_at < end]
        late_flags = {
            CustomerFlag(e.payload["flag"])
            for e in events
            if e.type is EventType.FLAG_CHANGE and e.occurred_at >= cut and "flag" in e.payload
        }
        customer = customers[account.customer_id]
        customer_then = dataclasses.replace(customer, flags=customer.flags - late_flags)
        account_then = dataclasses.replace(
            account, days_past_due=max(account.days_past_due - days_back, 0)
        )
        contacted, promised, promised_amount, paid, disputed = _window(window, catalogue)
        engaged = promised or paid > 0
        willing: bool | None = None
        if contacted or engaged:
            willing = engaged and not disputed
        able: bool | None = None
        if engaged:
            if promised and promised_amount > 0:
                able = paid >= PROMISE_SHARE_ABLE * promised_amount
            else:
                owed = account_then.past_due.amount or account_then.balance.amount
                able = paid >= PAST_DUE_SHARE_ABLE * owed
        features = extract_features(customer_then, account_then, before, cut, catalogue=catalogue)
        out.append(Sample(account.id, features, able, willing))
    return out


def time_split(
    history: History, horizon_days: int = 30
) -> tuple[list[Sample], list[Sample], datetime, datetime]:
    """(training samples, validation samples, training cut, validation cut).

    Training: features at ``as_of − 2·horizon``, outcomes in the horizon after. Validation:
    features at ``as_of − horizon``, outcomes in the last horizon — later in time than
    anything the fit saw.
    """
    if horizon_days < 1:
        raise ValueError("the horizon must be at least one day")
    validation_cut = history.as_of - timedelta(days=horizon_days)
    training_cut = validation_cut - timedelta(days=horizon_days)
    return (
        samples_at(history, training_cut, horizon_days),
        samples_at(history, validation_cut, horizon_days),
        training_cut,
        validation_cut,
    )
