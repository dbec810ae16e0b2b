"""Tables' columns are never narrower than their headers: a width chosen for an English
header cut its Chinese translation ("风险等级" read "险等级" in the lead's explorer)."""

from __future__ import annotations

from typing import Any

import pytest


def test_a_column_is_at_least_as_wide_as_its_header(prepared_app: Any, qtbot: Any) -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.dialogs.common import set_column_widths

    model = QStandardItemModel(3, 2)
    model.setHorizontalHeaderLabels(["风险等级", "Balance"])
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    needed = table.horizontalHeader().sectionSizeHint(0)
    set_column_widths(table, ((0, 20), (1, 300)))
    assert table.columnWidth(0) == needed > 20  # widened to the header
    assert table.columnWidth(1) == 300  # a wider choice stands


def test_the_lead_explorer_shows_its_chinese_headers_whole(prepared_app: Any, qtbot: Any) -> None:
    """The explorer's narrowest columns (DPD, bucket, tier) in Chinese."""
    from ui import app as app_mod
    from ui.context import build_context
    from ui.lead.workspace import build_lead_workspace
    from workstation.domain import Role

    app_mod.prepare(prepared_app, "zh_CN", "light")
    try:
        widget = build_lead_workspace(build_context(role=Role.LEAD))
        qtbot.addWidget(widget)
        table = widget.team.accounts
        header = table.horizontalHeader()
        for column in range(table.model().columnCount()):
            assert table.columnWidth(column) >= header.sectionSizeHint(column), column
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def test_a_fitted_column_grows_to_its_widest_cell_and_never_shrinks(
    prepared_app: Any, qtbot: Any
) -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.dialogs.common import fit_column_to_contents

    model = QStandardItemModel(0, 1)
    model.setHorizontalHeaderLabels(["State"])
    model.appendRow(QStandardItem("○ offline, synced 12 days ago"))
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setColumnWidth(0, 40)
    fit_column_to_contents(table, 0)
    wide = table.columnWidth(0)
    assert wide == table.sizeHintForColumn(0) > 40
    model.item(0, 0).setText("● online")  # a refresh with shorter words: no jump
    fit_column_to_contents(table, 0)
    assert table.columnWidth(0) == wide


def _team(now: Any) -> Any:
    """Four agents, each state the console words: online, never synced, long and just gone."""
    from datetime import timedelta
    from decimal import Decimal

    from workstation.domain import Money
    from workstation.lead import AgentSummary, TeamOverview
    from workstation.lead.types import TodayWork

    def agent(n: int, name: str, online: bool, synced: Any) -> AgentSummary:
        return AgentSummary(
            user_id=f"u{n}",
            username=f"agent{n}",
            display_name=name,
            role="agent" if n != 2 else "field",
            accounts=96,
            balances={"CNY": Money(Decimal("2256571.00"), "CNY")},
            online=online,
            last_seen_at=synced,
            last_sync_at=synced,
            outbox_pending=n,
            today=TodayWork(12, 3, 1, {"CNY": Money(Decimal("1057.00"), "CNY")}),
        )

    agents = (
        agent(1, "陈杰 Chen Jie", True, now),
        agent(2, "王强 Wang Qiang", False, None),
        agent(3, "李娜 Li Na", False, now - timedelta(days=12)),
        agent(4, "刘洋 Liu Yang", False, now - timedelta(minutes=50)),
    )
    return TeamOverview("team-1", agents, 0)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_lead_reads_each_agents_state_whole_at_the_windows_size(
    prepared_app: Any, qtbot: Any, language: str
) -> None:
    """The team's "Online / last sync" read "○ 离线，从未…" and "○ offline, …"; now every
    state fits its column, and the row still fits the lead's window at its normal size."""
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QStyle

    from ui import app as app_mod
    from ui.context import build_context
    from ui.main_window import MainWindow
    from workstation.domain import Role

    app_mod.prepare(prepared_app, language, "light")
    try:
        window = MainWindow(build_context(role=Role.LEAD))  # its normal size, 1600 × 900
        qtbot.addWidget(window)
        window.show()
        team = window.workspace.team
        team.show_overview(_team(datetime.now(UTC)))
        table, model = team.team, team.team_model
        column = model.column_of("state")
        margins = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        texts = [model.index(row, column).data() for row in range(model.rowCount())]
        assert any("从未" in t or "never" in t for t in texts)
        for text in texts:
            assert table.fontMetrics().horizontalAdvance(text) + margins <= table.columnWidth(
                column
            ), text
        header = table.horizontalHeader()
        last = model.columnCount() - 1  # "Waiting to upload", after the state: not pushed off
        assert table.horizontalScrollBar().maximum() == 0
        assert table.columnWidth(last) >= header.sectionSizeHint(last)
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def test_the_timeline_shows_its_dates_and_types_whole(window: Any) -> None:
    """At 118 px the date read '2026-12-06 22…'; a returned payment's type is the longest."""
    from ui.dialogs.common import cell_width

    table = window.account.timeline
    model = table.model()
    assert model.rowCount() > 0
    for row in range(min(model.rowCount(), 20)):
        when = model.data(model.index(row, 0))
        assert table.columnWidth(0) >= cell_width(table, when), when
        kind = model.data(model.index(row, 1))
        assert table.columnWidth(1) >= cell_width(table, kind), kind
