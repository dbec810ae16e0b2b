"""The propensity scorecard: a logistic model whose coefficients, version and reason texts are data.

This module owns the scorecard file format (``resources/scorecard.json``), its strict
validation, and scoring: the probability that a customer pays, plus the reasons, i.e. the
features that moved this account's score most away from an average account, each with a
direction and bilingual text, tagged ability / willingness / situation.

Coefficients apply to standardised features, ``(x − mean) ÷ scale``, so a coefficient
reads as "log-odds per typical step" and the contribution of a feature is measured against
the average account the model was trained on. The backend may retrain and ship a new file;
the code only has to know the feature names (see ``features.py``).
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

from workstation.errors import WorkstationError
from workstation.queue.features import FEATURES, GROUPS
from workstation.resources import read_data, resource_path
from workstation.text import Text, is_chinese

FORMAT = 1
# exp() overflows past ~709; a logit this large is certainty anyway.
_LOGIT_CAP = 35.0


class ScorecardError(WorkstationError, ValueError):
    """The scorecard file is malformed; the message names the file and the key."""

    summary = Text("The scorecard file is not valid", "评分卡文件无效")


@dataclass(frozen=True, slots=True)
class ReasonText:
    en: str
    zh: str

    def render(self, value: float) -> tuple[str, str]:
        return self.en.format(value=value), self.zh.format(value=value)


@dataclass(frozen=True, slots=True)
class ScorecardFeature:
    """One feature of the model: its standardisation, weight and the words that explain it."""

    name: str
    group: str
    mean: float
    scale: float
    coefficient: float
    # text when the account's value is above the training mean, and when it is below
    high: ReasonText
    low: ReasonText
    # the sign a fitted coefficient must have to be believed (+1, −1, or 0 = either);
    # a fit that contradicts it drops the feature rather than ship a reason that reads
    # backwards ("no payment for 200 days" raising the score)
    expected_sign: int = 0

    def contribution(self, value: float) -> float:
        return self.coefficient * (value - self.mean) / self.scale


@dataclass(frozen=True, slots=True)
class Reason:
    """A readable reason. ``direction`` is +1 (raises the score / priority), −1 or 0."""

    code: str
    text_en: str
    text_zh: str
    direction: int = 0
    group: str = ""

    def text(self, language: str) -> str:
        return self.text_zh if is_chinese(language) else self.text_en


@dataclass(frozen=True, slots=True)
class ScoreResult:
    probability: float
    log_odds: float
    reasons: tuple[Reason, ...]
    # summed contribution per group: how much ability, willingness and the situation each
    # moved this account's log-odds relative to the average account
    by_group: Mapping[str, float] = field(default_factory=dict)
    version: str = ""


def sigmoid(log_odds: float) -> float:
    if log_odds > _LOGIT_CAP:
        log_odds = _LOGIT_CAP
    elif log_odds < -_LOGIT_CAP:
        log_odds = -_LOGIT_CAP
    return 1.0 / (1.0 + math.exp(-log_odds))


class Scorecard:
    """A loaded, validated scorecard. Immutable once built; cheap to score with."""

    def __init__(
        self,
        *,
        version: str,
        intercept: float,
        features: Sequence[ScorecardFeature],
        trained_on: Mapping[str, Any] | None = None,
    ) -> None:
        self.version = version
        self.intercept = intercept
        self.features: tuple[ScorecardFeature, ...] = tuple(features)
        self.trained_on: dict[str, Any] = dict(trained_on or {})
        self._by_name = {f.name: f for f in self.features}
        # The hot path folds standardisation into one weight and one offset, so scoring is
        # ``offset + Σ w·x`` with a neutral default (the mean) for a missing feature.
        self._names = tuple(f.name for f in self.features)
        self._slopes = tuple(f.coefficient / f.scale for f in self.features)
        self._means = tuple(f.mean for f in self.features)
        self._offset = intercept - sum(f.coefficient * f.mean / f.scale for f in self.features)

    # scoring --------------------------------------------------------------------------------
    def log_odds(self, features: Mapping[str, float]) -> float:
        # the ranking hot path (100,000 calls): the multiply-adds run in C (map/sum)
        return sum(
            map(mul, self._slopes, map(features.get, self._names, self._means)), self._offset
        )

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability alone: the ranking hot path."""
        return sigmoid(self.log_odds(features))

    def score(self, features: Mapping[str, float], *, top: int = 3) -> ScoreResult:
        """Probability plus the ``top`` reasons, largest effect first."""
        contributions: list[tuple[float, ScorecardFeature, float]] = []
        by_group = dict.fromkeys(GROUPS, 0.0)
        total = self.intercept
        for feature in self.features:
            value = features.get(feature.name, feature.mean)
            contribution = feature.contribution(value)
            total += contribution
            by_group[feature.group] += contribution
            contributions.append((contribution, feature, value))
        contributions.sort(key=lambda item: (-abs(item[0]), item[1].name))
        reasons = tuple(
            self._reason(feature, value, contribution)
            for contribution, feature, value in contributions[:top]
            # a feature sitting at the average explains nothing
            if abs(contribution) >= 1e-9
        )
        return ScoreResult(sigmoid(total), total, reasons, by_group, self.version)

    def _reason(self, feature: ScorecardFeature, value: float, contribution: float) -> Reason:
        high = value >= feature.mean
        en, zh = (feature.high if high else feature.low).render(value)
        direction = 1 if contribution > 0 else -1
        return Reason(
            code=f"{feature.name.upper()}_{'HIGH' if high else 'LOW'}",
            text_en=en,
            text_zh=zh,
            direction=direction,
            group=feature.group,
        )

    def reason_for_code(self, code: str, value: float | None = None) -> Reason | None:
        """Words for a stored reason code such as ``BROKEN_PROMISES_HIGH`` (no value known)."""
        name, _, side = code.rpartition("_")
        feature = self._by_name.get(name.lower())
        if feature is None or side not in ("HIGH", "LOW"):
            return None
        high = side == "HIGH"
        shown = feature.mean if value is None else value
        en, zh = (feature.high if high else feature.low).render(shown)
        sign = 1 if (feature.coefficient > 0) == high else -1
        return Reason(code, en, zh, sign, feature.group)

    # persistence ----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "trained_on": self.trained_on,
            "intercept": self.intercept,
            "features": [
                {
                    "name": f.name,
                    "group": f.group,
                    "mean": f.mean,
                    "scale": f.scale,
                    "coefficient": f.coefficient,
                    "high": {"en": f.high.en, "zh": f.high.zh},
                    "low": {"en": f.low.en, "zh": f.low.zh},
                    "expected_sign": f.expected_sign,
                }
                for f in self.features
            ],
        }

    def dump(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def with_coefficients(
        self,
        *,
        version: str,
        intercept: float,
        coefficients: Mapping[str, float],
        means: Mapping[str, float],
        scales: Mapping[str, float],
        trained_on: Mapping[str, Any] | None = None,
    ) -> Scorecard:
        """A copy with refitted numbers and the same features and texts."""
        return Scorecard(
            version=version,
            intercept=intercept,
            features=[
                ScorecardFeature(
                    f.name,
                    f.group,
                    means[f.name],
                    scales[f.name],
                    coefficients[f.name],
                    f.high,
                    f.low,
                    f.expected_sign,
                )
                for f in self.features
            ],
            trained_on=trained_on,
        )


# loading ----------------------------------------------------------------------------------
def _number(raw: Mapping[str, Any], key: str, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScorecardError(f"{where}: '{key}' must be a finite number, got {value!r}")
    return float(value)


def _text(raw: Mapping[str, Any], key: str, where: str) -> ReasonText:
    table = raw.get(key)
    if not isinstance(table, dict):
        raise ScorecardError(f"{where}: '{key}' must be a table with 'en' and 'zh' texts")
    texts: dict[str, str] = {}
    for language in ("en", "zh"):
        text = table.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ScorecardError(f"{where}: '{key}.{language}' must be a non-empty string")
        try:
            text.format(value=1.0)
        except (KeyError, IndexError, ValueError) as exc:
            raise ScorecardError(
                f"{where}: '{key}.{language}' is not a valid template ({exc!r}); "
                "the only placeholder is {value}"
            ) from None
        texts[language] = text
    return ReasonText(texts["en"], texts["zh"])


def _feature(raw: Any, where: str) -> ScorecardFeature:
    if not isinstance(raw, dict):
        raise ScorecardError(f"{where}: must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or name not in FEATURES:
        raise ScorecardError(
            f"{where}: 'name' must be one of the features this client knows "
            f"({', '.join(FEATURES)}), got {name!r}"
        )
    where = f"{where} ({name})"
    group = raw.get("group")
    if group != FEATURES[name].group:
        raise ScorecardError(
            f"{where}: 'group' must be {FEATURES[name].group!r} for this feature, got {group!r}"
        )
    scale = _number(raw, "scale", where)
    if scale <= 0:
        raise ScorecardError(f"{where}: 'scale' must be positive, got {scale}")
    sign = raw.get("expected_sign", 0)
    if sign not in (-1, 0, 1) or isinstance(sign, bool):
        raise ScorecardError(f"{where}: 'expected_sign' must be -1, 0 or 1, got {sign!r}")
    return ScorecardFeature(
        expected_sign=sign,
        name=name,
        group=group,
        mean=_number(raw, "mean", where),
        scale=scale,
        coefficient=_number(raw, "coefficient", where),
        high=_text(raw, "high", where),
        low=_text(raw, "low", where),
    )


def parse_scorecard(data: Any, source: str) -> Scorecard:
    """Validate a decoded scorecard document; ``source`` names it in error messages."""
    if not isinstance(data, dict):
        raise ScorecardError(f"{source}: the document must be a JSON object")
    if data.get("format") != FORMAT:
        raise ScorecardError(f"{source}: 'format' must be {FORMAT}, got {data.get('format')!r}")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ScorecardError(f"{source}: 'version' must be a non-empty string")
    intercept = _number(data, "intercept", source)
    trained_on = data.get("trained_on", {})
    if not isinstance(trained_on, dict):
        raise ScorecardError(f"{source}: 'trained_on' must be an object")
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise ScorecardError(f"{source}: 'features' must be a non-empty list")
    features: list[ScorecardFeature] = []
    for index, raw in enumerate(raw_features, start=1):
        feature = _feature(raw, f"{source}: features[{index}]")
        if any(f.name == feature.name for f in features):
            raise ScorecardError(
                f"{source}: features[{index}] ({feature.name}): the feature appears twice"
            )
        features.append(feature)
    return Scorecard(version=version, intercept=intercept, features=features, trained_on=trained_on)


def load_scorecard(path: Path) -> Scorecard:
    """Load and validate a scorecard file; raise ScorecardError naming the file and key."""
    data = read_data(path, ScorecardError)
    return parse_scorecard(data, str(path))


@cache
def default_scorecard() -> Scorecard:
    return load_scorecard(resource_path("scorecard.json"))
