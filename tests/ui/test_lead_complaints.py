"""The lead's Complaints tab against the REAL backend on loopback: it lists the team's
complaints with owner, age and deadline (an overdue one red, after the daily run raised it),
filters, shows a complaint's history, takes steps — a refused one keeps its dialog open with
the message beside the field and changes nothing — and shows the KPIs; in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.server.conftest import Backend, running_backend
from tests.ui.test_lead_workspace import lead_ctx
from workstation.domain.model import new_id
from workstation.server.complaints.models import ComplaintRow
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import AccountRow, CustomerRow

__all__ = ["lead_ctx"]  # the lead's context over this module's backend (a fixture)


def push_complaint(backend: Backend, agent: str, *, days_ago: int) -> str:
    api = backend.login(agent)
    with backend.sessions() as session:
        account_id = session.scalar(
            select(AccountRow.id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(AccountRow.owner_id == api.user_id, CustomerRow.jurisdiction == "cn-nifa")
            .order_by(AccountRow.id)
            .offset(days_ago % 7)
        )
    assert account_id
    event_id = new_id()
    at = datetime.now(UTC) - timedelta(days=days_ago)
    body = {
        "id": event_id,
        "type": "complaint",
        "account_id": account_id,
        "occurred_at": at.isoformat(),
        "payload": {"category": "staff_conduct", "details": "rude on the phone"},
    }
    result = api.push(api.mutation("event.create", body)).json()["results"][0]
    assert result["status"] == "applied", result
    return event_id


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        fresh = push_complaint(started, "li.na", days_ago=1)
        late = push_complaint(started, "chen.jie", days_ago=20)
        soon = push_complaint(started, "li.na", days_ago=14)
        # the daily run for yesterday finds the 20-day-old complaint past its 15 days
        run_daily(started.sessions, datetime.now(UTC).date() - timedelta(days=1))
        started.report_ids = {"fresh": fresh, "late": late, "soon": soon}  # type: ignore[attr-defined]
        yield started


@pytest.fixture
def console(lead_ctx, qtbot):
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(lead_ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 850)
    widget.show()
    with qtbot.waitSignals(
        [widget.team.overview_loaded, widget.complaints.loaded, widget.complaints.kpis_loaded],
        timeout=30_000,
    ):
        widget.start()
    widget.tabs.setCurrentWidget(widget.complaints)
    return widget


def row_of(view, complaint_id: str) -> int:
    row = view.model.row_of(complaint_id)
    assert row is not None, complaint_id
    return int(row)


def test_the_tab_lists_the_teams_complaints_red_when_due_or_overdue(
    console, backend: Backend, qtmodeltester, tmp_path: Path
) -> None:
    view = console.complaints
    ids = backend.report_ids  # type: ignore[attr-defined]
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.agents_model)
    red = Qt.ItemDataRole.BackgroundRole
    late = view.model.index(row_of(view, ids["late"]), 0)
    soon = view.model.index(row_of(view, ids["soon"]), 0)
    fresh = view.model.index(row_of(view, ids["fresh"]), 0)
    assert late.data(red) is not None  # overdue
    assert soon.data(red) is not None  # due within two days
    assert fresh.data(red) is None
    urgency = view.model.column_of("urgency")
    assert view.model.index(late.row(), urgency).data() == "overdue"
    assert "CP-" in late.data()
    owner = view.model.column_of("owner")
    assert view.model.index(late.row(), owner).data()  # the team's lead by default
    # only the red ones (the seeded history has its own overdue complaints)
    red_rows = {c.id for c in view.rows if c.red}
    assert {ids["late"], ids["soon"]} <= red_rows
    assert ids["fresh"] not in red_rows
    view.red_only.setChecked(True)
    assert {view.model.row_at(r).id for r in range(view.model.rowCount())} == red_rows
    view.red_only.setChecked(False)
    # search by reference
    reference = late.data()
    view.search.setText(reference)
    assert view.model.rowCount() == 1
    view.search.clear()
    # the KPI line and the per-agent table
    overdue = sum(1 for c in view.rows if c.urgency.value == "overdue")
    assert f"Open {len(view.rows)} · overdue {overdue}" in view.kpi_line.text()
    assert view.agents_model.rowCount() >= 1
    assert console.grab().save(str(tmp_path / "complaints.png"))


def test_steps_from_the_tab_and_a_refusal_that_changes_nothing(
    console, backend: Backend, qtbot
) -> None:
    view = console.complaints
    ids = backend.report_ids  # type: ignore[attr-defined]
    view.table.selectRow(row_of(view, ids["fresh"]))
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.complaint.id == ids["fresh"],
        timeout=15_000,
    )
    assert "Received" in view.summary.toPlainText()
    assert view.buttons[view_step("acknowledge")].isEnabled()
    assert not view.buttons[view_step("close")].isEnabled()
    with qtbot.waitSignal(view.stepped, timeout=15_000):
        view.buttons[view_step("acknowledge")].click()
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.complaint.status == "acknowledged",
        timeout=15_000,
    )
    # resolve without an outcome: refused, the dialog stays, the field says why
    dialog = view.begin(view_step("resolve"))
    assert dialog is not None
    dialog.resolution.setPlainText("Listened to the call.")
    dialog.send()
    qtbot.waitUntil(dialog.errors["outcome"].isVisible, timeout=15_000)
    assert dialog.isVisible()
    assert "outcome" in dialog.errors["outcome"].text()
    with backend.sessions() as session:
        row = session.get(ComplaintRow, ids["fresh"])
        assert row is not None
        assert row.status == "acknowledged"
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("not_upheld"))
    dialog.root_cause.setCurrentIndex(dialog.root_cause.findData("tone"))
    with qtbot.waitSignal(view.stepped, timeout=15_000):
        dialog.send()
    assert not dialog.isVisible()
    with backend.sessions() as session:
        row = session.get(ComplaintRow, ids["fresh"])
        assert row is not None
        assert (row.status, row.outcome, row.root_cause) == ("resolved", "not_upheld", "tone")


def view_step(name: str):
    from workstation.workflows.complaints import Step

    return Step(name)


def test_the_lead_takes_a_complaint_on_a_selected_account(console, backend, qtbot):
    """A customer rang the lead about Li Na: taken on the account selected in Team and
    queues, registered with its reference, owned by the lead and never by Li Na."""
    view = console.complaints
    console.team.accounts.clearSelection()
    assert view.take() is None
    assert "Select the customer's account" in console.status.text()
    if not console.team.accounts_model.rowCount():
        with qtbot.waitSignal(console.team.accounts_loaded, timeout=30_000):
            pass
    console.team.accounts.selectRow(0)
    (account_id,) = console.team.selected_ids()
    dialog = view.take()
    assert dialog is not None
    li_na = backend.users["li.na"].user_id
    dialog.about.setCurrentIndex(dialog.about.findData(li_na))
    dialog.save()
    assert "Write what the customer complains about" in dialog.error.text()
    dialog.details.setPlainText("她说催收员在她单位打电话 — called her at work")
    with qtbot.waitSignal(dialog.taken, timeout=15_000) as taken:
        dialog.save()
    complaint = taken.args[0]
    assert complaint.reference.startswith("CP-")
    qtbot.waitUntil(lambda: complaint.reference in console.status.text(), timeout=5_000)
    with backend.sessions() as session:
        row = session.scalar(
            select(ComplaintRow).where(ComplaintRow.reference == complaint.reference)
        )
        assert row is not None
        assert row.account_id == account_id
        assert row.channel == "console"
        assert row.owner_id != li_na
        assert row.owner_id == backend.users["zhao.min"].user_id
