"""The store's answers to the sync engine's and the desk's bookkeeping questions (they used to
run their own SQL): what is on the device, what is busy, what is waiting, which customers and
events a resync drops, and a first start's cheap page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from workstation.demo.generator import DemoPortfolio, generate_portfolio
from workstation.domain import Channel, contact_attempt
from workstation.domain.enums import AccountStatus
from workstation.store import OutboxResult, OutboxState, Store, Tombstone

AS_OF = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def portfolio() -> DemoPortfolio:
    return generate_portfolio(120, seed=5, as_of=AS_OF)


@pytest.fixture
def store(portfolio: DemoPortfolio) -> Iterator[Store]:
    with Store.open() as opened:
        opened.bulk_load(portfolio)
        yield opened


def _deleted(store: Store, table: str, record_id: str) -> bool:
    with store.read() as connection:
        return bool(
            connection.exec_driver_sql(
                f"SELECT deleted FROM {table} WHERE id = ?", (record_id,)
            ).scalar_one()
        )


def _sole_account_customer(portfolio: DemoPortfolio) -> tuple[str, str]:
    """(customer id, account id) of a customer with exactly one account."""
    owners: dict[str, list[str]] = {}
    for account in portfolio.accounts:
        owners.setdefault(account.customer_id, []).append(account.id)
    return next((c, ids[0]) for c, ids in owners.items() if len(ids) == 1)


def test_live_accounts_and_events_leave_out_tombstones(
    store: Store, portfolio: DemoPortfolio
) -> None:
    assert store.live_account_ids() == {a.id for a in portfolio.accounts}
    assert store.live_event_ids() == {e.id for e in portfolio.events}
    gone = next(
        a for a in portfolio.accounts if any(e.account_id == a.id for e in portfolio.events)
    )
    fact = next(e for e in portfolio.events if e.account_id != gone.id)
    store.apply_changes(tombstones=[Tombstone("account", gone.id), Tombstone("event", fact.id)])
    assert store.live_account_ids() == {a.id for a in portfolio.accounts} - {gone.id}
    # an event goes with its account, and a tombstoned event on its own
    assert store.live_event_ids() == {
        e.id for e in portfolio.events if e.account_id != gone.id and e.id != fact.id
    }


def test_busy_records_and_backlog_follow_the_outbox(store: Store, portfolio: DemoPortfolio) -> None:
    assert store.busy_records() == (set(), set())
    assert store.outbox_backlog() == (0, None)
    account = portfolio.accounts[0]
    other = next(c for c in portfolio.customers if c.id != account.customer_id)
    first = store.record_event(
        contact_attempt(account=account, channel=Channel.PHONE, disposition="NA", recorded_by="li"),
        device_id="laptop-1",
    )
    store.patch_contact(other.id, {"name_alt": "Alt"}, other.version, "laptop-1")
    assert store.busy_records() == ({account.id}, {account.customer_id, other.id})
    count, oldest = store.outbox_backlog()
    assert (count, oldest) == (2, first.device_time)
    store.mark_outbox([OutboxResult(first.mutation_id, OutboxState.SENT)])
    assert store.outbox_backlog()[0] == 2  # sent is not yet acknowledged
    store.mark_outbox([OutboxResult(first.mutation_id, OutboxState.ACKED)])
    assert store.busy_records() == (set(), {other.id})
    assert store.outbox_backlog()[0] == 1


def test_orphan_customers_are_dropped_unless_busy(store: Store, portfolio: DemoPortfolio) -> None:
    assert store.drop_orphan_customers() == 0
    customer_id, account_id = _sole_account_customer(portfolio)
    store.apply_changes(tombstones=[Tombstone("account", account_id)])
    assert store.drop_orphan_customers() == 1
    assert _deleted(store, "customers", customer_id)
    assert store.drop_orphan_customers() == 0

    # a customer with an edit still waiting for the server stays, like any busy record
    owners = {a.customer_id for a in portfolio.accounts if a.id != account_id}
    busy = next(c for c in portfolio.customers if c.id in owners)
    store.patch_contact(busy.id, {"name_alt": "Waiting"}, busy.version, "laptop-1")
    store.apply_changes(
        tombstones=[
            Tombstone("account", a.id) for a in portfolio.accounts if a.customer_id == busy.id
        ]
    )
    assert store.drop_orphan_customers() == 0
    assert not _deleted(store, "customers", busy.id)


def test_unknown_events_are_dropped_unless_being_sent(
    store: Store, portfolio: DemoPortfolio
) -> None:
    account = next(
        a for a in portfolio.accounts if sum(e.account_id == a.id for e in portfolio.events) >= 2
    )
    held = [e.id for e in portfolio.events if e.account_id == account.id]
    mine = contact_attempt(
        account=account, channel=Channel.PHONE, disposition="NA", recorded_by="li"
    )
    store.record_event(mine, device_id="laptop-1")
    # the server holds all but the first; our own event is still in the outbox
    assert store.drop_unknown_events(account.id, set(held[1:])) == 1
    assert _deleted(store, "events", held[0])
    assert not _deleted(store, "events", mine.id)
    assert store.drop_unknown_events(account.id, set(held[1:])) == 0


def test_first_page_is_callbacks_then_promises_then_most_past_due(
    store: Store, portfolio: DemoPortfolio
) -> None:
    paid = replace(portfolio.accounts[-1], status=AccountStatus.PAID)
    store.apply_changes(accounts=[paid])
    rows = store.queue_rows(now=AS_OF)

    def key(row_id: str) -> tuple[bool, bool, int]:
        row = by_id[row_id]
        return (row.callback_due_at is None, row.promise_due_on is None, -row.past_due_minor)

    by_id = {r.account_id: r for r in rows}
    assert any(r.callback_due_at for r in rows)
    assert any(r.promise_due_on for r in rows)
    page = store.first_page_ids(25)
    assert len(page) == 25
    assert [key(i) for i in page] == sorted(key(i) for i in page)
    rest = set(by_id) - set(page)
    assert max(key(i) for i in page) <= min(key(i) for i in rest)
    # every open account and no closed one; a tombstoned account is gone
    everything = store.first_page_ids(10_000)
    assert set(everything) == set(by_id) == {a.id for a in portfolio.accounts} - {paid.id}
    store.apply_changes(tombstones=[Tombstone("account", page[0])])
    assert page[0] not in store.first_page_ids(10_000)
