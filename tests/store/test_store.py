"""The local store: pragmas, transactions, the outbox, queue rows, sync apply, blobs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from workstation import paths
from workstation.demo.generator import DemoPortfolio, generate_portfolio
from workstation.domain import (
    AccountStatus,
    Channel,
    CustomerFlag,
    Event,
    EventType,
    Money,
    contact_attempt,
    new_id,
)
from workstation.store import (
    CURSOR,
    OutboxResult,
    OutboxState,
    Store,
    Tombstone,
    UnknownRecordError,
)
from workstation.store import store as store_module
from workstation.store.outbox import OutboxRepository

AS_OF = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def portfolio() -> DemoPortfolio:
    return generate_portfolio(300, seed=11, as_of=AS_OF)


@pytest.fixture
def store(portfolio: DemoPortfolio) -> Iterator[Store]:
    with Store.open() as opened:
        opened.bulk_load(portfolio)
        yield opened


def _promise(account_id: str, customer_id: str, amount: str, currency: str, due: date) -> Event:
    return Event(
        id=new_id(),
        type=EventType.PROMISE,
        account_id=account_id,
        customer_id=customer_id,
        occurred_at=AS_OF + timedelta(minutes=5),
        recorded_by="li.na",
        payload={
            "amount": amount,
            "currency": currency,
            "due_date": due.isoformat(),
            "status": "open",
        },
    )


def test_default_path_is_the_profile_store_and_pragmas_are_set() -> None:
    with Store.open() as store:
        assert store.path == paths.store_path()
        with store.engine.connect() as connection:

            def pragma(name: str) -> Any:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 5000


def test_writes_begin_immediate_and_reads_do_not(store: Store) -> None:
    statements: list[str] = []
    from sqlalchemy import event

    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        store.set_state("user", "li.na")
        assert "BEGIN IMMEDIATE" in statements
        statements.clear()
        assert store.get_state("user") == "li.na"
        assert "BEGIN" in statements
        assert "BEGIN IMMEDIATE" not in statements
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)


def test_a_second_writer_waits_instead_of_interleaving(store: Store) -> None:
    """While one connection holds the write lock another cannot start writing."""
    other = sqlite3.connect(store.path, timeout=0.1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(Exception, match="locked"), store.write() as connection:
            connection.exec_driver_sql("SELECT 1")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_bulk_load_and_money_roundtrip_exactly(store: Store, portfolio: DemoPortfolio) -> None:
    for account in portfolio.accounts[:50]:
        detail = store.load_account(account.id)
        assert detail is not None
        assert detail.account == account  # Money, dates, Decimal rate: all exact
        customer = next(c for c in portfolio.customers if c.id == account.customer_id)
        assert detail.customer == customer
        expected = sorted(
            (e for e in portfolio.events if e.account_id == account.id),
            key=lambda e: (e.occurred_at, e.id),
            reverse=True,
        )
        assert [e.id for e in detail.events] == [e.id for e in expected]
        assert [e.payload for e in detail.events] == [e.payload for e in expected]
        assert all(e.occurred_at.tzinfo is not None for e in detail.events)
    huge = replace(
        portfolio.accounts[0],
        id=new_id(),
        balance=Money.of("92233720368547.75", "USD"),  # near BigInteger's limit in cents
        past_due=Money.of("0.01", "USD"),
        currency="USD",
        principal=Money.of("92233720368547.75", "USD"),
        placed_amount=None,
    )
    store.apply_changes(accounts=[huge])
    detail = store.load_account(huge.id)
    assert detail is not None
    assert detail.account.balance == Money.of("92233720368547.75", "USD")


def test_load_account_unknown_is_none_and_other_accounts_listed(
    store: Store, portfolio: DemoPortfolio
) -> None:
    assert store.load_account(new_id()) is None
    by_customer: dict[str, list[str]] = {}
    for account in portfolio.accounts:
        by_customer.setdefault(account.customer_id, []).append(account.id)
    shared = next(ids for ids in by_customer.values() if len(ids) > 1)
    detail = store.load_account(shared[0])
    assert detail is not None
    assert {a.id for a in detail.other_accounts} == set(shared[1:])


def test_queue_rows_match_the_portfolio(store: Store, portfolio: DemoPortfolio) -> None:
    rows = {r.account_id: r for r in store.queue_rows(now=AS_OF)}
    assert len(rows) == len(portfolio.accounts)
    customers = {c.id: c for c in portfolio.customers}
    for account in portfolio.accounts:
        row = rows[account.id]
        customer = customers[account.customer_id]
        events = [e for e in portfolio.events if e.account_id == account.id]
        attempts = [e for e in events if e.type is EventType.CONTACT_ATTEMPT]
        assert row.customer_name == customer.name
        assert row.balance_minor == account.balance.minor
        assert row.past_due_minor == account.past_due.minor
        assert row.bucket == account.bucket
        assert row.status == account.status
        assert row.flags == {str(f) for f in customer.flags}
        assert row.timezone == customer.timezone
        assert row.attempts_total == len(attempts)
        assert row.attempts_7d == sum(a.occurred_at >= AS_OF - timedelta(days=7) for a in attempts)
        assert row.last_attempt_at == max((a.occurred_at for a in attempts), default=None)
        open_promises = [
            e for e in events if e.type is EventType.PROMISE and e.payload["status"] == "open"
        ]
        if open_promises:
            latest = max(open_promises, key=lambda e: e.occurred_at)
            assert row.promise_due_on == date.fromisoformat(latest.payload["due_date"])
            money = latest.money()
            assert money is not None
            assert row.promise_amount_minor == money.minor
        else:
            assert row.promise_due_on is None
        last = max(attempts, key=lambda e: e.occurred_at, default=None)
        if last is not None and "callback_at" in last.payload:
            expected = datetime.fromisoformat(last.payload["callback_at"])
            assert row.callback_due_at is not None
            assert abs(row.callback_due_at - expected) < timedelta(milliseconds=1)
        else:
            assert row.callback_due_at is None
        assert row.pending_outbox == 0
    assert any(r.promise_due_on == AS_OF.date() for r in rows.values())
    assert any(r.callback_due_at is not None for r in rows.values())


def test_record_event_writes_event_and_outbox_together(
    store: Store, portfolio: DemoPortfolio
) -> None:
    account = next(a for a in portfolio.accounts if a.status is AccountStatus.OPEN)
    promise = _promise(account.id, account.customer_id, "120.50", account.currency, AS_OF.date())
    entry = store.record_event(promise, device_id="laptop-7")
    assert entry.state is OutboxState.PENDING
    assert entry.type == "event.promise"
    assert entry.payload["id"] == promise.id
    assert entry.base_version == account.version
    assert [e.mutation_id for e in store.pending_outbox()] == [entry.mutation_id]
    row = next(r for r in store.queue_rows(now=AS_OF) if r.account_id == account.id)
    assert row.status == "promise"
    assert row.promise_amount_minor == 12050
    assert row.pending_outbox == 1
    detail = store.load_account(account.id)
    assert detail is not None
    assert detail.events[0].id == promise.id
    assert detail.events[0].device_id == "laptop-7"

    second = contact_attempt(
        account=account, channel=Channel.PHONE, disposition="NA", recorded_by="li.na"
    )
    assert store.record_event(second, device_id="laptop-7").client_seq > entry.client_seq


def test_failure_after_the_event_insert_leaves_neither(
    store: Store, portfolio: DemoPortfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = portfolio.accounts[3]
    event = contact_attempt(
        account=account, channel=Channel.PHONE, disposition="RPC_NC", recorded_by="li.na"
    )

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("power cut")

    monkeypatch.setattr(OutboxRepository, "insert", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        store.record_event(event, device_id="laptop-7")
    detail = store.load_account(account.id)
    assert detail is not None
    assert event.id not in {e.id for e in detail.events}
    assert store.pending_outbox() == []


def test_record_event_on_unknown_account_is_refused(store: Store, portfolio: DemoPortfolio) -> None:
    ghost = replace(portfolio.accounts[0], id=new_id())
    event = contact_attempt(account=ghost, channel=Channel.PHONE, disposition="NA", recorded_by="x")
    with pytest.raises(UnknownRecordError):
        store.record_event(event, device_id="d")
    assert store.pending_outbox_count() == 0


def test_effects_flags_and_holds(store: Store, portfolio: DemoPortfolio) -> None:
    account = next(
        a
        for a in portfolio.accounts
        if a.status is AccountStatus.OPEN
        and not next(c for c in portfolio.customers if c.id == a.customer_id).flags
    )
    hardship = contact_attempt(
        account=account,
        channel=Channel.PHONE,
        disposition="HARDSHIP",
        recorded_by="li.na",
        extra={"hardship_details": "job loss"},
    )
    store.record_event(hardship, device_id="d")
    customer = store.load_customer(account.customer_id)
    assert customer is not None
    assert CustomerFlag.HARDSHIP in customer.flags
    clear = Event(
        new_id(),
        EventType.FLAG_CHANGE,
        account.id,
        account.customer_id,
        AS_OF,
        "li.na",
        {"flag": "hardship", "value": False, "since": "2025-03-14"},
    )
    store.record_event(clear, device_id="d")
    customer = store.load_customer(account.customer_id)
    assert customer is not None
    assert CustomerFlag.HARDSHIP not in customer.flags
    dispute = contact_attempt(
        account=account,
        channel=Channel.PHONE,
        disposition="DISPUTE",
        recorded_by="li.na",
        extra={"dispute_reason": "not_my_debt"},
    )
    store.record_event(dispute, device_id="d")
    detail = store.load_account(account.id)
    assert detail is not None
    assert detail.account.status is AccountStatus.DISPUTE


def test_patch_contact_is_field_level_and_queued(store: Store, portfolio: DemoPortfolio) -> None:
    customer = portfolio.customers[0]
    phone = customer.phones[0]
    entry = store.patch_contact(
        customer.id,
        {
            "phones": [
                {"id": phone.id, "opted_out": True},
                {"number": "+86 139 0000 0000", "type": "work", "consent": True},
            ],
            "name_alt": "New Alt",
        },
        base_version=customer.version,
        device_id="d",
    )
    assert entry.type == "contact.patch"
    assert entry.customer_id == customer.id
    assert entry.base_version == customer.version
    new_phone = entry.payload["changes"]["phones"][1]
    assert new_phone["id"]  # a fresh id, sent to the server as is
    loaded = store.load_customer(customer.id)
    assert loaded is not None
    assert loaded.name_alt == "New Alt"
    assert loaded.version == customer.version  # versions are the server's
    assert loaded.phones[0].opted_out
    assert loaded.phones[0].number == phone.number
    assert loaded.phones[-1].id == new_phone["id"]
    assert loaded.phones[-1].number == "+86 139 0000 0000"
    with pytest.raises(ValueError, match="cannot patch"):
        store.patch_contact(customer.id, {"jurisdiction": "us-regf"}, 1, "d")


def test_apply_changes_skips_rows_with_pending_outbox(
    store: Store, portfolio: DemoPortfolio
) -> None:
    busy, free = portfolio.accounts[10], portfolio.accounts[11]
    store.record_event(
        contact_attempt(account=busy, channel=Channel.PHONE, disposition="NA", recorded_by="x"),
        device_id="d",
    )
    server_busy = replace(busy, balance=Money.zero(busy.currency), status=AccountStatus.PAID)
    server_free = replace(
        free, past_due=Money.from_minor(free.past_due.minor + 1, free.currency), version=9
    )
    server_event = Event(
        new_id(),
        EventType.PAYMENT,
        free.id,
        free.customer_id,
        AS_OF,
        "system",
        {"amount": "10.00", "currency": free.currency, "source": "confirmed"},
        server_version=1234,
    )
    result = store.apply_changes(
        accounts=[server_busy, server_free],
        events=[server_event],
        tombstones=[Tombstone("account", busy.id)],
        cursor={"version": 1234},
    )
    assert result.deferred_accounts == (busy.id, busy.id)
    assert result.accounts == 1
    assert result.tombstones == 0
    assert store.get_state(CURSOR) == {"version": 1234}
    kept = store.load_account(busy.id)
    assert kept is not None
    assert kept.account.balance == busy.balance  # not overwritten while the outbox waits
    updated = store.load_account(free.id)
    assert updated is not None
    assert updated.account.version == 9
    assert updated.events[0].server_version == 1234
    with store.read() as connection:
        sums = connection.exec_driver_sql(
            "SELECT sum(amount_minor) FROM events WHERE id = ?", (server_event.id,)
        ).scalar()
    assert sums == 1000

    # once acknowledged, the next pull applies
    store.mark_outbox(
        [OutboxResult(e.mutation_id, OutboxState.ACKED) for e in store.pending_outbox()]
    )
    result = store.apply_changes(accounts=[server_busy], tombstones=[("customer", new_id())])
    assert result.deferred_accounts == ()
    applied = store.load_account(busy.id)
    assert applied is not None
    assert applied.account.status is AccountStatus.PAID


def test_apply_changes_is_one_transaction_with_the_cursor(
    store: Store, portfolio: DemoPortfolio
) -> None:
    store.set_state(CURSOR, 5)
    bad_event = Event(
        new_id(), EventType.NOTE, new_id(), new_id(), AS_OF, "x", {"text": "orphan"}
    )  # its account does not exist: the foreign key fails
    good = replace(portfolio.accounts[20], version=77)
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.apply_changes(accounts=[good], events=[bad_event], cursor=6)
    assert store.get_state(CURSOR) == 5
    detail = store.load_account(good.id)
    assert detail is not None
    assert detail.account.version != 77


def test_rejection_lands_in_needs_attention(store: Store, portfolio: DemoPortfolio) -> None:
    account = portfolio.accounts[30]
    first = store.record_event(
        contact_attempt(account=account, channel=Channel.PHONE, disposition="NA", recorded_by="x"),
        device_id="d",
    )
    second = store.record_event(
        contact_attempt(account=account, channel=Channel.PHONE, disposition="VM", recorded_by="x"),
        device_id="d",
    )
    store.mark_outbox([OutboxResult(first.mutation_id, OutboxState.SENT)])
    assert store.pending_outbox_count() == 2
    store.mark_outbox(
        [
            OutboxResult(
                first.mutation_id,
                OutboxState.REJECTED,
                {"code": "reassigned"},
                reason="account no longer yours",
            ),
            OutboxResult(second.mutation_id, OutboxState.ACKED, {"server_version": 3}),
        ]
    )
    assert store.pending_outbox() == []
    items = store.needs_attention()
    assert len(items) == 1
    assert items[0].mutation_id == first.mutation_id
    assert items[0].reason == "account no longer yours"
    assert items[0].account_id == account.id
    entry = store.outbox_entry(second.mutation_id)
    assert entry is not None
    assert entry.result == {"server_version": 3}
    store.resolve_attention(items[0].id)
    assert store.needs_attention() == []
    assert len(store.needs_attention(include_resolved=True)) == 1
    assert store.outbox_counts() == {"acked": 1, "rejected": 1}


def test_conflicts_state_scorecard_and_blobs(store: Store) -> None:
    conflict_id = store.add_conflict(
        "customer", "c1", "phones[0].number", "+1 1", "+1 2", base_version=4
    )
    [conflict] = store.conflicts()
    assert conflict.id == conflict_id
    assert (conflict.local_value, conflict.server_value) == ("+1 1", "+1 2")
    store.resolve_conflict(conflict_id)
    assert store.conflicts() == []

    store.set_states({"server_url": "https://example.test", "device_id": "dev-1"})
    assert store.all_state() == {"server_url": "https://example.test", "device_id": "dev-1"}

    assert store.scorecard() is None
    store.save_scorecard(2, {"intercept": "0.1"})
    store.save_scorecard(3, {"intercept": "0.2"})
    assert store.scorecard() == (3, {"intercept": "0.2"})

    digest = store.put_blob(b"%PDF-1.7 agreement", media_type="application/pdf")
    assert store.put_blob(b"%PDF-1.7 agreement") == digest
    assert store.get_blob(digest) == b"%PDF-1.7 agreement"
    assert (paths.blob_dir() / digest[:2] / digest).is_file()
    assert [b.sha256 for b in store.blobs_to_upload()] == [digest]
    store.mark_blob_uploaded(digest)
    assert store.blobs_to_upload() == []
    assert store.get_blob("0" * 64) is None


def test_naive_datetimes_are_refused(store: Store, portfolio: DemoPortfolio) -> None:
    account = portfolio.accounts[0]
    event = contact_attempt(
        account=account,
        channel=Channel.PHONE,
        disposition="NA",
        recorded_by="x",
        occurred_at=datetime(2025, 1, 1, 9),
    )
    with pytest.raises(Exception, match="naive"):
        store.record_event(event, device_id="d")
    assert store.pending_outbox() == []


def test_is_empty_and_delete_files(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        assert store.is_empty()
    Store.delete_files(path)
    assert not path.exists()


def test_store_module_never_imports_qt() -> None:
    assert "PySide6" not in store_module.__dict__


def test_bulk_derived_columns_equal_the_sql_refresh(store: Store) -> None:
    """bulk_load computes derived columns in Python; later writes use SQL — same answers."""
    columns = (
        "id, last_attempt_at, attempts_total, rpc_total, callback_due_at, promise_due_on, "
        "promise_amount_minor, promises_broken, last_payment_at, open_complaints"
    )
    with store.read() as connection:
        before = connection.exec_driver_sql(f"SELECT {columns} FROM accounts ORDER BY id").all()
    with store.write() as connection:
        store._derived.refresh(connection, None)
    with store.read() as connection:
        after = connection.exec_driver_sql(f"SELECT {columns} FROM accounts ORDER BY id").all()
    assert after == before
    assert any(row[4] is not None for row in after)
    assert any(row[5] is not None for row in after)


def _index_sql(store: Store) -> set[tuple[str, str]]:
    with store.read() as connection:
        return {
            (name, sql)
            for name, sql in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }


def test_first_bulk_load_rebuilds_every_index(tmp_path: Path, portfolio: DemoPortfolio) -> None:
    """Into an empty store the indexes are dropped for the load and built again after it."""
    with Store.open(tmp_path / "s.db") as fresh:
        before = _index_sql(fresh)
        fresh.bulk_load(portfolio)
        assert _index_sql(fresh) == before
        with fresh.read() as connection:
            plan = " ".join(
                str(row[-1])
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM events WHERE account_id = ? "
                    "ORDER BY occurred_at",
                    (portfolio.accounts[0].id,),
                )
            )
        assert "ix_events_account_occurred" in plan


def test_failed_first_bulk_load_leaves_the_empty_store_intact(
    tmp_path: Path, portfolio: DemoPortfolio
) -> None:
    broken = DemoPortfolio(
        portfolio.customers,
        portfolio.accounts + portfolio.accounts[:1],  # a duplicate id
        portfolio.events,
        portfolio.as_of,
    )
    with Store.open(tmp_path / "s.db") as fresh:
        before = _index_sql(fresh)
        with pytest.raises(Exception, match="UNIQUE"):
            fresh.bulk_load(broken)
        assert fresh.is_empty()
        assert _index_sql(fresh) == before
        fresh.bulk_load(portfolio)
        assert len(fresh.queue_rows(now=AS_OF, include_closed=True)) == len(portfolio.accounts)


def test_bulk_load_without_events_and_into_a_loaded_store(
    tmp_path: Path, portfolio: DemoPortfolio
) -> None:
    with Store.open(tmp_path / "s.db") as fresh:
        fresh.bulk_load(DemoPortfolio(portfolio.customers[:5], [], [], portfolio.as_of))
        customer_ids = {c.id for c in portfolio.customers[:5]}
        rest = DemoPortfolio(
            portfolio.customers[5:],
            portfolio.accounts,
            portfolio.events,
            portfolio.as_of,
        )
        rest.accounts = [a for a in portfolio.accounts if a.customer_id not in customer_ids]
        rest.events = [e for e in portfolio.events if e.customer_id not in customer_ids]
        before = _index_sql(fresh)
        fresh.bulk_load(rest)  # not empty any more: indexes stay in place
        assert _index_sql(fresh) == before
        rows = fresh.queue_rows(now=AS_OF, include_closed=True)
        assert len(rows) == len(rest.accounts)


def test_queue_rows_of_some_accounts_equal_those_of_the_full_read(
    store: Store, portfolio: DemoPortfolio
) -> None:
    account = next(a for a in portfolio.accounts if a.status is AccountStatus.OPEN)
    store.record_event(
        contact_attempt(
            account=account, channel=Channel.PHONE, disposition="NA", recorded_by="li.na"
        ),
        device_id="laptop-7",
    )
    every = {r.account_id: r for r in store.queue_rows(now=AS_OF, include_closed=True)}
    wanted = [a.id for a in portfolio.accounts[::7]] + [account.id, new_id()]
    some = store.queue_rows(now=AS_OF, include_closed=True, account_ids=wanted)
    assert {r.account_id for r in some} == set(wanted) & set(every)
    assert all(r == every[r.account_id] for r in some)
    assert next(r for r in some if r.account_id == account.id).pending_outbox == 1
    assert store.queue_rows(now=AS_OF, account_ids=[]) == []
