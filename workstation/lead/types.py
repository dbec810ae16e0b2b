"""Plain, typed views of the team-lead API's answers (parsed once, on the worker thread)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workstation.domain import Money
from workstation.queue.tasks import StrategyTask, parse_task
from workstation.text import Text


def _money_map(raw: Mapping[str, Any] | None) -> dict[str, Money]:
    return {str(c): Money.of(str(v), str(c)) for c, v in (raw or {}).items() if v is not None}


def _when(text: Any) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(str(text))


def _ratio(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


@dataclass(frozen=True, slots=True)
class TodayWork:
    attempts: int
    right_party_contacts: int
    promises: int
    collected: dict[str, Money]  # confirmed money (the bank's), the only money recovered
    reported: dict[str, Money] = field(default_factory=dict)  # reported, unconfirmed


@dataclass(frozen=True, slots=True)
class AgentSummary:
    user_id: str
    username: str
    display_name: str
    role: str
    accounts: int
    balances: dict[str, Money]
    online: bool
    last_seen_at: datetime | None
    last_sync_at: datetime | None
    outbox_pending: int
    today: TodayWork

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def balance_minor(self) -> int:
        """Sum of minor units across currencies (for sorting; never shown as money)."""
        return sum(m.minor for m in self.balances.values())

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> AgentSummary:
        today = raw.get("today") or {}
        return cls(
            user_id=str(raw["user_id"]),
            username=str(raw["username"]),
            display_name=str(raw.get("display_name") or ""),
            role=str(raw.get("role") or ""),
            accounts=int(raw.get("accounts") or 0),
            balances=_money_map(raw.get("balances")),
            online=bool(raw.get("online")),
            last_seen_at=_when(raw.get("last_seen_at")),
            last_sync_at=_when(raw.get("last_sync_at")),
            outbox_pending=int(raw.get("outbox_pending") or 0),
            today=TodayWork(
                attempts=int(today.get("attempts") or 0),
                right_party_contacts=int(today.get("right_party_contacts") or 0),
                promises=int(today.get("promises") or 0),
                collected=_money_map(today.get("collected")),
                reported=_money_map(today.get("reported")),
            ),
        )


@dataclass(frozen=True, slots=True)
class TeamOverview:
    team_id: str
    agents: tuple[AgentSummary, ...]
    unassigned: int

    def agent(self, user_id: str) -> AgentSummary | None:
        return next((a for a in self.agents if a.user_id == user_id), None)

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> TeamOverview:
        return cls(
            team_id=str(raw["team_id"]),
            agents=tuple(AgentSummary.from_wire(a) for a in raw.get("agents") or ()),
            unassigned=int(raw.get("unassigned") or 0),
        )


@dataclass(frozen=True, slots=True)
class AccountFilter:
    owner_id: str | None = None
    bucket: str | None = None
    risk_tier: str | None = None
    status: str | None = None
    jurisdiction: str | None = None
    segment: str | None = None  # able_willing, able_unwilling, unable_willing, unable_unwilling
    standing_task: bool = False  # only accounts with a strategy task standing

    def params(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("owner_id", self.owner_id),
                ("bucket", self.bucket),
                ("risk_tier", self.risk_tier),
                ("status", self.status),
                ("jurisdiction", self.jurisdiction),
                ("segment", self.segment),
                ("standing_task", "true" if self.standing_task else None),
            )
            if v
        }


@dataclass(frozen=True, slots=True)
class TeamAccount:
    account_id: str
    customer_id: str
    owner_id: str | None
    owner: str | None
    balance: Money
    past_due: Money
    days_past_due: int
    bucket: str
    status: str
    risk_tier: str | None
    product: str
    customer_name: str = ""
    segment: str | None = None
    # the strategy task standing on the account (raised by the daily run, not yet cleared)
    task: StrategyTask | None = None

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any], task: Any = None) -> TeamAccount:
        """An explorer row; ``task``: the page's ``tasks`` entry for it, if any."""
        from workstation.domain.enums import Bucket

        currency = str(raw.get("currency") or "CNY")
        dpd = int(raw.get("days_past_due") or 0)
        return cls(
            account_id=str(raw["id"]),
            customer_id=str(raw.get("customer_id") or ""),
            owner_id=raw.get("owner_id"),
            owner=raw.get("owner"),
            balance=Money.of(str(raw.get("balance") or "0"), currency),
            past_due=Money.of(str(raw.get("past_due") or "0"), currency),
            days_past_due=dpd,
            bucket=str(raw.get("bucket") or Bucket.for_days(dpd).value),
            status=str(raw.get("status") or ""),
            risk_tier=raw.get("risk_tier"),
            product=str(raw.get("product") or ""),
            segment=raw.get("segment"),
            task=parse_task(task),
        )


@dataclass(frozen=True, slots=True)
class AccountsPage:
    accounts: tuple[TeamAccount, ...]
    total: int | None  # counted on the first page only, up to the server's bound
    next_cursor: str | None  # where the next page starts; None after the last
    total_capped: bool = False  # more than ``total`` match (the count stopped: "10,000+")


@dataclass(frozen=True, slots=True)
class Move:
    account_id: str
    from_user_id: str | None
    from_username: str | None
    to_user_id: str
    to_username: str | None
    balance: Money | None


@dataclass(frozen=True, slots=True)
class ReassignResult:
    """What a reassignment moves (dry run) or moved (confirmed by the server)."""

    dry_run: bool
    moves: tuple[Move, ...]
    count: int
    per_agent: dict[str, tuple[int, int]]  # user id → (in, out)
    batch_id: str | None
    # (account id, to user id, pack) of moves to an agent not certified for the account's
    # jurisdiction: the server moves them only with a reason
    uncertified: tuple[tuple[str, str, str], ...] = ()

    @property
    def account_ids(self) -> frozenset[str]:
        return frozenset(m.account_id for m in self.moves)

    def same_moves(self, other: ReassignResult) -> bool:
        return {(m.account_id, m.to_user_id) for m in self.moves} == {
            (m.account_id, m.to_user_id) for m in other.moves
        }

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> ReassignResult:
        moves = tuple(
            Move(
                account_id=str(m["account_id"]),
                from_user_id=m.get("from_user_id"),
                from_username=m.get("from_username"),
                to_user_id=str(m["to_user_id"]),
                to_username=m.get("to_username"),
                balance=Money.of(str(m["balance"]), str(m["currency"]))
                if m.get("balance") is not None
                else None,
            )
            for m in raw.get("moves") or ()
        )
        summary = raw.get("summary") or {}
        per_agent = {
            str(uid): (int(v.get("in", 0)), int(v.get("out", 0)))
            for uid, v in (summary.get("per_agent") or {}).items()
        }
        return cls(
            dry_run=bool(raw.get("dry_run")),
            moves=moves,
            count=int(summary.get("count", len(moves))),
            per_agent=per_agent,
            batch_id=raw.get("batch_id"),
            uncertified=tuple(
                (str(u["account_id"]), str(u["to_user_id"]), str(u["pack"]))
                for u in raw.get("uncertified") or ()
            ),
        )


@dataclass(frozen=True, slots=True)
class ReviewItem:
    id: str
    kind: str  # fact_after_reassignment | contact_conflict | compliance_override | …
    account_id: str | None
    customer_id: str | None
    event_id: str | None
    assignee_id: str | None
    from_user_id: str | None
    summary: str
    detail: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    summary_zh: str = ""  # "" from an older server, or for an item made before it was kept

    @property
    def said(self) -> Text:
        """The summary in both languages (the English where no Chinese was kept)."""
        return Text(self.summary, self.summary_zh)

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> ReviewItem:
        created = _when(raw.get("created_at"))
        assert created is not None
        return cls(
            id=str(raw["id"]),
            kind=str(raw.get("kind") or ""),
            account_id=raw.get("account_id"),
            customer_id=raw.get("customer_id"),
            event_id=raw.get("event_id"),
            assignee_id=raw.get("assignee_id"),
            from_user_id=raw.get("from_user_id"),
            summary=str(raw.get("summary") or ""),
            detail=dict(raw.get("detail") or {}),
            created_at=created,
            acknowledged_at=_when(raw.get("acknowledged_at")),
            summary_zh=str(raw.get("summary_zh") or ""),
        )

    @property
    def can_accept_other_value(self) -> bool:
        """An open contact-detail conflict whose detail names the field and both values
        (older servers sent no ``path``; the action is then not offered)."""
        return (
            self.kind == "contact_conflict"
            and self.acknowledged_at is None
            and bool(self.detail.get("path"))
            and "client_value" in self.detail
        )

    @property
    def conflict_path(self) -> str:
        return str(self.detail.get("path") or self.detail.get("field") or "")

    @property
    def server_value(self) -> Any:
        return self.detail.get("server_value")

    @property
    def client_value(self) -> Any:
        return self.detail.get("client_value")


@dataclass(frozen=True, slots=True)
class KpiBlock:
    kpis: dict[str, Decimal | None]
    recovery_by_currency: dict[str, Decimal | None]
    counts: dict[str, Any]

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> KpiBlock:
        return cls(
            kpis={str(k): _ratio(v) for k, v in (raw.get("kpis") or {}).items()},
            recovery_by_currency={
                str(k): _ratio(v) for k, v in (raw.get("recovery_by_currency") or {}).items()
            },
            counts=dict(raw.get("counts") or {}),
        )

    @property
    def reported_unconfirmed(self) -> dict[str, Money]:
        """Money agents reported that no bank payment has confirmed: beside recovery, not in it."""
        return _money_map(self.counts.get("reported_unconfirmed"))


@dataclass(frozen=True, slots=True)
class AgentKpis:
    user_id: str
    username: str
    display_name: str
    block: KpiBlock

    @property
    def name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True, slots=True)
class WeekKpis:
    week_start: date
    block: KpiBlock


@dataclass(frozen=True, slots=True)
class KpiReport:
    team_id: str
    date_from: date
    date_to: date
    team: KpiBlock
    agents: tuple[AgentKpis, ...]
    weeks: tuple[WeekKpis, ...] = field(default=())

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> KpiReport:
        return cls(
            team_id=str(raw["team_id"]),
            date_from=date.fromisoformat(str(raw["from"])),
            date_to=date.fromisoformat(str(raw["to"])),
            team=KpiBlock.from_wire(raw["team"]),
            agents=tuple(
                AgentKpis(
                    str(a["user_id"]),
                    str(a["username"]),
                    str(a.get("display_name") or ""),
                    KpiBlock.from_wire(a),
                )
                for a in raw.get("agents") or ()
            ),
            weeks=tuple(
                WeekKpis(date.fromisoformat(str(w["week_start"])), KpiBlock.from_wire(w))
                for w in raw.get("weeks") or ()
            ),
        )
