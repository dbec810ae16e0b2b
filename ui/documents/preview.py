"""AgreementPreviewDialog: look at a rendered agreement or letter, print it, save it, open it.

QtPdf is not available (PySide6-Essentials), so pages are rasterised with pypdfium2 on the
op runner's pool (``ui.ops``) and shown as pixmaps; a newer page or zoom request supersedes
an older one, whose late result is dropped. pdfium is not thread-safe, so every call into it
holds one process-wide lock.

Printing goes through the system print dialog (``QPrintDialog.open()``, never ``exec()``);
once the user accepts, the pages are rasterised at up to 300 dpi and painted onto the
``QPrinter`` on a worker thread (Qt supports painting on a QPrinter off the GUI thread), so
the window stays responsive while a long agreement prints. Save-as and "open in the system
viewer" write the exact bytes that were rendered, so the hash of what the customer signs is
the hash that was stored.

The profile keeps documents sealed (``workstation.store.blobs``); the preview holds the plain
bytes in memory only. The system viewer needs a file, so "open" hands a copy over in a private
folder of this process under the system's temporary folder (never inside the profile), which
is removed when the application exits (``handover_dir``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QImage, QKeySequence, QPainter, QPixmap
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import localize_buttons
from ui.errors import reason
from ui.i18n import tr
from ui.ops import OpRunner, OpState
from workstation.documents import RenderedDocument

ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
SCREEN_DPI = 96.0  # a page at 100 % is shown at its printed size on a standard screen
PRINT_DPI_CAP = 300.0  # enough for text and tables; keeps a page's raster ~35 MB

_PDFIUM_LOCK = threading.Lock()
_HANDOVER: list[Path] = []
_HANDOVER_LOCK = threading.Lock()


def handover_dir() -> Path:
    """This process's private folder (0700) for copies handed to the system viewer: outside
    the profile, so no plain document is left among the profile's files, and removed at exit."""
    with _HANDOVER_LOCK:
        if not _HANDOVER or not _HANDOVER[0].is_dir():
            _HANDOVER[:] = [Path(tempfile.mkdtemp(prefix="workstation-open-"))]
            atexit.register(shutil.rmtree, _HANDOVER[0], ignore_errors=True)
        return _HANDOVER[0]


@dataclass(frozen=True)
class RenderedPage:
    index: int
    page_count: int
    zoom: float
    image: QImage


def _page_image(document: Any, index: int, dpi: float) -> QImage:
    """Rasterise one page (caller holds the pdfium lock) into a QImage that owns its data."""
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    page = document[index]
    try:
        bitmap = page.render(
            scale=dpi / 72.0,
            force_bitmap_format=pdfium_c.FPDFBitmap_BGRA,
            rev_byteorder=True,  # RGBA, what QImage.Format_RGBA8888 reads
            fill_color=(255, 255, 255, 255),
        )
        image = QImage(
            bytes(bitmap.buffer),
            bitmap.width,
            bitmap.height,
            bitmap.stride,
            QImage.Format.Format_RGBA8888,
        ).copy()  # detach from the Python buffer
        bitmap.close()
    finally:
        page.close()
    return image


def rasterise(pdf: bytes, index: int, dpi: float, state: OpState | None = None) -> RenderedPage:
    """One page of ``pdf`` as an image at ``dpi`` (a worker-thread function)."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        if state is not None:
            state.check()
        document = pdfium.PdfDocument(pdf)
        try:
            count = len(document)
            index = max(0, min(index, count - 1))
            image = _page_image(document, index, dpi)
        finally:
            document.close()
    return RenderedPage(index, count, dpi / SCREEN_DPI, image)


def print_pages(pdf: bytes, printer: QPrinter, pages: list[int], state: OpState) -> int:
    """Paint ``pages`` (0-based) onto ``printer``; runs on a worker thread. Returns the count."""
    import pypdfium2 as pdfium

    dpi = min(float(printer.resolution()), PRINT_DPI_CAP)
    # The PDF carries its own 18 mm margins: map the page onto the whole sheet, 1:1.
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(tr("The printer could not be started."))
    printed = 0
    try:
        for position, index in enumerate(pages):
            state.check()
            with _PDFIUM_LOCK:
                document = pdfium.PdfDocument(pdf)
                try:
                    image = _page_image(document, index, dpi)
                finally:
                    document.close()
            if position:
                printer.newPage()
            # Fit the page into the printable area; the paint engine scales the raster
            # (scaling it here to a 1200 dpi device would need half a gigabyte a page).
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = target.x() + (target.width() - size.width()) // 2
            painter.drawImage(QRect(x, target.y(), size.width(), size.height()), image)
            printed += 1
            state.progress(printed, len(pages), "")
    finally:
        painter.end()
    return printed


def write_atomically(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


class AgreementPreviewDialog(QDialog):
    """Pages of a rendered PDF with zoom and page navigation, print, save as, open."""

    page_shown = Signal(int)  # 0-based index of the page now on screen
    print_finished = Signal(int)  # pages sent to the printer
    print_failed = Signal(str)
    saved = Signal(str)  # path written
    opened_externally = Signal(str)  # path handed to the system viewer

    def __init__(
        self,
        document: RenderedDocument | bytes,
        *,
        runner: OpRunner | None = None,
        title: str | None = None,
        suggested_name: str = "agreement.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agreementPreview")
        if isinstance(document, RenderedDocument):
            self.pdf = document.pdf
            self.pdf_sha256 = document.sha256
            self.page_count = document.pages
        else:
            import hashlib

            self.pdf = bytes(document)
            self.pdf_sha256 = hashlib.sha256(self.pdf).hexdigest()
            self.page_count = 0  # learned from the first rendered page
        self.setWindowTitle(title or tr("Agreement preview"))
        self.suggested_name = suggested_name
        self._own_runner = runner is None
        self.runner = runner if runner is not None else OpRunner(self)
        self.zoom = 1.0
        self.page = 0
        self.shown_page: int | None = None
        self._printer: QPrinter | None = None
        self._render_key = f"agreement-preview-{id(self)}"

        self.image_label = QLabel(self)
        self.image_label.setObjectName("pageImage")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image_label.setAccessibleName(tr("Page"))
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.image_label)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setWidgetResizable(False)

        self.page_box = QSpinBox(self)
        self.page_box.setAccessibleName(tr("Page number"))
        self.page_box.setRange(1, max(1, self.page_count))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.page_total = QLabel(self)
        self.zoom_label = QLabel(self)
        self.zoom_label.setMinimumWidth(48)
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)

        self.previous_action = self._action(
            tr("Previous page"), QKeySequence.StandardKey.MoveToPreviousPage, self.previous_page
        )
        self.next_action = self._action(
            tr("Next page"), QKeySequence.StandardKey.MoveToNextPage, self.next_page
        )
        self.zoom_out_action = self._action(
            tr("Zoom out"), QKeySequence.StandardKey.ZoomOut, self.zoom_out
        )
        self.zoom_in_action = self._action(
            tr("Zoom in"), QKeySequence.StandardKey.ZoomIn, self.zoom_in
        )
        self.fit_width_action = self._action(tr("Fit width"), None, self.fit_width)
        self.print_action = self._action(
            tr("Print…"), QKeySequence.StandardKey.Print, self.print_document
        )
        self.save_action = self._action(tr("Save as…"), QKeySequence.StandardKey.Save, self.save_as)
        self.open_action = self._action(tr("Open in PDF viewer"), None, self.open_externally)

        toolbar = QToolBar(self)
        toolbar.setObjectName("previewToolbar")
        toolbar.addAction(self.previous_action)
        toolbar.addWidget(self.page_box)
        toolbar.addWidget(self.page_total)
        toolbar.addAction(self.next_action)
        toolbar.addSeparator()
        toolbar.addAction(self.zoom_out_action)
        toolbar.addWidget(self.zoom_label)
        toolbar.addAction(self.zoom_in_action)
        toolbar.addAction(self.fit_width_action)
        toolbar.addSeparator()
        toolbar.addAction(self.print_action)
        toolbar.addAction(self.save_action)
        toolbar.addAction(self.open_action)

        buttons = localize_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(900, 1000)
        self._update_controls()
        self.request_render()

    # -- actions ------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # -- pages and zoom -------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        last = max(0, self.page_count - 1) if self.page_count else index
        index = max(0, min(index, last))
        if index != self.page:
            self.page = index
            self.request_render()
        self._update_controls()

    def next_page(self) -> None:
        self.go_to(self.page + 1)

    def previous_page(self) -> None:
        self.go_to(self.page - 1)

    def set_zoom(self, zoom: float) -> None:
        zoom = max(ZOOM_STEPS[0], min(zoom, ZOOM_STEPS[-1]))
        if abs(zoom - self.zoom) > 1e-6:
            self.zoom = zoom
            self.request_render()
        self._update_controls()

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        lower = [z for z in ZOOM_STEPS if z < self.zoom - 1e-6]
        self.set_zoom(lower[-1] if lower else ZOOM_STEPS[0])

    def fit_width(self) -> None:
        available = self.scroll_area.viewport().width() - 24
        page_width_at_100 = 595.28 / 72.0 * SCREEN_DPI  # A4; every document here is A4
        self.set_zoom(max(ZOOM_STEPS[0], available / page_width_at_100))

    def request_render(self) -> None:
        """Rasterise the current page at the current zoom off the GUI thread."""
        pdf, index = self.pdf, self.page
        dpi = self.zoom * SCREEN_DPI * self.devicePixelRatioF()
        self.status.setText(tr("Rendering page %1…").replace("%1", str(index + 1)))
        self.runner.work(
            lambda state: rasterise(pdf, index, dpi, state),
            on_done=self._show_page,
            on_error=self._render_failed,
            key=self._render_key,
            label="agreement preview",
        )

    def _show_page(self, rendered: RenderedPage) -> None:
        pixmap = QPixmap.fromImage(rendered.image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image_label.setPixmap(pixmap)
        self.image_label.resize(pixmap.deviceIndependentSize().toSize())
        if rendered.page_count != self.page_count:
            self.page_count = rendered.page_count
        self.shown_page = rendered.index
        self.status.setText("")
        self._update_controls()
        self.page_shown.emit(rendered.index)

    def _render_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("This document cannot be shown: %1").replace("%1", reason(exc)))

    def _update_controls(self) -> None:
        count = max(1, self.page_count)
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, count)
        self.page_box.setValue(self.page + 1)
        self.page_box.blockSignals(False)
        self.page_total.setText(tr("of %1").replace("%1", str(self.page_count or "…")))
        self.previous_action.setEnabled(self.page > 0)
        self.next_action.setEnabled(self.page_count == 0 or self.page < self.page_count - 1)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self.zoom_in_action.setEnabled(self.zoom < ZOOM_STEPS[-1] - 1e-6)
        self.zoom_out_action.setEnabled(self.zoom > ZOOM_STEPS[0] + 1e-6)

    # -- print ----------------------------------------------------------------------------
    def print_document(self) -> QPrintDialog:
        """Show the system print dialog (``open()``; returns it so callers and tests can
        wait on it). Accepting it prints on a worker thread."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.page_count))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
        dialog.accepted.connect(lambda: self.print_to(printer))
        self._printer = printer  # kept alive with the dialog
        # PySide6 exposes only QPrintDialog.open(receiver, member); call QDialog's open().
        QDialog.open(dialog)
        return dialog

    def pages_to_print(self, printer: QPrinter) -> list[int]:
        count = max(1, self.page_count)
        first, last = 1, count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = printer.fromPage()
            last = printer.toPage() or count
        elif printer.printRange() == QPrinter.PrintRange.CurrentPage:
            first = last = self.page + 1
        return [index - 1 for index in range(max(1, first), min(count, last) + 1)]

    def print_to(self, printer: QPrinter) -> None:
        """Paint the chosen pages onto ``printer`` off the GUI thread."""
        self._printer = printer  # must outlive the worker
        pages = self.pages_to_print(printer)
        pdf = self.pdf
        self.print_action.setEnabled(False)
        self.status.setText(tr("Printing…"))
        self.runner.work(
            lambda state: print_pages(pdf, printer, pages, state),
            on_done=self._printed,
            on_error=self._print_error,
            on_progress=self._print_progress,
            label="print agreement",
        )

    def _print_progress(self, done: int, total: int, _text: str) -> None:
        self.status.setText(
            tr("Printing page %1 of %2…").replace("%1", str(done)).replace("%2", str(total))
        )

    def _printed(self, count: int) -> None:
        self.print_action.setEnabled(True)
        self.status.setText(tr("Sent %1 page(s) to the printer.").replace("%1", str(count)))
        self.print_finished.emit(count)

    def _print_error(self, exc: BaseException) -> None:
        self.print_action.setEnabled(True)
        message = tr("Printing failed: %1").replace("%1", reason(exc))
        self.status.setText(message)
        self.print_failed.emit(message)

    # -- save and open ------------------------------------------------------------------
    def save_as(self) -> QFileDialog:
        dialog = QFileDialog(self, tr("Save the agreement as"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(tr("PDF documents (*.pdf)"))
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(self.suggested_name)
        dialog.fileSelected.connect(self.save_to)
        dialog.open()
        return dialog

    def save_to(self, path: str) -> None:
        pdf = self.pdf
        target = Path(path)
        self.runner.work(
            lambda _state: str(write_atomically(target, pdf)),
            on_done=self._saved,
            on_error=self._file_error,
            label="save agreement",
        )

    def _saved(self, path: str) -> None:
        self.status.setText(tr("Saved to %1").replace("%1", path))
        self.saved.emit(path)

    def open_externally(self) -> None:
        """Hand the exact bytes to the system's PDF viewer (a copy in ``handover_dir()``,
        named by its SHA-256, so opening twice reuses one file)."""
        pdf, name = self.pdf, f"{self.pdf_sha256[:16]}-{self.suggested_name}"

        def op(_state: OpState) -> str:
            return str(write_atomically(handover_dir() / name, pdf))

        self.runner.work(op, on_done=self._open_file, on_error=self._file_error, label="open pdf")

    def _open_file(self, path: str) -> None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self.status.setText(tr("Opened in the PDF viewer."))
        else:
            self.status.setText(
                tr("No PDF viewer could be started; the file is at %1").replace("%1", path)
            )
        self.opened_externally.emit(path)

    def _file_error(self, exc: BaseException) -> None:
        self.status.setText(tr("The file could not be written: %1").replace("%1", reason(exc)))

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def printing(self) -> bool:
        return not self.print_action.isEnabled()

    def shutdown(self) -> None:
        """Stop background work this dialog owns (waits for a print job to finish)."""
        if self._own_runner:
            self.runner.shutdown()

    def done(self, result: int) -> None:
        # Closing the preview never cancels a print job that is already running.
        if self._own_runner and not self.printing:
            self.runner.shutdown()
        super().done(result)


def open_agreement_preview(
    document: RenderedDocument | bytes,
    *,
    runner: OpRunner | None = None,
    parent: QWidget | None = None,
    title: str | None = None,
    suggested_name: str = "agreement.pdf",
) -> AgreementPreviewDialog:
    """Create, ``open()`` and return the preview (never ``exec()``)."""
    dialog = AgreementPreviewDialog(
        document, runner=runner, parent=parent, title=title, suggested_name=suggested_name
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    dialog.open()
    return dialog
