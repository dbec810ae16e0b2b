"""The client-patchable contact fields: ONE table, used by the local store (what an edit may
change), ``sync/wire.py`` (how an edit becomes patches) and the server (what it accepts).

A customer's legal ``name`` is not here: it comes from the bank's placement, and an agent's
edit of it would be refused by the server (it once was, with a 422 the client never expected).
The second-script ``name_alt``, language, timezone and the contact person are the agent's to
keep current; phones, e-mails and addresses field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.contract.codec import Chars, Check, Range, field_names
from workstation.contract.values import VERIFIED_ON, Code, Label
from workstation.domain.enums import Language, PhoneType


def _zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"is not an IANA time zone ({name!r})"
    return None


TimeZone = Annotated[str, Chars(64, min_length=1), Check(_zone, "IANA time zone")]
PhoneNumber = Annotated[str, Chars(50)]
EmailAddress = Annotated[str, Chars(320)]
ContactKind = Literal["customer", "phone", "email", "address"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPersonValue:
    """The pre-agreed contact person (never told of the debt)."""

    name: Label
    phone: PhoneNumber
    relationship: Code | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerFields:
    name_alt: Label | None = None
    language: Language | None = None
    timezone: TimeZone | None = None
    contact_person: ContactPersonValue | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneFields:
    number: PhoneNumber | None = None
    type: PhoneType | None = None
    consent: bool | None = None
    opted_out: bool | None = None
    last_verified: Annotated[date, VERIFIED_ON] | None = None
    # wrong number or disconnected (a WRONG / DISC outcome): not dialled until re-verified
    invalid: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailFields:
    address: EmailAddress | None = None
    consent: bool | None = None
    opted_out: bool | None = None
    last_verified: Annotated[date, VERIFIED_ON] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressFields:
    line1: Label | None = None
    city: Label | None = None
    district: Label | None = None
    postcode: Code | None = None
    country: Code | None = None
    latitude: Annotated[Decimal, Range(Decimal(-90), Decimal(90))] | None = None
    longitude: Annotated[Decimal, Range(Decimal(-180), Decimal(180))] | None = None


# kind → the class whose fields a patch of that kind may carry
PATCHES: Mapping[str, type[Any]] = {
    "customer": CustomerFields,
    "phone": PhoneFields,
    "email": EmailFields,
    "address": AddressFields,
}
PATCHABLE: Mapping[str, tuple[str, ...]] = {kind: field_names(c) for kind, c in PATCHES.items()}
CUSTOMER_FIELDS: tuple[str, ...] = PATCHABLE["customer"]
# the customer's lists of contact records, by the name the customer carries them under
CONTACT_LISTS: Mapping[str, str] = {"phones": "phone", "emails": "email", "addresses": "address"}
REQUIRED_ON_CREATE: Mapping[str, tuple[str, ...]] = {
    "phone": ("number",),
    "email": ("address",),
    "address": ("line1", "city"),
}
