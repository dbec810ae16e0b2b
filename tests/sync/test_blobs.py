"""Agreement PDFs go up with the sync, by hash, before the events that name them.

All against the REAL backend on loopback; faults are injected in the transport around it
(``tests/sync/faults.py``). The server's ``blobs`` table and its events are checked directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.server.conftest import Backend
from tests.sync.conftest import Device, DeviceFactory
from tests.sync.faults import FaultProxy, FaultyAdapter, session_with
from workstation import paths
from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.model import Event, new_id, utcnow
from workstation.field.uploads import sync_field_device
from workstation.server.models import AccountRow, Blob, CustomerRow, EventRow, User
from workstation.sync.engine import SyncProgress
from workstation.sync.errors import OfflineError

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.4\n% a repayment agreement, signed at the door\n"


def _field_user(backend: Backend) -> str:
    return backend.of_role("field", "sh-desk")[0].username


@pytest.fixture(scope="module", autouse=True)
def _accounts_handed_to_the_field(backend: Backend) -> None:
    """The lead hands the field collector six of the desk's open Chinese accounts. The seed
    gives him his town's field accounts only, two to five in a book this small, and each
    test here agrees a plan on one (an account with a plan is no longer open)."""
    field = backend.of_role("field", "sh-desk")[0]
    lead = backend.login(backend.of_role("lead", "sh-desk")[0].username)
    with backend.sessions() as session:
        team = session.scalar(select(User.team_id).where(User.id == field.user_id))
        chosen = session.scalars(
            select(AccountRow.id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                AccountRow.team_id == team,
                AccountRow.owner_id != field.user_id,
                AccountRow.status == "open",
                CustomerRow.jurisdiction == "cn-nifa",  # his desk's own
            )
            .order_by(AccountRow.id)
            .limit(6)
        ).all()
    moved = lead.post(
        "/api/v1/team/reassign", {"account_ids": list(chosen), "to_user_id": field.user_id}
    )
    assert moved.status_code == 200, moved.text


def _open_accounts(device: Device, count: int) -> list[str]:
    rows = [r for r in device.store.queue_rows() if r.status in (AccountStatus.OPEN, "open")]
    assert len(rows) >= count
    return [r.account_id for r in rows[:count]]


def _agree_plan(
    device: Device, account_id: str, pdf: bytes = PDF, *, save: bool = True
) -> tuple[Event, str]:
    """A plan agreed offline: its PDF stored as a blob, named by the plan_agreement event."""
    detail = device.store.load_account(account_id)
    assert detail is not None
    if save:
        digest = device.store.put_blob(pdf, media_type="application/pdf")
    else:  # an event naming a document that was never saved on this computer
        digest = hashlib.sha256(pdf).hexdigest()
    currency = detail.account.currency
    event = Event(
        id=new_id(), type=EventType.PLAN_AGREEMENT, account_id=account_id,
        customer_id=detail.account.customer_id, occurred_at=utcnow(),
        recorded_by=device.username,
        payload={"instalments": 6, "instalment_amount": "25.00", "currency": currency,
                 "first_due": utcnow().date().isoformat(), "document_sha256": digest},
    )  # fmt: skip
    device.store.record_event(event, device_id=device.api.device_id)
    return event, digest


def _server_event_count(backend: Backend, event_id: str) -> int:
    with backend.sessions() as session:
        return int(session.scalar(select(func.count()).where(EventRow.id == event_id)) or 0)


def _server_blobs(backend: Backend, digest: str | None = None) -> int:
    with backend.sessions() as session:
        query = select(func.count()).select_from(Blob)
        if digest is not None:
            query = query.where(Blob.sha256 == digest)
        return int(session.scalar(query) or 0)


class Switch:
    """A transport plan: ``offline`` drops everything; ``rules`` fault matching requests once."""

    def __init__(self) -> None:
        self.offline = False
        self.rules: list[tuple[str, str, str]] = []  # (method, path fragment, fault)

    def decide(self, request: requests.PreparedRequest) -> str:
        if self.offline:
            return "drop_request"
        for rule in self.rules:
            method, fragment, fault = rule
            if request.method == method and fragment in (request.url or ""):
                self.rules.remove(rule)
                return fault
        return "ok"


@pytest.fixture
def proxy(backend: Backend) -> Iterator[FaultProxy]:
    started = FaultProxy(backend.base)
    yield started
    started.stop()


def test_plan_agreed_offline_reaches_the_server_with_its_pdf_once(
    backend: Backend, make_device: DeviceFactory, proxy: FaultProxy
) -> None:
    switch = Switch()
    device = make_device(
        _field_user(backend), http_session=session_with(FaultyAdapter(switch.decide))
    )
    device.api.http.base_url = proxy.url  # the same server, seen through a logging proxy
    device.sync()
    plan_account, other_account = _open_accounts(device, 2)

    switch.offline = True  # on the road
    plan, digest = _agree_plan(device, plan_account)
    note = device.note(other_account, "visited")
    with pytest.raises(OfflineError):
        device.sync()
    assert device.store.pending_outbox_count() == 2
    assert _server_blobs(backend, digest) == 0

    switch.offline = False  # back in coverage
    proxy.log.clear()
    progress = SyncProgress()
    report, uploads = sync_field_device(device.engine, progress)
    assert report.blobs_uploaded == 1
    assert progress.view().counts["blobs_uploaded"] == 1
    assert uploads.uploaded == 1
    assert report.acked == 2
    assert report.held_back == 0
    assert device.store.pending_outbox_count() == 0
    assert device.store.blobs_to_upload() == []
    assert _server_event_count(backend, plan.id) == 1
    assert _server_event_count(backend, note.id) == 1
    # the document went first: HEAD (absent), PUT, and only then the push naming it
    calls = [(method, path.split("?")[0]) for _, method, path, _ in proxy.log]
    blob_path = f"/api/v1/blobs/{digest}"
    assert calls.index(("HEAD", blob_path)) < calls.index(("PUT", blob_path))
    assert calls.index(("PUT", blob_path)) < calls.index(("POST", "/api/v1/sync/push"))
    # GET by hash gives back exactly the bytes agreed at the door — to the device …
    fetched = device.api.http.session.get(
        backend.base + blob_path,
        headers={"Authorization": f"Bearer {device.api.http.access_token}"},
        timeout=10,
    )
    assert fetched.status_code == 200
    assert fetched.content == PDF
    # … and to the team lead, whose scope now holds the event naming it
    lead = backend.login(backend.of_role("lead", "sh-desk")[0].username)
    assert lead.get(blob_path).content == PDF

    # a second sync sends nothing at all
    blobs_before = _server_blobs(backend)
    proxy.log.clear()
    again, uploads_again = sync_field_device(device.engine)
    assert (again.blobs_uploaded, again.blobs_present, uploads_again.uploaded) == (0, 0, 0)
    assert again.pushed == 0
    assert not [c for c in proxy.log if "/blobs/" in c[2] or "/sync/push" in c[2]]
    assert _server_blobs(backend) == blobs_before
    assert _server_event_count(backend, plan.id) == 1


@pytest.mark.parametrize("fault", ["drop_request", "drop_response"])
def test_a_failed_blob_upload_is_retried_next_sync_and_stored_once(
    backend: Backend, make_device: DeviceFactory, fault: str
) -> None:
    switch = Switch()
    device = make_device(
        _field_user(backend), http_session=session_with(FaultyAdapter(switch.decide))
    )
    device.sync()
    plan_account, other_account = _open_accounts(device, 2)
    plan, digest = _agree_plan(device, plan_account, PDF + fault.encode())
    after_plan = device.note(plan_account, "left the signed copy")  # same account: waits too
    unrelated = device.note(other_account, "nobody home")

    # the PUT fails once: the request is lost, or the server stores it and the answer is lost
    switch.rules.append(("PUT", "/api/v1/blobs/", fault))
    report = device.sync()
    assert report.blobs_failed == [digest]
    assert report.blobs_uploaded == 0
    assert report.held_back == 2  # the plan and the later note on its account
    assert report.acked == 1  # unrelated changes are not blocked
    assert _server_event_count(backend, unrelated.id) == 1
    assert _server_event_count(backend, plan.id) == 0  # never an event without its PDF
    assert _server_event_count(backend, after_plan.id) == 0
    assert _server_blobs(backend, digest) == (1 if fault == "drop_response" else 0)
    assert device.store.pending_outbox_count() == 2
    assert plan_account in device.accounts()  # its pending work keeps it on the device
    assert any("document" in w for w in report.warnings)

    report = device.sync()
    if fault == "drop_response":  # the server already had it: found by HEAD, not re-sent
        assert (report.blobs_present, report.blobs_uploaded) == (1, 0)
    else:
        assert (report.blobs_present, report.blobs_uploaded) == (0, 1)
    assert report.acked == 2
    assert report.held_back == 0
    assert device.store.pending_outbox_count() == 0
    assert _server_blobs(backend, digest) == 1
    with backend.sessions() as session:
        order = [
            session.scalar(select(EventRow.server_version).where(EventRow.id == e.id))
            for e in (plan, after_plan)
        ]
    assert order[0] is not None
    assert order[1] is not None
    assert order[0] < order[1]  # the account's own order survived the wait
    assert device.sync().blobs_uploaded == 0


def test_a_document_missing_locally_goes_to_needs_attention(
    backend: Backend, make_device: DeviceFactory
) -> None:
    device = make_device(_field_user(backend))
    device.sync()
    gone_account, never_account = _open_accounts(device, 2)
    gone, gone_digest = _agree_plan(device, gone_account, PDF + b"gone")
    info = device.store.blob_info(gone_digest)
    assert info is not None
    (paths.blob_dir() / info.path).unlink()  # the file vanished from the laptop
    never, _ = _agree_plan(device, never_account, PDF + b"never", save=False)
    later = device.note(gone_account, "after the plan")

    report = device.sync()
    assert report.rejected == 2
    assert report.acked == 1  # later work on the same account is not blocked forever
    assert _server_event_count(backend, later.id) == 1
    assert _server_event_count(backend, gone.id) == 0
    assert _server_event_count(backend, never.id) == 0
    reasons = sorted(i.reason for i in device.store.needs_attention() if i.kind == "rejected")
    assert len(reasons) == 2
    assert all("agreement document" in r for r in reasons)
    assert any("missing from this computer" in r for r in reasons)
    assert any("never saved on this computer" in r for r in reasons)
    assert device.store.pending_outbox_count() == 0
    # not retried forever: the next sync pushes nothing
    assert device.sync().pushed == 0


def test_team_overview_shows_the_device_backlog(
    backend: Backend, make_device: DeviceFactory
) -> None:
    switch = Switch()
    username = _field_user(backend)
    device = make_device(username, http_session=session_with(FaultyAdapter(switch.decide)))
    device.sync()
    lead = backend.login(backend.of_role("lead", "sh-desk")[0].username)

    def backlog() -> Any:
        answer = lead.get("/api/v1/team/overview")
        assert answer.status_code == 200, answer.text
        agent = next(a for a in answer.json()["agents"] if a["username"] == username)
        mine = next(d for d in agent["devices"] if d["device_id"] == device.api.device_id)
        return mine["outbox_pending"], agent["last_sync_at"]

    account = _open_accounts(device, 1)[0]
    _agree_plan(device, account, PDF + b"backlog")
    device.note(account, "waits for the plan")
    switch.rules.append(("PUT", "/api/v1/blobs/", "drop_request"))
    device.sync()  # the document fails: two entries stay in the outbox
    pending, synced = backlog()
    assert pending == device.store.pending_outbox_count() == 2
    assert synced is not None
    device.sync()
    assert backlog()[0] == 0
