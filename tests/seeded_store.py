"""Real SQLite stores seeded from the demo generator, for the desk and UI tests.

Creating a store (schema, indexes) and bulk-loading a portfolio is done once per
(accounts, seed) and session into a template file; every test gets its own copy of that
file (a few milliseconds) opened with ``Store.open`` like the app opens its store, so tests
stay isolated without paying for the schema each time.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from workstation.demo.generator import generate_portfolio
from workstation.domain import Event
from workstation.domain.enums import EventType
from workstation.domain.model import new_id, utcnow
from workstation.store import Store

_templates: dict[tuple[int, int, datetime | None], Path] = {}


def _template(
    factory: pytest.TempPathFactory, accounts: int, seed: int, as_of: datetime | None
) -> Path:
    key = (accounts, seed, as_of)
    path = _templates.get(key)
    if path is None:
        path = factory.mktemp("seeded-stores", numbered=True) / f"{accounts}-{seed}.db"
        with Store.open(path) as store:
            store.bulk_load(generate_portfolio(accounts, seed=seed, as_of=as_of))
        _templates[key] = path
    return path


def seeded_store(
    factory: pytest.TempPathFactory,
    target: Path,
    *,
    accounts: int = 120,
    seed: int = 3,
    as_of: datetime | None = None,
) -> Store:
    """A fresh copy of the seeded template at ``target``, opened (close it when done).

    ``as_of``: the instant the book is generated as of (default: this hour), for a test
    whose result depends on the book's state at an hour (the field collector's day)."""
    template = _template(factory, accounts, seed, as_of)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):  # closing checkpoints the WAL away; copy it if it is there
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return Store.open(target)


# --- work left on a device ---------------------------------------------------------------------


def record_note(store: Store, device_id: str, text: str = "offline note") -> str:
    """A note on the first account of the queue, recorded on the device and not synced yet
    (one outbox entry); its event id."""
    row = store.queue_rows()[0]
    event = Event(id=new_id(), type=EventType.NOTE, account_id=row.account_id,
                  customer_id=row.customer_id, occurred_at=utcnow(), recorded_by="x",
                  payload={"text": text})  # fmt: skip
    store.record_event(event, device_id=device_id)
    return event.id


# --- reading back what a test wrote, through the store's public API -------------------------


def event_ids(store: Store, account_id: str) -> set[str]:
    """The ids of the account's events on the device now (take before acting)."""
    detail = store.load_account(account_id)
    assert detail is not None, f"account {account_id} is not in the store"
    return {event.id for event in detail.events}


def events_since(store: Store, account_id: str, before: set[str]) -> list[Event]:
    """The account's events that were not there in ``before``, newest first."""
    detail = store.load_account(account_id)
    assert detail is not None, f"account {account_id} is not in the store"
    return [event for event in detail.events if event.id not in before]


def outbox_types(store: Store) -> list[str]:
    """The types of the unacknowledged outbox entries, oldest first."""
    return [entry.type for entry in store.pending_outbox(limit=10_000)]
