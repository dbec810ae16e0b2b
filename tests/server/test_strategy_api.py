"""The lead runs an experiment through the API: starts it, the daily run draws its arms,
results come per arm with intervals and a verdict, the desk sees an account's arm, and a
promotion (audited) makes the challenger the segment's champion."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from tests.server.conftest import Backend
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, AuditEntry
from workstation.server.strategy.run import run_strategies

DAY = date(2030, 6, 3)


def _run(backend: Backend, day: date) -> None:
    with backend.sessions.begin() as session:
        changes = DayChanges(day)
        run_strategies(session, day, changes)
        changes.stamp(session)


def test_a_lead_runs_an_experiment_to_a_promotion(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    with backend.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.status.not_in(["paid", "settled", "closed"]))
            .values(segment="able_willing", days_past_due=2, status="open")
        )
    before = lead.get("/api/v1/strategies").json()
    segment = next(s for s in before["segments"] if s["segment"] == "able_willing")
    assert segment["champion_id"] == "standard-v1"
    assert {s["id"] for s in before["strategies"]} >= {"standard-v1", "early-call-v1"}
    body = {"name": "Early call", "segment": "able_willing", "challenger_id": "early-call-v1",
            "share": 0.5, "confidence": 0.95, "started_on": DAY.isoformat()}  # fmt: skip
    made = lead.post("/api/v1/strategies/experiments", body)
    assert made.status_code == 201, made.text
    experiment = made.json()
    assert experiment["champion_id"] == "standard-v1"
    again = lead.post("/api/v1/strategies/experiments", body)
    assert again.status_code == 409  # one running experiment per segment
    bad = lead.post("/api/v1/strategies/experiments", {**body, "challenger_id": "nope"})
    assert bad.status_code == 422
    _run(backend, DAY)
    _run(backend, DAY + timedelta(days=1))
    got = lead.get(
        f"/api/v1/strategies/experiments/{experiment['id']}/results",
        params={"as_of": (DAY + timedelta(days=8)).isoformat()},
    )
    assert got.status_code == 200, got.text
    out = got.json()
    assigned = out["assigned"]
    assert assigned["champion"] > 0
    assert assigned["challenger"] > 0
    to_date = out["results"]["to_date"]
    assert to_date["accounts"] == assigned
    keys = [m["key"] for m in to_date["metrics"]]
    assert keys[:3] == ["recovery_rate", "cure_rate", "roll_rate"]
    assert "complaints_per_1000" in keys
    assert "contacts_per_1000_collected" in keys
    assert to_date["verdict"] in ("ahead", "behind", "not_yet_distinguishable")
    assert len(out["results"]["weeks"]) == 2  # 3 June 2030 is a Monday: two weeks to the 11th
    # the desk: an account's arm and the strategy's steps on it
    li = backend.login("li.na")
    with backend.sessions() as session:
        mine = session.scalar(
            select(AccountRow.id).where(
                AccountRow.owner_id == backend.users["li.na"].user_id, AccountRow.status == "open"
            )
        )
    arms = li.get(f"/api/v1/strategies/accounts/{mine}").json()
    assert arms["arms"][0]["experiment_id"] == experiment["id"]
    assert arms["arms"][0]["arm"] in ("champion", "challenger")
    # promote: audited, and the segment's champion changes
    promoted = lead.post(
        f"/api/v1/strategies/experiments/{experiment['id']}/promote", {"note": "calls pay"}
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["status"] == "promoted"
    after = lead.get("/api/v1/strategies").json()
    segment = next(s for s in after["segments"] if s["segment"] == "able_willing")
    assert segment["champion_id"] == "early-call-v1"
    assert segment["running"] is None
    stop = lead.post(f"/api/v1/strategies/experiments/{experiment['id']}/stop", {})
    assert stop.status_code == 409
    with backend.sessions() as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "strategy.experiment.promote")
        )
    assert entry is not None
    assert entry.detail["challenger"] == "early-call-v1"
    assert entry.user_id == backend.users["zhao.min"].user_id
