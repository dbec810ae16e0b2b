"""The desk's *Paid during call*: what the customer says was paid, recorded as a reported payment.

A reported payment is a fact about what the agent heard (amount, date, method), not money:
it moves no balance and decides no promise until the bank's confirmed payment matches it on
the backend (``workstation.server.lifecycle``). The form is checked here so a slip of the
keyboard never reaches the books: the amount must be positive and at most the balance, the
date not in the customer's future nor older than ``MAX_AGE_DAYS``, the method one of
``PAYMENT_METHODS``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workstation.desk.types import AccountView, OutcomeInput
from workstation.domain.money import Money, MoneyError
from workstation.text import Text

# how the customer says they paid (labels: ``ui.labels.payment_method_text``)
PAYMENT_METHODS = ("bank_transfer", "card", "wallet", "cash", "other")
MAX_AGE_DAYS = 60
_REQUIRED = Text("Required", "必填")


def positive_amount(text: str, currency: str, field: str, errors: dict[str, Text]) -> Money | None:
    """A typed amount in ``currency``, more than zero; else None and ``errors[field]``."""
    if not text.strip():
        errors[field] = _REQUIRED
        return None
    try:
        value = Money.of(text, currency)
    except MoneyError:
        errors[field] = Text(f"Not an amount in {currency}", f"不是有效的{currency}金额")
        return None
    if not value.is_positive():
        errors[field] = Text("Must be more than zero", "必须大于零")
        return None
    return value


def amount_within_balance(
    text: str, view: AccountView, field: str, errors: dict[str, Text]
) -> Money | None:
    """An amount the customer promises or says was paid: positive, at most the balance."""
    amount = positive_amount(text, view.account.currency, field, errors)
    balance = view.account.balance
    if amount is not None and amount > balance:
        errors[field] = Text(
            f"More than the balance {balance.format()}", f"超过未还余额 {balance.format()}"
        )
        return None
    return amount


def check_reported(
    form: OutcomeInput, view: AccountView, now: datetime, errors: dict[str, Text]
) -> dict[str, Any]:
    """The reported payment's fields (``payment_amount``, ``payment_date``,
    ``payment_method``), parsed; problems go to ``errors`` keyed by field."""
    out: dict[str, Any] = {}
    amount = amount_within_balance(form.payment_amount, view, "payment_amount", errors)
    if amount is not None:
        out["payment_amount"] = amount.wire()
        out["currency"] = amount.currency
    local_today = now.astimezone(ZoneInfo(view.customer.timezone)).date()
    raw_day = form.payment_date.strip()
    try:
        paid_on = date.fromisoformat(raw_day) if raw_day else local_today
    except ValueError:
        errors["payment_date"] = Text("Not a date", "日期无效")
    else:
        if paid_on > local_today:
            errors["payment_date"] = Text("In the future", "日期在将来")
        elif paid_on < local_today - timedelta(days=MAX_AGE_DAYS):
            errors["payment_date"] = Text(
                f"More than {MAX_AGE_DAYS} days ago", f"超过{MAX_AGE_DAYS}天之前"
            )
        else:
            out["payment_date"] = paid_on.isoformat()
    method = form.payment_method.strip() or "bank_transfer"
    if method not in PAYMENT_METHODS:
        errors["payment_method"] = Text("Choose how it was paid", "请选择还款方式")
    else:
        out["payment_method"] = method
    return out


def reported_payload(extra: dict[str, Any], attempt_id: str) -> dict[str, Any] | None:
    """The ``payment`` event's payload from the checked fields, or None when there is none."""
    if "payment_amount" not in extra:
        return None
    return {
        "amount": extra["payment_amount"],
        "currency": extra["currency"],
        "source": "reported",
        "paid_on": extra["payment_date"],
        "method": extra["payment_method"],
        "attempt_id": attempt_id,
    }
