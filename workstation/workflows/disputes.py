"""A dispute's states and the steps between them, as a table (STYLE 15).

A dispute is **pending validation** from the moment the customer contests the debt (a
desk's ``dispute`` event; the account becomes ``dispute`` and collection stops). Where the
pack requires a validation notice (US, Regulation F) the team's lead **sends the
validation** — the notice PDF with the itemisation — and collection **resumes** by itself
once the pack's wait is over (the daily run; the contact engine already allows contact from
that day). Where it does not, the lead **resumes** it after investigating. Either way the
lead may find the customer right and **uphold** it: the account is adjusted (an amount
taken off the balance) or closed. Every step is a ``dispute`` event naming the dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from workstation.compliance.packs import DisputeRules
from workstation.domain.enums import DisputeStatus
from workstation.errors import WorkstationError
from workstation.text import Text

State = DisputeStatus


class Step(StrEnum):
    SEND_VALIDATION = "send_validation"
    RESUME = "resume"
    UPHOLD = "uphold"


class Actor(StrEnum):
    DAILY_RUN = "daily_run"  # the wait is over
    TEAM_LEAD = "team_lead"


@dataclass(frozen=True, slots=True)
class Transition:
    step: Step
    sources: frozenset[State]
    target: State
    actors: frozenset[Actor]
    label: Text


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Step.SEND_VALIDATION,
        frozenset({State.PENDING_VALIDATION}),
        State.VALIDATION_SENT,
        frozenset({Actor.TEAM_LEAD}),
        Text("Send the validation notice", "发送核实通知"),
    ),
    Transition(
        Step.RESUME,
        frozenset({State.PENDING_VALIDATION, State.VALIDATION_SENT}),
        State.RESUMED,
        frozenset({Actor.TEAM_LEAD, Actor.DAILY_RUN}),
        Text("Resume collection", "恢复催收"),
    ),
    Transition(
        Step.UPHOLD,
        frozenset({State.PENDING_VALIDATION, State.VALIDATION_SENT}),
        State.UPHELD,
        frozenset({Actor.TEAM_LEAD}),
        Text("Uphold: adjust or close the account", "异议成立：调整或关闭账户"),
    ),
)
BY_STEP = {t.step: t for t in TRANSITIONS}


class DisputeStepError(WorkstationError):
    """A dispute step the table, the pack or the input does not allow; ``code`` says which
    (``not_allowed``, ``wrong_state``, ``invalid``), ``field`` the input at fault."""

    summary = Text("This dispute cannot take that step", "该争议无法执行此操作")

    def __init__(self, text: Text, *, code: str, field: str | None = None) -> None:
        super().__init__(text)
        self.code = code
        self.field = field


def state_of(status: str | None) -> State:
    if not status:
        return State.PENDING_VALIDATION
    state = State(status)
    return State.RESUMED if state is State.RESOLVED else state


def transition(
    state: State,
    step: Step,
    actor: Actor,
    rules: DisputeRules,
    *,
    note: str = "",
    adjustment: Decimal | None = None,
    close_account: bool = False,
) -> Transition:
    """The table's step from ``state`` for ``actor`` under the pack's ``rules``, or a refusal."""
    found = BY_STEP[step]
    if actor not in found.actors:
        raise DisputeStepError(
            Text("Only the team lead may take this step", "只有团队主管可以执行此操作"),
            code="not_allowed",
        )
    if state not in found.sources:
        raise DisputeStepError(
            Text(
                f"A dispute that is {state.value} cannot {step.value}",
                f"状态为 {state.value} 的争议不能执行“{found.label.zh}”",
            ),
            code="wrong_state",
        )
    if step is Step.SEND_VALIDATION and not rules.validation_notice:
        raise DisputeStepError(
            Text(
                "This customer's rule pack has no validation notice: resume or uphold instead",
                "该客户适用的规则包没有核实通知：请直接恢复催收或认定异议成立",
            ),
            code="invalid",
        )
    if step is Step.RESUME and actor is Actor.TEAM_LEAD:
        if rules.validation_notice:
            raise DisputeStepError(
                Text(
                    "Under this rule pack collection resumes by itself once the validation "
                    "notice is sent and its wait is over",
                    "依据该规则包，发出核实通知且等待期届满后将自动恢复催收",
                ),
                code="invalid",
            )
        if not note.strip():
            raise DisputeStepError(
                Text("Say why collection resumes", "请填写恢复催收的原因"),
                code="invalid",
                field="note",
            )
    if step is Step.UPHOLD:
        if not note.strip():
            raise DisputeStepError(
                Text("Say what was found", "请填写核查结论"), code="invalid", field="note"
            )
        if (adjustment is None or adjustment <= 0) and not close_account:
            raise DisputeStepError(
                Text(
                    "An upheld dispute adjusts the balance (an amount) or closes the account",
                    "异议成立时须调减余额（填写金额）或关闭账户",
                ),
                code="invalid",
                field="adjustment",
            )
    return found
