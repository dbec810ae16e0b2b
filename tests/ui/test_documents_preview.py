"""The agreement preview a collector prints from: pages, zoom, print, save, open."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from tests.unit.test_documents_support import agreement, schedule
from ui.documents import AgreementPreviewDialog, open_agreement_preview
from ui.ops import OpRunner
from workstation.documents import DocumentLanguage, RenderedDocument, render_agreement


@pytest.fixture(scope="module")
def document() -> RenderedDocument:
    rendered = render_agreement(agreement(schedule(60), DocumentLanguage.BOTH))
    assert rendered.pages >= 3
    return rendered


@pytest.fixture
def runner(qapp):
    ops = OpRunner()
    yield ops
    ops.shutdown()


@pytest.fixture
def preview(qtbot, document, runner):
    dialog = AgreementPreviewDialog(document, runner=runner, suggested_name="AGR-TEST-0001.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.page_shown, timeout=10_000) as shown:
        dialog.open()
    assert shown.args == [0]
    return dialog


def test_preview_opens_on_page_one_and_renders(preview, document) -> None:
    assert preview.isVisible()
    assert preview.shown_page == 0
    assert preview.page_count == document.pages
    pixmap = preview.image_label.pixmap()
    assert not pixmap.isNull()
    assert pixmap.deviceIndependentSize().width() == pytest.approx(595.28 / 72 * 96, abs=2)
    assert not preview.grab().isNull()
    assert preview.page_total.text().endswith(str(document.pages))
    assert not preview.previous_action.isEnabled()
    assert preview.next_action.isEnabled()


def test_page_actions_move_through_the_document(preview, qtbot, document) -> None:
    with qtbot.waitSignal(preview.page_shown, timeout=10_000) as shown:
        preview.next_action.trigger()
    assert shown.args == [1]
    assert preview.page_box.value() == 2
    assert preview.previous_action.isEnabled()
    with qtbot.waitSignal(preview.page_shown, timeout=10_000) as shown:
        preview.page_box.setValue(document.pages)
    assert shown.args == [document.pages - 1]
    assert not preview.next_action.isEnabled()
    preview.next_action.trigger()  # disabled at the last page: nothing happens
    assert preview.page == document.pages - 1


def test_quick_page_flips_show_only_the_last_request(preview, qtbot, runner) -> None:
    for _ in range(3):
        preview.next_page()
    qtbot.waitUntil(lambda: preview.shown_page == 3, timeout=10_000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    assert preview.shown_page == 3


def test_zoom_actions_change_the_rendered_size(preview, qtbot) -> None:
    width = preview.image_label.pixmap().deviceIndependentSize().width()
    with qtbot.waitSignal(preview.page_shown, timeout=10_000):
        preview.zoom_in_action.trigger()
    assert preview.zoom == 1.25
    assert preview.zoom_label.text() == "125 %"
    assert preview.image_label.pixmap().deviceIndependentSize().width() > width * 1.2
    with qtbot.waitSignal(preview.page_shown, timeout=10_000):
        preview.zoom_out_action.trigger()
    with qtbot.waitSignal(preview.page_shown, timeout=10_000):
        preview.zoom_out_action.trigger()
    assert preview.zoom == 0.75
    preview.resize(700, 800)
    with qtbot.waitSignal(preview.page_shown, timeout=10_000):
        preview.fit_width_action.trigger()
    assert 0.5 <= preview.zoom < 1.0


def test_shortcuts_are_standard_key_sequences(preview) -> None:
    from PySide6.QtGui import QKeySequence

    assert preview.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    assert preview.zoom_in_action.shortcut() == QKeySequence(QKeySequence.StandardKey.ZoomIn)
    assert not preview.next_action.shortcut().isEmpty()


def test_print_dialog_opens_without_blocking(preview, qtbot) -> None:
    dialog = preview.print_document()
    assert isinstance(dialog, QPrintDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert dialog.isModal() or dialog.windowModality() != 0
    dialog.reject()
    assert not preview.printing


def test_printing_paints_every_page_off_the_gui_thread(preview, qtbot, tmp_path, document) -> None:
    import pypdfium2 as pdfium

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(preview.print_finished, timeout=60_000) as done:
        preview.print_to(printer)
        assert preview.printing  # returned at once: the pages print in the background
    assert done.args == [document.pages]
    printed = pdfium.PdfDocument(out.read_bytes())
    assert len(printed) == document.pages
    printed.close()
    assert not preview.printing


def test_print_page_range(preview) -> None:
    printer = QPrinter()
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert preview.pages_to_print(printer) == [1, 2]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    assert preview.pages_to_print(printer) == list(range(preview.page_count))


def test_save_writes_the_exact_bytes(preview, qtbot, tmp_path, document) -> None:
    target = tmp_path / "copy.pdf"
    with qtbot.waitSignal(preview.saved, timeout=10_000) as saved:
        preview.save_to(str(target))
    assert saved.args == [str(target)]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == document.sha256
    dialog = preview.save_as()  # the file dialog is opened, never exec()'d
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    dialog.reject()


def test_open_in_system_viewer(preview, qtbot, monkeypatch, document, workstation_home) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    with qtbot.waitSignal(preview.opened_externally, timeout=10_000) as signal:
        preview.open_action.trigger()
    path = Path(signal.args[0])
    assert opened == [str(path)]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
    # the plain copy for the viewer is handed over outside the profile, in a private folder
    assert not path.is_relative_to(workstation_home)
    assert path.parent.stat().st_mode & 0o077 == 0


def test_raw_bytes_and_own_runner(qtbot, document) -> None:
    dialog = open_agreement_preview(document.pdf, title="Letter")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.shown_page == 0, timeout=10_000)
    assert dialog.page_count == document.pages
    assert dialog.windowTitle() == "Letter"
    dialog.reject()
    dialog.shutdown()


def test_a_broken_pdf_says_so(qtbot, runner) -> None:
    dialog = AgreementPreviewDialog(b"not a pdf", runner=runner)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: "cannot be shown" in dialog.status.text(), timeout=10_000)


def test_a_chinese_window_has_no_english_standard_button(prepared_app, qtbot, document, runner):
    """Qt's own captions (Close, Yes, Cancel, OK) come from translations PySide6-Essentials
    does not ship: the preview's Close, a confirmation's Yes / Cancel and an error's OK read
    in Chinese in a Chinese window (the preview's said "Close")."""
    from PySide6.QtWidgets import QAbstractButton, QMessageBox

    from ui import i18n
    from ui.dialogs.common import localize_buttons

    english = {"Close", "Cancel", "OK", "Yes", "No", "Save", "&Yes", "&No", "&OK"}
    i18n.install(prepared_app, "zh_CN")
    try:
        dialog = AgreementPreviewDialog(document, runner=runner)
        qtbot.addWidget(dialog)
        captions = {b.text() for b in dialog.findChildren(QAbstractButton) if b.text()}
        assert "关闭" in captions
        assert not captions & english, captions & english
        box = localize_buttons(
            QMessageBox(
                QMessageBox.Icon.Question, "t", "q",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            )
        )  # fmt: skip
        box.addButton(QMessageBox.StandardButton.Ok)
        localize_buttons(box)
        assert {b.text() for b in box.buttons()} == {"是", "取消", "确定"}
    finally:
        i18n.install(prepared_app, "en")
