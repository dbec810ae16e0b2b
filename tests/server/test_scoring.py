"""Server-side scoring: every open account gets a score, reasons and a tier from its full
history; rescoring writes (and versions) only material changes; devices hear of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Backend
from workstation.domain.enums import AccountStatus, Bucket
from workstation.domain.model import new_id
from workstation.queue.treatments import default_policy
from workstation.server.cli import main
from workstation.server.models import AccountRow, ScorecardRow, Team
from workstation.server.retention import run_maintenance
from workstation.server.scoring import RescoreReport, current_scorecard, rescore
from workstation.server.versioning import allocate, committed_version

CLOSED = [s.value for s in AccountStatus if s.is_closed]


def _open_rows(backend: Backend) -> list[AccountRow]:
    with backend.sessions() as session:
        return list(session.scalars(select(AccountRow).where(AccountRow.status.not_in(CLOSED))))


def _row(backend: Backend, account_id: str) -> AccountRow:
    with backend.sessions() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        return row


def _drain(api: Any, cursor: int) -> tuple[list[dict[str, Any]], int]:
    """Every account in the caller's changes feed after ``cursor``, and the last cursor."""
    accounts: list[dict[str, Any]] = []
    while True:
        page = api.changes(cursor)
        accounts.extend(page["accounts"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return accounts, cursor


def test_seed_scores_every_open_account(backend: Backend) -> None:
    rows = _open_rows(backend)
    assert rows
    policy = default_policy()
    for row in rows:
        assert row.risk_tier in ("A", "B", "C", "D"), row.id
        assert row.score is not None
        probability = float(row.score)
        assert 0.0 <= probability <= 1.0
        assert row.score == f"{probability:.4f}"
        assert row.reason_codes
        assert all(isinstance(c, str) for c in row.reason_codes)
        # the tier is the policy's for the stored score and the bucket
        assert row.risk_tier == policy.tier(probability, Bucket.for_days(row.days_past_due))
    report = backend.report.scoring
    assert report is not None
    assert report.scored == len(rows)
    assert report.changed == len(rows)
    assert len({row.risk_tier for row in rows}) >= 2  # a demo portfolio spans tiers


def test_the_lead_explorer_filters_by_tier(backend: Backend) -> None:
    lead_user = backend.of_role("lead")[0]
    lead = backend.login(lead_user.username)
    with backend.sessions() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == lead_user.team))
        expected = dict(
            session.execute(
                select(AccountRow.risk_tier, func.count())
                .where(AccountRow.team_id == team_id)
                .group_by(AccountRow.risk_tier)
            ).all()
        )
    found = 0
    for tier in "ABCD":
        response = lead.get("/api/v1/team/accounts", params={"risk_tier": tier, "limit": 5000})
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == expected.get(tier, 0)
        assert all(a["risk_tier"] == tier for a in page["accounts"])
        assert all(a["score"] is not None and a["reason_codes"] for a in page["accounts"])
        found += page["total"]
    assert found > 0


def test_rescoring_twice_changes_nothing_the_second_time(backend: Backend) -> None:
    agent = backend.login(backend.of_role("agent")[0].username)
    _, cursor = _drain(agent, agent.snapshot()["cursor"])
    rescore(backend.sessions)  # whatever drifted since the seed (normally nothing)
    _, cursor = _drain(agent, cursor)
    with backend.sessions() as session:
        before = committed_version(session)
    again = rescore(backend.sessions)
    assert again.scored == len(_open_rows(backend))
    assert again.changed == 0
    assert again.skipped == 0
    with backend.sessions() as session:
        assert committed_version(session) == before  # not even a version taken
    accounts, after = _drain(agent, cursor)
    assert accounts == []
    assert after == cursor


def _weakest_open_account(backend: Backend, api: Any) -> dict[str, Any]:
    snap = api.snapshot()
    candidates = [a for a in snap["accounts"] if a["status"] not in CLOSED]
    return min(candidates, key=lambda a: float(a["score"]))


def test_contact_activity_moves_the_score_and_the_device_hears_of_it(backend: Backend) -> None:
    agent = backend.login(backend.of_role("agent")[0].username)
    account = _weakest_open_account(backend, agent)
    _, cursor = _drain(agent, agent.snapshot()["cursor"])
    rescore(backend.sessions)  # settle any drift first, so what follows is this change alone
    _, cursor = _drain(agent, cursor)
    before = _row(backend, account["id"])
    now = datetime.now(UTC)
    attempts = [
        agent.mutation(
            "event.create",
            {
                "id": new_id(),
                "type": "contact_attempt",
                "account_id": account["id"],
                "occurred_at": (now - timedelta(hours=4 - i)).isoformat(),
                "payload": {"channel": "phone", "disposition": "PTP"},
            },
        )
        for i in range(3)
    ]
    results = agent.push(*attempts).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3
    _, cursor = _drain(agent, cursor)  # the events (and whatever the push changed)
    report = rescore(backend.sessions)
    assert report.changed >= 1
    after = _row(backend, account["id"])
    assert after.version > before.version
    assert before.score is not None
    assert after.score is not None
    assert abs(float(after.score) - float(before.score)) >= 0.01
    assert after.reason_codes
    accounts, _ = _drain(agent, cursor)
    assert len(accounts) == report.changed
    pulled = next(a for a in accounts if a["id"] == account["id"])
    assert pulled["score"] == after.score
    assert pulled["risk_tier"] == after.risk_tier
    assert pulled["reason_codes"] == after.reason_codes
    assert pulled["version"] == after.version


def test_daily_maintenance_rescores_what_moved(backend: Backend) -> None:
    """Days past due changed outside the scoring (an import): the daily round rescores it."""
    agent = backend.login(backend.of_role("agent")[0].username)
    snap = agent.snapshot()
    account = next(
        a
        for a in snap["accounts"]
        if a["status"] not in CLOSED and 0 < a["days_past_due"] < 30 and a["risk_tier"] != "D"
    )
    _, cursor = _drain(agent, snap["cursor"])
    with backend.sessions.begin() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        row.days_past_due = 400  # 180+: the tier can be C at best, and the score falls
        row.version = allocate(session, 1)
    _, cursor = _drain(agent, cursor)
    now = datetime.now(UTC)
    report = run_maintenance(backend.sessions, timedelta(days=90), now, timedelta(hours=24))
    assert report is not None
    assert isinstance(report.rescore, RescoreReport)
    assert report.rescore.changed >= 1
    after = _row(backend, account["id"])
    assert after.risk_tier in ("C", "D")
    assert after.risk_tier != account["risk_tier"]
    assert after.score is not None
    assert float(after.score) < float(account["score"]) - 0.01
    accounts, _ = _drain(agent, cursor)
    pulled = next(a for a in accounts if a["id"] == account["id"])
    assert (pulled["risk_tier"], pulled["score"]) == (after.risk_tier, after.score)
    # the same day again: the guard skips the round (and so the rescore)
    assert run_maintenance(backend.sessions, timedelta(days=90), now, timedelta(hours=24)) is None


def test_a_new_scorecard_rescores_with_it(backend: Backend) -> None:
    """``train-scorecard`` stores a refit and rescores: the rows follow the newest model."""
    from workstation.server.training import train_scorecard

    report = train_scorecard(backend.sessions, holdout=0.3, seed=1)
    assert report.rescore is not None
    assert report.rescore.scorecard_version == str(report.version)
    with backend.sessions() as session:
        newest = session.scalar(select(func.max(ScorecardRow.id)))
        assert current_scorecard(session).version == str(newest)
    assert rescore(backend.sessions).changed == 0  # settled: nothing more to tell devices


def test_rescore_command(backend: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rescore", "--db", backend.url, "--batch-size", "7"]) == 0
    out = capsys.readouterr().out
    assert f"scored {len(_open_rows(backend))} open accounts" in out
    assert "0 changed" in out
    assert main(["rescore", "--db", backend.url, "--batch-size", "0"]) == 2


def test_the_rescore_reads_only_the_history_the_features_need(backend: Backend) -> None:
    # the rescore fetches the feature event types (attempts of the last 90 days only); what
    # it stores must equal scoring from every event on file (notes, messages, old calls)
    from collections import defaultdict

    from workstation.server.domain_rows import account_of, customer_of, event_of
    from workstation.server.models import CustomerRow, EventRow
    from workstation.server.scoring import score_objects
    from workstation.server.segmentation import current_models

    moment = datetime.now(UTC).replace(microsecond=0)
    rescore(backend.sessions, as_of=moment)
    with backend.sessions() as session:
        rows = _open_rows(backend)[:40]
        ids = [r.id for r in rows]
        customers = {
            c.id: customer_of(c)
            for c in session.scalars(
                select(CustomerRow).where(CustomerRow.id.in_({r.customer_id for r in rows}))
            )
        }
        events: dict[str, list[Any]] = defaultdict(list)
        for row in session.scalars(
            select(EventRow).where(EventRow.account_id.in_(ids)).order_by(EventRow.occurred_at)
        ):
            events[row.account_id].append(event_of(row))
        kinds = {e.type.value for history in events.values() for e in history}
        assert {"note", "contact_attempt"} <= kinds  # more on file than the features read
        expected = score_objects(
            [account_of(r) for r in rows], customers, events, current_scorecard(session),
            moment, models=current_models(session),
        )  # fmt: skip
    for row, new in zip(rows, expected, strict=True):
        stored = _row(backend, row.id)
        assert abs(float(stored.score or 0) - float(new.score)) < 0.01  # the write tolerance
        assert stored.risk_tier == new.risk_tier
        assert list(stored.reason_codes or ()) == new.reason_codes
        assert stored.segment == new.segment
        assert stored.ability is not None
        assert new.ability is not None
        assert abs(stored.ability - new.ability) < 100


def test_a_rescore_passes_over_a_locked_account_instead_of_waiting(backend: Backend) -> None:
    """A node started the daily run and the scheduled rescore at once, and they deadlocked:
    the aging's bulk UPDATEs lock rows as they find them, the rescore in id order. The
    rescore now passes over a row another transaction holds (``SKIP LOCKED``), writes the
    rest, and the next round writes the one it passed over."""
    import threading

    if backend.kind != "pg":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    rescore(backend.sessions)  # settle any drift, so what follows is these two alone
    free, held = [
        row.id
        for row in _open_rows(backend)
        if 0 < row.days_past_due < 30 and row.risk_tier in ("A", "B")
    ][:2]
    with backend.sessions.begin() as session:
        first = allocate(session, 2)
        for offset, account_id in enumerate((free, held)):
            row = session.get(AccountRow, account_id)
            assert row is not None
            row.days_past_due = 400  # 180+: the tier falls to C or D
            row.version = first + offset
    before = _row(backend, held).risk_tier
    reports: list[RescoreReport] = []
    with backend.sessions.begin() as holder:  # a writer in the middle of its transaction
        holder.execute(select(AccountRow.id).where(AccountRow.id == held).with_for_update())
        worker = threading.Thread(target=lambda: reports.append(rescore(backend.sessions)))
        worker.start()
        worker.join(timeout=60)
        assert not worker.is_alive(), "the rescore waited for the locked row"
    assert reports[0].changed == 1
    assert reports[0].skipped == 1
    assert _row(backend, free).risk_tier in ("C", "D")
    assert _row(backend, held).risk_tier == before  # passed over, left as it was
    assert rescore(backend.sessions).changed == 1  # the lock is gone: written now
    assert _row(backend, held).risk_tier in ("C", "D")
