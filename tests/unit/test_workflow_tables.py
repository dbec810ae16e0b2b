"""The workflows' tables walked directly: complaints (steps, who, what each needs), the
deadlines in the customer's calendar, references, root causes, disputes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from workstation.compliance.packs import BusinessCalendar, DisputeRules, Period
from workstation.domain.enums import ComplaintStatus
from workstation.workflows import complaints, disputes
from workstation.workflows.complaints import (
    Actor,
    ComplaintInputError,
    ComplaintStepError,
    StepInput,
)
from workstation.workflows.complaints import Step as C
from workstation.workflows.deadlines import (
    DeadlineError,
    Urgency,
    add_period,
    complaint_deadlines,
    extended,
    next_extension,
    pack_for_jurisdiction,
    urgency,
)
from workstation.workflows.references import complaint_reference, parse_reference
from workstation.workflows.root_causes import RootCauseListError, load_root_causes

LEAD = frozenset({Actor.TEAM_LEAD})
OWNER = frozenset({Actor.OWNER})
CN = pack_for_jurisdiction("CN")
UK = pack_for_jurisdiction("UK")
US = pack_for_jurisdiction("US")


def test_the_complaint_table_from_each_state() -> None:
    received = complaints.State.RECEIVED
    assert {t.step for t in complaints.steps_for(received, LEAD)} == {
        C.ASSIGN, C.ACKNOWLEDGE, C.INVESTIGATE, C.EXTEND, C.RESOLVE,
    }  # fmt: skip
    assert C.ASSIGN not in {t.step for t in complaints.steps_for(received, OWNER)}
    assert complaints.steps_for(complaints.State.CLOSED, LEAD) == ()
    assert [t.step for t in complaints.steps_for(complaints.State.RESOLVED, OWNER)] == [C.CLOSE]
    with pytest.raises(ComplaintStepError) as who:
        complaints.transition(received, C.ASSIGN, OWNER)
    assert who.value.code == "not_allowed"
    with pytest.raises(ComplaintStepError) as when:
        complaints.transition(complaints.State.RESOLVED, C.EXTEND, LEAD)
    assert when.value.code == "wrong_state"
    assert complaints.transition(received, C.RESOLVE, OWNER).target is ComplaintStatus.RESOLVED
    assert complaints.state_of(None) is complaints.state_of("open") is received


def check(step: C, given: StepInput, **kw: object) -> dict[str, str]:
    assert CN is not None
    assert CN.complaints is not None
    try:
        complaints.check(
            complaints.BY_STEP[step],
            given,
            rules=CN.complaints,
            subject_id=kw.get("subject"),  # type: ignore[arg-type]
            by_user_id="lead-1",
            extension=kw.get("extension"),  # type: ignore[arg-type]
        )
    except ComplaintInputError as exc:
        return {k: v.en for k, v in exc.errors.items()}
    return {}


def test_what_each_step_needs_every_problem_at_once() -> None:
    assert check(C.ASSIGN, StepInput()) == {"owner_id": "Choose who handles the complaint"}
    assert (
        "may not handle it" in check(C.ASSIGN, StepInput(owner_id="a1"), subject="a1")["owner_id"]
    )
    # the subject named at assignment counts too
    assert "owner_id" in check(C.ASSIGN, StepInput(owner_id="a2", about_user_id="a2"))
    assert check(C.ASSIGN, StepInput(owner_id="a2"), subject="a1") == {}
    assert set(check(C.EXTEND, StepInput(reason=" "))) == {"reason"}
    assert CN is not None
    assert CN.complaints is not None
    second = CN.complaints.extensions[1]
    assert set(check(C.EXTEND, StepInput(reason="x"), extension=second)) == {"approver_id"}
    assert set(check(C.EXTEND, StepInput(reason="x", approver_id="lead-1"), extension=second)) == {
        "approver_id"
    }
    assert check(C.EXTEND, StepInput(reason="x", approver_id="boss"), extension=second) == {}
    assert set(check(C.RESOLVE, StepInput())) == {"outcome", "root_cause", "resolution"}
    bad = check(
        C.RESOLVE,
        StepInput(outcome="maybe", root_cause="weather", resolution="x", redress=Decimal(-1)),
    )
    assert set(bad) == {"outcome", "root_cause", "redress"}
    assert (
        "no redress"
        in check(
            C.RESOLVE,
            StepInput(outcome="not_upheld", root_cause="tone", resolution="x", redress=Decimal(5)),
        )["redress"]
    )
    assert check(C.RESOLVE, StepInput(outcome="upheld", root_cause="tone", resolution="x")) == {}


def test_deadlines_in_the_customers_calendar() -> None:
    assert UK is not None
    # UK: received Thursday 23 December 2027 — Friday 24 is a business day, then the weekend
    # and the two substitute bank holidays (27, 28): the third business day is 30 December
    due = complaint_deadlines(UK, date(2027, 12, 23))
    assert due.acknowledge_by == date(2027, 12, 30)
    assert due.summary_by == date(2027, 12, 30)
    assert due.final_by == date(2028, 2, 17)  # eight weeks
    assert complaint_deadlines(CN, date(2027, 3, 1)).final_by == date(2027, 3, 16)
    assert complaint_deadlines(None, date(2027, 3, 1)).final_by == date(2027, 3, 31)
    calendar = BusinessCalendar(frozenset({5, 6, 7}), frozenset({date(2027, 3, 1)}))
    assert add_period(date(2027, 2, 26), Period(2, "business"), calendar) == date(2027, 3, 3)


def test_extensions_as_the_pack_allows() -> None:
    assert CN is not None
    first = next_extension(CN, 0)
    assert (first.days, first.approval) == (15, False)
    assert next_extension(CN, 1).approval
    with pytest.raises(DeadlineError, match="every extension"):
        next_extension(CN, 2)
    with pytest.raises(DeadlineError) as none:
        next_extension(UK, 0)
    assert "no extension" in str(none.value)
    assert none.value.text.zh
    assert extended(date(2027, 3, 16), first) == date(2027, 3, 31)


def test_urgency_two_days_ahead_is_red() -> None:
    today = date(2027, 3, 10)
    assert urgency(date(2027, 3, 9), today) is Urgency.OVERDUE
    assert urgency(date(2027, 3, 12), today) is Urgency.DUE_SOON
    assert urgency(date(2027, 3, 13), today) is Urgency.ON_TIME
    assert urgency(None, today) is Urgency.ON_TIME
    pending = complaints.pending_deadlines("received", date(2027, 3, 3), date(2027, 4, 1))
    assert pending == [("acknowledge", date(2027, 3, 3)), ("final", date(2027, 4, 1))]
    assert complaints.pending_deadlines("acknowledged", date(2027, 3, 3), date(2027, 4, 1)) == [
        ("final", date(2027, 4, 1))
    ]
    assert complaints.pending_deadlines("resolved", None, date(2027, 4, 1)) == []


def test_references() -> None:
    assert complaint_reference(2027, 123) == "CP-2027-000123"
    assert complaint_reference(2027, 1_234_567) == "CP-2027-1234567"
    assert parse_reference(" cp-2027-000123 ") == (2027, 123)
    assert parse_reference("CP-27-1") is None
    with pytest.raises(ValueError, match="no reference"):
        complaint_reference(2027, 0)


def test_the_root_cause_list_is_checked_whole(tmp_path: Path) -> None:
    bad = tmp_path / "causes.toml"
    for text, message in (
        ("", "no ..cause.. entries"),
        ('[[cause]]\ncode = "Tone"\nen = "x"\nzh = "y"\n', "lower_snake_case"),
        ('[[cause]]\ncode = "tone"\nen = "x"\n', "needs en and zh"),
        ('[[cause]]\ncode = "a"\nen = "x"\nzh = "y"\n[[cause]]\ncode = "a"\nen = "x"\nzh = "y"\n',
         "duplicate"),
        ("not toml [", "causes.toml"),
    ):  # fmt: skip
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(RootCauseListError, match=message):
            load_root_causes(bad)


def test_the_dispute_table() -> None:
    notice = DisputeRules(True, Period(30))
    plain = DisputeRules(False, None)
    pending = disputes.State.PENDING_VALIDATION
    sent = disputes.transition(
        pending, disputes.Step.SEND_VALIDATION, disputes.Actor.TEAM_LEAD, notice
    )
    assert sent.target is disputes.State.VALIDATION_SENT
    refusals = [
        (pending, disputes.Step.SEND_VALIDATION, disputes.Actor.DAILY_RUN, notice, {}, "not_allowed"),
        (disputes.State.RESUMED, disputes.Step.UPHOLD, disputes.Actor.TEAM_LEAD, notice,
         {"note": "x", "close_account": True}, "wrong_state"),
        (pending, disputes.Step.SEND_VALIDATION, disputes.Actor.TEAM_LEAD, plain, {}, "invalid"),
        (pending, disputes.Step.RESUME, disputes.Actor.TEAM_LEAD, notice, {"note": "x"}, "invalid"),
        (pending, disputes.Step.RESUME, disputes.Actor.TEAM_LEAD, plain, {}, "invalid"),
        (pending, disputes.Step.UPHOLD, disputes.Actor.TEAM_LEAD, plain, {"note": "x"}, "invalid"),
        (pending, disputes.Step.UPHOLD, disputes.Actor.TEAM_LEAD, plain,
         {"adjustment": Decimal(5)}, "invalid"),
    ]  # fmt: skip
    for state, step, actor, rules, given, code in refusals:
        with pytest.raises(disputes.DisputeStepError) as refused:
            disputes.transition(state, step, actor, rules, **given)  # type: ignore[arg-type]
        assert refused.value.code == code, (step, code)
    assert (
        disputes.transition(
            disputes.State.VALIDATION_SENT, disputes.Step.RESUME, disputes.Actor.DAILY_RUN, notice
        ).target
        is disputes.State.RESUMED
    )
    assert disputes.state_of("resolved") is disputes.State.RESUMED
    assert disputes.state_of(None) is pending
