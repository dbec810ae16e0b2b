"""The sync contract (DESIGN §5), exercised over loopback against the real server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from tests.server.conftest import Api, Backend
from workstation.domain.model import new_id
from workstation.server.models import (
    AccountRow,
    ConflictRow,
    EventRow,
    IdempotencyRecord,
    ReviewItem,
    ServerState,
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _soon() -> str:
    """A promise's due date inside the contract's horizon (a year ahead at the most)."""
    return (datetime.now(UTC) + timedelta(days=30)).date().isoformat()


def _event(account: dict[str, Any], kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id(),
        "type": kind,
        "account_id": account["id"],
        "occurred_at": _now(),
        "payload": payload,
    }


def _note(account: dict[str, Any], text: str = "called, no answer") -> dict[str, Any]:
    return _event(account, "note", {"text": text})


def _open_account(snapshot: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in snapshot["accounts"] if a["status"] in ("open", "promise"))


def test_snapshot_is_paged_resumable_and_counted(backend: Backend) -> None:
    agent = backend.login("li.na")
    whole = agent.snapshot(page_size=5000)
    counts = whole["counts"]
    assert counts["accounts"] == len(whole["accounts"]) > 0
    assert counts["customers"] == len(whole["customers"])
    assert counts["events"] == len(whole["events"])
    assert all(a["owner"] == "li.na" for a in whole["accounts"])
    # paged in small pages: same content, same fixed version
    paged = agent.snapshot(page_size=7)
    assert paged["snapshot_version"] == whole["snapshot_version"] or paged["counts"]
    assert sorted(a["id"] for a in paged["accounts"]) == sorted(a["id"] for a in whole["accounts"])
    assert len(paged["events"]) == paged["counts"]["events"]
    # resume: the same token twice gives the same page (a retry after a lost response)
    first = agent.get("/api/v1/sync/snapshot", params={"page_size": 5}).json()
    token = first["next_page_token"]
    again1 = agent.get("/api/v1/sync/snapshot", params={"page_size": 5, "page_token": token})
    again2 = agent.get("/api/v1/sync/snapshot", params={"page_size": 5, "page_token": token})
    ids1 = [c["id"] for c in again1.json()["customers"]]
    assert ids1 == [c["id"] for c in again2.json()["customers"]]
    assert again1.json()["snapshot_version"] == first["snapshot_version"]
    # a snapshot token of another user is refused
    other = backend.login("chen.jie")
    stolen = other.get("/api/v1/sync/snapshot", params={"page_token": token})
    assert stolen.status_code == 400
    # a forged token is refused
    bad = agent.get("/api/v1/sync/snapshot", params={"page_token": token[:-2] + "xx"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_page_token"
    # money is a decimal string with a currency, never a number
    account = whole["accounts"][0]
    assert isinstance(account["balance"], str)
    assert account["currency"] in ("CNY", "USD", "GBP")


def test_snapshot_then_changes_misses_nothing_written_meanwhile(backend: Backend) -> None:
    agent = backend.login("li.na")
    first = agent.get("/api/v1/sync/snapshot", params={"page_size": 3}).json()
    account = agent.snapshot()["accounts"][0]
    # a write lands while the snapshot is being downloaded
    pushed = agent.push(agent.mutation("event.create", _note(account))).json()
    assert pushed["results"][0]["status"] == "applied"
    cursor = first["cursor"]
    seen = []
    while True:
        page = agent.changes(cursor)
        seen += [e["id"] for e in page["events"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pushed["results"][0]["result"]["event_id"] in seen


def test_push_applied_duplicate_and_mismatch(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    cursor = agent.changes(0)["cursor"]
    event = _event(account, "contact_attempt", {
        "channel": "phone", "direction": "outbound", "disposition": "NA", "duration_s": 20,
        "notes": "",
    })  # fmt: skip
    m = agent.mutation("event.create", event)
    first = agent.push(m, key="batch-1")
    assert first.status_code == 200, first.text
    result = first.json()["results"][0]
    assert result["status"] == "applied"
    # the same batch again (lost response): duplicate with the stored result, one record
    again = agent.push(m, key="batch-1").json()["results"][0]
    assert again["status"] == "duplicate"
    assert again["original_status"] == "applied"
    assert again["result"] == result["result"]
    # same mutation in a new batch: still a duplicate
    assert agent.push(m, key="batch-2").json()["results"][0]["status"] == "duplicate"
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).where(EventRow.id == event["id"])) == 1
    # same key, another body → 422, nothing applied
    other = agent.mutation("event.create", _note(account))
    reused = agent.push(other, key="batch-1")
    assert reused.status_code == 422
    assert reused.json()["error"] == "idempotency_key_reused"
    # same mutation id, another payload → 422
    changed = {**m, "payload": {**event, "payload": {**event["payload"], "duration_s": 99}}}
    clash = agent.push(changed)
    assert clash.status_code == 422
    assert clash.json()["error"] == "mutation_id_reused"
    with backend.sessions() as session:
        assert (
            session.scalar(select(func.count()).where(EventRow.id == other["payload"]["id"])) == 0
        )
    # the applied event reaches the changes feed
    page = agent.changes(cursor)
    assert event["id"] in [e["id"] for e in page["events"]]


def test_each_mutation_and_its_record_are_one_transaction(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    mutations = [agent.mutation("event.create", _note(account, f"n{i}")) for i in range(3)]
    body = agent.push(*mutations).json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 3
    with backend.sessions() as session:
        for m in mutations:
            record = session.get(IdempotencyRecord, (agent.client_id, m["mutation_id"]))
            assert record is not None
            assert record.status == "applied"
            assert session.get(EventRow, m["payload"]["id"]) is not None


def test_bad_mutations_are_refused_whole_and_write_nothing(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    currency = account["currency"]
    good = agent.mutation("event.create", _note(account))
    cases = [
        _event(account, "promise", {"amount": "10.001", "currency": currency,
                                    "due_date": _soon()}),
        _event(account, "promise", {"amount": 10.5, "currency": currency,
                                    "due_date": _soon()}),
        _event(account, "teleport", {}),
        _event(account, "contact_attempt", {"channel": "pigeon", "disposition": "NA"}),
        _event(account, "satisfaction", {"score": 9}),
    ]  # fmt: skip
    for payload in cases:
        response = agent.push(good, agent.mutation("event.create", payload))
        assert response.status_code == 422, (payload, response.text)
        assert response.json()["error"] == "invalid_mutation"
        assert response.json()["message"]
    with backend.sessions() as session:
        assert session.get(EventRow, good["payload"]["id"]) is None


def test_business_rejections_are_stored_results(backend: Backend) -> None:
    agent = backend.login("li.na")
    snap = agent.snapshot()
    account = snap["accounts"][0]
    with backend.sessions.begin() as session:
        session.execute(update(AccountRow).where(AccountRow.id == account["id"]).values(
            status="closed"))  # fmt: skip
    promise = agent.mutation(
        "event.create",
        _event(account, "promise", {"amount": "50.00", "currency": account["currency"],
                                    "due_date": _soon()}),
    )  # fmt: skip
    assign = agent.mutation("account.assign", {"account_id": account["id"], "owner": "li.na"})
    unknown = agent.mutation("account.nuke", {})
    note = agent.mutation("event.create", _note(account, "still a fact"))
    results = agent.push(promise, assign, unknown, note).json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["reason"] == "account_closed"
    assert results[1]["reason"] == "assignment_is_server_only"
    assert results[2]["status"] == "rejected"
    assert results[3]["status"] == "applied"  # a later mutation still applies
    again = agent.push(promise).json()["results"][0]
    assert again["status"] == "duplicate"
    assert again["original_status"] == "rejected"
    assert again["reason"] == "account_closed"


def test_contact_patch_conflict_keeps_server_value_and_records_client_value(
    backend: Backend,
) -> None:
    desk = backend.login("li.na")
    snap = desk.snapshot()
    # a phone not opted out yet, so the laptop's opt-out is a change that applies
    customer = next(c for c in snap["customers"] if c["phones"] and not c["phones"][0]["opted_out"])
    phone = customer["phones"][0]
    base = phone["version"]
    # the desk (online) changes the number first
    online = desk.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                             "id": phone["id"],
                                             "fields": {"number": "+86 138 0000 0001"}},
                           base_version=base)  # fmt: skip
    assert desk.push(online).json()["results"][0]["status"] == "applied"
    # the laptop (offline since base) changed the same field to something else
    laptop = backend.login("li.na")
    offline = laptop.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                                "id": phone["id"],
                                                "fields": {"number": "+86 138 0000 0002",
                                                           "opted_out": True}},
                              base_version=base)  # fmt: skip
    result = laptop.push(offline).json()["results"][0]
    assert result["status"] == "conflict"
    assert result["server_value"] == {"number": "+86 138 0000 0001"}
    assert result["result"]["applied_fields"] == ["opted_out"]  # the untouched field applies
    with backend.sessions() as session:
        conflict = session.scalar(
            select(ConflictRow).where(ConflictRow.mutation_id == offline["mutation_id"])
        )
        assert conflict is not None
        assert conflict.client_value == "+86 138 0000 0002"
        assert session.get(ReviewItem, result["result"]["review_item_id"]) is not None
    fresh = desk.get(f"/api/v1/customers/{customer['id']}").json()["customer"]
    stored = next(p for p in fresh["phones"] if p["id"] == phone["id"])
    assert stored["number"] == "+86 138 0000 0001"
    assert stored["opted_out"] is True
    # a new phone added offline is simply created
    new_phone = laptop.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                                  "id": new_id(),
                                                  "fields": {"number": "+86 139 1111 2222"}},
                                base_version=0)  # fmt: skip
    assert laptop.push(new_phone).json()["results"][0]["status"] == "applied"


def test_reassignment_removal_arrival_and_late_fact(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    old = backend.login("chen.jie")
    new = backend.login("li.na")
    old_snap = old.snapshot()
    new_cursor = new.snapshot()["cursor"]
    old_cursor = old_snap["cursor"]
    moving = old_snap["accounts"][:2]
    ids = [a["id"] for a in moving]
    dry = lead.post("/api/v1/team/reassign", {"account_ids": ids, "to_user_id": new.user_id,
                                              "dry_run": True}).json()  # fmt: skip
    assert sorted(m["account_id"] for m in dry["moves"]) == sorted(ids)
    with backend.sessions() as session:  # a dry run changes nothing
        owners = set(session.scalars(select(AccountRow.owner_id).where(AccountRow.id.in_(ids))))
        assert owners == {old.user_id}
    done = lead.post("/api/v1/team/reassign", {"account_ids": ids, "to_user_id": new.user_id})
    assert done.status_code == 200, done.text
    assert done.json()["moves"] == dry["moves"]
    # the old owner's next pull says: removed
    page = old.changes(old_cursor)
    assert sorted(r["id"] for r in page["removals"]) == sorted(ids)
    assert all(r["reason"] == "reassigned" for r in page["removals"])
    # the new owner's next pull brings the whole account with its history
    page = new.changes(new_cursor)
    got = {a["id"] for a in page["accounts"]}
    assert set(ids) <= got
    history = [e for e in old_snap["events"] if e["account_id"] in ids]
    assert {e["id"] for e in history} <= {e["id"] for e in page["events"]}
    assert {a["customer_id"] for a in moving} <= {c["id"] for c in page["customers"]}
    # the old owner (offline meanwhile) pushes a fact from before the move: accepted, flagged
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    late = old.mutation(
        "event.create", {**_note(moving[0], "visited yesterday"), "occurred_at": yesterday}
    )
    result = old.push(late).json()["results"][0]
    assert result["status"] == "applied"
    review_id = result["result"]["review_item_id"]
    assert review_id in [i["id"] for i in new.get("/api/v1/review").json()]
    assert review_id in [i["id"] for i in lead.get("/api/v1/review").json()]
    # ... and reaches the new owner through sync
    assert late["payload"]["id"] in [e["id"] for e in new.changes(page["cursor"])["events"]]
    # an account never theirs: rejected without saying whether it exists
    stranger = backend.login("maria.lopez")
    foreign = stranger.mutation("event.create", _note(moving[0]))
    answer = stranger.push(foreign).json()["results"][0]
    assert answer["status"] == "rejected"
    assert answer["reason"] == "account_not_found"


def test_too_old_cursor_or_new_epoch_requires_resync(backend: Backend) -> None:
    agent = backend.login("li.na")
    cursor = agent.changes(0)["cursor"]
    gone = agent.get("/api/v1/sync/changes", params={"cursor": cursor + 10**9})
    assert gone.status_code == 410
    assert gone.json()["error"] == "resync_required"
    epoch = agent.changes(cursor)["epoch"]
    wrong = agent.get("/api/v1/sync/changes", params={"cursor": cursor, "epoch": epoch + 1})
    assert wrong.status_code == 410
    with backend.sessions.begin() as session:
        row = session.get(ServerState, "retained_from")
        assert row is not None
        row.value = str(cursor)
    try:
        old = agent.get("/api/v1/sync/changes", params={"cursor": cursor - 1})
        assert old.status_code == 410
        assert old.json()["error"] == "resync_required"
        assert agent.get("/api/v1/sync/changes", params={"cursor": cursor}).status_code == 200
    finally:
        with backend.sessions.begin() as session:
            row = session.get(ServerState, "retained_from")
            assert row is not None
            row.value = "0"


def test_clock_skew_is_warned_and_order_is_the_servers(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    cursor = agent.changes(0)["cursor"]
    ahead = agent.mutation("event.create", _note(account, "clock +3 days"))
    ahead["device_time"] = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    behind = agent.mutation("event.create", _note(account, "clock -1 year"))
    behind["device_time"] = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    results = agent.push(ahead, behind).json()["results"]
    assert all(r["status"] == "applied" for r in results)
    assert all(any(w.startswith("clock_skew") for w in r["warnings"]) for r in results)
    versions = [r["result"]["server_version"] for r in results]
    assert versions == sorted(versions)
    page = agent.changes(cursor)
    order = [e["id"] for e in page["events"]]
    assert order.index(ahead["payload"]["id"]) < order.index(behind["payload"]["id"])
    naive = agent.mutation("event.create", _note(account))
    naive["device_time"] = "2026-01-01T00:00:00"
    assert agent.push(naive).status_code == 422


def test_push_client_id_must_be_the_signed_in_device(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    body = {"client_id": "someone-elses-device", "mutations": [
        agent.mutation("event.create", _note(account))]}  # fmt: skip
    response = agent.post("/api/v1/sync/push", body, headers={"Idempotency-Key": "x" * 10})
    assert response.status_code == 403
    missing = agent.post("/api/v1/sync/push", {**body, "client_id": agent.client_id})
    assert missing.status_code == 400
    assert missing.json()["error"] == "idempotency_key_required"


def test_device_reports_backlog_for_the_team_overview(backend: Backend) -> None:
    agent = backend.login("li.na")
    agent.get("/api/v1/sync/changes", params={"cursor": 0}, headers={"X-Outbox-Pending": "41"})
    lead = backend.login("zhao.min")
    row = next(a for a in lead.get("/api/v1/team/overview").json()["agents"]
               if a["username"] == "li.na")  # fmt: skip
    assert row["outbox_pending"] >= 41
    assert row["online"] is True
    assert row["last_sync_at"] is not None
    beat = agent.post("/api/v1/devices/heartbeat", {"outbox_pending": 0})
    assert beat.status_code == 200


def test_two_server_processes_share_one_database(backend: Backend) -> None:
    """No process-local state: a token from one server works on another."""
    from workstation.server.embedded import start_embedded
    from workstation.server.settings import Settings

    second = start_embedded(backend.url, settings=Settings(db_url=backend.url),
                            promise_interval=0)  # fmt: skip
    try:
        agent = backend.login("li.na")
        other = Api(second.url, agent.username, agent.client_id, agent.tokens)
        snap = other.snapshot()
        account = _open_account(snap)
        m = other.mutation("event.create", _note(account))
        assert other.push(m).json()["results"][0]["status"] == "applied"
        assert agent.push(m).json()["results"][0]["status"] == "duplicate"
    finally:
        second.stop()


def test_parallel_pushes_of_one_mutation_make_one_record(backend: Backend) -> None:
    import threading

    agent = backend.login("li.na")
    account = _open_account(agent.snapshot())
    m = agent.mutation("event.create", _note(account, "raced"))
    statuses: list[str] = []

    def send() -> None:
        clone = Api(agent.base, agent.username, agent.client_id, agent.tokens)
        body = clone.push(m, key=uuid.uuid4().hex).json()
        statuses.append(body["results"][0]["status"])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses).count("applied") == 1
    assert statuses.count("duplicate") == 3
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).where(EventRow.id == m["payload"]["id"])) == 1


def test_an_event_sent_again_under_a_new_mutation_id_is_recorded_once(backend: Backend) -> None:
    """A device that lost its outbox's ids (reinstalled, restored) sends an event it had sent
    before under a new mutation id: the event is not recorded twice, and one with the same id
    but other content is refused. The events around it in the batch are applied, and the
    server's connections are fine after the clash (the pushes and the pull after it)."""
    agent = backend.login("li.na")
    snapshot = agent.snapshot()
    account = _open_account(snapshot)
    event = _note(account, "sent twice")
    first = agent.push(agent.mutation("event.create", event)).json()["results"][0]
    assert first["status"] == "applied"
    before, after = (agent.mutation("event.create", _note(account, t)) for t in ("one", "two"))
    again = agent.mutation("event.create", event)
    other = agent.mutation("event.create", {**event, "payload": {"text": "other words"}})
    results = agent.push(before, again, other, after).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied"]
    assert "event_already_recorded" in results[1]["warnings"]
    assert results[1]["result"] == {
        "event_id": event["id"],
        "server_version": first["result"]["server_version"],
    }
    assert results[2]["reason"] == "event_id_conflict"
    # the answers were stored: the same mutations again are duplicates with the same status
    repeated = agent.push(again, other).json()["results"]
    assert [(r["status"], r["original_status"]) for r in repeated] == [
        ("duplicate", "applied"),
        ("duplicate", "rejected"),
    ]
    for _ in range(3):  # every pooled connection is usable after the clash
        assert agent.push(agent.mutation("event.create", _note(account, "after"))).ok
    cursor = snapshot["snapshot_version"]
    changes = agent.get("/api/v1/sync/changes", params={"cursor": cursor}).json()
    texts = [
        e["payload"].get("text") for e in changes["events"] if e["account_id"] == account["id"]
    ]
    assert texts.count("sent twice") == 1
    assert "other words" not in texts
    assert texts.count("one") == texts.count("two") == 1
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).where(EventRow.id == event["id"])) == 1
