"""The contact-rule engine: may this customer be contacted on this channel now, and if not,
why and from when?

``decide`` reads the customer's rule pack (``resources/rules/``), flags, phone and e-mail
records and the account's event history, and returns a ``Decision`` with every reason in
English and Chinese and ``next_allowed_at``: the earliest instant at which every blocking
reason has cleared (``None`` while a hold lasts until someone lifts it).

How history is read (the events are the customer's, in any order):

- contact attempts count by their disposition's flags (``counts_as_attempt``,
  ``counts_as_conversation``, ``is_right_party``, group ``third_party``/``no_contact``) in a
  rolling window of the customer's LOCAL days (the day of the event is day one), so a
  daylight-saving change never shifts a count; a ``void`` event (payload
  ``target_event_id``) removes its target from every count and hold. Disposition codes
  missing from the catalogue count as attempts (and as unanswered), never as conversations;
- ``complaint`` events: payload ``status`` (default ``open``; ``resolved`` and ``closed``
  end it, the workflow's other states keep it open), ``complaint_id`` (a follow-up names the
  complaint it updates; default: its own id), optional ``blocked_address`` (a
  phone/e-mail/address id or the number itself) and ``blocked_channel``. A complaint naming
  an address or channel blocks only that; an unscoped one triggers the pack's complaint
  hold, whose reason names the complaint's ``reference`` and final deadline (``sla_due``)
  once the backend has registered it. Complaints are per customer;
- ``dispute`` events (per account): payload ``status`` (default ``pending_validation``;
  ``validation_sent`` holds until its ``resume_on`` day, in the customer's calendar;
  ``resumed``, ``upheld`` and ``resolved`` end it), ``dispute_id`` like ``complaint_id``. An
  account whose status is ``dispute`` is on hold too, until its latest dispute's wait is over;
- ``flag_change`` events: payload ``flag``, ``value`` (default true), optional ``since``
  (ISO date; default the event's local date) — the generator's and the server's
  convention. The customer's ``flags`` decide whether a flag hold applies; the latest
  event setting the flag dates it, so a hold with ``duration_days`` (e.g. breathing space,
  60 days) ends at local midnight ``duration_days`` after ``since``. With no dated start
  the hold lasts until the flag is cleared;
- the account's status: paid / settled / closed, ``hold`` and ``dispute`` block contact;
- ``Phone.invalid`` (a WRONG / DISC outcome, the contract's effects table) blocks every
  channel on that number; another phone of the customer may still be used;
- ``Phone.opted_out`` / ``Email.opted_out`` block messages (SMS / e-mail) to that record
  (opt-out = "no more messages on that channel"); ``consent`` is needed on the channels the
  pack lists.

Decisions are cheap (the queue decides 100,000 accounts at a time): packs are compiled
once per channel, local-day boundaries and calling-hour verdicts are cached per
(timezone, instant), and the history is read once per call.

Where each part lives: ``decision`` (what is answered), ``plan`` (a pack compiled for a
channel), ``clock`` (local time, calling hours), ``lane`` (the one common path of ``decide``
and ``decide_many``), ``history`` (a full decision's case), ``holds``, ``limits``,
``targets`` (the rule families), ``evaluation`` (the full decision), ``verdict`` (blocks to
a ``Decision``). This module holds the engine object and the module-level API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from workstation.compliance import clock as clocks
from workstation.compliance.clock import Clock, zone_of
from workstation.compliance.decision import (
    ACCOUNT_CLOSED,
    ACCOUNT_ON_HOLD,
    ADDRESS_BLOCKED_BY_COMPLAINT,
    CHANNEL_BLOCKED_BY_COMPLAINT,
    CHANNEL_OPTED_OUT,
    NO_CONSENT,
    NO_TIME_LIMIT,
    NO_USABLE_ADDRESS,
    NUMBER_INVALID,
    OPT_OUT_WORDING_REQUIRED,
    OUTSIDE_CALLING_HOURS,
    THIRD_PARTY_DEBTOR_REACHABLE,
    THIRD_PARTY_NO_DISCLOSURE,
    THIRD_PARTY_NOT_ALLOWED,
    UNKNOWN_JURISDICTION,
    WITHIN_CALLING_HOURS,
    AccountFacts,
    Decision,
    Reason,
    no_pack,
)
from workstation.compliance.history import LASTING_EVENT_TYPES
from workstation.compliance.lane import Lane, decide_in_lane
from workstation.compliance.packs import RulePack, RulePackError, load_packs
from workstation.compliance.plan import Plan, compile_plan
from workstation.domain.bulk import gc_paused
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import Channel
from workstation.domain.model import Customer, Event
from workstation.resources import resource_dir

__all__ = [
    "ACCOUNT_CLOSED",
    "ACCOUNT_ON_HOLD",
    "ADDRESS_BLOCKED_BY_COMPLAINT",
    "CHANNEL_BLOCKED_BY_COMPLAINT",
    "CHANNEL_OPTED_OUT",
    "LASTING_EVENT_TYPES",
    "NO_CONSENT",
    "NO_TIME_LIMIT",
    "NO_USABLE_ADDRESS",
    "NUMBER_INVALID",
    "OPT_OUT_WORDING_REQUIRED",
    "OUTSIDE_CALLING_HOURS",
    "THIRD_PARTY_DEBTOR_REACHABLE",
    "THIRD_PARTY_NOT_ALLOWED",
    "THIRD_PARTY_NO_DISCLOSURE",
    "UNKNOWN_JURISDICTION",
    "WITHIN_CALLING_HOURS",
    "AccountFacts",
    "ContactPolicy",
    "Decision",
    "Reason",
    "decide",
    "default_policy",
    "pack_for",
]


class ContactPolicy:
    """The engine: loaded packs, compiled per channel, with per-instant caches.

    One instance serves the whole application (``default_policy()``); it is cheap to call
    ``decide`` for every account of a 100,000-row queue.
    """

    def __init__(
        self,
        packs: Iterable[RulePack] | None = None,
        catalogue: DispositionCatalogue | None = None,
    ) -> None:
        loaded = (
            list(packs) if packs is not None else list(load_packs(resource_dir("rules")).values())
        )
        self.packs: dict[str, RulePack] = {pack.id: pack for pack in loaded}
        self._by_key: dict[str, RulePack] = {}
        for pack in loaded:
            for key in (pack.id, *pack.jurisdictions):
                other = self._by_key.get(key.casefold())
                if other is not None and other is not pack:
                    raise RulePackError(
                        f"{pack.source}: jurisdiction {key!r} is already served by "
                        f"pack {other.id!r}"
                    )
                self._by_key[key.casefold()] = pack
        self._lookup: dict[str, RulePack | None] = {}
        self._catalogue = catalogue
        self._plans: dict[
            tuple[int, Channel, int], tuple[RulePack, DispositionCatalogue, Plan]
        ] = {}
        self._clocks: dict[tuple[str, datetime], Clock] = {}
        # the queue's path: (jurisdiction, timezone, channel, instant) → its lane, or None
        # when no pack serves the jurisdiction
        self._lanes: dict[tuple[str, str, Channel, datetime], Lane | None] = {}
        self._holding: dict[tuple[str, Channel], frozenset[str] | None] = {}

    # packs ------------------------------------------------------------------------------
    def pack_for(self, customer: Customer) -> RulePack:
        """The pack for the customer's jurisdiction (a pack id or a listed jurisdiction code)."""
        pack = self._find(customer.jurisdiction)
        if pack is None:
            known = ", ".join(sorted(self.packs))
            raise RulePackError(
                f"no rule pack for jurisdiction {customer.jurisdiction!r} (packs: {known})"
            )
        return pack

    def holding_flags(self, jurisdiction: str, channel: Channel) -> frozenset[str] | None:
        """The customer flags whose hold the jurisdiction's pack puts on ``channel`` (None:
        no pack serves it) — what a history-free pre-check may block on, read from the pack."""
        key = (jurisdiction, channel)
        try:
            return self._holding[key]
        except KeyError:
            found = self._find(jurisdiction)
            flags = (
                None
                if found is None
                else frozenset(
                    hold.flag.value
                    for hold in self._plan(
                        found, channel, self._catalogue or default_catalogue()
                    ).flag_holds
                    if hold.flag is not None
                )
            )
            self._holding[key] = flags
            return flags

    def _find(self, jurisdiction: str) -> RulePack | None:
        try:
            return self._lookup[jurisdiction]
        except KeyError:
            pack = self._by_key.get(jurisdiction.strip().casefold())
            self._lookup[jurisdiction] = pack
            return pack

    def _plan(self, pack: RulePack, channel: Channel, catalogue: DispositionCatalogue) -> Plan:
        # the entry keeps pack and catalogue alive, so their ids cannot be reused meanwhile
        key = (id(pack), channel, id(catalogue))
        entry = self._plans.get(key)
        if entry is None:
            entry = (pack, catalogue, compile_plan(pack, channel, catalogue))
            self._plans[key] = entry
        return entry[2]

    def _clock(self, timezone: str, at: datetime) -> Clock:
        key = (timezone, at)
        clock = self._clocks.get(key)
        if clock is None:
            if len(self._clocks) >= clocks.CACHE_LIMIT:
                self._clocks.clear()
            clock = Clock(zone_of(timezone), at)
            self._clocks[key] = clock
        return clock

    def _lane(
        self, jurisdiction: str, timezone: str, channel: Channel, at: datetime
    ) -> Lane | None:
        """The lane of the customers of ``jurisdiction`` in ``timezone`` (None: no pack)."""
        key = (jurisdiction, timezone, channel, at)
        try:
            return self._lanes[key]
        except KeyError:
            pass
        if len(self._lanes) >= clocks.CACHE_LIMIT:
            self._lanes.clear()
        found = self._find(jurisdiction)
        lane = self._lanes[key] = (
            None
            if found is None
            else Lane(
                self._plan(found, channel, self._catalogue or default_catalogue()),
                self._clock(timezone, at),
            )
        )
        return lane

    # decide -----------------------------------------------------------------------------
    def decide(
        self,
        customer: Customer,
        account: AccountFacts,
        channel: Channel,
        at: datetime,
        history: Sequence[Event],
        *,
        address: str | None = None,
        pack: RulePack | None = None,
        catalogue: DispositionCatalogue | None = None,
    ) -> Decision:
        """May ``customer`` be contacted about ``account`` on ``channel`` at ``at`` (aware)?

        ``history`` holds the customer's events (any order; events after ``at`` are
        ignored). ``address`` picks a phone / e-mail / address by id or by the number or
        e-mail itself (or the contact person's number); None considers every usable one.
        """
        if at.tzinfo is None:
            raise ValueError("decide() needs an aware datetime (UTC), got a naive one")
        lane: Lane | None
        if pack is None and catalogue is None:
            lane = self._lanes.get((customer.jurisdiction, customer.timezone, channel, at))
            if lane is None:
                lane = self._lane(customer.jurisdiction, customer.timezone, channel, at)
        else:
            pack = pack or self._find(customer.jurisdiction)
            lane = (
                None
                if pack is None
                else Lane(
                    self._plan(pack, channel, catalogue or self._catalogue or default_catalogue()),
                    self._clock(customer.timezone, at),
                )
            )
        if lane is None:
            return no_pack(customer.jurisdiction, channel, at)
        return decide_in_lane(lane, customer, account, history, address)

    def horizon_days(self, channel: Channel) -> int:
        """Local days of contact attempts any pack counts on ``channel`` (the longest window):
        older attempts never change a decision, so a caller may leave them out of ``history``.
        """
        catalogue = self._catalogue or default_catalogue()
        return max(
            (self._plan(pack, channel, catalogue).horizon_days for pack in self.packs.values()),
            default=0,
        )

    def baseline(
        self, jurisdiction: str, timezone: str, channel: Channel, at: datetime
    ) -> Decision:
        """The decision for a customer of ``jurisdiction`` in ``timezone`` whom nothing but
        calling hours can block (no hold, no history, a usable address): the cheapest verdict
        a screen can show for many accounts before asking ``decide`` for the one in hand.
        """
        if at.tzinfo is None:
            raise ValueError("baseline() needs an aware datetime (UTC), got a naive one")
        lane = self._lane(jurisdiction, timezone, channel, at)
        if lane is None:
            return no_pack(jurisdiction, channel, at)
        return Decision(
            allowed=lane.allowed,
            reasons=lane.reasons,
            next_allowed_at=lane.next_allowed_at,
            channel=channel,
            decided_at=at,
            address=None,
            pack_id=lane.pack_id,
            allowed_until=lane.allowed_until,
        )

    def decide_many(
        self,
        book: Iterable[tuple[Customer, AccountFacts, Sequence[Event]]],
        channel: Channel,
        at: datetime,
    ) -> list[Decision]:
        """``decide`` for every (customer, account, history) of a book at one instant.

        The queue's refresh: the same decisions as one ``decide`` call each (a test compares
        them account by account), through the same path (``lane.decide_in_lane``), with the
        lane of each (jurisdiction, timezone) looked up once per call.
        """
        if at.tzinfo is None:
            raise ValueError("decide_many() needs an aware datetime (UTC), got a naive one")
        lanes: dict[str, dict[str, Lane | None]] = {}  # None: no pack for it
        decisions: list[Decision] = []
        append = decisions.append
        decide = decide_in_lane
        with gc_paused():
            for customer, account, history in book:
                by_zone = lanes.get(customer.jurisdiction)
                if by_zone is None:
                    by_zone = lanes[customer.jurisdiction] = {}
                try:
                    lane = by_zone[customer.timezone]
                except KeyError:
                    lane = by_zone[customer.timezone] = self._lane(
                        customer.jurisdiction, customer.timezone, channel, at
                    )
                if lane is None:
                    append(no_pack(customer.jurisdiction, channel, at))
                else:
                    append(decide(lane, customer, account, history))
        return decisions


@cache
def default_policy() -> ContactPolicy:
    """The application's engine over the shipped packs and disposition catalogue."""
    return ContactPolicy()


def pack_for(customer: Customer) -> RulePack:
    return default_policy().pack_for(customer)


def decide(
    customer: Customer,
    account: AccountFacts,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
    pack: RulePack | None = None,
    catalogue: DispositionCatalogue | None = None,
) -> Decision:
    """``ContactPolicy.decide`` on the default policy; see there."""
    return default_policy().decide(
        customer, account, channel, at, history, address=address, pack=pack, catalogue=catalogue
    )
