"""What the workflows do with a fact a device pushes, in the push's own transaction.

``facts.record`` calls ``refusal`` before it writes anything (a device records a complaint
or a dispute, never a step of its workflow; a hold is lifted only by someone whose role may
lift it) and ``after_event`` once the event is written (a new complaint is registered: its
reference, owner and deadlines; a disputed account gets its workflow row).

A service above the write path adds its own step to a desk's conversation with
``on_conversation`` (the portal's satisfaction survey) and ``facts.record`` runs the steps
through ``after_conversation``: the write path names no service above it (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from workstation.contract.events import (
    ApprovalPayload,
    ComplaintPayload,
    ContactAttemptPayload,
    DisputePayload,
    FlagChangePayload,
    PlanAgreementPayload,
    VoidPayload,
)
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import ApprovalStatus, ComplaintStatus, DisputeStatus
from workstation.server.approvals import service as approvals
from workstation.server.complaints.workflow import register
from workstation.server.deps import Principal, audit
from workstation.server.disputes.workflow import register as register_dispute
from workstation.server.holds.service import close_review_if_lifted, ensure_review
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.workflows import voids
from workstation.server.workflows.events import Author, Sink
from workstation.workflows import holds

# what only the backend writes on a complaint (its steps)
_COMPLAINT_STEP_FIELDS = (
    "complaint_id",
    "step",
    "reference",
    "owner_id",
    "acknowledge_by",
    "summary_by",
    "approver_id",
    "outcome",
    "root_cause",
    "redress",
    "resolution",
    "remedy",
)
_DISPUTE_STEP_FIELDS = ("dispute_id", "step", "resume_on", "adjustment", "close_account")


@dataclass(frozen=True, slots=True)
class Conversation:
    """A contact attempt a desk recorded, in the push's transaction: what a step is given."""

    state: Any  # the server's AppState
    session: Session
    account: AccountRow
    row: EventRow
    typed: ContactAttemptPayload
    now: datetime


ConversationStep = Callable[[Conversation], object]
_conversation_steps: list[ConversationStep] = []


def on_conversation(step: ConversationStep) -> None:
    """Run ``step`` after every contact attempt a desk records (once, however often asked)."""
    if step not in _conversation_steps:
        _conversation_steps.append(step)


def after_conversation(
    state: Any,
    session: Session,
    account: AccountRow,
    row: EventRow,
    typed: ContactAttemptPayload,
    *,
    now: datetime,
) -> None:
    """The registered steps for a contact attempt a desk recorded (not the customer's own)."""
    conversation = Conversation(state, session, account, row, typed, now)
    for step in _conversation_steps:
        step(conversation)


def refusal(
    session: Session, principal: Principal, account: AccountRow, typed: object
) -> tuple[str, str] | None:
    """``(reason, message)`` when the workflows refuse this pushed payload, else None."""
    if isinstance(typed, FlagChangePayload):
        return _flag_refusal(principal, typed)
    if isinstance(typed, VoidPayload):
        return voids.refusal(session, principal, account, typed, datetime.now(UTC))
    if isinstance(typed, ApprovalPayload) and (
        typed.request_id is not None
        or typed.status not in (None, ApprovalStatus.REQUESTED)
        or typed.reason is not None
    ):
        return (
            "approval_answer_not_from_device",
            "the team lead answers a request in the console; a device records the request only",
        )
    if isinstance(typed, PlanAgreementPayload):
        return approvals.plan_refusal(session, account, typed)
    if isinstance(typed, ComplaintPayload):
        steps = [name for name in _COMPLAINT_STEP_FIELDS if getattr(typed, name) is not None]
        if steps or typed.status not in (None, ComplaintStatus.OPEN, ComplaintStatus.RECEIVED):
            return (
                "complaint_step_not_from_device",
                "a complaint moves through its workflow on the backend (the lead's console); "
                "a device records the complaint itself only",
            )
    if isinstance(typed, DisputePayload):
        steps = [name for name in _DISPUTE_STEP_FIELDS if getattr(typed, name) is not None]
        if steps or typed.status not in (None, DisputeStatus.PENDING_VALIDATION):
            return (
                "dispute_step_not_from_device",
                "a dispute moves through its workflow on the backend (validation, resume, "
                "uphold); a device records the dispute itself only",
            )
    return None


def after_event(
    session: Session,
    principal: Principal,
    account: AccountRow,
    row: EventRow,
    typed: object,
    *,
    now: datetime,
) -> dict[str, Any]:
    """The workflow work an accepted event starts; what the push's answer should add."""
    if isinstance(typed, VoidPayload):
        voids.undo(session, principal, account, row, now)
    if isinstance(typed, ApprovalPayload):
        approvals.register(session, account, row, typed)
    if isinstance(typed, FlagChangePayload) and typed.flag in holds.BY_FLAG:
        action = "hold.place" if typed.value else "hold.lift"
        detail = {
            "flag": typed.flag.value,
            "reason": typed.reason,
            "details": typed.details,
            "account_id": account.id,
            "event_id": row.id,
        }
        audit(session, principal, action, "customer", account.customer_id, detail)
    if isinstance(typed, (ContactAttemptPayload, FlagChangePayload)):
        customer = session.get(CustomerRow, account.customer_id)
        if customer is not None:
            if isinstance(typed, FlagChangePayload) and not typed.value:
                close_review_if_lifted(session, customer, principal, now)
            ensure_review(session, account, customer, row.id, now)
    if isinstance(typed, DisputePayload) and typed.dispute_id is None:
        register_dispute(session, account, row, typed.reason)
    if isinstance(typed, ContactAttemptPayload) and typed.dispute_reason:
        disposition = default_catalogue().get(typed.disposition)
        if disposition is not None and "dispute" in disposition.sets:
            register_dispute(session, account, row, typed.dispute_reason)
    if isinstance(typed, ComplaintPayload) and typed.complaint_id is None:
        author = Author("workflows", None, None)
        complaint = register(session, account, row, Sink(author, now, mode="push"))
        return {"complaint_reference": complaint.reference}
    return {}


def _flag_refusal(principal: Principal, change: FlagChangePayload) -> tuple[str, str] | None:
    if not change.value:
        why = holds.lift_refusal(change.flag, principal.role, change.reason, change.details)
        return None if why is None else ("hold_lift_refused", why.en)
    # placing: the role only (the desk offers breathing space only where the pack has it;
    # a flag the pack does not hold is a recorded fact, not a hold)
    why = holds.place_refusal(change.flag, principal.role)
    return None if why is None else ("hold_place_refused", why.en)
