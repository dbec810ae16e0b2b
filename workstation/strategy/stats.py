"""How sure an experiment's result is: intervals per arm, the difference, a plain verdict.

Every KPI an experiment compares is a ratio of two sums over the arm's accounts (recovery =
Σ confirmed money ÷ Σ placed within one currency, ``compare_strata`` combining currencies;
cure rate = Σ cured ÷ Σ delinquent at start; mean satisfaction = Σ scores ÷ Σ surveys; …),
and accounts, not contacts, are what was randomised. So each
ratio's standard error is the ratio estimator's (the delta method over accounts as
clusters): SE(R) = √(Σ (yᵢ − R·xᵢ)² / (n(n−1))) ÷ x̄, which is the familiar √(p(1−p)/n) for a
plain proportion. It needs only five sums per arm (``RatioSums``), so the server adds them
up in SQL or in one pass and 100,000 accounts cost nothing.

The difference challenger − champion is normal with the two arms' variances added; its
interval at the stated confidence decides the verdict: it lies wholly on the better side —
"challenger ahead" — wholly on the worse side — "challenger behind" — or straddles zero —
"not yet distinguishable". Quantiles come from ``statistics.NormalDist`` (the standard
library: the desktop has no SciPy, and the server's extra does not need it for a normal
quantile).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from workstation.text import Text


class Verdict(StrEnum):
    AHEAD = "ahead"
    BEHIND = "behind"
    UNDECIDED = "not_yet_distinguishable"

    @property
    def text(self) -> Text:
        return _VERDICT_TEXT[self]


_VERDICT_TEXT = {
    Verdict.AHEAD: Text("challenger ahead", "挑战者领先"),
    Verdict.BEHIND: Text("challenger behind", "挑战者落后"),
    Verdict.UNDECIDED: Text("not yet distinguishable", "尚无法区分"),
}


@dataclass(slots=True)
class RatioSums:
    """Sums over one arm's accounts of yᵢ (numerator) and xᵢ (denominator)."""

    n: int = 0
    sy: float = 0.0
    sx: float = 0.0
    syy: float = 0.0
    sxx: float = 0.0
    sxy: float = 0.0

    def add(self, y: float, x: float) -> None:
        self.n += 1
        self.sy += y
        self.sx += x
        self.syy += y * y
        self.sxx += x * x
        self.sxy += x * y

    @property
    def ratio(self) -> float | None:
        return self.sy / self.sx if self.sx > 0 else None

    def standard_error(self) -> float | None:
        ratio = self.ratio
        if ratio is None or self.n < 2:
            return None
        residual = self.syy - 2 * ratio * self.sxy + ratio * ratio * self.sxx
        mean_x = self.sx / self.n
        return math.sqrt(max(residual, 0.0) / (self.n * (self.n - 1))) / mean_x


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int

    def scaled(self, factor: float) -> Estimate:
        def s(v: float | None) -> float | None:
            return None if v is None else v * factor

        return Estimate(s(self.value), s(self.low), s(self.high), self.n)


@dataclass(frozen=True, slots=True)
class Comparison:
    champion: Estimate
    challenger: Estimate
    difference: Estimate  # challenger − champion
    verdict: Verdict

    def scaled(self, factor: float) -> Comparison:
        return Comparison(
            self.champion.scaled(factor),
            self.challenger.scaled(factor),
            self.difference.scaled(factor),
            self.verdict,
        )


def z_for(confidence: float) -> float:
    if not 0.5 < confidence < 1:
        raise ValueError(f"a confidence level is between 0.5 and 1, not {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def estimate(sums: RatioSums, confidence: float) -> Estimate:
    ratio, se = sums.ratio, sums.standard_error()
    if ratio is None or se is None:
        return Estimate(ratio, None, None, sums.n)
    z = z_for(confidence)
    return Estimate(ratio, ratio - z * se, ratio + z * se, sums.n)


def compare(
    champion: RatioSums,
    challenger: RatioSums,
    confidence: float,
    *,
    higher_is_better: bool = True,
) -> Comparison:
    """Both arms' estimates, the difference's interval and the verdict at ``confidence``."""
    a, b = estimate(champion, confidence), estimate(challenger, confidence)
    se_a, se_b = champion.standard_error(), challenger.standard_error()
    if a.value is None or b.value is None or se_a is None or se_b is None:
        return Comparison(a, b, Estimate(None, None, None, a.n + b.n), Verdict.UNDECIDED)
    return _judged(a, b, math.sqrt(se_a * se_a + se_b * se_b), confidence, higher_is_better)


def _judged(
    a: Estimate, b: Estimate, se: float, confidence: float, higher_is_better: bool
) -> Comparison:
    """The difference b − a (standard error ``se``), its interval and the verdict."""
    assert a.value is not None
    assert b.value is not None
    diff = b.value - a.value
    z = z_for(confidence)
    low, high = diff - z * se, diff + z * se
    verdict = Verdict.UNDECIDED
    if low > 0 or high < 0:
        better = low > 0 if higher_is_better else high < 0
        verdict = Verdict.AHEAD if better else Verdict.BEHIND
    return Comparison(a, b, Estimate(diff, low, high, a.n + b.n), verdict)


@dataclass(frozen=True, slots=True)
class Stratum:
    """One stratum of a stratified comparison (a currency, for money): its weight and each
    arm's sums over the stratum's accounts."""

    weight: float
    champion: RatioSums
    challenger: RatioSums

    @property
    def comparable(self) -> bool:
        return all(
            sums.ratio is not None and sums.standard_error() is not None
            for sums in (self.champion, self.challenger)
        )


def compare_strata(
    strata: Sequence[Stratum],
    confidence: float,
    *,
    higher_is_better: bool = True,
) -> Comparison:
    """A ratio compared within each stratum, then combined with fixed weights.

    For a ratio whose sums must not cross strata — money in different currencies never adds
    up, so recovery is Σ paid ÷ Σ placed *within* a currency — each arm's value is
    R = Σₛ wₛ Rₛ, the weighted mean of its per-stratum ratios, and the difference is
    Σₛ wₛ (Rₛ,challenger − Rₛ,champion), with SE² = Σₛ wₛ² (SEₛ,champion² + SEₛ,challenger²)
    (the strata are independent). Both arms use the same weights, so a different mix of
    strata between the arms is not mistaken for a difference of the ratio. Only strata
    both arms can estimate (a denominator and at least two accounts each) count; their
    weights are renormalised to sum to one. One stratum gives exactly ``compare``.
    """
    usable = [s for s in strata if s.comparable and s.weight > 0]
    n_a = sum(s.champion.n for s in strata)
    n_b = sum(s.challenger.n for s in strata)
    total = sum(s.weight for s in usable)
    if not usable or total <= 0:
        return Comparison(
            Estimate(None, None, None, n_a),
            Estimate(None, None, None, n_b),
            Estimate(None, None, None, n_a + n_b),
            Verdict.UNDECIDED,
        )
    z = z_for(confidence)

    def combined(arm: str) -> tuple[Estimate, float]:
        value = variance = 0.0
        n = 0
        for s in usable:
            sums: RatioSums = getattr(s, arm)
            w = s.weight / total
            ratio, se = sums.ratio, sums.standard_error()
            assert ratio is not None
            assert se is not None
            value += w * ratio
            variance += w * w * se * se
            n += sums.n
        se_arm = math.sqrt(variance)
        return Estimate(value, value - z * se_arm, value + z * se_arm, n), variance

    (a, var_a), (b, var_b) = combined("champion"), combined("challenger")
    return _judged(a, b, math.sqrt(var_a + var_b), confidence, higher_is_better)


def guard_rail_broken(comparison: Comparison, allowed_increase: float) -> bool:
    """A challenger whose complaints exceed the champion's by more than ``allowed_increase``
    (same unit as the comparison). Judged on the point estimate, not the interval: a guard
    rail is there to stop harm early, so it errs on the side of flagging."""
    diff = comparison.difference.value
    return diff is not None and diff > allowed_increase
