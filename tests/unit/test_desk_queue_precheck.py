"""The desk's queue pre-check speaks with the compliance engine's voice (no rules of its own)."""

from __future__ import annotations

from datetime import UTC, datetime

from workstation.compliance import default_policy
from workstation.desk.engines import quick_contactability
from workstation.domain.enums import Channel
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
