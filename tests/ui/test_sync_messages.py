"""What the window says when a sync ends: a newer server's records left out are said, with
what to do (update), in the window's language; an ordinary sync just finishes."""

from __future__ import annotations

from workstation.sync import SyncReport


def test_records_of_a_newer_server_are_said_and_the_fix_named(window, prepared_app):
    from ui import i18n

    window._synced(SyncReport(newer_events=2))
    said = window.statusBar().currentMessage()
    assert "2 record(s) need a newer version of the workstation" in said
    assert "update" in said
    window._synced(SyncReport())
    assert window.statusBar().currentMessage() == "Sync finished."
    i18n.install(prepared_app, "zh_CN")
    try:
        window._synced(SyncReport(newer_events=3))
        assert "有3条记录需要更新版本的工作台" in window.statusBar().currentMessage()
    finally:
        i18n.install(prepared_app, "en")
