"""Playing the practice scenarios with the real desk service (no Qt): what a trainee who gets
each scenario right says and records. The unit tests and the end-to-end test both use it."""

from __future__ import annotations

from typing import Any

from workstation.desk import DeskService, OutcomeInput
from workstation.domain import Channel
from workstation.training.session import TrainingSession


def _reply(session: TrainingSession, mark: str) -> None:
    """Choose, at the current step, the reply that makes ``mark``."""
    step = session.step()
    index = next(i for i, r in enumerate(step.replies) if mark in r.marks)
    session.reply(index)


def log(desk: DeskService, account_id: str, code: str, **fields: Any) -> None:
    view = desk.account(account_id)
    form = OutcomeInput(
        account_id=account_id,
        disposition=code,
        channel=Channel.PHONE,
        address_used=view.customer.phones[0].id,
        notes=fields.pop("notes", "practice"),
        **fields,
    )
    desk.log_outcome(form)


# the reply that each scenario expects (the dialogue's mark it makes)
RIGHT_MARK = {
    "lost_job": "hardship_offered",
    "dispute": "stopped",
    "third_party": "discreet",
    "after_hours": "waited",
    "vulnerable": "paused",
    "unaffordable_plan": "affordability_checked",
}


def right_reply(session: TrainingSession, scenario_id: str) -> int:
    """The index, at the current step, of the reply ``scenario_id`` expects."""
    mark = RIGHT_MARK[scenario_id]
    return next(i for i, r in enumerate(session.step().replies) if mark in r.marks)


def play_right(session: TrainingSession, desk: DeskService, scenario_id: str) -> None:
    """Begin ``scenario_id`` and do what it expects (the caller finishes it)."""
    session.begin(scenario_id)
    _reply(session, RIGHT_MARK[scenario_id])
    act_right(desk, session.account_id(scenario_id), scenario_id)


def act_right(desk: DeskService, account: str, scenario_id: str) -> None:
    """What the desk records in ``scenario_id`` when the trainee gets it right."""
    if scenario_id == "lost_job":
        desk.record_hardship(account, "lost her job last week", "2000", "1800")
    elif scenario_id == "dispute":
        log(desk, account, "DISPUTE", dispute_reason="not_mine", **disclosed(desk, account))
    elif scenario_id == "third_party":
        log(desk, account, "TP")
    elif scenario_id == "after_hours":
        pass  # waiting is the right move: nothing recorded
    elif scenario_id == "vulnerable":
        log(desk, account, "VULN", **disclosed(desk, account))
    elif scenario_id == "unaffordable_plan":
        comparison = desk.compare_plans(
            account, instalments=36, monthly_income="4500", monthly_expenses="3800"
        )
        option = next(o for o in comparison.options if o.affordable and o.kind == "instalments")
        desk.agree_plan(account, option, "36 instalments she can afford")
    else:  # pragma: no cover - a new scenario needs its right play here
        raise AssertionError(scenario_id)


def disclosed(desk: DeskService, account_id: str) -> dict[str, Any]:
    """The outcome form's field confirming every required disclosure (right-party calls)."""
    return {"disclosures_given": desk.account(account_id).call_guide.disclosure_ids}
