"""What the store hands the contact-rule engine: recent attempts and lasting events per customer."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.seeded_store import seeded_store
from workstation.compliance import LASTING_EVENT_TYPES
from workstation.domain import Event, new_id
from workstation.domain.enums import EventType


def test_books_hold_whole_customer_histories_of_the_accounts_whose_history_matters(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    store = seeded_store(tmp_path_factory, tmp_path / "ws.db", accounts=120, seed=3)
    rows = store.queue_rows()
    per_customer = Counter(row.customer_id for row in rows)
    quiet = [
        row
        for row in rows
        if not row.flags and row.status == "open" and per_customer[row.customer_id] > 1
    ]
    now = datetime.now(UTC) + timedelta(days=30)  # the seeded attempts are all too old now
    since = now - timedelta(days=8)
    before = [
        b for chunk in store.contact_books(since=since, lasting=LASTING_EVENT_TYPES) for b in chunk
    ]
    assert quiet, "the seed has a multi-account customer without flags"
    target = next(row for row in quiet if row.customer_id not in {c.id for c, _, _ in before})
    complaint = Event(
        new_id(), EventType.COMPLAINT, target.account_id, target.customer_id,
        now - timedelta(days=20), "li.na", {"category": "conduct"},
    )  # fmt: skip
    attempt = Event(
        new_id(), EventType.CONTACT_ATTEMPT, target.account_id, target.customer_id,
        now - timedelta(days=1), "li.na", {"channel": "phone", "disposition": "NA"},
    )  # fmt: skip
    old_attempt = Event(
        new_id(), EventType.CONTACT_ATTEMPT, target.account_id, target.customer_id,
        now - timedelta(days=9), "li.na", {"channel": "phone", "disposition": "NA"},
    )  # fmt: skip
    for event in (complaint, attempt, old_attempt):
        store.record_event(event, device_id="device-1")

    books = [
        b for chunk in store.contact_books(since=since, lasting=LASTING_EVENT_TYPES) for b in chunk
    ]
    mine = [(c, a, h) for c, a, h in books if c.id == target.customer_id]
    # every open account of the customer, sharing one history of all their accounts
    assert {a.id for _, a, _ in mine} == {
        row.account_id for row in rows if row.customer_id == target.customer_id
    }
    history = mine[0][2]
    assert all(h is history for _, _, h in mine)
    ids = {e.id for e in history}
    assert {complaint.id, attempt.id} <= ids
    assert old_attempt.id not in ids  # outside every counting window
    assert all(c.phones or c.emails or c.addresses for c, _, _ in mine)
    assert store.contact_history(target.customer_id, since=since, lasting=LASTING_EVENT_TYPES)
    # limited to some customers (a first page)
    only = [
        b
        for chunk in store.contact_books(
            since=since, lasting=LASTING_EVENT_TYPES, customer_ids={target.customer_id}
        )
        for b in chunk
    ]
    assert {c.id for c, _, _ in only} == {target.customer_id}
    # flagged customers are in the book whatever their history
    flagged = {row.customer_id for row in rows if row.flags}
    assert flagged <= {c.id for c, _, _ in books}
    store.close()


def test_book_objects_are_the_ones_load_account_reads(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    # the batched reader converts columns itself (for speed): it must agree field for field
    store = seeded_store(tmp_path_factory, tmp_path / "ws.db", accounts=120, seed=3)
    since = datetime(2000, 1, 1, tzinfo=UTC)  # every attempt ever: full histories
    books = [
        b for chunk in store.contact_books(since=since, lasting=LASTING_EVENT_TYPES) for b in chunk
    ]
    assert len(books) > 50
    for customer, account, history in books:
        detail = store.load_account(account.id)
        assert detail is not None
        assert customer == detail.customer
        assert (account.id, account.customer_id, account.status) == (
            detail.account.id,
            detail.account.customer_id,
            detail.account.status,
        )
        mine = {e.id: e for e in history if e.account_id == account.id}
        kinds = {EventType.CONTACT_ATTEMPT, *LASTING_EVENT_TYPES}
        assert mine == {e.id: e for e in detail.events if e.type in kinds}
    store.close()
