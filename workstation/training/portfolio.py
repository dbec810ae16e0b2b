"""The practice portfolio: one customer and account per scenario, made on the spot.

Customers are the pack's practice customers (its names, language, zone and jurisdiction), so
the real engine applies the real pack to them; each attempt of a scenario gets a customer of
its own (a retry starts clean: the first attempt's events would otherwise count against the
second under the customer-wide caps). Nothing here is ever synced: the training store has
no sync engine (``ui.training``).

Times: a scenario starts at its ``local_time`` in the pack's zone on the trainee's current
local day (``scenario_instant``); the history is placed that many days before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workstation.domain import (
    Account,
    Channel,
    Customer,
    Event,
    EventType,
    Language,
    Money,
    Phone,
    contact_attempt,
    new_id,
)
from workstation.domain.enums import CustomerFlag
from workstation.text import is_chinese
from workstation.training.data import Scenario, TrainingPack

TRAINER = "training"  # recorded_by of the generated history


@dataclass
class Practice:
    """What one scenario attempt plays on."""

    scenario: Scenario
    attempt: int
    customer: Customer
    account: Account
    history: list[Event]


def scenario_instant(pack: TrainingPack, scenario: Scenario, now: datetime) -> datetime:
    """The scenario's start: its local time today in the pack's zone, as UTC."""
    zone = ZoneInfo(pack.timezone)
    today: date = now.astimezone(zone).date()
    hour, minute = scenario.local_time
    return datetime.combine(today, time(hour, minute), zone).astimezone(UTC)


def _digits(seed: str) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % 10000).zfill(4)


def practice_for(pack: TrainingPack, scenario: Scenario, attempt: int, at: datetime) -> Practice:
    """A fresh customer and account for ``attempt`` (1, 2 …) of ``scenario``, at ``at``."""
    index = pack.scenarios.index(scenario)
    person = pack.customers[index]
    suffix = f" ({attempt})" if attempt > 1 else ""
    customer = Customer(
        id=new_id(),
        name=person.name + suffix,
        timezone=pack.timezone,
        jurisdiction=pack.pack,
        language=Language.ZH if is_chinese(pack.language) else Language.EN,
        name_alt=person.name_alt,
        national_id_masked="*" * 14 + _digits(person.name),
        phones=[Phone(id=new_id(), number=person.phone)],
        flags=frozenset(CustomerFlag(f) for f in scenario.flags),
    )
    currency = pack.currency
    account = Account(
        id=new_id(),
        customer_id=customer.id,
        product="credit_card",
        currency=currency,
        principal=Money.of(scenario.balance, currency),
        balance=Money.of(scenario.balance, currency),
        past_due=Money.of(scenario.past_due, currency),
        days_past_due=scenario.days_past_due,
        placed_amount=Money.of(scenario.balance, currency),
        opened_on=(at - timedelta(days=900)).date(),
        placed_on=(at - timedelta(days=scenario.days_past_due)).date(),
    )
    history: list[Event] = []
    for item in scenario.history:
        when = at - timedelta(days=item.days_before)
        event = contact_attempt(
            account=account,
            channel=Channel.PHONE,
            disposition=item.disposition,
            recorded_by=TRAINER,
            occurred_at=when,
            address_used=customer.phones[0].id,
            notes="",
        )
        history.append(event)
        if item.disposition == "PTP":  # a promise that falls due on the scenario's day
            promise = Event(
                id=new_id(),
                type=EventType.PROMISE,
                account_id=account.id,
                customer_id=customer.id,
                occurred_at=when + timedelta(microseconds=1),
                recorded_by=TRAINER,
                payload={
                    "amount": account.past_due.wire(),
                    "currency": currency,
                    "due_date": at.astimezone(ZoneInfo(pack.timezone)).date().isoformat(),
                    "status": "open",
                    "attempt_id": event.id,
                },
            )
            event.payload["promise_id"] = promise.id
            history.append(promise)
    return Practice(scenario, attempt, customer, account, history)


@dataclass
class PracticePortfolio:
    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]


def as_portfolio(practices: list[Practice]) -> PracticePortfolio:
    return PracticePortfolio(
        [p.customer for p in practices],
        [p.account for p in practices],
        sorted((e for p in practices for e in p.history), key=lambda e: e.occurred_at),
    )
