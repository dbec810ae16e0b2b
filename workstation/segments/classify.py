"""The 2×2 segment from the two scores: a pure function of the scores and the thresholds."""

from __future__ import annotations

import math
from dataclasses import dataclass

from workstation.domain.enums import Segment

#: basis points in a probability of 1: scores are stored and compared as integers 0…BASIS
BASIS = 10_000


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A score at or above its threshold counts as able (willing). Basis points."""

    ability: int = 5_000
    willingness: int = 5_000

    def __post_init__(self) -> None:
        for name in ("ability", "willingness"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BASIS:
                raise ValueError(f"the {name} threshold must be 0…{BASIS} basis points")


DEFAULT_THRESHOLDS = Thresholds()


def to_basis_points(probability: float) -> int:
    """A probability as integer basis points, rounded half up and clamped to 0…BASIS."""
    if math.isnan(probability):
        raise ValueError("a probability may not be NaN")
    return min(max(math.floor(probability * BASIS + 0.5), 0), BASIS)


def classify(
    ability: int, willingness: int, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Segment:
    """The quadrant of ``(ability, willingness)`` (basis points) under ``thresholds``."""
    for name, value in (("ability", ability), ("willingness", willingness)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BASIS:
            raise ValueError(f"{name} must be 0…{BASIS} basis points, got {value!r}")
    return Segment.of(
        able=ability >= thresholds.ability, willing=willingness >= thresholds.willingness
    )
