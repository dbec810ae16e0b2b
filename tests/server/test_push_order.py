"""A push applied mutation by mutation (DESIGN §5): each event sees the ones before it in
the same push, the versions in the answers, the stored results and the change feed agree,
and a copy of a mutation that a racing request stored between the batch's check and its
apply is answered as a duplicate, never applied twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Api, Backend
from tests.server.money import event_body
from workstation.server import sync_write
from workstation.server.models import AccountRow, AuditEntry, EventRow, PromiseRow, ReviewItem
from workstation.server.versioning import committed_version

HUGE = "999999999999999.99"


def _day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _story(agent: Api, account: dict[str, Any]) -> list[dict[str, Any]]:
    """Seven events on one account, each later one reading what an earlier one left."""
    currency = account["currency"]
    other = "USD" if currency != "USD" else "EUR"
    call = event_body(account, "contact_attempt", {
        "channel": "phone", "direction": "outbound", "disposition": "RPC_NC", "duration_s": 95})  # fmt: skip
    first = event_body(account, "promise", {
        "amount": "100.00", "currency": currency, "due_date": _day(5)})  # fmt: skip
    void = event_body(account, "void", {
        "target_event_id": first["id"], "reason": "wrong amount"})  # fmt: skip
    second = event_body(account, "promise", {
        "amount": "50.00", "currency": currency, "due_date": _day(7)})  # fmt: skip
    huge = event_body(account, "payment", {
        "amount": HUGE, "currency": currency, "source": "reported"})  # fmt: skip
    foreign = event_body(account, "promise", {
        "amount": "20.00", "currency": other, "due_date": _day(3)})  # fmt: skip
    modest = event_body(account, "payment", {
        "amount": "10.00", "currency": currency, "source": "reported"})  # fmt: skip
    events = [call, first, void, second, huge, foreign, modest]
    return [agent.mutation("event.create", e) for e in events]


def _book(backend: Backend, account_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    """What the story left on the account, by the story's positions (ids differ)."""
    ids = [m["payload"]["id"] for m in mutations]
    with backend.sessions() as session:
        account = session.get(AccountRow, account_id)
        assert account is not None
        promises = {
            p.event_id: p.status
            for p in session.scalars(select(PromiseRow).where(PromiseRow.event_id.in_(ids)))
        }
        reviews = {
            r.event_id: r.kind
            for r in session.scalars(select(ReviewItem).where(ReviewItem.event_id.in_(ids)))
        }
        recorded = set(session.scalars(select(EventRow.id).where(EventRow.id.in_(ids))))
        audits = dict(
            session.execute(
                select(AuditEntry.entity_id, func.count())
                .where(AuditEntry.entity_id.in_([m["mutation_id"] for m in mutations]))
                .group_by(AuditEntry.entity_id)
            ).all()
        )
    return {
        "account": (account.status, account.balance_minor),
        "promises": [promises.get(i) for i in ids],
        "reviews": [reviews.get(i) for i in ids],
        "recorded": [i in recorded for i in ids],
        "audits": [audits.get(m["mutation_id"], 0) for m in mutations],
    }


def _calls(
    agent: Api, account: dict[str, Any], count: int, disposition: str
) -> list[dict[str, Any]]:
    """``count`` outbound phone calls on ``account``, each a different length."""
    return [
        agent.mutation(
            "event.create",
            event_body(
                account,
                "contact_attempt",
                {
                    "channel": "phone",
                    "direction": "outbound",
                    "disposition": disposition,
                    "duration_s": 10 * (i + 1),
                },
            ),
        )
        for i in range(count)
    ]


def _open_account(agent: Api) -> dict[str, Any]:
    return next(a for a in agent.snapshot()["accounts"] if a["status"] == "open")


def test_a_push_reads_its_own_earlier_events_and_numbers_every_answer(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent)
    cursor = agent.changes(0)["cursor"]
    story = _story(agent, account)
    answer = agent.push(*story).json()

    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["applied"] * 5 + ["rejected", "applied"]
    assert answer["results"][5]["reason"] == "currency_mismatch"
    assert any("over_balance" in w for w in answer["results"][4]["warnings"])
    book = _book(backend, account["id"], story)
    assert book["promises"][1:4] == ["cancelled", None, "open"]  # the void saw its promise
    assert book["reviews"][4] == "reported_payment_over_balance"
    assert book["recorded"] == [True] * 5 + [False, True]
    assert book["audits"] == [1] * 7
    assert book["account"][0] == "promise"
    assert book["account"][1] == int(account["balance"].replace(".", ""))  # reported: no move

    # the versions are numbers, increasing in the batch's order, and the change feed has them
    versions = [
        r["result"]["server_version"] for r in answer["results"] if r["status"] == "applied"
    ]
    assert all(isinstance(v, int) for v in versions)
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions)
    assert answer["cursor_hint"] >= versions[-1]
    feed: dict[str, int] = {}
    while True:
        page = agent.changes(cursor)
        feed.update({e["id"]: e["server_version"] for e in page["events"]})
        if not page["has_more"]:
            break
        cursor = page["cursor"]
    applied = [m["payload"]["id"] for m, r in zip(story, answer["results"], strict=True)
               if r["status"] == "applied"]  # fmt: skip
    assert [feed[i] for i in applied] == versions

    # the stored results carry the numbers too: the batch again answers from them
    again = agent.push(*story).json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 7
    assert [r.get("result", {}).get("server_version") for r in again] == [
        r["result"].get("server_version") for r in answer["results"]
    ]


def test_a_long_push_is_applied_in_order(backend: Backend) -> None:
    agent = backend.login("li.na")
    account = _open_account(agent)
    calls = _calls(agent, account, 30, "NA")
    results = agent.push(*calls).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * len(calls)
    versions = [r["result"]["server_version"] for r in results]
    assert versions == sorted(set(versions))
    assert _book(backend, account["id"], calls)["audits"] == [1] * len(calls)


def test_a_mutation_stored_by_a_racing_push_is_answered_as_a_duplicate(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The device's second request carrying the batch's middle event lands between the
    batch's check of stored mutations and its apply (a retry after a timeout): the apply,
    which skips the lookup for mutations absent at the check, collides on the stored
    record, rolls back and answers from it."""
    agent = backend.login("li.na")
    account = _open_account(agent)
    batch = _calls(agent, account, 3, "BUSY")
    checked = sync_write.check_stored_hashes
    raced: list[dict[str, Any]] = []

    def check_then_race(state: Any, client_id: str, mutations: list[Any]) -> set[str]:
        stored = checked(state, client_id, mutations)
        if not raced and len(mutations) == len(batch):
            raced.append(agent.push(batch[1]).json()["results"][0])  # another request, served now
        return stored

    monkeypatch.setattr("workstation.server.routers.sync.check_stored_hashes", check_then_race)
    results = agent.push(*batch).json()["results"]

    assert raced[0]["status"] == "applied"
    assert [r["status"] for r in results] == ["applied", "duplicate", "applied"]
    assert results[1]["original_status"] == "applied"
    assert results[1]["result"]["server_version"] == raced[0]["result"]["server_version"]
    book = _book(backend, account["id"], batch)
    assert book["recorded"] == [True] * 3
    assert book["audits"] == [1] * 3  # the rolled-back attempt left no audit entry behind
    with backend.sessions() as session:
        count = session.scalar(
            select(func.count()).where(EventRow.id.in_([m["payload"]["id"] for m in batch]))
        )
    assert count == 3


def test_the_cursor_hint_is_the_counter_at_the_push_s_last_commit(backend: Backend) -> None:
    """The hint is taken from the last commit's counter bump (no read of the counter after
    the batch) when the batch wrote something, and read when it wrote nothing; either way it
    covers every version the push took and names no version not yet committed."""
    agent = backend.login("li.na")
    account = _open_account(agent)
    calls = _calls(agent, account, 3, "NA")
    answer = agent.push(*calls).json()
    with backend.sessions() as session:
        counter = committed_version(session)
    versions = [r["result"]["server_version"] for r in answer["results"]]
    assert max(versions) <= answer["cursor_hint"] <= counter

    again = agent.push(*calls).json()  # all duplicates: nothing taken, the counter is read
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    with backend.sessions() as session:
        later = committed_version(session)
    assert counter <= again["cursor_hint"] <= later
