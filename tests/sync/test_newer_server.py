"""A laptop a version behind its server still syncs: an event of a kind it does not know (a
newer server's, as ``payment_return`` was to the previous version) is left out and counted,
the rest of the page is applied and the cursor moves on, and the report says to update —
against the REAL backend on loopback, with the newer kind written into its database. Before,
one such event made every pull fail with a protocol error, on the snapshot and on changes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, EventRow, User
from workstation.server.versioning import allocate
from workstation.store import CURSOR


def _newer_event(backend: Backend, username: str, kind: str = "loyalty_reward") -> str:
    """An event of a kind no client knows yet, on one of ``username``'s accounts."""
    with backend.sessions.begin() as session:
        account = session.scalars(
            select(AccountRow)
            .join(User, User.id == AccountRow.owner_id)
            .where(User.username == username)
            .order_by(AccountRow.id)
        ).first()
        assert account is not None
        event_id = new_id()
        now = datetime.now(UTC)
        session.add(EventRow(
            id=event_id, type=kind, account_id=account.id, customer_id=account.customer_id,
            occurred_at=now, received_at=now, recorded_by="a newer server", payload={"points": 3},
            server_version=allocate(session, 1)))  # fmt: skip
        return account.id


def test_a_newer_kind_on_the_snapshot_and_on_a_change_page_is_left_out_and_said(
    backend: Backend, make_device: DeviceFactory
) -> None:
    username = backend.of_role("agent")[0].username
    first = _newer_event(backend, username)
    laptop = make_device(username)
    report = laptop.sync()  # the first download: the snapshot holds the newer kind
    assert report.newer_events == 1
    assert any("update the workstation" in w for w in report.warnings)
    held = laptop.store.load_account(first)
    assert held is not None
    assert held.events  # the account and its known history arrived
    cursor = int(laptop.store.get_state(CURSOR) or 0)
    # a note from this laptop and another newer event: the change page carries both
    second = _newer_event(backend, username, "another_future_kind")
    note = laptop.note(second)
    report = laptop.sync()
    assert report.rejected == 0
    assert report.newer_events == 1
    assert int(laptop.store.get_state(CURSOR) or 0) > cursor  # the cursor moved on
    assert laptop.store.pending_outbox_count() == 0
    held = laptop.store.load_account(second)
    assert held is not None
    assert note.id in {e.id for e in held.events}
    assert all(e.recorded_by != "a newer server" for e in held.events)
    again = laptop.sync()  # nothing new: no warning repeated
    assert again.newer_events == 0
    assert not again.warnings
