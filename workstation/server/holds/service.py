"""Holds on the server: the vulnerability review the lead owes, and lifting a hold by its
lifting event (``workstation.workflows.holds``: who may, what it is called, why).

A lift is a ``flag_change`` clearing the flag (``reason`` = the lifting event's code,
``details`` = the person's words), written with the effects table (the flag leaves the
customer; the last of bankrupt / deceased / fraud review reopens a held account) and a new
version for the customer and the account, so every device hears of it; it is audited with
the user and the reason. Lifting the vulnerability review closes its review item.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.contract import effects
from workstation.domain.enums import CustomerFlag, EventType
from workstation.server.deps import Principal, audit
from workstation.server.domain_rows import customer_of
from workstation.server.errors import ApiError
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow, ReviewItem
from workstation.server.review import item as review_item
from workstation.server.versioning import allocate
from workstation.server.workflows.events import Author, Sink
from workstation.text import Text
from workstation.workflows import holds
from workstation.workflows.deadlines import add_period, local_day, pack_for_jurisdiction

REVIEW_KIND = "vulnerability_review"


def open_review(session: Session, customer_id: str) -> ReviewItem | None:
    found: ReviewItem | None = session.scalar(
        select(ReviewItem).where(
            ReviewItem.kind == REVIEW_KIND,
            ReviewItem.customer_id == customer_id,
            ReviewItem.acknowledged_at.is_(None),
        )
    )
    return found


def ensure_review(
    session: Session, account: AccountRow, customer: CustomerRow, event_id: str, at: datetime
) -> ReviewItem | None:
    """A review item for the lead while the customer's vulnerability review is pending
    (one at a time), due as the pack says (``[reviews] vulnerability``)."""
    if CustomerFlag.VULNERABILITY_REVIEW.value not in (customer.flags or []):
        return None
    if open_review(session, customer.id) is not None:
        return None
    pack = pack_for_jurisdiction(customer.jurisdiction)
    today = local_day(at, customer.timezone)
    period = pack.vulnerability_review if pack is not None else None
    due: date | None = add_period(today, period, pack.calendar) if period and pack else None
    item = review_item(
        REVIEW_KIND,
        Text(
            "Review the customer recorded as vulnerable"
            + (f" by {due.isoformat()}" if due else "")
            + ": until then the pack's rules for vulnerable customers apply",
            "请复核被记录为弱势的客户"
            + (f"（{due.isoformat()}前）" if due else "")
            + "：在此之前适用规则包对弱势客户的规定",
        ),
        at,
        account_id=account.id,
        customer_id=customer.id,
        event_id=event_id,
        team_id=account.team_id,
        assignee_id=None,
        detail={"due_on": due.isoformat() if due else None, "recorded_on": today.isoformat()},
    )
    session.add(item)
    return item


def lift(
    session: Session,
    principal: Principal,
    account_id: str,
    flag: CustomerFlag,
    *,
    details: str,
    at: datetime,
) -> EventRow:
    """Lift the hold of ``flag`` on the customer of ``account_id`` for ``principal`` (an
    ``ApiError`` when they may not, or when nothing is held)."""
    rule = holds.BY_FLAG.get(flag)
    if rule is None:
        raise ApiError(422, "invalid_request", f"{flag.value} is not a hold")
    why = holds.lift_refusal(flag, principal.role, rule.lifting_event, details)
    if why is not None:
        status = 422 if principal.role in rule.lift_roles else 403
        raise ApiError(status, "hold_lift_refused" if status == 422 else "forbidden", why.en)
    account = session.get(AccountRow, account_id, with_for_update=True)
    assert account is not None  # the router checked the caller's scope
    customer = session.get(CustomerRow, account.customer_id, with_for_update=True)
    assert customer is not None
    if flag.value not in (customer.flags or []):
        raise ApiError(409, "not_held", f"the customer has no {flag.value} hold to lift")
    payload: dict[str, Any] = {
        "flag": flag.value,
        "value": False,
        "reason": rule.lifting_event,
        "details": details.strip(),
    }
    sink = Sink(Author(principal.username, principal.user_id, principal.device_id), at)
    event = sink(session, account, EventType.FLAG_CHANGE, payload)
    contacts = list(
        session.scalars(select(ContactRow).where(ContactRow.customer_id == customer.id))
    )
    fx = effects(event, account, customer_of(customer, contacts))
    customer.flags = sorted(fx.flags(customer.flags or []))
    customer.version = allocate(session, 1)
    if fx.status is not None:
        account.status = fx.status.value
        sink.touch(session, account)
    if flag is CustomerFlag.VULNERABILITY_REVIEW:
        item = open_review(session, customer.id)
        if item is not None:
            item.acknowledged_at = at
            item.acknowledged_by = principal.user_id
            item.detail = {**(item.detail or {}), "resolution": {"review_done": details.strip()}}
    audit(
        session,
        principal,
        "hold.lift",
        "customer",
        customer.id,
        {
            "flag": flag.value,
            "reason": rule.lifting_event,
            "details": details.strip(),
            "account_id": account.id,
            "event_id": event.id,
        },
    )
    return event


def close_review_if_lifted(
    session: Session, customer: CustomerRow, principal: Principal, at: datetime
) -> None:
    """The review is done once its flag is gone (lifted from a desk by a lead)."""
    if CustomerFlag.VULNERABILITY_REVIEW.value in (customer.flags or []):
        return
    item = open_review(session, customer.id)
    if item is not None:
        item.acknowledged_at = at
        item.acknowledged_by = principal.user_id
