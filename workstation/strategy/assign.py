"""Champion / challenger assignment: a deterministic hash of (account id, experiment id).

``unit_hash`` maps an account to a number in [0, 1) that depends only on the two ids, so an
assignment is reproducible anywhere (the simulator, a test, another server process). Arms
are stratified so they are comparable: accounts are grouped by a stratum (bucket and
balance band: what most drives recovery), and within each stratum, taken in hash order, an
account joins the challenger while the challenger holds fewer than ``share`` of the
stratum's accounts so far. Each stratum then splits to within one account of the stated
share, while which account falls where is still decided by the hash alone.

Assignments are recorded by the server when made and never redrawn; an account that enters
the segment later is assigned with the counts already recorded in its stratum
(``existing``), so earlier accounts keep their arm.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CHAMPION, CHALLENGER = "champion", "challenger"
#: balance bands (major units) of the stratum: small, medium, large
BALANCE_BANDS = (2_000, 20_000)


def unit_hash(account_id: str, experiment_id: str) -> float:
    """A number in [0, 1) from sha256 of the two ids: stable across runs and machines."""
    digest = hashlib.sha256(f"{experiment_id}\x1f{account_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def stratum(bucket: str, balance_major: float) -> str:
    band = sum(1 for edge in BALANCE_BANDS if balance_major >= edge)
    return f"{bucket}|b{band}"


@dataclass(slots=True)
class StratumCount:
    total: int = 0
    challenger: int = 0


def assign(
    accounts: Iterable[tuple[str, str]],
    experiment_id: str,
    share: float,
    existing: Mapping[str, StratumCount] | None = None,
) -> dict[str, str]:
    """Arms for ``accounts`` (account id, stratum) not yet assigned: account id → arm.

    ``existing`` holds each stratum's recorded counts (not changed here)."""
    if not 0 < share < 1:
        raise ValueError(f"a challenger's share is between 0 and 1, not {share}")
    by_stratum: dict[str, list[tuple[float, str]]] = {}
    for account_id, key in accounts:
        by_stratum.setdefault(key, []).append((unit_hash(account_id, experiment_id), account_id))
    arms: dict[str, str] = {}
    for key, members in by_stratum.items():
        start = (existing or {}).get(key, StratumCount())
        total, challenger = start.total, start.challenger
        for _, account_id in sorted(members):
            total += 1
            if challenger < math.floor(share * total + 0.5):
                arms[account_id] = CHALLENGER
                challenger += 1
            else:
                arms[account_id] = CHAMPION
    return arms
