"""Training mode's core (issue 18): the scenarios and quizzes as data, the practice portfolio,
a trainee's run with the real desk service on a real store, scoring and certification.
Without Qt: the training screen only drives ``TrainingSession``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.training_play import disclosed, log, play_right
from workstation.desk import DeskService
from workstation.store import Store
from workstation.training.citations import cite
from workstation.training.data import (
    TrainingDataError,
    default_scenarios,
    parse_pack,
    parse_scenarios,
    training_pack,
    training_packs,
)
from workstation.training.scoring import (
    RecordedEvent,
    Transcript,
    TranscriptError,
    assess,
    grade_quiz,
    said,
    score_scenario,
)
from workstation.training.session import TrainingSession

NOW = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def trainee(tmp_path: Path) -> Iterator[tuple[TrainingSession, DeskService]]:
    store = Store.open(tmp_path / "practice.db")
    session = TrainingSession.start("cn-nifa", store, clock=lambda: NOW)
    desk = DeskService(store, "training-device", "liu.yang", clock=session.now)
    yield session, desk
    store.close()


# --- the data -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pack_id", ["cn-nifa", "us-regf", "uk-conc"])
def test_every_pack_has_the_six_scenarios_and_a_quiz_citing_its_own_rules(pack_id: str) -> None:
    assert pack_id in training_packs()
    pack = training_pack(pack_id)
    assert [s.id for s in pack.scenarios] == [
        "lost_job", "dispute", "third_party", "after_hours", "vulnerable", "unaffordable_plan",
    ]  # fmt: skip
    assert len(pack.questions) >= 5
    for question in pack.questions:
        citation = cite(pack_id, question.rule)
        assert citation.en.startswith(("China", "United States", "United Kingdom"))
        assert citation.zh.startswith(("中国", "美国", "英国"))
        assert question.text.zh
        assert all(c.zh for c in question.choices)


def test_a_citation_shows_the_number_the_engine_enforces() -> None:
    assert "08:00–22:00" in cite("cn-nifa", "hours.phone").en
    assert "08:00–21:00" in cite("us-regf", "hours.phone").en
    assert "at most 3 connected calls in 1 day" in cite("cn-nifa", "limit.daily_connected_cap").en
    assert "60" in cite("uk-conc", "hold.hold_breathing_space").en
    assert "5 年" in cite("cn-nifa", "record_retention").zh
    with pytest.raises(TrainingDataError, match=r"no rule 'limit\.nonsense'"):
        cite("cn-nifa", "limit.nonsense")


def _scenario_toml(**changes: object) -> dict[str, object]:
    scenario: dict[str, object] = {
        "id": "s", "title_en": "t", "title_zh": "标", "brief_en": "b", "brief_zh": "简",
        "local_time": "10:00", "balance": "10.00", "past_due": "1.00", "days_past_due": 3,
        "step": [
            {"id": "start", "say_en": "hi", "say_zh": "你好",
             "reply": [{"text_en": "a", "text_zh": "甲", "next": "end", "marks": ["m"]}]},
            {"id": "end", "say_en": "bye", "say_zh": "再见", "end": True},
        ],
        "check": [{"id": "c", "weight": 10, "said_none": ["m"], "label_en": "l",
                   "label_zh": "标", "feedback_en": "f", "feedback_zh": "反"}],
    }  # fmt: skip
    scenario.update(changes)
    return {"scenario": [scenario]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"local_time": "25:00"}, "local_time '25:00' is not HH:MM"),
        ({"title_zh": ""}, "title_en and title_zh are both needed"),
        ({"step": [{"id": "start", "say_en": "x", "say_zh": "x", "reply": [
            {"text_en": "a", "text_zh": "甲", "next": "nowhere"}]}]},
         "a reply leads to no step 'nowhere'"),
        ({"check": [{"id": "c", "weight": 10, "said_none": ["unheard"], "label_en": "l",
                     "label_zh": "标", "feedback_en": "f", "feedback_zh": "反"}]},
         "no reply makes the marks"),
        ({"check": [{"id": "c", "weight": 10, "recorded_any": ["contact_attempt:NOPE"],
                     "label_en": "l", "label_zh": "标", "feedback_en": "f",
                     "feedback_zh": "反"}]}, "NOPE is not a disposition code"),
    ],
)  # fmt: skip
def test_a_bad_scenario_file_is_refused_naming_where(change: dict, message: str) -> None:
    with pytest.raises(TrainingDataError, match="scenario 's'") as caught:
        parse_scenarios(_scenario_toml(**change))
    assert message in str(caught.value)


def test_a_question_citing_a_rule_the_pack_lacks_is_refused() -> None:
    data = {"pack": "us-regf", "pass_mark": 80, "quiz_pass_mark": 80, "scenarios": [],
            "question": [{"id": "q", "rule": "limit.daily_connected_cap", "text_en": "?",
                          "text_zh": "？", "choices_en": ["a", "b"], "choices_zh": ["甲", "乙"],
                          "answer": 0, "explain_en": "e", "explain_zh": "解"}]}  # fmt: skip
    with pytest.raises(TrainingDataError, match=r"question 1 .* has no rule"):
        parse_pack(data, default_scenarios(), "us-regf.toml")


# --- scoring -------------------------------------------------------------------------------------


def test_a_transcript_must_follow_the_dialogue() -> None:
    scenario = training_pack("cn-nifa").scenario("lost_job")
    assert scenario is not None
    assert said(scenario, [("start", 1)]) == {"pressure"}
    with pytest.raises(TranscriptError, match="no reply 7"):
        said(scenario, [("start", 7)])
    with pytest.raises(TranscriptError, match="the dialogue is at 'start'"):
        said(scenario, [("hardship", 0)])


@given(
    path=st.lists(st.integers(0, 1), max_size=3),
    flags=st.sets(
        st.sampled_from(
            ["contact_attempt:PTP", "flag_change:hardship", "promise", "contact_attempt:HARDSHIP"]
        )
    ),
)
def test_a_score_is_a_percent_and_a_critical_miss_always_fails(path, flags) -> None:  # fmt: skip
    pack = training_pack("cn-nifa")
    scenario = pack.scenario("lost_job")
    assert scenario is not None
    steps, current = [], scenario.start
    for index in path:
        if current.end:
            break
        steps.append((current.id, index))
        current = scenario.steps[current.replies[index].next]
    events = []
    for pattern in flags:
        kind, _, detail = pattern.partition(":")
        payload = {"disposition": detail} if kind == "contact_attempt" else {"flag": detail}
        events.append(RecordedEvent(kind, payload))
    result = score_scenario(scenario, Transcript("lost_job", tuple(steps), tuple(events)), 80)
    assert 0 <= result.score_tenths <= 1000
    if result.critical_failed:
        assert not result.passed
    assert result.passed == all(c.passed for c in result.checks)  # every check is critical here


def test_the_quiz_is_marked_and_a_pack_certifies_only_when_everything_passed() -> None:
    pack = training_pack("cn-nifa")
    right = {q.id: q.answer for q in pack.questions}
    assert grade_quiz(pack, right).score_tenths == 1000
    one_wrong = {**right, pack.questions[0].id: (pack.questions[0].answer + 1) % 3}
    quiz = grade_quiz(pack, one_wrong)
    assert quiz.score_tenths == 857  # 6 of 7
    assert quiz.passed
    two_wrong = {**one_wrong, pack.questions[1].id: (pack.questions[1].answer + 1) % 3}
    assert not grade_quiz(pack, two_wrong).passed  # 5 of 7 = 71.4 %
    nothing = assess(pack, {}, right, date(2027, 3, 10))
    assert not nothing.passed
    assert nothing.missing == tuple(s.id for s in pack.scenarios)
    assert nothing.certified_until is None


# --- a trainee's run with the real desk --------------------------------------------------------------


def test_practice_customers_live_in_the_packs_zone_at_the_scenarios_hour(trainee) -> None:
    session, desk = trainee
    assert {i.account_id for i in desk.queue()} == {
        p.account.id for p in session.practices.values()
    }
    session.begin("after_hours")
    local = session.now().astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.hour, local.minute) == (22, 40)
    view = desk.account(session.account_id("after_hours"))
    assert view.customer.jurisdiction == "cn-nifa"
    assert view.customer.name == "赵丽"
    assert not view.verdicts[next(iter(view.verdicts))].allowed  # the real engine: too late
    assert any(e.type == "promise" for e in view.events)  # the promise being chased


def test_pressing_a_customer_who_lost_her_job_is_caught_and_a_retry_passes(trainee) -> None:
    session, desk = trainee
    session.begin("lost_job")
    session.reply(1)  # "everyone has problems — pay half by Friday"
    assert session.step().id == "pressed"
    account = session.account_id("lost_job")
    local_today = session.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    log(desk, account, "PTP", promise_amount="700",
        promise_date=(local_today + timedelta(days=2)).isoformat(),
        **disclosed(desk, account))  # fmt: skip
    wrong = session.finish()
    assert not wrong.passed
    assert wrong.critical_failed
    assert {c.check.id for c in wrong.failed} == {"no_pressure", "hardship_recorded", "no_promise"}
    assert "lost her job" in wrong.failed[0].check.feedback.en
    assert wrong.failed[0].check.feedback.zh

    play_right(session, desk, "lost_job")
    retry = session.practices["lost_job"]
    assert retry.attempt == 2
    assert retry.account.id != account  # a fresh customer: the promise above is not hers
    right = session.finish()
    assert right.passed
    assert right.score_tenths == 1000
    assert session.passed("lost_job")


def test_the_cn_practice_certifies_with_a_passed_quiz(trainee) -> None:
    session, desk = trainee
    for scenario in session.pack.scenarios:
        play_right(session, desk, scenario.id)
        result = session.finish()
        assert result.passed, (scenario.id, [c.check.id for c in result.failed])
    assert session.scenarios_done
    for question in session.pack.questions:
        assert session.answer(question.id, question.answer)
    assessment = session.assessment()
    assert assessment.passed
    assert assessment.score_tenths == 1000
    assert assessment.certified_until == date(2028, 3, 9)  # a year from the day
    body = session.submission()
    assert body["pack"] == "cn-nifa"
    assert len(body["attempts"]) == 6
    # the server's reading of the same submission
    again = assess(
        session.pack,
        {t["scenario_id"]: [Transcript.from_wire(t)] for t in body["attempts"]},
        body["quiz"],
        date(2027, 3, 10),
    )
    assert again.passed


def test_an_unaffordable_plan_is_caught(trainee) -> None:
    session, desk = trainee
    session.begin("unaffordable_plan")
    session.reply(1)  # "six payments of 2,000 it is"
    account = session.account_id("unaffordable_plan")
    comparison = desk.compare_plans(account, instalments=6, monthly_income="4500",
                                    monthly_expenses="3800")  # fmt: skip
    option = next(o for o in comparison.options if o.kind == "instalments")
    assert option.affordable is False
    desk.agree_plan(account, option, "she insisted")
    result = session.finish()
    assert {c.check.id for c in result.failed} == {"checked", "no_unaffordable_plan",
                                                   "affordable_plan"}  # fmt: skip
