"""What the customer does on the portal, each an ordinary event recorded through the one write
path (``facts.record``) as the portal's system user, with ``via: portal``, so the desk,
the queue, the KPIs and the rules treat it like a fact a desk pushed.

Each function checks its inputs first and raises ``Invalid`` (field -> message key) before
anything is written; ``facts.Refusal`` from the write path is raised as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.compliance import default_policy
from workstation.contract.events import (
    ComplaintPayload,
    ContactAttemptPayload,
    DisputePayload,
    FlagChangePayload,
    PromisePayload,
)
from workstation.contract.mutations import EventCreate
from workstation.domain.enums import Channel, CustomerFlag, Direction, EventType, Role
from workstation.domain.model import new_id
from workstation.errors import WorkstationError
from workstation.server import facts
from workstation.server.deps import AppState, Principal, audit
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, CustomerRow, User
from workstation.server.review import item as review_item
from workstation.text import Text
from workstation.workflows.deadlines import pack_for_jurisdiction

PORTAL = "portal"
PORTAL_USER = "portal"
PROMISE_DAYS = 30
CALLBACK_DAYS = 14
HARDSHIP_REVIEW = "hardship_review"
COMPLAINT_CATEGORIES = ("staff_conduct", "contact_frequency", "amount", "other")
DISPUTE_REASONS = ("not_mine", "already_paid", "wrong_amount", "other")


class Invalid(WorkstationError):
    """What the customer typed cannot be used: ``fields`` maps each input to a message key."""

    summary = Text("Please correct the form", "请更正表单")

    def __init__(self, fields: dict[str, str], values: dict[str, Any] | None = None) -> None:
        super().__init__(", ".join(sorted(fields)))
        self.fields = fields
        self.values = values or {}


@dataclass(frozen=True, slots=True)
class Act:
    """One customer's action: where it is recorded and about whom."""

    state: AppState
    session: Session
    account: AccountRow
    customer: CustomerRow
    now: datetime
    language: str = "en"
    ip: str = ""


def portal_principal(session: Session) -> Principal:
    """The portal's system user (made on first use, in the caller's transaction, so events
    and promises name a recorder). It cannot sign in: inactive, no password."""
    user = session.scalar(select(User).where(User.username == PORTAL_USER))
    if user is None:
        user = User(
            id=new_id(),
            username=PORTAL_USER,
            display_name="Customer self-service portal",
            role=Role.INTEGRATION.value,
            team_id=None,
            password_hash="!",
            active=False,
            created_at=datetime.now(ZoneInfo("UTC")),
        )
        session.add(user)
        session.flush()
    return Principal(user.id, PORTAL_USER, Role.INTEGRATION, None, PORTAL)


def local_today(customer: CustomerRow, now: datetime) -> date:
    return now.astimezone(ZoneInfo(customer.timezone)).date()


def record(act: Act, kind: EventType, payload: Any) -> dict[str, Any]:
    """Record one event as the portal (inside the caller's transaction, which commits)."""
    session, account, now = act.session, act.account, act.now
    principal = portal_principal(session)
    create = EventCreate(
        id=new_id(), type=kind, account_id=account.id, occurred_at=now, payload=payload
    )
    with session.no_autoflush:
        result = facts.record(
            act.state,
            session,
            principal,
            create,
            skew_s=None,
            warnings=[],
            now=now,
            customer_self=True,
        )
    audit(
        session,
        principal,
        f"portal.{kind.value}",
        "event",
        create.id,
        {"account_id": account.id, "link_id": session.info.get("portal_link")},
        at=now,
    )
    return result


# --- inputs --------------------------------------------------------------------------------------


def amount_of(text: str, currency: str, most_minor: int) -> Decimal:
    from workstation.domain.money import Money, MoneyError

    try:
        money = Money.of(text.strip().replace(",", ""), currency)
    except (MoneyError, InvalidOperation, ValueError):
        raise Invalid({"amount": "bad_amount"}) from None
    if not money.is_positive() or money.minor > most_minor:
        raise Invalid({"amount": "bad_amount"})
    return money.amount


def day_of(text: str, first: date, last: date, field: str = "due_date") -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid({field: "bad_date"}) from None
    if not first <= day <= last:
        raise Invalid({field: "bad_date"})
    return day


# --- the actions ---------------------------------------------------------------------------------


def promise(act: Act, form: dict[str, str]) -> dict[str, Any]:
    account = act.account
    today = local_today(act.customer, act.now)
    errors: dict[str, str] = {}
    amount = due = None
    try:
        amount = amount_of(form.get("amount", ""), account.currency, account.balance_minor)
    except Invalid as exc:
        errors.update(exc.fields)
    try:
        due = day_of(form.get("due_date", ""), today, today + timedelta(days=PROMISE_DAYS))
    except Invalid as exc:
        errors.update(exc.fields)
    if errors or amount is None or due is None:
        raise Invalid(errors)
    payload = PromisePayload(amount=amount, currency=account.currency, due_date=due, via=PORTAL)
    record(act, EventType.PROMISE, payload)
    return {"amount": amount, "due": due}


@dataclass(frozen=True, slots=True)
class SlotVerdict:
    allowed: bool
    why: str
    suggestions: tuple[datetime, ...]  # the customer's local times


def judge_slot(
    session: Session, account: AccountRow, at: datetime, language: str, zone: ZoneInfo
) -> SlotVerdict:
    """May we phone the customer at ``at``? If not, why and the next allowed times."""
    loaded = load_for_decision(session, account.id)
    assert loaded is not None
    customer, domain_account, events = loaded
    policy = default_policy()
    decision = policy.decide(customer, domain_account, Channel.PHONE, at, events)
    if decision.allowed:
        return SlotVerdict(True, "", ())
    why = "; ".join(r.text(language) for r in decision.blocking)
    found: list[datetime] = []
    probe = decision.next_allowed_at or at + timedelta(hours=1)
    horizon = at + timedelta(days=CALLBACK_DAYS)
    for _ in range(48):
        if len(found) >= 3 or probe > horizon:
            break
        verdict = policy.decide(customer, domain_account, Channel.PHONE, probe, events)
        if verdict.allowed:
            found.append(probe.astimezone(zone))
            probe = probe + timedelta(hours=2)
        else:
            probe = verdict.next_allowed_at or probe + timedelta(hours=1)
    return SlotVerdict(False, why, tuple(found))


def slot_of(form: dict[str, str], customer: CustomerRow, now: datetime) -> datetime:
    zone = ZoneInfo(customer.timezone)
    today = local_today(customer, now)
    day = day_of(form.get("day", ""), today, today + timedelta(days=CALLBACK_DAYS), "day")
    try:
        hour, minute = (int(part) for part in form.get("time", "").strip().split(":")[:2])
        moment = datetime.combine(day, time(hour, minute), zone)
    except ValueError:
        raise Invalid({"time": "bad_slot"}) from None
    if moment <= now:
        raise Invalid({"time": "bad_slot"})
    return moment


def callback(act: Act, form: dict[str, str]) -> SlotVerdict | datetime:
    """Record the callback request when the slot is allowed; else the verdict (nothing kept)."""
    moment = slot_of(form, act.customer, act.now)
    zone = ZoneInfo(act.customer.timezone)
    verdict = judge_slot(act.session, act.account, moment, act.language, zone)
    if not verdict.allowed:
        return verdict
    payload = ContactAttemptPayload(
        channel=Channel.PHONE,
        disposition="CB",
        direction=Direction.INBOUND,
        callback_at=moment,
        notes="The customer asked for a call on the self-service page",
        via=PORTAL,
    )
    record(act, EventType.CONTACT_ATTEMPT, payload)
    return moment


def hardship_days(customer: CustomerRow) -> int:
    pack = pack_for_jurisdiction(customer.jurisdiction)
    if pack is not None:
        for hold in pack.holds:
            if hold.flag is CustomerFlag.HARDSHIP and hold.duration_days:
                return hold.duration_days
    return 30


def hardship(act: Act, form: dict[str, str]) -> int:
    """The pack's hardship pause (the flag) and a review task for the account's owner."""
    details = form.get("details", "").strip()
    if not details or len(details) > 2000:
        raise Invalid({"details": "bad_details"})
    account, today = act.account, local_today(act.customer, act.now)
    payload = FlagChangePayload(
        flag=CustomerFlag.HARDSHIP, value=True, since=today, details=details, via=PORTAL
    )
    result = record(act, EventType.FLAG_CHANGE, payload)
    days = hardship_days(act.customer)
    act.session.add(
        review_item(
            HARDSHIP_REVIEW,
            Text(
                "The customer reported financial difficulty on the self-service page: review "
                f"it within the {days}-day hardship pause",
                f"客户在自助页面报告了经济困难：请在{days}天的困难暂停期内复核",
            ),
            act.now,
            account_id=account.id,
            customer_id=account.customer_id,
            event_id=str(result["event_id"]),
            team_id=account.team_id,
            assignee_id=account.owner_id,
            detail={"due_on": (today + timedelta(days=days)).isoformat(), "via": PORTAL},
        )
    )
    return days


def complaint(act: Act, form: dict[str, str]) -> tuple[str, date | None]:
    """A complaint registered by the complaints workflow: its reference and deadline."""
    from workstation.server.complaints.models import ComplaintRow

    category = form.get("category", "")
    details = form.get("details", "").strip()
    errors: dict[str, str] = {}
    if category not in COMPLAINT_CATEGORIES:
        errors["category"] = "bad_choice"
    if not details or len(details) > 2000:
        errors["details"] = "bad_details"
    if errors:
        raise Invalid(errors)
    payload = ComplaintPayload(category=category, details=details, received_via=PORTAL)
    result = record(act, EventType.COMPLAINT, payload)
    row = act.session.get(ComplaintRow, str(result["event_id"]))
    return str(result.get("complaint_reference") or ""), row.due_on if row else None


def dispute_reference(event_id: str) -> str:
    return "DP-" + "".join(c for c in event_id if c.isalnum())[-8:].upper()


def dispute(act: Act, form: dict[str, str]) -> str:
    """A dispute (the disputes workflow holds collection until it is checked)."""
    reason = form.get("reason", "")
    details = form.get("details", "").strip()
    errors: dict[str, str] = {}
    if reason not in DISPUTE_REASONS:
        errors["reason"] = "bad_choice"
    if len(details) > 2000:
        errors["details"] = "bad_details"
    if errors:
        raise Invalid(errors)
    payload = DisputePayload(reason=reason, details=details or None, via=PORTAL)
    result = record(act, EventType.DISPUTE, payload)
    return dispute_reference(str(result["event_id"]))


def opt_out(act: Act, form: dict[str, str], contacts: dict[str, str]) -> list[str]:
    """Stop SMS and/or e-mail: an opt-out outcome per channel (the effects table marks the
    phone or e-mail opted out, as a desk's OPTOUT does). ``contacts``: channel -> record id."""
    chosen: list[str] = [
        ch for ch in ("sms", "email") if form.get(f"stop_{ch}") == "on" and ch in contacts
    ]
    if not chosen:
        raise Invalid({"stop_sms": "bad_choice"})
    for channel in chosen:
        payload = ContactAttemptPayload(
            channel=Channel(channel),
            disposition="OPTOUT",
            direction=Direction.INBOUND,
            address_used=contacts[channel],
            notes="The customer opted out on the self-service page",
            via=PORTAL,
        )
        record(act, EventType.CONTACT_ATTEMPT, payload)
    return chosen
