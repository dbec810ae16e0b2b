"""Placeholder values for a message, taken from the customer, the account and its events.

Amounts are written for the message's language in the account's currency (``$1,234.50`` in
English; ``1,234.50元`` / ``1,234.50美元`` in Chinese); dates are the customer's local
dates (``15 March 2025`` / ``2025年3月15日``). A value that cannot be known (no open
promise, no plan, no settlement amount typed) is reported with the reason in both
languages instead of being guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from workstation.domain.dates import long_date_en, long_date_zh
from workstation.domain.enums import EventType, Language
from workstation.domain.model import Account, Customer, Event
from workstation.domain.money import Money, MoneyError
from workstation.text import Text, is_chinese

PORTAL_LINK_MARKER = "{portal_link}"
CURRENCY_ZH = {
    "CNY": "元",
    "USD": "美元",
    "GBP": "英镑",
    "EUR": "欧元",
    "HKD": "港元",
    "JPY": "日元",
}
AGENT_INPUTS = ("settlement_amount", "valid_until")


@dataclass(frozen=True, slots=True)
class Missing:
    """A placeholder the message needs but nothing on file can fill, and why."""

    placeholder: str
    text: Text  # ``item.text(language)`` reads it in one language


_WHY_MISSING = {
    "promise_amount": ("No open promise on this account", "该账户没有未兑现的承诺还款"),
    "promise_date": ("No open promise on this account", "该账户没有未兑现的承诺还款"),
    "instalment_amount": ("No repayment plan on this account", "该账户没有还款计划"),
    "instalments": ("No repayment plan on this account", "该账户没有还款计划"),
    "next_due_date": ("The plan has no instalment still to come", "还款计划已无待还分期"),
    "missed_amount": ("No missed instalment on this account", "该账户没有逾期未还的分期"),
    "missed_date": ("No missed instalment on this account", "该账户没有逾期未还的分期"),
    "settlement_amount": ("Enter the settlement amount", "请输入结清金额"),
    "valid_until": ("Enter the date the offer is valid until", "请输入方案有效期"),
}


def money_text(amount: Money, language: Language | str) -> str:
    """``$1,234.50`` in English; ``1,234.50元`` in Chinese (the currency's Chinese name)."""
    if is_chinese(str(language)):
        name = CURRENCY_ZH.get(amount.currency)
        if name is not None:
            return amount.format(symbol=False) + name
    return amount.format()


def date_text(day: date, language: Language | str) -> str:
    """``15 March 2025`` in English; ``2025年3月15日`` in Chinese."""
    return long_date_zh(day) if is_chinese(str(language)) else long_date_en(day)


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def customer_name(customer: Customer, language: Language | str) -> str:
    """The customer's name in the script that suits the message's language, if on file."""
    name, alt = customer.name.strip(), customer.name_alt.strip()
    if alt and is_chinese(str(language)) and not _has_cjk(name) and _has_cjk(alt):
        return alt
    if alt and not is_chinese(str(language)) and _has_cjk(name) and not _has_cjk(alt):
        return alt
    return name


def account_reference(account: Account) -> str:
    """The last four characters of the account id: enough to recognise, too few to misuse."""
    characters = [c for c in account.id if c.isalnum()]
    return "".join(characters[-4:]).upper()


def local_today(customer: Customer, now: datetime) -> date:
    try:
        return now.astimezone(ZoneInfo(customer.timezone)).date()
    except (KeyError, ValueError):
        return now.date()


def _voided(events: Sequence[Event]) -> frozenset[str]:
    return frozenset(
        str(e.payload.get("target_event_id"))
        for e in events
        if e.type == EventType.VOID and e.payload.get("target_event_id")
    )


def _latest(events: Sequence[Event], kind: EventType, account: Account) -> Event | None:
    voided = _voided(events)
    chosen = [e for e in events if e.type == kind and e.account_id == account.id]
    chosen = [e for e in chosen if e.id not in voided]
    return max(chosen, key=lambda e: e.occurred_at, default=None)


def _money(value: object, currency: str) -> Money | None:
    if value is None or value == "":
        return None
    try:
        return Money.of(str(value), currency)
    except MoneyError:
        return None


def _plan_values(
    plan: Event, events: Sequence[Event], account: Account, today: date, language: str
) -> dict[str, str]:
    currency = str(plan.payload.get("currency") or account.currency)
    values: dict[str, str] = {}
    amount = _money(plan.payload.get("instalment_amount"), currency)
    if amount is not None:
        values["instalment_amount"] = money_text(amount, language)
    if plan.payload.get("instalments"):
        values["instalments"] = str(plan.payload["instalments"])
    schedule: list[tuple[date, Money]] = []
    for line in plan.payload.get("schedule") or ():
        line_amount = _money(line.get("amount"), currency)
        if line_amount is not None and line.get("due_on"):
            schedule.append((date.fromisoformat(str(line["due_on"])), line_amount))
    if not schedule and amount is not None and plan.payload.get("first_due"):
        schedule.append((date.fromisoformat(str(plan.payload["first_due"])), amount))
    schedule.sort(key=lambda item: item[0])
    upcoming = [(due, value) for due, value in schedule if due >= today]
    if upcoming:
        values["next_due_date"] = date_text(upcoming[0][0], language)
    # payments recorded since the plan cover the instalments in order; the first one due
    # before today and not covered is the missed one
    paid = Money.zero(currency)
    for event in events:
        if (
            event.type == EventType.PAYMENT
            and event.account_id == account.id
            and event.occurred_at >= plan.occurred_at
        ):
            payment = event.money()
            if payment is not None and payment.currency == currency:
                paid = paid + payment
    owed = Money.zero(currency)
    for due, value in schedule:
        owed = owed + value
        if due < today and owed > paid:
            values["missed_amount"] = money_text(value, language)
            values["missed_date"] = date_text(due, language)
            break
    return values


def fill_values(
    customer: Customer,
    account: Account,
    language: Language | str,
    now: datetime,
    history: Sequence[Event] = (),
    *,
    sender: Mapping[str, str] | None = None,
    inputs: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every placeholder value that can be known; missing ones are simply absent.

    ``inputs`` are what the agent typed: ``settlement_amount`` (an amount in the account's
    currency) and ``valid_until`` (an ISO date). Invalid input is left out (then reported
    as missing).
    """
    lang = str(Language(language))
    today = local_today(customer, now)
    values: dict[str, str] = dict(sender or {})
    values.update(
        customer=customer_name(customer, lang),
        account=account_reference(account),
        balance=money_text(account.balance, lang),
        amount_due=money_text(account.past_due, lang),
        days_past_due=str(account.days_past_due),
    )
    promise = _latest(history, EventType.PROMISE, account)
    if promise is not None and promise.payload.get("status", "open") == "open":
        amount = promise.money()
        due = promise.date_field("due_date")
        if amount is not None and due is not None:
            values["promise_amount"] = money_text(amount, lang)
            values["promise_date"] = date_text(due, lang)
    plan = _latest(history, EventType.PLAN_AGREEMENT, account)
    if plan is not None:
        values.update(_plan_values(plan, history, account, today, lang))
    # the backend replaces the marker with a signed self-service link as it sends
    values["portal_link"] = PORTAL_LINK_MARKER
    typed = inputs or {}
    settlement = _money(typed.get("settlement_amount", "").strip(), account.currency)
    if settlement is not None and settlement.is_positive():
        values["settlement_amount"] = money_text(settlement, lang)
    valid_until = typed.get("valid_until", "").strip()
    if valid_until:
        try:
            day = date.fromisoformat(valid_until)
        except ValueError:
            day = None
        if day is not None and day >= today:
            values["valid_until"] = date_text(day, lang)
    return values


def missing(needed: frozenset[str], values: Mapping[str, str]) -> tuple[Missing, ...]:
    """The needed placeholders ``values`` lacks, each with its reason, in a stable order."""
    out: list[Missing] = []
    for name in sorted(needed - set(values)):
        en, zh = _WHY_MISSING.get(name, (f"No value for {name}", f"缺少{name}"))
        out.append(Missing(name, Text(en, zh)))
    return tuple(out)
