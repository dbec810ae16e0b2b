"""Quality review in the desktop, against the real backend (issue 18): the lead's Quality tab
lists the week's sample (why each call was picked), shows a call beside its notes and the
customer's history, scores it with the rubric (an item left unanswered is refused at the
console, a critical item not met fails the review), and shows calibration, the QA KPIs and
who is certified; the agent reads the review at the desk and marks it read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.domain.enums import Role
from workstation.domain.model import new_id
from workstation.quality.rubric import default_rubric
from workstation.server.models import AccountRow
from workstation.server.quality.models import QaReview
from workstation.server.quality.sampling import monday_of, sample_week

WEEK = monday_of(datetime.now(UTC).date() - timedelta(days=14))


def _push(api: Any, account_id: str, kind: str, payload: dict[str, Any], at: datetime) -> str:
    event = {"id": new_id(), "type": kind, "account_id": account_id,
             "occurred_at": at.isoformat(), "payload": payload}  # fmt: skip
    result = api.push(api.mutation("event.create", event)).json()["results"][0]
    assert result["status"] == "applied", result
    return str(event["id"])


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        li = started.login("li.na")
        with started.sessions() as session:
            accounts = session.scalars(
                select(AccountRow.id)
                .where(AccountRow.owner_id == started.users["li.na"].user_id)
                .order_by(AccountRow.id)
                .limit(2)
            ).all()
        at = datetime.combine(WEEK + timedelta(days=1), time(3), UTC)
        started.override = _push(  # type: ignore[attr-defined]
            li, accounts[0], "contact_attempt",
            {"channel": "phone", "disposition": "RPC_NC", "notes": "asked for time",
             "override_reason": "customer asked to be called back at once"}, at,
        )  # fmt: skip
        _push(li, accounts[1], "contact_attempt",
              {"channel": "phone", "disposition": "RPC_NC", "notes": "ordinary"}, at)  # fmt: skip
        assert sample_week(started.sessions, WEEK, default_rubric().sampling) is not None
        yield started


def review_account(backend: Backend) -> str:
    with backend.sessions() as session:
        return str(
            session.scalars(
                select(AccountRow.id)
                .where(AccountRow.owner_id == backend.users["li.na"].user_id)
                .order_by(AccountRow.id)
            ).first()
        )


@pytest.fixture
def lead_ctx(prepared_app, backend: Backend, tmp_path: Path):  # type: ignore[no-untyped-def]
    from ui.context import build_context
    from workstation.lead import LeadClient
    from workstation.store import Store
    from workstation.sync import ApiSession

    store = Store.open(tmp_path / "lead.db")
    api = ApiSession(backend.base, "lead-qa-ui")
    api.sign_in("zhao.min", PASSWORD)
    context = build_context(store=store, role=Role.LEAD, user="zhao.min")
    context.lead_client = LeadClient(api)
    yield context
    context.runner.shutdown()
    api.close()
    store.close()


def test_the_lead_scores_a_sampled_call_and_the_agent_reads_it(
    lead_ctx, ctx, backend: Backend, qtbot, tmp_path: Path
) -> None:
    from ui.dialogs.reviews import ReviewsDialog
    from ui.lead.workspace import build_lead_workspace
    from workstation.sync import ApiSession, SyncEngine

    console = build_lead_workspace(lead_ctx)
    qtbot.addWidget(console)
    console.resize(1500, 880)
    console.show()
    view = console.quality
    with qtbot.waitSignals(
        [view.loaded, view.kpis_loaded, view.calibration_loaded, view.certifications_loaded],
        timeout=30_000,
    ):
        console.start()
    console.tabs.setCurrentWidget(view)
    pane = view.samples
    row = pane.model.row_of(next(s.id for s in pane.model.rows() if s.event_id == backend.override))
    assert row is not None
    assert "override" in pane.model.data(pane.model.index(row, 4))
    with qtbot.waitSignal(pane.detail_loaded, timeout=15_000):
        pane.table.selectRow(row)
    shown = pane.detail.toPlainText()
    assert "customer asked to be called back at once" in shown
    assert "asked for time" in shown
    # every item must be answered: nothing is sent with one missing
    for item in view.rubric.items:
        if item.id != "empathy":
            pane.rubric.set_answer(item.id, "met")
    pane.send()
    assert "Answer every item" in pane.error.text()
    with backend.sessions() as session:
        assert session.scalar(select(QaReview).where(QaReview.event_id == backend.override)) is None
    pane.rubric.set_answer("empathy", "met")
    pane.rubric.set_answer("identity_verified", "not_met")  # critical
    pane.rubric.notes["identity_verified"].setText("named the debt before checking who it was")
    pane.comment.setPlainText("Check identity first, every time.")
    with qtbot.waitSignal(pane.scored, timeout=15_000) as scored:
        pane.send()
    review = scored.args[0]
    assert review.critical_failed is True
    assert review.passed is False
    with backend.sessions() as session:
        kept = session.scalar(select(QaReview).where(QaReview.event_id == backend.override))
        assert kept is not None
        assert kept.critical_failed is True
    # the KPIs count it, and the certification tab lists the team (the new collector too)
    with qtbot.waitSignal(view.kpis_loaded, timeout=15_000) as kpis:
        view.load(datetime.now(UTC).date())
    team = kpis.args[0]["team"]
    assert team["counts"]["reviews"] == 1
    assert team["kpis"]["critical_fail_rate"] == "100.00"
    names = {r.name for r in view.certs_model.rows()}
    assert len(names) >= 2
    assert any(r.cert.get("valid") for r in view.certs_model.rows())
    # a second lead of the team scores the same call: the Calibration tab shows where
    with backend.sessions() as session:
        team = session.scalar(
            select(AccountRow.team_id).where(AccountRow.id == review_account(backend))
        )
    made = backend.login("admin").post(
        "/api/v1/admin/users",
        {"username": "second.lead", "password": "second-lead", "role": "lead", "team_id": team},
    )
    assert made.status_code == 201, made.text
    second = backend.login("second.lead", "second-lead")
    answers = {i.id: "met" for i in view.rubric.items}
    scored_again = second.post(f"/api/v1/quality/samples/{review.sample_id}/reviews",
                               {"answers": answers})  # fmt: skip
    assert scored_again.status_code == 201, scored_again.text
    with qtbot.waitSignal(view.calibration_loaded, timeout=15_000):
        view.load(datetime.now(UTC).date())
    (calibrated,) = view.calibration_model.rows()
    assert calibrated.disagreements == "Identity verified before the debt was discussed"
    assert calibrated.raw["verdicts_differ"] is True
    verdicts = view.calibration_model.data(view.calibration_model.index(0, 4))
    assert verdicts == "yes"
    view.tabs.setCurrentIndex(2)
    view.tabs.setCurrentIndex(0)
    assert console.grab().save(str(tmp_path / "quality.png"))

    # the agent's desk: the review, marked read with a reply
    api = ApiSession(backend.base, "desk-li-qa")
    api.sign_in("li.na", PASSWORD)
    ctx.attach_engine(SyncEngine(ctx.store, api, staging_path=tmp_path / "st.db"))
    dialog = ReviewsDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=15_000):
        dialog.show()
    current = dialog.current()
    assert current is not None
    assert current.id == review.id
    text = dialog.detail.toPlainText()
    assert "Check identity first" in text
    assert "named the debt before checking who it was" in text
    assert "not read yet: 1" in dialog.heading.text()
    dialog.reply.setText("Understood.")
    assert dialog.grab().save(str(tmp_path / "reviews.png"))
    with qtbot.waitSignal(dialog.acknowledged, timeout=15_000):
        dialog.acknowledge.click()
    with backend.sessions() as session:
        read = session.get(QaReview, review.id)
        assert read is not None
        assert read.status == "acknowledged"
    console.close()
    dialog.close()
    api.close()


def test_reassigning_to_an_uncertified_agent_warns_and_asks_why(
    lead_ctx, backend: Backend, qtbot
) -> None:
    """The console's reassign preview names the agent not certified for the accounts' pack;
    'Move' waits for a reason, which the server keeps in the audit with the move."""
    from ui.lead.workspace import build_lead_workspace
    from workstation.server.models import AuditEntry, CustomerRow, Team

    with backend.sessions() as session:
        team = session.scalars(select(Team.id).where(Team.name == "sh-desk")).one()
        account = session.scalars(
            select(AccountRow.id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                AccountRow.owner_id == backend.users["li.na"].user_id,
                CustomerRow.jurisdiction == "cn-nifa",
            )
            .order_by(AccountRow.id.desc())
            .limit(1)
        ).one()
    made = backend.login("admin").post(
        "/api/v1/admin/users",
        {"username": "new.starter", "password": "first-week", "role": "agent", "team_id": team},
    )
    assert made.status_code == 201, made.text
    newcomer = made.json()["id"]
    console = build_lead_workspace(lead_ctx)
    qtbot.addWidget(console)
    console.show()
    dialog = console.reassign_accounts([account], newcomer)
    assert dialog is not None
    with qtbot.waitSignal(dialog.preview_ready, timeout=15_000):
        pass
    assert dialog.warning.isVisible()
    assert "cn-nifa" in dialog.warning.text()
    assert not dialog.confirm.isEnabled()  # a reason first
    dialog.execute()
    assert "Say why" in dialog.error.text()
    dialog.reason.setText("covers Li Na's CN accounts while she is on leave")
    assert dialog.confirm.isEnabled()
    with qtbot.waitSignal(dialog.completed, timeout=15_000):
        dialog.confirm.click()
    with backend.sessions() as session:
        moved = session.get(AccountRow, account)
        assert moved is not None
        assert moved.owner_id == newcomer
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == team).order_by(AuditEntry.id.desc())
        ).all()
        kept = [e for e in entries if (e.detail or {}).get("reason")]
        assert kept[0].detail["reason"] == "covers Li Na's CN accounts while she is on leave"
        assert kept[0].detail["uncertified"][0]["pack"] == "cn-nifa"
    dialog.reject()
    console.close()
