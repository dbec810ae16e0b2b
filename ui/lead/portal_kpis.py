"""The customer portal's figures on the lead's KPI tab (issue 16): plans, promises, callback
requests and confirmed payments the customers made themselves on the portal, the survey
response rate, and satisfaction as the customers rated it (by the channel of the
conversation rated) beside the agent-entered scores, labelled as such.

Read from ``GET /api/v1/portal/kpis`` on the op runner for the KPI tab's period; a newer
period supersedes an older request (op key), so a late answer never overwrites a fresher one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from ui.errors import reason
from ui.i18n import tr
from ui.labels import channel_text
from workstation.lead.portal import PortalKpis, Score

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace

NONE = "—"


def score_text(score: Score) -> str:
    """The mean with its count ("4.25 (12 ratings)"), or a dash."""
    if score.mean is None or not score.count:
        return NONE
    mean = f"{score.mean:.2f}"
    if score.count == 1:
        return tr("%1 (one rating)").replace("%1", mean)
    return tr("%1 (%2 ratings)").replace("%1", mean).replace("%2", str(score.count))


def _channel(channel: str) -> str:
    return tr("channel not recorded") if channel == "unknown" else channel_text(channel)


def rate_text(rate: Decimal | None) -> str:
    return NONE if rate is None else f"{(rate * 100).quantize(Decimal('1'))} %"


class Tile(QWidget):
    """A figure over its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel(NONE, self)
        self.value.setObjectName("kpiValue")  # large, in the theme's style sheets
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("", self)
        self.detail.setObjectName("muted")
        self.caption = QLabel(caption, self)
        self.caption.setWordWrap(True)
        self.value.setAccessibleName(caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def set_figure(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class PortalKpiPanel(QGroupBox):
    """The portal's KPIs for the KPI tab's period (a lead's team)."""

    loaded = Signal(object)  # PortalKpis
    failed = Signal(str)

    def __init__(self, console: LeadWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(tr("Customer portal: what customers did themselves"), parent)
        self.console = console
        self.kpis: PortalKpis | None = None
        self.plans = Tile(tr("Plans agreed on the portal"), self)
        self.promises = Tile(tr("Promises made on the portal"), self)
        self.callbacks = Tile(tr("Callbacks requested on the portal"), self)
        self.payments = Tile(tr("Payments confirmed through the portal"), self)
        self.response = Tile(tr("Survey response rate"), self)
        self.survey = Tile(tr("Satisfaction, the customers' own ratings"), self)
        self.agent = Tile(tr("Satisfaction, agent-entered during the call"), self)
        self.tiles = (
            self.plans,
            self.promises,
            self.callbacks,
            self.payments,
            self.response,
            self.survey,
            self.agent,
        )
        self.by_channel = QLabel(self)
        self.by_channel.setWordWrap(True)
        self.by_channel.setAccessibleName(tr("Customers' ratings by channel"))
        self.note = QLabel(self)
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for column, tile in enumerate(self.tiles):
            grid.addWidget(tile, 0, column)
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.by_channel)
        layout.addWidget(self.note)
        self.note.setText(tr("Loading…"))

    def load(self, start: date, end: date) -> None:
        client = self.console.client
        if client is None:
            self.note.setText(tr("Sign in to the server to see the portal's figures."))
            return
        self.console.ctx.runner.work(
            lambda _s: client.portal_kpis(start, end),
            on_done=self.show_kpis,
            on_error=self._failed,
            key="lead-portal-kpis",
            label="portal KPIs",
        )

    def show_kpis(self, kpis: PortalKpis) -> None:
        self.kpis = kpis
        self.plans.set_figure(str(kpis.plans))
        self.promises.set_figure(str(kpis.promises))
        self.callbacks.set_figure(str(kpis.callbacks))
        paid = " + ".join(m.format() for _c, m in sorted(kpis.paid.items()))
        self.payments.set_figure(str(kpis.payments), paid)
        self.response.set_figure(
            rate_text(kpis.response_rate),
            tr("%1 answered of %2 sent")
            .replace("%1", str(kpis.surveys_answered))
            .replace("%2", str(kpis.surveys_sent)),
        )
        self.survey.set_figure(score_text(kpis.survey))
        self.agent.set_figure(score_text(kpis.agent_entered))
        channels = " · ".join(
            f"{_channel(ch)} {score_text(s)}" for ch, s in sorted(kpis.survey_by_channel.items())
        )
        self.by_channel.setText(
            tr("Customers' ratings by the channel of the conversation rated: %1").replace(
                "%1", channels or NONE
            )
        )
        self.note.setText(
            tr("%1 – %2, days the server received the records (UTC).")
            .replace("%1", kpis.date_from.isoformat())
            .replace("%2", kpis.date_to.isoformat())
        )
        self.loaded.emit(kpis)

    def _failed(self, exc: BaseException) -> None:
        why = reason(exc)
        self.note.setText(tr("The portal's figures are not available: %1").replace("%1", why))
        self.failed.emit(why)
