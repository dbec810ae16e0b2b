"""The lead's queue explorer shows the strategy task standing on each account: the daily run
raises a field visit on the field collector's account and a call on li.na's, and the lead's table says what
and when in its Task column, the step and strategy in the tooltip; other rows stay empty;
"With a standing task" keeps only the two; past the server's bound on its count the lead
reads "10+ accounts"."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

DAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory):
    from tests.server.conftest import running_backend

    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        yield started


def test_the_explorer_shows_the_task_standing_on_each_account(  # noqa: PLR0917 - fixtures
    prepared_app, backend, qtbot, qtmodeltester, tmp_path, monkeypatch
) -> None:
    from tests.server.strategy_helpers import pick, quiet_others, run_day, set_account
    from tests.ui.lead_helpers import lead_console
    from ui import i18n
    from workstation.server import queue_explorer
    from workstation.strategy.model import default_book

    agent = backend.login("li.na")
    # the visit on an account the team's field collector holds (a desk agent's goes to the
    # lead as a referral, not as a task: test_field_referral), the call on li.na's
    field = next(u for u in backend.of_role("field") if u.team == "sh-desk")
    (visit,) = pick(backend, 1, field.user_id)
    (call,) = pick(backend, 1, agent.user_id)
    accounts = [visit, call]
    quiet_others(backend, accounts)
    # late and large enough for the field; able and unwilling on day 3: a firm call
    set_account(backend, visit, days_past_due=60, balance_minor=800_000, segment="able_willing")
    set_account(backend, call, days_past_due=3, score="0.20", segment="able_unwilling")
    assert run_day(backend, DAY) == 2
    standard = default_book().get("standard-v1")
    visit_step = standard.step("late-visit-60")
    assert visit_step is not None

    with lead_console(backend, qtbot, tmp_path, "lead-desk-tasks") as widget:
        team = widget.team
        model = team.accounts_model
        qtmodeltester.check(model)
        headers = [
            model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())
        ]
        column = headers.index("Task")
        # the rows with a task first, the earliest day first
        team.accounts.sortByColumn(column, Qt.SortOrder.AscendingOrder)

        def cell(account_id: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
            row = next(
                r for r in range(model.rowCount()) if model.row_at(r).account_id == account_id
            )
            return model.index(row, column).data(role)

        assert cell(visit) == f"Visit · {DAY.isoformat()}"
        assert cell(call) == f"Call · {DAY.isoformat()}"
        tooltip = cell(visit, Qt.ItemDataRole.ToolTipRole)
        assert visit_step.describe().en in tooltip  # "field visit, day 60 past due"
        assert "Standard (standard-v1 · late-visit-60)" in tooltip
        assert "Experiment" not in tooltip  # in no experiment: no arm to name
        others = {cell(a.account_id) for a in model.rows() if a.account_id not in accounts}
        assert others == {""}
        assert {model.row_at(0).account_id, model.row_at(1).account_id} == set(accounts)
        folder = os.environ.get("WORKSTATION_SCREENSHOTS")
        if folder:
            widget.grab().save(os.path.join(folder, "lead-explorer-task.png"))

        # "With a standing task" keeps the two (the server filters: one page, its count)
        with qtbot.waitSignal(team.accounts_loaded, timeout=10_000):
            team.standing_task.setChecked(True)
        assert team.filters().standing_task
        assert {a.account_id for a in model.rows()} == set(accounts)
        assert team.count.text().startswith("2 accounts")
        with qtbot.waitSignal(team.accounts_loaded, timeout=10_000):
            team.standing_task.setChecked(False)
        assert model.rowCount() > 2
        # past the server's bound on its count the lead reads "10+", every row still listed
        monkeypatch.setattr(queue_explorer, "COUNT_LIMIT", 10)
        with qtbot.waitSignal(team.accounts_loaded, timeout=10_000):
            team.load_accounts()
        assert team.count.text().startswith("10+ accounts")
        assert model.rowCount() > 10

        # Chinese is first-class: the same table in zh, the step in the tooltip too
        i18n.install(prepared_app, "zh_CN")
        try:
            assert model.headerData(column, Qt.Orientation.Horizontal) == "策略任务"
            assert cell(visit) == f"外访 · {DAY.isoformat()}"
            assert cell(call) == f"致电 · {DAY.isoformat()}"
            tooltip = cell(visit, Qt.ItemDataRole.ToolTipRole)
            assert visit_step.describe().zh in tooltip
            assert "标准策略" in tooltip
            if folder:
                team.accounts.viewport().update()
                widget.grab().save(os.path.join(folder, "lead-explorer-task-zh.png"))
        finally:
            i18n.install(prepared_app, "en")
