"""Corrections as a table: who may void which event, and why not.

Nothing is edited in place (DESIGN §4): a wrongly logged outcome is corrected by a ``void``
event naming it, with a reason. An agent voids their own events on the day they recorded
them (the customer's day: on the server, the day it received the record — a fact may be
dated earlier by a laptop offline for days; at the desk, the day it was logged); the team's
lead voids any event on the team's accounts. The
backend's own facts (a workflow's step, a letter, the daily run's and the bank's money) are
never voided by a person, nor is a void itself; an event voided once is not voided again.
Everything that reads the history honours a void (the contact rules, promises, plans,
disputes, complaints, the KPIs) — see the server's ``workflows.hooks`` and the engine.
"""

from __future__ import annotations

from datetime import date

from workstation.domain.enums import EventType, Role
from workstation.text import Text

# what a person may void: the facts people record
VOIDABLE = frozenset(
    {
        EventType.CONTACT_ATTEMPT,
        EventType.PROMISE,
        EventType.PAYMENT,
        EventType.NOTE,
        EventType.VISIT,
        EventType.PLAN_AGREEMENT,
        EventType.COMPLAINT,
        EventType.DISPUTE,
        EventType.SATISFACTION,
        EventType.FLAG_CHANGE,
    }
)
# a workflow's step (it names the complaint or dispute it belongs to) is the backend's
_STEP_KEYS = ("complaint_id", "dispute_id", "step")


def void_refusal(
    *,
    role: Role,
    user_id: str,
    target_type: str,
    target_recorded_by_id: str | None,
    target_payload: dict[str, object],
    recorded_on: date,
    today: date,
    already_voided: bool,
) -> Text | None:
    """Why this void is refused (None: it may be recorded)."""
    if target_type == EventType.VOID:
        return Text("A void cannot be voided", "作废记录本身不能再作废")
    if already_voided:
        return Text("This event is already voided", "该记录已作废")
    if target_type not in VOIDABLE or any(target_payload.get(k) for k in _STEP_KEYS):
        return Text(
            "This is the backend's own record; it cannot be voided by hand",
            "这是系统自动生成的记录，不能手工作废",
        )
    if role == Role.LEAD:
        return None
    if target_recorded_by_id != user_id:
        return Text(
            "You may void only your own records (your team lead may void any)",
            "您只能作废自己的记录（组长可作废任何记录）",
        )
    if recorded_on != today:
        return Text(
            "Your own records can be voided on the day you recorded them; after that, ask "
            "your team lead",
            "自己的记录只能在当天作废；之后请联系组长",
        )
    return None
