"""End to end: sign in against the real backend, log a promise, sync — online and offline."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from workstation.domain import Role

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
def online(prepared_app):
    from ui.demo import provision_demo_data

    setup = provision_demo_data(120, Role.AGENT)
    assert setup.how == "synced", setup.problem
    yield setup
    if setup.server is not None:
        setup.server.stop()


@pytest.fixture
def desk_window(online, qtbot):
    from ui.context import build_context
    from ui.main_window import MainWindow

    ctx = build_context(store=online.store, user=online.user)
    ctx.sync.attach(online.engine)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.account_loaded, timeout=20_000):
        window.start()
    yield window
    ctx.runner.shutdown()


def _server_promises(account_id: str) -> list[tuple[str, str]]:
    from workstation.server.db import make_engine
    from workstation.server.settings import default_db_url

    engine = make_engine(default_db_url())
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, payload FROM events WHERE type = 'promise' AND account_id = :a"),
                {"a": account_id},
            ).all()
    finally:
        engine.dispose()
    return [(r[0], str(r[1])) for r in rows]


def _log_promise(window, qtbot, amount: str) -> str:
    ctx = window.ctx
    tz = ZoneInfo(window.view.customer.timezone)
    local = datetime.now(tz).replace(hour=11, minute=0, second=0, microsecond=0)
    ctx.desk.clock = lambda: local.astimezone(UTC)
    with qtbot.waitSignal(window.account_loaded, timeout=10_000):
        window.agent.load_account(window.view.account.id)
    outcome = window.outcome
    if not window.view.verdicts[outcome.current_channel()].allowed:
        outcome.override_reason.setText("customer asked to be called now")
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_6)
    qtbot.keyClicks(outcome.promise_amount, amount)
    for box in outcome.disclosures.boxes.values():  # the call guide's required disclosures
        box.setChecked(True)
    with qtbot.waitSignal(window.outcome_saved, timeout=10_000) as saved:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(saved.args[0].event_ids) == 2  # the attempt and the promise
    return window.view.account.id


def _sync(window, qtbot):
    with qtbot.waitSignal(window.sync_finished, timeout=120_000) as finished:
        window.act_sync.trigger()
    return finished.args[0]


def test_agent_logs_a_promise_and_the_backend_has_exactly_it(desk_window, qtbot):
    account_id = _log_promise(desk_window, qtbot, "12.34")
    before = _server_promises(account_id)
    result = _sync(desk_window, qtbot)
    assert not isinstance(result, BaseException), result
    after = _server_promises(account_id)
    new = [p for p in after if p not in before]
    assert len(new) == 1
    assert "12.34" in new[0][1]
    assert desk_window.ctx.store.pending_outbox_count() == 0
    _sync(desk_window, qtbot)  # a second sync duplicates nothing
    assert len(_server_promises(account_id)) == len(after)


def test_offline_promise_waits_and_lands_once_when_the_server_is_back(online, desk_window, qtbot):
    from workstation.server.embedded import start_embedded
    from workstation.server.settings import default_db_url

    port = online.server.port
    online.server.stop()
    account_id = _log_promise(desk_window, qtbot, "5.00")
    before = _server_promises(account_id)
    result = _sync(desk_window, qtbot)
    assert isinstance(result, BaseException)
    assert desk_window.ctx.store.pending_outbox_count() >= 2  # attempt + promise kept
    assert "Offline" in desk_window.statusBar().currentMessage()
    online.server = start_embedded(default_db_url(), port=port)
    result = _sync(desk_window, qtbot)
    assert not isinstance(result, BaseException), result
    new = [p for p in _server_promises(account_id) if p not in before]
    assert len(new) == 1
    assert "5.00" in new[0][1]


def test_sign_in_errors_keep_what_was_typed_then_sign_in_works(online, desk_window, qtbot):
    desk_window.ctx.profile = online.profile
    dialog = desk_window.open_dialog("signin")
    dialog.server.setText(online.server.url)
    dialog.user.setText("li.na")
    dialog.password.setText("not-the-password")
    dialog.submit()
    qtbot.waitUntil(dialog.sign_in_button.isEnabled, timeout=30_000)
    assert "Wrong user name or password" in dialog.error.text()
    assert (dialog.user.text(), dialog.password.text()) == ("li.na", "not-the-password")
    assert dialog.password.property("invalid") is True
    dialog.password.setText("demo")
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        dialog.submit()
    assert desk_window.ctx.sync.available


def test_the_demo_agent_has_a_direct_debit_that_came_back(online):
    """The demo's bank returned one of li.na's payments: the lead has it to look at, the
    desk holds the payment and its return after the first sync."""
    from workstation.domain import EventType
    from workstation.server.db import make_engine
    from workstation.server.settings import default_db_url

    engine = make_engine(default_db_url())
    try:
        with engine.connect() as connection:
            account_id = connection.execute(
                text("SELECT account_id FROM events WHERE type = 'payment_return'")
            ).scalar_one()
            kinds = (
                connection.execute(
                    text("SELECT kind FROM review_items WHERE account_id = :a"), {"a": account_id}
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert "payment_returned" in kinds
    held = online.store.load_account(account_id)
    assert held is not None
    back = [e for e in held.events if e.type is EventType.PAYMENT_RETURN]
    assert len(back) == 1
    assert back[0].payload["reason"] == "insufficient_funds"
    assert back[0].payload["target_event_id"] in {e.id for e in held.events}
