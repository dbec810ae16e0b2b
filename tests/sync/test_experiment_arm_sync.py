"""The experiment arm reaches the owner's device with the account, and leaves it when the
experiment ends (the draw and the decision give the accounts new versions)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory
from workstation.domain.model import new_id
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow
from workstation.server.strategy.models import Experiment, ExperimentAssignment
from workstation.server.strategy.run import run_strategies
from workstation.server.strategy.service import STOPPED, announce_arms

DAY = date(2030, 6, 3)
CLOSED = ["paid", "settled", "closed"]


def test_the_arm_and_the_experiment_reach_the_device_and_leave_with_the_experiment(
    backend: Backend, make_device: DeviceFactory
) -> None:
    device = make_device("li.na")
    device.sync()
    experiment_id = new_id()
    with backend.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.status.not_in(CLOSED))
            .values(segment="able_willing", days_past_due=4)  # a day no step falls on
        )
        session.add(
            Experiment(
                id=experiment_id, name="early call for the able", segment="able_willing",
                champion_id="standard-v1", challenger_id="early-call-v1", share=0.5,
                confidence=0.95, complaints_guard=2.0, status="running", started_on=DAY,
                created_at=datetime.now(UTC), note="",
            )
        )  # fmt: skip
    with backend.sessions.begin() as session:
        changes = DayChanges(DAY)
        run_strategies(session, DAY, changes)
        changes.stamp(session)
    with backend.sessions() as session:
        arms = dict(
            session.execute(select(ExperimentAssignment.account_id, ExperimentAssignment.arm)).all()
        )
    device.sync()
    mine = device.accounts()
    drawn = [a for a in mine if a in arms]
    assert drawn, "li.na owns no account the experiment drew"
    seen = set()
    for account_id in drawn:
        detail = device.store.load_account(account_id)
        assert detail is not None
        assert detail.account.experiment_id == experiment_id
        assert detail.account.experiment_name == "early call for the able"
        assert detail.account.experiment_arm == arms[account_id]
        seen.add(arms[account_id])
    assert seen == {"champion", "challenger"}

    # the lead stops it: every drawn account is announced again, and the arm is gone
    with backend.sessions.begin() as session:
        session.execute(
            update(Experiment).where(Experiment.id == experiment_id).values(status=STOPPED)
        )
        assert announce_arms(session, experiment_id) == len(arms)
    device.sync()
    for account_id in drawn:
        detail = device.store.load_account(account_id)
        assert detail is not None
        assert detail.account.experiment_arm is None
        assert detail.account.experiment_id is None
