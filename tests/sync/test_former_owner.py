"""A fact recorded on an account that has just been reassigned away, by a device that never
heard of the move: the server takes it as a former owner's fact (flagged for the new owner),
whatever became of the change page that would have told the device.

The server used to note a device as told when it *served* the page naming the move; a page
lost on the way (the laptop's Wi-Fi dropped with the answer in flight) then turned the
collector's next note into a refusal ("no longer yours") for an account the laptop still
showed as theirs. What the device has received is what its cursor says: it sends it with
every push (``X-Sync-Cursor``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory, via_proxy
from tests.sync.faults import FaultProxy, Rule
from workstation.domain.model import new_id, utcnow
from workstation.server.models import EventRow, ReviewItem
from workstation.store import CURSOR
from workstation.sync.errors import OfflineError

TEAM = "sh-desk"


def _reassign(backend: Backend, account_id: str, to_username: str) -> None:
    lead = backend.login(backend.of_role("lead", TEAM)[0].username)
    to_user = backend.login(to_username).user_id
    done = lead.post("/api/v1/team/reassign", {"account_ids": [account_id], "to_user_id": to_user})
    assert done.status_code == 200, done.text


def _stored(backend: Backend, event_id: str) -> tuple[int, list[tuple[str, str | None]]]:
    """How many times the event is on the server; its review items (kind, assignee)."""
    with backend.sessions() as session:
        count = session.scalar(select(func.count()).where(EventRow.id == event_id)) or 0
        reviews = session.execute(
            select(ReviewItem.kind, ReviewItem.assignee_id).where(ReviewItem.event_id == event_id)
        ).all()
    return int(count), [(kind, assignee) for kind, assignee in reviews]


def test_a_lost_change_page_does_not_count_as_the_device_being_told(
    backend: Backend, make_device: DeviceFactory, proxy: FaultProxy
) -> None:
    old_owner, new_owner = (u.username for u in backend.of_role("agent", TEAM)[:2])
    laptop = via_proxy(make_device, proxy, old_owner)
    laptop.sync()
    account_id = laptop.accounts()[0]
    _reassign(backend, account_id, new_owner)

    # the page naming the move is served (the server commits its bookkeeping) and lost
    proxy.add(Rule("GET", "/api/v1/sync/changes", "drop_response", times=10))
    with pytest.raises(OfflineError):
        laptop.sync()
    proxy.rules.clear()
    assert account_id in laptop.accounts(), "the laptop never heard of the move"

    event = laptop.note(account_id, "visited after the lost page")
    report = laptop.sync()
    assert report.rejected == 0
    assert laptop.store.pending_outbox_count() == 0
    count, reviews = _stored(backend, event.id)
    assert count == 1, "the collector's note was refused"
    # a former owner's fact: the new owner reviews it
    assert reviews == [("fact_after_reassignment", backend.login(new_owner).user_id)]
    assert account_id not in laptop.accounts(), "the pull after the push tells of the move"

    # now told (its cursor is past the move): a later fact on the account is refused
    later = {
        "mutation_id": new_id(),
        "client_seq": 10_000,
        "type": "event.create",
        "payload": {
            "id": new_id(),
            "type": "note",
            "account_id": account_id,
            "occurred_at": utcnow().isoformat(),
            "payload": {"text": "called again"},
        },
        "base_version": None,
        "device_time": utcnow().isoformat(),
    }
    answer = laptop.api.call(
        "POST",
        "/api/v1/sync/push",
        body={"client_id": laptop.api.device_id, "mutations": [later]},
        idempotency_key=f"later-{later['mutation_id']}",
        headers={"X-Sync-Cursor": str(laptop.store.get_state(CURSOR))},
    )
    assert answer["results"][0]["status"] == "rejected"
    assert answer["results"][0]["reason"] == "no_longer_yours"
