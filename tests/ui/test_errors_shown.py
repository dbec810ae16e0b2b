"""A refusal from the core reaches the agent in the agent's language: the desk in Chinese
shows a refused sync in Chinese (status bar and message box), not "Something went wrong"
with the server's English; anything unexpected still says something went wrong, and is
logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.server.conftest import Backend, running_backend

CJK_RUN = "请登录"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=10) as started:
        yield started


@pytest.fixture
def chinese(prepared_app) -> Iterator[None]:
    from ui import i18n

    i18n.install(prepared_app, "zh_CN")
    yield
    i18n.install(prepared_app, "en")


def test_a_refused_sync_reaches_the_chinese_desk_in_chinese(chinese, backend, ctx, qtbot):
    from ui.i18n import tr
    from ui.main_window import MainWindow
    from workstation.sync import ApiSession, SignInRequiredError, SyncEngine

    # a device that never signed in: the real server answers 401 and the real session,
    # having no refresh token to renew with, refuses with SignInRequiredError
    api = ApiSession(backend.base, ctx.desk.device_id)
    ctx.attach_engine(SyncEngine(ctx.store, api))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.sync_finished, timeout=30_000) as finished:
            window.sync_now()
        refusal = finished.args[0]
        assert isinstance(refusal, SignInRequiredError)
        status = window.statusBar().currentMessage()
        assert status.startswith(tr("Sync") + ": ")
        assert CJK_RUN in status
        assert str(refusal) not in status  # the English is for the log, not the agent
        box = window.error_box
        assert box is not None
        assert box.isVisible()
        assert box.windowTitle() == tr("Sync") == "同步"
        assert CJK_RUN in box.text()
        assert tr("Something went wrong") not in box.text()
        assert box.button(box.StandardButton.Ok).text() == "确定"
    finally:
        api.close()


def test_unexpected_errors_still_say_something_went_wrong_and_are_logged(qapp, caplog):
    from ui import i18n
    from ui.errors import describe, reason

    i18n.install(qapp, "zh_CN")
    try:
        with caplog.at_level(logging.ERROR, logger="ui.errors"):
            shown = describe(ZeroDivisionError("division by zero"))
        assert shown == "出现问题：division by zero"
        assert any(record.exc_info for record in caplog.records)
        from workstation.store.blobs import BlobError

        caplog.clear()
        assert reason(BlobError("damaged", zh="文件已损坏")) == "文件已损坏"
        assert not caplog.records  # a refusal is not a bug: nothing to log here
    finally:
        i18n.install(qapp, "en")
