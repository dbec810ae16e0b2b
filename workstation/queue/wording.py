"""The queue's reasons in words, English and Chinese, built only when a row is looked at.

This module owns every sentence the queue shows: "promise of ¥1,200 due today — not yet
paid", "high balance, 95 days past due, score 0.71: recent partial payment", "blocked
until Thu 08:00 (attempt cap)". Times are shown in the customer's local time, relative to
the moment of ranking ("today 15:00", "tomorrow 08:00", "Thu 08:00"), because that is when
the collector may act. Money goes through ``Money`` here, never in the ranking loop.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.domain.dates import day_text
from workstation.domain.enums import Bucket, CustomerFlag
from workstation.domain.money import MINOR_DIGITS, Money, MoneyError
from workstation.queue.features import row_features
from workstation.queue.scorecard import Reason, Scorecard, sigmoid
from workstation.queue.treatments import TreatmentPolicy
from workstation.queue.types import Category, QueueInput

if TYPE_CHECKING:
    from workstation.queue.ranking import RankedRow

_BUCKET_EN = {
    Bucket.CURRENT: "current",
    Bucket.DPD_1_29: "1–29 days",
    Bucket.DPD_30_59: "30–59 days",
    Bucket.DPD_60_89: "60–89 days",
    Bucket.DPD_90_179: "90–179 days",
    Bucket.DPD_180_PLUS: "180+ days",
}
_CLOSED_WORDS = {"paid": ("paid", "已还清"), "settled": ("settled", "已和解结清")}


@cache
def zone(name: str) -> tzinfo:
    """The customer's time zone; an unknown name falls back to UTC rather than failing a row."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def money_text(minor: int, currency: str) -> str:
    """``¥1,200`` for whole amounts, ``¥1,200.50`` otherwise."""
    try:
        text = Money.from_minor(minor, currency).format()
    except MoneyError:
        return f"{minor / 10 ** _digits(currency):,.2f} {currency}"
    whole, dot, fraction = text.rpartition(".")
    if dot and set(fraction) == {"0"}:
        return whole
    return text


def moment_text(moment: datetime, timezone: str, now: datetime) -> tuple[str, str]:
    """A moment in the customer's local time, relative to ``now``: ``Thu 08:00``."""
    place = zone(timezone)
    local = moment.astimezone(place)
    day_en, day_zh = day_text(local.date(), now.astimezone(place).date())
    clock = local.strftime("%H:%M")
    return f"{day_en} {clock}", f"{day_zh} {clock}"


def score_reasons(source: QueueInput, scorecard: Scorecard, top: int = 3) -> tuple[Reason, ...]:
    if source.features is not None:
        return scorecard.score(source.features, top=top).reasons
    if source.score is not None:
        found = (scorecard.reason_for_code(code) for code in source.reason_codes)
        return tuple(reason for reason in found if reason is not None)[:top]
    digits = 10 ** _digits(source.currency)
    features = row_features(
        source.balance_minor / digits,
        source.past_due_minor / digits,
        source.days_past_due,
        source.flags,
    )
    return scorecard.score(features, top=top).reasons


def _digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def _promise(source: QueueInput, today: date) -> Reason:
    due = source.promise_due_on
    assert due is not None
    amount_en = amount_zh = ""
    if source.promise_amount_minor is not None:
        amount = money_text(source.promise_amount_minor, source.currency)
        amount_en, amount_zh = f" of {amount}", f" {amount}"
    overdue = (today - due).days
    if overdue == 0:
        return Reason(
            "PROMISE_DUE",
            f"promise{amount_en} due today — not yet paid",
            f"承诺还款{amount_zh} 今日到期 — 尚未还款",
            1,
        )
    if overdue > 0:
        days_en = "1 day" if overdue == 1 else f"{overdue} days"
        return Reason(
            "PROMISE_MISSED",
            f"promise{amount_en} was due {days_en} ago — not yet paid",
            f"承诺还款{amount_zh} 已过期 {overdue} 天 — 尚未还款",
            1,
        )
    when_en, when_zh = day_text(due, today)
    return Reason(
        "PROMISE_PENDING",
        f"promise{amount_en} due {when_en} — waiting for payment",
        f"承诺还款{amount_zh} {when_zh}到期 — 等待还款",
        -1,
    )


def _callback(source: QueueInput, now: datetime) -> Reason:
    assert source.callback_at is not None
    when_en, when_zh = moment_text(source.callback_at, source.timezone, now)
    if source.callback_at <= now:
        return Reason(
            "CALLBACK_DUE",
            f"callback requested for {when_en} — due now",
            f"客户预约 {when_zh} 回访 — 现已到期",
            1,
        )
    return Reason("CALLBACK_BOOKED", f"callback booked for {when_en}", f"已预约 {when_zh} 回访", -1)


def _blocked(row: RankedRow, now: datetime) -> Reason:
    contact = row.contact
    why_en = f" ({contact.reason_en})" if contact.reason_en else ""
    why_zh = f"（{contact.reason_zh or contact.reason_en}）" if contact.reason_en else ""
    if row.next_contact_allowed_at is None:
        return Reason("BLOCKED", f"may not be contacted now{why_en}", f"当前不可联系{why_zh}", -1)
    when_en, when_zh = moment_text(row.next_contact_allowed_at, row.source.timezone, now)
    return Reason(
        "BLOCKED", f"blocked until {when_en}{why_en}", f"暂停联系至 {when_zh}{why_zh}", -1
    )


def _value(row: RankedRow, scorecard: Scorecard, policy: TreatmentPolicy) -> Reason:
    source = row.source
    balance = source.balance_minor / 10 ** _digits(source.currency)
    parts_en: list[str] = []
    parts_zh: list[str] = []
    if balance >= policy.priority.high_balance:
        parts_en.append("high balance")
        parts_zh.append("高余额")
    if source.days_past_due > 0:
        day_word = "day" if source.days_past_due == 1 else "days"
        parts_en.append(f"{source.days_past_due} {day_word} past due")
        parts_zh.append(f"逾期 {source.days_past_due} 天")
    else:
        parts_en.append("not past due")
        parts_zh.append("未逾期")
    # Name what pulls the score the way it leans (above or below the average account), so
    # "score 0.12: long overdue" never reads "score 0.12: usually answers".
    leaning = 1 if row.probability >= sigmoid(scorecard.intercept) else -1
    why = [r for r in score_reasons(source, scorecard, top=4) if r.direction == leaning][:2]
    score_en = f"score {row.probability:.2f}"
    score_zh = f"评分 {row.probability:.2f}"
    if why:
        score_en += ": " + ", ".join(reason.text_en for reason in why)
        score_zh += "：" + "，".join(reason.text_zh for reason in why)
    parts_en.append(score_en)
    parts_zh.append(score_zh)
    return Reason("VALUE", ", ".join(parts_en), "，".join(parts_zh), 0)


def _rolls_soon(row: RankedRow, policy: TreatmentPolicy) -> Reason | None:
    dpd = row.source.days_past_due
    if dpd <= 0 or not policy.rolls_soon(dpd):
        return None
    boundary = next(b for b in (30, 60, 90, 180) if b > dpd)
    days = boundary - dpd
    target = Bucket.for_days(boundary)
    day_word = "day" if days == 1 else "days"
    return Reason(
        "ROLLS_SOON",
        f"rolls into {_BUCKET_EN[target]} past due in {days} {day_word}",
        f"{days} 天后进入 {target.label_zh}",
        1,
    )


def row_reasons(
    row: RankedRow, scorecard: Scorecard, policy: TreatmentPolicy, now: datetime
) -> tuple[Reason, ...]:
    """The reasons for one ranked row, the one that decided its band first."""
    source = row.source
    today = now.astimezone(zone(source.timezone)).date()
    reasons: list[Reason] = []
    if row.category is Category.CLOSED:
        en, zh = _CLOSED_WORDS.get(source.status, ("closed", "已关闭"))
        return (Reason("CLOSED", f"account {en} — nothing to collect", f"账户{zh} — 无需催收"),)
    if row.category is Category.BLOCKED:
        reasons.append(_blocked(row, now))
    if row.category is Category.TASK and source.task is not None:
        words = source.task.reason
        reasons.append(Reason("STRATEGY_STEP", words.en, words.zh))
    if source.callback_at is not None:
        reasons.append(_callback(source, now))
    if source.promise_due_on is not None:
        reasons.append(_promise(source, today))
    reasons.append(_value(row, scorecard, policy))
    rolling = _rolls_soon(row, policy)
    if rolling is not None:
        reasons.append(rolling)
    reasons.append(_treatment(row, policy))
    return tuple(reasons)


# why a customer flag replaced the tier's treatment (``[[override]]`` in treatments.toml)
_FLAG_WORDS: dict[str, tuple[str, str]] = {
    CustomerFlag.VULNERABLE: ("the customer is flagged vulnerable", "客户被标记为弱势客户"),
    CustomerFlag.VULNERABILITY_REVIEW: (
        "the customer's vulnerability is under review",
        "客户的弱势状况待复核",
    ),
    CustomerFlag.HARDSHIP: ("the customer reported financial hardship", "客户报告经济困难"),
    CustomerFlag.BREATHING_SPACE: ("the customer is in a breathing space", "客户处于喘息期"),
    CustomerFlag.DECEASED: ("the customer is recorded as deceased", "客户已登记为身故"),
    CustomerFlag.BANKRUPT: ("the customer is in bankruptcy proceedings", "客户处于破产程序中"),
    CustomerFlag.CEASE_COMMUNICATION: (
        "the customer asked not to be contacted",
        "客户已提出停止联系请求",
    ),
    CustomerFlag.FRAUD_REVIEW: ("fraud or identity theft is claimed", "客户声称欺诈或冒用身份"),
}


def flag_words(flag: str) -> tuple[str, str]:
    """Why a flag decides, in English and Chinese; an unknown flag as its code in words."""
    return _FLAG_WORDS.get(flag) or (f"the customer is flagged {flag.replace('_', ' ')}",) * 2


def _treatment(row: RankedRow, policy: TreatmentPolicy) -> Reason:
    """The suggestion and, where a customer flag chose it rather than the tier, which flag
    (a vulnerable customer's "suggested: Hardship review" beside "no hardship reported" read
    as a mistake); at the desk, where the tier calls for a visit, why it is another and who
    could still send someone to the door (the desk does not know the team's towns)."""
    treatment, planned, tier = row.treatment, row.planned, row.tier.value
    flags = policy.deciding_flags(row.source.flags) if planned is treatment else ()
    if flags:
        words = [flag_words(flag) for flag in flags]
        because_en = " and ".join(en for en, _zh in words)
        because_zh = "，且".join(zh for _en, zh in words)
        return Reason(
            "TREATMENT",
            f"tier {tier} — suggested: {treatment.label_en}, as {because_en}",
            f"风险等级 {tier} — 建议：{treatment.label_zh}，因{because_zh}",
        )
    if planned is treatment:
        return Reason(
            "TREATMENT",
            f"tier {tier} — suggested: {treatment.label_en}",
            f"风险等级 {tier} — 建议：{treatment.label_zh}",
        )
    return Reason(
        "TREATMENT",
        f"tier {tier} — suggested: {treatment.label_en}, as the desk makes no visits "
        f"({planned.label_en} fits the tier: a lead can move the account to a field collector "
        "working the customer's town, if there is one)",
        f"风险等级 {tier} — 建议：{treatment.label_zh}，坐席不外访"
        f"（该等级宜{planned.label_zh}：如客户所在城市有外访员，组长可将账户调配给该外访员）",
    )
