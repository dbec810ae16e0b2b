"""The contract round trip: every event type and every mutation type goes from the desk's
store through the client wire (``sync.wire.mutations_of``), the server's reading of it
(``contract``), its write and its serialisation, back to the desk's store by a pull — and
arrives as it left. The real backend on loopback, SQLite and PostgreSQL.

A new event type needs an example in ``EXAMPLES`` (the test refuses to pass without one).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, PASSWORD, Backend, running_backend
from tests.server.lifecycle_helpers import plan_payload
from workstation.contract import decode, payload_of
from workstation.contract.events import PAYLOADS
from workstation.contract.mutations import Mutation, MutationType
from workstation.domain.enums import SERVER_ONLY_EVENTS, AccountStatus, EventType
from workstation.domain.model import Event, new_id
from workstation.domain.money import Money
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import (
    AccountRow,
    ContactRow,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
)
from workstation.store import Store
from workstation.store.records import OutboxEntry, OutboxState
from workstation.sync import ApiSession, HttpSettings, SyncEngine
from workstation.sync.errors import ServerError
from workstation.sync.wire import mutations_of

FAST = HttpSettings(connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


def _day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _instant(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0).isoformat()


def examples(currency: str, phone: str, address: str) -> dict[EventType, dict[str, Any]]:
    """One payload per event type, with most of its optional fields (the wire form)."""
    override = {
        "override_reason": "the customer called us back",
        "override_codes": ["outside_calling_hours"],
        "decided_at": _instant(-1),
        "rule_pack": "cn-nifa",
    }
    return {
        EventType.CONTACT_ATTEMPT: {
            "channel": "phone", "direction": "outbound", "disposition": "CB",
            "duration_s": 95, "notes": "call back after lunch 午饭后回电",
            "address_used": phone, "callback_at": _instant(26), **override,
        },
        EventType.PROMISE: {
            "amount": "120.50", "currency": currency, "due_date": _day(9), "status": "open",
            "attempt_id": new_id(),
        },
        EventType.PAYMENT: {"amount": "20.00", "currency": currency, "source": "reported"},
        EventType.NOTE: {"text": "spoke to the customer's sister 与客户姐姐通话"},
        EventType.VISIT: {
            "address_id": address, "outcome": "nobody", "notes": "gate locked",
            "evidence": {"id_shown": False, "recording_on": True, "second_collector": True,
                         "consent_to_enter": False},
            "missing_evidence": ["id_shown"], **override,
        },
        EventType.PLAN_AGREEMENT: {
            "instalments": 2, "instalment_amount": "50.00", "currency": currency,
            "first_due": _day(30), "method": "flat", "kind": "instalments",
            "terms": {"instalments": "2", "method": "flat"}, "total": "100.00",
            "schedule": [{"n": 1, "due_on": _day(30), "amount": "50.00"},
                         {"n": 2, "due_on": _day(60), "amount": "50.00"}],
            "affordable": True, "note": "signed", "document_reference": "AGR-1",
            "signed_on_visit": False,
        },
        EventType.COMPLAINT: {
            "category": "staff_conduct", "details": "rude", "status": "open",
            "sla_due": _day(56), "blocked_address": phone, "blocked_channel": "phone",
        },
        EventType.DISPUTE: {"reason": "not_mine", "details": "card stolen",
                            "status": "pending_validation"},
        EventType.SATISFACTION: {"score": 4, "comment": "polite 有礼貌"},
        EventType.FLAG_CHANGE: {
            "flag": "hardship", "value": True, "since": _day(0), "details": "lost job",
            "monthly_income": "3000.00", "monthly_expenses": "2500.00", "currency": currency,
        },
        EventType.MESSAGE: {
            "channel": "sms", "direction": "outbound", "address_used": phone,
            "to": "+86 138 0000 0000", "template": "reminder", "language": "zh",
            "status": "sent", "text": "提醒 reminder", "segments": 1, "encoding": "UCS-2",
            "opt_out_required": False, "message_id": new_id(),
        },
        EventType.VOID: {"target_event_id": "", "reason": "logged on the wrong account"},
        EventType.APPROVAL: {
            "kind": "settlement", "status": "requested", "total": "400.00", "currency": currency,
            "instalments": 1, "first_due": _day(7), "terms": {"settlement_percent": "40"},
            "issues": ["40 % is below the 60 % floor for 90-179 days past due"],
            "justification": "medical bills; the family can raise 40 % now",
        },
    }  # fmt: skip


def test_every_event_and_mutation_type_arrives_as_it_left(backend: Backend, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "desk.db")
    api = ApiSession(backend.base, f"rt-{uuid.uuid4().hex[:10]}", settings=FAST)
    api.sign_in("li.na", PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / "stage.db")
    engine.sync()
    rows = [r for r in store.queue_rows() if r.status == AccountStatus.OPEN]
    detail = next(
        d
        for d in (store.load_account(r.account_id) for r in rows)
        if d is not None and d.customer.phones and d.customer.addresses and d.customer.emails
    )
    account, customer = detail.account, detail.customer
    sent = examples(account.currency, customer.phones[0].id, customer.addresses[0].id)
    assert set(sent) == set(EventType) - SERVER_ONLY_EVENTS, "every event type needs an example"

    # -- every event type, recorded at the desk -------------------------------------------------
    ids: dict[EventType, str] = {}
    now = datetime.now(UTC).replace(microsecond=0)
    for offset, kind in enumerate(sent):
        if kind is EventType.VOID:
            sent[kind]["target_event_id"] = ids[EventType.NOTE]
        event = Event(new_id(), kind, account.id, customer.id, now + timedelta(seconds=offset),
                      "li.na", dict(sent[kind]))  # fmt: skip
        store.record_event(event, device_id=api.device_id)
        ids[kind] = event.id
    # -- and a contact patch of every kind (customer, phone, email, address) ----------------------
    new_phone = new_id()
    changes: dict[str, Any] = {
        "name_alt": "Round Trip",
        "language": "zh",
        "timezone": "Asia/Shanghai",
        "contact_person": {"name": "Wang Fang", "phone": "+86 139 0000 0001", "relationship": "sister"},
        "phones": [{"id": new_phone, "number": "+86 139 2222 3333", "type": "work",
                    "consent": True, "opted_out": False, "last_verified": _day(-3)}],
        "emails": [{"id": customer.emails[0].id, "opted_out": True}],
        "addresses": [{"id": customer.addresses[0].id, "postcode": "200001",
                       "latitude": "31.230416", "longitude": "121.473701"}],
    }  # fmt: skip
    store.patch_contact(customer.id, changes, customer.version, api.device_id)

    # the client wire: each entry's mutations fit the contract as the server will read them
    sent_types = set()
    for entry in store.pending_outbox():
        for mutation in mutations_of(entry):
            typed = decode(Mutation, mutation, now=datetime.now(UTC))
            sent_types.add(typed.type)

    engine.sync()  # push (server validation, write) and pull (serialise, client apply)
    assert store.pending_outbox_count() == 0
    assert not store.needs_attention()

    with backend.sessions() as session:
        for kind, event_id in ids.items():
            row = session.get(EventRow, event_id)
            assert row is not None, kind
            assert row.payload == sent[kind], kind  # the server stored what left the desk
    pulled = {e.id: e for e in store.load_account(account.id).events}  # type: ignore[union-attr]
    for kind, event_id in ids.items():
        local = pulled[event_id]
        assert local.server_version is not None, kind  # the server's copy came back
        assert local.payload == sent[kind], kind
        assert payload_of(local) == decode(PAYLOADS[kind], sent[kind]), kind

    # the patch: on the server, and back on the desk
    with backend.sessions() as session:
        row = session.get(CustomerRow, customer.id)
        assert row is not None
        assert (row.name_alt, row.language, row.timezone) == ("Round Trip", "zh", "Asia/Shanghai")
        assert row.contact_person == changes["contact_person"]
        phone = session.get(ContactRow, new_phone)
        assert phone is not None
        assert phone.data["number"] == "+86 139 2222 3333"
        assert phone.data["last_verified"] == changes["phones"][0]["last_verified"]
    back = store.load_customer(customer.id)
    assert back is not None
    assert (back.name_alt, back.language.value, back.timezone) == (
        "Round Trip",
        "zh",
        "Asia/Shanghai",
    )
    assert back.contact_person is not None
    assert back.contact_person.relationship == "sister"
    returned = next(p for p in back.phones if p.id == new_phone)
    assert (returned.number, returned.type.value, str(returned.last_verified)) == (
        "+86 139 2222 3333", "work", changes["phones"][0]["last_verified"])  # fmt: skip
    assert next(e for e in back.emails if e.id == customer.emails[0].id).opted_out
    address = next(a for a in back.addresses if a.id == customer.addresses[0].id)
    assert (address.postcode, str(address.latitude)) == ("200001", "31.230416")
    with pytest.raises(ValueError, match="cannot patch"):
        store.patch_contact(customer.id, {"name": "Someone Else"}, back.version, api.device_id)

    # -- the commands (no desk screen sends them yet): the outbox shape, through the wire ----------
    commands = [
        ("promise.cancel", {"promise_event_id": ids[EventType.PROMISE], "reason": "changed mind"}),
        ("plan.cancel", {"plan_event_id": ids[EventType.PLAN_AGREEMENT], "reason": "replaced"}),
    ]
    mutations = []
    for seq, (kind, payload) in enumerate(commands, start=10_000):
        entry = OutboxEntry(seq, new_id(), kind, payload, None, datetime.now(UTC),
                            api.device_id, OutboxState.PENDING, account_id=account.id)  # fmt: skip
        mutations.extend(mutations_of(entry))
    for mutation in mutations:
        sent_types.add(decode(Mutation, mutation).type)
    answer = api.call("POST", "/api/v1/sync/push", body={"client_id": api.device_id,
                                                       "mutations": mutations},
                      idempotency_key=uuid.uuid4().hex)  # fmt: skip
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"], answer
    with backend.sessions() as session:
        promise = session.get(PromiseRow, ids[EventType.PROMISE])
        plan = session.get(PlanRow, ids[EventType.PLAN_AGREEMENT])
        assert promise is not None
        assert promise.status == "cancelled"
        assert promise.reason == "changed mind"
        assert plan is not None
        assert plan.status == "cancelled"
    server_account = api.call("GET", f"/api/v1/accounts/{account.id}")["account"]
    assert {p["event_id"]: p["status"] for p in server_account["promises"]}[
        ids[EventType.PROMISE]
    ] == "cancelled"
    engine.sync()
    again = store.load_account(account.id)
    assert again is not None
    assert again.account.status.value == server_account["status"]
    assert again.account.version == server_account["version"]
    assert sent_types == {t.value for t in MutationType}

    # -- the server's own facts (the bank's money, the daily run): server write → client apply
    for kind in SERVER_ONLY_EVENTS:  # never from a device
        mutation = {"mutation_id": new_id(), "client_seq": 1, "type": "event.create",
                    "payload": {"id": new_id(), "type": kind.value, "account_id": account.id,
                                "occurred_at": now.isoformat(), "payload": {}}}  # fmt: skip
        with pytest.raises(ServerError) as refused:
            api.call("POST", "/api/v1/sync/push", idempotency_key=uuid.uuid4().hex,
                     body={"client_id": api.device_id, "mutations": [mutation]})  # fmt: skip
        assert refused.value.status == 422
    others = [
        r.account_id
        for r in store.queue_rows()
        if r.status == AccountStatus.OPEN and r.customer_id != customer.id
    ]
    planned, paid, settling = others[0], others[1], others[2]
    today = datetime.now(UTC).date()

    def agree(account_id: str, payload: dict[str, Any]) -> None:
        held = store.load_account(account_id)
        assert held is not None
        store.record_event(Event(new_id(), EventType.PLAN_AGREEMENT, account_id,
                                 held.account.customer_id, now, "li.na", payload),
                           device_id=api.device_id)  # fmt: skip

    def currency_of(account_id: str) -> str:
        held = store.load_account(account_id)
        assert held is not None
        return held.account.currency

    agree(planned, plan_payload(currency_of(planned),
                                [(today + timedelta(days=d), 5_000) for d in (2, 32)]))  # fmt: skip
    settlement = plan_payload(currency_of(settling), [(today + timedelta(days=3), 10_000)])
    agree(settling, {**settlement, "kind": "settlement"})
    engine.sync()
    # the bank's money, the way a processor posts it: one pays off, one reaches a settlement
    admin = backend.login("admin")
    with backend.sessions() as session:
        refs = {
            a: (row.account_ref, row.balance_minor)
            for a in (paid, settling)
            if (row := session.get(AccountRow, a)) is not None
        }
    payment_refs = {}
    for account_id, minor in ((paid, refs[paid][1]), (settling, 10_000)):
        money = Money.from_minor(minor, currency_of(account_id))
        payment_refs[account_id] = f"RT-{new_id()[-12:]}"
        booked = admin.post("/api/v1/payments", {
            "payment_ref": payment_refs[account_id], "account_ref": refs[account_id][0],
            "amount": money.wire(), "currency": money.currency, "paid_on": today.isoformat()})  # fmt: skip
        assert booked.status_code == 201, booked.text
    for day in (0, 40, 70):
        run_daily(backend.sessions, today + timedelta(days=day))
    # and the bank takes the paying one back (after its paid-in-full letter)
    returned = admin.post(f"/api/v1/payments/{payment_refs[paid]}/return",
                          {"returned_on": today.isoformat(), "reason": "recalled"})  # fmt: skip
    assert returned.status_code == 201, returned.text
    engine.sync()
    with backend.sessions() as session:
        written = {
            row.id: (row.type, row.payload)
            for row in session.scalars(
                select(EventRow).where(
                    EventRow.account_id.in_([planned, paid, settling]),
                    EventRow.type.in_([k.value for k in SERVER_ONLY_EVENTS]),
                )
            )
        }
    assert {kind for kind, _ in written.values()} == {k.value for k in SERVER_ONLY_EVENTS}
    local = {
        e.id: e
        for a in (planned, paid, settling)
        for e in store.load_account(a).events  # type: ignore[union-attr]
    }
    for event_id, (kind, payload) in written.items():
        assert event_id in local, (kind, payload)
        assert local[event_id].payload == payload, kind
        assert payload_of(local[event_id], unknown="reject") == decode(
            PAYLOADS[EventType(kind)], payload
        ), kind
    api.close()
    store.close()
