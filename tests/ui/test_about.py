"""Help → About: opens with open(), renders, shows the version and every bundled licence."""

from __future__ import annotations

from ui.about import BUNDLED_FONTS, LIBRARIES, AboutDialog, open_about
from workstation import __version__
from workstation.resources import resource_dir


def test_about_dialog_renders_the_version_and_the_licences(prepared_app, qtbot):
    dialog = open_about()
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.grab().isNull()
    assert __version__ in dialog.version.text()
    licences = dialog.licences.toPlainText()
    for expected in (
        "Droid Sans Fallback",
        "Apache License 2.0",
        "Noto Sans",
        "SIL Open Font License 1.1",
        "Qt / PySide6",
        "LGPL v3",
        "ReportLab",
        "BSD 3-Clause",
        "SQLAlchemy",
        "MIT",
    ):
        assert expected in licences
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.grab().isNull()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.reject()


def test_every_font_licence_file_is_named_in_the_dialog():
    notes = " ".join(font.note for font in BUNDLED_FONTS)
    licence_files = [
        path.name
        for path in resource_dir("fonts").iterdir()
        if "LICENSE" in path.name or "OFL" in path.name
    ]
    assert licence_files
    for name in licence_files:
        assert name in notes


def test_installed_libraries_show_their_versions(prepared_app):
    from ui.about import _version_of

    for component in LIBRARIES:
        if component.distribution in ("reportlab", "SQLAlchemy", "PySide6-Essentials"):
            assert _version_of(component), component.name


def test_help_menu_opens_about(window, qtbot):
    window.act_about.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(AboutDialog)))
    dialog = window.findChildren(AboutDialog)[0]
    qtbot.waitUntil(dialog.isVisible)
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.reject()
