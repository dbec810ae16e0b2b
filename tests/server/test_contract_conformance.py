"""Everything the backend itself writes fits the contract too: the seeded book, the daily
run's instalments, plan outcomes, ended holds and letters, the messaging worker's status
events. A writer that adds a key the contract does not know fails here, not on a device."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.lifecycle_helpers import bank_pays, plan_payload
from workstation.contract import ContractError, decode
from workstation.contract.events import PAYLOADS
from workstation.contract.records import AccountRecord, CustomerRecord, EventRecord
from workstation.domain.enums import EventType
from workstation.domain.model import new_id
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import AccountRow, EventRow

TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


def test_every_event_the_backend_holds_fits_the_contract_exactly(backend: Backend) -> None:
    agent = backend.login("li.na")
    with backend.sessions() as session:
        accounts = session.scalars(
            select(AccountRow)
            .where(AccountRow.owner_id == agent.user_id, AccountRow.status == "open")
            .order_by(AccountRow.id)
            .limit(3)
        ).all()
        planned, flagged, paying = ((a.id, a.currency, a.balance_minor) for a in accounts)

    def push(account_id: str, kind: str, payload: dict[str, object]) -> None:
        event = {"id": new_id(), "type": kind, "account_id": account_id,
                 "occurred_at": datetime.now(UTC).isoformat(), "payload": payload}  # fmt: skip
        answer = agent.push(agent.mutation("event.create", event)).json()["results"][0]
        assert answer["status"] == "applied", answer

    lines = [(TODAY + timedelta(days=d), 10_000) for d in (3, 33, 63)]
    push(planned[0], "plan_agreement", plan_payload(planned[1], lines))
    push(flagged[0], "flag_change",
         {"flag": "hardship", "value": True, "since": (TODAY - timedelta(days=5)).isoformat()})  # fmt: skip
    with backend.sessions.begin() as session:
        bank_pays(session, planned[0], 10_000, TODAY + timedelta(days=2))
        bank_pays(session, paying[0], paying[2], TODAY)
    for day in (0, 10, 40, 70, 80):
        run_daily(backend.sessions, TODAY + timedelta(days=day))
    problems: list[str] = []
    kinds: set[str] = set()
    with backend.sessions() as session:
        for row in session.scalars(select(EventRow)):
            kinds.add(row.type)
            try:
                decode(PAYLOADS[EventType(row.type)], row.payload)
            except ContractError as exc:
                problems.append(f"{row.type} by {row.recorded_by}: {exc}")
    assert problems == []
    # the run wrote its own kinds of facts, and they were read above
    assert {"instalment", "plan_status", "document", "flag_change"} <= kinds


def test_every_record_a_device_is_sent_fits_the_contracts_records(backend: Backend) -> None:
    """The snapshot, the changes and a record read carry exactly the contract's shapes."""
    for username in ("li.na", "zhao.min", "wang.qiang"):
        api = backend.login(username)
        snapshot = api.snapshot()
        changes = api.changes(0)
        assert snapshot["accounts"]
        pages = [snapshot, changes]
        account = snapshot["accounts"][0]["id"]
        pages.append(api.get(f"/api/v1/accounts/{account}").json() | {"accounts": []})
        for page in pages:
            for cls, key in ((CustomerRecord, "customers"), (AccountRecord, "accounts"),
                             (EventRecord, "events")):  # fmt: skip
                for record in page.get(key, []):
                    decode(cls, record)
            if "customer" in page:
                decode(CustomerRecord, page["customer"])
                decode(AccountRecord, page["account"])
