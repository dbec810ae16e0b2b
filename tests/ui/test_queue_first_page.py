"""Cold start: a first page from the last ranking's saved order shows before the full rank,
then the full model replaces it (keeping the selection); a late first page is dropped; an
account picked while a ranking runs stays picked when it lands."""

from __future__ import annotations

import pytest

from workstation.desk import DeskService
from workstation.desk import service as desk_service

PAGE = 15


@pytest.fixture
def small_page(monkeypatch):
    monkeypatch.setattr(desk_service, "FIRST_PAGE", PAGE)


def test_first_page_follows_the_saved_order(store, small_page):
    assert DeskService(store, "d", "u").first_page() is not None  # nothing saved: no error
    full = DeskService(store, "d", "u").queue()
    page = DeskService(store, "d", "u").first_page()
    assert page.preliminary
    assert not full.preliminary
    assert PAGE <= len(page) < len(full)
    top = [full[i].account_id for i in range(PAGE)]
    assert page.account_ids[:PAGE] == top
    assert [page[i].rank for i in range(PAGE)] == list(range(1, PAGE + 1))
    assert page[0].reasons  # reasons worded for the saved rows


def _record(window):
    seen: list[tuple[bool, int]] = []
    model = window.queue.model
    model.modelReset.connect(lambda: seen.append((model.preliminary, model.rowCount())))
    return seen


def test_first_page_shows_then_the_full_model_replaces_it(ctx, qtbot, qtmodeltester, small_page):
    from ui.main_window import MainWindow

    full = DeskService(ctx.desk.store, "d", "u").queue()  # a previous session's ranking
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    seen = _record(win)
    with qtbot.waitSignal(win.account_loaded, timeout=10_000) as first:
        win.start()
    model = win.queue.model
    assert first.args == [full[0].account_id]
    assert seen
    assert seen[0][0] is True
    assert seen[0][1] < len(full)
    assert "…" in win.queue.count.text()
    qtmodeltester.check(model, force_py=True)
    selected = win.queue.current_account_id()
    with qtbot.waitSignal(win.queue_loaded, timeout=10_000):
        pass
    assert seen[-1] == (False, model.rowCount())
    assert not model.preliminary
    assert model.tab_count("all") == len(full)
    assert "…" not in win.queue.count.text()
    assert win.queue.current_account_id() == selected  # the selection survived the swap
    current = win.queue.table.currentIndex()
    assert current.isValid()
    assert model.item_at(current.row()).account_id == selected
    qtmodeltester.check(model, force_py=True)


def test_a_late_first_page_is_dropped(ctx, qtbot, small_page):
    from ui.main_window import MainWindow

    DeskService(ctx.desk.store, "d", "u").queue()
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    seen = _record(win)
    with qtbot.waitSignal(win.queue_loaded, timeout=10_000):
        win.agent.show_first_page()
        win.agent.refresh_queue(select_first=True)  # the full queue is asked for at once
    qtbot.wait(50)
    assert all(not preliminary for preliminary, _ in seen)
    assert not win.queue.model.preliminary


def test_first_start_without_a_saved_order_still_loads(window, qtbot):
    model = window.queue.model
    qtbot.waitUntil(lambda: not model.preliminary and model.rowCount() > PAGE, timeout=10_000)


def test_an_account_picked_while_the_queue_reloads_stays_picked(window, qtbot):
    """A queue reload (after a save, or the cold start's full ranking) lands while the account
    the agent just picked still waits to load: the pick survives, the old one is not re-picked."""
    from ui.views.queue import SELECTION_DEBOUNCE_MS

    first = window.view.account.id
    second = window.queue.model.item_at(1).account_id
    assert second != first
    window.queue.select_account(second)  # as Ctrl+N or a click: loads after the debounce
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.agent.refresh_queue()  # on the single db worker, ahead of that load
    qtbot.waitUntil(lambda: window.view.account.id == second, timeout=5000)
    qtbot.wait(3 * SELECTION_DEBOUNCE_MS)  # and nothing switches back afterwards
    assert window.queue.current_account_id() == second
    assert window.view.account.id == second
