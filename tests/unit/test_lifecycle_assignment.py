"""The team's rule for newly placed accounts: even by count, even by balance, or the lead's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workstation.lifecycle.assignment import AssignmentRule, Load, assign


def test_by_count_fills_the_emptiest_queue_first() -> None:
    loads = {"chen": Load(5, 0), "li": Load(3, 0), "wang": Load(3, 0)}
    new = [(f"a{i}", 100) for i in range(4)]
    chosen = assign(AssignmentRule.COUNT, ["chen", "li", "wang"], loads, new)
    # li and wang (3 each, li listed first) get one each, then again, before chen
    assert chosen == {"a0": "li", "a1": "wang", "a2": "li", "a3": "wang"}


def test_by_balance_gives_the_largest_to_the_lightest() -> None:
    loads = {"chen": Load(2, 900), "li": Load(9, 100)}
    new = [("small", 50), ("big", 1000), ("mid", 300)]
    chosen = assign(AssignmentRule.BALANCE, ["chen", "li"], loads, new)
    # big → li (100), then chen (900) < li (1100): mid → chen, then small → li (1100 < 1200)
    assert chosen == {"big": "li", "mid": "chen", "small": "li"}


def test_the_lead_rule_and_an_empty_team_assign_nothing() -> None:
    assert assign(AssignmentRule.LEAD, ["li"], {}, [("a", 1)]) == {}
    assert assign(AssignmentRule.COUNT, [], {}, [("a", 1)]) == {}


@given(
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    st.lists(st.integers(0, 10**9), max_size=60),
)
def test_by_count_ends_within_one_of_even(held: list[int], balances: list[int]) -> None:
    collectors = [f"c{i}" for i in range(len(held))]
    loads = {c: Load(n, 0) for c, n in zip(collectors, held, strict=True)}
    new = [(f"a{i}", b) for i, b in enumerate(balances)]
    chosen = assign(AssignmentRule.COUNT, collectors, loads, new)
    assert set(chosen) == {a for a, _ in new}
    after = {c: loads[c].accounts + sum(1 for v in chosen.values() if v == c) for c in collectors}
    # the new accounts only ever go to a collector at the minimum: those who got any end
    # within one of each other, and never above someone who got none
    receivers = [after[c] for c in collectors if c in chosen.values()]
    if receivers:
        assert max(receivers) - min(receivers) <= 1
        assert all(after[c] >= max(receivers) - 1 for c in collectors)
