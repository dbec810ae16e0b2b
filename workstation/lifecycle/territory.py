"""Field territories: the town a visit goes to, a field collector's town, and how a team's
new accounts are dealt between its field collectors and its desk, as pure functions.

A field collector works one town, as a bank's do, so his day is a day in one town and never a
tour of the country. His territory is the town holding most of the open accounts he holds
(ties: the alphabetically first; holding none, he has none). A new account the strategy
sends to the field whose customer lives in a field collector's territory goes to him (several
in one town: the team's rule among them); every other goes to the team's desk agents by the
team's rule, or to all its collectors when it has no desk agent, as before territories.
The demo seed deals its book by the same ``town_of``. A town is compared by its key
(``domain.towns.town_key``): "上海市", "上海" and "Shanghai" are one town.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workstation.domain.towns import town_key
from workstation.lifecycle.assignment import AssignmentRule, Load, assign

# (jurisdiction, the city's ``town_key``): for comparing, never shown (the key is no spelling)
Town = tuple[str, str]


def town_of(jurisdiction: str, cities: Iterable[str | None]) -> Town | None:
    """The town a visit to the customer goes to: the city of the first of the customer's
    addresses (in their order) that names one, in the customer's jurisdiction, by its
    ``town_key``; None when no address names a city."""
    city = next((key for key in map(town_key, cities) if key), "")
    return (jurisdiction, city) if city else None


def territory(towns: Iterable[Town | None]) -> Town | None:
    """A field collector's territory from the towns of the open accounts he holds (one per
    account): the town of most of them, ties to the alphabetically first; None when none
    of them has a town."""
    counted = Counter(t for t in towns if t is not None)
    if not counted:
        return None
    return min(counted, key=lambda t: (-counted[t], t))


@dataclass(frozen=True, slots=True)
class Collector:
    """One of the team's active collectors, in the team's order."""

    id: str
    field: bool = False
    territory: Town | None = None  # a field collector's town (``territory``)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """An account waiting for an owner."""

    id: str
    balance: int  # minor units
    town: Town | None  # its customer's (``town_of``)
    to_field: bool  # the strategy sends it to the field


@dataclass(frozen=True, slots=True)
class Dealt:
    owners: dict[str, str]  # account id → collector id (none: left for the lead)
    by_territory: int  # of them, to a field collector as the account's town is his


def deal(
    rule: AssignmentRule,
    collectors: Sequence[Collector],
    loads: Mapping[str, Load],
    accounts: Sequence[NewAccount],
) -> Dealt:
    """Owners for ``accounts``: field accounts in a territory to its field collectors, the
    rest to the desk agents (all collectors when there is none), each by ``rule``
    (``lifecycle.assignment.assign``; ``lead`` assigns nothing)."""
    working: dict[Town, list[str]] = defaultdict(list)
    for collector in collectors:
        if collector.field and collector.territory is not None:
            working[collector.territory].append(collector.id)
    in_town: dict[Town, list[NewAccount]] = defaultdict(list)
    rest: list[NewAccount] = []
    for account in accounts:
        if account.to_field and account.town is not None and account.town in working:
            in_town[account.town].append(account)
        else:
            rest.append(account)
    held = dict(loads)
    owners: dict[str, str] = {}
    for town, waiting in in_town.items():
        owners.update(_assigned(rule, working[town], held, waiting))
    by_territory = len(owners)
    desk = [c.id for c in collectors if not c.field] or [c.id for c in collectors]
    owners.update(_assigned(rule, desk, held, rest))
    return Dealt(owners=owners, by_territory=by_territory)


def _assigned(
    rule: AssignmentRule,
    collectors: Sequence[str],
    held: dict[str, Load],
    accounts: Sequence[NewAccount],
) -> dict[str, str]:
    """``assign`` for one pool; ``held`` grows by what each collector was given, so a later
    pool sharing a collector (a team of field collectors only) counts it."""
    chosen = assign(rule, collectors, held, [(a.id, a.balance) for a in accounts])
    for account in accounts:
        owner = chosen.get(account.id)
        if owner is not None:
            load = held.get(owner, Load())
            held[owner] = Load(load.accounts + 1, load.balance + account.balance)
    return chosen
