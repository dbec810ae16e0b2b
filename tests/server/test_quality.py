"""Quality review on the real server (issue 18), on SQLite and PostgreSQL: the weekly sample
picks overrides, incidents and a random share, once per week whoever runs it; a lead scores
a sample with the rubric beside its event and history; the agent reads and acknowledges it;
a second lead's scoring shows the disagreement; the QA KPIs count the review of record.
Who may do each is tested here too (``test_authorization`` points to it)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Api, Backend, running_backend
from workstation.domain.model import new_id
from workstation.quality.rubric import default_rubric
from workstation.server.models import AccountRow, AuditEntry, Team
from workstation.server.quality.models import QaReview, QaSample, QaSamplingRun
from workstation.server.quality.sampling import (
    last_whole_week,
    monday_of,
    sample_week,
    weeks_to_sample,
)

POLICY = default_rubric().sampling
# weeks far from the seeded history (120 days back), inside what a device may still report
WEEK = monday_of(datetime.now(UTC).date() - timedelta(days=210))
RACE_WEEK = WEEK + timedelta(days=7)
ALL_MET = {item.id: "met" for item in default_rubric().items}


def _at(week: date, day: int, hour: int = 10) -> datetime:
    return datetime.combine(week + timedelta(days=day), time(hour), UTC)


def _accounts(backend: Backend, username: str, n: int) -> list[AccountRow]:
    with backend.sessions() as session:
        rows = session.scalars(
            select(AccountRow)
            .where(AccountRow.owner_id == backend.users[username].user_id)
            .order_by(AccountRow.id)
            .limit(n)
        ).all()
    assert len(rows) == n
    return list(rows)


def _push(api: Api, account: AccountRow, kind: str, payload: dict[str, Any], at: datetime) -> str:
    event_id = new_id()
    body = {"id": event_id, "type": kind, "account_id": account.id,
            "occurred_at": at.isoformat(), "payload": payload}  # fmt: skip
    response = api.push(api.mutation("event.create", body))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied", response.text
    return event_id


def _call(api: Api, account: AccountRow, at: datetime, code: str = "RPC_NC", **extra: Any) -> str:
    return _push(api, account, "contact_attempt", {"channel": "phone", "disposition": code,
                                                   "notes": f"call {code}", **extra}, at)  # fmt: skip


@pytest.fixture(scope="module")
def week(backend: Backend) -> dict[str, Any]:
    """Li Na's and Chen Jie's week: an override, a call a complaint followed, ordinary calls,
    a no-answer; a call the week before that a dispute followed into this week. Sampled."""
    li, chen = backend.login("li.na"), backend.login("chen.jie")
    accounts = _accounts(backend, "li.na", 7)
    chen_accounts = _accounts(backend, "chen.jie", 3)
    ids: dict[str, Any] = {
        "override": _call(li, accounts[0], _at(WEEK, 0),
                          override_reason="customer asked to be called back at once"),
        "complained": _call(li, accounts[1], _at(WEEK, 1)),
        "ordinary": [_call(li, accounts[i], _at(WEEK, i)) for i in range(2, 6)],
        "no_answer": _call(li, accounts[6], _at(WEEK, 2), code="NA"),
        "undisclosed": _call(li, accounts[5], _at(WEEK, 4, 15), disclosures_given=["recording"],
                             disclosures_missing=["no_third_parties", "dispute_and_complaint"],
                             disclosures_reason="the customer hung up"),
        "before": _call(li, accounts[6], _at(WEEK, -3)),
        "chen": [_call(chen, chen_accounts[i], _at(WEEK, i)) for i in range(3)],
    }  # fmt: skip
    _push(li, accounts[1], "complaint",
          {"category": "staff_conduct", "details": "rude on the phone"}, _at(WEEK, 3))  # fmt: skip
    _push(li, accounts[6], "dispute",
          {"reason": "amount_wrong", "details": "", "status": "pending_validation"},
          _at(WEEK, 1))  # fmt: skip
    _push(li, accounts[2], "satisfaction", {"score": 2}, _at(WEEK, 2, 11))
    assert sample_week(backend.sessions, WEEK, POLICY) is not None
    li.http.close()
    chen.http.close()
    return ids


def test_disclosures_not_given_are_audited_with_the_reason(
    backend: Backend, week: dict[str, Any]
) -> None:
    with backend.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "disclosures.not_given",
                AuditEntry.entity_id == week["undisclosed"],
            )
        ).one()
    assert entry.user_id == backend.users["li.na"].user_id
    assert entry.detail["missing"] == ["no_third_parties", "dispute_and_complaint"]
    assert entry.detail["reason"] == "the customer hung up"


def _samples(backend: Backend, week: date) -> dict[str, QaSample]:
    with backend.sessions() as session:
        return {
            s.event_id: s for s in session.scalars(select(QaSample).where(QaSample.week == week))
        }


# --- the weekly sample --------------------------------------------------------------------------


def test_the_sample_takes_every_override_and_incident_and_a_random_share(
    backend: Backend, week: dict[str, Any]
) -> None:
    samples = _samples(backend, WEEK)
    assert samples[week["override"]].reasons == ["override"]
    assert samples[week["complained"]].reasons == ["complaint"]
    # a call of the week before, whose dispute came within the incident days, is taken now
    assert samples[week["before"]].reasons == ["dispute"]
    assert week["no_answer"] not in samples  # not a conversation
    assert samples[week["undisclosed"]].reasons == ["disclosures"]
    li = backend.users["li.na"].user_id
    random_li = [e for e in week["ordinary"] if e in samples]
    # seven conversations of Li Na's in the week (those taken for a reason count): 5 % of
    # seven, rounded up, is one; it comes from those not already taken
    assert len(random_li) == 1
    assert samples[random_li[0]].reasons == ["random"]
    assert {s.agent_id for s in samples.values() if s.event_id in week["ordinary"]} == {li}
    assert len([e for e in week["chen"] if e in samples]) == 1
    assert {s.status for s in samples.values()} <= {"open", "reviewed"}
    team = _team_of(backend, "li.na")
    assert {samples[e].team_id for e in (week["override"], week["complained"])} == {team}


def test_a_week_is_sampled_once_however_many_run_it(backend: Backend, week: dict[str, Any]) -> None:
    before = _samples(backend, WEEK)
    assert sample_week(backend.sessions, WEEK, POLICY) == -1  # claimed already
    assert _samples(backend, WEEK).keys() == before.keys()
    # two processes racing for a new week: one takes it, the other finds it done or busy
    li = backend.login("li.na")
    for i, account in enumerate(_accounts(backend, "li.na", 3)):
        _call(li, account, _at(RACE_WEEK, i))
    results: list[int | None] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(sample_week(backend.sessions, RACE_WEEK, POLICY))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    taken = [r for r in results if r is not None and r >= 0]
    assert len(taken) == 1, results
    assert taken[0] >= 1
    with backend.sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(QaSamplingRun)
                .where(QaSamplingRun.week == RACE_WEEK)
            )
            == 1
        )
        assert (
            session.scalar(
                select(func.count()).select_from(QaSample).where(QaSample.week == RACE_WEEK)
            )
            == taken[0]
        )


def test_which_weeks_a_run_samples() -> None:
    sunday = date(2027, 3, 14)
    assert last_whole_week(sunday) == date(2027, 3, 8)  # the week ending that Sunday
    assert last_whole_week(sunday + timedelta(days=1)) == date(2027, 3, 8)
    assert last_whole_week(sunday - timedelta(days=1)) == date(2027, 3, 1)
    assert weeks_to_sample(None, sunday) == [date(2027, 3, 8)]  # the first run: one week
    assert weeks_to_sample(date(2027, 3, 8), sunday) == []  # done
    assert weeks_to_sample(date(2027, 2, 22), sunday) == [date(2027, 3, 1), date(2027, 3, 8)]
    assert len(weeks_to_sample(date(2026, 1, 5), sunday)) == 8  # catch-up is bounded


# --- scoring, reading, acknowledging ---------------------------------------------------------


def _team_of(backend: Backend, username: str) -> str:
    with backend.sessions() as session:
        team = session.get(Team, _user_team(backend, username))
        assert team is not None
        return team.id


def _user_team(backend: Backend, username: str) -> str:
    from workstation.server.models import User

    with backend.sessions() as session:
        user = session.get(User, backend.users[username].user_id)
        assert user is not None
        assert user.team_id
        return user.team_id


def _sample_id(lead: Api, event_id: str) -> str:
    rows = lead.get("/api/v1/quality/samples", params={"week": WEEK.isoformat()}).json()
    return next(r["id"] for r in rows if r["event_id"] == event_id)


def test_lead_scores_beside_the_history_and_the_agent_reads_it(
    backend: Backend, week: dict[str, Any]
) -> None:
    lead = backend.login("zhao.min")
    listed = lead.get("/api/v1/quality/samples", params={"week": WEEK.isoformat()})
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    team = _team_of(backend, "li.na")
    assert rows
    assert all(r["agent_id"] != backend.users["maria.lopez"].user_id for r in rows)
    override = next(r for r in rows if r["event_id"] == week["override"])
    assert override["reasons"] == ["override"]
    assert override["disposition"] == "RPC_NC"
    assert override["agent_name"]
    assert override["notes"] == "call RPC_NC"

    detail = lead.get(f"/api/v1/quality/samples/{override['id']}").json()
    assert detail["event"]["id"] == week["override"]
    assert detail["event"]["payload"]["override_reason"].startswith("customer asked")
    assert detail["account"]["id"] == detail["account_id"]
    assert detail["customer"]["id"] == detail["customer_id"]
    assert week["override"] in {e["id"] for e in detail["history"]}
    assert detail["reviews"] == []

    answers = {**ALL_MET, "no_threats": "not_met", "hardship_offered": "na"}
    scored = lead.post(
        f"/api/v1/quality/samples/{override['id']}/reviews",
        {"answers": answers, "item_notes": {"no_threats": "said we would call her employer"},
         "comment": "Never mention the employer. Good identity check."},
    )  # fmt: skip
    assert scored.status_code == 201, scored.text
    review = scored.json()
    # met: 100 - 20 (no threats) - 15 (hardship n/a) = 65 of the 85 that applied
    assert review["score"] == "76.5"
    assert review["critical_failed"] is True
    assert review["passed"] is False
    assert review["calibration"] is False
    assert review["status"] == "submitted"
    again = lead.post(f"/api/v1/quality/samples/{override['id']}/reviews", {"answers": ALL_MET})
    assert again.status_code == 409
    assert again.json()["error"] == "already_reviewed"
    missing = lead.post(f"/api/v1/quality/samples/{_sample_id(lead, week['complained'])}/reviews",
                        {"answers": {"empathy": "met"}})  # fmt: skip
    assert missing.status_code == 422
    assert "identity_verified" in missing.json()["message"]
    not_na = lead.post(f"/api/v1/quality/samples/{_sample_id(lead, week['complained'])}/reviews",
                       {"answers": {**ALL_MET, "no_threats": "na"}})  # fmt: skip
    assert not_na.status_code == 422
    with backend.sessions() as session:
        sample = session.get(QaSample, override["id"])
        assert sample is not None
        assert sample.status == "reviewed"
        assert sample.team_id == team
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "qa.review", AuditEntry.entity_id == review["id"])
            )
            == 1
        )

    li, chen = backend.login("li.na"), backend.login("chen.jie")
    mine = li.get("/api/v1/quality/reviews/mine").json()
    seen = next(r for r in mine if r["id"] == review["id"])
    assert seen["comment"].startswith("Never mention the employer")
    assert seen["item_notes"] == {"no_threats": "said we would call her employer"}
    assert seen["reviewer_name"]
    assert seen["disposition"] == "RPC_NC"
    assert review["id"] not in {r["id"] for r in chen.get("/api/v1/quality/reviews/mine").json()}
    assert chen.post(f"/api/v1/quality/reviews/{review['id']}/acknowledge").status_code == 404
    read = li.post(f"/api/v1/quality/reviews/{review['id']}/acknowledge",
                   {"reply": "Understood, I will not."})  # fmt: skip
    assert read.status_code == 200, read.text
    assert read.json()["status"] == "acknowledged"
    assert read.json()["reply"]
    twice = li.post(f"/api/v1/quality/reviews/{review['id']}/acknowledge")
    assert twice.status_code == 409
    assert twice.json()["error"] == "wrong_state"


def test_calibration_shows_where_two_leads_disagree_and_kpis_count_the_first(
    backend: Backend, week: dict[str, Any]
) -> None:
    admin = backend.login("admin")
    name = f"lead.{uuid.uuid4().hex[:6]}"
    made = admin.post("/api/v1/admin/users", {"username": name, "password": "second-lead",
                                              "role": "lead",
                                              "team_id": _team_of(backend, "li.na")})  # fmt: skip
    assert made.status_code == 201, made.text
    first, second = backend.login("zhao.min"), backend.login(name, "second-lead")
    sample = _sample_id(first, week["complained"])
    a = first.post(f"/api/v1/quality/samples/{sample}/reviews",
                   {"answers": {**ALL_MET, "hardship_offered": "na"}})  # fmt: skip
    b = second.post(f"/api/v1/quality/samples/{sample}/reviews",
                    {"answers": {**ALL_MET, "empathy": "not_met", "hardship_offered": "na"},
                     "comment": "tone was curt"})  # fmt: skip
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    assert a.json()["calibration"] is False
    assert b.json()["calibration"] is True
    assert (a.json()["score"], b.json()["score"]) == ("100.0", "88.2")  # 75 of 85
    cal = first.get("/api/v1/quality/calibration",
                    params={"from": WEEK.isoformat(),
                            "to": (WEEK + timedelta(days=6)).isoformat()}).json()  # fmt: skip
    entry = next(c for c in cal if c["sample_id"] == sample)
    assert entry["disagreements"] == ["empathy"]
    assert entry["score_spread"] == "11.8"
    assert entry["verdicts_differ"] is False  # both pass: 100.0 and 88.2 ≥ 80
    assert [r["reviewer_name"] for r in entry["reviews"]] != ["", ""]
    # the agent sees the review of record, not the calibration one
    li = backend.login("li.na")
    assert b.json()["id"] not in {r["id"] for r in li.get("/api/v1/quality/reviews/mine").json()}

    kpis = first.get("/api/v1/quality/kpis", params={
        "from": WEEK.isoformat(), "to": (WEEK + timedelta(days=6)).isoformat()})  # fmt: skip
    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    li_row = next(r for r in body["agents"] if r["username"] == "li.na")
    with backend.sessions() as session:
        of_record = session.scalars(
            select(QaReview).where(
                QaReview.agent_id == backend.users["li.na"].user_id,
                QaReview.calibration.is_(False),
                QaReview.occurred_at >= _at(WEEK, 0, 0),
                QaReview.occurred_at < _at(WEEK, 7, 0),
            )
        ).all()
    assert li_row["counts"]["reviews"] == len(of_record) >= 1
    fails = sum(r.critical_failed for r in of_record)
    assert li_row["counts"]["critical_fails"] == fails
    mean = sum(r.score_tenths for r in of_record) / len(of_record) / 10
    assert abs(float(li_row["kpis"]["qa_score"]) - mean) < 0.006
    # the outcomes beside: a satisfaction score of 2 recorded that week
    assert li_row["kpis"]["mean_satisfaction"] == "2.00"
    assert "complaints_per_1000" in li_row["kpis"]
    assert body["team"]["counts"]["reviews"] >= li_row["counts"]["reviews"]


# --- who may do what ------------------------------------------------------------------------------


def test_only_the_teams_lead_scores_and_only_the_agent_reads(
    backend: Backend, week: dict[str, Any]
) -> None:
    lead = backend.login("zhao.min")
    sample = _sample_id(lead, week["before"])
    review_id = lead.post(f"/api/v1/quality/samples/{sample}/reviews",
                          {"answers": ALL_MET}).json()["id"]  # fmt: skip
    other_lead = backend.login("dana.white")
    assert all(r["id"] != sample for r in other_lead.get("/api/v1/quality/samples").json())
    for who in ("li.na", "chen.jie", "wang.qiang", "admin"):
        api = backend.login(who)
        for method, path, body in (
            ("GET", "/api/v1/quality/samples", None),
            ("GET", f"/api/v1/quality/samples/{sample}", None),
            ("POST", f"/api/v1/quality/samples/{sample}/reviews", {"answers": ALL_MET}),
            ("GET", "/api/v1/quality/calibration", None),
            ("GET", "/api/v1/quality/kpis", None),
        ):
            response = api.http.request(method, api.base + path, json=body, timeout=30)
            assert response.status_code == 403, (who, path, response.text)
            assert set(response.json()) == {"error", "message"}
    for method, path, body in (
        ("GET", f"/api/v1/quality/samples/{sample}", None),
        ("POST", f"/api/v1/quality/samples/{sample}/reviews", {"answers": ALL_MET}),
    ):
        response = other_lead.http.request(method, other_lead.base + path, json=body, timeout=30)
        assert response.status_code == 404, response.text  # out of scope reads as absent
    for who in ("zhao.min", "admin"):
        api = backend.login(who)
        assert api.get("/api/v1/quality/reviews/mine").status_code == 403
        assert api.post(f"/api/v1/quality/reviews/{review_id}/acknowledge").status_code == 403
    maria = backend.login("maria.lopez")
    assert maria.get("/api/v1/quality/reviews/mine").json() == []
    assert maria.post(f"/api/v1/quality/reviews/{review_id}/acknowledge").status_code == 404


def test_the_command_samples_the_last_whole_week_once(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from workstation.server.cli import main

    with running_backend("sqlite", tmp_path_factory, accounts=30) as fresh:
        api = fresh.login("li.na")
        today = datetime.now(UTC).date()
        account = _accounts(fresh, "li.na", 1)[0]
        call = _call(
            api,
            account,
            datetime.now(UTC) - timedelta(minutes=5),
            override_reason="customer rang back",
        )
        sunday = monday_of(today) + timedelta(days=6)
        assert main(["qa-sample", "--db", fresh.url, "--as-of", sunday.isoformat(), "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert list(report["weeks"]) == [monday_of(today).isoformat()]
        assert call in _samples(fresh, monday_of(today))
        assert main(["qa-sample", "--db", fresh.url, "--as-of", sunday.isoformat()]) == 0
        assert "nothing to do" in capsys.readouterr().out
        assert main(["qa-sample", "--db", fresh.url, "--as-of", "31-12-2027"]) == 2
