"""The minimum-acceptable settlement policy: data in ``resources/settlement_policy.toml``.

Owns loading and validating that file into ``SettlementPolicy``. A malformed file is rejected
at load with the file and the key named, so a bad edit never silently changes what a
collector may accept.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from workstation.domain.enums import Bucket
from workstation.plans.errors import MAX_SETTLEMENT_PARTS, PlanError
from workstation.resources import resource_path

POLICY_FILE = "settlement_policy.toml"
_Fail = Callable[[str, str], PlanError]
SUPPORTED_VERSION = 1


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    minimum_percent: dict[Bucket, Decimal]  # lowest acceptable settlement, percent of balance
    max_parts: int
    max_days_to_last_part: int


def load_settlement_policy(path: Path | None = None) -> SettlementPolicy:
    """The policy in ``path``, or the shipped one (read once and cached)."""
    if path is None:
        return _shipped_policy()
    return _load(path)


@cache
def _shipped_policy() -> SettlementPolicy:
    return _load(resource_path(POLICY_FILE))


def _load(path: Path) -> SettlementPolicy:
    try:
        with path.open("rb") as handle:
            # Decimal keeps 92.5 % exact; TOML floats would otherwise become binary floats.
            data = tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the settlement policy ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{path}: not valid TOML ({exc}).") from None

    def fail(key: str, problem: str) -> PlanError:
        return PlanError(f"{path}: key '{key}' {problem}.")

    if data.get("version") != SUPPORTED_VERSION:
        raise fail("version", f"must be {SUPPORTED_VERSION}")
    minimums = _table(data, "minimum_percent", fail)
    minimum_percent: dict[Bucket, Decimal] = {}
    for bucket in Bucket:
        key = f"minimum_percent.{bucket.value}"
        value = minimums.get(bucket.value)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise fail(key, "must be a number of percent")
        if not 0 < value <= 100:
            raise fail(key, "must be more than 0 and at most 100")
        minimum_percent[bucket] = Decimal(value)
    unknown = sorted(set(minimums) - {bucket.value for bucket in Bucket})
    if unknown:
        raise fail(f"minimum_percent.{unknown[0]}", "is not a bucket")

    parts = _table(data, "parts", fail)
    max_parts = _whole(parts, "max_parts", 1, MAX_SETTLEMENT_PARTS, fail)
    max_days = _whole(parts, "max_days_to_last_part", 0, 3650, fail)
    return SettlementPolicy(minimum_percent, max_parts, max_days)


def _table(data: dict[str, Any], key: str, fail: _Fail) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise fail(key, "must be a table")
    return value


def _whole(table: dict[str, Any], key: str, low: int, high: int, fail: _Fail) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(f"parts.{key}", f"must be a whole number from {low} to {high}")
    return value
