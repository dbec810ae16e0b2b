"""An exported ability or willingness model: standardised logistic coefficients as data.

The backend trains with scikit-learn (``workstation.server.segmentation``) and exports
the fit as this JSON document; everything here is plain Python, so the desktop evaluates
the same model without scikit-learn or numpy::

    {"format": 1, "kind": "ability", "version": "3", "intercept": -0.2,
     "features": [{"name": "income_margin", "mean": 0.21, "scale": 0.18,
                   "coefficient": 0.9}, ...],
     "metrics": {...}, "cutoff_bp": 5000}

A feature's contribution is ``coefficient × (x − mean) ÷ scale``; a feature missing from
an account counts as the mean (neutral). The reasons of a score are the features that
moved it most away from the average account, each coded ``<sign><FEATURE>_<HIGH|LOW>``
(``reasons.py`` has the words).

``cutoff_bp`` is the score (basis points) at and above which an account counts as able
(willing) in the 2×2 segment; 5000 (a probability of one half) when the document has none.
It travels with the model, so the server and every desk cut at the same place, and a lead
who moves it (``workstation-server segment-cutoffs``) moves it everywhere; a retrained
model keeps the cut-off of the model it replaces.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import mul
from pathlib import Path
from typing import Any

from workstation.domain.enums import Segment
from workstation.errors import WorkstationError
from workstation.queue.features import FEATURES
from workstation.queue.scorecard import sigmoid
from workstation.resources import read_data, resource_path
from workstation.segments.classify import BASIS, Thresholds, classify, to_basis_points
from workstation.segments.reasons import REASON_FEATURES, reason_code
from workstation.text import Text

FORMAT = 1
ABILITY = "ability"
WILLINGNESS = "willingness"
KINDS = (ABILITY, WILLINGNESS)
REASONS_KEPT = 3
DEFAULT_CUTOFF_BP = 5_000


class SegmentModelError(WorkstationError, ValueError):
    """The model document is malformed; the message names the source and the key."""

    summary = Text("The ability/willingness model is not valid", "还款能力/意愿模型无效")


@dataclass(frozen=True, slots=True)
class ModelFeature:
    name: str
    mean: float
    scale: float
    coefficient: float


@dataclass(frozen=True, slots=True)
class Explained:
    """One score: the probability, in basis points, and the top reason codes."""

    basis_points: int
    reasons: tuple[str, ...]


class SegmentModel:
    """A validated model of one kind. Immutable; cheap to evaluate."""

    def __init__(
        self,
        *,
        kind: str,
        version: str,
        intercept: float,
        features: Sequence[ModelFeature],
        metrics: Mapping[str, Any] | None = None,
        cutoff_bp: int = DEFAULT_CUTOFF_BP,
    ) -> None:
        if isinstance(cutoff_bp, bool) or not isinstance(cutoff_bp, int):
            raise SegmentModelError(f"the cut-off must be whole basis points, got {cutoff_bp!r}")
        if not 0 < cutoff_bp < BASIS:
            raise SegmentModelError(
                f"the cut-off must lie between 1 and {BASIS - 1} basis points, got {cutoff_bp}"
            )
        self.kind = kind
        self.cutoff_bp = cutoff_bp
        self.version = version
        self.intercept = intercept
        self.features: tuple[ModelFeature, ...] = tuple(features)
        self.metrics: dict[str, Any] = dict(metrics or {})
        # standardisation folded in: log-odds = offset + Σ slope·x, the mean filling a gap
        self._names = tuple(f.name for f in self.features)
        self._slopes = tuple(f.coefficient / f.scale for f in self.features)
        self._means = tuple(f.mean for f in self.features)
        self._offset = intercept - sum(f.coefficient * f.mean / f.scale for f in self.features)

    def revised(
        self,
        *,
        version: str | None = None,
        metrics: Mapping[str, Any] | None = None,
        cutoff_bp: int | None = None,
    ) -> SegmentModel:
        """The same coefficients with another version, metrics or cut-off."""
        return SegmentModel(
            kind=self.kind,
            version=self.version if version is None else version,
            intercept=self.intercept,
            features=self.features,
            metrics=self.metrics if metrics is None else metrics,
            cutoff_bp=self.cutoff_bp if cutoff_bp is None else cutoff_bp,
        )

    # evaluation ---------------------------------------------------------------------------
    def log_odds(self, features: Mapping[str, float]) -> float:
        return sum(
            map(mul, self._slopes, map(features.get, self._names, self._means)), self._offset
        )

    def probability(self, features: Mapping[str, float]) -> float:
        return sigmoid(self.log_odds(features))

    def basis_points(self, features: Mapping[str, float]) -> int:
        return to_basis_points(self.probability(features))

    def explain(self, features: Mapping[str, float], *, top: int = REASONS_KEPT) -> Explained:
        """The score and its ``top`` reasons, largest effect first (ties by name)."""
        total = self._offset
        effects: list[tuple[float, str, bool]] = []
        for feature, slope in zip(self.features, self._slopes, strict=True):
            value = features.get(feature.name, feature.mean)
            total += slope * value
            effect = slope * (value - feature.mean)
            if abs(effect) >= 1e-9:  # a feature at the average explains nothing
                effects.append((effect, feature.name, value >= feature.mean))
        effects.sort(key=lambda e: (-abs(e[0]), e[1]))
        reasons = tuple(
            reason_code(name, high=high, direction=1 if effect > 0 else -1)
            for effect, name, high in effects[:top]
        )
        return Explained(to_basis_points(sigmoid(total)), reasons)

    # persistence --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "version": self.version,
            "intercept": self.intercept,
            "features": [
                {"name": f.name, "mean": f.mean, "scale": f.scale, "coefficient": f.coefficient}
                for f in self.features
            ],
            "metrics": self.metrics,
            "cutoff_bp": self.cutoff_bp,
        }

    def dump(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def _number(raw: Mapping[str, Any], key: str, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SegmentModelError(f"{where}: '{key}' must be a finite number, got {value!r}")
    return float(value)


def parse_model(data: Any, source: str) -> SegmentModel:
    """Validate a decoded model document; ``source`` names it in error messages."""
    if not isinstance(data, dict):
        raise SegmentModelError(f"{source}: the document must be a JSON object")
    if data.get("format") != FORMAT:
        raise SegmentModelError(f"{source}: 'format' must be {FORMAT}, got {data.get('format')!r}")
    kind = data.get("kind")
    if kind not in KINDS:
        raise SegmentModelError(f"{source}: 'kind' must be one of {KINDS}, got {kind!r}")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise SegmentModelError(f"{source}: 'version' must be a non-empty string")
    metrics = data.get("metrics", {})
    if not isinstance(metrics, dict):
        raise SegmentModelError(f"{source}: 'metrics' must be an object")
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise SegmentModelError(f"{source}: 'features' must be a non-empty list")
    features: list[ModelFeature] = []
    for index, raw in enumerate(raw_features, start=1):
        where = f"{source}: features[{index}]"
        if not isinstance(raw, dict):
            raise SegmentModelError(f"{where}: must be an object")
        name = raw.get("name")
        if not isinstance(name, str) or name not in FEATURES or name not in REASON_FEATURES:
            raise SegmentModelError(
                f"{where}: 'name' must be a feature this client computes and can explain, "
                f"got {name!r}"
            )
        if any(f.name == name for f in features):
            raise SegmentModelError(f"{where} ({name}): the feature appears twice")
        scale = _number(raw, "scale", where)
        if scale <= 0:
            raise SegmentModelError(f"{where} ({name}): 'scale' must be positive, got {scale}")
        mean, coefficient = _number(raw, "mean", where), _number(raw, "coefficient", where)
        features.append(ModelFeature(name, mean, scale, coefficient))
    cutoff = data.get("cutoff_bp", DEFAULT_CUTOFF_BP)
    if isinstance(cutoff, bool) or not isinstance(cutoff, int) or not 0 < cutoff < BASIS:
        raise SegmentModelError(
            f"{source}: 'cutoff_bp' must be whole basis points between 1 and {BASIS - 1}, "
            f"got {cutoff!r}"
        )
    return SegmentModel(
        kind=kind,
        version=version,
        intercept=_number(data, "intercept", source),
        features=features,
        metrics=metrics,
        cutoff_bp=cutoff,
    )


def load_model(path: Path) -> SegmentModel:
    data = read_data(path, SegmentModelError)
    return parse_model(data, str(path))


@cache
def default_models() -> tuple[SegmentModel, SegmentModel]:
    """The (ability, willingness) models shipped with the core (``resources/segments``)."""
    return (
        load_model(resource_path("segments", "ability.json")),
        load_model(resource_path("segments", "willingness.json")),
    )


# both models at once --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Assessment:
    """What an account carries: both scores (basis points), the segment, reasons, versions."""

    ability: int
    willingness: int
    segment: Segment
    ability_reasons: tuple[str, ...] = ()
    willingness_reasons: tuple[str, ...] = field(default=())
    model_version: str = ""


def model_version(ability: SegmentModel, willingness: SegmentModel) -> str:
    return f"A{ability.version}/W{willingness.version}"


def assess(
    ability: SegmentModel,
    willingness: SegmentModel,
    features: Mapping[str, float],
    thresholds: Thresholds | None = None,
    *,
    top: int = REASONS_KEPT,
) -> Assessment:
    """Both models on one account's features (``queue.features.extract_features``), cut
    into the 2×2 at the models' own cut-offs unless ``thresholds`` are given."""
    if ability.kind != ABILITY or willingness.kind != WILLINGNESS:
        raise SegmentModelError("assess needs an ability model and a willingness model, in order")
    a = ability.explain(features, top=top)
    w = willingness.explain(features, top=top)
    return Assessment(
        ability=a.basis_points,
        willingness=w.basis_points,
        segment=classify(
            a.basis_points,
            w.basis_points,
            thresholds or Thresholds(ability.cutoff_bp, willingness.cutoff_bp),
        ),
        ability_reasons=a.reasons,
        willingness_reasons=w.reasons,
        model_version=model_version(ability, willingness),
    )
