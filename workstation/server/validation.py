"""Structural validation of event payloads and contact patches arriving from clients.

A payload that breaks these rules is a client bug, not a business decision: the whole push
is refused with 422 naming the mutation, and nothing is written. Business rules (closed
account, wrong currency for the account, promise not open) are decided when applying and
answered per mutation as ``rejected`` with a reason.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import (
    Channel,
    ComplaintStatus,
    CustomerFlag,
    Direction,
    DisputeStatus,
    EventType,
    Language,
    PaymentSource,
    PhoneType,
    PromiseStatus,
    VisitOutcome,
)
from workstation.domain.money import MoneyError, minor_digits, parse_amount

_AMOUNT = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT = 4000


class PayloadError(ValueError):
    pass


def _need(payload: dict[str, Any], key: str) -> Any:
    if key not in payload or payload[key] is None:
        raise PayloadError(f"'{key}' is required")
    return payload[key]


def _text(
    payload: dict[str, Any], key: str, *, required: bool = False, limit: int = MAX_TEXT
) -> None:
    value = payload.get(key)
    if value is None:
        if required:
            raise PayloadError(f"'{key}' is required")
        return
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' must be a string")
    if len(value) > limit:
        raise PayloadError(f"'{key}' is longer than {limit} characters")


def _enum(payload: dict[str, Any], key: str, enum: Any, *, required: bool = True) -> None:
    value = payload.get(key)
    if value is None and not required:
        return
    allowed = [e.value for e in enum]
    if value not in allowed:
        raise PayloadError(f"'{key}' must be one of {', '.join(allowed)}; got {value!r}")


def _bool(payload: dict[str, Any], key: str, *, required: bool = False) -> None:
    value = payload.get(key)
    if value is None and not required:
        return
    if not isinstance(value, bool):
        raise PayloadError(f"'{key}' must be true or false")


def _int(payload: dict[str, Any], key: str, low: int, high: int, *, required: bool = False) -> None:
    value = payload.get(key)
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise PayloadError(f"'{key}' must be a whole number {low}-{high}")


def _date(payload: dict[str, Any], key: str, *, required: bool = False) -> None:
    value = payload.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' must be an ISO date YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"'{key}' must be an ISO date YYYY-MM-DD") from None


def parse_instant(value: Any, key: str) -> datetime:
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' must be an ISO-8601 instant with a UTC offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"'{key}' must be an ISO-8601 instant with a UTC offset") from None
    if moment.tzinfo is None:
        raise PayloadError(f"'{key}' must carry a UTC offset (e.g. +00:00)")
    return moment.astimezone(UTC)


def _instant(payload: dict[str, Any], key: str, *, required: bool = False) -> None:
    value = payload.get(key)
    if value is None and not required:
        return
    parse_instant(value, key)


def money_minor(payload: dict[str, Any], key: str, currency: str) -> int:
    value = _need(payload, key)
    if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
        raise PayloadError(f"'{key}' must be a decimal string such as \"1200.50\"")
    try:
        amount = parse_amount(value, currency, strict=True)
    except MoneyError as exc:
        raise PayloadError(f"'{key}': {exc}") from None
    return int(amount.scaleb(minor_digits(currency)))


def currency_of(payload: dict[str, Any]) -> str:
    currency = _need(payload, "currency")
    if not isinstance(currency, str):
        raise PayloadError("'currency' must be a currency code")
    try:
        minor_digits(currency)
    except MoneyError as exc:
        raise PayloadError(str(exc)) from None
    return currency


def validate_event(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Check a payload; return the columns copied out of it for SQL (KPIs, promises)."""
    try:
        kind = EventType(event_type)
    except ValueError:
        allowed = ", ".join(e.value for e in EventType)
        raise PayloadError(
            f"unknown event type {event_type!r}; expected one of {allowed}"
        ) from None
    out: dict[str, Any] = {
        "disposition": None,
        "amount_minor": None,
        "currency": None,
        "score": None,
    }
    if kind == EventType.CONTACT_ATTEMPT:
        _enum(payload, "channel", Channel)
        _enum(payload, "direction", Direction, required=False)
        code = _need(payload, "disposition")
        if not isinstance(code, str) or code not in default_catalogue():
            raise PayloadError(f"unknown disposition code {code!r}")
        out["disposition"] = code
        _int(payload, "duration_s", 0, 86400)
        _text(payload, "notes")
        _text(payload, "address_used", limit=100)
        _instant(payload, "callback_at")
        _text(payload, "override_reason")
    elif kind == EventType.PROMISE:
        currency = currency_of(payload)
        amount = money_minor(payload, "amount", currency)
        if amount <= 0:
            raise PayloadError("'amount' of a promise must be positive")
        _date(payload, "due_date", required=True)
        status = payload.get("status", "open")
        if status != PromiseStatus.OPEN.value:
            raise PayloadError("a new promise must have status 'open'; the server decides its fate")
        out.update(amount_minor=amount, currency=currency)
    elif kind == EventType.PAYMENT:
        currency = currency_of(payload)
        amount = money_minor(payload, "amount", currency)
        if amount <= 0:
            raise PayloadError("'amount' of a payment must be positive")
        _enum(payload, "source", PaymentSource, required=False)
        out.update(amount_minor=amount, currency=currency)
    elif kind == EventType.NOTE:
        _text(payload, "text", required=True)
    elif kind == EventType.VISIT:
        _text(payload, "address_id", limit=100)
        _enum(payload, "outcome", VisitOutcome)
        _text(payload, "notes")
        evidence = payload.get("evidence", {})
        if not isinstance(evidence, dict) or not all(
            isinstance(v, bool) for v in evidence.values()
        ):
            raise PayloadError("'evidence' must be an object of true/false flags")
    elif kind == EventType.PLAN_AGREEMENT:
        _int(payload, "instalments", 1, 600, required=True)
        currency = currency_of(payload)
        amount = money_minor(payload, "instalment_amount", currency)
        if amount <= 0:
            raise PayloadError("'instalment_amount' must be positive")
        _date(payload, "first_due", required=True)
        sha = payload.get("document_sha256")
        if sha is not None and (not isinstance(sha, str) or not _SHA256.match(sha)):
            raise PayloadError("'document_sha256' must be 64 lower-case hex digits")
        out.update(amount_minor=amount, currency=currency)
    elif kind == EventType.COMPLAINT:
        _text(payload, "category", required=True, limit=100)
        _text(payload, "details")
        _enum(payload, "status", ComplaintStatus, required=False)
        _date(payload, "sla_due")
        _text(payload, "blocked_address", limit=100)
    elif kind == EventType.DISPUTE:
        _text(payload, "reason", required=True, limit=200)
        _enum(payload, "status", DisputeStatus, required=False)
    elif kind == EventType.SATISFACTION:
        _int(payload, "score", 1, 5, required=True)
        out["score"] = payload["score"]
    elif kind == EventType.FLAG_CHANGE:
        _enum(payload, "flag", CustomerFlag)
        _bool(payload, "value", required=True)
        _date(payload, "since")
    elif kind == EventType.MESSAGE:
        _enum(payload, "channel", Channel)
        _text(payload, "template", limit=100)
    elif kind == EventType.VOID:
        _text(payload, "target_event_id", required=True, limit=64)
        _text(payload, "reason", required=True)
    return out


# --- contact patches -------------------------------------------------------------------------

CONTACT_KINDS = ("customer", "phone", "email", "address")
PATCHABLE: dict[str, dict[str, str]] = {
    "customer": {
        "name_alt": "text",
        "language": "language",
        "timezone": "text",
        "contact_person": "object",
    },
    "phone": {
        "number": "text",
        "type": "phone_type",
        "consent": "bool",
        "opted_out": "bool",
        "last_verified": "date",
    },
    "email": {"address": "text", "consent": "bool", "opted_out": "bool", "last_verified": "date"},
    "address": {
        "line1": "text",
        "city": "text",
        "district": "text",
        "postcode": "text",
        "country": "text",
        "latitude": "decimal",
        "longitude": "decimal",
    },
}
REQUIRED_ON_CREATE = {"phone": ("number",), "email": ("address",), "address": ("line1", "city")}


def validate_contact_patch(payload: dict[str, Any]) -> None:
    _text(payload, "customer_id", required=True, limit=64)
    kind = payload.get("kind")
    if kind not in CONTACT_KINDS:
        raise PayloadError(f"'kind' must be one of {', '.join(CONTACT_KINDS)}; got {kind!r}")
    if kind != "customer":
        _text(payload, "id", required=True, limit=64)
    fields = payload.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise PayloadError("'fields' must be a non-empty object")
    allowed = PATCHABLE[kind]
    for name, value in fields.items():
        if name not in allowed:
            raise PayloadError(
                f"field {name!r} cannot be patched on a {kind}; allowed: {', '.join(allowed)}"
            )
        rule = allowed[name]
        holder = {name: value}
        if rule == "text":
            _text(holder, name, limit=300)
        elif rule == "bool":
            _bool(holder, name)
        elif rule == "date":
            _date(holder, name)
        elif rule == "phone_type":
            _enum(holder, name, PhoneType)
        elif rule == "language":
            _enum(holder, name, Language)
        elif rule == "object":
            if value is not None and not isinstance(value, dict):
                raise PayloadError(f"'{name}' must be an object or null")
        elif rule == "decimal" and value is not None:
            try:
                if not isinstance(value, str):
                    raise InvalidOperation
                Decimal(value)
            except InvalidOperation:
                raise PayloadError(f"'{name}' must be a decimal string") from None
