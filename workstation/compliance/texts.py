"""Bilingual wording of compliance reasons: what blocks a contact and until when, in the
customer's local time, in English and Simplified Chinese.

Kept apart from the engine so the wording can be reviewed in one place; the functions are
pure and cheap (no locale, no ``strftime``), because the queue renders 100,000 verdicts.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from workstation.domain.dates import day_text
from workstation.domain.enums import Channel, PhoneType

CHANNEL_EN = {
    Channel.PHONE: "calls",
    Channel.SMS: "SMS",
    Channel.EMAIL: "e-mail",
    Channel.VISIT: "visits",
    Channel.LETTER: "letters",
}
CHANNEL_ZH = {
    Channel.PHONE: "电话",
    Channel.SMS: "短信",
    Channel.EMAIL: "邮件",
    Channel.VISIT: "外访",
    Channel.LETTER: "信函",
}
VERB_EN = {
    Channel.PHONE: "call",
    Channel.SMS: "send an SMS",
    Channel.EMAIL: "send an e-mail",
    Channel.VISIT: "visit",
    Channel.LETTER: "send a letter",
}
VERB_ZH = {
    Channel.PHONE: "拨打电话",
    Channel.SMS: "发送短信",
    Channel.EMAIL: "发送邮件",
    Channel.VISIT: "上门外访",
    Channel.LETTER: "寄送信函",
}
# what a limit counts, by ``Limit.counts``; "attempt" on the phone reads "call"
COUNTED_EN = {
    "attempt": "contact attempt",
    "conversation": "conversation",
    "connected": "connected call",
    "unanswered": "unanswered attempt",
}
COUNTED_ZH = {
    "attempt": "联系",
    "conversation": "通话",
    "connected": "接通电话",
    "unanswered": "未接通呼叫",
}
PHONE_TYPE_EN = {
    PhoneType.MOBILE: "mobile",
    PhoneType.HOME: "home number",
    PhoneType.WORK: "work number",
}
PHONE_TYPE_ZH = {PhoneType.MOBILE: "手机", PhoneType.HOME: "家庭电话", PhoneType.WORK: "工作电话"}


def ordinal_en(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def moment_text(instant: datetime, zone: tzinfo, today: date) -> tuple[str, str]:
    """An instant as the customer's local day and clock: 'Thursday 08:00' / '周四 08:00'."""
    local = instant.astimezone(zone)
    day_en, day_zh = day_text(local.date(), today)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{day_en} {clock}", f"{day_zh} {clock}"


def mask_number(number: str) -> str:
    """Only the last four digits: '…5678' (reasons may end up in logs and exports)."""
    digits = [c for c in number if c.isalnum()]
    return "…" + "".join(digits[-4:])


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_number(address)
