"""The QA review workflow as tables (STYLE 15): states, the allowed transitions, who may make
each, and the audit entry it writes. The server applies a transition only through
``allowed``; the desk enables its buttons from the same table; the tests walk it.

A **sample** (a conversation the weekly job picked) is ``open`` until a lead scores it, then
``reviewed``; a second lead may still score it — that second review is a *calibration*
review, shown beside the first, and does not count in the KPIs. A **review** is
``submitted`` until the agent whose call it is reads it and acknowledges it (optionally
with a reply).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workstation.domain.enums import Role
from workstation.errors import WorkstationError
from workstation.text import Text


class SampleState(StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"


class ReviewState(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"


class Actor(StrEnum):
    """Who, relative to the record, makes a transition."""

    TEAM_LEAD = "team_lead"  # a lead of the agent's team
    REVIEWED_AGENT = "reviewed_agent"  # the collector whose conversation it is


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: Actor
    audit: str  # the audit-log action the server writes with it
    label: Text

    def roles(self) -> frozenset[Role]:
        if self.actor is Actor.TEAM_LEAD:
            return frozenset({Role.LEAD})
        return frozenset({Role.AGENT, Role.FIELD})


SAMPLE_FLOW: tuple[Transition, ...] = (
    Transition(
        "score",
        (SampleState.OPEN, SampleState.REVIEWED),
        SampleState.REVIEWED,
        Actor.TEAM_LEAD,
        "qa.review",
        Text("Score with the rubric", "按评分表评分"),
    ),
)

REVIEW_FLOW: tuple[Transition, ...] = (
    Transition(
        "acknowledge",
        (ReviewState.SUBMITTED,),
        ReviewState.ACKNOWLEDGED,
        Actor.REVIEWED_AGENT,
        "qa.acknowledge",
        Text("Mark as read", "标记为已读"),
    ),
)


class WorkflowError(WorkstationError):
    """A transition the table does not allow from this state or for this person."""

    summary = Text("This step is not allowed now", "当前不允许此操作")

    def __init__(self, text: Text, *, code: str) -> None:
        super().__init__(text)
        self.code = code  # "not_allowed" (role) or "wrong_state"


def allowed(flow: tuple[Transition, ...], state: str, action: str, role: Role) -> Transition:
    """The transition ``action`` from ``state`` for ``role``, or ``WorkflowError``."""
    for transition in flow:
        if transition.action != action:
            continue
        if role not in transition.roles():
            raise WorkflowError(
                Text(f"Your role may not {action} this", "您的角色无权执行此操作"),
                code="not_allowed",
            )
        if state not in transition.sources:
            raise WorkflowError(
                Text(f"Cannot {action} from {state}", f"当前状态（{state}）下无法执行"),
                code="wrong_state",
            )
        return transition
    raise WorkflowError(Text(f"Unknown step {action}", "未知操作"), code="not_allowed")


def actions(flow: tuple[Transition, ...], state: str, role: Role) -> tuple[Transition, ...]:
    """What ``role`` may do from ``state`` (the desk's buttons)."""
    return tuple(t for t in flow if state in t.sources and role in t.roles())
