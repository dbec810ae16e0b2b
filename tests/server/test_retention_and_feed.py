"""Change-history retention, conflict echo in the changes feed, snapshot consistency."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.server.conftest import BACKENDS, Backend, running_backend
from workstation.domain.model import new_id, utcnow
from workstation.server.cli import main as cli_main
from workstation.server.models import Removal, ServerState


@pytest.fixture(params=BACKENDS)
def own_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A backend of its own: these tests move ``retained_from``, which others must not see."""
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


def _reassign(backend: Backend, lead: str, ids: list[str], to_user_id: str) -> None:
    api = backend.login(lead)
    done = api.post("/api/v1/team/reassign", {"account_ids": ids, "to_user_id": to_user_id})
    assert done.status_code == 200, done.text


def test_offline_longer_than_retention_gets_resync_required(own_backend: Backend) -> None:
    backend = own_backend
    old = backend.login("chen.jie")
    snap = old.snapshot()
    cursor = snap["cursor"]
    moved = snap["accounts"][0]["id"]
    _reassign(backend, "zhao.min", [moved], backend.users["li.na"].user_id)
    # a device that synced after the move is fine before and after pruning
    recent = backend.login("chen.jie").snapshot()["cursor"]
    # nothing is old enough yet: pruning changes nothing, the old cursor still works
    assert cli_main(["prune", "--db", backend.url, "--keep-days", "30"]) == 0
    page = old.changes(cursor)
    assert [r["id"] for r in page["removals"]] == [moved]
    # the removal happened 40 days ago (as far as the server knows)
    with backend.sessions.begin() as session:
        session.execute(update(Removal).values(at=utcnow() - timedelta(days=40)))
    assert cli_main(["prune", "--db", backend.url, "--keep-days", "30"]) == 0
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Removal)) == 0
        retained = int(session.get(ServerState, "retained_from").value)  # type: ignore[union-attr]
    assert cursor < retained <= recent
    gone = old.get("/api/v1/sync/changes", params={"cursor": cursor})
    assert gone.status_code == 410
    body: dict[str, Any] = gone.json()
    assert body["error"] == "resync_required"
    assert body["retained_from"] == retained
    # a paused first sync older than the retained history must restart too
    # ... and a fresh snapshot recovers: the moved account is no longer there
    again = old.snapshot()
    assert moved not in {a["id"] for a in again["accounts"]}
    assert old.changes(again["cursor"])["removals"] == []
    assert backend.login("chen.jie").changes(recent)["has_more"] is False
    # retained_from never goes back
    assert cli_main(["prune", "--db", backend.url, "--keep-days", "365"]) == 0
    with backend.sessions() as session:
        assert int(session.get(ServerState, "retained_from").value) == retained  # type: ignore[union-attr]


def test_conflict_only_patch_sends_the_server_value_back(backend: Backend) -> None:
    desk = backend.login("li.na")
    snap = desk.snapshot()
    customer = next(c for c in snap["customers"] if c["phones"])
    phone = customer["phones"][0]
    base = phone["version"]
    online = desk.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                             "id": phone["id"], "fields": {"number": "+86 1"}},
                           base_version=base)  # fmt: skip
    assert desk.push(online).json()["results"][0]["status"] == "applied"
    laptop = backend.login("li.na")
    cursor = laptop.snapshot()["cursor"]
    # the laptop's edit (from before the desk's) is entirely a conflict
    offline = laptop.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                                "id": phone["id"], "fields": {"number": "+86 2"}},
                              base_version=base)  # fmt: skip
    result = laptop.push(offline).json()["results"][0]
    assert result["status"] == "conflict"
    assert result["result"]["applied_fields"] == []
    # ... and its next pull brings the customer with the server's value back
    page = laptop.changes(cursor)
    echoed = next(c for c in page["customers"] if c["id"] == customer["id"])
    assert next(p for p in echoed["phones"] if p["id"] == phone["id"])["number"] == "+86 1"
    assert echoed["version"] == result["result"]["version"] > cursor
    assert new_id()  # ids stay client-made


def test_snapshot_pages_agree_with_their_counts_while_the_lead_reassigns(
    backend: Backend,
) -> None:
    chen, li = backend.login("chen.jie"), backend.login("li.na")
    before = {a["id"] for a in chen.snapshot()["accounts"]}
    first = chen.get("/api/v1/sync/snapshot", params={"page_size": 3}).json()
    away = sorted(before)[-2:]  # not delivered yet: accounts come after customers
    arriving = li.snapshot()["accounts"][0]["id"]
    _reassign(backend, "zhao.min", away, li.user_id)
    _reassign(backend, "zhao.min", [arriving], chen.user_id)
    merged: dict[str, list[Any]] = {k: list(first[k]) for k in ("customers", "accounts", "events")}
    token = first["next_page_token"]
    while token:
        page = chen.get("/api/v1/sync/snapshot", params={"page_size": 3, "page_token": token})
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["snapshot_version"] == first["snapshot_version"]
        for key, rows in merged.items():
            rows.extend(body[key])
        token = body["next_page_token"]
    counts = first["counts"]
    assert {k: len(v) for k, v in merged.items()} == counts
    assert {a["id"] for a in merged["accounts"]} == before  # the set as of the snapshot
    assert {e["account_id"] for e in merged["events"]} <= before
    # the reassignments after the snapshot arrive as ordinary changes
    page = chen.changes(first["cursor"])
    assert sorted(r["id"] for r in page["removals"]) == sorted(away)
    assert arriving in {a["id"] for a in page["accounts"]}
