"""Who gets a newly placed account: the team's rule, as a pure function.

A team assigns new accounts evenly **by count** (each goes to the collector holding the
fewest accounts so far) or **by balance** (largest new accounts first, each to the collector
holding the least balance so far), or leaves them for the lead (``lead``: unassigned, on
the lead's list). Ties go to the collector listed first, so an import is repeatable. This
is the lead's rebalance (``server.lead.rebalance``) for accounts nobody holds yet: nothing
already held moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class AssignmentRule(StrEnum):
    COUNT = "count"
    BALANCE = "balance"
    LEAD = "lead"  # left unassigned for the lead


@dataclass(frozen=True, slots=True)
class Load:
    """What a collector holds now."""

    accounts: int = 0
    balance: int = 0  # minor units (compare one currency's balances only)


def assign(
    rule: AssignmentRule,
    collectors: Sequence[str],
    loads: Mapping[str, Load],
    new_accounts: Sequence[tuple[str, int]],
) -> dict[str, str]:
    """account id → collector for ``new_accounts`` ((id, balance) pairs); empty for ``lead``
    or when the team has no collector."""
    if rule is AssignmentRule.LEAD or not collectors:
        return {}
    order = {c: i for i, c in enumerate(collectors)}
    held = {c: loads.get(c, Load()) for c in collectors}
    out: dict[str, str] = {}
    if rule is AssignmentRule.COUNT:
        for account_id, balance in new_accounts:
            chosen = min(collectors, key=lambda c: (held[c].accounts, order[c]))
            out[account_id] = chosen
            held[chosen] = Load(held[chosen].accounts + 1, held[chosen].balance + balance)
        return out
    for account_id, balance in sorted(new_accounts, key=lambda a: (-a[1], a[0])):
        chosen = min(collectors, key=lambda c: (held[c].balance, order[c]))
        out[account_id] = chosen
        held[chosen] = Load(held[chosen].accounts + 1, held[chosen].balance + balance)
    return out
