"""The desk's hold panel: every hold on the account in one place (reason, placed by, since,
until, what lifts it), read from the device's data and the customer's pack; lifting and
placing from the desk are refused exactly where the server would refuse them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.unit.test_compliance import event, make_account, make_customer
from workstation.desk import DeskService
from workstation.desk.holds import HoldRefused, holds_of, lift, place_breathing_space
from workstation.desk.types import AccountView, ValidationError
from workstation.domain.enums import AccountStatus, CustomerFlag, EventType, Role
from workstation.workflows.deadlines import pack_for_jurisdiction
from workstation.workflows.holds import HoldKind

NOW = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, 03:00 in London


def lines(jurisdiction: str, history: list[Any], *, flags: list[CustomerFlag] | None = None,
          status: AccountStatus = AccountStatus.OPEN, role: Role = Role.AGENT):  # fmt: skip
    customer = make_customer(jurisdiction, flags=flags or [])
    return holds_of(
        customer,
        make_account(status=status),
        history,
        pack_for_jurisdiction(jurisdiction),
        role=role,
        now=NOW,
    )


def test_breathing_space_shows_who_since_until_and_what_lifts_it() -> None:
    placed = event(
        EventType.FLAG_CHANGE,
        datetime(2027, 1, 10, 9, tzinfo=UTC),
        flag="breathing_space",
        value=True,
        since="2027-01-10",
    )
    (line,) = lines("UK", [placed], flags=[CustomerFlag.BREATHING_SPACE])
    assert line.kind is HoldKind.BREATHING_SPACE
    assert line.reason.en == "Breathing space (debt respite)"
    assert line.placed_by == "agent-1"
    assert line.since == date(2027, 1, 10)
    assert line.until_on == date(2027, 3, 11)  # 60 days
    assert "team lead" in line.lifted_by.en
    assert not line.may_lift  # an agent may not end it
    (lead_line,) = lines("UK", [placed], flags=[CustomerFlag.BREATHING_SPACE], role=Role.LEAD)
    assert lead_line.may_lift


def test_a_complaint_names_its_reference_and_deadline_until_resolved() -> None:
    intake = event(EventType.COMPLAINT, datetime(2027, 2, 20, 2, tzinfo=UTC), category="tone")
    registered = event(
        EventType.COMPLAINT,
        datetime(2027, 2, 20, 2, 1, tzinfo=UTC),
        complaint_id=intake.id,
        status="received",
        step="register",
        reference="CP-2027-000123",
        sla_due="2027-03-07",
    )
    (line,) = lines("CN", [intake, registered])
    assert line.kind is HoldKind.COMPLAINT
    assert "CP-2027-000123" in line.reason.en
    assert "CP-2027-000123" in line.reason.zh
    assert line.until_on == date(2027, 3, 7)
    assert "2027-03-07" in line.until.zh
    assert not line.may_lift  # only its workflow lifts it
    resolved = event(
        EventType.COMPLAINT,
        datetime(2027, 3, 1, tzinfo=UTC),
        complaint_id=intake.id,
        status="resolved",
    )
    assert lines("CN", [intake, registered, resolved]) == []
    # the US pack has no complaint hold; a complaint about one number holds only that number
    assert lines("US", [intake, registered]) == []
    scoped = event(EventType.COMPLAINT, NOW, category="x", blocked_address="p2")
    assert lines("CN", [scoped]) == []


def test_a_dispute_holds_until_the_validation_wait_passes() -> None:
    opened = event(EventType.DISPUTE, datetime(2027, 2, 1, tzinfo=UTC), reason="not_mine")
    sent = event(
        EventType.DISPUTE,
        datetime(2027, 2, 3, tzinfo=UTC),
        dispute_id=opened.id,
        reason="not_mine",
        status="validation_sent",
        resume_on="2027-03-05",
    )
    disputed = AccountStatus.DISPUTE
    (pending,) = lines("US", [opened], status=disputed)
    assert pending.until_on is None
    assert "validation" in pending.until.en
    (waiting,) = lines("US", [opened, sent], status=disputed)
    assert waiting.until_on == date(2027, 3, 5)
    over = event(
        EventType.DISPUTE,
        datetime(2027, 2, 3, tzinfo=UTC),
        dispute_id=opened.id,
        reason="not_mine",
        status="validation_sent",
        resume_on="2027-03-01",
    )
    assert lines("US", [opened, over], status=disputed) == []


def test_only_the_packs_holds_count_and_a_held_account_says_so() -> None:
    # vulnerable alone is no hold in China; the pending review is (no visits)
    assert lines("CN", [], flags=[CustomerFlag.VULNERABLE]) == []
    (review,) = lines("CN", [], flags=[CustomerFlag.VULNERABLE, CustomerFlag.VULNERABILITY_REVIEW])
    assert review.kind is HoldKind.VULNERABILITY_REVIEW
    assert review.until_on is None
    (held,) = lines("US", [], status=AccountStatus.HOLD)
    assert held.kind is HoldKind.ACCOUNT


class Recorder:
    """The store's write side as the desk calls it (what was recorded, in order)."""

    def __init__(self) -> None:
        self.recorded: list[Any] = []

    def record_event(self, event: Any, *, device_id: str) -> None:
        self.recorded.append(event)


def view_of(jurisdiction: str, flags: list[CustomerFlag]) -> AccountView:
    customer = make_customer(jurisdiction, flags=flags)
    return AccountView(customer, make_account(), (), (), {}, (), None, None, NOW)  # type: ignore[arg-type]


def test_lifting_and_placing_from_the_desk() -> None:
    store = Recorder()
    desk = DeskService(store, "dev-1", "li.na", clock=lambda: NOW)  # type: ignore[arg-type]
    uk = view_of("UK", [CustomerFlag.BREATHING_SPACE, CustomerFlag.HARDSHIP])
    with pytest.raises(HoldRefused) as refused:
        lift(desk, uk, CustomerFlag.BREATHING_SPACE, details="ended", role=Role.AGENT)
    assert "team lead" in refused.value.text.en
    with pytest.raises(HoldRefused):
        lift(desk, uk, CustomerFlag.HARDSHIP, details="  ", role=Role.AGENT)
    assert store.recorded == []
    lift(desk, uk, CustomerFlag.HARDSHIP, details="plan agreed", role=Role.AGENT)
    (lifted,) = store.recorded
    assert lifted.type == EventType.FLAG_CHANGE
    assert lifted.payload == {
        "flag": "hardship",
        "value": False,
        "reason": "hardship_review_done",
        "details": "plan agreed",
    }
    # breathing space: a UK scheme, with who notified it
    cn = view_of("CN", [])
    with pytest.raises(HoldRefused):
        place_breathing_space(
            desk, cn, details="adviser", role=Role.AGENT, pack=pack_for_jurisdiction("CN")
        )
    with pytest.raises(ValidationError):
        place_breathing_space(
            desk, uk, details="", role=Role.AGENT, pack=pack_for_jurisdiction("UK")
        )
    place_breathing_space(
        desk, uk, details="StepChange notified", role=Role.AGENT, pack=pack_for_jurisdiction("UK")
    )
    placed = store.recorded[-1]
    assert placed.payload["flag"] == "breathing_space"
    assert placed.payload["value"] is True
    assert placed.payload["since"] == "2027-03-02"
