"""Qt models of the field screens: today's visits in route order."""

from __future__ import annotations

from PySide6.QtCore import QObject

from ui import theme
from ui.field.table import Column, RowsModel
from ui.i18n import pick, tr
from workstation.field import VisitStop


def verdict_text(stop: VisitStop) -> str:
    if stop.verdict.allowed:
        return "✔ " + tr("May visit now")
    reasons = "; ".join(pick(r) for r in stop.verdict.reasons[:1])
    if stop.verdict.next_allowed_at is not None:
        local = stop.verdict.next_allowed_at.astimezone(stop.local_time.tzinfo)
        return "✖ " + tr("Not now, from %1").replace("%1", local.strftime("%a %H:%M"))
    return "✖ " + (reasons or tr("Not allowed"))


def window_text(stop: VisitStop) -> str:
    if stop.window is None:
        return tr("any time")
    return f"{stop.window[0]}–{stop.window[1]}"


def _verdict_colour(stop: VisitStop) -> str:
    palette = theme.OK_BG if stop.verdict.allowed else theme.BAD_BG
    return palette[theme.current()]


def _done_colour(stop: VisitStop) -> str | None:
    return theme.OK_BG[theme.current()] if stop.visited_today is not None else None


def _reasons(stop: VisitStop) -> str:
    return "\n".join(pick(r) for r in stop.verdict.reasons)


def visits_columns() -> list[Column[VisitStop]]:
    return [
        Column("position", lambda: tr("Stop"), lambda s: str(s.position), lambda s: s.position,
               align_right=True),
        Column("area", lambda: tr("Area"), lambda s: s.area, lambda s: (s.area, s.position)),
        Column("customer", lambda: tr("Customer"),
               lambda s: s.customer_name + (f" ({s.name_alt})" if s.name_alt else ""),
               lambda s: s.customer_name),
        Column("address", lambda: tr("Address"), lambda s: s.street or s.address or "—",
               lambda s: s.address, tooltip=lambda s: s.address),
        Column("distance", lambda: tr("km"),
               lambda s: "" if s.leg_km is None else f"{s.leg_km:.1f}", lambda s: s.leg_km,
               align_right=True,
               tooltip=lambda s: tr("Straight-line distance from the previous stop")),
        Column("balance", lambda: tr("Balance"), lambda s: s.balance.format(),
               lambda s: s.balance.minor, align_right=True),
        Column("dpd", lambda: tr("DPD"), lambda s: str(s.days_past_due),
               lambda s: s.days_past_due, align_right=True),
        Column("last", lambda: tr("Last outcome"),
               lambda s: pick(s.last_outcome) if s.last_outcome else "—",
               lambda s: s.last_outcome_at.isoformat() if s.last_outcome_at else None,
               tooltip=lambda s: s.last_outcome_at.astimezone().strftime("%Y-%m-%d %H:%M")
               if s.last_outcome_at else ""),
        Column("window", lambda: tr("Visit window"),
               window_text, lambda s: s.window,
               tooltip=lambda s: tr("Visiting hours, customer's local time (now %1)").replace(
                   "%1", s.local_time.strftime("%H:%M"))),
        Column("verdict", lambda: tr("Visit now?"), verdict_text,
               lambda s: (not s.verdict.allowed, s.position), background=_verdict_colour,
               foreground=lambda _s: "#111111", tooltip=_reasons),
        Column("done", lambda: tr("Today"),
               lambda s: pick(s.visited_today) if s.visited_today else "",
               lambda s: s.visited_today is None, background=_done_colour,
               foreground=lambda s: "#111111" if s.visited_today else None),
    ]  # fmt: skip


class VisitsModel(RowsModel[VisitStop]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(visits_columns(), lambda s: s.account_id, parent)
