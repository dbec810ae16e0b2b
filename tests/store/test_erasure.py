"""Retention's erasure on a device: an anonymised customer's accounts leave no row or
document behind; a document another account still names stays; busy accounts wait."""

from __future__ import annotations

import secrets
from pathlib import Path

from workstation import paths
from workstation.demo.generator import generate_portfolio
from workstation.domain.enums import EventType
from workstation.domain.model import Event, new_id, utcnow
from workstation.store import Store
from workstation.store.records import Tombstone


def _count(store: Store, sql: str, *params: str) -> int:
    with store.read() as connection:
        return int(connection.exec_driver_sql(sql, params).scalar() or 0)


def _document_event(account_id: str, customer_id: str, digest: str) -> Event:
    return Event(
        id=new_id(), type=EventType.DOCUMENT, account_id=account_id, customer_id=customer_id,
        occurred_at=utcnow(), recorded_by="system",
        payload={"kind": "paid_in_full", "document_sha256": digest},
    )  # fmt: skip


def test_erasing_an_anonymised_customers_account_leaves_nothing_of_them(tmp_path: Path) -> None:
    portfolio = generate_portfolio(12, seed=4)
    by_customer: dict[str, list[str]] = {}
    for account in portfolio.accounts:
        by_customer.setdefault(account.customer_id, []).append(account.id)
    gone_customer, (gone,) = next((c, a) for c, a in by_customer.items() if len(a) == 1)
    kept_customer, kept = next((c, a) for c, a in by_customer.items() if c != gone_customer)
    with Store.open(tmp_path / "device.db", key=secrets.token_hex(32)) as store:
        store.bulk_load(portfolio)
        only_theirs = store.put_blob(b"%PDF their letter")
        shared = store.put_blob(b"%PDF a form both accounts name")
        store.apply_changes(events=[
            _document_event(gone, gone_customer, only_theirs),
            _document_event(gone, gone_customer, shared),
            _document_event(kept[0], kept_customer, shared),
        ])  # fmt: skip
        theirs_info = store.blob_info(only_theirs)
        assert theirs_info is not None

        assert store.erase_accounts([gone]) == 0  # not tombstoned yet: nothing erased
        store.apply_changes(tombstones=[Tombstone("account", gone)])
        assert store.erase_accounts([gone, kept[0]]) == 1  # the live one is left alone

        assert _count(store, "SELECT count(*) FROM accounts WHERE id = ?", gone) == 0
        assert _count(store, "SELECT count(*) FROM events WHERE account_id = ?", gone) == 0
        assert _count(store, "SELECT count(*) FROM customers WHERE id = ?", gone_customer) == 0
        for table in ("phones", "emails", "addresses"):
            sql = f"SELECT count(*) FROM {table} WHERE customer_id = ?"
            assert _count(store, sql, gone_customer) == 0
        assert store.blob_info(only_theirs) is None
        assert not (paths.blob_dir() / theirs_info.path).exists()
        assert store.get_blob(shared) == b"%PDF a form both accounts name"
        assert store.load_customer(kept_customer) is not None
