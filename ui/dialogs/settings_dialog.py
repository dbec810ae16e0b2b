"""Settings: server, CA bundle, proxy, language, theme, click-to-call URI, data location and
encryption state. Language and theme apply on the next start."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import FollowsSyncInterval, error_label, localize_buttons
from ui.dialogs.registry import register_dialog
from ui.i18n import tr
from workstation import paths


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("Settings"))
        self.ctx = ctx
        s = ctx.settings
        self.server = QLineEdit(s.server_url, self)
        self.ca_bundle = QLineEdit(s.ca_bundle, self)
        self.ca_bundle.setPlaceholderText(tr("System certificates"))
        self.proxy = QLineEdit(s.proxy, self)
        self.proxy.setPlaceholderText(tr("None (direct)"))
        self.language = QComboBox(self)
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
        self.theme = QComboBox(self)
        self.theme.addItem(tr("Light"), "light")
        self.theme.addItem(tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.tel_uri = QLineEdit(s.tel_uri, self)
        self.tel_uri.setToolTip(
            tr("{number} is replaced by the number, e.g. tel:{number} or sip:{number}@pbx")
        )
        self.sync_interval = QSpinBox(self)
        self.sync_interval.setRange(0, 240)
        self.sync_interval.setValue(s.sync_interval_minutes)
        self.sync_interval.setSuffix(" " + tr("min"))
        self.sync_interval.setSpecialValueText(tr("Off (sync on demand only)"))
        encryption = {
            "sqlite": tr("SQLite file, not encrypted"),
            "sqlite-encrypted": tr("SQLite file, encrypted (SQLCipher)"),
        }.get(ctx.storage, ctx.storage)
        self.location = QLabel(str(paths.store_path()), self)
        self.location.setWordWrap(True)
        self.encryption = QLabel(encryption, self)
        form = QFormLayout()
        for text, widget in (
            (tr("&Server"), self.server),
            (tr("&CA bundle"), self.ca_bundle),
            (tr("&Proxy"), self.proxy),
            (tr("&Language"), self.language),
            (tr("&Theme"), self.theme),
            (tr("Click-to-call &URI"), self.tel_uri),
            (tr("Sync e&very"), self.sync_interval),
            (tr("Data location"), self.location),
            (tr("Storage"), self.encryption),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        self.error = error_label(self)
        hint = QLabel(tr("Language and theme change on the next start."), self)
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        localize_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        uri = self.tel_uri.text().strip()
        if "{number}" not in uri:
            self.error.setText(tr("The click-to-call URI must contain {number}."))
            self.tel_uri.setProperty("invalid", True)
            self.tel_uri.style().unpolish(self.tel_uri)
            self.tel_uri.style().polish(self.tel_uri)
            return
        s = self.ctx.settings
        s.server_url = self.server.text().strip()
        s.ca_bundle = self.ca_bundle.text().strip()
        s.proxy = self.proxy.text().strip()
        s.language = self.language.currentData()
        s.theme = self.theme.currentData()
        s.tel_uri = uri
        s.sync_interval_minutes = self.sync_interval.value()
        self.ctx.save_settings()
        window: object = self.parentWidget()
        if isinstance(window, FollowsSyncInterval):  # the main window's background sync
            window.apply_sync_interval()
        self.accept()


@register_dialog("settings")
def _create(ctx, parent, _account_id):
    return SettingsDialog(ctx, parent)
