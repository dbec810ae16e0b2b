"""Issue 18's 'done means', with the real backend and the real desktop: a new collector (Liu
Yang, not certified) practises the CN scenarios in training mode — one wrong move (pressing
the customer who lost her job) caught by the scenario, then done right — passes the quiz and
is certified by the server; two of his live conversations, one with an override, are sampled
by the weekly run ('qa-sample --as-of' the week's Sunday); his lead reviews both from the
console's Quality tab, one with a critical fail; he reads the reviews at the desk; the QA
KPIs count them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

pytest.importorskip("PySide6")

from tests.server.conftest import PASSWORD, Backend, running_backend
from tests.training_play import act_right, disclosed, log, right_reply
from workstation.domain.enums import Role
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, CustomerRow, Team
from workstation.server.quality.models import QaReview, QaSample
from workstation.server.quality.sampling import monday_of

NEWCOMER = f"liu.yang.{uuid.uuid4().hex[:4]}"  # joined the Shanghai desk this week
LEAD = "zhao.min"
FIRST_PASSWORD = "first-week"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=80) as started:
        with started.sessions() as db:
            team = db.scalars(select(Team.id).where(Team.name == "sh-desk")).one()
        made = started.login("admin").post(
            "/api/v1/admin/users",
            {"username": NEWCOMER, "password": FIRST_PASSWORD, "role": "agent",
             "team_id": team, "display_name": "刘洋 Liu Yang"},
        )  # fmt: skip
        assert made.status_code == 201, made.text
        started.newcomer_id = made.json()["id"]  # type: ignore[attr-defined]
        yield started


def _settle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=20_000)


@pytest.fixture(scope="module")
def styled_app(qapp):  # type: ignore[no-untyped-def]
    from ui import app as app_mod

    app_mod.prepare(qapp, "en", "light")
    return qapp


def test_a_new_collector_practises_is_certified_and_reads_his_reviews(
    styled_app, backend: Backend, qtbot, tmp_path: Path
) -> None:
    from ui.context import build_context
    from ui.dialogs.reviews import ReviewsDialog
    from ui.lead.workspace import build_lead_workspace
    from ui.training import open_training
    from workstation.lead import LeadClient
    from workstation.quality.client import QualityClient
    from workstation.server.cli import main as server_main
    from workstation.store import Store
    from workstation.sync import ApiSession, SyncEngine

    shots = tmp_path / "shots"
    shots.mkdir()
    api = ApiSession(backend.base, f"desk-liu-{uuid.uuid4().hex[:6]}")
    api.sign_in(NEWCOMER, FIRST_PASSWORD)
    assert QualityClient(api).my_certifications() == []

    # -- training mode: a practice store of its own, the real desk over it ------------------
    window = open_training("cn-nifa", user=NEWCOMER, server=QualityClient(api))
    qtbot.addWidget(window)
    window.resize(1700, 950)
    window.show()
    with qtbot.waitSignal(window.queue_loaded, timeout=20_000):
        window.start()
    assert "TRAINING" in window.windowTitle()
    assert window.banner.isVisible()
    assert not window.act_sync.isEnabled()
    panel, session, desk = window.practice, window.session, window.ctx.desk
    ids = [s.id for s in session.pack.scenarios]

    def start(scenario_id: str) -> str:
        panel.scenarios.setCurrentRow(ids.index(scenario_id))
        with qtbot.waitSignal(panel.scenario_started, timeout=15_000) as started:
            panel.start_button.click()
        _settle(qtbot, window)
        return str(started.args[0])

    def finish() -> Any:
        with qtbot.waitSignal(panel.scenario_finished, timeout=15_000) as finished:
            panel.finish_button.click()
        return finished.args[0]

    # the wrong move first: pressing the customer who lost her job for a promise
    account = start("lost_job")
    assert window.view is not None
    assert window.view.account.id == account  # the desk shows the practice customer
    pressure = next(i for i, r in enumerate(session.step().replies) if "pressure" in r.marks)
    panel.reply_buttons[pressure].click()
    local_today = session.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    log(desk, account, "PTP", promise_amount="700",
        promise_date=(local_today + timedelta(days=2)).isoformat(),
        **disclosed(desk, account))  # fmt: skip
    wrong = finish()
    assert not wrong.passed
    assert "lost her job" in panel.feedback.toPlainText()
    assert panel.scenarios.item(0).text().startswith("✗")
    window.grab().save(str(shots / "training_mode.png"))

    for scenario_id in ids:  # every scenario right (lost_job tried again, a fresh customer)
        account = start(scenario_id)
        panel.reply_buttons[right_reply(session, scenario_id)].click()
        act_right(desk, account, scenario_id)
        result = finish()
        assert result.passed, (scenario_id, [c.check.id for c in result.failed])
    assert session.scenarios_done
    assert not panel.submit_button.isEnabled()  # the quiz first

    quiz = panel.open_quiz()
    questions = session.pack.questions
    for question in questions[:-1]:
        assert quiz.choose(question.id, question.answer)
    last = questions[-1]
    assert not quiz.choose(last.id, (last.answer + 1) % len(last.choices))
    assert "China" in quiz.explanations[last.id].text()  # the pack's rule, cited
    quiz.grab().save(str(shots / "training_quiz.png"))
    quiz.accept()
    assert panel.submit_button.isEnabled()
    with qtbot.waitSignal(panel.submitted, timeout=15_000) as submitted:
        panel.submit_button.click()
    answer = submitted.args[0]
    assert answer["passed"] is True
    lost = next(s for s in answer["scenarios"] if s["id"] == "lost_job")
    assert lost["attempts"] == 2
    mine = QualityClient(api).my_certifications()
    assert [(c["pack"], c["valid"]) for c in mine] == [("cn-nifa", True)]
    assert "Certified" in panel.status.text()
    practice_folder = window.folder
    window.close()
    assert practice_folder is not None
    assert not practice_folder.exists()  # the practice store leaves nothing behind

    # -- live work: his lead gives him two CN accounts (no question: he is certified now) ------
    with backend.sessions() as db:
        accounts = db.scalars(
            select(AccountRow.id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                AccountRow.owner_id == backend.users["li.na"].user_id,
                AccountRow.status == "open",
                CustomerRow.jurisdiction == "cn-nifa",
            )
            .order_by(AccountRow.id)
            .limit(2)
        ).all()
    assert len(accounts) == 2
    moved = backend.login(LEAD).post(
        "/api/v1/team/reassign", {"account_ids": list(accounts), "to_user_id": backend.newcomer_id}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["uncertified"] == []
    now = datetime.now(UTC)
    calls = []
    device = backend.login(NEWCOMER, FIRST_PASSWORD)
    for account_id, extra in zip(
        accounts,
        ({"override_reason": "customer rang back and asked to talk now"}, {}),
        strict=True,
    ):
        event = {"id": new_id(), "type": "contact_attempt", "account_id": account_id,
                 "occurred_at": (now - timedelta(minutes=20)).isoformat(),
                 "payload": {"channel": "phone", "disposition": "RPC_NC",
                             "notes": "talked about the arrears", **extra}}  # fmt: skip
        pushed = device.push(device.mutation("event.create", event)).json()
        assert pushed["results"][0]["status"] == "applied", pushed
        calls.append(event["id"])
    sunday = monday_of(now.date()) + timedelta(days=6)
    assert server_main(["qa-sample", "--db", backend.url, "--as-of", sunday.isoformat()]) == 0
    with backend.sessions() as db:
        sampled = {
            s.event_id: s
            for s in db.scalars(select(QaSample).where(QaSample.agent_id == backend.newcomer_id))
        }
    assert calls[0] in sampled
    assert "override" in sampled[calls[0]].reasons
    second = calls[1] if calls[1] in sampled else next(e for e in sampled if e != calls[0])

    # -- the lead reviews both from the Quality tab ------------------------------------------
    lead_store = Store.open(tmp_path / "lead.db")
    lead_api = ApiSession(backend.base, "console-zhao")
    lead_api.sign_in(LEAD, PASSWORD)
    lead_ctx = build_context(store=lead_store, role=Role.LEAD, user=LEAD)
    lead_ctx.lead_client = LeadClient(lead_api)
    console = build_lead_workspace(lead_ctx)
    qtbot.addWidget(console)
    console.resize(1600, 900)
    console.show()
    view = console.quality
    with qtbot.waitSignals([view.loaded, view.certifications_loaded], timeout=30_000):
        console.start()
    console.tabs.setCurrentWidget(view)
    certified = [r for r in view.certs_model.rows() if "Liu" in r.name]
    assert certified
    assert certified[0].cert.get("valid") is True

    def review(event_id: str, identity: str, comment: str) -> Any:
        from PySide6.QtCore import QModelIndex

        pane = view.samples
        row, sample_id = next(
            (i, s.id) for i, s in enumerate(pane.model.rows()) if s.event_id == event_id
        )
        # the list reloads after a review and selects its first row: when that is the one
        # wanted (a week whose sample holds only his calls, early on a Monday), selecting
        # it again changes nothing and loads nothing, so the selection starts afresh
        pane.table.setCurrentIndex(QModelIndex())
        with qtbot.waitSignal(
            pane.detail_loaded, timeout=15_000, check_params_cb=lambda shown: shown == sample_id
        ):
            pane.table.selectRow(row)
        for item in view.rubric.items:
            pane.rubric.set_answer(item.id, "met" if item.id != "hardship_offered" else "na")
        pane.rubric.set_answer("identity_verified", identity)
        pane.comment.setPlainText(comment)
        with qtbot.waitSignal(pane.scored, timeout=15_000) as scored:
            pane.send()
        _settle(qtbot, console)
        return scored.args[0]

    good = review(calls[0], "met", "A justified override, clearly noted.")
    assert good.passed is True
    console.grab().save(str(shots / "lead_quality.png"))
    bad = review(second, "not_met", "You named the debt before checking who answered.")
    assert bad.critical_failed is True
    assert bad.passed is False

    with qtbot.waitSignal(view.kpis_loaded, timeout=15_000) as kpis:
        view.load()
    liu = next(a for a in kpis.args[0]["agents"] if a["username"] == NEWCOMER)
    assert liu["counts"]["reviews"] == 2
    assert liu["kpis"]["critical_fail_rate"] == "50.00"
    assert liu["kpis"]["qa_pass_rate"] == "50.00"
    assert "complaints_per_1000" in liu["kpis"]  # the outcomes beside the quality

    # -- the agent reads them at the desk ------------------------------------------------------
    agent_store = Store.open(tmp_path / "liu.db")
    agent_ctx = build_context(store=agent_store, user=NEWCOMER)
    agent_ctx.attach_engine(SyncEngine(agent_store, api, staging_path=tmp_path / "st.db"))
    dialog = ReviewsDialog(agent_ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=15_000):
        dialog.show()
    assert {r.id for r in dialog.model.rows()} == {good.id, bad.id}
    assert "not read yet: 2" in dialog.heading.text()
    row = dialog.model.row_of(bad.id)
    assert row is not None
    dialog.table.selectRow(row)
    assert "named the debt before checking" in dialog.detail.toPlainText()
    dialog.grab().save(str(shots / "desk_reviews.png"))
    with qtbot.waitSignal(dialog.acknowledged, timeout=15_000):
        dialog.acknowledge.click()
    with backend.sessions() as db:
        read = db.get(QaReview, bad.id)
        assert read is not None
        assert read.status == "acknowledged"
    dialog.close()
    console.close()
    for ctx in (agent_ctx, lead_ctx):
        ctx.runner.shutdown()
    lead_api.close()
    api.close()
    agent_store.close()
    lead_store.close()
