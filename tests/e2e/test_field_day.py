"""Wang Qiang's day (SCENARIOS 4): visits, a promise and a plan with its PDF recorded with no
network; back in coverage, one sync puts exactly those records and the document on the
backend; a second sync changes nothing. The backend is the real server on loopback; the book
is seeded as of a fixed instant and the day is planned and worked at it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.field import FieldService, VisitInput
from workstation.field.uploads import sync_field_device, upload_documents
from workstation.server.models import Blob, EventRow, PromiseRow
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, OfflineError, SyncEngine

FAST = HttpSettings(connect_timeout=1.0, read_timeout=20.0, retries=0, backoff_factor=0.01)
EVIDENCE = {"id_shown": True, "recording_on": True, "second_collector": True}
DAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, a Friday


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    # Wang Qiang holds the Shanghai accounts the strategy sends to the field: which, and how
    # many, depend on the instant the book is seeded as of (5 to 11 in 300 by the hour)
    with running_backend("sqlite", tmp_path_factory, accounts=300, as_of=DAY) as started:
        yield started


def _dead_port() -> str:
    import socket

    with socket.socket() as sock:  # bound then closed: nothing listens there
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_field_day_offline_then_one_sync(backend: Backend, tmp_path: Path):
    device_id = f"laptop-wang-{uuid.uuid4().hex[:6]}"
    store = Store.open(tmp_path / "wang.db")
    api = ApiSession(backend.base, device_id, settings=FAST)
    api.sign_in("wang.qiang", PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / "staging.db")
    engine.sync()  # the morning at the branch: first sync
    assert store.queue_rows()

    # -- on the road: no network at all --------------------------------------------------
    service = FieldService(store, device_id, "wang.qiang", visits_per_day=6, clock=lambda: DAY)
    plan = service.todays_visits()
    stops = [s for s in plan.stops if s.address_id][:3]
    assert len(stops) == 3
    assert {s.area.split(" · ")[0] for s in plan.stops} == {"上海市"}  # his territory
    recorded: list[str] = []
    for stop, outcome in zip(stops, ("nobody", "third_party", "met_debtor"), strict=True):
        reason = "" if stop.verdict.allowed else "customer's request"
        form = VisitInput(stop.account_id, outcome, stop.address_id, dict(EVIDENCE))
        form.override_reason = reason
        if outcome == "met_debtor":
            form.promise_amount = "50"
            form.promise_date = (DAY.date() + timedelta(days=7)).isoformat()  # a week on
        recorded.extend(service.record_visit(form).event_ids)
    met = stops[2]
    option = service.desk.compare_plans(met.account_id, instalments=6).options[0]
    agreed = service.agree_plan(met.account_id, option, "signed on the kitchen table")
    recorded.extend(agreed.changes.event_ids)
    assert len(recorded) == 5  # 3 visits, 1 promise, 1 plan
    facts = service.offline_facts()
    assert facts.waiting == 5
    assert facts.documents_waiting == 1

    offline_api = ApiSession(_dead_port(), device_id, settings=FAST)
    offline_api.http.access_token = "no-network"
    offline_api._expires_at = float("inf")  # a token that would still be valid
    with pytest.raises(OfflineError):
        upload_documents(store, offline_api)
    assert store.pending_outbox_count() == 5  # nothing lost, nothing marked sent

    # -- back in coverage ------------------------------------------------------------------
    report, uploads = sync_field_device(engine)
    assert uploads.uploaded == 1
    assert report.acked == 5
    assert store.pending_outbox_count() == 0
    assert service.offline_facts().documents_waiting == 0

    with backend.sessions() as session:
        rows = session.scalars(select(EventRow).where(EventRow.id.in_(recorded))).all()
        assert sorted(r.id for r in rows) == sorted(recorded)
        assert sorted(r.type for r in rows) == sorted(
            ["visit", "visit", "visit", "promise", "plan_agreement"]
        )
        plan_row = next(r for r in rows if r.type == "plan_agreement")
        assert plan_row.payload["document_sha256"] == agreed.document.sha256
        blob = session.get(Blob, agreed.document.sha256)
        assert blob is not None
        assert blob.content == agreed.document.pdf
        promise = next(r for r in rows if r.type == "promise")
        assert session.get(PromiseRow, promise.id) is not None
        before = session.scalar(select(func.count()).select_from(EventRow))
        blobs_before = session.scalar(select(func.count()).select_from(Blob))

    # a second sync: nothing doubles
    again, uploads_again = sync_field_device(engine)
    assert uploads_again.uploaded == 0
    assert again.pushed == 0
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).select_from(EventRow)) == before
        assert session.scalar(select(func.count()).select_from(Blob)) == blobs_before
        for event_id in recorded:
            count = session.scalar(
                select(func.count()).select_from(EventRow).where(EventRow.id == event_id)
            )
            assert count == 1
    api.close()
    offline_api.close()
    store.close()
