"""Closed vocabularies of the domain. Values are the wire/storage spelling."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    VISIT = "visit"
    LETTER = "letter"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class PhoneType(StrEnum):
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"


class Bucket(StrEnum):
    CURRENT = "current"
    DPD_1_29 = "1-29"
    DPD_30_59 = "30-59"
    DPD_60_89 = "60-89"
    DPD_90_179 = "90-179"
    DPD_180_PLUS = "180+"

    @classmethod
    def for_days(cls, days_past_due: int) -> Bucket:
        if days_past_due <= 0:
            return cls.CURRENT
        if days_past_due < 30:
            return cls.DPD_1_29
        if days_past_due < 60:
            return cls.DPD_30_59
        if days_past_due < 90:
            return cls.DPD_60_89
        if days_past_due < 180:
            return cls.DPD_90_179
        return cls.DPD_180_PLUS

    @property
    def label_zh(self) -> str:
        return {
            "current": "正常",
            "1-29": "M1",
            "30-59": "M2",
            "60-89": "M3",
            "90-179": "M4-M6",
            "180+": "M6+",
        }[self.value]


class AccountStatus(StrEnum):
    OPEN = "open"
    PROMISE = "promise"
    PLAN = "plan"
    DISPUTE = "dispute"
    HOLD = "hold"
    PAID = "paid"
    SETTLED = "settled"
    CLOSED = "closed"

    @property
    def is_closed(self) -> bool:
        return self in (AccountStatus.PAID, AccountStatus.SETTLED, AccountStatus.CLOSED)


class RiskTier(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class CustomerFlag(StrEnum):
    VULNERABLE = "vulnerable"
    HARDSHIP = "hardship"
    BREATHING_SPACE = "breathing_space"
    DECEASED = "deceased"
    BANKRUPT = "bankrupt"
    CEASE_COMMUNICATION = "cease_communication"


class EventType(StrEnum):
    CONTACT_ATTEMPT = "contact_attempt"
    PROMISE = "promise"
    PAYMENT = "payment"
    NOTE = "note"
    VISIT = "visit"
    PLAN_AGREEMENT = "plan_agreement"
    COMPLAINT = "complaint"
    DISPUTE = "dispute"
    SATISFACTION = "satisfaction"
    FLAG_CHANGE = "flag_change"
    MESSAGE = "message"
    VOID = "void"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class PaymentSource(StrEnum):
    REPORTED = "reported"  # an agent heard it from the customer
    CONFIRMED = "confirmed"  # the backend saw the money


class ComplaintStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class DisputeStatus(StrEnum):
    PENDING_VALIDATION = "pending_validation"
    RESOLVED = "resolved"


class VisitOutcome(StrEnum):
    MET_DEBTOR = "met_debtor"
    THIRD_PARTY = "third_party"
    NOBODY = "nobody"
    MOVED = "moved"
    REFUSED = "refused"


class Role(StrEnum):
    AGENT = "agent"
    FIELD = "field"
    LEAD = "lead"
    ADMIN = "admin"


class Language(StrEnum):
    EN = "en"
    ZH = "zh"
