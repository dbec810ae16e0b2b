"""``workstation`` with no subcommand: the local data unlocks (keyring), the sign-in dialog
opens with the remembered server, and "Work offline" opens the real window on that data."""

from __future__ import annotations


def test_start_signs_in_or_works_offline_on_the_local_data(prepared_app, qtbot):
    from ui import settings as settings_mod
    from ui.gui import Startup

    settings = settings_mod.load()
    settings.server_url = "https://collect.example.org"
    settings.last_user = "li.na"
    settings_mod.save(settings)

    startup = Startup(prepared_app)
    startup.begin()
    dialog = startup.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.server.text() == "https://collect.example.org"  # remembered
    assert dialog.user.text() == "li.na"
    assert not dialog.grab().isNull()
    dialog.offline.click()
    window = startup.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(window.isVisible)
    assert window.queue is not None  # the desk, on the (empty) local store
    assert not window.ctx.sync.available  # offline: nothing attached
    window.close()
    startup.profile.close()


def test_unlock_dialog_keeps_the_dialog_open_on_a_wrong_passphrase(prepared_app, qtbot):
    from ui.gui import UnlockDialog

    dialog = UnlockDialog("No system keyring is available")
    qtbot.addWidget(dialog)
    dialog.open()
    assert not dialog.grab().isNull()
    dialog.reject()


def test_the_entry_point_sets_the_heap_aside_once_the_window_is_up(prepared_app, qtbot):
    import gc

    from ui.gui import Startup

    assert gc.get_freeze_count() == 0  # nothing in the suite froze before
    startup = Startup(prepared_app, settle_heap=True)  # as ``main`` opens it
    try:
        startup.begin()
        assert startup.dialog is not None
        assert gc.get_freeze_count() == 0, "set aside before the window was up"
        startup.dialog.offline.click()
        window = startup.window
        assert window is not None
        qtbot.addWidget(window)
        # the window, Qt's wrappers and the modules: out of the collector's full passes
        assert gc.get_freeze_count() > 50_000
        assert len(gc.get_objects()) < gc.get_freeze_count() / 10
        window.close()
        startup.profile.close()
    finally:
        gc.unfreeze()  # the rest of the suite shares this process
