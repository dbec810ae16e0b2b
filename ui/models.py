"""Qt item models: thin adapters that turn the desk's plain data into rows.

The queue model holds the ranked items plus index arrays; sorting and filtering happen
inside the model with precomputed keys (no proxy model — a proxy sort over 100,000 Python
rows takes seconds). Filtering is a model reset; sorting is a layout change that keeps
persistent indexes (the selection) on the same accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ui import theme
from ui.i18n import is_zh, language, pick, tr
from ui.workflow_words import complaint_summary, dispute_summary, letter_text, write_off_reason
from workstation.desk import QueueCategory, QueueItem, ScheduleLine
from workstation.desk.corrections import voided_by
from workstation.desk.snapshot import QueueSnapshot
from workstation.domain import Event, EventType, Money
from workstation.domain.dispositions import default_catalogue
from workstation.domain.returns import reason_words, returned_by
from workstation.text import Text

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()  # the invisible root: every model here is a flat table


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def money_minor(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).format()


TABS = ("due", "callbacks", "promises", "all")


def tab_label(tab: str) -> str:
    return {
        "due": tr("Due now"),
        "callbacks": tr("Callbacks"),
        "promises": tr("Promises due"),
        "all": tr("All"),
    }[tab]


class QueueModel(QAbstractTableModel):
    """The work queue. Holds a ``QueueSnapshot`` (queue order, scan columns, lazy items) and
    index arrays; sorting and filtering are list operations on precomputed keys."""

    COLUMNS = ("rank", "customer", "balance", "dpd", "bucket", "tier", "next", "local", "now")
    counts_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._snap = QueueSnapshot.of_items([], now=datetime.now(UTC))
        self._hay: list[str] = []
        self._tab_mask: dict[str, list[bool]] = {}
        self._order: list[int] = []  # every row index, in the current sort order
        self._visible: list[int] = []  # what the view shows: order ∩ tab ∩ text filter
        self._sort_keys: dict[int, list[Any]] = {}
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._text = ""
        self._tab = "due"
        self._row_of: dict[str, int] = {}

    # loading ------------------------------------------------------------------------------
    def set_items(self, items: QueueSnapshot | Sequence[QueueItem]) -> None:
        """Replace the queue, keeping the current tab, filter text and sort."""
        snap = (
            items
            if isinstance(items, QueueSnapshot)
            else QueueSnapshot.of_items(items, now=datetime.now(UTC))
        )
        self.beginResetModel()
        self._snap = snap
        self._row_of = snap.position
        self._hay = snap.search_text
        self._sort_keys = {}
        due = QueueCategory.DUE_BANDS
        self._tab_mask = {
            "due": [c in due for c in snap.categories],
            "callbacks": snap.has_callback,
            "promises": snap.promise_due,
        }
        self._contactable = snap.contactable()
        self._order = (
            list(range(len(snap)))
            if self._sort_column == 0 and self._sort_order == Qt.SortOrder.AscendingOrder
            else self._sorted_order(self._sort_column, self._sort_order)
        )
        self._visible = self._filtered(self._order)
        self.endResetModel()
        self.counts_changed.emit()

    def _filtered(self, base: Sequence[int]) -> list[int]:
        mask = self._tab_mask.get(self._tab)
        needle = self._text
        hay = self._hay
        if mask is None and not needle:
            return list(base)
        if mask is None:
            return [i for i in base if needle in hay[i]]
        if not needle:
            return [i for i in base if mask[i]]
        return [i for i in base if mask[i] and needle in hay[i]]

    @property
    def preliminary(self) -> bool:
        """True while the model shows a first page, before the full ranking replaces it."""
        return bool(getattr(self._snap, "preliminary", False))

    # filtering ------------------------------------------------------------------------------
    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._text:
            return
        # Typing one more character can only narrow: filter what is visible, not all rows.
        narrowing = self._text and needle.startswith(self._text)
        self.beginResetModel()
        self._text = needle
        if narrowing:
            hay = self._hay
            self._visible = [i for i in self._visible if needle in hay[i]]
        else:
            self._visible = self._filtered(self._order)
        self.endResetModel()

    def set_tab(self, tab: str) -> None:
        if tab == self._tab:
            return
        self.beginResetModel()
        self._tab = tab
        self._visible = self._filtered(self._order)
        self.endResetModel()

    @property
    def tab(self) -> str:
        return self._tab

    def tab_count(self, tab: str) -> int:
        mask = self._tab_mask.get(tab)
        if tab == "all" or mask is None:
            return len(self._snap)
        return sum(mask)

    # sorting ------------------------------------------------------------------------------
    def _keys(self, column: int) -> list[Any]:
        keys = self._sort_keys.get(column)
        if keys is None:
            name = self.COLUMNS[column]
            snap = self._snap
            if name == "rank":
                keys = list(range(len(snap)))
            elif name == "customer":
                keys = [n.casefold() for n in snap.customer_names]
            elif name == "balance":
                keys = snap.balances
            elif name in ("dpd", "bucket"):
                keys = snap.days_past_due
            elif name == "tier":  # needs the ranking's tier: built once, on demand
                keys = [(snap[i].risk_tier, i) for i in range(len(snap))]
            elif name == "next":
                keys = [(snap[i].treatment.en, i) for i in range(len(snap))]
            elif name == "local":
                now = datetime.now(UTC)
                offsets: dict[str, float] = {}
                for zone_name in set(snap.timezones):
                    delta = now.astimezone(_zone(zone_name)).utcoffset()
                    offsets[zone_name] = delta.total_seconds() if delta else 0.0
                keys = [offsets[z] for z in snap.timezones]
            else:
                keys = [(not ok, i) for i, ok in enumerate(self._contactable)]
            self._sort_keys[column] = keys
        return keys

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> list[int]:
        name = {"dpd": "dpd", "bucket": "dpd"}.get(self.COLUMNS[column], self.COLUMNS[column])
        ready = self._snap.sort_order(name)
        if ready is not None:  # usually prepared on a worker (QueueSnapshot.warm)
            return ready[::-1] if order == Qt.SortOrder.DescendingOrder else list(ready)
        keys = self._keys(column)
        return sorted(
            range(len(self._snap)),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        if (column, order) == (self._sort_column, self._sort_order) and self._order:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [
            (p, self._visible[p.row()] if p.row() < len(self._visible) else None)
            for p in persistent
        ]
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted_order(column, order)
        if len(self._visible) == len(self._order):
            self._visible = list(self._order)
        else:  # a byte mask: indexing beats hashing 100,000 ints into a set
            shown = bytearray(len(self._order))
            for i in self._visible:
                shown[i] = 1
            self._visible = [i for i in self._order if shown[i]]
        position = {item: row for row, item in enumerate(self._visible)} if held else {}
        old, new = [], []
        for index, item in held:
            old.append(index)
            row = position.get(item) if item is not None else None
            new.append(QModelIndex() if row is None else self.index(row, index.column()))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # lookup -------------------------------------------------------------------------------
    def item_at(self, row: int) -> QueueItem | None:
        if 0 <= row < len(self._visible):
            return self._snap[self._visible[row]]
        return None

    def row_of(self, account_id: str) -> int | None:
        item = self._row_of.get(account_id)
        if item is None:
            return None
        try:
            return self._visible.index(item)
        except ValueError:
            return None

    def visible_ids(self) -> list[str]:
        ids = self._snap.account_ids
        return [ids[i] for i in self._visible]

    def item(self, account_id: str) -> QueueItem | None:
        index = self._row_of.get(account_id)
        return None if index is None else self._snap[index]

    # Qt model interface --------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if not 0 <= section < len(self.COLUMNS):
            return None
        return {
            "rank": tr("#"),
            "customer": tr("Customer"),
            "balance": tr("Balance"),
            "dpd": tr("DPD", "column"),
            "bucket": tr("Bucket"),
            "tier": tr("Tier", "column"),
            "next": tr("Next action"),
            "local": tr("Local", "column"),
            "now": tr("Now"),
        }[self.COLUMNS[section]]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        item = self._snap[self._visible[index.row()]]
        name = self.COLUMNS[index.column()]
        if role == DISPLAY:
            if name == "rank":
                return str(item.rank)
            if name == "customer":
                return item.customer_name
            if name == "balance":
                return money_minor(item.balance_minor, item.currency)
            if name == "dpd":
                return str(item.days_past_due)
            if name == "bucket":
                return _bucket_label(item.bucket)
            if name == "tier":
                return item.risk_tier
            if name == "next":
                return pick(item.next_action)
            if name == "local":
                return datetime.now(_zone(item.timezone)).strftime("%H:%M")
            return tr("Yes") if item.contactable_now else tr("Later")
        if role == Qt.ItemDataRole.TextAlignmentRole and name in ("rank", "balance", "dpd"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and name == "now":
            table = theme.OK_BG if item.contactable_now else theme.BAD_BG
            return QBrush(QColor(table[theme.current()]))
        if role == Qt.ItemDataRole.ToolTipRole:
            reasons = [pick(reason) for reason in item.reasons]
            if name == "next":  # the cell may show a short form: the whole suggestion first
                reasons.insert(0, tr("Suggested:") + " " + pick(item.treatment))
            return "\n".join(reasons)
        if role == ACCOUNT_ID_ROLE:
            return item.account_id
        return None


def _bucket_label(bucket: str) -> str:
    if not is_zh():
        return bucket
    from workstation.domain import Bucket

    try:
        return Bucket(bucket).label_zh
    except ValueError:
        return bucket


def event_summary(event: Event) -> str:
    """One line for the timeline, in the UI language."""
    p = event.payload
    catalogue = default_catalogue()
    lang = language()
    if event.type is EventType.CONTACT_ATTEMPT:
        code = event.disposition or ""
        disposition = catalogue.get(code)
        label = disposition.label(lang) if disposition else code
        parts = [label]
        if p.get("promise_amount"):
            amount = Money.of(p["promise_amount"], p.get("currency") or "CNY").format()
            parts.append(f"{amount} → {p.get('promise_date', '')}")
        if p.get("callback_at"):
            parts.append(tr("callback") + " " + str(p["callback_at"])[:16].replace("T", " "))
        if p.get("override_reason"):
            parts.append(tr("OVERRIDE:") + " " + str(p["override_reason"]))
        if p.get("notes"):
            parts.append(str(p["notes"]))
        return " · ".join(parts)
    if event.type is EventType.PAYMENT and p.get("amount"):
        from ui.labels import payment_source_text

        source = payment_source_text(str(p.get("source", "")))
        return f"{Money.of(p['amount'], p['currency']).format()} ({source})"
    if event.type is EventType.WRITE_OFF and p.get("amount"):
        reason = write_off_reason(str(p.get("reason") or "settlement"))
        return f"{Money.of(p['amount'], p['currency']).format()} · {reason}"
    if event.type is EventType.PAYMENT_RETURN and p.get("amount"):
        amount = Money.of(p["amount"], p["currency"]).format()
        why = reason_words(str(p.get("reason") or "")).get(language())
        text = tr("%1 returned: %2 (paid %3)").replace("%1", amount).replace("%2", why)
        return text.replace("%3", str(p.get("paid_on", "")))
    if event.type is EventType.STATUS_CHANGE:
        from ui.labels import status_text

        old, new = str(p.get("from_status", "")), str(p.get("to_status", ""))
        moved = f"{status_text(old)} → {status_text(new)}"
        return f"{moved} · {p.get('reason', '')}" if p.get("reason") else moved
    if event.type is EventType.PLAN_AGREEMENT:
        kinds = {
            "instalments": tr("Instalments"),
            "deferral": tr("Deferral"),
            "settlement": tr("Settlement"),
        }
        parts = [kinds.get(str(p.get("kind", "")), str(p.get("kind", "")))]
        if p.get("total"):
            parts.append(Money.of(p["total"], p.get("currency") or "CNY").format())
        if p.get("document_reference"):
            parts.append(str(p["document_reference"]))
        return " · ".join(parts)
    if event.type is EventType.COMPLAINT:
        return complaint_summary(p)
    if event.type is EventType.PROMISE and p.get("amount"):
        amount = Money.of(p["amount"], p["currency"]).format()
        from ui.labels import promise_status_text

        status = promise_status_text(str(p.get("status", "open")))
        return f"{amount} → {p.get('due_date', '')} ({status})"
    if event.type is EventType.DISPUTE:
        return dispute_summary(p)
    if event.type is EventType.SATISFACTION:
        return "★" * int(p.get("score", 0)) + (f" {p['comment']}" if p.get("comment") else "")
    if event.type is EventType.MESSAGE:
        from workstation.messages.status import message_summary

        return message_summary(p, language())
    if event.type is EventType.VISIT:
        from ui.labels import visit_outcome_text

        parts = [visit_outcome_text(str(p.get("outcome") or "")), str(p.get("notes") or "")]
        return " · ".join(part for part in parts if part)
    if event.type is EventType.NOTE:
        return str(p.get("text", ""))
    if event.type is EventType.VOID:
        return tr("voids a record: %1").replace("%1", str(p.get("reason", "")))
    if event.type is EventType.FLAG_CHANGE:
        from ui.labels import flag_text

        flag = flag_text(str(p.get("flag", "")))
        if p.get("reason") == "hold_ended":  # the daily run: the hold's time is up
            return f"{flag} · " + tr("hold ended after %1 days").replace(
                "%1", str(p.get("duration_days", ""))
            )
        return f"{flag} · {p['details']}" if p.get("details") else flag
    if event.type in (EventType.INSTALMENT, EventType.PLAN_STATUS, EventType.DOCUMENT):
        return _lifecycle_summary(event.type, p)
    return str(p.get("text") or p.get("notes") or "")


def _lifecycle_summary(kind: EventType, p: dict[str, Any]) -> str:
    """The daily run's events: an instalment decided, a plan broken or completed, a letter."""
    words = {
        "paid": tr("paid"),
        "late": tr("paid late"),
        "missed": tr("missed"),
        "broken": tr("plan broken"),
        "completed": tr("plan completed"),
    }
    currency = str(p.get("currency") or "CNY")
    if kind is EventType.INSTALMENT:
        amount = Money.of(str(p.get("amount") or "0"), currency).format()
        status = words.get(str(p.get("status")), str(p.get("status", "")))
        return f"#{p.get('n', '')} · {amount} · {p.get('due_on', '')} · {status}"
    if kind is EventType.PLAN_STATUS:
        text = words.get(str(p.get("status")), str(p.get("status", "")))
        if p.get("missed"):
            missed = ", ".join(f"#{n}" for n in p["missed"])
            text += " · " + tr("instalments missed: %1").replace("%1", missed)
        return text
    parts = [letter_text(str(p.get("kind", "")))]
    if p.get("paid_amount"):
        parts.append(Money.of(str(p["paid_amount"]), currency).format())
    if p.get("document_reference"):
        parts.append(str(p["document_reference"]))
    return " · ".join(parts)


def event_type_label(kind: EventType) -> str:
    return {
        EventType.CONTACT_ATTEMPT: tr("Contact"),
        EventType.PROMISE: tr("Promise"),
        EventType.PAYMENT: tr("Payment"),
        EventType.NOTE: tr("Note"),
        EventType.VISIT: tr("Visit"),
        EventType.PLAN_AGREEMENT: tr("Plan agreed"),
        EventType.COMPLAINT: tr("Complaint"),
        EventType.DISPUTE: tr("Dispute"),
        EventType.SATISFACTION: tr("Satisfaction"),
        EventType.FLAG_CHANGE: tr("Flag"),
        EventType.MESSAGE: tr("Message"),
        EventType.VOID: tr("Void"),
        EventType.INSTALMENT: tr("Instalment"),
        EventType.PLAN_STATUS: tr("Plan"),
        EventType.DOCUMENT: tr("Document"),
        EventType.WRITE_OFF: tr("Written off"),
        EventType.STATUS_CHANGE: tr("Status"),
        EventType.PAYMENT_RETURN: tr("Returned"),
    }.get(kind, str(kind))


def fold_message_statuses(events: Sequence[Event]) -> list[Event]:
    """Messages as one row each with their latest status (``latest_statuses``)."""
    from dataclasses import replace

    from workstation.messages.status import latest_statuses

    messages = [e for e in events if e.type is EventType.MESSAGE]
    if not messages:
        return list(events)
    latest = latest_statuses(messages)
    originals = {e.id for e in messages}
    status_payload: dict[str, dict[str, Any]] = {}

    def update_of(event: Event) -> str:
        """The original message an event reports a status of ('' for the original itself)."""
        target = str(event.payload.get("message_id") or "")
        return target if target != event.id and target in originals else ""

    for event in messages:
        target = update_of(event)
        if target and str(event.payload.get("status", "")) == latest.get(target):
            status_payload[target] = dict(event.payload)
    rows: list[Event] = []
    for event in events:
        if event.type is not EventType.MESSAGE:
            rows.append(event)
            continue
        if update_of(event) and str(event.payload.get("status", "")) != "received":
            continue  # folded into the original message's row
        status = latest.get(event.id)
        shown = event
        if status and status != event.payload.get("status"):
            payload = dict(event.payload)
            payload["status"] = status
            if status == "failed":
                payload["reason"] = status_payload.get(event.id, {}).get("reason", "")
            shown = replace(event, payload=payload)
        rows.append(shown)
    return rows


class TimelineModel(QAbstractTableModel):
    """Every event on the account, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []
        self._voids: dict[str, Event] = {}
        self._returns: dict[str, Event] = {}  # a payment the bank took back → its return

    def set_events(self, events: Sequence[Event]) -> None:
        """One row per event, except that a message's later status events (sent, delivered,
        failed) fold into the message's own row, which shows its furthest status. A voided
        record stays, struck through, saying who voided it and why."""
        self.beginResetModel()
        self._events = fold_message_statuses(events)
        self._voids = voided_by(events)
        self._returns = returned_by(events)
        self.endResetModel()

    def event_at(self, row: int) -> Event | None:
        return self._events[row] if 0 <= row < len(self._events) else None

    def voided(self, event_id: str) -> Event | None:
        """The void that struck ``event_id`` out, if any."""
        return self._voids.get(event_id)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY or orientation != Qt.Orientation.Horizontal or not 0 <= section < 4:
            return None
        return (tr("When"), tr("Type"), tr("What happened"), tr("By"))[section]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._events):
            return None
        event = self._events[index.row()]
        column = index.column()
        void = self._voids.get(event.id)
        taken_back = self._returns.get(event.id)
        if taken_back is not None and void is None:
            return self._returned(event, taken_back, column, role)
        if role == Qt.ItemDataRole.ToolTipRole and void is not None:
            return (
                tr("Voided by %1 on %2: %3")
                .replace("%1", void.recorded_by)
                .replace("%2", void.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"))
                .replace("%3", str(void.payload.get("reason") or ""))
            )
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return event.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if column == 1:
                return event_type_label(event.type)
            if column == 2:
                summary = event_summary(event)
                if void is not None:
                    return (
                        tr("%1 — voided by %2: %3")
                        .replace("%1", summary)
                        .replace("%2", void.recorded_by)
                        .replace("%3", str(void.payload.get("reason") or ""))
                    )
                return summary
            return event.recorded_by
        if role == Qt.ItemDataRole.FontRole and void is not None:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and void is not None:
            return QBrush(QColor("#7a7a7a"))
        if role == Qt.ItemDataRole.ForegroundRole and event.payload.get("override_reason"):
            return QBrush(QColor("#c0392b"))
        return None

    def _returned(self, event: Event, back: Event, column: int, role: int) -> Any:
        """A payment the bank took back: struck through like a void, saying when and why."""
        why = reason_words(str(back.payload.get("reason") or "")).get(language())
        note = (
            tr("returned %1: %2")
            .replace("%1", str(back.payload.get("returned_on") or ""))
            .replace("%2", why)
        )
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole:
                return note
            if column == 0:
                return event.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if column == 1:
                return event_type_label(event.type)
            if column == 2:
                return f"{event_summary(event)} — {note}"
            return event.recorded_by
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#7a7a7a"))
        return None


class ContactsModel(QAbstractTableModel):
    """Phones and e-mails, editable; invalid cells are marked in place, never discarded."""

    HEADERS = ("kind", "value", "type", "consent", "opted_out")
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._errors: dict[int, Text] = {}

    def set_contacts(self, phones: Sequence[Any], emails: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = [
            {
                "kind": "phone",
                "id": p.id,
                "value": p.number,
                "type": str(p.type),
                "consent": p.consent,
                "opted_out": p.opted_out,
            }
            for p in phones
        ] + [
            {
                "kind": "email",
                "id": e.id,
                "value": e.address,
                "type": "",
                "consent": e.consent,
                "opted_out": e.opted_out,
            }
            for e in emails
        ]
        self._errors = {}
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows]

    def set_errors(self, errors: dict[int, Text]) -> None:
        self._errors = dict(errors)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            )

    def add_row(self, kind: str, new_id: str) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(
            {
                "kind": kind,
                "id": new_id,
                "value": "",
                "type": "mobile" if kind == "phone" else "",
                "consent": True,
                "opted_out": False,
            }
        )
        self.endInsertRows()
        return row

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if (
            role != DISPLAY
            or orientation != Qt.Orientation.Horizontal
            or not 0 <= section < len(self.HEADERS)
        ):
            return None
        return (tr("Channel"), tr("Number / address"), tr("Type"), tr("Consent"), tr("Opted out"))[
            section
        ]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        name = self.HEADERS[index.column()]
        if name in ("consent", "opted_out"):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if name == "value" or (name == "type" and self._rows[index.row()]["kind"] == "phone"):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        name = self.HEADERS[index.column()]
        if name in ("consent", "opted_out"):
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if row[name] else Qt.CheckState.Unchecked
            return None
        if role in (DISPLAY, Qt.ItemDataRole.EditRole):
            if name == "kind":
                return tr("Phone") if row["kind"] == "phone" else tr("E-mail")
            if name == "type":
                return (
                    {"mobile": tr("Mobile"), "home": tr("Home"), "work": tr("Work")}.get(
                        row["type"], row["type"]
                    )
                    if role == DISPLAY
                    else row["type"]
                )
            return row[name]
        error = self._errors.get(index.row())
        if error is not None and name == "value":
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(theme.BAD_BG[theme.current()]))
            if role == Qt.ItemDataRole.ToolTipRole:
                return pick(error)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.row() >= len(self._rows):
            return False
        name = self.HEADERS[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and name in ("consent", "opted_out"):
            row[name] = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole and name == "value":
            row["value"] = str(value)
            self._errors.pop(index.row(), None)
        elif (
            role == Qt.ItemDataRole.EditRole
            and name == "type"
            and str(value) in ("mobile", "home", "work")
        ):
            row["type"] = str(value)
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        self.edited.emit()
        return True


class ScheduleModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[ScheduleLine] = []

    def set_lines(self, lines: Sequence[ScheduleLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY or orientation != Qt.Orientation.Horizontal or not 0 <= section < 3:
            return None
        return (tr("No."), tr("Due"), tr("Amount"))[section]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        line = self._lines[index.row()]
        if role == DISPLAY:
            return (str(line.number), line.due.isoformat(), line.amount.format())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class NeedsAttentionModel(QAbstractTableModel):
    """Sync results a person must look at: what, why, and what the agent can do."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, str]] = []

    def set_items(self, items: Sequence[dict[str, str]]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY or orientation != Qt.Orientation.Horizontal or not 0 <= section < 3:
            return None
        return (tr("What"), tr("Why"), tr("What you can do"))[section]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            item = self._items[index.row()]
            return (item.get("what", ""), item.get("why", ""), item.get("action", ""))[
                index.column()
            ]
        return None
