"""One typed payload per event type: every key a desk, a field laptop, the messaging worker or
the seed may put into ``Event.payload``, with its wire limits.

The server refuses a pushed payload with any other key (issue 20: a 900 KB ``junk`` field
was stored and synced). ``PAYLOADS`` maps each ``EventType`` to its class; ``payload_of``
reads an event's payload as its typed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Protocol, TypeVar

from workstation.contract.codec import Chars, Check, ContractError, Items, Range, decode
from workstation.contract.values import (
    CALLBACK_AT,
    FLAG_SINCE,
    OCCURRED_AT,
    PLAN_LINE,
    PLAN_START,
    PROMISE_DUE,
    SLA_DUE,
    Code,
    Codes,
    ContactRef,
    CurrencyCode,
    Id,
    Label,
    NonNegativeAmount,
    Note,
    PositiveAmount,
    Reason,
    Sha256,
)
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import (
    AccountStatus,
    ApprovalStatus,
    Channel,
    ComplaintOutcome,
    ComplaintStatus,
    CustomerFlag,
    Direction,
    DisputeStatus,
    EventType,
    InstalmentStatus,
    Language,
    MessageStatus,
    PaymentSource,
    PlanOutcome,
    PromiseStatus,
    VisitOutcome,
)

T = TypeVar("T")


class EventLike(Protocol):
    """A domain ``Event``, a server ``EventRow``: anything with a type and a payload."""

    @property
    def type(self) -> str: ...

    @property
    def payload(self) -> Mapping[str, Any]: ...


def _known_disposition(code: str) -> str | None:
    return None if code in default_catalogue() else f"is not a disposition code ({code!r})"


Disposition = Annotated[str, Chars(20, min_length=1), Check(_known_disposition)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Override:
    """An attempt or visit logged against a "not allowed" verdict says why (audited)."""

    override_reason: Note | None = None
    override_codes: Codes | None = None  # the blocking reasons' codes
    decided_at: Annotated[datetime, OCCURRED_AT] | None = None  # when the verdict was reached
    rule_pack: Code | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactAttemptPayload(Override):
    """A call, SMS, e-mail, letter or visit attempt and its coded outcome."""

    channel: Channel
    disposition: Disposition
    direction: Direction | None = None  # outbound when left out
    duration_s: Annotated[int, Range(0, 86400)] | None = None
    notes: Note | None = None
    address_used: ContactRef | None = None
    callback_at: Annotated[datetime, CALLBACK_AT] | None = None
    promise_id: Id | None = None  # the promise event recorded with a PTP
    # what the disposition requires (resources/dispositions.toml ``requires``)
    dispute_reason: Reason | None = None
    complaint_category: Code | None = None
    hardship_details: Note | None = None
    payment_amount: PositiveAmount | None = None
    settlement_amount: PositiveAmount | None = None
    currency: CurrencyCode | None = None
    # a right-party call (workstation.desk.disclosures): the call guide's disclosures the
    # agent confirmed, by id; those not given and why (the server audits them)
    disclosures_given: Codes | None = None
    disclosures_missing: Codes | None = None
    disclosures_reason: Note | None = None
    via: Code | None = None  # portal: the customer did it on the self-service page

    @property
    def outbound(self) -> bool:
        return self.direction in (None, Direction.OUTBOUND)


@dataclass(frozen=True, slots=True, kw_only=True)
class PromisePayload:
    """A promise to pay; its fate is decided by payments (the server's), never by a device."""

    amount: PositiveAmount
    currency: CurrencyCode
    due_date: Annotated[date, PROMISE_DUE]
    status: PromiseStatus | None = None  # open when left out; only the server decides others
    attempt_id: Id | None = None
    visit_id: Id | None = None
    via: Code | None = None  # portal: the customer did it on the self-service page


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentAllocation:
    """Where a confirmed payment went: past due first, then the balance, the rest a credit."""

    past_due: NonNegativeAmount
    balance: NonNegativeAmount
    credit: NonNegativeAmount


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentPayload:
    """A payment: *reported* (the desk heard of it; moves nothing) or *confirmed* (the bank's
    money, written by the server only: the payment file or ``POST /api/v1/payments``)."""

    amount: PositiveAmount
    currency: CurrencyCode
    source: PaymentSource | None = None  # reported when left out
    promise_id: Id | None = None
    # the day the money was paid: the bank's value date, or the day the customer named
    paid_on: Annotated[date, PROMISE_DUE] | None = None
    method: Code | None = None  # bank_transfer, card, wallet, cash, direct_debit …
    attempt_id: Id | None = None  # the call on which it was reported (Paid during call)
    # confirmed only (the server's):
    payment_ref: Id | None = None  # the bank's reference: one payment, booked once
    allocation: PaymentAllocation | None = None
    matched_event_id: Id | None = None  # the reported payment this one confirms


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyTaskValue:
    """A strategy step for the account's owner (call, visit, hardship review): the step and
    strategy in both languages, the day it fell due, the stop conditions that lift it and
    the experiment arm that chose the strategy (``workstation.queue.tasks``)."""

    strategy_id: Code
    step_id: Code
    task: Literal["call", "visit", "hardship_review"]
    day: date
    step_en: Label
    step_zh: Label
    strategy_en: Label
    strategy_zh: Label
    stop_when: Annotated[tuple[Literal["promise", "plan", "paid", "hold"], ...], Items(4)] = ()
    experiment_id: Id | None = None
    arm: Literal["champion", "challenger"] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotePayload:
    text: Note
    # set when the daily run raised the note as a strategy's agent task (queue.tasks)
    strategy_task: StrategyTaskValue | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitPayload(Override):
    """A field visit: where, what happened, and the evidence the rule pack asks for."""

    outcome: VisitOutcome
    address_id: ContactRef | None = None
    notes: Note | None = None
    evidence: Annotated[Mapping[Code, bool], Items(20)] | None = None
    missing_evidence: Codes | None = None  # logged without it: the reason is the override
    promise_id: Id | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleLine:
    n: Annotated[int, Range(1, 600)]
    due_on: Annotated[date, PLAN_LINE]
    amount: NonNegativeAmount


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanAgreementPayload:
    """An agreed repayment plan; ``document_sha256`` names the signed agreement's PDF."""

    instalments: Annotated[int, Range(1, 600)]
    instalment_amount: PositiveAmount
    currency: CurrencyCode
    first_due: Annotated[date, PLAN_START]
    method: Code | None = None
    kind: Code | None = None  # instalments | deferral | settlement
    terms: Annotated[Mapping[Code, Label], Items(20)] | None = None
    total: PositiveAmount | None = None
    schedule: Annotated[tuple[ScheduleLine, ...], Items(600)] | None = None
    affordable: bool | None = None
    note: Note | None = None
    document_sha256: Sha256 | None = None
    document_reference: Code | None = None
    signed_on_visit: bool | None = None
    approval_id: Id | None = None  # the lead's approval of a plan outside policy
    via: Code | None = None  # portal: the customer did it on the self-service page
    # the customer's explicit consent on the portal: the name typed, when and from where
    consent_name: Label | None = None
    consent_at: Annotated[datetime, OCCURRED_AT] | None = None
    consent_ip: Annotated[str, Chars(64)] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintPayload:
    """A complaint, or (``complaint_id``) a step of its workflow; scoped to an address or a
    channel when it names one.

    A device records the intake only (no ``complaint_id``, status open); the backend writes
    every step (``workstation.workflows.complaints``): ``step``, the state it leaves the
    complaint in (``status``), and what the step set — the reference, owner and deadlines at
    ``register``; the reason and approver of an ``extend``; the outcome, root cause, redress
    and the words of the final response at ``resolve``."""

    category: Code
    details: Note | None = None
    status: ComplaintStatus | None = None  # open when left out
    sla_due: Annotated[date, SLA_DUE] | None = None  # the final response's deadline
    blocked_address: ContactRef | None = None
    blocked_channel: Channel | None = None
    complaint_id: Id | None = None
    about_user_id: Id | None = None  # the agent complained about: never its handler
    received_via: Code | None = None  # phone, sms, email, letter, visit, console, portal
    step: Code | None = None
    reference: Code | None = None
    owner_id: Id | None = None
    acknowledge_by: Annotated[date, SLA_DUE] | None = None
    summary_by: Annotated[date, SLA_DUE] | None = None
    reason: Note | None = None
    approver_id: Id | None = None
    outcome: ComplaintOutcome | None = None
    root_cause: Code | None = None
    redress: NonNegativeAmount | None = None
    currency: CurrencyCode | None = None
    resolution: Note | None = None
    remedy: Note | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DisputePayload:
    """A dispute, or (``dispute_id``) a step of its workflow (the backend's: validation
    sent with the day collection may resume, resumed, upheld with the adjustment or the
    account closed; ``workstation.workflows.disputes``)."""

    reason: Reason
    details: Note | None = None
    status: DisputeStatus | None = None  # pending_validation when left out
    dispute_id: Id | None = None
    step: Code | None = None
    resume_on: Annotated[date, SLA_DUE] | None = None  # validation sent: the wait's end
    note: Note | None = None  # why (the lead's words on resume or uphold)
    adjustment: NonNegativeAmount | None = None  # upheld: taken off the balance
    currency: CurrencyCode | None = None
    close_account: bool | None = None  # upheld: nothing is owed
    via: Code | None = None  # portal: the customer did it on the self-service page


@dataclass(frozen=True, slots=True, kw_only=True)
class SatisfactionPayload:
    """How satisfied the customer is: the customer's own rating from a survey link
    (``source`` survey, the rated conversation's channel and event), or the agent's guess
    typed during the call (``source`` left out: agent-entered)."""

    score: Annotated[int, Range(1, 5)]
    comment: Note | None = None
    source: Code | None = None  # survey (the customer's); agent-entered when left out
    contact_channel: Channel | None = None  # the channel of the conversation rated
    rated_event_id: Id | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlagChangePayload:
    """A customer flag set (``value`` true) or cleared; hardship may carry income/spending;
    the daily run clears a hold whose pack duration is over (``reason`` hold_ended)."""

    flag: CustomerFlag
    value: bool
    since: Annotated[date, FLAG_SINCE] | None = None
    details: Note | None = None
    monthly_income: NonNegativeAmount | None = None
    monthly_expenses: NonNegativeAmount | None = None
    currency: CurrencyCode | None = None
    reason: Code | None = None
    started_on: date | None = None
    duration_days: Annotated[int, Range(0, 36600)] | None = None
    ended_by_event_id: Id | None = None  # the event that set the flag
    via: Code | None = None  # portal: the customer did it on the self-service page


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePayload:
    """An SMS or e-mail: queued by a desk, or a status / reply the server appends."""

    channel: Channel
    direction: Direction | None = None
    address_used: ContactRef | None = None  # the Phone / Email record id
    to: Annotated[str, Chars(320)] | None = None
    template: Code | None = None
    language: Language | None = None
    status: MessageStatus | None = None  # queued when left out
    text: Annotated[str, Chars(20000)] | None = None
    subject: Label | None = None
    segments: Annotated[int, Range(0, 100)] | None = None
    encoding: Code | None = None
    opt_out_required: bool | None = None
    message_id: Id | None = None  # a status event names the message it reports on
    attempts: Annotated[int, Range(0, 1000)] | None = None
    reason: Annotated[str, Chars(1000)] | None = None
    opt_out: bool | None = None  # a reply asking to stop


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalPayload:
    """A plan or settlement outside policy asked of the team lead (a device records the
    request, which waits in its outbox like any fact), or the lead's answer (the backend
    writes it, naming the request): approved, or refused with the reason. The request
    carries the numbers the lead decides on and the policy it breaches."""

    kind: Code  # instalments | deferral | settlement
    status: ApprovalStatus | None = None  # requested when left out
    request_id: Id | None = None
    total: PositiveAmount | None = None
    currency: CurrencyCode | None = None
    instalments: Annotated[int, Range(1, 600)] | None = None
    first_due: Annotated[date, PLAN_START] | None = None
    terms: Annotated[Mapping[Code, Label], Items(20)] | None = None
    issues: Annotated[tuple[Label, ...], Items(20)] | None = None  # the policy breached
    justification: Note | None = None
    reason: Note | None = None  # why the lead refused


@dataclass(frozen=True, slots=True, kw_only=True)
class VoidPayload:
    """A correction: the named event no longer counts (nothing is edited in place)."""

    target_event_id: Id
    reason: Note


# --- written by the server only (``SERVER_ONLY_EVENTS``): the daily run's facts ------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class InstalmentPayload:
    """A plan instalment decided: paid, late (caught up later), missed."""

    plan_event_id: Id
    n: Annotated[int, Range(1, 600)]
    due_on: date
    amount: NonNegativeAmount
    paid: NonNegativeAmount
    currency: CurrencyCode
    status: InstalmentStatus
    covered_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanStatusPayload:
    """A plan broken (and why) or completed; the account's status when it changed."""

    plan_event_id: Id
    status: PlanOutcome
    reason: Code | None = None
    detail: Label | None = None
    missed: Annotated[tuple[Annotated[int, Range(1, 600)], ...], Items(600)] | None = None
    limit: Annotated[int, Range(0, 600)] | None = None
    account_status: AccountStatus | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentPayload:
    """A document the server produced (the paid-in-full letter), its PDF a blob."""

    kind: Code
    document_sha256: Sha256
    document_reference: Code | None = None
    content_sha256: Sha256 | None = None
    language: Code | None = None
    pages: Annotated[int, Range(1, 10_000)] | None = None
    paid_amount: NonNegativeAmount | None = None
    currency: CurrencyCode | None = None
    paid_on: date | None = None
    complaint_id: Id | None = None  # a complaint's letter names the complaint
    dispute_id: Id | None = None  # a validation notice names the dispute


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOffPayload:
    """Balance forgiven: a settlement's agreed amount was reached (``lifecycle.allocation``),
    or an adjustment a workflow decided — a complaint's redress, an upheld dispute
    (``reason`` complaint_redress / dispute_upheld, naming the complaint or dispute; how it
    was taken off: ``allocation``)."""

    amount: PositiveAmount
    currency: CurrencyCode
    reason: Code
    payment_event_id: Id | None = None
    plan_event_id: Id | None = None
    complaint_id: Id | None = None
    dispute_id: Id | None = None
    allocation: PaymentAllocation | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChangePayload:
    """The server moved the account: paid or settled by a payment, closed by a recall."""

    from_status: AccountStatus
    to_status: AccountStatus
    reason: Reason
    cause_event_id: Id | None = None  # the payment that closed it
    recalled: bool | None = None  # the bank took the account back


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReturnPayload:
    """The bank took a confirmed payment back (a bounced debit, a charge-back): what the
    payment had done is undone (``workstation.server.lifecycle.returns``). ``restored`` is
    where the money went back — past due, balance, credit taken back — and ``written_off``
    a settlement's write-off the payment had triggered, owed again; ``to_status`` the
    account's status when a closed account opened again."""

    target_event_id: Id  # the confirmed payment
    payment_ref: Id
    amount: PositiveAmount
    currency: CurrencyCode
    paid_on: date
    returned_on: date
    reason: Code
    restored: PaymentAllocation
    written_off: NonNegativeAmount | None = None
    to_status: AccountStatus | None = None


EventPayload = (
    ContactAttemptPayload
    | PromisePayload
    | PaymentPayload
    | NotePayload
    | VisitPayload
    | PlanAgreementPayload
    | ComplaintPayload
    | DisputePayload
    | SatisfactionPayload
    | FlagChangePayload
    | MessagePayload
    | VoidPayload
    | ApprovalPayload
    | InstalmentPayload
    | PlanStatusPayload
    | DocumentPayload
    | WriteOffPayload
    | StatusChangePayload
    | PaymentReturnPayload
)

PAYLOADS: Mapping[EventType, type[Any]] = {
    EventType.CONTACT_ATTEMPT: ContactAttemptPayload,
    EventType.PROMISE: PromisePayload,
    EventType.PAYMENT: PaymentPayload,
    EventType.NOTE: NotePayload,
    EventType.VISIT: VisitPayload,
    EventType.PLAN_AGREEMENT: PlanAgreementPayload,
    EventType.COMPLAINT: ComplaintPayload,
    EventType.DISPUTE: DisputePayload,
    EventType.SATISFACTION: SatisfactionPayload,
    EventType.FLAG_CHANGE: FlagChangePayload,
    EventType.MESSAGE: MessagePayload,
    EventType.VOID: VoidPayload,
    EventType.APPROVAL: ApprovalPayload,
    EventType.INSTALMENT: InstalmentPayload,
    EventType.PLAN_STATUS: PlanStatusPayload,
    EventType.DOCUMENT: DocumentPayload,
    EventType.WRITE_OFF: WriteOffPayload,
    EventType.STATUS_CHANGE: StatusChangePayload,
    EventType.PAYMENT_RETURN: PaymentReturnPayload,
}


def payload_of(event: EventLike, *, unknown: Literal["reject", "ignore"] = "ignore") -> Any:
    """``event.payload`` as its type's payload class (``ContractError`` when it does not fit).

    Reading is lenient about keys a newer server may add; writing (the push) is not."""
    return decode(PAYLOADS[EventType(event.type)], event.payload, unknown=unknown)


def typed(event: EventLike, cls: type[T]) -> T | None:
    """``event``'s payload as ``cls`` when it is of that type and fits, else None."""
    if PAYLOADS.get(EventType(event.type)) is not cls:
        return None
    try:
        value: T = decode(cls, event.payload, unknown="ignore")
    except ContractError:
        return None
    return value
