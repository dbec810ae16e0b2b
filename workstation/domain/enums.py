"""Closed vocabularies of the domain. Values are the wire/storage spelling."""

from __future__ import annotations

from enum import StrEnum

from workstation.text import Text


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
    VULNERABILITY_REVIEW = "vulnerability_review"  # the lead's review is pending
    HARDSHIP = "hardship"
    BREATHING_SPACE = "breathing_space"
    DECEASED = "deceased"
    BANKRUPT = "bankrupt"
    CEASE_COMMUNICATION = "cease_communication"
    FRAUD_REVIEW = "fraud_review"  # fraud / identity theft claimed: under review


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
    APPROVAL = "approval"  # an out-of-policy plan asked of the team lead, and the answer
    # written by the server only (``SERVER_ONLY_EVENTS``): the lifecycle's own facts
    INSTALMENT = "instalment"  # a plan instalment decided: paid, late (caught up), missed
    PLAN_STATUS = "plan_status"  # a plan broken (and why) or completed
    DOCUMENT = "document"  # a document the server produced (the paid-in-full letter)
    WRITE_OFF = "write_off"  # balance forgiven (a settlement reached)
    STATUS_CHANGE = "status_change"  # the server moved the account (paid, settled, recalled)
    PAYMENT_RETURN = "payment_return"  # the bank took a confirmed payment back (bounced)


#: event types a client may never push: the backend records them as it runs the lifecycle
SERVER_ONLY_EVENTS = frozenset(
    {
        EventType.INSTALMENT,
        EventType.PLAN_STATUS,
        EventType.DOCUMENT,
        EventType.WRITE_OFF,
        EventType.STATUS_CHANGE,
        EventType.PAYMENT_RETURN,
    }
)


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"  # some confirmed money by the deadline, not all of it
    BROKEN = "broken"
    CANCELLED = "cancelled"


class InstalmentStatus(StrEnum):
    """A plan instalment as the daily run decides it."""

    PENDING = "pending"
    PAID = "paid"
    LATE = "late"
    MISSED = "missed"


class PlanOutcome(StrEnum):
    """A plan as the daily run leaves it."""

    INTACT = "intact"
    BROKEN = "broken"
    COMPLETED = "completed"


class PaymentSource(StrEnum):
    REPORTED = "reported"  # an agent heard it from the customer
    CONFIRMED = "confirmed"  # the backend saw the money


class PaymentStatus(StrEnum):
    """The server's state of a payment (``payments.status``)."""

    APPLIED = "applied"  # confirmed money, allocated to the account
    UNCONFIRMED = "unconfirmed"  # reported, waiting for the bank's money
    CONFIRMED = "confirmed"  # reported, and a confirmed payment matched it
    UNMATCHED = "unmatched"  # reported, nothing matched in time: on the lead's review list
    OVER_BALANCE = "over_balance"  # reported above the balance: reviewed, never counted
    VOIDED = "voided"
    RETURNED = "returned"  # confirmed, then the bank took it back: counts nowhere since


class ComplaintStatus(StrEnum):
    """A complaint's state (``workstation.workflows.complaints`` holds the transitions)."""

    OPEN = "open"  # received: what a device records at intake (and every older complaint)
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Still being handled: the pack's complaint hold applies."""
        return self not in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)


class ApprovalStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class DisputeStatus(StrEnum):
    """A dispute's state (``workstation.workflows.disputes`` holds the transitions)."""

    PENDING_VALIDATION = "pending_validation"
    VALIDATION_SENT = "validation_sent"  # collection resumes after the pack's wait
    RESUMED = "resumed"
    UPHELD = "upheld"  # the customer was right: the account is adjusted or closed
    RESOLVED = "resolved"  # closed before the workflow existed (reads as resumed)

    @property
    def is_open(self) -> bool:
        """Collection on the account waits for it."""
        return self in (DisputeStatus.PENDING_VALIDATION, DisputeStatus.VALIDATION_SENT)


class VisitOutcome(StrEnum):
    MET_DEBTOR = "met_debtor"
    THIRD_PARTY = "third_party"
    NOBODY = "nobody"
    MOVED = "moved"
    REFUSED = "refused"


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    RECEIVED = "received"


class Role(StrEnum):
    AGENT = "agent"
    FIELD = "field"
    LEAD = "lead"
    ADMIN = "admin"
    # a payment processor or bank feed: posts confirmed payments, reads nothing else
    INTEGRATION = "integration"


class Language(StrEnum):
    EN = "en"
    ZH = "zh"


class Segment(StrEnum):
    """The 2×2 of ability and willingness to pay; each quadrant drives its own treatment.

    ``workstation.segments`` decides the quadrant from the two model scores; this enum owns
    the vocabulary: the wire/storage spelling, the bilingual label and the treatment.
    """

    ABLE_WILLING = "able_willing"
    ABLE_UNWILLING = "able_unwilling"
    UNABLE_WILLING = "unable_willing"
    UNABLE_UNWILLING = "unable_unwilling"

    @classmethod
    def of(cls, *, able: bool, willing: bool) -> Segment:
        if able:
            return cls.ABLE_WILLING if willing else cls.ABLE_UNWILLING
        return cls.UNABLE_WILLING if willing else cls.UNABLE_UNWILLING

    @property
    def is_able(self) -> bool:
        return self in (Segment.ABLE_WILLING, Segment.ABLE_UNWILLING)

    @property
    def is_willing(self) -> bool:
        return self in (Segment.ABLE_WILLING, Segment.UNABLE_WILLING)

    @property
    def label(self) -> Text:
        return _SEGMENT_LABELS[self]

    @property
    def treatment(self) -> Text:
        """The treatment this quadrant drives (what the strategy for it starts from)."""
        return _SEGMENT_TREATMENTS[self]


_SEGMENT_LABELS = {
    Segment.ABLE_WILLING: Text("Able & willing", "有能力·有意愿"),
    Segment.ABLE_UNWILLING: Text("Able & unwilling", "有能力·无意愿"),
    Segment.UNABLE_WILLING: Text("Unable & willing", "无能力·有意愿"),
    Segment.UNABLE_UNWILLING: Text("Unable & unwilling", "无能力·无意愿"),
}
_SEGMENT_TREATMENTS = {
    Segment.ABLE_WILLING: Text("Self-serve reminders", "自助还款提醒"),
    Segment.ABLE_UNWILLING: Text("Firm calls", "坚定催收电话"),
    Segment.UNABLE_WILLING: Text("Hardship plan", "困难还款计划"),
    Segment.UNABLE_UNWILLING: Text("Specialist / field review", "专员或外访评估"),
}
