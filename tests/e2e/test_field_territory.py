"""The served demo's field collector works a territory (SCENARIOS 4): the seed gives Wang Qiang
the Shanghai accounts the strategy sends to the field and nothing else, so his laptop's day is
a full day in one town, not a tour of China. The book is seeded as the demo seeds it (2,000
accounts, three teams of three desk agents and a field collector) as of a fixed instant; the
backend is the real server on loopback."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.server.conftest import PASSWORD, Backend, fresh_database, migrated_database
from workstation.field import FieldService, distance_km
from workstation.field.route import NEARBY_KM
from workstation.field.service import DEFAULT_VISITS, _point
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.embedded import start_embedded
from workstation.server.models import AccountRow, ContactRow, CustomerRow, User
from workstation.server.seed import seed
from workstation.server.settings import Settings
from workstation.store import Store
from workstation.strategy.model import default_book
from workstation.sync import ApiSession, HttpSettings, SyncEngine

DAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, a Friday
ACCOUNTS = 2000  # the demo's book (`workstation demo`, `workstation-server seed`)
FAST = HttpSettings(connect_timeout=1.0, read_timeout=30.0, retries=0, backoff_factor=0.01)
TERRITORIES = {"wang.qiang": "上海市", "ny-desk.field": "New York", "ldn-desk.field": "London"}


def _seed_demo(sessions: sessionmaker[Session]) -> Any:
    return seed(sessions, accounts=ACCOUNTS, password=PASSWORD, as_of=DAY)  # the demo's defaults


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with fresh_database("sqlite", tmp_path_factory) as url:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        sessions = make_sessionmaker(engine)
        report = _seed_demo(sessions)
        settings = Settings(db_url=url, login_max_failures_address=10_000)
        server = start_embedded(url, settings=settings, promise_interval=0)
        backend = Backend("sqlite", url, server, sessions, report)
        backend.users = {u.username: u for u in report.users}
        try:
            yield backend
        finally:
            server.stop()
            engine.dispose()


def _book(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Every account with its owner's name and role, its customer's town and jurisdiction."""
    with sessions() as session:
        users = {u.id: u for u in session.scalars(select(User))}
        towns = {
            customer_id: data["city"]
            for customer_id, data in session.execute(
                select(ContactRow.customer_id, ContactRow.data).where(
                    ContactRow.kind == "address", ContactRow.position == 0
                )
            )
        }
        jurisdictions = {
            customer_id: jurisdiction
            for customer_id, jurisdiction in session.execute(
                select(CustomerRow.id, CustomerRow.jurisdiction)
            )
        }
        return [
            {
                "ref": a.account_ref,
                "owner": users[a.owner_id].username,
                "role": users[a.owner_id].role,
                "owner_team": users[a.owner_id].team_id,
                "team": a.team_id,
                "town": towns[a.customer_id],
                "jurisdiction": jurisdictions[a.customer_id],
                "field": _field_rule_met(a),
            }
            for a in session.scalars(select(AccountRow))
        ]


def _field_rule_met(account: AccountRow) -> bool:
    """Open, and late and large enough for the champion's field rule (every segment's
    cadence has a visit step from 60 days past due)."""
    rule = default_book().get(default_book().default_champion).field_rule
    return (
        account.status == "open"
        and account.days_past_due >= rule.min_days_past_due
        and account.balance_minor >= int(rule.min_balance * 100)
    )


def test_each_field_collector_holds_his_town_s_field_accounts_and_nothing_else(
    demo: Backend,
) -> None:
    book = _book(demo.sessions)
    assert len(book) == ACCOUNTS
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in book:
        held[row["owner"]].append(row)
        assert row["team"] == row["owner_team"]  # an account sits with its holder's team
    for collector, town in TERRITORIES.items():
        assert held[collector], f"{collector} holds nothing"
        assert {(r["town"], r["field"]) for r in held[collector]} == {(town, True)}, collector
        everyone_there = {r["ref"] for r in book if r["town"] == town and r["field"]}
        assert {r["ref"] for r in held[collector]} == everyone_there, collector
    # SCENARIOS 4: a day of 35 visits in Shanghai
    assert len(held["wang.qiang"]) >= DEFAULT_VISITS
    # the desk agents take the rest round-robin: a jurisdiction's agents differ by one at most
    desk: dict[str, Counter[str]] = defaultdict(Counter)
    for row in book:
        if row["role"] == "agent":
            desk[row["jurisdiction"]][row["owner"]] += 1
    assert set(desk) == {"cn-nifa", "us-regf", "uk-conc"}
    for counts in desk.values():
        assert len(counts) == 3
        assert max(counts.values()) - min(counts.values()) <= 1


def test_the_seed_deals_the_same_book_the_same_way(
    demo: Backend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with migrated_database("sqlite", tmp_path_factory) as (_url, sessions):
        _seed_demo(sessions)
        again = {r["ref"]: r["owner"] for r in _book(sessions)}
    assert again == {r["ref"]: r["owner"] for r in _book(demo.sessions)}


def test_the_served_demo_s_field_day_is_a_full_day_in_shanghai(
    demo: Backend, tmp_path: Path
) -> None:
    device_id = f"laptop-wang-{uuid.uuid4().hex[:6]}"
    api = ApiSession(demo.base, device_id, settings=FAST)
    api.sign_in("wang.qiang", PASSWORD)
    with Store.open(tmp_path / "wang.db") as store:
        SyncEngine(store, api, staging_path=tmp_path / "staging.db").sync()
        service = FieldService(store, device_id, "wang.qiang", clock=lambda: DAY)
        plan = service.todays_visits()
        places = []
        for stop in plan.stops:
            address = next(
                a
                for a in store.load_account(stop.account_id).customer.addresses
                if a.id == stop.address_id
            )
            places.append((address.city, _point(address)))
    api.close()
    assert len(plan.stops) == DEFAULT_VISITS
    assert {town for town, _ in places} == {"上海市"}
    located = [point for _, point in places if point is not None]
    assert max(distance_km(a, b) for a in located for b in located) <= 2 * NEARBY_KM
    assert plan.total_km < 100  # the old day toured six cities: about 1,100 km
