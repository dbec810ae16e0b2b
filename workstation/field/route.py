"""Ordering a day's visits into a route a field collector can drive.

Stops are grouped by area (district, else postcode district, else city) so the collector
finishes one neighbourhood before the next. Areas are visited nearest-neighbour between
their centres, starting from the area of the first stop (or the given start point); inside
an area stops with coordinates follow nearest-neighbour from wherever the route is, and
stops whose address has no coordinates come after them, in postcode then street order.
Areas with no coordinates at all come last, ordered by postcode.

Plain Python, no map service: the route must be planned on a laptop with no network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


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
    """The grouping key shown to the collector: ``city · district`` when the address has a
    district, else the postcode district, else the city."""
    if stop.district.strip():
        return " · ".join(p for p in (stop.city.strip(), stop.district.strip()) if p)
    district = postcode_district(stop.postcode)
    if district:
        return " · ".join(p for p in (stop.city.strip(), district) if p)
    return stop.city.strip() or "—"


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
    areas: dict[str, list[Stop]] = {}
    for stop in stops:
        areas.setdefault(area_of(stop), []).append(stop)
    centres = {name: _centre(members) for name, members in areas.items()}
    located = [name for name in areas if centres[name] is not None]
    unlocated = sorted(
        (name for name in areas if centres[name] is None),
        key=lambda name: min(_postal_key(s) for s in areas[name]),
    )
    area_order: list[str] = []
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
            route.append(RouteStop(stop, name, len(route) + 1, leg))
            if stop.point is not None:
                position = stop.point
            previous = stop.point
    return route


def total_km(route: Sequence[RouteStop]) -> float:
    return sum(r.leg_km or 0.0 for r in route)
