"""A customer says "stop contacting me", and every part of the product hears it (issue 14 §1).

Desk A logs CEASE while offline; it syncs; the backend's customer carries
``cease_communication``; desk B (the team lead's desk) pulls and its engine blocks every
channel; the backend's messaging worker refuses the reminder desk B had queued; the field
collector's laptop refuses the visit. Real backend on loopback, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server.conftest import BACKENDS, PASSWORD, Backend, running_backend
from workstation.compliance import default_policy
from workstation.desk import DeskService, OutcomeInput
from workstation.desk.types import DeskError, ValidationError
from workstation.domain.enums import AccountStatus, Channel, CustomerFlag, Language
from workstation.field import FieldService, VisitInput
from workstation.messages.service import MessageRequest, send
from workstation.server.messaging.delivery import DeliveryWorker
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow, Team
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, SyncEngine

FAST = HttpSettings(connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01)
CEASE_HOLD = "hold_cease_communication"


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=120) as started:
        app: Any = started.server._server.config.app  # type: ignore[attr-defined]
        # the test runs the delivery rounds itself, so "queued before the CEASE arrived" holds
        app.state.messaging.worker.stop()
        yield started


@dataclass
class Device:
    user: str
    store: Store
    api: ApiSession
    engine: SyncEngine

    def sync(self) -> None:
        self.engine.sync()


def _device(backend: Backend, user: str, root: Path) -> Device:
    device_id = f"{user}-{datetime.now(UTC).timestamp():.0f}-{id(root) % 10_000}"
    store = Store.open(root / f"{user}.db")
    api = ApiSession(backend.base, device_id, settings=FAST)
    api.sign_in(user, PASSWORD)
    return Device(user, store, api, SyncEngine(store, api, staging_path=root / f"{user}.stage"))


def _daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is early afternoon now (inside every pack's hours)."""
    offset = (13 - now.hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def _ready_customer(backend: Backend) -> tuple[str, str, str]:
    """(customer, account for the desk, account for the field collector): a customer of the
    Shanghai team with two open accounts, who may be sent an SMS now."""
    now = datetime.now(UTC)
    with backend.sessions.begin() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "sh-desk"))
        pairs = session.execute(
            select(AccountRow.customer_id, func.count())
            .where(AccountRow.status == AccountStatus.OPEN.value, AccountRow.team_id == team_id)
            .group_by(AccountRow.customer_id)
            .having(func.count() >= 2)
        ).all()
        for customer_id, _ in pairs:
            customer = session.get(CustomerRow, customer_id)
            assert customer is not None
            phones = session.scalars(
                select(ContactRow).where(
                    ContactRow.customer_id == customer_id, ContactRow.kind == "phone"
                )
            ).all()
            accounts = session.scalars(
                select(AccountRow)
                .where(AccountRow.customer_id == customer_id, AccountRow.status == "open")
                .order_by(AccountRow.id)
            ).all()
            if not phones:
                continue
            customer.timezone, customer.flags = _daytime_zone(now), []
            phones[0].data = {**phones[0].data, "type": "mobile", "consent": True,
                              "opted_out": False, "invalid": False}  # fmt: skip
            session.flush()
            loaded = load_for_decision(session, accounts[0].id)
            assert loaded is not None
            who, account, events = loaded
            if default_policy().decide(who, account, Channel.SMS, now, events).allowed:
                return customer_id, accounts[0].id, accounts[1].id
    raise AssertionError("no customer with two accounts may be messaged now")


def _verdicts(device: Device, account_id: str) -> dict[Channel, Any]:
    desk = DeskService(device.store, device.api.device_id, device.user)
    return dict(desk.account(account_id).verdicts)


def test_cease_reaches_the_server_every_desk_the_messaging_worker_and_the_field(
    backend: Backend, tmp_path: Path
) -> None:
    customer_id, desk_account, field_account = _ready_customer(backend)
    lead = backend.login("zhao.min")
    for account_id, user in ((desk_account, "li.na"), (field_account, "wang.qiang")):
        to_user = backend.login(user).user_id
        moved = lead.post(
            "/api/v1/team/reassign", {"account_ids": [account_id], "to_user_id": to_user}
        )
        assert moved.status_code == 200, moved.text
    desk_a = _device(backend, "li.na", tmp_path / "a")
    desk_b = _device(backend, "zhao.min", tmp_path / "b")
    field = _device(backend, "wang.qiang", tmp_path / "f")
    for device in (desk_a, desk_b, field):
        device.sync()

    # desk B queues a reminder (allowed when composed), the backend holds it as a job
    b_service = DeskService(desk_b.store, desk_b.api.device_id, "zhao.min")
    request = MessageRequest(desk_account, "payment_reminder", Channel.SMS, Language.EN)
    reminder_id = send(b_service, request).event_ids[0]
    desk_b.sync()
    with backend.sessions() as session:
        job = session.get(MessageJob, reminder_id)
        assert job is not None
        assert job.status == "queued"

    # desk A, offline: the customer asks to stop; the desk blocks at once, locally
    a_service = DeskService(desk_a.store, desk_a.api.device_id, "li.na")
    a_service.log_outcome(
        OutcomeInput(desk_account, "CEASE", Channel.PHONE, override_reason="customer called in",
                     disclosures_given=a_service.account(desk_account).call_guide.disclosure_ids)
    )  # fmt: skip
    local = desk_a.store.load_customer(customer_id)
    assert local is not None
    assert CustomerFlag.CEASE_COMMUNICATION in local.flags
    assert not any(v.allowed for v in _verdicts(desk_a, desk_account).values())

    # ... and syncs: the backend's customer carries the flag, at a new version
    with backend.sessions() as session:
        before = session.get(CustomerRow, customer_id)
        assert before is not None
        version_before = before.version
    desk_a.sync()
    with backend.sessions() as session:
        server = session.get(CustomerRow, customer_id)
        assert server is not None
        assert "cease_communication" in server.flags
        assert server.version > version_before

    # desk B pulls: every channel blocked, by the cease hold, until someone lifts it
    desk_b.sync()
    verdicts = _verdicts(desk_b, desk_account)
    assert set(verdicts) == {Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.VISIT}
    for channel, verdict in verdicts.items():
        assert not verdict.allowed, channel
        assert CEASE_HOLD in verdict.codes, channel
    view = DeskService(desk_b.store, desk_b.api.device_id, "zhao.min").account(desk_account)
    letter = default_policy().decide(
        view.customer, view.account, Channel.LETTER, datetime.now(UTC), view.contact_history
    )
    assert CEASE_HOLD in {r.code for r in letter.blocking}  # no letter either
    with pytest.raises(DeskError):
        send(b_service, request)  # and no new reminder can be queued

    # the backend's worker refuses the reminder queued before, and says why
    app: Any = backend.server._server.config.app  # type: ignore[attr-defined]
    served = app.state.messaging.worker  # stopped at start; the same worker, run once here
    worker = DeliveryWorker(
        served.sessions, served.settings, sms=served.sms, email=served.email, signer=served.signer
    )
    assert worker.run_once() >= 1
    with backend.sessions() as session:
        job = session.get(MessageJob, reminder_id)
        assert job is not None
        assert job.status == "failed"
        assert "stop communicating" in (job.reason or "")
        statuses = [
            row.payload
            for row in session.scalars(select(EventRow).where(EventRow.type == "message"))
            if row.payload.get("message_id") == reminder_id
        ]
        assert [s["status"] for s in statuses] == ["failed"]
        assert "stop communicating" in statuses[0]["reason"]

    # the field collector's laptop, on its next sync, refuses the visit
    field.sync()
    detail = field.store.load_account(field_account)
    assert detail is not None
    assert CustomerFlag.CEASE_COMMUNICATION in detail.customer.flags
    visit_verdict = _verdicts(field, field_account)[Channel.VISIT]
    assert not visit_verdict.allowed
    assert CEASE_HOLD in visit_verdict.codes
    service = FieldService(field.store, field.api.device_id, "wang.qiang")
    address = detail.customer.addresses[0].id if detail.customer.addresses else ""
    with pytest.raises(ValidationError) as refused:
        service.record_visit(VisitInput(field_account, "met_debtor", address,
                                        {"id_shown": True, "recording_on": True,
                                         "second_collector": True}))  # fmt: skip
    assert "override_reason" in refused.value.errors
    for device in (desk_a, desk_b, field):
        device.api.close()
        device.store.close()
