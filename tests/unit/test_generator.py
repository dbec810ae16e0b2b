"""The demo portfolio generator: deterministic, realistic, and driven by a hidden propensity."""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest

from workstation.demo.generator import (
    DEMO_AGENTS,
    DemoPortfolio,
    generate_portfolio,
    generate_portfolio_with_truth,
)
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Bucket, CustomerFlag, EventType
from workstation.domain.money import Money

AS_OF = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
HANZI = re.compile(r"[\u4e00-\u9fff]")
TIMEZONES = {
    "cn-nifa": {"Asia/Shanghai"},
    "us-regf": {"America/New_York", "America/Chicago", "America/Los_Angeles"},
    "uk-conc": {"Europe/London"},
}
CURRENCY = {"cn-nifa": "CNY", "us-regf": "USD", "uk-conc": "GBP"}


@pytest.fixture(scope="module")
def world() -> tuple[DemoPortfolio, dict[str, float]]:
    return generate_portfolio_with_truth(3000, seed=7, as_of=AS_OF)


def test_same_seed_same_world_ids_included() -> None:
    first = generate_portfolio(150, seed=3, as_of=AS_OF)
    second = generate_portfolio(150, seed=3, as_of=AS_OF)
    assert repr(first) == repr(second)
    other = generate_portfolio(150, seed=4, as_of=AS_OF)
    assert [a.id for a in other.accounts] != [a.id for a in first.accounts]


def test_without_history_is_the_same_book_without_events() -> None:
    portfolio = generate_portfolio(50, seed=1, as_of=AS_OF, with_history=False)
    assert len(portfolio.accounts) == 50
    assert portfolio.events == []
    assert portfolio.as_of == AS_OF


def test_exact_account_count_and_integrity(world: tuple[DemoPortfolio, dict[str, float]]) -> None:
    portfolio, truth = world
    assert len(portfolio.accounts) == 3000
    assert set(truth) == {a.id for a in portfolio.accounts}
    customers = {c.id: c for c in portfolio.customers}
    assert len(customers) == len(portfolio.customers) < 3000  # some customers hold several
    accounts = {a.id: a for a in portfolio.accounts}
    ids = [c.id for c in portfolio.customers] + list(accounts) + [e.id for e in portfolio.events]
    assert len(set(ids)) == len(ids)
    for value in ids[:200]:
        assert uuid.UUID(value).version == 7
    for account in portfolio.accounts:
        assert account.customer_id in customers
        assert account.currency == CURRENCY[customers[account.customer_id].jurisdiction]
        assert account.balance.currency == account.past_due.currency == account.currency
        assert 0 <= account.past_due.minor <= account.balance.minor
        assert account.owner in {a.username for a in DEMO_AGENTS}
    times = [e.occurred_at for e in portfolio.events]
    assert times == sorted(times)
    assert all(t.tzinfo is not None for t in times)
    assert all(t <= AS_OF for t in times)
    for event in portfolio.events:
        assert accounts[event.account_id].customer_id == event.customer_id


def test_distributions_cover_every_bucket_currency_and_jurisdiction(
    world: tuple[DemoPortfolio, dict[str, float]],
) -> None:
    portfolio, _ = world
    assert {a.bucket for a in portfolio.accounts} == set(Bucket)
    assert {a.currency for a in portfolio.accounts} == {"CNY", "USD", "GBP"}
    assert len({a.product for a in portfolio.accounts}) >= 4
    balances = sorted(a.balance.minor for a in portfolio.accounts)
    assert balances[len(balances) // 2] < sum(balances) / len(balances)  # right-skewed
    assert balances[-1] > 20 * balances[len(balances) // 10]
    by_jurisdiction = Counter(c.jurisdiction for c in portfolio.customers)
    assert set(by_jurisdiction) == set(TIMEZONES)
    for customer in portfolio.customers:
        assert customer.timezone in TIMEZONES[customer.jurisdiction]
        assert customer.phones
        if customer.jurisdiction == "cn-nifa":
            assert HANZI.search(customer.name)
            assert customer.name_alt
            assert customer.name_alt.isascii()
            assert customer.language == "zh"
        else:
            assert customer.name.isascii()
            assert customer.contact_person is None
            assert customer.language == "en"
        if CustomerFlag.BREATHING_SPACE in customer.flags:
            assert customer.jurisdiction == "uk-conc"
        if customer.monthly_income is not None:
            assert customer.monthly_income.currency == CURRENCY[customer.jurisdiction]
    flags = Counter(f for c in portfolio.customers for f in c.flags)
    for flag in (
        CustomerFlag.HARDSHIP,
        CustomerFlag.VULNERABLE,
        CustomerFlag.CEASE_COMMUNICATION,
        CustomerFlag.BREATHING_SPACE,
    ):
        assert flags[flag] > 0, flag
    assert any(c.contact_person for c in portfolio.customers)
    phones = [p for c in portfolio.customers for p in c.phones]
    assert {p.type for p in phones} == {"mobile", "home", "work"}
    assert any(p.opted_out for p in phones)
    assert any(not p.consent for p in phones)
    addresses = [a for c in portfolio.customers for a in c.addresses]
    assert any(a.latitude is not None for a in addresses)
    assert any(a.latitude is None for a in addresses)
    assert {a.status for a in portfolio.accounts} >= {"open", "promise", "dispute", "hold"}


def test_event_payloads_follow_the_conventions(
    world: tuple[DemoPortfolio, dict[str, float]],
) -> None:
    portfolio, _ = world
    catalogue = default_catalogue()
    accounts = {a.id: a for a in portfolio.accounts}
    kinds = Counter(e.type for e in portfolio.events)
    for kind in (
        EventType.CONTACT_ATTEMPT,
        EventType.PROMISE,
        EventType.PAYMENT,
        EventType.NOTE,
        EventType.VISIT,
        EventType.COMPLAINT,
        EventType.DISPUTE,
        EventType.SATISFACTION,
        EventType.FLAG_CHANGE,
    ):
        assert kinds[kind] > 0, kind
    for event in portfolio.events:
        payload = event.payload
        currency = accounts[event.account_id].currency
        if event.type is EventType.CONTACT_ATTEMPT:
            assert payload["disposition"] in catalogue
            assert payload["channel"] == "phone"
            if payload["disposition"] == "CB":
                assert datetime.fromisoformat(payload["callback_at"]).tzinfo is not None
        elif event.type in (EventType.PROMISE, EventType.PAYMENT):
            money = event.money()
            assert money is not None
            assert money.currency == currency
            assert money == Money.of(payload["amount"], currency)
            assert money.is_positive()
            if event.type is EventType.PROMISE:
                assert payload["status"] in {"open", "kept", "broken", "cancelled"}
                date.fromisoformat(payload["due_date"])
            else:
                assert payload["source"] in {"reported", "confirmed"}
        elif event.type is EventType.SATISFACTION:
            assert payload["score"] in range(1, 6)
        elif event.type is EventType.VISIT:
            assert set(payload["evidence"]) == {
                "id_shown",
                "consent_to_enter",
                "recording_on",
                "second_collector",
            }
        elif event.type is EventType.COMPLAINT:
            date.fromisoformat(payload["sla_due"])
        elif event.type is EventType.FLAG_CHANGE:
            assert CustomerFlag(payload["flag"])
            assert payload["value"] is True


def test_there_is_work_due_now(world: tuple[DemoPortfolio, dict[str, float]]) -> None:
    portfolio, _ = world
    today = AS_OF.date()
    promises_today = [
        e
        for e in portfolio.events
        if e.type is EventType.PROMISE
        and e.payload["status"] == "open"
        and date.fromisoformat(e.payload["due_date"]) == today
    ]
    overdue = [
        e
        for e in portfolio.events
        if e.type is EventType.PROMISE
        and e.payload["status"] == "open"
        and date.fromisoformat(e.payload["due_date"]) < today
    ]
    last_attempt: dict[str, dict[str, object]] = {}
    for event in portfolio.events:
        if event.type is EventType.CONTACT_ATTEMPT:
            last_attempt[event.account_id] = event.payload
    callbacks_due = [
        p
        for p in last_attempt.values()
        if p["disposition"] == "CB" and datetime.fromisoformat(str(p["callback_at"])) <= AS_OF
    ]
    assert len(promises_today) >= 30
    assert overdue
    assert len(callbacks_due) >= 20


def test_history_follows_the_hidden_propensity(
    world: tuple[DemoPortfolio, dict[str, float]],
) -> None:
    portfolio, truth = world
    catalogue = default_catalogue()
    ranked = sorted(truth, key=truth.__getitem__)
    third = len(ranked) // 3
    low, high = set(ranked[:third]), set(ranked[-third:])
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    for event in portfolio.events:
        group = "high" if event.account_id in high else "low" if event.account_id in low else None
        if group is None:
            continue
        if event.type is EventType.CONTACT_ATTEMPT:
            stats[group]["attempts"] += 1
            stats[group]["rpc"] += catalogue[event.payload["disposition"]].is_right_party
        elif event.type is EventType.PROMISE:
            stats[group][event.payload["status"]] += 1
        elif event.type is EventType.PAYMENT:
            stats[group]["payments"] += 1

    def rate(group: str, part: str, whole: str) -> float:
        return stats[group][part] / stats[group][whole]

    assert rate("high", "rpc", "attempts") > rate("low", "rpc", "attempts") + 0.1
    for group in ("high", "low"):
        stats[group]["decided"] = stats[group]["kept"] + stats[group]["broken"]
    assert rate("high", "kept", "decided") > rate("low", "kept", "decided") + 0.2
    assert stats["high"]["payments"] > 1.5 * stats["low"]["payments"]


def test_as_of_must_be_aware_and_count_non_negative() -> None:
    with pytest.raises(ValueError, match="aware"):
        generate_portfolio(1, as_of=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="zero or more"):
        generate_portfolio(-1)


def test_default_as_of_is_recent_and_on_the_hour() -> None:
    portfolio = generate_portfolio(3, with_history=False)
    assert portfolio.as_of.minute == portfolio.as_of.second == 0
    assert abs((datetime.now(UTC) - portfolio.as_of).total_seconds()) <= 3600
