"""The KPIs' daily rollups equal a scan of the events, whatever happened since the last
refresh: for several as-of dates of the daily run, with a collector's offline week arriving
late (events on days already rolled up) and a lead voiding a rolled-up record, before and
after the next daily run recounts those days. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import case, func, select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.workflow_helpers import push_event
from workstation.kpi import KpiCounts
from workstation.server.kpi_delinquency import KpiRollDay
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


# --- cure and roll counts (kpi_delinquency) ------------------------------------------------------


def _delinquency_periods() -> list[tuple[date, date]]:
    real_today = datetime.now(UTC).date()
    return [
        (TODAY - timedelta(days=27), TODAY),  # four weeks ending on the day run: a lookup
        (TODAY - timedelta(days=6), TODAY),
        (TODAY - timedelta(days=27), real_today),  # ending after it: lookup + correction
        (TODAY - timedelta(days=40), TODAY - timedelta(days=10)),  # an older end day
        (TODAY - timedelta(days=100), TODAY),  # longer than the lookback: the scan
        (TODAY, TODAY),
    ]


def _assert_roll_counts_equal_scan(backend: Backend, *, stored: int) -> None:
    """Rollup == scan for every period; ``stored``: how many periods at least were
    answered from the rollup (so the comparison is not of the scan with itself)."""
    from workstation.server import kpi_delinquency
    from workstation.server.lead import _delinquency_scan

    answered = 0
    with backend.sessions() as session:
        users = list(session.scalars(select(User.id)))
        for start, end in _delinquency_periods():
            scanned = {
                (owner, int(rank)): [int(n), int(c or 0), int(r or 0)]
                for owner, rank, n, c, r in _delinquency_scan(session, users, start, end)
            }
            rolled = kpi_delinquency.counts(session, users, start, end)
            if rolled is not None:
                answered += 1
                assert rolled == scanned, (start, end)
    assert answered >= stored


def test_cure_and_roll_rollups_equal_a_scan_after_changes_and_backdated_writes(
    fresh: Backend,
) -> None:
    from sqlalchemy import text

    from workstation.server.kpi_delinquency import KpiRollEnd
    from workstation.server.models import AccountRow

    _assert_roll_counts_equal_scan(fresh, stored=0)  # nothing stored: every period scans
    run_daily(fresh.sessions, TODAY - timedelta(days=11))
    run_daily(fresh.sessions, TODAY)  # stores the end days it ran
    with fresh.sessions() as session:
        ends = set(session.scalars(select(KpiRollEnd.end_day)))
        delinquent = session.scalars(
            select(AccountRow).where(AccountRow.days_past_due > 30).order_by(AccountRow.id)
        ).all()
        assert len(delinquent) >= 3
    assert TODAY in ends
    assert TODAY - timedelta(days=11) in ends
    _assert_roll_counts_equal_scan(fresh, stored=4)
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).select_from(KpiRollDay)) > 0

    # today's work (history rows after the stored day): one account pays up, one is moved
    # to another collector, one rolls a bucket
    with fresh.sessions.begin() as session:
        paid, moved, rolling = (session.get(AccountRow, a.id) for a in delinquent[:3])
        assert paid is not None
        assert moved is not None
        assert rolling is not None
        paid.days_past_due = 0
        paid.status = "paid"
        others = [u for u in session.scalars(select(User.id)) if u != moved.owner_id]
        moved.owner_id = others[0]
        rolling.days_past_due = 200
    _assert_roll_counts_equal_scan(fresh, stored=4)

    # a write dated inside a stored period (SQL that bypasses the ORM): the end days it
    # could change are dropped (the trigger), those periods scan, and stay equal
    with fresh.sessions.begin() as session:
        session.execute(
            text("UPDATE bucket_history SET days_past_due = 0 WHERE account_id = :a AND day <= :d"),
            {"a": delinquent[-1].id, "d": TODAY - timedelta(days=3)},
        )
    with fresh.sessions() as session:
        ends = set(session.scalars(select(KpiRollEnd.end_day)))
    assert TODAY not in ends
    _assert_roll_counts_equal_scan(fresh, stored=0)

    run_daily(fresh.sessions, TODAY + timedelta(days=1))  # stores its day again
    with fresh.sessions() as session:
        assert TODAY + timedelta(days=1) in set(session.scalars(select(KpiRollEnd.end_day)))
    _assert_roll_counts_equal_scan(fresh, stored=1)  # the period ending after it


# --- running totals kept by triggers (kpi_summaries) ---------------------------------------------


def _assert_summaries_equal_scan(backend: Backend) -> None:
    from workstation.server import kpi_summaries
    from workstation.server.models import AccountRow, PromiseRow

    with backend.sessions() as session:
        users = list(session.scalars(select(User.id)))
        scanned_portfolio = sorted(
            (owner, currency, int(n), int(placed))
            for owner, currency, n, placed in session.execute(
                select(
                    AccountRow.owner_id,
                    AccountRow.currency,
                    func.count(),
                    func.sum(AccountRow.placed_minor),
                )
                .where(AccountRow.owner_id.in_(users))
                .group_by(AccountRow.owner_id, AccountRow.currency)
            )
        )
        assert sorted(kpi_summaries.portfolio(session, users)) == scanned_portfolio
        assert scanned_portfolio
        for start, end in [
            (TODAY - timedelta(days=27), TODAY),
            (TODAY - timedelta(days=130), TODAY + timedelta(days=60)),
            (TODAY + timedelta(days=1), TODAY + timedelta(days=30)),
        ]:
            statuses = ("kept", "broken", "pending")
            for kept in ("kept", "pending"):
                scanned = {
                    uid or "": (int(n), int(k or 0))
                    for uid, n, k in session.execute(
                        select(
                            PromiseRow.recorded_by_id,
                            func.count(),
                            func.sum(case((PromiseRow.status == kept, 1), else_=0)),
                        )
                        .where(
                            PromiseRow.recorded_by_id.in_(users),
                            PromiseRow.due_date >= start,
                            PromiseRow.due_date <= end,
                            PromiseRow.status.in_(statuses),
                        )
                        .group_by(PromiseRow.recorded_by_id)
                    )
                }
                summed = kpi_summaries.promises_due(
                    session, users, start, end, statuses=statuses, kept=kept
                )
                assert summed == scanned, (start, end, kept)


def test_running_totals_equal_a_scan_after_every_kind_of_write(fresh: Backend) -> None:
    from sqlalchemy import text

    from workstation.server.models import AccountRow, PromiseRow

    _assert_summaries_equal_scan(fresh)  # the seed (bulk inserts)
    agent_user = fresh.of_role("agent")[0]
    agent = fresh.login(agent_user.username)
    with fresh.sessions() as session:
        account_id, currency = session.execute(
            select(AccountRow.id, AccountRow.currency)
            .where(AccountRow.owner_id == agent_user.user_id, AccountRow.status == "open")
            .limit(1)
        ).one()
    promised = push_event(
        agent,
        account_id,
        "promise",
        {
            "amount": "100.00",
            "currency": currency,
            "due_date": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    assert promised["status"] == "applied", promised
    _assert_summaries_equal_scan(fresh)  # a promise through the API (ORM insert)
    run_daily(fresh.sessions, TODAY - timedelta(days=1))  # promises decided, accounts aged
    run_daily(fresh.sessions, TODAY)
    _assert_summaries_equal_scan(fresh)
    with fresh.sessions.begin() as session:
        others = [u for u in session.scalars(select(User.id)) if u != agent_user.user_id]
        account = session.get(AccountRow, account_id)
        assert account is not None
        account.owner_id = others[0]  # an ORM move to another holder
        account.placed_minor += 12_345
    _assert_summaries_equal_scan(fresh)
    with fresh.sessions.begin() as session:  # set-based SQL that bypasses the ORM
        session.execute(
            text(
                "UPDATE accounts SET owner_id = NULL WHERE id IN (SELECT id FROM accounts "
                "WHERE owner_id = :o ORDER BY id LIMIT 3)"
            ),
            {"o": agent_user.user_id},
        )
        session.execute(
            text(
                "UPDATE promises SET status = 'broken', due_date = :d WHERE event_id IN "
                "(SELECT event_id FROM promises ORDER BY event_id LIMIT 5)"
            ),
            {"d": TODAY - timedelta(days=2)},
        )
        first = session.scalar(select(PromiseRow.event_id).order_by(PromiseRow.event_id.desc()))
        session.execute(text("DELETE FROM promises WHERE event_id = :e"), {"e": first})
    _assert_summaries_equal_scan(fresh)
