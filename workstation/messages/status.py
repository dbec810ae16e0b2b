"""Message statuses and how the timeline words them (English and Chinese).

Status events are ``message`` events too: the desk records ``queued``; the backend appends
``sent``, ``delivered`` or ``failed`` (payload ``message_id`` names the original, ``reason``
says why it failed); an inbound reply is ``received`` with ``direction: inbound``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from workstation.domain.enums import EventType
from workstation.domain.model import Event


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    RECEIVED = "received"


STATUS_TEXT: Mapping[str, tuple[str, str]] = {
    "queued": ("queued", "排队中"),
    "sent": ("sent", "已发送"),
    "delivered": ("delivered", "已送达"),
    "failed": ("failed", "发送失败"),
    "received": ("reply received", "收到回复"),
}
CHANNEL_TEXT: Mapping[str, tuple[str, str]] = {"sms": ("SMS", "短信"), "email": ("E-mail", "邮件")}
TEMPLATE_TEXT: Mapping[str, tuple[str, str]] = {
    "payment_reminder": ("payment reminder", "还款提醒"),
    "promise_confirmation": ("promise confirmation", "承诺还款确认"),
    "plan_confirmation": ("plan confirmation", "还款计划确认"),
    "missed_instalment": ("missed instalment notice", "逾期分期提醒"),
    "settlement_offer": ("settlement offer", "协商结清方案"),
    "reminder": ("reminder", "提醒"),
}
_RANK = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2}


def _pick(pair: tuple[str, str] | None, fallback: str, language: str) -> str:
    if pair is None:
        return fallback
    return pair[1] if language.startswith("zh") else pair[0]


def message_summary(payload: Mapping[str, Any], language: str = "en") -> str:
    """One timeline line: 'SMS · payment reminder · delivered', '短信 · 收到回复 · 退订'."""
    zh = language.startswith("zh")
    channel = str(payload.get("channel", ""))
    status = str(payload.get("status", ""))
    parts = [_pick(CHANNEL_TEXT.get(channel), channel, language)]
    template = str(payload.get("template") or "")
    if template:
        parts.append(_pick(TEMPLATE_TEXT.get(template), template, language))
    if status:
        parts.append(_pick(STATUS_TEXT.get(status), status, language))
    if status == "failed" and payload.get("reason"):
        parts.append(str(payload["reason"]))
    if status == "received":
        parts.append(f"“{payload.get('text', '')}”")
        if payload.get("opt_out"):
            parts.append("已退订" if zh else "opted out")
    return " · ".join(parts)


def latest_statuses(events: Iterable[Event]) -> dict[str, str]:
    """message id → its furthest status (a late ``sent`` never hides ``delivered``)."""
    result: dict[str, str] = {}
    for event in events:
        if event.type != EventType.MESSAGE:
            continue
        message_id = str(event.payload.get("message_id") or event.id)
        status = str(event.payload.get("status", ""))
        if status not in _RANK:
            continue
        current = result.get(message_id)
        if current is None or _RANK[status] >= _RANK[current]:
            result[message_id] = status
    return result
