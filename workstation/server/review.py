"""A review item made in one place: something a person must look at (a late fact, a contact
conflict, a plan outside policy, a visit for the field...), its summary in both languages.

Every producer wrote its summary in English only, and a lead working in Chinese read them
so; ``item`` takes the summary as a ``Text`` and stores both (``summary``, ``summary_zh``:
migration 0022), with a new id and the time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workstation.domain.model import new_id
from workstation.server.models import ReviewItem
from workstation.text import Text


def item(kind: str, summary: Text, now: datetime, **fields: Any) -> ReviewItem:
    """A new review item of ``kind`` (not yet added to a session); ``fields`` are its other
    columns (account, customer, event, team, assignee, from_user, detail...)."""
    return ReviewItem(
        id=new_id(),
        kind=kind,
        summary=summary.en,
        summary_zh=summary.zh,
        created_at=now,
        **fields,
    )


_EVENT_WORDS = {
    "contact_attempt": "联系记录",
    "promise": "承诺还款",
    "payment": "还款",
    "note": "备注",
    "visit": "外访",
    "plan_agreement": "还款计划",
    "complaint": "投诉",
    "dispute": "争议",
    "satisfaction": "满意度评分",
    "flag_change": "客户标记",
    "message": "消息",
    "void": "作废",
}


def event_words(kind: str) -> Text:
    """An event's type as a summary names it ("a promise" / 承诺还款)."""
    return Text(kind.replace("_", " "), _EVENT_WORDS.get(kind, kind))


_CONTACT_KINDS = {"customer": "客户", "phone": "电话", "email": "邮箱", "address": "地址"}
_CONTACT_FIELDS = {
    "name_alt": "别名", "language": "语言", "timezone": "时区", "contact_person": "联系人",
    "number": "号码", "type": "类型", "consent": "同意联系", "opted_out": "退订",
    "last_verified": "最近核实", "invalid": "无效", "address": "地址", "line1": "街道地址",
    "city": "城市", "district": "区县", "postcode": "邮编", "country": "国家",
    "latitude": "纬度", "longitude": "经度",
}  # fmt: skip


def contact_words(kind: str, field: str) -> Text:
    """A contact detail as a summary names it ("phone number" / 电话号码)."""
    chinese = _CONTACT_KINDS.get(kind, kind) + _CONTACT_FIELDS.get(field, field)
    return Text(f"{kind} {field}", chinese)
