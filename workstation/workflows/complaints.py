"""A complaint's states and the steps between them, as a table (STYLE 15).

A complaint is **received** from any channel (a desk's ``complaint`` event, an inbound SMS or
e-mail naming a complaint keyword, the lead's console, the customer's portal). The backend
**registers** it at once: a reference (``CP-2027-000123``), the owner (the team's lead by
default, never the agent complained about) and the pack's deadlines. Its owner or the team's
lead then **acknowledges** it (the acknowledgement letter), **investigates**, may **extend**
the final deadline (with a reason, and an approver where the pack says so), **resolves** it
(outcome, root cause, redress if any: the final-response letter; the pack's complaint hold
lifts) and **closes** it. Only the team's lead **assigns** it to another handler.

Every step writes one ``complaint`` event naming the complaint (``complaint_id``) with the
state it leaves the complaint in (``status``) and the step (``step``), so devices hear of it
on their next pull and the history is the events. The server, the lead's console and the
tests read this table; nothing else decides whether a complaint may move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from workstation.compliance.packs import ComplaintRules, Extension
from workstation.domain.enums import ComplaintOutcome, ComplaintStatus
from workstation.errors import WorkstationError
from workstation.text import Text
from workstation.workflows.root_causes import root_causes

State = ComplaintStatus
OPEN_STATES = frozenset({State.RECEIVED, State.ACKNOWLEDGED, State.INVESTIGATING})


class Step(StrEnum):
    REGISTER = "register"
    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    INVESTIGATE = "investigate"
    EXTEND = "extend"
    RESOLVE = "resolve"
    CLOSE = "close"


class Actor(StrEnum):
    """Who, relative to the complaint, makes a step."""

    BACKEND = "backend"  # the server itself, at intake
    TEAM_LEAD = "team_lead"  # a lead of the account's team
    OWNER = "owner"  # the complaint's handler


class LetterKind(StrEnum):
    """The letters a step sends (rendered by ``workstation.documents``)."""

    ACKNOWLEDGEMENT = "complaint_acknowledgement"
    FINAL_RESPONSE = "complaint_final_response"


HANDLERS = frozenset({Actor.TEAM_LEAD, Actor.OWNER})


@dataclass(frozen=True, slots=True)
class Transition:
    step: Step
    sources: frozenset[State]
    target: State | None  # None: the complaint stays where it is
    actors: frozenset[Actor]
    requires: tuple[str, ...]  # what the step must be given (``StepInput`` fields)
    letter: LetterKind | None
    label: Text


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Step.REGISTER,
        frozenset({State.RECEIVED}),
        None,
        frozenset({Actor.BACKEND}),
        (),
        None,
        Text("Register", "登记"),
    ),
    Transition(
        Step.ASSIGN,
        OPEN_STATES,
        None,
        frozenset({Actor.TEAM_LEAD}),
        ("owner_id",),
        None,
        Text("Assign", "指派"),
    ),
    Transition(
        Step.ACKNOWLEDGE,
        frozenset({State.RECEIVED}),
        State.ACKNOWLEDGED,
        HANDLERS,
        (),
        LetterKind.ACKNOWLEDGEMENT,
        Text("Acknowledge", "确认受理"),
    ),
    Transition(
        Step.INVESTIGATE,
        frozenset({State.RECEIVED, State.ACKNOWLEDGED}),
        State.INVESTIGATING,
        HANDLERS,
        (),
        None,
        Text("Investigate", "开始调查"),
    ),
    Transition(
        Step.EXTEND,
        OPEN_STATES,
        None,
        HANDLERS,
        ("reason",),
        None,
        Text("Extend the deadline", "延长处理期限"),
    ),
    Transition(
        Step.RESOLVE,
        OPEN_STATES,
        State.RESOLVED,
        HANDLERS,
        ("outcome", "resolution"),
        LetterKind.FINAL_RESPONSE,
        Text("Resolve", "办结"),
    ),
    Transition(
        Step.CLOSE,
        frozenset({State.RESOLVED}),
        State.CLOSED,
        HANDLERS,
        (),
        None,
        Text("Close", "关闭"),
    ),
)
BY_STEP = {t.step: t for t in TRANSITIONS}


def state_of(status: str | None) -> State:
    """A payload's ``status`` as a state (a device's ``open``, or none, is ``received``)."""
    if not status or status == State.OPEN:
        return State.RECEIVED
    return State(status)


class ComplaintStepError(WorkstationError):
    """A step the table does not allow from this state or for this person."""

    summary = Text("This complaint cannot take that step now", "该投诉当前无法执行此操作")

    def __init__(self, text: Text, *, code: str) -> None:
        super().__init__(text)
        self.code = code  # "not_allowed" (who) or "wrong_state"


class ComplaintInputError(WorkstationError, ValueError):
    """A step given what it cannot take: every problem at once, field → message."""

    summary = Text("The complaint step is missing something", "投诉处理信息不完整")

    def __init__(self, errors: dict[str, Text]) -> None:
        first = next(iter(errors.values()))
        super().__init__(
            Text(
                "; ".join(f"{k}: {v.en}" for k, v in errors.items()),
                "；".join(v.zh for v in errors.values()) or first.zh,
            )
        )
        self.errors = errors


def transition(state: State, step: Step, actors: frozenset[Actor]) -> Transition:
    """The table's step ``step`` from ``state`` for someone who is ``actors``, or a refusal."""
    found = BY_STEP[step]
    if not (found.actors & actors):
        raise ComplaintStepError(
            Text(
                f"Only {' or '.join(a.value.replace('_', ' ') for a in sorted(found.actors))} "
                f"may {step.value} this complaint",
                "只有投诉处理人或团队主管可以执行此操作"
                if found.actors == HANDLERS
                else "只有团队主管可以执行此操作",
            ),
            code="not_allowed",
        )
    if state not in found.sources:
        raise ComplaintStepError(
            Text(
                f"A complaint that is {state.value} cannot {step.value}",
                f"状态为“{STATE_LABELS[state].zh}”的投诉不能执行“{found.label.zh}”",
            ),
            code="wrong_state",
        )
    return found


def steps_for(state: State, actors: frozenset[Actor]) -> tuple[Transition, ...]:
    """What someone who is ``actors`` may do from ``state`` (the console's buttons)."""
    return tuple(
        t
        for t in TRANSITIONS
        if state in t.sources and t.actors & actors and t.step is not Step.REGISTER
    )


STATE_LABELS: dict[State, Text] = {
    State.OPEN: Text("Received", "已接收"),
    State.RECEIVED: Text("Received", "已接收"),
    State.ACKNOWLEDGED: Text("Acknowledged", "已受理"),
    State.INVESTIGATING: Text("Investigating", "调查中"),
    State.RESOLVED: Text("Resolved", "已办结"),
    State.CLOSED: Text("Closed", "已关闭"),
}
OUTCOME_LABELS: dict[ComplaintOutcome, Text] = {
    ComplaintOutcome.UPHELD: Text("Upheld", "投诉成立"),
    ComplaintOutcome.PARTLY_UPHELD: Text("Partly upheld", "部分成立"),
    ComplaintOutcome.NOT_UPHELD: Text("Not upheld", "投诉不成立"),
}


@dataclass(frozen=True, slots=True)
class StepInput:
    """What a person gives a step (empty strings: not given)."""

    owner_id: str = ""
    about_user_id: str = ""  # the agent complained about (the lead may name them at assign)
    reason: str = ""
    approver_id: str = ""
    outcome: str = ""
    root_cause: str = ""
    redress: Decimal | None = None
    resolution: str = ""  # what was found and decided: the final response's words
    remedy: str = ""  # what was done about it (coaching recorded, a process changed…)


_REQUIRED = Text("Required", "必填")


def check(
    step: Transition,
    given: StepInput,
    *,
    rules: ComplaintRules,
    subject_id: str | None,
    by_user_id: str,
    extension: Extension | None = None,
) -> None:
    """Refuse ``given`` for ``step`` with every problem at once (``ComplaintInputError``).

    ``subject_id``: the agent complained about (a complaint is never theirs to handle);
    ``extension``: the extension an ``extend`` would take (the pack's next one)."""
    errors: dict[str, Text] = {}
    if step.step is Step.ASSIGN:
        owner = given.owner_id.strip()
        about = given.about_user_id.strip() or subject_id
        if not owner:
            errors["owner_id"] = Text("Choose who handles the complaint", "请选择投诉处理人")
        elif about and owner == about:
            errors["owner_id"] = Text(
                "The complaint is about this agent: they may not handle it",
                "该投诉针对此坐席本人，须回避，不得由其处理",
            )
    if step.step is Step.EXTEND:
        if not given.reason.strip():
            errors["reason"] = Text("Give the reason for the extension", "请填写延期原因")
        if extension is not None and extension.approval:
            approver = given.approver_id.strip()
            if not approver:
                errors["approver_id"] = Text(
                    "This extension needs an approver (the rule pack says so)",
                    "根据规则包，本次延期须经审批人批准",
                )
            elif approver in (by_user_id, subject_id):
                errors["approver_id"] = Text(
                    "The approver must be someone else than the handler and the agent "
                    "complained about",
                    "审批人不能是处理人本人或被投诉坐席",
                )
    if step.step is Step.RESOLVE:
        outcome = given.outcome.strip()
        if not outcome:
            errors["outcome"] = Text(
                "Choose the outcome: upheld, partly upheld or not upheld",
                "请选择处理结果：成立、部分成立或不成立",
            )
        elif outcome not in {o.value for o in ComplaintOutcome}:
            errors["outcome"] = Text(f"Unknown outcome {outcome!r}", f"未知的处理结果“{outcome}”")
        cause = given.root_cause.strip()
        if not cause and rules.root_cause_required:
            errors["root_cause"] = Text(
                "Choose the root cause (the rule pack asks for it)", "请选择根本原因（规则包要求）"
            )
        elif cause and cause not in {c.code for c in root_causes()}:
            errors["root_cause"] = Text(f"Unknown root cause {cause!r}", f"未知的根本原因“{cause}”")
        if not given.resolution.strip():
            errors["resolution"] = Text(
                "Say what was found and decided (the final response quotes it)",
                "请说明调查结论和处理决定（将写入最终答复函）",
            )
        if given.redress is not None:
            if given.redress < 0:
                errors["redress"] = Text("Redress cannot be negative", "补偿金额不能为负")
            elif given.redress > 0 and outcome == ComplaintOutcome.NOT_UPHELD:
                errors["redress"] = Text(
                    "A complaint not upheld gets no redress", "投诉不成立时不应给予补偿"
                )
    if errors:
        raise ComplaintInputError(errors)


# what a complaint is about (the desk's categories), in words for letters and the console
CATEGORY_LABELS: dict[str, Text] = {
    "contact_frequency": Text("how often we contacted you", "联系频次"),
    "contact_place": Text("where we contacted you", "联系场所"),
    "staff_conduct": Text("how our staff treated you", "工作人员态度"),
    "amount": Text("the amount we say you owe", "欠款金额"),
    "other": Text("your account", "其他事项"),
    # the words older records (and the demo's history) use
    "workplace_contact": Text("where we contacted you", "联系场所"),
    "incorrect_balance": Text("the amount we say you owe", "欠款金额"),
    "third_party_disclosure": Text("what we told someone else about your debt", "向第三方透露债务"),
}


def category_label(code: str) -> Text:
    return CATEGORY_LABELS.get(code, Text(code.replace("_", " "), code))


def pending_deadlines(
    status: str, acknowledge_by: date | None, final_by: date
) -> list[tuple[str, date]]:
    """The deadlines an open complaint still has to meet, earliest first: the
    acknowledgement (until acknowledged), then the final response."""
    state = state_of(status)
    if state not in OPEN_STATES:
        return []
    out: list[tuple[str, date]] = []
    if state is State.RECEIVED and acknowledge_by is not None:
        out.append(("acknowledge", acknowledge_by))
    out.append(("final", final_by))
    return sorted(out, key=lambda item: item[1])
