"""Help → About: the application's version, where it runs, and the licences of what it ships.

``open_about(parent)`` creates the dialog, shows it with ``open()`` (never ``exec()``) and
returns it. The licence list is data (``BUNDLED_FONTS``, ``LIBRARIES``): the desktop build
(``build.spec``) carries exactly these fonts and libraries, and the font licence texts sit
beside the fonts in ``resources/fonts`` (see its README.md).
"""

from __future__ import annotations

import html
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import localize_buttons
from ui.i18n import tr
from workstation import __version__ as app_version
from workstation.resources import ResourceNotFoundError, resource_dir, resource_path

APP_NAME = "Collector Workstation"


@dataclass(frozen=True)
class Component:
    name: str
    licence: str
    distribution: str = ""  # the PyPI distribution whose installed version is shown
    note: str = ""


BUNDLED_FONTS = (
    Component(
        "Droid Sans Fallback",
        "Apache License 2.0",
        note="DroidSansFallback-LICENSE.txt — Chinese glyphs on screen and in PDFs",
    ),
    Component(
        "Noto Sans (Regular, Bold)",
        "SIL Open Font License 1.1",
        note="NotoSans-OFL.txt — Latin text and digits in PDFs",
    ),
)

LIBRARIES = (
    Component(
        "Qt / PySide6",
        "LGPL v3",
        "PySide6-Essentials",
        "shipped as separate shared libraries in the application folder; you may replace them",
    ),
    Component("Shiboken6", "LGPL v3", "shiboken6"),
    Component("Python", "PSF License Agreement"),
    Component("ReportLab", "BSD 3-Clause", "reportlab"),
    Component("rl-accel", "BSD 3-Clause", "rl-accel"),
    Component("pypdfium2 (PDFium)", "Apache 2.0 / BSD 3-Clause", "pypdfium2"),
    Component("Pillow", "MIT-CMU (HPND)", "pillow"),
    Component("SQLAlchemy", "MIT", "SQLAlchemy"),
    Component("Alembic", "MIT", "alembic"),
    Component("Mako", "MIT", "Mako"),
    Component("keyring", "MIT", "keyring"),
    Component("requests", "Apache 2.0", "requests"),
    Component("urllib3", "MIT", "urllib3"),
    Component("certifi", "MPL 2.0", "certifi"),
    Component("platformdirs", "MIT", "platformdirs"),
    Component("tzdata", "Apache 2.0", "tzdata"),
    Component(
        "sqlcipher3 (SQLCipher, OpenSSL)",
        "MIT; SQLCipher BSD 3-Clause; OpenSSL Apache 2.0",
        "sqlcipher3-binary",
    ),
    Component("SecretStorage (Linux keyring)", "BSD 3-Clause", "SecretStorage"),
    Component("jeepney", "MIT", "jeepney"),
    Component("cryptography", "Apache 2.0 / BSD 3-Clause", "cryptography"),
)


def installed_version(distribution: str) -> str:
    """The installed version of a distribution, or "" where metadata is not shipped."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _version_of(component: Component) -> str:
    if component.name == "Python":
        return platform.python_version()
    if component.name == "Qt / PySide6":
        return f"Qt {qVersion()}, PySide6 {pyside_version}"
    return installed_version(component.distribution) if component.distribution else ""


def environment_text() -> str:
    """One line about where this copy runs (useful in support tickets)."""
    frozen = tr("desktop build") if getattr(sys, "frozen", False) else tr("from source")
    return (
        f"{frozen} · Python {platform.python_version()} · Qt {qVersion()} · "
        f"{platform.system()} {platform.machine()}"
    )


def licences_html() -> str:
    """The licence table shown on the second tab (also what tests read)."""
    try:
        fonts_folder = resource_dir("fonts")
    except ResourceNotFoundError:
        fonts_folder = None

    def row(component: Component, version: str | None) -> str:
        note = f"<br/><small>{html.escape(component.note)}</small>" if component.note else ""
        cells = f"<td>{html.escape(component.name)}{note}</td>"
        if version is not None:
            cells += f"<td>{html.escape(version)}</td>"
        return f"<tr>{cells}<td>{html.escape(component.licence)}</td></tr>"

    def head(*titles: str) -> str:
        return "<tr>" + "".join(f"<th align='left'>{t}</th>" for t in titles) + "</tr>"

    fonts = "".join(row(font, None) for font in BUNDLED_FONTS)
    libraries = "".join(row(lib, _version_of(lib)) for lib in LIBRARIES)
    # tr() outside the f-strings: pyside6-lupdate does not look inside them
    licence_texts, bundled_fonts, libraries_title = (
        tr("Font licence texts"),
        tr("Bundled fonts"),
        tr("Libraries"),
    )
    font, library, version, licence = tr("Font"), tr("Library"), tr("Version"), tr("Licence")
    where = ""
    if fonts_folder is not None:
        link = QUrl.fromLocalFile(str(fonts_folder)).toString()
        where = (
            f"<p><small>{licence_texts}: "
            f"<a href='{html.escape(link)}'>{html.escape(str(fonts_folder))}</a></small></p>"
        )
    return (
        f"<h3>{bundled_fonts}</h3>"
        f"<table cellspacing='0' cellpadding='3' width='100%'>"
        f"{head(font, licence)}{fonts}</table>{where}"
        f"<h3>{libraries_title}</h3>"
        f"<table cellspacing='0' cellpadding='3' width='100%'>"
        f"{head(library, version, licence)}{libraries}</table>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(tr("About Collector Workstation"))

        logo = QLabel(self)
        logo.setObjectName("aboutLogo")
        try:
            pixmap = QPixmap(str(resource_path("icons", "app-128.png")))
        except ResourceNotFoundError:
            pixmap = QPixmap()
        logo.setPixmap(pixmap.scaled(96, 96, mode=Qt.TransformationMode.SmoothTransformation))
        logo.setAccessibleName(tr("Application icon"))

        self.title = QLabel(f"<h2>{APP_NAME}</h2>", self)
        self.version = QLabel(tr("Version %1").replace("%1", app_version), self)
        self.version.setObjectName("aboutVersion")
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.environment = QLabel(environment_text(), self)
        self.environment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        blurb = QLabel(
            tr(
                "A workstation for humane debt collection: a prioritised, explained queue, "
                "contact rules enforced even offline, exact repayment plans and agreements."
            ),
            self,
        )
        blurb.setWordWrap(True)

        header = QHBoxLayout()
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        for widget in (self.title, self.version, self.environment, blurb):
            text.addWidget(widget)
        text.addStretch(1)
        header.addLayout(text, 1)
        about_tab = QWidget(self)
        about_tab.setLayout(header)

        self.licences = QTextBrowser(self)
        self.licences.setObjectName("aboutLicences")
        self.licences.setOpenExternalLinks(True)
        self.licences.setHtml(licences_html())

        self.tabs = QTabWidget(self)
        self.tabs.addTab(about_tab, tr("About"))
        self.tabs.addTab(self.licences, tr("Licences"))

        buttons = localize_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(620, 480)


def open_about(parent: QWidget | None = None) -> AboutDialog:
    """Create the About dialog, ``open()`` it (window-modal, non-blocking) and return it."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
