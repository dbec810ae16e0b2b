"""The desk fits the screens agents have, in English and Chinese.

The desk's panes asked for about 1,660 px between them (the account header's lines did not
wrap, the log-outcome form and the call guide each had a fixed minimum, the queue one of
480 px), more than the window's own 1600 × 900: every pane sat at its minimum and the
queue's last columns, the customer's local time and whether they may be called now, were
behind a horizontal scroll bar. An agent with 80 calls ahead must see whom they may call.
"""

from __future__ import annotations

from typing import Any

import pytest

LANGUAGES = ["en", "zh_CN"]
SCREENS = [(1366, 768), (1600, 900), (1920, 1080)]


def _desk(ctx: Any, qtbot: Any, width: int, height: int) -> Any:
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    with qtbot.waitSignals([window.account_loaded, window.queue_loaded], timeout=10_000):
        window.start()
    return window


def _now_in_view(window: Any) -> tuple[int, int]:
    """Where the "Now" column ends in the queue's viewport, and the viewport's width."""
    from ui.dialogs.common import cell_width
    from ui.i18n import tr

    panel = window.queue
    table, model = panel.table, panel.model
    table.horizontalScrollBar().setValue(0)
    column = model.COLUMNS.index("now")
    # the column's words whole: its header and the longer of its two answers
    needed = max(
        table.horizontalHeader().sectionSizeHint(column),
        cell_width(table, tr("Later")),
        cell_width(table, tr("Yes")),
    )
    return table.columnViewportPosition(column) + needed, table.viewport().width()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_desk_fits_the_screen_and_the_queue_shows_whom_to_call_now(
    prepared_app: Any, ctx: Any, qtbot: Any, language: str, screen: tuple[int, int]
) -> None:
    from ui import app as app_mod

    width, height = screen
    app_mod.prepare(prepared_app, language, "light")
    try:
        window = _desk(ctx, qtbot, width, height)
        hint = window.minimumSizeHint()
        assert hint.width() <= width, (hint.width(), width)
        assert hint.height() <= height, (hint.height(), height)
        assert window.width() == width
        # every column that matters in view, "Now" the last of them: no scrolling sideways
        end, viewport = _now_in_view(window)
        assert end <= viewport, (end, viewport)
        assert window.queue.table.horizontalScrollBar().maximum() == 0
        # and no pane crushed: the account and the form beside the queue keep room to read
        queue, account, outcome = window.agent.sizes()
        assert account >= 320, window.agent.sizes()
        assert outcome >= 400, window.agent.sizes()
        assert queue >= 480, window.agent.sizes()
    finally:
        app_mod.prepare(prepared_app, "en", "light")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_call_guide_and_the_form_keep_room_at_the_smallest_screen(
    prepared_app: Any, ctx: Any, qtbot: Any, language: str
) -> None:
    """At 1366 × 768 the call guide stays readable beside the form, and the account's header
    lines wrap inside their pane rather than widening it."""
    from ui import app as app_mod

    app_mod.prepare(prepared_app, language, "light")
    try:
        window = _desk(ctx, qtbot, 1366, 768)
        assert window.width() == 1366
        outcome, account = window.outcome, window.account
        assert outcome.guide.width() >= 150
        assert outcome.save.width() >= outcome.save.sizeHint().width()
        for label in (account.identity, account.clock, account.figures):
            assert label.width() <= account.width(), label.objectName()
            assert label.geometry().right() <= account.width()
    finally:
        app_mod.prepare(prepared_app, "en", "light")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_small_laptop_still_shows_the_timeline(
    prepared_app: Any, ctx: Any, qtbot: Any, language: str
) -> None:
    """At 1366 × 768 the wrapped account header took the pane and left the timeline two
    rows: the header scrolls within at most part of the height, the timeline shows a
    screenful, the name and the figures stay in view; the agent's own split then stands."""
    from ui import app as app_mod
    from ui.views.account import HEADER_SHARE

    app_mod.prepare(prepared_app, language, "light")
    try:
        window = _desk(ctx, qtbot, 1366, 768)
        account = window.account
        rows = account.timeline.viewport().height() // account.timeline.rowHeight(0)
        assert rows >= 6, rows
        header, tabs = account.split.sizes()
        assert header <= int((header + tabs) * HEADER_SHARE) + 1
        assert account.figures.geometry().bottom() <= header  # balance, past due, DPD
        account.split.moveSplitter(120, 1)  # the agent drags the header smaller
        dragged = account.split.sizes()
        with qtbot.waitSignal(window.account_loaded, timeout=10_000):
            window.agent.load_account(window.view.account.id)
        assert account.split.sizes() == dragged
    finally:
        app_mod.prepare(prepared_app, "en", "light")
