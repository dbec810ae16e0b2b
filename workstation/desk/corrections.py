"""Voids at the desk: the agent corrects a wrongly logged record from the timeline with a
``void`` event naming it and why (``workflows.voids`` decides who may void what; the server
checks it again). ``voided_by`` tells the timeline which records a void struck out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from workstation.desk.types import AccountView, Changes, DeskError, ValidationError
from workstation.domain.enums import EventType
from workstation.domain.model import Event, first_naming
from workstation.text import Text
from workstation.workflows.deadlines import local_day
from workstation.workflows.voids import void_refusal

if TYPE_CHECKING:
    from workstation.desk.service import DeskService


class VoidRefused(DeskError):
    """The record may not be voided here (the message says why and who may)."""


def voided_by(events: Iterable[Event]) -> dict[str, Event]:
    """Each voided record's id → the void that struck it out (the first one)."""
    return first_naming(events, EventType.VOID)


def may_void(desk: DeskService, view: AccountView, event: Event, now: datetime) -> Text | None:
    """Why the desk's user may not void ``event`` now (None: they may)."""
    zone = view.customer.timezone
    return void_refusal(
        role=desk.role,
        user_id=desk.user,
        target_type=str(event.type),
        target_recorded_by_id=event.recorded_by,  # the desk knows users by name
        target_payload=dict(event.payload),
        recorded_on=local_day(event.occurred_at, zone),
        today=local_day(now, zone),
        already_voided=event.id in voided_by(view.events),
    )


def void(
    desk: DeskService, view: AccountView, event_id: str, reason: str, now: datetime | None = None
) -> Changes:
    now = now or desk.clock()
    event = next((e for e in view.events if e.id == event_id), None)
    if event is None:
        raise VoidRefused(Text("That record is not on this account", "该记录不在此账户上"))
    why = may_void(desk, view, event, now)
    if why is not None:
        raise VoidRefused(why)
    if not reason.strip():
        raise ValidationError({"reason": Text("Say why the record is voided", "请填写作废原因")})
    payload = {"target_event_id": event.id, "reason": reason.strip()}
    return desk.record_fact(view, EventType.VOID, payload, now)
