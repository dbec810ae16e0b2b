"""Issue 20's findings in the push path, reproduced over loopback against the real server:
business dates without bounds (item 1), a former owner writing forever (item 3), a document
opened by naming its hash (item 6), unknown payload keys stored and synced (item 7)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import Api, Backend
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, CustomerRow, EventRow, ReviewItem


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _event(
    account: dict[str, Any], kind: str, payload: dict[str, Any], **envelope: Any
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "type": kind,
        "account_id": account["id"],
        "occurred_at": _iso(datetime.now(UTC)),
        "payload": payload,
        **envelope,
    }


def _open(api: Api) -> dict[str, Any]:
    snapshot = api.snapshot()
    return next(a for a in snapshot["accounts"] if a["status"] in ("open", "promise"))


def _today(days: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


# --- item 1 and 7: what a push may carry --------------------------------------------------------


def test_out_of_range_dates_and_instants_answer_422_and_write_nothing(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open(agent)
    currency = account["currency"]

    def promise(due: str) -> dict[str, Any]:
        return _event(
            account, "promise", {"amount": "10.00", "currency": currency, "due_date": due}
        )

    cases = [
        promise("9999-12-31"),  # once stopped promise evaluation for everyone
        promise(_today(2 * 366)),  # beyond the policy's horizon of a year
        promise(_today(-2 * 366)),
        _event(account, "note", {"text": "x"}, occurred_at="0001-01-01T00:00:00+01:00"),
        _event(account, "note", {"text": "x"}, occurred_at="9999-12-31T23:59:59-01:00"),
        _event(account, "note", {"text": "x"}, occurred_at=_iso(datetime.now(UTC) - timedelta(days=500))),
        _event(account, "note", {"text": "x"}, occurred_at=_iso(datetime.now(UTC) + timedelta(days=5))),
        _event(account, "contact_attempt", {"channel": "phone", "disposition": "CB",
                                            "callback_at": "9999-12-31T23:59:59+00:00"}),
        _event(account, "complaint", {"category": "tone", "sla_due": "0001-01-01"}),
        _event(account, "flag_change", {"flag": "hardship", "value": True, "since": "2199-01-01"}),
    ]  # fmt: skip
    for body in cases:
        mutation = agent.mutation("event.create", body)
        answer = agent.push(mutation)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"] == "invalid_mutation"
        assert answer.json()["mutation_id"] == mutation["mutation_id"]
    far = agent.mutation("event.create", _event(account, "note", {"text": "x"}))
    far["device_time"] = "0001-01-01T00:00:00+01:00"
    assert agent.push(far).status_code == 422
    with backend.sessions() as session:
        ids = [c["id"] for c in cases]
        assert session.scalars(select(EventRow.id).where(EventRow.id.in_(ids))).all() == []
    # inside the windows: applied
    fine = agent.mutation("event.create", promise(_today(30)))
    assert agent.push(fine).json()["results"][0]["status"] == "applied"


def test_unknown_payload_keys_are_refused_not_stored_and_synced(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open(agent)
    junk = agent.mutation(
        "event.create", _event(account, "note", {"text": "hello", "junk": "x" * 900_000})
    )
    answer = agent.push(junk)
    assert answer.status_code == 422, answer.text
    assert "junk" in answer.json()["message"]
    envelope = agent.mutation(
        "event.create", {**_event(account, "note", {"text": "hi"}), "extra": 1}
    )
    assert agent.push(envelope).status_code == 422
    with backend.sessions() as session:
        assert session.get(EventRow, junk["payload"]["id"]) is None


def test_a_customers_legal_name_is_not_patchable(backend: Backend) -> None:
    agent = backend.login("li.na")
    customer = agent.snapshot()["customers"][0]
    rename = agent.mutation(
        "contact.patch",
        {"customer_id": customer["id"], "kind": "customer", "fields": {"name": "Someone Else"}},
        base_version=customer["version"],
    )
    answer = agent.push(rename)
    assert answer.status_code == 422
    assert "'name' cannot be patched" in answer.json()["message"]


# --- item 3: a former owner -----------------------------------------------------------------------


def _move(backend: Backend, account_id: str, to: str) -> datetime:
    lead = backend.login("zhao.min")
    before = datetime.now(UTC)
    to_user = backend.login(to).user_id
    done = lead.post("/api/v1/team/reassign", {"account_ids": [account_id], "to_user_id": to_user})
    assert done.status_code == 200, done.text
    return before


def test_a_former_owner_may_add_only_facts_from_while_the_account_was_theirs(
    backend: Backend,
) -> None:
    old = backend.login("chen.jie")
    snapshot = old.snapshot()
    account = next(a for a in snapshot["accounts"] if a["status"] == "open")
    customer = next(c for c in snapshot["customers"] if c["id"] == account["customer_id"])
    earlier = old.mutation("event.create", _event(account, "note", {"text": "seen before"}))
    assert old.push(earlier).json()["results"][0]["status"] == "applied"
    with backend.sessions.begin() as session:  # the customer asked to stop, earlier today
        row = session.get(CustomerRow, customer["id"])
        assert row is not None
        row.flags = sorted({*row.flags, "cease_communication"})
    moved_at = _move(backend, account["id"], "li.na")
    old.changes(snapshot["cursor"])  # the old device hears of the move

    def push(body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = old.push(old.mutation("event.create", body)).json()["results"][0]
        return result

    # a fact from before the move (recorded offline, synced only now): accepted, flagged
    before = push(_event(account, "note", {"text": "visited this morning"},
                         occurred_at=_iso(moved_at - timedelta(hours=2))))  # fmt: skip
    assert before["status"] == "applied"
    with backend.sessions() as session:
        review = session.get(ReviewItem, before["result"]["review_item_id"])
        assert review is not None
        assert review.kind == "fact_after_reassignment"
    # anything newer, and any void, flag change or hold lift: refused
    refused = [
        _event(account, "note", {"text": "called again"}),
        _event(account, "promise", {"amount": "10.00", "currency": account["currency"],
                                    "due_date": _today(10)}),
        _event(account, "void", {"target_event_id": earlier["payload"]["id"], "reason": "oops"},
               occurred_at=_iso(moved_at - timedelta(hours=1))),
        _event(account, "flag_change", {"flag": "cease_communication", "value": False},
               occurred_at=_iso(moved_at - timedelta(hours=1))),
        _event(account, "dispute", {"reason": "paid already", "status": "resolved"},
               occurred_at=_iso(moved_at - timedelta(hours=1))),
    ]  # fmt: skip
    for body in refused:
        answer = push(body)
        assert answer["status"] == "rejected", (body, answer)
        assert answer["reason"] == "no_longer_yours"
    with backend.sessions() as session:
        ids = [b["id"] for b in refused]
        assert session.scalars(select(EventRow.id).where(EventRow.id.in_(ids))).all() == []
        row = session.get(CustomerRow, customer["id"])
        assert row is not None
        assert "cease_communication" in row.flags
    # a device of the old owner that has not pulled since the move (offline all along):
    # its work is offline work not yet synced, accepted and flagged
    laptop = backend.login("chen.jie")
    offline = laptop.push(laptop.mutation("event.create", _event(account, "note", {"text": "x"})))
    assert offline.json()["results"][0]["status"] == "applied"
    # never theirs: not found, as before
    stranger = backend.login("maria.lopez")
    other = stranger.push(stranger.mutation("event.create", _event(account, "note", {"text": "x"})))
    assert other.json()["results"][0]["reason"] == "account_not_found"


# --- item 6: documents --------------------------------------------------------------------------


def _plan(account: dict[str, Any], sha: str) -> dict[str, Any]:
    return _event(account, "plan_agreement", {
        "instalments": 3, "instalment_amount": "10.00", "currency": account["currency"],
        "first_due": _today(20), "document_sha256": sha,
    })  # fmt: skip


def test_a_document_is_visible_only_through_events_of_its_uploader(backend: Backend) -> None:
    owner = backend.login("li.na")
    mine = _open(owner)
    data = f"%PDF-1.7 agreement of {new_id()}".encode()
    sha = hashlib.sha256(data).hexdigest()
    assert owner.http.put(f"{owner.base}/api/v1/blobs/{sha}", data=data).status_code == 200
    assert owner.push(owner.mutation("event.create", _plan(mine, sha))).status_code == 200
    # another team's agent names the hash on a plan of their own account
    thief = backend.login("maria.lopez")
    theirs = _open(thief)
    pushed = thief.push(thief.mutation("event.create", _plan(theirs, sha)))
    assert pushed.json()["results"][0]["status"] == "applied"  # a fact; it opens nothing
    assert thief.get(f"/api/v1/blobs/{sha}").status_code == 404
    assert thief.http.head(f"{thief.base}/api/v1/blobs/{sha}").status_code == 404
    assert backend.login("dana.white").get(f"/api/v1/blobs/{sha}").status_code == 404
    # the uploader's lead sees it through the uploader's plan, as before
    assert backend.login("zhao.min").get(f"/api/v1/blobs/{sha}").content == data
    with backend.sessions() as session:
        assert session.get(AccountRow, theirs["id"]) is not None


@pytest.mark.parametrize("field", ["occurred_at", "device_time"])
def test_a_timestamp_without_offset_is_422(backend: Backend, field: str) -> None:
    agent = backend.login("li.na")
    account = _open(agent)
    mutation = agent.mutation("event.create", _event(account, "note", {"text": "x"}))
    if field == "device_time":
        mutation["device_time"] = "2026-01-01T00:00:00"
    else:
        mutation["payload"]["occurred_at"] = "2026-01-01T00:00:00"
    assert agent.push(mutation).status_code == 422


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-30", "9999-12-31"),  # the day after 'to' overflowed: 500 (OverflowError)
        ("0001-01-01", "0001-01-02"),
        (None, "0001-01-01"),  # 'from' defaults to a week before 'to'
        ("9999-12-31", None),  # 'to' defaults to today: 'from' after 'to'
    ],
)
def test_kpis_for_days_out_of_range_answer_422(
    backend: Backend, start: str | None, end: str | None
) -> None:
    lead = backend.login("zhao.min")
    query = "&".join(f"{k}={v}" for k, v in (("from", start), ("to", end)) if v)
    answer = lead.get(f"/api/v1/team/kpis?{query}")
    assert answer.status_code == 422, answer.text
    assert lead.get(f"/api/v1/team/kpis?weekly=true&{query}").status_code == 422
    assert lead.get(f"/api/v1/quality/kpis?{query}").status_code == 422
    assert lead.get("/api/v1/team/kpis").status_code == 200
    assert lead.get("/api/v1/quality/kpis").status_code == 200
