"""The propensity scorecard: monotone in obvious features, explains itself, fits, loads strictly."""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from workstation.queue import (
    FEATURES,
    Scorecard,
    ScorecardError,
    auc,
    default_scorecard,
    extract_features,
    fit_logistic,
    fit_scorecard,
    load_scorecard,
)
from workstation.queue.fit import FitError
from workstation.resources import resource_path

AVERAGE = {f.name: f.mean for f in default_scorecard().features}


def test_the_shipped_scorecard_loads_with_a_version_and_known_features() -> None:
    card = default_scorecard()
    assert card.version
    assert {f.name for f in card.features} <= set(FEATURES)
    assert card.trained_on["holdout_auc"] > 0.6


@pytest.mark.parametrize(
    ("feature", "more_is_better"),
    [
        ("days_past_due", False),
        ("rpc_share", True),
        ("promise_share", True),
        ("kept_promises", True),
        ("income_margin", True),
        ("hardship", False),
    ],
)
def test_probability_is_monotone_in_obvious_features(feature: str, more_is_better: bool) -> None:
    card = default_scorecard()
    values = [0.0, 0.25, 0.5, 1.0, 2.0, 30.0, 90.0, 360.0]
    probabilities = [card.probability({**AVERAGE, feature: v}) for v in values]
    pairs = list(pairwise(probabilities))
    if more_is_better:
        assert all(b >= a for a, b in pairs)
    else:
        assert all(b <= a for a, b in pairs)
    assert probabilities[0] != probabilities[-1]


def test_every_fitted_coefficient_agrees_with_its_expected_sign() -> None:
    for feature in default_scorecard().features:
        assert feature.expected_sign * feature.coefficient >= 0, feature.name


def test_reasons_name_the_largest_contributors_with_direction_and_group() -> None:
    card = default_scorecard()
    features = {**AVERAGE, "days_past_due": 300.0, "promise_share": 1.0}
    result = card.score(features, top=2)
    codes = [r.code for r in result.reasons]
    assert codes == ["DAYS_PAST_DUE_HIGH", "PROMISE_SHARE_HIGH"]
    first, second = result.reasons
    assert first.direction == -1
    assert first.group == "situation"
    assert second.direction == 1
    assert second.group == "willingness"
    assert "100%" in second.text_en
    assert "100%" in second.text_zh
    assert result.by_group["willingness"] > 0 > result.by_group["situation"]
    assert math.isclose(result.probability, card.probability(features))


def test_an_average_account_has_no_reasons() -> None:
    assert default_scorecard().score(AVERAGE).reasons == ()


def test_ability_and_willingness_are_told_apart() -> None:
    card = default_scorecard()
    poor = card.score({**AVERAGE, "income_margin": -0.5, "hardship": 1.0}, top=2)
    assert {r.group for r in poor.reasons} == {"ability"}
    assert poor.by_group["ability"] < 0
    assert card.reason_for_code("HARDSHIP_HIGH") is not None
    assert card.reason_for_code("NOT_A_FEATURE_HIGH") is None


def test_fit_logistic_recovers_known_coefficients() -> None:
    rng = random.Random(4)
    truth = (-0.5, 1.5, -2.0, 0.0)
    xs = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(6000)]
    ys = [
        rng.random()
        < 1 / (1 + math.exp(-(truth[0] + sum(b * x for b, x in zip(truth[1:], row, strict=True)))))
        for row in xs
    ]
    fit = fit_logistic(xs, ys, l2=0.0)
    assert fit.converged
    assert fit.intercept == pytest.approx(truth[0], abs=0.12)
    for got, want in zip(fit.coefficients, truth[1:], strict=True):
        assert got == pytest.approx(want, abs=0.15)
    # deterministic: the same samples give the same model
    assert fit_logistic(xs, ys, l2=0.0) == fit


def test_fit_refuses_samples_it_cannot_learn_from() -> None:
    with pytest.raises(FitError, match="only one outcome"):
        fit_logistic([[1.0], [2.0]], [True, True])
    with pytest.raises(FitError, match="no samples"):
        fit_logistic([], [])


def test_fit_scorecard_keeps_texts_and_drops_backwards_features() -> None:
    rng = random.Random(9)
    template = default_scorecard()
    samples = []
    for _ in range(1500):
        dpd = rng.uniform(0, 300)
        noise = rng.random()  # hardship here *raises* payment: the fit must not ship that
        hardship = 1.0 if noise < 0.3 else 0.0
        z = 1.0 - dpd / 100 + 0.8 * hardship
        samples.append(
            ({"days_past_due": dpd, "hardship": hardship}, rng.random() < 1 / (1 + math.exp(-z)))
        )
    card = fit_scorecard(samples, template, version="test-1")
    by_name = {f.name: f for f in card.features}
    assert by_name["days_past_due"].coefficient < 0
    assert by_name["hardship"].coefficient == 0
    assert "hardship" in card.trained_on["dropped_for_sign"]
    assert (
        by_name["hardship"].high
        == template.features[[f.name for f in template.features].index("hardship")].high
    )
    assert card.version == "test-1"


def test_auc_counts_ties_half() -> None:
    assert auc([0.1, 0.9], [0, 1]) == 1.0
    assert auc([0.9, 0.1], [0, 1]) == 0.0
    assert auc([0.5, 0.5], [0, 1]) == 0.5
    with pytest.raises(ValueError, match="positive and one negative"):
        auc([0.1], [1])


def test_the_scorecard_beats_auc_065_on_held_out_generator_history() -> None:
    from workstation.demo.generator import generate_portfolio_with_truth
    from workstation.queue.train_default import AS_OF, training_samples

    portfolio, _ = generate_portfolio_with_truth(6000, seed=77, as_of=AS_OF)
    samples, _ = training_samples(portfolio)
    card = default_scorecard()
    measured = auc([card.probability(f) for f, _ in samples], [y for _, y in samples])
    assert measured > 0.65


def test_features_come_from_history_before_the_cut_only() -> None:
    from workstation.demo.generator import generate_portfolio

    as_of = datetime(2026, 3, 2, 9, tzinfo=UTC)
    portfolio = generate_portfolio(60, seed=5, as_of=as_of)
    customers = {c.id: c for c in portfolio.customers}
    events = defaultdict(list)
    for event in portfolio.events:
        events[event.account_id].append(event)
    for account in portfolio.accounts:
        history = events[account.id]
        full = extract_features(customers[account.customer_id], account, history, as_of)
        early = [e for e in history if e.occurred_at < datetime(2026, 2, 1, tzinfo=UTC)]
        cut = extract_features(
            customers[account.customer_id], account, history, datetime(2026, 2, 1, tzinfo=UTC)
        )
        again = extract_features(
            customers[account.customer_id], account, early, datetime(2026, 2, 1, tzinfo=UTC)
        )
        assert cut == again
        assert set(full) <= set(FEATURES)


def test_a_payment_the_bank_took_back_is_no_evidence_of_paying() -> None:
    from dataclasses import replace

    from workstation.demo.generator import generate_portfolio
    from workstation.domain import Event, EventType

    as_of = datetime(2026, 3, 2, 9, tzinfo=UTC)
    portfolio = generate_portfolio(20, seed=5, as_of=as_of)
    account = portfolio.accounts[0]
    customer = next(c for c in portfolio.customers if c.id == account.customer_id)
    paid = Event("pay-1", EventType.PAYMENT, account.id, customer.id,
                 datetime(2026, 2, 20, tzinfo=UTC), "bank file",
                 {"amount": "500.00", "currency": account.currency, "source": "confirmed"})  # fmt: skip
    back = Event("ret-1", EventType.PAYMENT_RETURN, account.id, customer.id,
                 datetime(2026, 2, 25, tzinfo=UTC), "bank file",
                 {"target_event_id": "pay-1", "reason": "insufficient_funds"})  # fmt: skip
    with_money = extract_features(customer, account, [paid], as_of)
    taken_back = extract_features(customer, account, [paid, back], as_of)
    assert with_money["payments_recent"] == 1
    assert taken_back["payments_recent"] == 0
    assert taken_back["paid_share_recent"] == 0
    # a return after the cut is not known at the cut: the payment still counts there
    late = replace(back, occurred_at=datetime(2026, 3, 5, tzinfo=UTC))
    assert extract_features(customer, account, [paid, late], as_of)["payments_recent"] == 1


# malformed files ---------------------------------------------------------------------------
def _write(tmp_path: Path, mutate: object) -> Path:
    data = json.loads(resource_path("scorecard.json").read_text(encoding="utf-8"))
    mutate(data)  # type: ignore[operator]
    path = tmp_path / "scorecard.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "'version'"),
        (lambda d: d.update(intercept="high"), "'intercept'"),
        (lambda d: d["features"][0].update(name="shoe_size"), r"features\[1\]: 'name'"),
        (lambda d: d["features"][1].update(scale=0), r"features\[2\] \(log_balance\): 'scale'"),
        (lambda d: d["features"][2]["high"].pop("zh"), r"'high\.zh'"),
        (lambda d: d["features"][0]["low"].update(en="{amount}"), r"'low\.en' is not a valid"),
        (lambda d: d["features"][0].update(group="ability"), r"days_past_due\): 'group'"),
        (lambda d: d["features"].append(d["features"][0]), "appears twice"),
        (lambda d: d["features"][0].update(expected_sign=2), "'expected_sign'"),
    ],
)
def test_a_malformed_scorecard_names_the_file_and_key(
    tmp_path: Path, mutate: object, message: str
) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(ScorecardError, match=message) as caught:
        load_scorecard(path)
    assert str(path) in str(caught.value)


def test_a_scorecard_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ScorecardError, match=r"broken\.json: not valid JSON"):
        load_scorecard(path)


def test_a_scorecard_round_trips_through_its_file(tmp_path: Path) -> None:
    card = default_scorecard()
    card.dump(tmp_path / "copy.json")
    again = load_scorecard(tmp_path / "copy.json")
    assert isinstance(again, Scorecard)
    assert again.features == card.features
    assert again.probability(AVERAGE) == card.probability(AVERAGE)
