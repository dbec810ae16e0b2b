"""The effects table (DESIGN §10): what an event changes besides being recorded.

``effects(event, account, customer)`` is pure: the server applies its answer in the
transaction that accepts the event (bumping versions so every device hears of it), and a
device applies the same answer to its local store for offline work. Never two definitions.

From the disposition catalogue's ``sets`` (``resources/dispositions.toml``), for a
``contact_attempt``:

============================  =====================================================
``hold``                      account status ``hold`` (from open, promise or plan)
``dispute``                   account status ``dispute`` (wins over ``hold``)
``hardship`` ``vulnerable``   that customer flag is set (VULN sets ``vulnerable`` and
``vulnerability_review``      ``vulnerability_review``: the pack's vulnerable rules apply
``bankrupt`` ``deceased``     until the lead's review lifts the latter)
``cease_communication``
``fraud_review``              flag ``fraud_review`` (FRAUD also sets ``hold``)
``channel_opt_out``           the phone / e-mail used is opted out (every one of the
                              channel's when the attempt names none)
``number_invalid``            the phone used is marked invalid: no longer dialled
============================  =====================================================

``promise``, ``plan``, ``payment``, ``settlement``, ``complaint`` and ``callback`` change
state through their own events (a PTP is recorded with its ``promise`` event) or the
attempt's own fields (``callback_at``); ``moved`` and ``abusive`` are recorded facts the
rules read from history (``suppress_days``). By event type:

- ``promise`` (open): an open account becomes ``promise``;
- ``plan_agreement``: an open or promised account becomes ``plan``;
- ``dispute`` (pending validation): ``dispute``; a step that ends it (resumed, or upheld)
  returns a ``dispute`` account to ``open`` — or ``closed`` when upheld with nothing owed;
- ``complaint``: nothing here — the pack's complaint hold is read from the complaint's
  events by the contact engine, and lifts with its ``resolved`` step (``lifts_hold``);
- ``flag_change``: sets or clears its flag; clearing the last of bankrupt, deceased and
  fraud_review returns a ``hold`` account to ``open``.

A closed account (paid, settled, closed) never changes status here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from workstation.contract.events import (
    ComplaintPayload,
    ContactAttemptPayload,
    DisputePayload,
    EventLike,
    FlagChangePayload,
    PromisePayload,
    typed,
)
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import (
    AccountStatus,
    Channel,
    CustomerFlag,
    DisputeStatus,
    EventType,
    PromiseStatus,
)

# catalogue ``sets`` value → the customer flag it sets
FLAG_EFFECTS: Mapping[str, CustomerFlag] = {
    "hardship": CustomerFlag.HARDSHIP,
    "vulnerable": CustomerFlag.VULNERABLE,
    "vulnerability_review": CustomerFlag.VULNERABILITY_REVIEW,  # the lead's review is due
    "bankrupt": CustomerFlag.BANKRUPT,
    "deceased": CustomerFlag.DECEASED,
    "cease_communication": CustomerFlag.CEASE_COMMUNICATION,
    "fraud_review": CustomerFlag.FRAUD_REVIEW,
}
# the flags whose dispositions also put the account on hold (BANKRUPT, DECEASED, FRAUD)
_HOLDING_FLAGS = frozenset(
    {CustomerFlag.BANKRUPT.value, CustomerFlag.DECEASED.value, CustomerFlag.FRAUD_REVIEW.value}
)
# the statuses a hold may replace (a dispute keeps its own; a closed account keeps its end)
_HOLDABLE = frozenset({AccountStatus.OPEN, AccountStatus.PROMISE, AccountStatus.PLAN})


class AccountLike(Protocol):
    @property
    def status(self) -> str: ...


class PhoneLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def number(self) -> str: ...

    @property
    def opted_out(self) -> bool: ...

    @property
    def invalid(self) -> bool: ...


class EmailLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def opted_out(self) -> bool: ...


class CustomerLike(Protocol):
    @property
    def flags(self) -> Collection[str]: ...

    @property
    def phones(self) -> Sequence[PhoneLike]: ...

    @property
    def emails(self) -> Sequence[EmailLike]: ...


@dataclass(frozen=True, slots=True)
class Effects:
    """What one event changes: only real changes (a flag already set is not listed)."""

    set_flags: frozenset[CustomerFlag] = frozenset()
    clear_flags: frozenset[CustomerFlag] = frozenset()
    status: AccountStatus | None = None  # the account's new status
    opt_out: tuple[str, ...] = ()  # ids of phones / e-mails opted out of messages
    invalid: tuple[str, ...] = ()  # ids of phones that are wrong or disconnected

    @property
    def customer(self) -> bool:
        """Does it change the customer (flags, or a phone / e-mail record)?"""
        return bool(self.set_flags or self.clear_flags or self.opt_out or self.invalid)

    @property
    def account(self) -> bool:
        return self.status is not None

    def __bool__(self) -> bool:
        return self.customer or self.account

    def flags(self, before: Collection[str]) -> frozenset[str]:
        """The customer's flags after this event."""
        cleared = {f.value for f in self.clear_flags}
        return frozenset({*before, *(f.value for f in self.set_flags)} - cleared)


NONE = Effects()


def touches_customer(event: EventLike, catalogue: DispositionCatalogue | None = None) -> bool:
    """Whether ``effects`` needs the customer (so a server loads it only then)."""
    if event.type == EventType.FLAG_CHANGE:
        return True
    if event.type != EventType.CONTACT_ATTEMPT:
        return False
    disposition = (catalogue or default_catalogue()).get(str(event.payload.get("disposition")))
    return disposition is not None and bool(disposition.sets)


def _status(current: AccountStatus, target: AccountStatus) -> AccountStatus | None:
    if current.is_closed or current is target:
        return None
    if target is AccountStatus.HOLD and current not in _HOLDABLE:
        return None
    if target is AccountStatus.PROMISE and current is not AccountStatus.OPEN:
        return None
    if target is AccountStatus.PLAN and current not in (AccountStatus.OPEN, AccountStatus.PROMISE):
        return None
    return target


def _points(
    customer: CustomerLike, channel: Channel, ref: str | None, mark: str, *, every: bool
) -> tuple[str, ...]:
    """The ids of the customer's phones (calls, SMS) or e-mails the attempt used that are not
    yet ``mark``-ed: the one it names (by id, or by the number / address itself), or every
    one of the channel's when it names none and ``every``."""
    records: Sequence[PhoneLike | EmailLike]
    if channel in (Channel.PHONE, Channel.SMS):
        records = customer.phones
    elif channel is Channel.EMAIL:
        records = customer.emails
    else:
        return ()
    if ref:
        used = [r for r in records if ref in (r.id, _spelled(r))]
    elif every:
        used = list(records)
    else:
        return ()
    return tuple(r.id for r in used if not getattr(r, mark, False))


def _spelled(record: PhoneLike | EmailLike) -> str:
    number = getattr(record, "number", None)
    return str(number if number is not None else getattr(record, "address", ""))


def lifts_hold(payload: object) -> bool:
    """Does this typed payload end a hold: a flag cleared, a dispute or complaint over?"""
    if isinstance(payload, FlagChangePayload):
        return not payload.value
    if isinstance(payload, DisputePayload):
        return payload.status is not None and not payload.status.is_open
    if isinstance(payload, ComplaintPayload):
        return payload.status is not None and not payload.status.is_open
    return False


def effects(
    event: EventLike,
    account: AccountLike,
    customer: CustomerLike | None,
    *,
    catalogue: DispositionCatalogue | None = None,
) -> Effects:
    """What ``event`` changes on ``account`` and its ``customer`` (see the module's table).

    ``customer`` may be None when ``touches_customer(event)`` is false. A payload that does
    not fit the contract has no effects (the server refused it long before)."""
    current = AccountStatus(account.status)
    kind = event.type
    if kind == EventType.PROMISE:
        promise = typed(event, PromisePayload)
        if promise is None or promise.status not in (None, PromiseStatus.OPEN):
            return NONE
        return Effects(status=_status(current, AccountStatus.PROMISE))
    if kind == EventType.PLAN_AGREEMENT:
        return Effects(status=_status(current, AccountStatus.PLAN))
    if kind == EventType.DISPUTE:
        dispute = typed(event, DisputePayload)
        if dispute is None:
            return NONE
        if dispute.status in (None, DisputeStatus.PENDING_VALIDATION):
            return Effects(status=_status(current, AccountStatus.DISPUTE))
        if dispute.status.is_open or current is not AccountStatus.DISPUTE:
            return NONE  # validation sent: still disputed; another hold is not the dispute's
        ends = AccountStatus.CLOSED if dispute.close_account else AccountStatus.OPEN
        return Effects(status=ends)
    if not touches_customer(event, catalogue):
        return NONE
    if customer is None:
        raise ValueError(f"the effects of a {kind} event need the customer")
    flags = frozenset(customer.flags)
    if kind == EventType.FLAG_CHANGE:
        change = typed(event, FlagChangePayload)
        if change is None:
            return NONE
        if change.value:
            return Effects(set_flags=frozenset({change.flag} - flags))
        cleared = frozenset({change.flag} & flags)
        # the last flag that put the account on hold lifted: the account is open again
        reopens = (
            current is AccountStatus.HOLD
            and change.flag in _HOLDING_FLAGS
            and not (flags - cleared) & _HOLDING_FLAGS
        )
        return Effects(clear_flags=cleared, status=AccountStatus.OPEN if reopens else None)
    attempt = typed(event, ContactAttemptPayload)
    disposition = (
        None if attempt is None else (catalogue or default_catalogue()).get(attempt.disposition)
    )
    if attempt is None or disposition is None or not disposition.sets:
        return NONE
    sets = disposition.sets
    status = None
    if "dispute" in sets:
        status = _status(current, AccountStatus.DISPUTE)
    elif "hold" in sets:
        status = _status(current, AccountStatus.HOLD)
    set_flags = frozenset(flag for name, flag in FLAG_EFFECTS.items() if name in sets) - flags
    opt_out: tuple[str, ...] = ()
    if "channel_opt_out" in sets:
        opt_out = _points(customer, attempt.channel, attempt.address_used, "opted_out", every=True)
    invalid: tuple[str, ...] = ()
    if "number_invalid" in sets and attempt.channel in (Channel.PHONE, Channel.SMS):
        invalid = _points(customer, attempt.channel, attempt.address_used, "invalid", every=False)
    return Effects(set_flags=set_flags, status=status, opt_out=opt_out, invalid=invalid)
