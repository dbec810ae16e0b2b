"""The 2×2 segment function and the exported ability/willingness models, evaluated without sklearn."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.enums import Segment
from workstation.queue.scorecard import sigmoid
from workstation.segments import (
    BASIS,
    DEFAULT_THRESHOLDS,
    SegmentModel,
    SegmentModelError,
    Thresholds,
    assess,
    classify,
    default_models,
    parse_model,
    reason_of,
    to_basis_points,
)
from workstation.segments.model import ModelFeature

points = st.integers(min_value=0, max_value=BASIS)


def test_the_four_quadrants_at_the_default_thresholds() -> None:
    assert classify(9000, 9000) is Segment.ABLE_WILLING
    assert classify(9000, 1000) is Segment.ABLE_UNWILLING
    assert classify(1000, 9000) is Segment.UNABLE_WILLING
    assert classify(1000, 1000) is Segment.UNABLE_UNWILLING
    # a score exactly at its threshold counts as able / willing
    assert classify(5000, 5000) is Segment.ABLE_WILLING
    assert classify(4999, 5000) is Segment.UNABLE_WILLING


@settings(max_examples=200, deadline=None)
@given(points, points, points, points)
def test_classify_is_the_threshold_comparison_and_monotone(
    ability: int, willingness: int, t_ability: int, t_willingness: int
) -> None:
    thresholds = Thresholds(t_ability, t_willingness)
    segment = classify(ability, willingness, thresholds)
    assert segment.is_able == (ability >= t_ability)
    assert segment.is_willing == (willingness >= t_willingness)
    # raising a score never takes the account out of "able" / "willing"
    higher = classify(min(ability + 1, BASIS), min(willingness + 1, BASIS), thresholds)
    assert higher.is_able >= segment.is_able
    assert higher.is_willing >= segment.is_willing


def test_out_of_range_scores_and_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="ability"):
        classify(-1, 5000)
    with pytest.raises(ValueError, match="willingness"):
        classify(5000, BASIS + 1)
    with pytest.raises(ValueError, match="threshold"):
        Thresholds(ability=20_000)
    with pytest.raises(ValueError, match="NaN"):
        to_basis_points(math.nan)


def test_every_segment_has_bilingual_label_and_treatment() -> None:
    for segment in Segment:
        assert segment.label.en
        assert segment.label.zh
        assert segment.treatment.en
        assert segment.treatment.zh
        assert Segment.of(able=segment.is_able, willing=segment.is_willing) is segment
    assert "hardship" in Segment.UNABLE_WILLING.treatment.en.lower()
    assert "field" in Segment.UNABLE_UNWILLING.treatment.en.lower()


def _model(kind: str, coefficients: dict[str, float], intercept: float = 0.0) -> SegmentModel:
    return SegmentModel(
        kind=kind,
        version="t",
        intercept=intercept,
        features=[ModelFeature(n, 0.5, 0.25, c) for n, c in coefficients.items()],
    )


values = st.floats(min_value=-50, max_value=50, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=-2, max_value=2),
    values,
    values,
)
def test_an_exported_model_is_the_standardised_logistic_it_says(
    c1: float, c2: float, intercept: float, x1: float, x2: float
) -> None:
    model = _model("ability", {"income_margin": c1, "hardship": c2}, intercept)
    features = {"income_margin": x1, "hardship": x2}
    expected = sigmoid(intercept + c1 * (x1 - 0.5) / 0.25 + c2 * (x2 - 0.5) / 0.25)
    assert model.probability(features) == pytest.approx(expected, abs=1e-9)
    explained = model.explain(features)
    assert abs(explained.basis_points - expected * BASIS) <= 1
    # the reasons are ordered by size of effect and say which way each pushed
    effects = {"INCOME_MARGIN": c1 * (x1 - 0.5) / 0.25, "HARDSHIP": c2 * (x2 - 0.5) / 0.25}
    for code in explained.reasons:
        reason = reason_of(code)
        assert reason is not None
        effect = effects[reason.feature.upper()]
        assert reason.direction == (1 if effect > 0 else -1)
        assert reason.high == (features[reason.feature] >= 0.5)
    sizes = [abs(effects[reason_of(c).feature.upper()]) for c in explained.reasons]  # type: ignore[union-attr]
    assert sizes == sorted(sizes, reverse=True)
    # JSON round trip evaluates identically
    again = parse_model(json.loads(json.dumps(model.to_json())), "round trip")
    assert again.probability(features) == model.probability(features)


def test_a_missing_feature_is_neutral_and_assess_combines_both() -> None:
    ability = _model("ability", {"income_margin": 2.0}, intercept=1.0)
    willingness = _model("willingness", {"broken_promises": -2.0}, intercept=-1.0)
    assert ability.explain({}).reasons == ()
    assert ability.basis_points({}) == to_basis_points(sigmoid(1.0))
    verdict = assess(ability, willingness, {"income_margin": 0.0, "broken_promises": 3.0})
    assert verdict.segment is Segment.UNABLE_UNWILLING
    assert verdict.ability_reasons == ("-INCOME_MARGIN_LOW",)
    assert verdict.willingness_reasons == ("-BROKEN_PROMISES_HIGH",)
    assert verdict.model_version == "At/Wt"
    with pytest.raises(SegmentModelError, match="in order"):
        assess(willingness, ability, {})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": 2}, "format"),
        ({"kind": "luck"}, "kind"),
        ({"version": ""}, "version"),
        ({"features": []}, "features"),
        ({"features": [{"name": "shoe_size", "mean": 0, "scale": 1, "coefficient": 1}]}, "name"),
        ({"features": [{"name": "hardship", "mean": 0, "scale": 0, "coefficient": 1}]}, "scale"),
        ({"intercept": float("inf")}, "intercept"),
        ({"cutoff_bp": 0}, "cutoff_bp"),
        ({"cutoff_bp": BASIS}, "cutoff_bp"),
        ({"cutoff_bp": 4999.5}, "cutoff_bp"),
        ({"cutoff_bp": True}, "cutoff_bp"),
        ({"cutoff_bp": "5000"}, "cutoff_bp"),
    ],
)
def test_a_malformed_model_is_refused_naming_the_key(
    change: dict[str, object], message: str
) -> None:
    doc = default_models()[0].to_json() | change
    with pytest.raises(SegmentModelError, match=message):
        parse_model(doc, "test")


def test_the_segment_cuts_at_the_models_own_cut_offs() -> None:
    ability = _model("ability", {"income_margin": 2.0}, intercept=0.0)
    willingness = _model("willingness", {"broken_promises": -2.0}, intercept=0.0)
    features = {"income_margin": 0.6, "broken_promises": 0.4}  # both a little above 5000 bp
    at_half = assess(ability, willingness, features)
    assert at_half.segment is Segment.ABLE_WILLING
    assert 5000 < at_half.ability < 7000
    # a lead raises the ability cut-off above this account's score: unable, same scores
    raised = ability.revised(cutoff_bp=at_half.ability + 1)
    moved = assess(raised, willingness, features)
    assert moved.segment is Segment.UNABLE_WILLING
    assert (moved.ability, moved.willingness) == (at_half.ability, at_half.willingness)
    # thresholds given explicitly still win; the cut-off travels in the document
    assert assess(raised, willingness, features, DEFAULT_THRESHOLDS).segment is (
        Segment.ABLE_WILLING
    )
    doc = raised.to_json()
    assert doc["cutoff_bp"] == at_half.ability + 1
    assert parse_model(doc, "round trip").cutoff_bp == at_half.ability + 1
    del doc["cutoff_bp"]  # a document from before cut-offs: one half
    assert parse_model(doc, "old").cutoff_bp == 5000
    with pytest.raises(SegmentModelError, match="cut-off"):
        ability.revised(cutoff_bp=0)


def test_unknown_reason_codes_read_as_none() -> None:
    assert reason_of("INCOME_MARGIN_LOW") is None  # no sign
    assert reason_of("+SHOE_SIZE_HIGH") is None
    assert reason_of("+HARDSHIP_MEDIUM") is None
    reason = reason_of("-HARDSHIP_HIGH")
    assert reason is not None
    assert reason.words("zh") == "经济困难"


def test_the_shipped_models_load_and_the_core_scores_without_sklearn() -> None:
    ability, willingness = default_models()
    assert ability.kind == "ability"
    assert willingness.kind == "willingness"
    assert Thresholds(5000, 5000) == DEFAULT_THRESHOLDS
    # a fresh interpreter where scikit-learn and numpy cannot be imported still assesses
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('sklearn', 'numpy', 'scipy'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from workstation.segments import assess, default_models\n"
        "a, w = default_models()\n"
        "print(assess(a, w, {'hardship': 1.0}).segment.value)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() in {s.value for s in Segment}
