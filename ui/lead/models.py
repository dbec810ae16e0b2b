"""Qt models of the lead's console: team, team accounts, moves, review items, KPIs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject

from ui import theme
from ui.field.table import Column, RowsModel
from ui.i18n import is_zh, language, pick, tr
from ui.labels import (
    bucket_text,
    channel_text,
    payment_method_text,
    product_text,
    status_text,
    task_text,
    visit_outcome_text,
)
from ui.lead.charts import format_value
from ui.lead.complaints import state_text as complaint_state_text
from ui.models import event_type_label
from workstation.domain import Money
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import EventType, Segment
from workstation.domain.returns import reason_words
from workstation.kpi import KPIS
from workstation.lead import AgentSummary, KpiBlock, Move, ReviewItem, TeamAccount
from workstation.queue.tasks import StrategyTask
from workstation.segments.words import SEGMENT, SHORT
from workstation.strategy.words import EXPERIMENT, arm_words


def _money_map(values: dict) -> str:  # type: ignore[type-arg]
    return " + ".join(m.format() for _c, m in sorted(values.items())) or "—"


def ago(when: datetime | None) -> str:
    if when is None:
        return tr("never")
    seconds = max(0, int((datetime.now(UTC) - when).total_seconds()))
    if seconds < 120:
        return tr("just now")
    if seconds < 7200:
        return tr("%1 min ago").replace("%1", str(seconds // 60))
    if seconds < 2 * 86400:
        return tr("%1 h ago").replace("%1", str(seconds // 3600))
    return tr("%1 days ago").replace("%1", str(seconds // 86400))


def role_text(role: str) -> str:
    return {"agent": tr("desk"), "field": tr("field"), "lead": tr("lead")}.get(role, role)


def _state(agent: AgentSummary) -> str:
    if agent.online:
        return "● " + tr("online")
    if agent.last_sync_at is None:  # "offline, synced never" was no English
        return "○ " + tr("offline, never synced")
    return "○ " + tr("offline, synced %1").replace("%1", ago(agent.last_sync_at))


def _backlog_colour(agent: AgentSummary) -> str | None:
    return theme.WARN_BG[theme.current()] if agent.outbox_pending else None


def team_columns() -> list[Column[AgentSummary]]:
    return [
        Column("name", lambda: tr("Agent"), lambda a: a.name, lambda a: a.name),
        Column("role", lambda: tr("Role"), lambda a: role_text(a.role), lambda a: a.role),
        Column("accounts", lambda: tr("Accounts"), lambda a: str(a.accounts),
               lambda a: a.accounts, align_right=True),
        Column("balance", lambda: tr("Balance held"), lambda a: _money_map(a.balances),
               lambda a: a.balance_minor(), align_right=True),
        Column("attempts", lambda: tr("Attempts today"), lambda a: str(a.today.attempts),
               lambda a: a.today.attempts, align_right=True),
        Column("rpc", lambda: tr("RPC today"), lambda a: str(a.today.right_party_contacts),
               lambda a: a.today.right_party_contacts, align_right=True),
        Column("ptp", lambda: tr("Promises today"), lambda a: str(a.today.promises),
               lambda a: a.today.promises, align_right=True),
        Column("collected", lambda: tr("Collected today"),
               lambda a: _money_map(a.today.collected),
               lambda a: sum(m.minor for m in a.today.collected.values()), align_right=True),
        Column("reported", lambda: tr("Reported today, unconfirmed"),
               lambda a: _money_map(a.today.reported),
               lambda a: sum(m.minor for m in a.today.reported.values()), align_right=True),
        Column("state", lambda: tr("Online / last sync"), _state,
               lambda a: (not a.online, -(a.last_sync_at.timestamp() if a.last_sync_at else 0)),
               foreground=lambda a: "#1a7f37" if a.online else None),
        Column("backlog", lambda: tr("Waiting to upload"), lambda a: str(a.outbox_pending),
               lambda a: a.outbox_pending, align_right=True, background=_backlog_colour),
    ]  # fmt: skip


class TeamModel(RowsModel[AgentSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(team_columns(), lambda a: a.user_id, parent)


def task_cell(task: StrategyTask | None) -> str:
    """The strategy task standing on an explorer row: what and the day it fell due."""
    if task is None:
        return ""
    return f"{task_text(task.task)} · {task.day.isoformat()}"


def task_tooltip(task: StrategyTask | None) -> str:
    """The step in words, the strategy that took it and, in an experiment, the arm."""
    if task is None:
        return ""
    lines = [pick(task.step), f"{pick(task.strategy)} ({task.strategy_id} · {task.step_id})"]
    if task.arm is not None:
        lines.append(f"{pick(EXPERIMENT)}: {pick(arm_words(task.arm))}")
    return "\n".join(lines)


def accounts_columns(owner_name: dict[str, str]) -> list[Column[TeamAccount]]:
    return [
        Column("account", lambda: tr("Account"), lambda a: "…" + a.account_id[-8:],
               lambda a: a.account_id, tooltip=lambda a: a.account_id),
        Column("customer", lambda: tr("Customer"), lambda a: a.customer_name or "—",
               lambda a: a.customer_name),
        Column("owner", lambda: tr("Agent"),
               lambda a: owner_name.get(a.owner_id or "", a.owner or "—"),
               lambda a: owner_name.get(a.owner_id or "", a.owner or "")),
        Column("balance", lambda: tr("Balance"), lambda a: a.balance.format(),
               lambda a: a.balance.minor, align_right=True),
        Column("dpd", lambda: tr("DPD"), lambda a: str(a.days_past_due),
               lambda a: a.days_past_due, align_right=True),
        Column("bucket", lambda: tr("Bucket"), lambda a: bucket_text(a.bucket),
               lambda a: a.days_past_due),
        Column("tier", lambda: tr("Tier"), lambda a: a.risk_tier or "—",
               lambda a: a.risk_tier or "Z"),
        Column("segment", lambda: pick(SEGMENT),
               lambda a: pick(SHORT[Segment(a.segment)]) if a.segment else "—",
               lambda a: a.segment or "~"),
        Column("status", lambda: tr("Status"), lambda a: status_text(a.status),
               lambda a: a.status),
        # the strategy task standing on the account; rows without one sort last
        Column("task", lambda: tr("Task"), lambda a: task_cell(a.task),
               lambda a: (0, a.task.day.isoformat(), a.task.task) if a.task else (1, "", ""),
               tooltip=lambda a: task_tooltip(a.task)),
        Column("product", lambda: tr("Product"), lambda a: product_text(a.product),
               lambda a: a.product),
    ]  # fmt: skip


class TeamAccountsModel(RowsModel[TeamAccount]):
    def __init__(self, parent: QObject | None = None) -> None:
        self.owner_name: dict[str, str] = {}
        super().__init__(
            accounts_columns(self.owner_name),
            lambda a: a.account_id,
            parent,
            drag_accounts=lambda a: a.account_id,
        )

    def set_owner_names(self, names: dict[str, str]) -> None:
        self.owner_name.clear()
        self.owner_name.update(names)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 2))


def moves_columns(customer: dict[str, str], names: dict[str, str]) -> list[Column[Move]]:
    return [
        Column("account", lambda: tr("Account"), lambda m: "…" + m.account_id[-8:],
               lambda m: m.account_id, tooltip=lambda m: m.account_id),
        Column("customer", lambda: tr("Customer"), lambda m: customer.get(m.account_id, "—"),
               lambda m: customer.get(m.account_id, "")),
        Column("from", lambda: tr("From"),
               lambda m: names.get(m.from_user_id or "", m.from_username or "—"),
               lambda m: names.get(m.from_user_id or "", m.from_username or "")),
        Column("to", lambda: tr("To"),
               lambda m: names.get(m.to_user_id, m.to_username or m.to_user_id),
               lambda m: names.get(m.to_user_id, m.to_username or "")),
        Column("balance", lambda: tr("Balance"),
               lambda m: m.balance.format() if m.balance else "—",
               lambda m: m.balance.minor if m.balance else 0, align_right=True),
    ]  # fmt: skip


class MovesModel(RowsModel[Move]):
    def __init__(self, parent: QObject | None = None) -> None:
        self.customer: dict[str, str] = {}
        self.names: dict[str, str] = {}
        super().__init__(moves_columns(self.customer, self.names), lambda m: m.account_id, parent)


# Every kind the server raises (workstation/server: ``review.item``'s first argument), in
# words; tests/ui/test_review_kinds.py collects the server's kinds and checks each is here.
REVIEW_KINDS = {
    "fact_after_reassignment": lambda: tr("Recorded after reassignment"),
    "contact_conflict": lambda: tr("Contact details conflict"),
    "compliance_override": lambda: tr("Compliance override"),
    "field_referral": lambda: tr("Send to the field"),
    "owner_left_team": lambda: tr("Owner left the team"),
    "lifecycle_error": lambda: tr("Daily run failed"),
    "complaint_overdue": lambda: tr("Complaint deadline missed"),
    "approval_request": lambda: tr("Approval requested"),
    "vulnerability_review": lambda: tr("Vulnerable customer review"),
    "hardship_review": lambda: tr("Hardship reported"),
    "reported_payment_unmatched": lambda: tr("Reported payment not matched"),
    "reported_payment_over_balance": lambda: tr("Reported payment over balance"),
    "payment_returned": lambda: tr("Payment returned"),
}


def review_kind(kind: str) -> str:
    """A review item's kind in words; a kind this desk does not know yet (a newer server's)
    reads as its code in words ("some_new_kind" → "Some new kind"), never as a crash."""
    label = REVIEW_KINDS.get(kind)
    if label is not None:
        return label()
    return kind.replace("_", " ").strip().capitalize() or "—"


def is_internal_key(key: str) -> bool:
    """A detail that is an internal id (``field_collector_id``, ``account_ids``): it says
    nothing to the lead, who reads the people and accounts named in the summary."""
    return key.endswith(("_id", "_ids"))


# Every detail the server's review items carry (workstation/server: ``detail={...}``), in
# words; a key this desk does not know reads as its code in words ("new_key" → "New key").
DETAIL_KEYS = {
    # a contact conflict
    "entity": lambda: tr("Record"),
    "field": lambda: tr("Field"),
    "path": lambda: tr("Where"),
    "server_value": lambda: tr("On the server"),
    "client_value": lambda: tr("On the device"),
    "base_version": lambda: tr("Version edited"),
    "server_field_version": lambda: tr("Server's version"),
    # an approval request
    "kind": lambda: tr("Kind"),
    "total": lambda: tr("Total"),
    "currency": lambda: tr("Currency"),
    "instalments": lambda: tr("Instalments"),
    "terms": lambda: tr("Terms"),
    "policy_breached": lambda: tr("Outside policy"),
    "justification": lambda: tr("Justification"),
    "balance": lambda: tr("Balance"),
    "days_past_due": lambda: tr("Days past due"),
    # holds, hardship, complaints, the daily run
    "due_on": lambda: tr("Due on"),
    "recorded_on": lambda: tr("Recorded on"),
    "via": lambda: tr("Via"),
    "reference": lambda: tr("Reference"),
    "deadline": lambda: tr("Deadline"),
    "status": lambda: tr("Status"),
    "day": lambda: tr("Day"),
    "job": lambda: tr("Job"),
    "error": lambda: tr("Error"),
    # a record made late or against a block
    "event_type": lambda: tr("Record"),
    "occurred_at": lambda: tr("Happened at"),
    "disposition": lambda: tr("Outcome"),
    "channel": lambda: tr("Channel"),
    "outcome": lambda: tr("Visit outcome"),
    "missing_evidence": lambda: tr("Missing evidence"),
    # a referral to the field
    "strategy": lambda: tr("Strategy"),
    "step": lambda: tr("Step"),
    "arm": lambda: tr("Experiment arm"),
    # payments: returned, reported
    "payment_ref": lambda: tr("Payment reference"),
    "return_reason": lambda: tr("Bank's reason"),
    "reason": lambda: tr("Reason"),
    "amount": lambda: tr("Amount"),
    "reopened": lambda: tr("Reopened"),
    "paid_on": lambda: tr("Paid on"),
    "method": lambda: tr("Paid by"),
}

# details that are amounts of the item's ``currency`` (sent as "1200.00")
_MONEY_KEYS = frozenset({"amount", "balance", "total"})


def detail_key_text(key: str) -> str:
    """A detail's name in words; an unknown key as its code with spaces ("new_key" → "New
    key"), never raw."""
    label = DETAIL_KEYS.get(key)
    if label is not None:
        return label()
    return key.replace("_", " ").strip().capitalize() or "—"


def _detail_value(key: str, value: Any, currency: str | None) -> str:
    """A detail's value as the rest of the console shows it: amounts with their currency,
    instants in local time, yes / no, codes the desk has words for in words."""
    if value is None or value in ("", [], {}):
        return "—"
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, list):
        return ", ".join(_detail_value(key, v, currency) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{detail_key_text(str(k))} {_detail_value(str(k), v, currency)}"
            for k, v in value.items()
        )
    text = str(value)
    if key in _MONEY_KEYS and currency:
        try:
            return Money.of(text, currency).format()
        except (ValueError, ArithmeticError):
            return text
    words = _VALUE_WORDS.get(key)
    return words(text) if words is not None else text


def _local_instant(text: str) -> str:
    try:
        return datetime.fromisoformat(text).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def _disposition_text(code: str) -> str:
    found = default_catalogue().get(code)
    return found.label(language()) if found is not None else code


def _event_type_text(code: str) -> str:
    try:
        return event_type_label(EventType(code))
    except ValueError:
        return code


def _deadline_text(code: str) -> str:
    """Which complaint deadline was missed (``workstation.server.complaints.overdue``)."""
    return {"acknowledge": tr("Acknowledgement"), "final": tr("Final response")}.get(code, code)


# details whose value is a code the desk has words for, or an instant
_VALUE_WORDS: dict[str, Callable[[str], str]] = {
    "occurred_at": _local_instant,
    "deadline": _deadline_text,
    "status": complaint_state_text,  # only a complaint's detail has a status
    "arm": lambda arm: pick(arm_words(arm)),
    "channel": channel_text,
    "method": payment_method_text,
    "disposition": _disposition_text,
    "outcome": visit_outcome_text,
    "event_type": _event_type_text,
    "return_reason": lambda code: pick(reason_words(code)),
}


def review_details(item: ReviewItem) -> list[str]:
    """The details pane's lines after the kind and summary, each detail in words: its name
    (``DETAIL_KEYS``) and its value as the console formats it. Internal ids are left out
    (actions still read those from ``item.detail``), and the currency where the amounts
    already show it."""
    detail = item.detail
    currency = detail.get("currency") if isinstance(detail.get("currency"), str) else None
    shown_in_amounts = currency is not None and any(k in detail for k in _MONEY_KEYS)
    colon = "：" if is_zh() else ": "
    return [
        f"{detail_key_text(key)}{colon}{_detail_value(key, value, currency)}"
        for key, value in detail.items()
        if not is_internal_key(key) and not (key == "currency" and shown_in_amounts)
    ]


def review_columns(names: dict[str, str]) -> list[Column[ReviewItem]]:
    return [
        Column("when", lambda: tr("When"),
               lambda r: r.created_at.astimezone().strftime("%m-%d %H:%M"),
               lambda r: r.created_at),
        Column("kind", lambda: tr("What"), lambda r: review_kind(r.kind), lambda r: r.kind),
        Column("account", lambda: tr("Account"),
               lambda r: "…" + r.account_id[-8:] if r.account_id else "—",
               lambda r: r.account_id or "", tooltip=lambda r: r.account_id or ""),
        Column("from", lambda: tr("By"), lambda r: names.get(r.from_user_id or "", "—"),
               lambda r: names.get(r.from_user_id or "", "")),
        Column("owner", lambda: tr("Owner now"), lambda r: names.get(r.assignee_id or "", "—"),
               lambda r: names.get(r.assignee_id or "", "")),
        Column("summary", lambda: tr("What happened"), lambda r: pick(r.said),
               lambda r: pick(r.said), tooltip=lambda r: pick(r.said)),
    ]  # fmt: skip


class ReviewModel(RowsModel[ReviewItem]):
    def __init__(self, parent: QObject | None = None) -> None:
        self.names: dict[str, str] = {}
        super().__init__(review_columns(self.names), lambda r: r.id, parent)


class KpiRow:
    """One row of the KPI table: an agent or the team."""

    def __init__(self, key: str, name: str, block: KpiBlock, is_team: bool = False) -> None:
        self.key, self.name, self.block, self.is_team = key, name, block, is_team

    def value(self, kpi: str) -> float | None:
        value = self.block.kpis.get(kpi)
        return None if value is None else float(value)


def _kpi_text(row: KpiRow, key: str, unit: str) -> str:
    value = row.value(key)
    if value is None and key == "recovery_rate" and row.block.recovery_by_currency:
        return " · ".join(
            f"{currency} {format_value(None if v is None else float(v), unit)}"
            for currency, v in sorted(row.block.recovery_by_currency.items())
        )
    return format_value(value, unit)


def kpi_columns(language: str) -> list[Column[KpiRow]]:
    columns: list[Column[KpiRow]] = [
        Column("name", lambda: tr("Agent"),
               lambda r: ("Σ " if r.is_team else "") + r.name,
               lambda r: (r.is_team, r.name)),
    ]  # fmt: skip
    for definition in KPIS:
        columns.append(
            Column(
                definition.key,
                lambda d=definition: d.label(language),  # type: ignore[misc]
                lambda r, d=definition: _kpi_text(r, d.key, d.unit),  # type: ignore[misc]
                lambda r, d=definition: r.value(d.key),  # type: ignore[misc]
                align_right=True,
            )
        )
        if definition.key == "recovery_rate":  # beside recovery, never in it
            columns.append(
                Column(
                    "reported_unconfirmed",
                    lambda: tr("Reported, unconfirmed"),
                    lambda r: _money_map(r.block.reported_unconfirmed) or "—",
                    lambda r: sum(m.minor for m in r.block.reported_unconfirmed.values()),
                    align_right=True,
                )
            )
    columns.append(
        Column(
            "attempts",
            lambda: tr("Attempts"),
            lambda r: str(r.block.counts.get("attempts", "")),
            lambda r: r.block.counts.get("attempts", 0),
            align_right=True,
        )
    )
    return columns


class KpiModel(RowsModel[KpiRow]):
    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(kpi_columns(language), lambda r: r.key, parent)
