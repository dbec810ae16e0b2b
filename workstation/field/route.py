"""Ordering a day's visits into a route a field collector can drive.

Stops are grouped by area (district, else postcode district, else city) so the collector
finishes one neighbourhood before the next. Towns are compared by their key
(``domain.towns.town_key``: "上海市", "上海" and "Shanghai" are one town); an area is shown
by the most common spelling among its stops. Areas are visited nearest-neighbour between
their centres, starting from the area of the first stop (or the given start point); inside
an area stops with coordinates follow nearest-neighbour from wherever the route is, and
stops whose address has no coordinates come after them, in postcode then street order.
Areas with no coordinates at all come last, ordered by postcode.

Which stops make the day is chosen first (``choose_day``): one town and what lies within
``NEARBY_KM`` of it, never stops scattered across a country.

Plain Python, no map service: the route must be planned on a laptop with no network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from workstation.domain.towns import normalise, shown_name, town_key

EARTH_RADIUS_KM = 6371.0088
# How far from the day's town another town's stop may be and still join the day: a town and
# its suburbs, not the next city (Guangzhou to Shenzhen is 87 km, Shanghai to Hangzhou 165 km)
NEARBY_KM = 50.0


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Stop:
    """One address to visit. ``key`` identifies it to the caller (an account id)."""

    key: str
    city: str = ""
    district: str = ""
    postcode: str = ""
    street: str = ""
    point: Point | None = None
    priority: int = 0  # lower is more urgent; breaks ties and picks the first area


@dataclass(frozen=True, slots=True)
class RouteStop:
    stop: Stop
    area: str
    position: int  # 1-based order on the route
    leg_km: float | None  # straight-line distance from the previous stop, when both known


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def postcode_district(postcode: str) -> str:
    """The part of a postcode that names an area: ``SW1A 1AA`` → ``SW1A``; ``200135`` →
    ``2001``; ``10001`` → ``100``."""
    text = postcode.strip().upper()
    if not text:
        return ""
    if " " in text:
        return text.split()[0]
    if text.isdigit():
        return text[: max(3, len(text) - 2)]
    return text


def area_of(stop: Stop) -> str:
    """A stop's area as its address spells it: ``city · district`` when the address has a
    district, else the postcode district, else the city."""
    if stop.district.strip():
        return " · ".join(p for p in (stop.city.strip(), stop.district.strip()) if p)
    district = postcode_district(stop.postcode)
    if district:
        return " · ".join(p for p in (stop.city.strip(), district) if p)
    return stop.city.strip() or "—"


def area_key(stop: Stop) -> tuple[str, str]:
    """What the stops of one area share however their address spells it: the town's key and
    the district (else the postcode district), as ``area_of`` groups them."""
    return (town_key(stop.city), normalise(stop.district) or postcode_district(stop.postcode))


def area_names(stops: Sequence[Stop]) -> dict[str, str]:
    """Stop key → its area's name to show: the most common ``area_of`` among the stops of
    its area (``area_key``), ties to the first, so one area reads one way."""
    areas: dict[tuple[str, str], list[Stop]] = {}
    for stop in stops:
        areas.setdefault(area_key(stop), []).append(stop)
    return {
        s.key: shown_name(area_of(m) for m in members)
        for members in areas.values()
        for s in members
    }


def town_of(stop: Stop) -> str:
    """The town a stop is in (its city's ``town_key``, else its postcode district); "" when
    unknown."""
    return town_key(stop.city) or postcode_district(stop.postcode)


def choose_day(
    candidates: Sequence[Stop], visits: int, *, nearby_km: float = NEARBY_KM
) -> list[Stop]:
    """The stops of one day among ``candidates``: one town's, then its surroundings'.

    Every town holding a candidate could be the day's: its own stops, most urgent first,
    then other stops within ``nearby_km`` of its centre (most urgent first), up to
    ``visits``. The day taken is the one whose stops weigh most, a stop weighing more the
    more urgent it is among the candidates (the most urgent of *n* weighs *n*, the least 1),
    ties to the day holding the more urgent stop. So a town with one urgent account gives
    way to a town with a full day of nearly as urgent ones, and a collector never spends
    the day driving between cities however the urgent accounts are spread. Stops with
    neither a town nor coordinates have nowhere to go and are never chosen."""
    if visits <= 0:
        return []
    ranked = sorted(candidates, key=lambda s: (s.priority, s.key))
    weight = {s.key: len(ranked) - n for n, s in enumerate(ranked)}
    town_at = {s.key: town_of(s) for s in ranked}
    towns: dict[str, list[Stop]] = {}
    for stop in ranked:
        if town_at[stop.key]:
            towns.setdefault(town_at[stop.key], []).append(stop)
    best: list[Stop] = []
    best_score: tuple[int, int] | None = None
    for town, members in towns.items():
        day = members[:visits]
        centre = _centre(members)
        if centre is not None and len(day) < visits:
            day += [
                s
                for s in ranked
                if town_at[s.key] != town
                and s.point is not None
                and distance_km(centre, s.point) <= nearby_km
            ][: visits - len(day)]
        score = (sum(weight[s.key] for s in day), max(weight[s.key] for s in day))
        if best_score is None or score > best_score:
            best, best_score = day, score
    return best


def _centre(stops: Sequence[Stop]) -> Point | None:
    points = [s.point for s in stops if s.point is not None]
    if not points:
        return None
    return Point(
        sum(p.latitude for p in points) / len(points),
        sum(p.longitude for p in points) / len(points),
    )


def _postal_key(stop: Stop) -> tuple[str, str, int, str]:
    return (stop.postcode.strip().upper(), stop.street, stop.priority, stop.key)


def _nearest_first(stops: list[Stop], start: Point | None) -> list[Stop]:
    """Nearest neighbour over the stops with coordinates; the rest in postal order."""
    located = [s for s in stops if s.point is not None]
    unlocated = sorted((s for s in stops if s.point is None), key=_postal_key)
    ordered: list[Stop] = []
    here = start
    remaining = sorted(located, key=lambda s: (s.priority, s.key))
    while remaining:
        if here is None:
            chosen = remaining[0]
        else:
            origin = here
            chosen = min(
                remaining,
                key=lambda s: (distance_km(origin, s.point), s.priority, s.key),  # type: ignore[arg-type]
            )
        remaining.remove(chosen)
        ordered.append(chosen)
        here = chosen.point
    return ordered + unlocated


def plan_route(stops: Sequence[Stop], start: Point | None = None) -> list[RouteStop]:
    """The day's route: areas kept together, nearest neighbour between and inside them."""
    if not stops:
        return []
    areas: dict[tuple[str, str], list[Stop]] = {}
    for stop in stops:
        areas.setdefault(area_key(stop), []).append(stop)
    shown = area_names(stops)
    centres = {name: _centre(members) for name, members in areas.items()}
    located = [name for name in areas if centres[name] is not None]
    unlocated = sorted(
        (name for name in areas if centres[name] is None),
        key=lambda name: min(_postal_key(s) for s in areas[name]),
    )
    area_order: list[tuple[str, str]] = []
    here = start
    remaining = sorted(located, key=lambda name: min(s.priority for s in areas[name]))
    while remaining:
        if here is None:
            chosen = remaining[0]  # the area holding the most urgent stop
        else:
            origin = here
            chosen = min(
                remaining,
                key=lambda name: distance_km(origin, centres[name]),  # type: ignore[arg-type]
            )
        remaining.remove(chosen)
        area_order.append(chosen)
        here = centres[chosen]
    area_order.extend(unlocated)

    route: list[RouteStop] = []
    position = start
    previous: Point | None = start
    for name in area_order:
        for stop in _nearest_first(areas[name], position):
            leg = (
                distance_km(previous, stop.point)
                if previous is not None and stop.point is not None
                else None
            )
            route.append(RouteStop(stop, shown[stop.key], len(route) + 1, leg))
            if stop.point is not None:
                position = stop.point
            previous = stop.point
    return route


def total_km(route: Sequence[RouteStop]) -> float:
    return sum(r.leg_km or 0.0 for r in route)
