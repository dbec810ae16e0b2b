"""The creditor's lifecycle policy: data in ``resources/lifecycle_policy.toml``.

Owns loading and validating that file into ``LifecyclePolicy``: the grace days of promises
and plan instalments, how many missed instalments break a plan, and which holds freeze
interest. How long a legal hold lasts (hardship 30 days, UK breathing space 60) is the
jurisdiction's rule and stays in the rule packs (``compliance.packs``). A malformed file is
refused at load with the file and the key named.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workstation.domain.enums import AccountStatus, CustomerFlag
from workstation.errors import WorkstationError
from workstation.resources import resource_path
from workstation.text import Text

POLICY_FILE = "lifecycle_policy.toml"
SUPPORTED_VERSION = 1


class LifecyclePolicyError(WorkstationError, ValueError):
    """The policy file cannot be used (the message names the file and the key)."""

    summary = Text("The lifecycle policy file is not valid", "账户生命周期策略文件无效")


@dataclass(frozen=True, slots=True)
class LifecyclePolicy:
    promise_grace_days: int = 3
    promise_horizon_days: int = 366
    instalment_grace_days: int = 5
    break_after_missed: int = 2
    interest_frozen_by: frozenset[CustomerFlag] = frozenset(
        {CustomerFlag.HARDSHIP, CustomerFlag.BREATHING_SPACE}
    )
    interest_frozen_statuses: frozenset[AccountStatus] = frozenset(
        {AccountStatus.PLAN, AccountStatus.HOLD, AccountStatus.DISPUTE}
    )


def load_lifecycle_policy(path: Path | None = None) -> LifecyclePolicy:
    """The policy in ``path``, or the shipped one (read once and cached)."""
    if path is None:
        return _shipped()
    return _load(path)


@cache
def _shipped() -> LifecyclePolicy:
    return _load(resource_path(POLICY_FILE))


def _load(path: Path) -> LifecyclePolicy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LifecyclePolicyError(f"{path}: cannot read the lifecycle policy ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LifecyclePolicyError(f"{path}: not valid TOML ({exc})") from None

    def fail(key: str, problem: str) -> LifecyclePolicyError:
        return LifecyclePolicyError(f"{path}: key '{key}' {problem}")

    if data.get("version") != SUPPORTED_VERSION:
        raise fail("version", f"must be {SUPPORTED_VERSION}")

    def section(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise fail(name, "must be a table")
        return value

    defaults = LifecyclePolicy()

    def whole(
        table: dict[str, Any], where: str, key: str, low: int, high: int, *, default: int
    ) -> int:
        if key not in table:  # a key left out keeps the default
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(f"{where}.{key}", f"must be a whole number from {low} to {high}")
        return value

    def names(
        table: dict[str, Any], where: str, key: str, enum: Any, default: frozenset[Any]
    ) -> frozenset[Any]:
        if key not in table:
            return default
        value = table[key]
        allowed = {e.value for e in enum}
        if not isinstance(value, list) or not all(v in allowed for v in value):
            raise fail(f"{where}.{key}", f"must be a list of: {', '.join(sorted(allowed))}")
        return frozenset(enum(v) for v in value)

    promises, plans, interest = section("promises"), section("plans"), section("interest")
    return LifecyclePolicy(
        promise_grace_days=whole(
            promises, "promises", "grace_days", 0, 60, default=defaults.promise_grace_days
        ),
        promise_horizon_days=whole(
            promises, "promises", "horizon_days", 1, 3660, default=defaults.promise_horizon_days
        ),
        instalment_grace_days=whole(
            plans, "plans", "grace_days", 0, 60, default=defaults.instalment_grace_days
        ),
        break_after_missed=whole(
            plans, "plans", "break_after_missed", 1, 24, default=defaults.break_after_missed
        ),
        interest_frozen_by=names(
            interest, "interest", "frozen_by", CustomerFlag, defaults.interest_frozen_by
        ),
        interest_frozen_statuses=names(
            interest,
            "interest",
            "frozen_statuses",
            AccountStatus,
            defaults.interest_frozen_statuses,
        ),
    )
