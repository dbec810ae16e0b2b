"""Risk tiers, suggested treatments and queue-priority parameters, loaded from ``resources/``.

This module owns ``resources/treatments.toml``: the score bands that give tiers A–D, the
best tier a bucket allows, the treatment (SMS reminder, call, field visit, hardship review)
per tier and bucket with bilingual labels, what a desk agent does instead of a visit (he
makes none), customer-flag overrides, and the numbers the
priority formula uses (urgency by bucket, the share of the balance counted as recoverable).
It is data so a team lead's policy changes without a release; it is validated strictly so a
typo is a clear message, not a silently different queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from workstation.domain.enums import Bucket, Channel, CustomerFlag, RiskTier
from workstation.errors import WorkstationError
from workstation.resources import read_data, resource_path
from workstation.text import Text, is_chinese

# One table entry per day up to here; beyond it every day is the same (the last bucket).
_DPD_TABLE = 200


_E = TypeVar("_E", RiskTier, Bucket, CustomerFlag, Channel)


class TreatmentsError(WorkstationError, ValueError):
    """The treatments file is malformed; the message names the file and the key."""

    summary = Text("The treatments file is not valid", "催收策略文件无效")


@dataclass(frozen=True, slots=True)
class Treatment:
    code: str
    channel: Channel
    label_en: str
    label_zh: str
    # what a collector who makes no visits (a desk agent) does instead: the code of another
    # treatment; every visit names one
    at_desk: str | None = None
    # the queue's "Next action" column is narrow: a long label has a short form there (the
    # whole label is the cell's tooltip and the row's "Suggested:"); "" is the label itself
    short_en: str = ""
    short_zh: str = ""

    def label(self, language: str) -> str:
        return self.label_zh if is_chinese(language) else self.label_en

    def short(self, language: str) -> str:
        """The label as the queue's column shows it."""
        if is_chinese(language):
            return self.short_zh or self.label_zh
        return self.short_en or self.label_en


@dataclass(frozen=True, slots=True)
class PriorityParameters:
    balance_share: float
    high_balance: float
    roll_window_days: int
    roll_boost: float
    urgency: Mapping[Bucket, float]


class TreatmentPolicy:
    """Tiers, treatments and priority parameters; lookups are table-driven and cheap."""

    def __init__(
        self,
        *,
        bands: Iterable[tuple[RiskTier, float]],
        best_for_bucket: Mapping[Bucket, RiskTier],
        treatments: Mapping[str, Treatment],
        matrix: Mapping[tuple[RiskTier, Bucket], str],
        overrides: Iterable[tuple[CustomerFlag, str]],
        priority: PriorityParameters,
        version: int = 1,
    ) -> None:
        self.version = version
        self.bands = tuple(bands)
        self.best_for_bucket = dict(best_for_bucket)
        self.treatments = dict(treatments)
        self.matrix = {key: self.treatments[code] for key, code in matrix.items()}
        self.overrides = tuple((flag.value, self.treatments[code]) for flag, code in overrides)
        self.priority = priority
        order = list(RiskTier)
        self._tier_rank = {tier: order.index(tier) for tier in order}
        # urgency per days-past-due, boost for "about to roll" folded in, so ranking reads
        # one list element per row instead of re-deriving the bucket boundaries
        self._urgency_by_dpd = [self._urgency(dpd) for dpd in range(_DPD_TABLE + 1)]
        self._bucket_by_dpd = [Bucket.for_days(dpd) for dpd in range(_DPD_TABLE + 1)]

    def _urgency(self, dpd: int) -> float:
        bucket = Bucket.for_days(dpd)
        value = self.priority.urgency[bucket]
        next_boundary = next((b for b in (1, 30, 60, 90, 180) if b > dpd), None)
        if (
            next_boundary is not None
            and dpd > 0
            and next_boundary - dpd <= self.priority.roll_window_days
        ):
            value *= 1.0 + self.priority.roll_boost
        return value

    def steps_by_dpd(
        self,
    ) -> list[tuple[Bucket, float, tuple[tuple[float, RiskTier, Treatment], ...]]]:
        """Per days past due (the last entry stands for every later day): the bucket, the
        urgency, and the score bands as (min probability, tier after the bucket's cap,
        treatment). Ranking reads one entry per row instead of re-deriving all three."""
        steps = []
        for dpd in range(_DPD_TABLE + 1):
            bucket = self._bucket_by_dpd[dpd]
            bands = tuple(
                (minimum, tier, self.matrix[(tier, bucket)])
                for minimum, tier in (
                    (minimum, self._cap(tier, bucket)) for tier, minimum in self.bands
                )
            )
            steps.append((bucket, self._urgency_by_dpd[dpd], bands))
        return steps

    def _cap(self, tier: RiskTier, bucket: Bucket) -> RiskTier:
        best = self.best_for_bucket.get(bucket)
        if best is not None and self._tier_rank[tier] < self._tier_rank[best]:
            return best
        return tier

    def bucket(self, days_past_due: int) -> Bucket:
        if days_past_due < 0:
            return Bucket.CURRENT
        return self._bucket_by_dpd[min(days_past_due, _DPD_TABLE)]

    def urgency(self, days_past_due: int) -> float:
        days_past_due = max(days_past_due, 0)
        return self._urgency_by_dpd[min(days_past_due, _DPD_TABLE)]

    def rolls_soon(self, days_past_due: int) -> bool:
        bucket = self.bucket(days_past_due)
        return self.urgency(days_past_due) > self.priority.urgency[bucket]

    def tier(self, probability: float, bucket: Bucket) -> RiskTier:
        tier = self.bands[-1][0]
        for candidate, minimum in self.bands:
            if probability >= minimum:
                tier = candidate
                break
        return self._cap(tier, bucket)

    def at_desk(self, treatment: Treatment) -> Treatment:
        """What a desk agent does where ``treatment`` is a visit he cannot make (itself
        when it is not a visit)."""
        return self.treatments[treatment.at_desk] if treatment.at_desk else treatment

    def treatment(self, tier: RiskTier, bucket: Bucket, flags: Iterable[str] = ()) -> Treatment:
        if flags:
            for flag, treatment in self.overrides:
                if flag in flags:
                    return treatment
        return self.matrix[(tier, bucket)]

    def deciding_flags(self, flags: Iterable[str]) -> tuple[str, ...]:
        """The customer's flags that replace the matrix's treatment, in the policy's order:
        the first override met and every other met that calls for the same treatment (a
        customer both vulnerable and in hardship is reviewed for both). Empty: the tier and
        bucket decided."""
        present = set(flags)
        met = [(flag, treatment) for flag, treatment in self.overrides if flag in present]
        if not met:
            return ()
        chosen = met[0][1]
        return tuple(flag for flag, treatment in met if treatment is chosen)


# loading ----------------------------------------------------------------------------------
def _table(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TreatmentsError(f"{where}: must be a table")
    return raw


def _float(raw: Mapping[str, Any], key: str, where: str, *, minimum: float = 0.0) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise TreatmentsError(f"{where}: '{key}' must be a number ≥ {minimum}, got {value!r}")
    return float(value)


def _enum_value(kind: type[_E], value: Any, where: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise TreatmentsError(f"{where}: must be one of {allowed}, got {value!r}") from None


def parse_policy(data: Mapping[str, Any], source: str) -> TreatmentPolicy:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TreatmentsError(f"{source}: 'version' must be a whole number")

    tiers = _table(data.get("tiers"), f"{source}: [tiers]")
    raw_bands = tiers.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise TreatmentsError(f"{source}: 'tiers.bands' must be a non-empty list")
    bands: list[tuple[RiskTier, float]] = []
    for index, raw in enumerate(raw_bands, start=1):
        where = f"{source}: tiers.bands[{index}]"
        band = _table(raw, where)
        tier = _enum_value(RiskTier, band.get("tier"), f"{where}.tier")
        minimum = _float(band, "min_probability", where)
        if minimum > 1:
            raise TreatmentsError(f"{where}: 'min_probability' must be at most 1")
        if bands and minimum >= bands[-1][1]:
            raise TreatmentsError(f"{where}: bands must be listed by falling min_probability")
        bands.append((tier, minimum))
    if bands[-1][1] != 0:
        raise TreatmentsError(
            f"{source}: tiers.bands: the last band must have min_probability = 0 "
            "so every score gets a tier"
        )
    best_for_bucket = {
        _enum_value(Bucket, key, f"{source}: tiers.best_for_bucket key"): _enum_value(
            RiskTier, value, f"{source}: tiers.best_for_bucket.{key}"
        )
        for key, value in _table(
            tiers.get("best_for_bucket", {}), f"{source}: [tiers.best_for_bucket]"
        ).items()
    }

    raw_treatments = data.get("treatment")
    if not isinstance(raw_treatments, list) or not raw_treatments:
        raise TreatmentsError(f"{source}: no [[treatment]] entries")
    treatments: dict[str, Treatment] = {}
    for index, raw in enumerate(raw_treatments, start=1):
        where = f"{source}: treatment #{index}"
        entry = _table(raw, where)
        code = entry.get("code")
        if not isinstance(code, str) or not code:
            raise TreatmentsError(f"{where}: 'code' must be a non-empty string")
        where = f"{where} ({code})"
        if code in treatments:
            raise TreatmentsError(f"{where}: duplicate code")
        for key in ("label_en", "label_zh"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise TreatmentsError(f"{where}: '{key}' must be a non-empty string")
        for key in ("short_en", "short_zh"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                raise TreatmentsError(f"{where}: '{key}', if given, must be a non-empty string")
        channel = _enum_value(Channel, entry.get("channel"), f"{where}: 'channel'")
        at_desk = entry.get("at_desk")
        if channel is Channel.VISIT and at_desk is None:
            raise TreatmentsError(
                f"{where}: a visit must name 'at_desk', what a desk agent does instead"
            )
        if at_desk is not None and not isinstance(at_desk, str):
            raise TreatmentsError(f"{where}: 'at_desk' must be a treatment code")
        treatments[code] = Treatment(
            code,
            channel,
            entry["label_en"],
            entry["label_zh"],
            at_desk=at_desk,
            short_en=entry.get("short_en", ""),
            short_zh=entry.get("short_zh", ""),
        )
    for code, treatment in treatments.items():
        if treatment.at_desk is None:
            continue
        where = f"{source}: treatment {code}: 'at_desk'"
        instead = treatments.get(treatment.at_desk)
        if instead is None:
            raise TreatmentsError(
                f"{where}: unknown treatment {treatment.at_desk!r} (known: {', '.join(treatments)})"
            )
        if instead.channel is Channel.VISIT:
            raise TreatmentsError(f"{where}: {treatment.at_desk!r} is a visit too")

    def treatment_code(value: Any, where: str) -> str:
        if value not in treatments:
            raise TreatmentsError(
                f"{where}: unknown treatment {value!r} (known: {', '.join(treatments)})"
            )
        return str(value)

    matrix_table = _table(data.get("matrix"), f"{source}: [matrix]")
    matrix: dict[tuple[RiskTier, Bucket], str] = {}
    for tier in RiskTier:
        row = _table(matrix_table.get(tier.value), f"{source}: [matrix.{tier.value}]")
        for bucket in Bucket:
            matrix[(tier, bucket)] = treatment_code(
                row.get(bucket.value), f'{source}: matrix.{tier.value}."{bucket.value}"'
            )
        extra = set(row) - {b.value for b in Bucket}
        if extra:
            raise TreatmentsError(
                f"{source}: [matrix.{tier.value}]: unknown bucket(s) {sorted(extra)}"
            )

    overrides: list[tuple[CustomerFlag, str]] = []
    raw_overrides = data.get("override", [])
    if not isinstance(raw_overrides, list):
        raise TreatmentsError(f"{source}: 'override' must be a list of [[override]] tables")
    for index, raw in enumerate(raw_overrides, start=1):
        where = f"{source}: override #{index}"
        entry = _table(raw, where)
        flag = _enum_value(CustomerFlag, entry.get("flag"), f"{where}: 'flag'")
        overrides.append((flag, treatment_code(entry.get("treatment"), f"{where}: 'treatment'")))

    raw_priority = _table(data.get("priority"), f"{source}: [priority]")
    share = _float(raw_priority, "balance_share", f"{source}: [priority]")
    if share > 1:
        raise TreatmentsError(f"{source}: [priority]: 'balance_share' must be at most 1")
    window = raw_priority.get("roll_window_days")
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 29:
        raise TreatmentsError(f"{source}: [priority]: 'roll_window_days' must be 0-29")
    urgency_table = _table(raw_priority.get("urgency"), f"{source}: [priority.urgency]")
    urgency = {
        bucket: _float(urgency_table, bucket.value, f"{source}: [priority.urgency]")
        for bucket in Bucket
    }
    priority = PriorityParameters(
        balance_share=share,
        high_balance=_float(raw_priority, "high_balance", f"{source}: [priority]"),
        roll_window_days=window,
        roll_boost=_float(raw_priority, "roll_boost", f"{source}: [priority]"),
        urgency=urgency,
    )
    return TreatmentPolicy(
        bands=bands,
        best_for_bucket=best_for_bucket,
        treatments=treatments,
        matrix=matrix,
        overrides=overrides,
        priority=priority,
        version=version,
    )


def load_policy(path: Path) -> TreatmentPolicy:
    """Load and validate a treatments file; raise TreatmentsError naming the file and key."""
    data = read_data(path, TreatmentsError)
    return parse_policy(data, str(path))


@cache
def default_policy() -> TreatmentPolicy:
    return load_policy(resource_path("treatments.toml"))
