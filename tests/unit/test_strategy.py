"""Strategies as data, their cadence, champion/challenger assignment and the statistics."""

from __future__ import annotations

import random
import tomllib
from datetime import date
from pathlib import Path

import pytest

from workstation.domain.enums import Bucket
from workstation.strategy import (
    CHALLENGER,
    SEGMENTS,
    AccountState,
    RatioSums,
    StrategyError,
    Verdict,
    assign,
    compare,
    default_book,
    due_steps,
    load_book,
    parse_strategy,
    segment_of,
    stopped_by,
    stratum,
    unit_hash,
    visit_wanted,
)
from workstation.strategy.cadence import next_due_date
from workstation.strategy.model import Stop, Task
from workstation.strategy.stats import Stratum, compare_strata, guard_rail_broken

STANDARD = Path(__file__).parents[2] / "resources" / "strategies" / "standard-v1.toml"


def _doc() -> dict:
    return tomllib.loads(STANDARD.read_text(encoding="utf-8"))


def test_the_shipped_strategies_load_with_a_champion() -> None:
    book = default_book()
    assert book.default_champion == "standard-v1"
    assert {"standard-v1", "early-call-v1"} <= set(book.ids())
    champion = book.get("standard-v1")
    assert champion.stop_when == frozenset(Stop)
    # every segment has something to do once late
    late = [b for b in Bucket if b is not Bucket.CURRENT]
    for segment in SEGMENTS:
        assert any(champion.steps_for(segment, bucket) for bucket in late)


def test_a_bad_file_names_every_problem_with_its_key() -> None:
    data = _doc()
    data["stop_when"] = ["promise", "payday"]
    data["cadence"][1]["steps"][0]["channel"] = "pigeon"
    data["cadence"][1]["steps"][1]["day"] = "seven"
    data["cadence"][2]["segments"] = ["rich"]
    data["cadence"][2]["steps"][1]["template"] = "x"  # a task with a template
    with pytest.raises(StrategyError) as caught:
        parse_strategy(data, "bad.toml")
    message = str(caught.value)
    assert message.startswith("bad.toml: 5 problem(s)")
    for key in (
        "stop_when: 'payday'",
        "cadence[1].steps[0].channel: 'pigeon'",
        "cadence[1].steps[1].day",
        "cadence[2].segments: 'rich'",
        "cadence[2].steps[1].template: a task has no template",
    ):
        assert key in message
    assert "催收策略无效" in caught.value.text.zh or "处错误" in caught.value.text.zh


def test_a_visit_by_sms_and_a_late_step_on_a_current_account_are_refused() -> None:
    data = _doc()
    data["cadence"][0]["steps"][0]["day"] = 3  # after the due date, on a current account
    data["cadence"][5]["steps"][0] = {
        "id": "v",
        "anchor": "delinquency",
        "day": 60,
        "channel": "visit",
        "template": "payment_reminder",
    }
    with pytest.raises(StrategyError, match="before its due date") as caught:
        parse_strategy(data, "bad.toml")
    assert "messages go by sms or email" in str(caught.value)


def test_a_strategy_naming_an_unknown_template_is_refused(tmp_path: Path) -> None:
    text = STANDARD.read_text(encoding="utf-8").replace('"due_soon"', '"due_s00n"')
    (tmp_path / "standard-v1.toml").write_text(text, encoding="utf-8")
    (tmp_path / "champion.txt").write_text("standard-v1\n", encoding="utf-8")
    with pytest.raises(StrategyError, match="no message template 'due_s00n'"):
        load_book(tmp_path)
    (tmp_path / "standard-v1.toml").write_text(STANDARD.read_text("utf-8"), encoding="utf-8")
    (tmp_path / "champion.txt").write_text("nobody\n", encoding="utf-8")
    with pytest.raises(StrategyError, match=r"champion\.txt must name"):
        load_book(tmp_path)


def _account(**kw: object) -> AccountState:
    base: dict[str, object] = {
        "account_id": "a1", "segment": "able_unwilling", "days_past_due": 3, "status": "open",
        "balance_minor": 800_000, "currency": "CNY", "due_day_of_month": 15, "risk": 0.2,
    }  # fmt: skip
    base.update(kw)
    return AccountState(**base)  # type: ignore[arg-type]


def test_steps_fall_due_on_their_day_and_stop_conditions_end_the_cadence() -> None:
    strategy = default_book().get("standard-v1")
    today = date(2026, 3, 10)
    assert [s.id for s in due_steps(strategy, _account(days_past_due=3), today)] == ["au-call-3"]
    assert due_steps(strategy, _account(days_past_due=4), today) == []
    assert [s.id for s in due_steps(strategy, _account(days_past_due=1), today)] == ["au-sms-1"]
    for status, stop in (("promise", Stop.PROMISE), ("plan", Stop.PLAN), ("paid", Stop.PAID),
                         ("hold", Stop.HOLD), ("dispute", Stop.HOLD)):  # fmt: skip
        account = _account(days_past_due=3, status=status)
        assert stopped_by(strategy, account) is stop
        assert due_steps(strategy, account, today) == []
    assert due_steps(strategy, _account(days_past_due=3, open_promise=True), today) == []
    assert due_steps(strategy, _account(days_past_due=3, plan_active=True), today) == []


def test_pre_due_steps_reach_only_current_accounts_at_high_risk() -> None:
    strategy = default_book().get("standard-v1")
    today = date(2026, 3, 12)  # the due date (15th) is three days away
    risky = _account(days_past_due=0, risk=0.8)
    assert [s.id for s in due_steps(strategy, risky, today)] == ["pre-due-sms"]
    assert due_steps(strategy, _account(days_past_due=0, risk=0.3), today) == []
    assert due_steps(strategy, _account(days_past_due=0, risk=None), today) == []
    assert due_steps(strategy, risky, date(2026, 3, 11)) == []
    # the challenger intervenes earlier in risk
    challenger = default_book().get("early-call-v1")
    assert [s.id for s in due_steps(challenger, _account(days_past_due=0, risk=0.55), today)]


def test_next_due_date_clamps_to_short_months() -> None:
    assert next_due_date(31, date(2026, 2, 10)) == date(2026, 2, 28)
    assert next_due_date(15, date(2026, 2, 16)) == date(2026, 3, 15)
    assert next_due_date(31, date(2026, 12, 31)) == date(2026, 12, 31)


def test_field_visits_go_only_to_late_large_accounts() -> None:
    strategy = default_book().get("standard-v1")
    today = date(2026, 3, 10)
    small = _account(days_past_due=60, balance_minor=30_000)  # 300 yuan
    large = _account(days_past_due=60, balance_minor=900_000)
    assert due_steps(strategy, small, today) == []
    assert [s.task for s in due_steps(strategy, large, today)] == [Task.VISIT]
    assert not visit_wanted(strategy, small)
    assert visit_wanted(strategy, large)
    assert not visit_wanted(strategy, _account(days_past_due=20, balance_minor=900_000))
    assert not visit_wanted(strategy, _account(days_past_due=70, balance_minor=900_000,
                                               status="plan"))  # fmt: skip


def test_segment_reads_the_models_and_falls_back_on_score_and_age() -> None:
    assert segment_of(segment="unable_willing") == "unable_willing"
    assert segment_of(ability=0.7, willingness=0.2) == "able_unwilling"
    assert segment_of(score=0.8, days_past_due=10) == "able_willing"
    assert segment_of(score=0.1, days_past_due=120) == "unable_unwilling"


def test_assignment_is_deterministic_stratified_and_stable() -> None:
    ids = [f"acc-{n:05d}" for n in range(4000)]
    strata = {i: stratum(["1-29", "30-59", "90-179"][n % 3], [500, 5000, 50000][n % 7 % 3])
              for n, i in enumerate(ids)}  # fmt: skip
    arms = assign(((i, strata[i]) for i in ids), "exp-1", 0.25)
    again = assign(((i, strata[i]) for i in reversed(ids)), "exp-1", 0.25)
    assert arms == again  # the order accounts come in changes nothing
    other = assign(((i, strata[i]) for i in ids), "exp-2", 0.25)
    assert arms != other  # another experiment draws afresh
    for key in set(strata.values()):
        members = [i for i in ids if strata[i] == key]
        share = sum(arms[i] == CHALLENGER for i in members) / len(members)
        assert abs(share - 0.25) <= 1 / len(members) + 1e-9
    assert 0 <= unit_hash("acc-1", "exp-1") < 1
    assert unit_hash("acc-1", "exp-1") == unit_hash("acc-1", "exp-1")
    with pytest.raises(ValueError, match="between 0 and 1"):
        assign([("a", "s")], "e", 1.0)


def _arm(rng: random.Random, n: int, p: float) -> RatioSums:
    sums = RatioSums()
    for _ in range(n):
        sums.add(1.0 if rng.random() < p else 0.0, 1.0)
    return sums


def test_the_statistics_detect_a_known_uplift() -> None:
    rng = random.Random(17)
    result = compare(_arm(rng, 4000, 0.20), _arm(rng, 4000, 0.25), 0.95)
    assert result.verdict is Verdict.AHEAD
    assert result.difference.low is not None
    assert result.difference.low > 0
    assert result.champion.low < 0.20 < result.champion.high  # type: ignore[operator]
    worse = compare(_arm(rng, 4000, 0.25), _arm(rng, 4000, 0.20), 0.95)
    assert worse.verdict is Verdict.BEHIND
    # lower is better (complaints, roll rate): more is behind
    assert compare(_arm(rng, 4000, 0.05), _arm(rng, 4000, 0.09), 0.95,
                   higher_is_better=False).verdict is Verdict.BEHIND  # fmt: skip


def test_identical_arms_are_declared_different_no_more_often_than_the_error_rate() -> None:
    rng = random.Random(2026)
    runs, confidence = 400, 0.95
    declared = sum(
        compare(_arm(rng, 600, 0.3), _arm(rng, 600, 0.3), confidence).verdict
        is not Verdict.UNDECIDED
        for _ in range(runs)
    )
    # 5 % expected; allow sampling noise of the 400 repetitions (≈ 3 standard errors)
    assert declared / runs <= 0.05 + 3 * (0.05 * 0.95 / runs) ** 0.5


def test_ratio_interval_for_money_and_the_guard_rail() -> None:
    rng = random.Random(5)
    champion, challenger = RatioSums(), RatioSums()
    for _ in range(3000):
        placed = rng.uniform(1000, 20000)
        champion.add(placed * rng.choice((0, 0, 0.3, 1.0)), placed)
        challenger.add(placed * rng.choice((0, 0.3, 0.3, 1.0)), placed)
    result = compare(champion, challenger, 0.9)
    assert result.verdict is Verdict.AHEAD
    assert result.challenger.value is not None
    assert 0.35 < result.challenger.value < 0.45
    complaints = compare(_arm(rng, 3000, 0.002), _arm(rng, 3000, 0.010), 0.95).scaled(1000)
    assert guard_rail_broken(complaints, allowed_increase=2.0)
    assert not guard_rail_broken(complaints, allowed_increase=20.0)
    empty = compare(RatioSums(), challenger, 0.95)
    assert empty.verdict is Verdict.UNDECIDED
    assert empty.difference.value is None


def _money_arm(
    rng: random.Random, n: int, placed: float, paid_shares: tuple[float, ...]
) -> RatioSums:
    sums = RatioSums()
    for _ in range(n):
        amount = placed * rng.uniform(0.5, 1.5)
        sums.add(amount * rng.choice(paid_shares), amount)
    return sums


def test_money_is_compared_within_each_currency_then_weighted() -> None:
    rng = random.Random(11)
    # one stratum is exactly the plain comparison
    a, b = _money_arm(rng, 500, 1e6, (0, 0.2)), _money_arm(rng, 500, 1e6, (0, 0.3))
    assert compare_strata([Stratum(1.0, a, b)], 0.95) == compare(a, b, 0.95)
    # CNY accounts ten thousand times larger than the USD ones: the challenger recovers the
    # same in CNY and far more in USD; per-currency ratios weighted by accounts see it, a sum
    # of minor units would not
    cny = Stratum(1000.0, _money_arm(rng, 500, 1e8, (0, 0.2)), _money_arm(rng, 500, 1e8, (0, 0.2)))
    usd = Stratum(
        1000.0, _money_arm(rng, 500, 1e4, (0, 0.2)), _money_arm(rng, 500, 1e4, (0.3, 0.5))
    )
    both = compare_strata([cny, usd], 0.95)
    assert both.verdict is Verdict.AHEAD
    assert both.champion.value is not None
    assert both.challenger.value is not None
    assert abs(both.champion.value - 0.10) < 0.02
    assert abs(both.challenger.value - (0.10 + 0.40) / 2) < 0.02
    summed = RatioSums()
    for sums in (cny.challenger, usd.challenger):
        summed.n += sums.n
        summed.sy += sums.sy
        summed.sx += sums.sx
    assert summed.ratio is not None
    assert abs(summed.ratio - 0.10) < 0.02  # the USD uplift drowned
    # a currency only one arm holds is left out, the others' weights renormalised
    gbp = Stratum(1000.0, RatioSums(), _money_arm(rng, 50, 1e5, (1.0,)))
    assert compare_strata([cny, usd, gbp], 0.95) == both
    assert compare_strata([gbp], 0.95).verdict is Verdict.UNDECIDED


def test_identical_arms_in_two_currencies_are_declared_different_no_more_than_the_error_rate() -> (
    None
):
    rng = random.Random(7)
    runs = 300
    declared = sum(
        compare_strata(
            [
                Stratum(
                    300.0,
                    _money_arm(rng, 150, 1e8, (0, 0.2, 1)),
                    _money_arm(rng, 150, 1e8, (0, 0.2, 1)),
                ),
                Stratum(
                    100.0, _money_arm(rng, 50, 1e4, (0, 0.5)), _money_arm(rng, 50, 1e4, (0, 0.5))
                ),
            ],
            0.95,
        ).verdict
        is not Verdict.UNDECIDED
        for _ in range(runs)
    )
    assert declared / runs <= 0.05 + 3 * (0.05 * 0.95 / runs) ** 0.5
