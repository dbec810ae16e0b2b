"""The lead's (and the desk's) typed client of the complaints API (``/api/v1/complaints``).

Plain values parsed once on the worker thread: ``Complaint`` (a row of the Complaints tab),
``ComplaintDetail`` (with its history and the steps the caller may take), ``ComplaintKpis``.
Blocking; call from the op runner, never the GUI thread. Steps are POSTs with a fresh
``Idempotency-Key``; a refusal arrives as ``ServerError`` whose body carries the message in
both languages and the fields at fault (``step_errors``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workstation.domain import Money
from workstation.errors import WorkstationError
from workstation.sync.errors import ServerError
from workstation.text import Text
from workstation.workflows.complaints import Step, StepInput
from workstation.workflows.deadlines import Urgency


def _day(text: Any) -> date | None:
    return date.fromisoformat(str(text)) if text else None


@dataclass(frozen=True, slots=True)
class Complaint:
    id: str
    reference: str
    account_id: str
    customer_id: str
    status: str
    category: str
    channel: str
    pack: str
    received_at: datetime
    received_on: date
    about_user_id: str | None
    agent_id: str | None
    owner_id: str | None
    acknowledge_by: date | None
    due_on: date
    next_deadline: str | None
    next_due_on: date | None
    urgency: Urgency
    age_days: int
    extensions: int
    outcome: str | None
    root_cause: str | None
    redress: Money | None
    resolved_on: date | None
    resolved_in_time: bool | None
    customer_name: str = ""
    owner_name: str = ""
    agent_name: str = ""
    about_name: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in ("received", "acknowledged", "investigating")

    @property
    def red(self) -> bool:
        """Due within two days or overdue: the tab shows it red."""
        return self.is_open and self.urgency in (Urgency.OVERDUE, Urgency.DUE_SOON)

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> Complaint:
        currency = str(raw.get("currency") or "")
        redress = raw.get("redress")
        return cls(
            id=str(raw["id"]),
            reference=str(raw["reference"]),
            account_id=str(raw["account_id"]),
            customer_id=str(raw["customer_id"]),
            status=str(raw["status"]),
            category=str(raw.get("category") or ""),
            channel=str(raw.get("channel") or ""),
            pack=str(raw.get("pack") or ""),
            received_at=datetime.fromisoformat(str(raw["received_at"])),
            received_on=date.fromisoformat(str(raw["received_on"])),
            about_user_id=raw.get("about_user_id"),
            agent_id=raw.get("agent_id"),
            owner_id=raw.get("owner_id"),
            acknowledge_by=_day(raw.get("acknowledge_by")),
            due_on=date.fromisoformat(str(raw["due_on"])),
            next_deadline=raw.get("next_deadline"),
            next_due_on=_day(raw.get("next_due_on")),
            urgency=Urgency(str(raw.get("urgency") or "on_time")),
            age_days=int(raw.get("age_days") or 0),
            extensions=int(raw.get("extensions") or 0),
            outcome=raw.get("outcome"),
            root_cause=raw.get("root_cause"),
            redress=Money.of(str(redress), currency) if redress else None,
            resolved_on=_day(raw.get("resolved_on")),
            resolved_in_time=raw.get("resolved_in_time"),
            customer_name=str(raw.get("customer_name") or ""),
            owner_name=str(raw.get("owner_name") or ""),
            agent_name=str(raw.get("agent_name") or ""),
            about_name=str(raw.get("about_name") or ""),
        )


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event of a complaint's history: its intake, a step, or a letter."""

    event_id: str
    type: str
    occurred_at: datetime
    recorded_by: str
    payload: dict[str, Any]

    @property
    def step(self) -> str:
        if self.type == "document":
            return "letter"
        return str(self.payload.get("step") or "intake")


@dataclass(frozen=True, slots=True)
class ComplaintDetail:
    complaint: Complaint
    history: tuple[HistoryEntry, ...]
    steps: tuple[Step, ...]
    extensions_left: int
    next_extension_needs_approval: bool = False
    handlers: tuple[Person, ...] = ()
    approvers: tuple[Person, ...] = ()

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> ComplaintDetail:
        def people(key: str) -> tuple[Person, ...]:
            return tuple(
                Person(str(p["user_id"]), str(p["name"]), str(p["role"]))
                for p in raw.get(key) or ()
            )

        return cls(
            complaint=Complaint.from_wire(raw["complaint"]),
            history=tuple(
                HistoryEntry(
                    str(e["id"]),
                    str(e["type"]),
                    datetime.fromisoformat(str(e["occurred_at"])),
                    str(e.get("recorded_by") or ""),
                    dict(e.get("payload") or {}),
                )
                for e in raw.get("history") or ()
            ),
            steps=tuple(Step(s["step"]) for s in raw.get("steps") or ()),
            extensions_left=int(raw.get("extensions_left") or 0),
            next_extension_needs_approval=bool(raw.get("next_extension_needs_approval")),
            handlers=people("handlers"),
            approvers=people("approvers"),
        )


@dataclass(frozen=True, slots=True)
class ComplaintKpiBlock:
    received: int
    resolved: int
    resolved_in_time: int
    in_time_share: Decimal | None
    upheld: int
    upheld_rate: Decimal | None
    open: int
    overdue: int
    top_root_causes: tuple[tuple[str, int], ...]

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> ComplaintKpiBlock:
        def ratio(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return cls(
            received=int(raw.get("received") or 0),
            resolved=int(raw.get("resolved") or 0),
            resolved_in_time=int(raw.get("resolved_in_time") or 0),
            in_time_share=ratio(raw.get("in_time_share")),
            upheld=int(raw.get("upheld") or 0),
            upheld_rate=ratio(raw.get("upheld_rate")),
            open=int(raw.get("open") or 0),
            overdue=int(raw.get("overdue") or 0),
            top_root_causes=tuple(
                (str(c["code"]), int(c["count"])) for c in raw.get("top_root_causes") or ()
            ),
        )


@dataclass(frozen=True, slots=True)
class ComplaintKpis:
    date_from: date
    date_to: date
    team: ComplaintKpiBlock
    agents: dict[str, ComplaintKpiBlock] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> ComplaintKpis:
        return cls(
            date.fromisoformat(str(raw["date_from"])),
            date.fromisoformat(str(raw["date_to"])),
            ComplaintKpiBlock.from_wire(raw["team"]),
            {
                str(a["user_id"]): ComplaintKpiBlock.from_wire(a["block"])
                for a in raw.get("agents") or ()
            },
        )


def shown(rows: list[Complaint], *, text: str = "", red_only: bool = False) -> list[Complaint]:
    """The tab's filter: by reference, customer or category typed, and red rows only."""
    needle = text.strip().casefold()
    return [
        c
        for c in rows
        if (not red_only or c.red)
        and (
            not needle
            or needle in c.reference.casefold()
            or needle in c.customer_name.casefold()
            or needle in c.category.casefold()
        )
    ]


def step_errors(body: Mapping[str, Any]) -> dict[str, Text]:
    """The fields a refused step names, each with its message in both languages."""
    raw = body.get("errors") or {}
    return {
        str(k): Text(str(v.get("en", "")), str(v.get("zh", "")))
        for k, v in raw.items()
        if isinstance(v, Mapping)
    }


class ComplaintRefused(WorkstationError):
    """The server refused a complaint step: its message in both languages, and the fields
    at fault (``errors``); nothing was changed."""

    summary = Text("The complaint step was refused", "投诉处理操作被拒绝")

    def __init__(self, error: ServerError) -> None:
        body = error.body
        en = str(body.get("message") or error)
        zh = str(body.get("message_zh") or "")
        super().__init__(Text(en, zh))
        self.status = error.status
        self.errors = step_errors(body)


class ComplaintsClient:
    """List, read, take and move complaints over the sync engine's ``ApiSession``."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def list(
        self, *, status: str = "open", owner_id: str | None = None, account_id: str | None = None
    ) -> list[Complaint]:
        params: dict[str, Any] = {"status": status, "limit": 2000}
        if owner_id:
            params["owner_id"] = owner_id
        if account_id:
            params["account_id"] = account_id
        raw = self.api.call("GET", "/api/v1/complaints", params=params)
        return [Complaint.from_wire(c) for c in raw.get("complaints") or ()]

    def detail(self, complaint_id: str) -> ComplaintDetail:
        return ComplaintDetail.from_wire(self.api.call("GET", f"/api/v1/complaints/{complaint_id}"))

    def kpis(self, date_from: date, date_to: date) -> ComplaintKpis:
        raw = self.api.call(
            "GET",
            "/api/v1/complaints/kpis",
            params={"from": date_from.isoformat(), "to": date_to.isoformat()},
        )
        return ComplaintKpis.from_wire(raw)

    def take(
        self, account_id: str, category: str, details: str, about_user_id: str | None = None
    ) -> Complaint:
        body: dict[str, Any] = {"account_id": account_id, "category": category, "details": details}
        if about_user_id:
            body["about_user_id"] = about_user_id
        try:
            raw = self.api.call(
                "POST", "/api/v1/complaints", body=body, idempotency_key=_key("take")
            )
        except ServerError as exc:
            raise ComplaintRefused(exc) from exc
        return Complaint.from_wire(raw)

    def step(self, complaint_id: str, step: Step, given: StepInput) -> Complaint:
        body: dict[str, Any] = {
            "owner_id": given.owner_id,
            "about_user_id": given.about_user_id,
            "reason": given.reason,
            "approver_id": given.approver_id,
            "outcome": given.outcome,
            "root_cause": given.root_cause,
            "resolution": given.resolution,
            "remedy": given.remedy,
        }
        if given.redress is not None:
            body["redress"] = str(given.redress)
        try:
            raw = self.api.call(
                "POST",
                f"/api/v1/complaints/{complaint_id}/{step.value}",
                body=body,
                idempotency_key=_key(f"complaint-{step.value}"),
            )
        except ServerError as exc:
            if exc.status in (403, 409, 422):
                raise ComplaintRefused(exc) from exc
            raise
        return Complaint.from_wire(raw["complaint"])


def _key(action: str) -> str:
    return f"lead-{action}-{uuid.uuid4().hex}"
