"""A repayment plan's states and the transitions between them, as a table (STYLE 15).

A plan is ``active`` from its agreement. The daily run moves it to ``broken`` (the policy's
number of instalments missed at once) or ``completed`` (every instalment covered), writing a
``plan_status`` event; an agent or lead cancels it (the ``plan.cancel`` mutation). Broken,
completed and cancelled are final: a new arrangement is a new agreement. What the account's
status becomes with each transition is in the table too: a broken or cancelled plan returns
the account to ``open``; a completed one leaves it to the money (an account paid off is
already ``paid``; one with something still owed goes back to ``open``). The server and the
tests read this table; nothing else decides whether a plan may move.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workstation.domain.enums import AccountStatus, EventType
from workstation.errors import WorkstationError
from workstation.text import Text


class PlanState(StrEnum):
    ACTIVE = "active"
    BROKEN = "broken"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Transition:
    by: str  # who may make it
    event: EventType | None  # the event the server writes for it (None: the mutation's own)
    account_becomes: AccountStatus  # from ``plan``; a closed account keeps its status


TRANSITIONS: dict[tuple[PlanState, PlanState], Transition] = {
    (PlanState.ACTIVE, PlanState.BROKEN): Transition(
        "the daily run", EventType.PLAN_STATUS, AccountStatus.OPEN
    ),
    (PlanState.ACTIVE, PlanState.COMPLETED): Transition(
        "the daily run", EventType.PLAN_STATUS, AccountStatus.OPEN
    ),
    (PlanState.ACTIVE, PlanState.CANCELLED): Transition(
        "an agent or lead (plan.cancel)", None, AccountStatus.OPEN
    ),
}


class PlanTransitionError(WorkstationError, ValueError):
    """A plan asked to move where the table does not allow."""

    summary = Text("This plan cannot change that way", "该还款计划不能如此变更")


def transition(current: str, target: PlanState) -> Transition:
    """The table's entry for moving a plan from ``current`` to ``target``, or a refusal."""
    try:
        state = PlanState(current)
    except ValueError:
        raise PlanTransitionError(f"unknown plan state {current!r}") from None
    found = TRANSITIONS.get((state, target))
    if found is None:
        raise PlanTransitionError(
            f"a {state.value} plan cannot become {target.value}",
            zh=f"状态为 {state.value} 的计划不能变为 {target.value}",
        )
    return found
