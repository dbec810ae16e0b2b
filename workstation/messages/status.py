"""Message statuses and how the timeline words them (English and Chinese).

Status events are ``message`` events too: the desk records ``queued``; the backend appends
``sent``, ``delivered`` or ``failed`` (payload ``message_id`` names the original, ``reason``
says why it failed); an inbound reply is ``received`` with ``direction: inbound``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from workstation.domain.enums import EventType
from workstation.domain.model import Event
from workstation.text import Text

STATUS_TEXT: Mapping[str, Text] = {
    "queued": Text("queued", "排队中"),
    "sent": Text("sent", "已发送"),
    "delivered": Text("delivered", "已送达"),
    "failed": Text("failed", "发送失败"),
    "received": Text("reply received", "收到回复"),
}
CHANNEL_TEXT: Mapping[str, Text] = {"sms": Text("SMS", "短信"), "email": Text("E-mail", "邮件")}
TEMPLATE_TEXT: Mapping[str, Text] = {
    "payment_reminder": Text("payment reminder", "还款提醒"),
    "promise_confirmation": Text("promise confirmation", "承诺还款确认"),
    "plan_confirmation": Text("plan confirmation", "还款计划确认"),
    "missed_instalment": Text("missed instalment notice", "逾期分期提醒"),
    "settlement_offer": Text("settlement offer", "协商结清方案"),
    "reminder": Text("reminder", "提醒"),
}
_RANK = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2}


def _pick(text: Text | None, fallback: str, language: str) -> str:
    return fallback if text is None else text.get(language)


def message_summary(payload: Mapping[str, Any], language: str = "en") -> str:
    """One timeline line: 'SMS · payment reminder · delivered', '短信 · 收到回复 · 退订'."""
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
            parts.append(Text("opted out", "已退订").get(language))
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
