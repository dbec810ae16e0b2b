"""Field collector's core: the route, visit checks, the offline banner, and a day's work
recorded on a real local store with no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from workstation.desk.approvals import NeedsApproval
from workstation.desk.types import ValidationError
from workstation.domain import Money
from workstation.domain.enums import EventType, VisitOutcome
from workstation.field import (
    DEFAULT_RETENTION,
    FieldService,
    Point,
    Stop,
    VisitInput,
    check_visit,
    describe,
    plan_route,
    required_evidence,
)
from workstation.field.route import (
    NEARBY_KM,
    area_names,
    area_of,
    choose_day,
    distance_km,
    postcode_district,
    town_of,
)

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


# --- route ---------------------------------------------------------------------------------


def test_route_keeps_areas_together_and_walks_nearest_first():
    stops = [
        Stop("far-a", "X", "North", point=Point(31.30, 121.50), priority=1),
        Stop("near-b", "X", "South", point=Point(31.10, 121.50), priority=2),
        Stop("far-c", "X", "North", point=Point(31.31, 121.50), priority=3),
        Stop("near-d", "X", "South", point=Point(31.11, 121.50), priority=4),
        Stop("nowhere", "X", "South", postcode="200001", priority=5),
    ]
    route = plan_route(stops)
    keys = [r.stop.key for r in route]
    assert keys[:2] == ["far-a", "far-c"]  # the most urgent stop's area first
    assert keys[2:4] == ["near-d", "near-b"]  # from North, the nearer South stop first
    assert keys[4] == "nowhere"  # no coordinates: after the located stops of its area
    assert [r.position for r in route] == [1, 2, 3, 4, 5]
    assert route[0].leg_km is None
    assert route[1].leg_km == pytest.approx(1.11, abs=0.05)
    assert route[4].leg_km is None


def test_route_without_coordinates_follows_postcodes_and_empty_is_empty():
    stops = [
        Stop("b", city="London", postcode="SW1A 2AA", street="2 Road"),
        Stop("a", city="London", postcode="E1 6AN", street="1 Lane"),
        Stop("c", city="London", postcode="SW1A 1AA", street="9 Road"),
    ]
    route = plan_route(stops)
    assert [r.stop.key for r in route] == ["a", "c", "b"]
    assert {r.area for r in route} == {"London · E1", "London · SW1A"}
    assert plan_route([]) == []


def test_a_day_keeps_to_one_town_and_what_lies_within_reach_of_it():
    # ranked most urgent first: the most urgent account is alone in Chengdu, 1,660 km from
    # Shanghai, where three field accounts wait; Taicang is a short drive from Shanghai,
    # Hangzhou 165 km away (another day's town)
    taicang = Point(31.46, 121.13)
    stops = [
        Stop("chengdu", "成都市", "武侯区", point=Point(30.64, 104.04), priority=1),
        Stop("pudong", "上海市", "浦东新区", point=Point(31.22, 121.54), priority=2),
        Stop("london", "London", "Southwark", point=Point(51.50, -0.09), priority=3),
        Stop("xuhui", "上海市", "徐汇区", point=Point(31.19, 121.44), priority=4),
        Stop("taicang", "太仓市", point=taicang, priority=5),
        Stop("hangzhou", "杭州市", "西湖区", point=Point(30.26, 120.13), priority=6),
        Stop("no-point", "上海市", postcode="200001", priority=7),  # in town, not on the map
        Stop("nowhere", priority=8),  # neither a town nor coordinates: cannot be driven to
    ]
    shanghai = Point(31.205, 121.49)  # the centre of the Shanghai stops with coordinates
    assert distance_km(shanghai, taicang) < NEARBY_KM < distance_km(shanghai, stops[5].point)
    day = choose_day(stops, 4)
    assert [s.key for s in day] == ["pudong", "xuhui", "no-point", "taicang"]
    # the town's own stops come first; a neighbour only fills what they leave
    assert [s.key for s in choose_day(stops, 2)] == ["pudong", "xuhui"]
    # one visit a day: the most urgent account outweighs any one other
    assert [s.key for s in choose_day(stops, 1)] == ["chengdu"]
    assert {r.stop.key for r in plan_route(day)} == {s.key for s in day}
    assert choose_day(stops, 0) == []
    assert choose_day([], 5) == []
    assert choose_day([Stop("nowhere")], 5) == []


def test_a_tie_between_towns_goes_to_the_more_urgent_and_unmapped_towns_fill_from_nowhere():
    near_a = Point(40.0, 116.0)
    stops = [
        Stop("a1", "A", point=near_a, priority=1),  # weighs 4
        Stop("b1", "B", priority=2),  # 3
        Stop("b2", "B", priority=3),  # 2
        Stop("a2", "A", point=near_a, priority=4),  # 1: A and B both weigh 5
    ]
    assert [s.key for s in choose_day(stops, 2)] == ["a1", "a2"]
    # B has no coordinates: nothing can be judged near it, so its day is its own stops only
    unmapped = [Stop("b1", "B", priority=1), Stop("b2", "B", priority=2)]
    near = Stop("c1", "C", point=near_a, priority=3)
    assert [s.key for s in choose_day([*unmapped, near], 3)] == ["b1", "b2"]


def test_a_town_is_one_town_for_the_day_whatever_its_spelling():
    # no coordinates: only the town's name can bring these stops together. Spelled as
    # strings, Shanghai's three accounts were three towns and Beijing's two outweighed each
    stops = [
        Stop("sh-en", "Shanghai", priority=1),  # weighs 5
        Stop("bj-1", "北京市", priority=2),  # 4
        Stop("sh-zh", "上海市", priority=3),  # 3
        Stop("bj-2", "北京市", priority=4),  # 2
        Stop("sh-bare", " shanghai ", priority=5),  # 1: Shanghai weighs 9, Beijing 6
    ]
    assert [s.key for s in choose_day(stops, 3)] == ["sh-en", "sh-zh", "sh-bare"]
    assert town_of(stops[0]) == town_of(stops[2]) == town_of(Stop("k", "上海")) != town_of(stops[1])


def test_an_area_is_one_whatever_the_spelling_of_its_town_and_shows_a_real_one():
    stops = [
        Stop("a", "Shanghai", "浦东新区", priority=1),
        Stop("b", "上海市", "浦东新区", priority=2),
        Stop("c", "上海市", " 浦东新区", priority=3),
        Stop("d", "上海市", "徐汇区", priority=4),
    ]
    route = plan_route(stops)
    # the most common spelling names the area, never the key ("上海 · 浦东新区")
    assert [(r.stop.key, r.area) for r in route] == [
        ("a", "上海市 · 浦东新区"),
        ("b", "上海市 · 浦东新区"),
        ("c", "上海市 · 浦东新区"),
        ("d", "上海市 · 徐汇区"),
    ]
    assert area_names(stops[:1]) == {"a": "Shanghai · 浦东新区"}  # alone, its own spelling


def test_area_names():
    assert area_of(Stop("k", "上海市", "浦东新区")) == "上海市 · 浦东新区"
    assert area_of(Stop("k", "Springfield", postcode="62704")) == "Springfield · 627"
    assert area_of(Stop("k")) == "—"
    assert postcode_district("200135") == "2001"
    assert postcode_district("") == ""
    assert postcode_district("ABC") == "ABC"


# --- visit checks ----------------------------------------------------------------------------


def _check(form: VisitInput, *, pack: str = "cn-nifa", blocked: bool = False, override=None):
    return check_visit(
        form,
        pack_id=pack,
        currency="CNY",
        balance=Money.of("1000", "CNY"),
        timezone="Asia/Shanghai",
        now=NOW,
        override=override,
        blocked=blocked,
    )


ALL_EVIDENCE = {"id_shown": True, "recording_on": True, "second_collector": True}


def test_china_pack_asks_for_recording_two_collectors_and_id():
    assert set(required_evidence("cn-nifa", VisitOutcome.MET_DEBTOR)) == {
        "id_shown", "recording_on", "second_collector"
    }  # fmt: skip
    assert set(required_evidence("cn-nifa", VisitOutcome.NOBODY)) == {
        "recording_on", "second_collector"
    }  # fmt: skip
    assert set(required_evidence("us-regf", VisitOutcome.NOBODY)) == set()
    with pytest.raises(ValidationError) as caught:
        _check(VisitInput("acc", "met_debtor", "addr", {}))
    assert {"evidence.id_shown", "evidence.recording_on", "override_reason"} <= set(
        caught.value.errors
    )


def test_missing_evidence_with_a_reason_is_logged_and_says_what_was_missing():
    checked = _check(
        VisitInput("acc", "nobody", "addr", {"recording_on": True}, override_reason="alone today")
    )
    assert checked.payload["missing_evidence"] == ["second_collector"]
    assert checked.payload["override_reason"] == "alone today"
    assert checked.payload["evidence"]["recording_on"] is True


def test_promise_only_from_the_debtor_and_validated():
    with pytest.raises(ValidationError) as caught:
        _check(VisitInput("acc", "third_party", "addr", ALL_EVIDENCE, promise_amount="10"))
    assert "promise_amount" in caught.value.errors
    with pytest.raises(ValidationError) as caught:
        _check(
            VisitInput(
                "acc", "met_debtor", "addr", ALL_EVIDENCE,
                promise_amount="5000", promise_date="2026-01-01",
            )
        )  # fmt: skip
    assert {"promise_amount", "promise_date"} <= set(caught.value.errors)
    checked = _check(
        VisitInput(
            "acc", "met_debtor", "addr", ALL_EVIDENCE,
            promise_amount="200", promise_date="2026-03-20",
        )
    )  # fmt: skip
    assert checked.promise == {
        "amount": "200.00", "currency": "CNY", "due_date": "2026-03-20", "status": "open"
    }  # fmt: skip


def test_blocked_visit_needs_an_override_and_bad_input_is_marked():
    with pytest.raises(ValidationError) as caught:
        _check(VisitInput("acc", "nobody", "", ALL_EVIDENCE), blocked=True)
    assert {"override_reason", "address_id"} <= set(caught.value.errors)
    checked = _check(
        VisitInput("acc", "nobody", "addr", ALL_EVIDENCE),
        blocked=True,
        override={"override_reason": "customer asked us to come", "override_codes": ["x"]},
    )
    assert checked.payload["override_codes"] == ["x"]
    with pytest.raises(ValidationError):
        _check(VisitInput("acc", "teleported", "addr", ALL_EVIDENCE))


# --- banner ---------------------------------------------------------------------------------


def test_banner_says_days_offline_waiting_and_warns_past_retention():
    fresh = describe(NOW - timedelta(hours=3), 4, 1, NOW)
    assert fresh.level == "info"
    assert "4 changes waiting" in fresh.text.en
    assert "1 document" in fresh.text.en
    assert fresh.text.en.startswith("Offline — last sync 3 h ago")
    just = describe(NOW - timedelta(minutes=20), 0, 0, NOW)  # not "0 h ago"
    assert just.text.en.startswith("Offline — last sync less than an hour ago")
    assert just.text.zh.startswith("离线——不到1小时前同步")
    two_days = describe(NOW - timedelta(days=2, hours=1), 41, 0, NOW)
    assert two_days.days_offline == 2
    assert two_days.text.en.startswith("Offline 2 days · 41 changes waiting")
    assert "已离线2天" in two_days.text.zh
    soon = describe(NOW - DEFAULT_RETENTION + timedelta(days=3), 1, 0, NOW)
    assert soon.level == "warning"
    too_old = describe(NOW - DEFAULT_RETENTION - timedelta(days=1), 1, 0, NOW)
    assert too_old.level == "danger"
    assert "longer than the server keeps changes" in too_old.text.en
    assert describe(None, 2, 0, NOW).level == "warning"
    assert describe(NOW, 0, 0, NOW, online=True).level == "ok"


def test_banner_counts_the_retention_the_server_announced():
    short = timedelta(days=30)
    soon = describe(NOW - timedelta(days=26), 1, 0, NOW, short)
    assert soon.level == "warning"
    assert "sync within 4 days" in soon.text.en
    assert "the server keeps changes 30 days" in soon.text.en
    assert "请在4天内同步" in soon.text.zh
    assert "服务器保留变更30天" in soon.text.zh
    assert describe(NOW - timedelta(days=26), 1, 0, NOW).level == "info"  # 90-day default
    one = describe(NOW - timedelta(days=28, hours=12), 1, 0, NOW, short)
    assert "sync within 1 day or" in one.text.en
    today = describe(NOW - timedelta(days=29, hours=20), 1, 0, NOW, short)
    assert "sync today" in today.text.en
    assert "请今天同步" in today.text.zh
    late = describe(NOW - timedelta(days=30, hours=1), 1, 0, NOW, short)
    assert late.level == "danger"
    assert "(30 days)" in late.text.en
    assert "（30天）" in late.text.zh
    # a short retention warns at half of it, not straight after every sync
    tiny = timedelta(days=4)
    assert describe(NOW - timedelta(hours=1), 0, 0, NOW, tiny).level == "info"
    assert describe(NOW - timedelta(days=2, hours=1), 0, 0, NOW, tiny).level == "warning"
    one_day = describe(NOW - timedelta(days=5), 0, 0, NOW, timedelta(days=1))
    assert "(1 day)" in one_day.text.en


def test_offline_facts_read_the_retention_a_sync_stored(tmp_path: Path):
    from workstation.field.banner import RETENTION_STATE_KEY, offline_facts
    from workstation.store import LAST_SYNC_AT, Store

    store = Store.open(tmp_path / "banner.db")
    try:
        store.set_state(LAST_SYNC_AT, (NOW - timedelta(days=40)).isoformat())
        default = offline_facts(store, NOW)
        assert default.retention == DEFAULT_RETENTION
        assert default.level == "info"
        store.set_state(RETENTION_STATE_KEY, 30)  # what the sync engine stores
        facts = offline_facts(store, NOW)
        assert facts.retention == timedelta(days=30)
        assert facts.level == "danger"
        assert "(30 days)" in facts.text.en
        assert "（30天）" in facts.text.zh
        for junk in (0, -5, "lots", True, [30]):
            store.set_state(RETENTION_STATE_KEY, junk)
            assert offline_facts(store, NOW).retention == DEFAULT_RETENTION, junk
    finally:
        store.close()


# --- a day on a real store ------------------------------------------------------------------


# The book is seeded as of this instant and the collector's day runs at it (18:00 in
# Shanghai, a Friday): the demo book and the queue's order depend on the hour.
DAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def field_store(tmp_path: Path):
    from workstation.demo.generator import generate_portfolio
    from workstation.store import Store

    store = Store.open(tmp_path / "field.db")
    store.bulk_load(generate_portfolio(200, seed=5, as_of=DAY))
    yield store
    store.close()


def _field(store, visits_per_day: int) -> FieldService:
    return FieldService(
        store, "laptop-1", "wang.qiang", visits_per_day=visits_per_day, clock=lambda: DAY
    )


def test_a_day_offline_on_the_local_store(field_store):
    service = _field(field_store, 12)
    plan = service.todays_visits()
    assert 0 < len(plan.stops) <= 12
    assert [s.position for s in plan.stops] == list(range(1, len(plan.stops) + 1))
    assert all(s.window == ("08:00", "22:00") for s in plan.stops if s.pack_id == "cn-nifa")
    first = next(s for s in plan.stops if s.verdict.allowed and s.address_id)
    changes = service.record_visit(
        VisitInput(
            first.account_id,
            "met_debtor",
            first.address_id,
            {"id_shown": True, "recording_on": True, "second_collector": True},
            notes="met at home",
            promise_amount="10",
            promise_date=DAY.date().isoformat(),
        )
    )
    assert len(changes.event_ids) == 2
    detail = field_store.load_account(first.account_id)
    types = {e.id: e.type for e in detail.events}
    assert types[changes.event_ids[0]] == EventType.VISIT
    assert types[changes.event_ids[1]] == EventType.PROMISE
    # the route does not reshuffle after a visit; the stop now says it was visited
    again = service.todays_visits()
    assert [s.account_id for s in again.stops] == [s.account_id for s in plan.stops]
    visited = next(s for s in again.stops if s.account_id == first.account_id)
    assert visited.visited_today is not None
    assert visited.last_outcome is not None
    assert "Visit" in visited.last_outcome.en
    # a plan at the door: PDF kept as a blob, its hash on the recorded event
    option = service.desk.compare_plans(first.account_id).options[1]
    agreed = service.agree_plan(first.account_id, option, "signed at the door")
    assert agreed.document.pdf.startswith(b"%PDF")
    sha = agreed.document.sha256
    assert field_store.get_blob(sha) == agreed.document.pdf
    event = next(
        e for e in field_store.load_account(first.account_id).events
        if e.id == agreed.changes.event_ids[0]
    )  # fmt: skip
    assert event.payload["document_sha256"] == sha
    assert event.payload["kind"] == "deferral"
    facts = service.offline_facts()
    assert facts.waiting == 3
    assert facts.documents_waiting == 1
    replanned = service.todays_visits(replan=True)
    # the promise stops the strategy's cadence on that account: off the route, the rest kept
    assert first.account_id not in [s.account_id for s in replanned.stops]
    assert len(replanned.stops) >= len(plan.stops) - 1


def test_the_route_holds_only_accounts_the_strategy_sends_to_the_field(field_store):
    service = _field(field_store, 30)
    snapshot = service.desk.queue()
    owned = [snapshot[n] for n in range(len(snapshot))]
    small_or_current = {
        i.account_id for i in owned if i.days_past_due < 60 or i.balance_minor < 500_000
    }
    assert small_or_current  # the collector holds accounts the strategy keeps off the route
    stops = service.todays_visits().stops
    assert stops
    assert not small_or_current & {s.account_id for s in stops}


def test_a_short_day_fills_from_field_accounts_far_down_the_queue(field_store):
    # At this hour the desk's queue leads with rows the strategy keeps off the route: the
    # first six days' worth of rows of a three-visit day hold fewer than three field accounts.
    # The day still has three visits, all among the most urgent field accounts.
    from workstation.field.service import SCAN_FACTOR, sent_to_field

    service = _field(field_store, 3)
    snapshot = service.desk.queue()
    ranked = [snapshot[n] for n in range(len(snapshot))]
    field = [i.account_id for i in ranked if sent_to_field(i)]
    assert len(field) > 3
    near_the_top = [i for i in ranked[: SCAN_FACTOR * 3] if sent_to_field(i)]
    assert len(near_the_top) < 3  # the case this test is about
    planned = {s.account_id for s in service.todays_visits().stops}
    assert len(planned) == 3
    assert planned <= set(field[: SCAN_FACTOR * 3])


def test_the_days_list_reads_an_area_one_way_whoever_spells_its_town_another(field_store):
    from collections import Counter

    from sqlalchemy import text

    service = _field(field_store, 12)
    before = service.todays_visits()
    shared = Counter(s.area for s in before.stops)
    one = next(s for s in before.stops if shared[s.area] > 2)  # most of its area keep theirs
    city = _where(field_store, one)[1]
    # the customer writes his town another way: 上海 for 上海市, LONDON for London
    other = city.removesuffix("市") if city.endswith("市") else city.upper()
    with field_store.engine.begin() as connection:
        connection.execute(
            text("UPDATE addresses SET city = :city WHERE id = :id"),
            {"city": other, "id": one.address_id},
        )
    assert _where(field_store, one)[1] == other
    after = service.todays_visits(replan=True)
    # the same day, and his stop under its area's most common spelling, not a new area
    assert [(s.account_id, s.area) for s in after.stops] == [
        (s.account_id, s.area) for s in before.stops
    ]
    assert after.areas == before.areas


def _where(store, stop):
    """(country, town, point) of the address a planned stop goes to."""
    from workstation.field.service import _point

    customer = store.load_account(stop.account_id).customer
    address = next(a for a in customer.addresses if a.id == stop.address_id)
    return address.country, address.city, _point(address)


@pytest.mark.parametrize(
    ("accounts", "seed", "at"),
    [
        (150, 4, DAY),  # the field screen's book: its day was 17 visits over 16,297 km
        (200, 5, DAY),
        (200, 5, DAY - timedelta(hours=10)),  # the demo book and the queue depend on the hour
        (400, 2, DAY + timedelta(hours=5)),
    ],
)
def test_a_day_on_a_book_across_three_countries_is_driven_in_one_town(
    tmp_path: Path, accounts: int, seed: int, at: datetime
):
    from workstation.demo.generator import generate_portfolio
    from workstation.field.service import sent_to_field
    from workstation.store import Store

    with Store.open(tmp_path / "book.db") as store:
        store.bulk_load(generate_portfolio(accounts, seed=seed, as_of=at))
        service = FieldService(store, "laptop-1", "wang.qiang", clock=lambda: at)
        snapshot = service.desk.queue()
        field = [snapshot[n] for n in range(len(snapshot)) if sent_to_field(snapshot[n])]
        countries = {store.load_customer(i.customer_id).jurisdiction for i in field}
        assert len(countries) == 3  # the collector's field accounts are all over the world
        stops = service.todays_visits().stops
        assert len(stops) >= 3
        where = [_where(store, s) for s in stops]
    # one town and what lies within reach of its centre: no two stops further apart than a
    # drive across it (the demo's towns lie further apart than that: the day is one town)
    located = [point for _, _, point in where if point is not None]
    assert max((distance_km(a, b) for a in located for b in located), default=0.0) <= 2 * NEARBY_KM
    assert len({(country, town) for country, town, _ in where}) == 1


def _raise_task(store, item, task: str) -> None:
    """The server's daily run raised ``task`` on the account (its note, as a pull brings it)."""
    from workstation.domain import Event, new_id
    from workstation.queue.tasks import StrategyTask
    from workstation.text import Text

    day = DAY.date() + timedelta(days=1)  # no seeded visit can answer it yet
    raised = StrategyTask(
        strategy_id="early-call-v1", step_id=f"step-{task}", task=task, day=day,
        step=Text(f"{task} step", f"{task} 步骤"), strategy=Text("Early call", "提前致电"),
        stops=frozenset({"paid"}), experiment_id="exp-1", arm="challenger",
    )  # fmt: skip
    store.apply_changes(
        events=[
            Event(
                id=new_id(), type=EventType.NOTE, account_id=item.account_id,
                customer_id=item.customer_id, recorded_by="system",
                occurred_at=datetime.combine(day, datetime.min.time(), UTC),
                payload={"text": "Strategy step", "strategy_task": raised.to_payload()},
            )
        ]
    )  # fmt: skip


def test_a_raised_task_decides_the_route_over_the_champions_rule(field_store):
    # the server ran the account's own strategy (a challenger's, here): its visit task puts a
    # small account on the route; a call task keeps a late, large one off (a call comes first)
    service = _field(field_store, 30)
    snapshot = service.desk.queue()
    owned = [snapshot[n] for n in range(len(snapshot))]
    day = service.todays_visits().stops
    planned = {s.account_id for s in day}
    # in the day's town: a visit task puts an account among the field accounts, it does not
    # move the day to the account's town
    town = _where(field_store, day[0])[1]
    small = next(
        i for i in owned
        if i.balance_minor < 500_000 and i.status == "open"
        and field_store.load_customer(i.customer_id).addresses[0].city == town
    )  # fmt: skip
    assert small.account_id not in planned
    late = next(iter(planned))
    _raise_task(field_store, small, "visit")
    _raise_task(field_store, next(i for i in owned if i.account_id == late), "call")
    replanned = {s.account_id for s in service.todays_visits(replan=True).stops}
    assert small.account_id in replanned
    assert late not in replanned


def test_settlement_and_instalment_agreements_render(field_store):
    service = _field(field_store, 3)
    stop = service.todays_visits().stops[0]
    options = service.desk.compare_plans(
        stop.account_id, instalments=6, settlement_percent="95"
    ).options
    assert not options[2].warnings  # within the settlement policy
    for option in (options[0], options[2]):
        agreed = service.agree_plan(stop.account_id, option)
        assert agreed.reference.startswith("AGR-")
    # below the policy's floor: the lead's approval first, at the door as at the desk
    low = service.desk.compare_plans(stop.account_id, settlement_percent="10").options[2]
    assert low.kind == "settlement"
    assert low.warnings
    with pytest.raises(NeedsApproval):
        service.agree_plan(stop.account_id, low)
    assert service.stop(stop.account_id).account_id == stop.account_id
    assert Decimal(str(options[0].total.amount)) > 0
