"""The KPIs' daily rollups equal a scan of the events, whatever happened since the last
refresh: for several as-of dates of the daily run, with a collector's offline week arriving
late (events on days already rolled up) and a lead voiding a rolled-up record, before and
after the next daily run recounts those days. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.workflow_helpers import push_event
from workstation.kpi import KpiCounts
from workstation.server.kpi_rollup import event_counts, watermark
from workstation.server.lead import _event_counts
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import EventRow, KpiEventDay, User

# two days back, so "today" of the runs below is never after the customer's own today
TODAY = datetime.now(UTC).date() - timedelta(days=2)


@pytest.fixture(params=BACKENDS)
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60, teams=1) as started:
        yield started


def _fields(counts: KpiCounts) -> tuple[int, int, int, int, int]:
    return (
        counts.attempts,
        counts.right_party_contacts,
        counts.promises,
        counts.satisfaction_count,
        counts.satisfaction_sum,
    )


def _assert_rollup_equals_scan(backend: Backend) -> None:
    periods = [
        (TODAY - timedelta(days=130), TODAY + timedelta(days=2)),
        (TODAY - timedelta(days=6), TODAY),
        (TODAY - timedelta(days=10), TODAY - timedelta(days=10)),
        (TODAY - timedelta(days=27), TODAY),
    ]
    with backend.sessions() as session:
        users = list(session.scalars(select(User.id)))
        for start, end in periods:
            rolled = event_counts(session, users, start, end)
            scanned = _event_counts(
                session,
                EventRow.recorded_by_id.in_(users),
                datetime.combine(start, time(0), UTC),
                datetime.combine(end + timedelta(days=1), time(0), UTC),
            )
            for user in users:
                assert _fields(rolled[user]) == _fields(scanned.get(user, KpiCounts())), (
                    start,
                    end,
                    user,
                )


def _rolled_days(backend: Backend) -> set[date]:
    with backend.sessions() as session:
        return set(session.scalars(select(KpiEventDay.day)))


def test_rollups_equal_a_scan_across_daily_runs_late_events_and_voids(fresh: Backend) -> None:
    agent_user = fresh.of_role("agent")[0]
    agent = fresh.login(agent_user.username)
    lead = fresh.login(fresh.of_role("lead")[0].username)
    _assert_rollup_equals_scan(fresh)  # nothing rolled up yet: all from the scan

    run_daily(fresh.sessions, TODAY - timedelta(days=1))
    with fresh.sessions() as session:
        assert watermark(session) > 0
        account_id, rolled_attempt = session.execute(
            select(EventRow.account_id, EventRow.id)
            .where(
                EventRow.recorded_by_id == agent_user.user_id,
                EventRow.type == "contact_attempt",
                EventRow.disposition.is_not(None),
            )
            .order_by(EventRow.occurred_at.desc())
        ).first() or (None, None)
    assert account_id is not None
    assert rolled_attempt is not None
    assert len(_rolled_days(fresh)) > 30  # the seeded months of history
    _assert_rollup_equals_scan(fresh)

    # the field laptop's week offline arrives: facts on days already rolled up
    for days_ago in (10, 6, 3, 0):
        result = push_event(
            agent,
            account_id,
            "contact_attempt",
            {
                "channel": "phone",
                "direction": "outbound",
                "disposition": "RPC_NC" if days_ago % 2 else "NA",
            },
            at=datetime.combine(TODAY - timedelta(days=days_ago), time(9), UTC),
        )
        assert result["status"] == "applied", result
    # the lead voids a record the rollup already counts
    voided = push_event(
        lead, account_id, "void", {"target_event_id": rolled_attempt, "reason": "wrong account"}
    )
    assert voided["status"] == "applied", voided
    _assert_rollup_equals_scan(fresh)  # rollup + newer events − the voided one

    run_daily(fresh.sessions, TODAY)  # recounts the touched days
    _assert_rollup_equals_scan(fresh)
    with fresh.sessions() as session:
        mark = watermark(session)
    run_daily(fresh.sessions, TODAY + timedelta(days=1))
    _assert_rollup_equals_scan(fresh)
    with fresh.sessions() as session:
        assert watermark(session) >= mark
