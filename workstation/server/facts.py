"""``event.create``: a fact pushed by a device, recorded with its effects in ONE transaction.

Events are facts: accepted even when the account was reassigned away from the sender since,
as long as they happened while the account was the sender's (then a review item goes to the
new owner and the team lead). What a former owner may no longer do (issue 20, item 3): record
anything that happened after the move, void an event, change a flag or lift a hold.

The effects table (``workstation.contract.effects``) is applied here, in the transaction that
accepts the event: flags, the account's status, opted-out and invalid phones and e-mails,
each with a new version so every device hears of it on its next pull.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import Session

from workstation.contract import Effects, effects, encode, touches_customer
from workstation.contract.effects import lifts_hold
from workstation.contract.events import (
    ContactAttemptPayload,
    PaymentPayload,
    PlanAgreementPayload,
    PromisePayload,
    VisitPayload,
    VoidPayload,
)
from workstation.contract.mutations import EventCreate
from workstation.domain.enums import (
    AccountStatus,
    EventType,
    PaymentSource,
    PromiseStatus,
    Role,
)
from workstation.errors import WorkstationError
from workstation.server.deps import AppState, Principal, audit
from workstation.server.domain_rows import customer_of
from workstation.server.lifecycle import reported
from workstation.server.models import (
    AccountRow,
    Assignment,
    ContactRow,
    CustomerRow,
    Device,
    EventRow,
    PlanRow,
    PromiseRow,
    Removal,
    ReviewItem,
)
from workstation.server.review import event_words
from workstation.server.review import item as review_item
from workstation.server.sync_read import in_scope
from workstation.server.validation import columns_of
from workstation.server.versioning import VersionRef, Versions, versions
from workstation.server.workflows import hooks as workflow_hooks
from workstation.text import Text


class Refusal(WorkstationError):
    """The fact is refused (a stored ``rejected`` answer with this reason)."""

    summary = Text("The backend refused this record", "服务器拒绝了这条记录")

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _moved_away_at(session: Session, principal: Principal, account: AccountRow) -> datetime | None:
    """When the account last left the sender's scope (None: it never was theirs)."""
    if principal.is_collector:
        cond = Assignment.from_user_id == principal.user_id
    elif principal.role == Role.LEAD and principal.team_id:
        cond = Assignment.from_team_id == principal.team_id
    else:
        return None
    found: datetime | None = session.scalar(
        select(func.max(Assignment.at)).where(Assignment.account_id == account.id, cond)
    )
    return found


def check_former_owner(
    state: AppState,
    session: Session,
    principal: Principal,
    *,
    account: AccountRow,
    event: EventCreate,
    skew_s: int | None,
) -> bool:
    """True when the sender writes as a former owner (a fact to flag); raise ``Refusal``
    when they may not write it; False when the account is theirs.

    A former owner's fact counts when it happened before the move, or when their device
    has not pulled since the move (offline work recorded before it could know), within the
    change retention (a device away longer must download everything again anyway)."""
    if in_scope(principal, account):
        return False
    moved_at = _moved_away_at(session, principal, account)
    if moved_at is None:
        raise Refusal("account_not_found", "no such account in your portfolio")
    if event.type in (EventType.VOID, EventType.FLAG_CHANGE) or lifts_hold(event.payload):
        raise Refusal(
            "no_longer_yours",
            f"the account was reassigned; a {event.type.value.replace('_', ' ')} on it is "
            "for its new owner to record",
        )
    # the device's clock says when it happened; its skew (device time - server time at the
    # push) puts that on the server's clock, so a slow clock cannot date a fact back
    happened = event.occurred_at - timedelta(seconds=skew_s or 0)
    moved = _utc(moved_at)
    if happened <= moved:
        return True
    told = _told_of_move(session, principal, account, moved)
    if not told and happened <= moved + state.settings.change_retention:
        return True
    raise Refusal(
        "no_longer_yours",
        "the account was reassigned before this happened; record it on an account of yours",
    )


def _told_of_move(
    session: Session, principal: Principal, account: AccountRow, moved: datetime
) -> bool:
    """Whether the sending device has heard that the account left it.

    A device that reports its change cursor (``X-Sync-Cursor``) has heard when the cursor is
    at or past the removal's version: it applied the page that named it. Serving that page
    proves nothing (the answer can be lost on the way, and the laptop still shows the
    account as the collector's). Without a cursor (another client), the device's last pull
    noted after the move counts."""
    if principal.cursor is not None:
        mine = (
            Removal.user_id == principal.user_id
            if principal.is_collector
            else Removal.team_id == principal.team_id
        )
        removed: int | None = session.scalar(
            select(func.max(Removal.version)).where(Removal.entity_id == account.id, mine)
        )
        if removed is not None:
            return principal.cursor >= removed
    device = session.get(Device, principal.device_id)
    last_pull = device.last_sync_at if device is not None else None
    return last_pull is not None and _utc(last_pull) >= moved


def _utc(moment: datetime) -> datetime:
    # SQLite hands stored instants back naive (they are UTC), PostgreSQL aware
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- recording -------------------------------------------------------------------------------


def record(
    state: AppState,
    session: Session,
    principal: Principal,
    event: EventCreate,
    *,
    skew_s: int | None,
    warnings: list[str],
    now: datetime,
    customer_self: bool = False,
    optimistic: bool = False,
) -> dict[str, Any]:
    """Write the event, its rows (promise, plan) and its effects; the push result.

    ``customer_self``: the customer writes on their own account through the portal (the
    signed link and the one-time code named it); no portfolio applies.

    ``optimistic``: skip looking up an event with this id (a round trip and an ORM load per
    event, 13 % of a push's time): one recorded before collides on the events' primary key
    at the commit (``IntegrityError``), and the caller tries again without ``optimistic``,
    which answers ``event_already_recorded`` or ``event_id_conflict``.

    Raises ``Refusal`` for a business rejection (nothing of it is written)."""
    # ``customer`` is held for the steps below: the session's identity map keeps only weak
    # references, and an unreferenced row would be gone before they look for it
    account, customer_held = _locked_account(session, event.account_id)
    if account is None:
        raise Refusal("account_not_found", "no such account in your portfolio")
    former = not customer_self and check_former_owner(
        state, session, principal, account=account, event=event, skew_s=skew_s
    )
    payload = encode(event.payload)  # the canonical wire form: what every device receives
    kind = event.type
    existing = None if optimistic else session.get(EventRow, event.id)
    if existing is not None:
        if (
            existing.account_id == account.id
            and existing.type == kind.value
            and existing.payload == payload
        ):
            warnings.append("event_already_recorded")
            return {"event_id": existing.id, "server_version": existing.server_version}
        raise Refusal("event_id_conflict", "an event with this id but other content exists")
    columns = columns_of(event.payload)
    typed = event.payload
    if (
        kind in (EventType.PROMISE, EventType.PLAN_AGREEMENT)
        and AccountStatus(account.status).is_closed
    ):
        raise Refusal(
            "account_closed",
            f"the account is {account.status}; a {kind.value.replace('_', ' ')} cannot be "
            "recorded on a closed account",
        )
    if columns.currency is not None and columns.currency != account.currency:
        raise Refusal(
            "currency_mismatch",
            f"the account is in {account.currency}, the {kind.value} is in {columns.currency}",
        )
    if isinstance(typed, PaymentPayload) and typed.source is PaymentSource.CONFIRMED:
        raise Refusal(
            "confirmed_payment_server_only",
            "only the bank confirms payments (payment file or POST /api/v1/payments); "
            "record it as 'reported'",
        )
    workflow_refusal = workflow_hooks.refusal(session, principal, account, typed)
    if workflow_refusal is not None:
        raise Refusal(*workflow_refusal)
    target: EventRow | None = None
    if isinstance(typed, VoidPayload):
        target = session.get(EventRow, typed.target_event_id)
        if target is None or target.account_id != account.id:
            raise Refusal("void_target_not_found", "the event to void is not on this account")
        if target.type == EventType.PAYMENT.value:
            refused = reported.void_payment(session, target.id)
            if refused is not None:
                raise Refusal("confirmed_payment_not_voidable", refused)
    row = EventRow(
        id=event.id,
        type=kind.value,
        account_id=account.id,
        customer_id=account.customer_id,
        occurred_at=event.occurred_at,
        received_at=now,
        recorded_by=principal.username,
        recorded_by_id=principal.user_id,
        device_id=principal.device_id,
        payload=payload,
        disposition=columns.disposition,
        amount_minor=columns.amount_minor,
        currency=columns.currency,
        score=columns.score,
        clock_skew_s=skew_s if warnings else None,
    )
    account_changed = False
    if isinstance(typed, PromisePayload):
        session.add(
            PromiseRow(
                event_id=event.id,
                account_id=account.id,
                recorded_by_id=principal.user_id,
                amount_minor=columns.amount_minor,
                currency=columns.currency,
                made_at=event.occurred_at,
                due_date=typed.due_date,
                status=PromiseStatus.OPEN.value,
            )
        )
        account_changed = True
    elif isinstance(typed, PlanAgreementPayload):
        session.add(
            PlanRow(event_id=event.id, account_id=account.id, status="active", changed_at=now)
        )
        account_changed = True
    elif target is not None and target.type == EventType.PROMISE.value:
        promise = session.get(PromiseRow, target.id)
        if promise is not None and promise.status == PromiseStatus.OPEN.value:
            promise.status = PromiseStatus.CANCELLED.value
            promise.decided_at = now
            promise.reason = "voided"
            account_changed = True
    fx, customer, contacts = _apply(session, account, row)
    account_changed = account_changed or fx.account
    review = _review(
        principal, account=account, kind=kind, typed=typed, event=event, former=former, now=now
    )
    if review is not None:
        session.add(review)
    if isinstance(typed, ContactAttemptPayload) and typed.disclosures_missing:
        # a right-party call without every required disclosure: the agent said why; it is
        # audited here and the weekly QA sample takes the call (server.quality.sampling)
        audit(
            session,
            principal,
            "disclosures.not_given",
            "event",
            event.id,
            {
                "account_id": account.id,
                "missing": list(typed.disclosures_missing),
                "reason": typed.disclosures_reason or "",
            },
            at=now,
        )
    session.add(row)
    if kind == EventType.PAYMENT:  # reported: booked, moves nothing, decides no promise
        flagged = reported.book_reported(session, row, account, payload, now)
        if flagged is not None:
            warnings.append("reported_payment_over_balance: flagged for review, not counted")
    workflow = workflow_hooks.after_event(session, principal, account, row, typed, now=now)
    if isinstance(typed, ContactAttemptPayload) and not customer_self:
        workflow_hooks.after_conversation(state, session, account, row, typed, now=now)
    if kind == EventType.MESSAGE:  # a queued outbound message becomes a delivery job
        from workstation.server.messaging.delivery import enqueue

        enqueue(session, row, now)
    plan = versions(session)
    first = plan.reserve(session, 1 + int(account_changed) + int(customer is not None))
    plan.stamp_on_insert(session, row, {"server_version": first})
    nxt = first + 1
    if account_changed:
        plan.assign(account, "version", nxt)
        nxt += 1
    if customer is not None:
        _stamp_customer(plan, nxt, customer, contacts, fx)
    result: dict[str, Any] = {"event_id": event.id, "server_version": plan.wire(first)}
    if review is not None:
        result["review_item_id"] = review.id
    result.update(workflow)
    del customer_held  # held until the steps above had read it
    return result


def _locked_account(
    session: Session, account_id: str
) -> tuple[AccountRow | None, CustomerRow | None]:
    """The account, locked (``FOR UPDATE``), and its customer beside it, unlocked, in ONE
    round trip: the workflow steps after the event read the customer (a vulnerability
    review, a right-party call's survey) and find it in the session. A step that changes
    the customer still locks it itself (``_apply``)."""
    row = session.execute(_locked_account_statement(), {"account_id": account_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


@functools.cache
def _locked_account_statement() -> Any:
    """Built once with a bound ``account_id``: a push runs it for every event, and a new
    statement each time cost its construction and its cache key."""
    return (
        select(AccountRow, CustomerRow)
        .outerjoin(CustomerRow, CustomerRow.id == AccountRow.customer_id)
        .where(AccountRow.id == bindparam("account_id", type_=String))
        .with_for_update(of=AccountRow)
        .execution_options(populate_existing=True)
    )


def _apply(
    session: Session, account: AccountRow, row: EventRow
) -> tuple[Effects, CustomerRow | None, list[ContactRow]]:
    """Apply the effects table to the account and its customer (rows in this session).

    Returns the effects, the customer row when the customer changed, and the contact rows
    that changed (a flag alone changes none)."""
    customer_row: CustomerRow | None = None
    contact_rows: list[ContactRow] = []
    customer = None
    if touches_customer(row):
        customer_row = session.get(CustomerRow, account.customer_id, with_for_update=True)
        assert customer_row is not None
        contact_rows = list(
            session.scalars(select(ContactRow).where(ContactRow.customer_id == customer_row.id))
        )
        customer = customer_of(customer_row, contact_rows)
    fx = effects(row, account, customer)
    if fx.status is not None:
        account.status = fx.status.value
    if not fx.customer:
        return fx, None, []
    assert customer_row is not None
    if fx.set_flags or fx.clear_flags:
        customer_row.flags = sorted(fx.flags(customer_row.flags))
    changed: list[ContactRow] = []
    for contact in contact_rows:
        marks = {"opted_out": contact.id in fx.opt_out, "invalid": contact.id in fx.invalid}
        if any(marks.values()):
            contact.data = {**(contact.data or {}), **{k: True for k, v in marks.items() if v}}
            changed.append(contact)
    return fx, customer_row, changed


def _stamp_customer(
    plan: Versions,
    ref: VersionRef,
    customer: CustomerRow,
    contacts: list[ContactRow],
    fx: Effects,
) -> None:
    """The customer (and each contact record changed) get the version ``ref``; a contact
    field changed by an effect records it in ``field_versions``, so a device's older edit
    of that field is a conflict, not an overwrite."""
    field_versions = dict(customer.field_versions or {})
    for contact in contacts:
        plan.assign(contact, "version", ref)
        for name, ids in (("opted_out", fx.opt_out), ("invalid", fx.invalid)):
            if contact.id in ids:
                field_versions[f"{contact.kind}:{contact.id}.{name}"] = plan.wire(ref)
    if contacts:
        customer.field_versions = field_versions
        plan.json(customer, "field_versions")
    plan.assign(customer, "version", ref)


def _review(
    principal: Principal,
    *,
    account: AccountRow,
    kind: EventType,
    typed: Any,
    event: EventCreate,
    former: bool,
    now: datetime,
) -> ReviewItem | None:
    if former:
        return review_item(
            "fact_after_reassignment",
            Text(
                f"{principal.username} recorded a {event_words(kind.value).en} on an "
                "account no longer theirs",
                f"{principal.username}在已不归其负责的账户上记录了{event_words(kind.value).zh}",
            ),
            now,
            account_id=account.id,
            customer_id=account.customer_id,
            event_id=event.id,
            team_id=account.team_id,
            assignee_id=account.owner_id,
            from_user_id=principal.user_id,
            detail={"event_type": kind.value, "occurred_at": event.occurred_at.isoformat()},
        )
    if isinstance(typed, (ContactAttemptPayload, VisitPayload)) and typed.override_reason:
        # A visit is a contact too: one logged against a block (or missing the evidence the
        # pack asks for) reaches the lead like an overridden call.
        if isinstance(typed, VisitPayload):
            what: dict[str, Any] = {
                "disposition": None,
                "channel": "visit",
                "outcome": typed.outcome.value,
                "missing_evidence": None
                if typed.missing_evidence is None
                else list(typed.missing_evidence),
            }
        else:
            what = {
                "disposition": typed.disposition,
                "channel": typed.channel.value,
                "outcome": None,
                "missing_evidence": None,
            }
        return review_item(
            "compliance_override",
            Text(
                f"{principal.username} overrode a compliance block: {typed.override_reason}",
                f"{principal.username}越过了合规限制：{typed.override_reason}",
            ),
            now,
            account_id=account.id,
            customer_id=account.customer_id,
            event_id=event.id,
            team_id=account.team_id,
            assignee_id=None,
            from_user_id=principal.user_id,
            detail={"event_type": kind.value, **what},
        )
    return None
