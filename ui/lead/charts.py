"""Charts drawn with QPainter (QtCharts is not in PySide6-Essentials): horizontal bars per
agent with the team's value as a reference line, and a weekly trend line.

Readable at a glance: names on the left in full, the value printed at the end of each bar,
a dashed team line labelled "team", no legend to decode; a missing value (no denominator)
is drawn as "—", never as a zero-length bar that looks like a bad result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme
from ui.i18n import tr


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None


def _colours() -> dict[str, QColor]:
    dark = theme.current() == "dark"
    return {
        "text": QColor("#e6e6e6" if dark else "#1d2330"),
        "muted": QColor("#9aa3ad" if dark else "#5f6670"),
        "grid": QColor("#3a3f46" if dark else "#e3e7ed"),
        "bar": QColor("#4f8fe0" if dark else "#2f6fc9"),
        "bad": QColor("#e0745f" if dark else "#c8553d"),
        "team": QColor("#f0b429" if dark else "#b7791f"),
        "background": QColor("#1d1f23" if dark else "#ffffff"),
    }


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "per_1000":
        return f"{value:.1f} ‰"
    return f"{value:.2f}"


class BarChart(QWidget):
    """One bar per agent for one KPI, best first, the team value as a dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiBars")
        self.bars: list[Bar] = []
        self.title = ""
        self.unit = "percent"
        self.team: float | None = None
        self.higher_is_better = True
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(tr("KPI per agent"))

    def set_data(
        self,
        title: str,
        bars: Sequence[Bar],
        *,
        unit: str,
        team: float | None,
        higher_is_better: bool = True,
    ) -> None:
        self.title = title
        self.unit = unit
        self.team = team
        self.higher_is_better = higher_is_better
        known = sorted(
            (b for b in bars if b.value is not None),
            key=lambda b: b.value or 0.0,
            reverse=higher_is_better,
        )
        self.bars = known + [b for b in bars if b.value is None]
        summary = "; ".join(f"{b.label} {format_value(b.value, unit)}" for b in self.bars)
        self.setAccessibleDescription(f"{title}: {summary}")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 60 + 30 * max(len(self.bars), 3))

    def paintEvent(self, _event: QPaintEvent) -> None:
        colours = _colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), colours["background"])
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() * 1.15)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(colours["text"])
        margin = 10
        title_height = QFontMetrics(title_font).height() + 6
        painter.drawText(
            QRectF(margin, margin / 2, self.width() - 2 * margin, title_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        if not self.bars:
            painter.setPen(colours["muted"])
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No data"))
            painter.end()
            return
        label_width = min(
            max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12, self.width() // 3
        )
        value_width = metrics.horizontalAdvance("100.0 % ") + 8
        top = margin + title_height
        bottom = self.height() - margin - metrics.height()  # room for the team label
        left = margin + label_width
        right = self.width() - margin - value_width
        span = max(right - left, 10)
        values = [b.value for b in self.bars if b.value is not None]
        if self.team is not None:
            values.append(self.team)
        top_value = max(values, default=1.0)
        if self.unit == "percent":
            top_value = max(top_value, 10.0)
        scale = span / (top_value * 1.05 if top_value > 0 else 1.0)
        row = min(44.0, (bottom - top) / len(self.bars))
        bar_height = max(8.0, row * 0.62)
        if self.team is not None:
            x = left + self.team * scale
            pen = QPen(colours["team"], 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            end = top + len(self.bars) * row
            painter.drawLine(QPointF(x, top - 2), QPointF(x, end + 2))
            painter.drawText(
                QRectF(x - 120, end + 2, 240, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                tr("team %1").replace("%1", format_value(self.team, self.unit)),
            )
        for index, bar in enumerate(self.bars):
            y = top + index * row
            painter.setPen(colours["text"])
            painter.drawText(
                QRectF(margin, y, label_width - 8, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8),
            )
            if bar.value is None:
                painter.setPen(colours["muted"])
                painter.drawText(
                    QRectF(left + 4, y, value_width + 40, row),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    "— " + tr("no data"),
                )
                continue
            worse = self.team is not None and (
                bar.value < self.team if self.higher_is_better else bar.value > self.team
            )
            width = max(2.0, bar.value * scale)
            painter.fillRect(
                QRectF(left, y + (row - bar_height) / 2, width, bar_height),
                colours["bad"] if worse else colours["bar"],
            )
            text = format_value(bar.value, self.unit)
            box = QRectF(left + width + 4, y + (row - metrics.height()) / 2,
                         metrics.horizontalAdvance(text) + 6, metrics.height())  # fmt: skip
            painter.fillRect(box, colours["background"])
            painter.setPen(colours["text"])
            painter.drawText(
                QRectF(left + width + 6, y, value_width + 40, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                format_value(bar.value, self.unit),
            )
        painter.end()


class TrendChart(QWidget):
    """A KPI week by week: points joined by a line, each labelled with its value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTrend")
        self.points: list[Bar] = []
        self.title = ""
        self.unit = "percent"
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(tr("KPI trend by week"))

    def set_data(self, title: str, points: Sequence[Bar], *, unit: str) -> None:
        self.title, self.points, self.unit = title, list(points), unit
        summary = "; ".join(f"{p.label} {format_value(p.value, unit)}" for p in self.points)
        self.setAccessibleDescription(f"{title}: {summary}")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 220)

    def paintEvent(self, _event: QPaintEvent) -> None:
        colours = _colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), colours["background"])
        metrics = QFontMetrics(self.font())
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() * 1.15)
        title_font.setBold(True)
        margin = 10
        title_height = QFontMetrics(title_font).height() + 6
        painter.setFont(title_font)
        painter.setPen(colours["text"])
        painter.drawText(
            QRectF(margin, margin / 2, self.width() - 2 * margin, title_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        painter.setFont(self.font())
        known = [p.value for p in self.points if p.value is not None]
        if not known:
            painter.setPen(colours["muted"])
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No data"))
            painter.end()
            return
        top = margin + title_height + metrics.height()
        bottom = self.height() - margin - metrics.height() - 4
        inset = metrics.horizontalAdvance("100.0 %") // 2 + 6
        left, right = margin + inset, self.width() - margin - inset
        low = min(0.0, *known)
        high = max(known) * 1.1 or 1.0
        step = (right - left) / max(len(self.points) - 1, 1)

        def y_of(value: float) -> float:
            return bottom - (value - low) / (high - low) * (bottom - top)

        painter.setPen(QPen(colours["grid"], 1))
        painter.drawLine(QPointF(left, bottom), QPointF(right, bottom))
        previous: QPointF | None = None
        for index, point in enumerate(self.points):
            x = left + index * step if len(self.points) > 1 else (left + right) / 2
            painter.setPen(colours["muted"])
            painter.drawText(
                QRectF(x - 50, bottom + 4, 100, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                point.label,
            )
            if point.value is None:
                previous = None
                continue
            here = QPointF(x, y_of(point.value))
            if previous is not None:
                painter.setPen(QPen(colours["bar"], 2.5))
                painter.drawLine(previous, here)
            painter.setBrush(colours["bar"])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(here, 4.5, 4.5)
            painter.setPen(colours["text"])
            painter.drawText(
                QRectF(x - 50, here.y() - metrics.height() - 6, 100, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                format_value(point.value, self.unit),
            )
            previous = here
        painter.end()
