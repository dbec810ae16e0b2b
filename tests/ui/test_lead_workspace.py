"""The lead's console against the REAL backend on loopback: it opens and renders, every
model passes qtmodeltester, a reassignment shows exactly what will move and then what the
server moved (by selection and by drag and drop), a failure moves nothing, the review queue
acknowledges, and the KPIs export to CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.domain import Role


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        yield started


@pytest.fixture
def lead_ctx(prepared_app, backend: Backend, tmp_path: Path):
    from ui.context import build_context
    from workstation.lead import LeadClient
    from workstation.store import Store
    from workstation.sync import ApiSession

    store = Store.open(tmp_path / "lead.db")
    api = ApiSession(backend.base, "lead-desk-ui")
    api.sign_in("zhao.min", PASSWORD)
    context = build_context(store=store, role=Role.LEAD, user="zhao.min")
    context.lead_client = LeadClient(api)
    yield context
    context.runner.shutdown()
    api.close()
    store.close()


@pytest.fixture
def console(lead_ctx, qtbot):
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(lead_ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 850)
    widget.show()
    with qtbot.waitSignals(
        [widget.team.overview_loaded, widget.team.accounts_loaded, widget.kpis.loaded],
        timeout=30_000,
    ):
        widget.start()
    return widget


def test_opens_renders_and_models_pass_modeltester(console, qtmodeltester):
    assert console.team.team_model.rowCount() >= 3
    assert console.team.accounts_model.rowCount() > 0
    for model in (
        console.team.team_model,
        console.team.accounts_model,
        console.review.model,
        console.kpis.model,
    ):
        qtmodeltester.check(model)
    console.team.accounts_model.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(console.team.accounts_model)
    assert not console.grab().isNull()
    for tab in (console.review, console.kpis):
        console.tabs.setCurrentWidget(tab)
        assert not console.grab().isNull()


def test_keyboard_switches_tabs(console, qtbot):
    qtbot.keyClick(console, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert console.tabs.currentWidget() is console.kpis
    qtbot.keyClick(console, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert console.tabs.currentWidget() is console.review


def _agent(console, username: str) -> str:
    return next(a.user_id for a in console.overview.agents if a.username == username)


def test_reassign_selected_shows_the_moves_then_the_servers_result(console, qtbot, qtmodeltester):
    team = console.team
    li, chen = _agent(console, "li.na"), _agent(console, "chen.jie")
    before = {a.user_id: a.accounts for a in console.overview.agents}
    team.owner.setCurrentIndex(team.owner.findData(li))
    qtbot.waitUntil(
        lambda: all(a.owner_id == li for a in team.accounts_model.rows()), timeout=10_000
    )
    selection = team.accounts.selectionModel()
    for row in range(3):
        selection.select(
            team.accounts_model.index(row, 0),
            selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
        )
    assert len(team.selected_ids()) == 3
    team.target.setCurrentIndex(team.target.findData(chen))
    team.reassign_button.click()
    dialog = console.dialogs[-1]
    with qtbot.waitSignal(dialog.preview_ready, timeout=10_000) as preview:
        pass
    assert preview.args[0].count == 3
    assert dialog.model.rowCount() == 3
    qtmodeltester.check(dialog.model)
    assert not dialog.grab().isNull()
    with qtbot.waitSignal(dialog.completed, timeout=10_000) as done:
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)
    assert done.args[0].count == 3
    assert "moved 3" in dialog.heading.text()
    qtbot.waitUntil(
        lambda: console.overview.agent(chen).accounts == before[chen] + 3, timeout=10_000
    )
    dialog.reject()


def test_drag_and_drop_onto_an_agent_opens_the_confirmation(console, qtbot):
    from ui.field.table import account_ids_from

    team = console.team
    wang = _agent(console, "wang.qiang")
    indexes = [team.accounts_model.index(row, 0) for row in range(2)]
    mime = team.accounts_model.mimeData(indexes)
    ids = account_ids_from(mime)
    assert len(ids) == 2
    team.team.accounts_dropped.emit(ids, wang)
    dialog = console.dialogs[-1]
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert {m.to_user_id for m in dialog.preview.moves} <= {wang}
    dialog.reject()


def test_a_failed_reassignment_moves_nothing(console, qtbot):
    chen = _agent(console, "chen.jie")
    before = console.overview.agent(chen).accounts
    dialog = console.reassign_accounts(["no-such-account"], chen)
    with qtbot.waitSignal(dialog.failed, timeout=10_000):
        pass
    assert not dialog.confirm.isEnabled()
    assert dialog.outcome is None
    assert console.client.overview().agent(chen).accounts == before
    dialog.reject()


def test_rebalance_needs_two_agents_and_previews(console, qtbot):
    console.team.team.clearSelection()
    console.team._rebalance("count")
    assert "two agents" in console.status.text()
    agents = [a.user_id for a in console.overview.agents][:2]
    dialog = console.rebalance(agents, "balance")
    with qtbot.waitSignal(dialog.preview_ready, timeout=10_000):
        pass
    dialog.reject()


def test_kpis_draw_and_export(console, qtbot, tmp_path: Path):
    kpis = console.kpis
    assert kpis.bars.bars
    kpis.kpi.setCurrentIndex(kpis.kpi.findData("complaints_per_1000"))
    assert kpis.bars.unit == "per_1000"
    assert not kpis.bars.grab().isNull()
    assert not kpis.trend.grab().isNull()
    dialog = kpis.choose_export()
    assert dialog is not None
    dialog.reject()
    if kpis.portal.kpis is None:  # the portal's figures arrive on their own request
        with qtbot.waitSignal(kpis.portal.loaded, timeout=10_000):
            pass
    target = tmp_path / "kpis.csv"
    with qtbot.waitSignal(kpis.exported, timeout=10_000):
        kpis.export_to(str(target))
    written = target.read_text(encoding="utf-8-sig")
    assert written.startswith("scope,id,name")
    # and what the customers did on the portal in the same period (it was not in the file)
    assert "\nscope,figure,value,count\n" in written
    assert "portal,plans agreed on the portal," in written


def test_without_a_server_the_console_says_so(prepared_app, qtbot, tmp_path: Path):
    from ui.context import build_context
    from ui.lead.workspace import build_lead_workspace
    from workstation.store import Store

    store = Store.open(tmp_path / "lead.db")  # a lead's laptop before the first sign-in
    context = build_context(store=store, role=Role.LEAD, user="zhao.min")
    widget = build_lead_workspace(context)
    qtbot.addWidget(widget)
    widget.start()
    assert "Sign in" in widget.status.text()
    context.runner.shutdown()
    store.close()


def _phone_conflict(backend: Backend, index: int) -> tuple[str, str, dict]:
    """li.na's desk and laptop change the same phone number; returns (review item id,
    phone id, customer)."""
    desk, laptop = backend.login("li.na"), backend.login("li.na")
    customer = [c for c in laptop.snapshot()["customers"] if c["phones"]][-1 - index]
    phone = customer["phones"][0]
    result: dict = {}
    for api, number in ((desk, f"+86 136 3333 0{index}01"), (laptop, f"+86 136 3333 0{index}02")):
        mutation = api.mutation(
            "contact.patch",
            {"customer_id": customer["id"], "kind": "phone", "id": phone["id"],
             "fields": {"number": number}},
            base_version=phone["version"],
        )  # fmt: skip
        result = api.push(mutation).json()["results"][0]
    assert result["status"] == "conflict"
    return str(result["result"]["review_item_id"]), str(phone["id"]), customer


def _select_review_item(console, qtbot, item_id: str) -> None:
    review = console.review
    with qtbot.waitSignal(review.loaded, timeout=10_000):
        console.load_review()
    row = next(i for i, r in enumerate(review.model.rows()) if r.id == item_id)
    review.table.selectRow(row)
    assert review.current().id == item_id


def test_accept_the_other_value_confirms_old_to_new_then_refreshes(console, qtbot, backend):
    item_id, phone_id, customer = _phone_conflict(backend, 0)
    review = console.review
    _select_review_item(console, qtbot, item_id)
    assert review.accept_other.isEnabled()
    review.accept_other.click()
    box = review.confirmation
    assert box is not None
    assert box.isVisible()
    assert "+86 136 3333 0001 → " in box.text().replace("'", "")
    assert "+86 136 3333 0002" in box.text()
    assert f"phones[{phone_id}].number" in box.text()
    with (
        qtbot.waitSignal(console.review_resolved, timeout=10_000) as resolved,
        qtbot.waitSignal(review.loaded, timeout=10_000),
    ):
        qtbot.mouseClick(box.button(box.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert resolved.args[0].id == item_id
    assert item_id not in {r.id for r in review.model.rows()}
    assert "+86 136 3333 0002" in console.status.text()
    stored = backend.login("zhao.min").get(f"/api/v1/customers/{customer['id']}").json()
    phone = next(p for p in stored["customer"]["phones"] if p["id"] == phone_id)
    assert phone["number"] == "+86 136 3333 0002"


def test_accept_the_other_value_failure_changes_nothing_and_says_why(console, qtbot, backend):
    item_id, phone_id, customer = _phone_conflict(backend, 1)
    review = console.review
    _select_review_item(console, qtbot, item_id)
    item = review.current()
    console.client.acknowledge(item_id)  # someone else resolved it meanwhile
    review.accept_other.click()
    with qtbot.waitSignal(console.review_failed, timeout=10_000) as failed:
        review.confirmation.button(review.confirmation.StandardButton.Yes).click()
    assert "already resolved" in failed.args[0]
    assert "Nothing was changed" in console.status.text()
    stored = backend.login("zhao.min").get(f"/api/v1/customers/{customer['id']}").json()
    phone = next(p for p in stored["customer"]["phones"] if p["id"] == phone_id)
    assert phone["number"] == item.server_value


def test_a_field_referral_offers_the_field_collector_of_the_town(console, qtbot, backend):
    """The strategy's visit on a desk agent's account reaches the lead as 'Send to the field'
    with the field collector of the customer's town chosen to take it, his id not shown."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from workstation.domain.model import new_id
    from workstation.server.models import AccountRow, ReviewItem, User

    with backend.sessions.begin() as session:
        lead = session.scalar(select(User).where(User.username == "zhao.min"))
        field = session.scalar(
            select(User).where(User.team_id == lead.team_id, User.role == "field")
        )
        agent = session.scalar(
            select(User).where(User.team_id == lead.team_id, User.role == "agent")
        )
        account = session.scalar(select(AccountRow).where(AccountRow.owner_id == agent.id))
        item_id = new_id()
        session.add(
            ReviewItem(
                id=item_id, kind="field_referral", account_id=account.id,
                customer_id=account.customer_id, team_id=lead.team_id, from_user_id=agent.id,
                summary="The strategy sends this account to the field", created_at=datetime.now(UTC),
                summary_zh="策略要求外访",
                detail={"strategy": "Standard", "step": "visit, day 60 past due",
                        "field_collector_id": field.id},
            )
        )  # fmt: skip
        field_id = field.id
    review = console.review
    _select_review_item(console, qtbot, item_id)
    assert review.reassign.isEnabled()
    assert review.reassign_to.currentData() == field_id
    text = review.detail.toPlainText()
    assert text.startswith("Send to the field")
    assert "The strategy sends this account to the field" in text
    assert field_id not in text


def test_a_chinese_lead_reads_the_review_queue_in_chinese(console, qtbot, backend, prepared_app):
    """Each review item's summary in the lead's language: a contact conflict (its Chinese
    kept beside the English by the server) reads in Chinese in the table and the details."""
    from ui import i18n

    item_id, _phone_id, _customer = _phone_conflict(backend, 2)
    i18n.install(prepared_app, "zh_CN")
    try:
        _select_review_item(console, qtbot, item_id)
        review = console.review
        row = next(i for i, r in enumerate(review.model.rows()) if r.id == item_id)
        column = next(i for i, c in enumerate(review.model.columns) if c.key == "summary")
        shown = review.model.index(row, column).data()
        assert shown.startswith("电话号码：保留了")
        assert " kept " not in shown
        assert "保留了" in review.detail.toPlainText()
    finally:
        i18n.install(prepared_app, "en")
