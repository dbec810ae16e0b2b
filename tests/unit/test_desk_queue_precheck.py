"""The desk's queue pre-check speaks with the compliance engine's voice (no rules of its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.seeded_store import seeded_store
from workstation.compliance import default_policy
from workstation.desk import DeskService
from workstation.desk.engines import quick_contactability
from workstation.domain import Event, new_id
from workstation.domain.enums import Channel, EventType
from workstation.queue import ALLOWED, QueueInput

# 07:30 in New York, 19:30 in Shanghai (spring-forward day in the US)
NOW = datetime(2026, 3, 8, 11, 30, tzinfo=UTC)


def item(account_id: str, timezone: str, flags: frozenset[str] = frozenset()) -> QueueInput:
    return QueueInput(account_id, "USD", 100_000, 50_000, 40, timezone=timezone, flags=flags)


def test_calling_hours_come_from_the_engine_in_the_customers_local_time() -> None:
    check = quick_contactability({"ny": "US", "sh": "CN", "fr": "FR"}, NOW)
    early = check(item("ny", "America/New_York"))
    engine = default_policy().baseline("US", "America/New_York", Channel.PHONE, NOW)
    assert not early.allowed
    assert (
        early.next_allowed_at == engine.next_allowed_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    )
    assert early.reason_en == engine.reasons[0].text_en
    assert "08:00" in early.reason_en
    assert "08:00" in early.reason_zh
    assert check(item("sh", "Asia/Shanghai")) is ALLOWED
    unknown = check(item("fr", "Europe/Paris"))
    assert not unknown.allowed
    assert unknown.next_allowed_at is None
    assert "FR" in unknown.reason_en


def test_a_flag_the_pack_holds_calls_for_blocks_until_lifted() -> None:
    check = quick_contactability({"sh": "CN"}, NOW)
    held = check(item("sh", "Asia/Shanghai", frozenset({"cease_communication"})))
    assert not held.allowed
    assert held.next_allowed_at is None
    assert held.reason_zh == "暂停联系"


def _next_noon_in_new_york() -> datetime:
    zone = ZoneInfo("America/New_York")
    local = datetime.now(UTC).astimezone(zone)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon <= local:
        noon += timedelta(days=1)
    return noon.astimezone(UTC)


def test_the_queue_badge_is_the_account_views_verdict_caps_and_holds_included(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    store = seeded_store(tmp_path_factory, tmp_path / "ws.db", accounts=120, seed=3)
    desk = DeskService(store, "device-1", "li.na")
    now = _next_noon_in_new_york()  # inside US calling hours, whatever the clock says
    plain = [
        row
        for row in store.queue_rows(now=now)
        if row.jurisdiction == "us-regf" and not row.flags and row.status == "open"
    ]
    capped, disputed = plain[0], plain[1]
    # seven calls in two days: an eighth is over the Reg F cap (history, not calling hours)
    for hours in range(1, 8):
        store.record_event(
            Event(new_id(), EventType.CONTACT_ATTEMPT, capped.account_id, capped.customer_id,
                  now - timedelta(hours=hours * 6), "li.na",
                  {"channel": "phone", "direction": "outbound", "disposition": "NA"}),
            device_id="device-1",
        )  # fmt: skip
    store.record_event(
        Event(new_id(), EventType.DISPUTE, disputed.account_id, disputed.customer_id,
              now - timedelta(days=1), "li.na", {"reason": "not_my_debt"}),
        device_id="device-1",
    )  # fmt: skip

    snapshot = desk.queue(now)
    items = {item.account_id: item for item in snapshot}
    for account_id in (capped.account_id, disputed.account_id):
        assert not items[account_id].contactable_now
        assert items[account_id].category == "blocked"
    assert "7 days" in items[capped.account_id].reasons[0].en
    # every badge in the queue is what the account view says when the agent opens it
    for item in snapshot:
        view = desk.account(item.account_id, now)
        assert item.contactable_now == view.verdicts[Channel.PHONE].allowed, item.account_id
    store.close()
