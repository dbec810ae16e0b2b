"""The queue's "Next action" is something its holder can do: a desk agent is never told to
make a field visit (he makes none; the reason says a lead can move the account to the
field), a field collector still is, in English and in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from workstation.domain.enums import Bucket, RiskTier, Role
from workstation.queue import default_policy


def _next_actions(model: Any) -> dict[str, tuple[str, str]]:
    """Account id → (the Next action cell, its tooltip), as the queue table shows them."""
    column = model.COLUMNS.index("next")
    shown = {}
    for row in range(model.rowCount()):
        index = model.index(row, column)
        item = model.item_at(row)
        shown[item.account_id] = (index.data(), index.data(Qt.ItemDataRole.ToolTipRole))
    return shown


def _visits(snapshot: Any) -> set[str]:
    """The accounts whose tier and bucket call for a field visit (the treatment policy)."""
    policy = default_policy()
    return {
        item.account_id
        for item in snapshot
        if policy.treatment(RiskTier(item.risk_tier), Bucket(item.bucket), item.flags).code
        == "field_visit"
    }


def test_a_desk_agent_calls_where_a_field_collector_visits(prepared_app, ctx) -> None:
    from ui import app as app_mod
    from ui.models import QueueModel
    from workstation.desk import DeskService

    assert ctx.desk.role is Role.AGENT  # li.na, at the desk
    desk_queue = ctx.desk.queue()
    late = _visits(desk_queue)
    assert late  # the demo book has late, risky accounts
    field_queue = DeskService(ctx.store, "laptop", "wang.qiang", role=Role.FIELD).queue()
    assert _visits(field_queue) == late
    desk, field = QueueModel(), QueueModel()
    desk.set_tab("all")
    field.set_tab("all")
    try:
        for language, call, visit, why in (
            ("en", "Call", "Field visit", "as the desk makes no visits"),
            ("zh_CN", "电话催收", "外访", "坐席不外访"),
        ):
            app_mod.prepare(prepared_app, language, "light")
            desk.set_items(desk_queue)
            field.set_items(field_queue)
            at_desk, in_field = _next_actions(desk), _next_actions(field)
            for account_id in late:
                text, tooltip = at_desk[account_id]
                assert text == call, (language, account_id)
                assert why in tooltip
                assert in_field[account_id][0] == visit
                assert why not in in_field[account_id][1]
            # nothing else changes: the same action wherever the tier calls for no visit
            others = set(at_desk) - late
            assert others
            assert all(at_desk[a][0] == in_field[a][0] for a in others)
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def _needed(table: Any, text: str) -> int:
    """The column width that shows ``text`` whole, as the table's delegate measures a cell
    (margins, text layout), and the grid line."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.text = text
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    size = table.style().sizeFromContents(
        QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table
    )
    return size.width() + int(table.showGrid())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_next_action_reads_whole_at_the_windows_size(
    prepared_app: Any, ctx: Any, qtbot: Any, language: str
) -> None:
    """The Next action read "经济困难…" and "Hardship re…" (and "SMS remind…") at the
    window's normal size: every suggestion now fits its column, in view, and the cell's
    tooltip and the line under the queue give the whole suggestion."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from ui import app as app_mod
    from ui.main_window import MainWindow

    app_mod.prepare(prepared_app, language, "light")
    try:
        window = MainWindow(ctx)  # its normal size
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignals([window.account_loaded, window.queue_loaded], timeout=10_000):
            window.start()
        panel = window.queue
        panel.select_tab("all")
        table, model = panel.table, panel.model
        column = model.COLUMNS.index("next")
        width = table.columnWidth(column)
        table.horizontalScrollBar().setValue(0)
        assert table.columnViewportPosition(column) + width <= table.viewport().width()
        first_of: dict[str, int] = {}
        for row in range(model.rowCount()):
            first_of.setdefault(model.item_at(row).treatment.en, row)
        assert {"Call", "Hardship review"} <= set(first_of)  # the demo book has both
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        for label, row in first_of.items():
            index = model.index(row, column)
            shown = table.itemDelegate().sizeHint(option, index).width() + int(table.showGrid())
            assert shown <= width, (label, index.data(), shown, width)
            whole = model.item_at(row).treatment.get(language)
            assert index.data(Qt.ItemDataRole.ToolTipRole).splitlines()[0].endswith(whole)
            table.selectRow(row)
            assert whole in panel.reasons.text()
        # and whatever the policy may suggest, a visit included (a field collector's queue)
        for treatment in default_policy().treatments.values():
            assert _needed(table, treatment.short(language)) <= width, treatment.code
    finally:
        app_mod.prepare(prepared_app, "en", "light")
