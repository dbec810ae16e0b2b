"""Tables' columns are never narrower than their headers: a width chosen for an English
header cut its Chinese translation ("风险等级" read "险等级" in the lead's explorer)."""

from __future__ import annotations

from typing import Any


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
