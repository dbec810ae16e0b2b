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
- ``complaint`` events: payload ``status`` (default ``open``; ``resolved`` closes),
  ``complaint_id`` (a follow-up names the complaint it updates; default: its own id),
  optional ``blocked_address`` (a phone/e-mail/address id or the number itself) and
  ``blocked_channel``. A complaint naming an address or channel blocks only that; an
  unscoped one triggers the pack's complaint hold. Complaints are per customer;
- ``dispute`` events (per account): payload ``status`` (default ``pending_validation``;
  ``resolved`` closes), ``dispute_id`` like ``complaint_id``. An account whose status is
  ``dispute`` is on hold too;
- ``flag_change`` events: payload ``flag``, ``value`` (default true), optional ``since``
  (ISO date; default the event's local date) — the generator's and the server's
  convention. The customer's ``flags`` decide whether a flag hold applies; the latest
  event setting the flag dates it, so a hold with ``duration_days`` (e.g. breathing space,
  60 days) ends at local midnight ``duration_days`` after ``since``. With no dated start
  the hold lasts until the flag is cleared;
- the account's status: paid / settled / closed, ``hold`` and ``dispute`` block contact;
- ``Phone.opted_out`` / ``Email.opted_out`` block messages (SMS / e-mail) to that record
  (opt-out = "no more messages on that channel"); ``consent`` is needed on the channels the
  pack lists.

Decisions are cheap (the queue decides 100,000 accounts at a time): packs are compiled
once per channel, local-day boundaries and calling-hour verdicts are cached per
(timezone, instant), and the history is read once per call.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.compliance import texts
from workstation.compliance.packs import (
    Hold,
    Limit,
    RulePack,
    RulePackError,
    clock_text,
    load_packs,
)
from workstation.domain.bulk import gc_paused
from workstation.domain.dates import day_text
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import (
    AccountStatus,
    Channel,
    ComplaintStatus,
    DisputeStatus,
    EventType,
)
from workstation.domain.model import Address, Customer, Email, Event, Phone
from workstation.resources import resource_dir

_CACHE_LIMIT = 512
_FOREVER = datetime.max.replace(tzinfo=UTC)

# reason codes the engine itself raises (limits and holds take theirs from the pack)
OUTSIDE_CALLING_HOURS = "outside_calling_hours"
WITHIN_CALLING_HOURS = "within_calling_hours"
NO_TIME_LIMIT = "no_time_limit"
CHANNEL_OPTED_OUT = "channel_opted_out"
NO_CONSENT = "no_consent"
ADDRESS_BLOCKED_BY_COMPLAINT = "address_blocked_by_complaint"
CHANNEL_BLOCKED_BY_COMPLAINT = "channel_blocked_by_complaint"
NO_USABLE_ADDRESS = "no_usable_address"
ACCOUNT_CLOSED = "account_closed"
ACCOUNT_ON_HOLD = "account_on_hold"
UNKNOWN_JURISDICTION = "unknown_jurisdiction"
OPT_OUT_WORDING_REQUIRED = "opt_out_wording_required"
THIRD_PARTY_NOT_ALLOWED = "third_party_not_allowed"
THIRD_PARTY_DEBTOR_REACHABLE = "third_party_debtor_reachable"
THIRD_PARTY_NO_DISCLOSURE = "third_party_no_disclosure"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict. ``code`` is stable (tests, filters, the review list).

    ``blocking`` reasons make the decision "not allowed"; the others inform ("may call now
    until 21:00 local time"). ``until`` is when this reason alone stops blocking, already
    moved into calling hours (UTC); None for informational or open-ended reasons.
    """

    code: str
    text_en: str
    text_zh: str
    blocking: bool = True
    until: datetime | None = None

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


class AccountFacts(Protocol):
    """What the engine reads of an account: a ``workstation.domain.Account`` has it, and so
    does the store's lightweight ``AccountRef`` (a queue refresh decides 100,000 accounts)."""

    @property
    def id(self) -> str: ...

    @property
    def status(self) -> AccountStatus: ...


class Decision(NamedTuple):
    """The verdict for one (customer, account, channel, instant); immutable.

    ``next_allowed_at`` (UTC) is ``decided_at`` when allowed, the earliest instant every
    blocking reason has cleared when not, and None while a hold lasts until lifted.
    ``address`` is the id of the phone / e-mail / address the verdict is for (the usable one
    chosen when none was asked for). ``allowed_until`` is the end of the calling-hours window
    for an allowed decision. (A named tuple rather than a frozen dataclass: the queue builds
    100,000 of these at a time and a tuple is four times cheaper to make.)
    """

    allowed: bool
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    channel: Channel = Channel.PHONE
    decided_at: datetime | None = None
    address: str | None = None
    pack_id: str = ""
    allowed_until: datetime | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.blocking)

    def summary(self, language: str = "en") -> str:
        """All reasons as one line, blocking ones first (they are stored first)."""
        return "; ".join(reason.text(language) for reason in self.reasons)


# --- compiled packs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LimitPlan:
    limit: Limit
    counted: Mapping[str | None, bool]  # disposition code → counts for this limit
    unknown_counts: bool  # a code missing from the catalogue
    channels: frozenset[str]
    directions: frozenset[str]
    noun_en: str
    noun_zh: str


@dataclass(frozen=True, slots=True)
class _Plan:
    """One pack compiled for one channel against one disposition catalogue."""

    pack: RulePack
    serial: int  # unique per compiled plan (a cache key)
    id: str  # the pack's
    channel: Channel
    hours: tuple[int, int] | None
    limits: tuple[_LimitPlan, ...]  # customer- and debt-scoped
    number_limits: tuple[_LimitPlan, ...]
    horizon_days: int  # the longest window: older events cannot count
    flag_holds: tuple[Hold, ...]
    complaint_hold: Hold | None
    dispute_hold: Hold | None
    messages: bool  # SMS / e-mail: opt-outs apply
    voice_or_text: bool  # phone / SMS: a contact person's number may be used
    consent_required: bool
    records: str  # the Customer attribute listing the channel's phones / e-mails / addresses
    target_checks: bool  # something can block one phone / e-mail / address but not another
    target_checks_always: bool  # ... whatever the history (opt-outs, consent)
    number_limit_floor: int  # fewer contacts than this cannot reach any per-number cap
    info: tuple[Reason, ...]  # informational reasons that do not depend on the instant
    right_party: frozenset[str]
    attempts: frozenset[str]


def _counts(counts: str, catalogue: DispositionCatalogue) -> dict[str | None, bool]:
    table: dict[str | None, bool] = {}
    for d in catalogue:
        if counts == "attempt":
            table[d.code] = d.counts_as_attempt
        elif counts == "conversation":
            table[d.code] = d.counts_as_conversation
        elif counts == "connected":
            table[d.code] = d.counts_as_conversation or d.is_right_party or d.group == "third_party"
        else:  # unanswered
            table[d.code] = d.counts_as_attempt and d.group == "no_contact"
    return table


_SERIALS = itertools.count()


def _compile(pack: RulePack, channel: Channel, catalogue: DispositionCatalogue) -> _Plan:
    limits: list[_LimitPlan] = []
    for limit in pack.limits:
        if channel not in limit.channels:
            continue
        calls = limit.counts == "attempt" and limit.channels == {Channel.PHONE}
        limits.append(
            _LimitPlan(
                limit=limit,
                counted=_counts(limit.counts, catalogue),
                unknown_counts=limit.counts in ("attempt", "unanswered"),
                channels=frozenset(c.value for c in limit.channels),
                directions=frozenset(d.value for d in limit.directions),
                noun_en="call" if calls else texts.COUNTED_EN[limit.counts],
                noun_zh="呼叫" if calls else texts.COUNTED_ZH[limit.counts],
            )
        )
    holds = [hold for hold in pack.holds if channel in hold.channels]
    info: list[Reason] = []
    if pack.requires_opt_out(channel):
        info.append(
            Reason(
                OPT_OUT_WORDING_REQUIRED,
                f"Every {texts.CHANNEL_EN[channel]} message must carry the opt-out wording: "
                f"“{pack.opt_out_text_en}”",
                f"每条{texts.CHANNEL_ZH[channel]}都必须附带退订说明：“{pack.opt_out_text_zh}”",
                blocking=False,
            )
        )
    return _Plan(
        pack=pack,
        serial=next(_SERIALS),
        id=pack.id,
        channel=channel,
        hours=pack.hours.get(channel),
        limits=tuple(p for p in limits if p.limit.scope != "number"),
        number_limits=tuple(p for p in limits if p.limit.scope == "number"),
        horizon_days=max((p.limit.window_days for p in limits), default=0),
        flag_holds=tuple(hold for hold in holds if hold.flag is not None),
        complaint_hold=next((h for h in holds if h.event == "complaint"), None),
        dispute_hold=next((h for h in holds if h.event == "dispute"), None),
        messages=channel in (Channel.SMS, Channel.EMAIL),
        voice_or_text=channel in (Channel.PHONE, Channel.SMS),
        consent_required=channel in pack.consent_required,
        records=(
            "phones"
            if channel in (Channel.PHONE, Channel.SMS)
            else "emails"
            if channel == Channel.EMAIL
            else "addresses"
        ),
        target_checks_always=channel in (Channel.SMS, Channel.EMAIL)
        or channel in pack.consent_required,
        number_limit_floor=min(
            (p.limit.max for p in limits if p.limit.scope == "number"), default=1_000_000
        ),
        target_checks=(
            channel in (Channel.SMS, Channel.EMAIL)
            or channel in pack.consent_required
            or any(p.limit.scope == "number" for p in limits)
        ),
        info=tuple(info),
        right_party=frozenset(d.code for d in catalogue if d.is_right_party),
        attempts=frozenset(d.code for d in catalogue if d.counts_as_attempt),
    )


# --- local time ---------------------------------------------------------------------------


@cache
def _zone(key: str) -> tzinfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise RulePackError(f"unknown IANA timezone {key!r}") from None


def _wall_to_utc(zone: tzinfo, day: date, minutes: int) -> datetime:
    """A local wall-clock time as a UTC instant (a time skipped by DST maps to the jump)."""
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return wall.astimezone(UTC)


_Block = tuple[Reason, datetime | None]  # a blocking reason and when it clears (None: never)
_CONTACT = EventType.CONTACT_ATTEMPT
_VOID = EventType.VOID
_COMPLAINT = EventType.COMPLAINT
_DISPUTE = EventType.DISPUTE
_FLAG_CHANGE = EventType.FLAG_CHANGE
_SPECIAL = frozenset({_VOID, _COMPLAINT, _DISPUTE, _FLAG_CHANGE})
_CLOSED_STATUSES = frozenset(status for status in AccountStatus if status.is_closed)
_HELD_STATUSES = frozenset(
    {
        AccountStatus.DISPUTE,
        AccountStatus.HOLD,
        *(status for status in AccountStatus if status.is_closed),
    }
)
_NOTHING: frozenset[str] = frozenset()
#: event types ``decide`` reads at any age (contact attempts count only inside the windows,
#: see ``ContactPolicy.horizon_days``): what a caller must pass in ``history``
LASTING_EVENT_TYPES: frozenset[EventType] = _SPECIAL


_NO_EVENTS: list[Event] = []  # shared and never appended to


@dataclass(frozen=True, slots=True)
class _HoursVerdict:
    """Calling hours for one plan at one instant, with its reasons already worded."""

    open_until: datetime | None  # end of the open window; None when closed now
    next_open: datetime
    blocked: Reason | None
    info: tuple[Reason, ...]


class _Clock:
    """The customer's local calendar around one instant, with memoised boundaries and words.

    One clock serves every decision for (timezone, instant): a queue refresh decides
    100,000 accounts at one "now", so day boundaries, hour verdicts and most reason texts
    are computed once.
    """

    __slots__ = (
        "_day_starts",
        "_limit_reasons",
        "_midnights",
        "_moments",
        "_next_opens",
        "at",
        "hold_blocks",
        "minute",
        "today",
        "verdicts",
        "zone",
    )

    def __init__(self, zone: tzinfo, at: datetime) -> None:
        local = at.astimezone(zone)
        self.zone = zone
        self.at = at
        self.today = local.date()
        self.minute = local.hour * 60 + local.minute
        self._day_starts: dict[int, datetime] = {}
        self.verdicts: dict[int, _HoursVerdict] = {}  # by plan serial
        self._moments: dict[datetime, tuple[str, str]] = {}
        self._next_opens: dict[tuple[tuple[int, int], datetime], datetime] = {}
        self._limit_reasons: dict[tuple[int, int, date, date], _Block] = {}
        self._midnights: dict[date, datetime] = {}
        self.hold_blocks: dict[tuple[int, str, datetime | None], _Block] = {}

    def window_start(self, days: int) -> datetime:
        """UTC start of the window of ``days`` local days ending today (today is day one)."""
        start = self._day_starts.get(days)
        if start is None:
            start = _wall_to_utc(self.zone, self.today - timedelta(days=days - 1), 0)
            self._day_starts[days] = start
        return start

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        start = self._midnights.get(day)
        if start is None:
            if len(self._midnights) >= _CACHE_LIMIT:
                self._midnights.clear()
            start = self._midnights[day] = _wall_to_utc(self.zone, day, 0)
        return start

    def next_open(self, window: tuple[int, int] | None, instant: datetime) -> datetime:
        """The earliest instant ≥ ``instant`` (and not before now) inside ``window``."""
        if window is None:
            return instant
        key = (window, instant)
        found = self._next_opens.get(key)
        if found is None:
            if len(self._next_opens) >= _CACHE_LIMIT:
                self._next_opens.clear()
            found = self._next_open(window, instant)
            self._next_opens[key] = found
        return found

    def _next_open(self, window: tuple[int, int], instant: datetime) -> datetime:
        local = max(instant, self.at).astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        start, end = window
        if start <= minute < end:
            return max(instant, self.at)
        day = local.date() if minute < start else local.date() + timedelta(days=1)
        return _wall_to_utc(self.zone, day, start)

    def moment(self, instant: datetime) -> tuple[str, str]:
        text = self._moments.get(instant)
        if text is None:
            text = texts.moment_text(instant, self.zone, self.today)
            self._moments[instant] = text
        return text

    def verdict(self, plan: _Plan) -> _HoursVerdict:
        verdict = self.verdicts.get(plan.serial)
        if verdict is None:
            verdict = self.verdicts[plan.serial] = self._hours_verdict(plan)
        return verdict

    def _hours_verdict(self, plan: _Plan) -> _HoursVerdict:
        channel = plan.channel
        verb_en, verb_zh = texts.VERB_EN[channel], texts.VERB_ZH[channel]
        if plan.hours is None:
            info = Reason(
                NO_TIME_LIMIT,
                f"May {verb_en} now (no time-of-day limit)",
                f"现在可以{verb_zh}（无时段限制）",
                blocking=False,
            )
            return _HoursVerdict(None, self.at, None, (info, *plan.info))
        start, end = plan.hours
        start_text, end_text = clock_text(start), clock_text(end)
        if start <= self.minute < end:
            info = Reason(
                WITHIN_CALLING_HOURS,
                f"May {verb_en} now until {end_text} local time",
                f"现在可以{verb_zh}，当地时间{end_text}前",
                blocking=False,
            )
            open_until = _wall_to_utc(self.zone, self.today, end)
            return _HoursVerdict(open_until, self.at, None, (info, *plan.info))
        next_open = self.next_open(plan.hours, self.at)
        when_en, when_zh = self.moment(next_open)
        now = clock_text(self.minute)
        blocked = Reason(
            OUTSIDE_CALLING_HOURS,
            f"Outside contact hours for {texts.CHANNEL_EN[channel]} ({start_text}–{end_text} "
            f"customer's local time; now {now} there) — blocked until {when_en} local time",
            f"{texts.CHANNEL_ZH[channel]}不在可联系时段（客户当地时间{start_text}–{end_text}，"
            f"当地现在{now}）— 当地时间{when_zh}前不可联系",
            until=next_open,
        )
        return _HoursVerdict(None, next_open, blocked, ())

    def limit_reason(self, key: tuple[int, int, date, date]) -> _Block | None:
        return self._limit_reasons.get(key)

    def keep_limit_reason(self, key: tuple[int, int, date, date], block: _Block) -> None:
        if len(self._limit_reasons) >= _CACHE_LIMIT:
            self._limit_reasons.clear()
        self._limit_reasons[key] = block


class _Target:
    """A phone, e-mail or postal address the contact would use; labels built only if shown."""

    __slots__ = ("record",)

    def __init__(self, record: Phone | Email | Address) -> None:
        self.record = record

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def keys(self) -> frozenset[str]:
        record = self.record
        if isinstance(record, Phone):
            return frozenset((record.id, record.number))
        if isinstance(record, Email):
            return frozenset((record.id, record.address))
        return frozenset((record.id,))

    @property
    def opted_out(self) -> bool:
        return not isinstance(self.record, Address) and self.record.opted_out

    @property
    def consent(self) -> bool:
        return isinstance(self.record, Address) or self.record.consent

    def labels(self) -> tuple[str, str]:
        record = self.record
        if isinstance(record, Phone):
            masked = texts.mask_number(record.number)
            return (
                f"{texts.PHONE_TYPE_EN[record.type]} {masked}",
                f"{texts.PHONE_TYPE_ZH[record.type]}{masked}",
            )
        if isinstance(record, Email):
            masked = texts.mask_email(record.address)
            return f"e-mail {masked}", f"邮箱{masked}"
        line = f"{record.line1}, {record.city}"
        return line, line


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
            tuple[int, Channel, int], tuple[RulePack, DispositionCatalogue, _Plan]
        ] = {}
        self._clocks: dict[tuple[str, datetime], _Clock] = {}
        self._usual: dict[tuple[str, Channel], _Plan] = {}

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

    def _find(self, jurisdiction: str) -> RulePack | None:
        try:
            return self._lookup[jurisdiction]
        except KeyError:
            pack = self._by_key.get(jurisdiction.strip().casefold())
            self._lookup[jurisdiction] = pack
            return pack

    def _plan(self, pack: RulePack, channel: Channel, catalogue: DispositionCatalogue) -> _Plan:
        # the entry keeps pack and catalogue alive, so their ids cannot be reused meanwhile
        key = (id(pack), channel, id(catalogue))
        entry = self._plans.get(key)
        if entry is None:
            entry = (pack, catalogue, _compile(pack, channel, catalogue))
            self._plans[key] = entry
        return entry[2]

    def _clock(self, timezone: str, at: datetime) -> _Clock:
        key = (timezone, at)
        clock = self._clocks.get(key)
        if clock is None:
            if len(self._clocks) >= _CACHE_LIMIT:
                self._clocks.clear()
            clock = _Clock(_zone(timezone), at)
            self._clocks[key] = clock
        return clock

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
        plan: _Plan | None
        if pack is None and catalogue is None:
            # the queue's path: one dictionary look-up per call
            plan = self._usual.get((customer.jurisdiction, channel))
            if plan is None:
                found = self._find(customer.jurisdiction)
                if found is None:
                    return _unknown_jurisdiction(customer, channel, at)
                plan = self._plan(found, channel, self._catalogue or default_catalogue())
                self._usual[(customer.jurisdiction, channel)] = plan
        else:
            pack = pack or self._find(customer.jurisdiction)
            if pack is None:
                return _unknown_jurisdiction(customer, channel, at)
            plan = self._plan(pack, channel, catalogue or self._catalogue or default_catalogue())
        clock = self._clock(customer.timezone, at)
        if address is None:
            quick = _quick(plan, clock, customer, account, history)
            if quick is not None:
                return quick
        return _Evaluation(plan, clock, customer, account, history).run(address)

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
        found = self._find(jurisdiction)
        if found is None:
            return _no_pack(jurisdiction, channel, at)
        plan = self._plan(found, channel, self._catalogue or default_catalogue())
        return _compose(plan, self._clock(timezone, at), [], None, False)

    def decide_many(
        self,
        book: Iterable[tuple[Customer, AccountFacts, Sequence[Event]]],
        channel: Channel,
        at: datetime,
    ) -> list[Decision]:
        """``decide`` for every (customer, account, history) of a book at one instant.

        The queue's refresh: the same decisions as one ``decide`` call each (a test compares
        them account by account), made cheaper by what a whole book shares: one plan and one
        clock per (jurisdiction, timezone) "lane" for the call, and one decision shape per
        lane for the common account that nothing but calling hours can block — only its
        chosen phone differs.
        """
        if at.tzinfo is None:
            raise ValueError("decide_many() needs an aware datetime (UTC), got a naive one")
        catalogue = self._catalogue or default_catalogue()
        lanes: dict[str, dict[str, _Lane | None]] = {}  # None: no pack for it
        held, special, contact = _HELD_STATUSES, _SPECIAL, _CONTACT
        decisions: list[Decision] = []
        append = decisions.append
        new = tuple.__new__
        with gc_paused():
            for customer, account, history in book:
                jurisdiction, timezone = customer.jurisdiction, customer.timezone
                by_zone = lanes.get(jurisdiction)
                if by_zone is None:
                    by_zone = lanes[jurisdiction] = {}
                lane = by_zone.get(timezone)
                if lane is None and timezone not in by_zone:
                    found = self._find(jurisdiction)
                    lane = by_zone[timezone] = (
                        None
                        if found is None
                        else _Lane(self._plan(found, channel, catalogue), self._clock(timezone, at))
                    )
                if lane is None:
                    append(_unknown_jurisdiction(customer, channel, at))
                    continue
                plan, clock = lane.plan, lane.clock
                records: Sequence[Phone | Email | Address] = getattr(customer, plan.records)
                if (
                    (customer.flags and plan.flag_holds)
                    or account.status in held
                    or not records
                    or plan.target_checks_always
                ):
                    append(_Evaluation(plan, clock, customer, account, history).run(None))
                    continue
                # ``_quick``'s read of the history, inline: contacts inside the longest window
                contacts: list[Event] | None = None
                unusual = False
                horizon = lane.horizon
                for event in history:
                    kind = event.type
                    if kind == contact:
                        if horizon <= event.occurred_at <= at:
                            if contacts is None:
                                contacts = [event]
                            else:
                                contacts.append(event)
                    elif kind in special:
                        unusual = True
                        break
                if unusual or (contacts is not None and len(contacts) >= plan.number_limit_floor):
                    append(_Evaluation(plan, clock, customer, account, history).run(None))
                    continue
                if contacts is not None:
                    blocks: list[_Block] = []
                    for limit_plan in plan.limits:
                        block = _limit_block(plan, limit_plan, clock, contacts, account.id)
                        if block is not None:
                            blocks.append(block)
                    if blocks:
                        append(_compose(plan, clock, blocks, records[0].id, False))
                        continue
                allowed, reasons, next_allowed, until = lane.shape
                append(
                    new(
                        Decision,
                        (
                            allowed,
                            reasons,
                            next_allowed,
                            channel,
                            at,
                            records[0].id,
                            plan.id,
                            until,
                        ),
                    )
                )
        return decisions


class _Lane:
    """What ``decide_many`` shares across the accounts of one (jurisdiction, timezone)."""

    __slots__ = ("clock", "horizon", "plan", "shape")

    def __init__(self, plan: _Plan, clock: _Clock) -> None:
        self.plan = plan
        self.clock = clock
        # contacts before this cannot count (no window: none can)
        self.horizon = clock.window_start(plan.horizon_days) if plan.horizon_days else _FOREVER
        base = _compose(plan, clock, [], None, False)  # nothing but calling hours blocks
        self.shape = (base.allowed, base.reasons, base.next_allowed_at, base.allowed_until)


def _quick(
    plan: _Plan,
    clock: _Clock,
    customer: Customer,
    account: AccountFacts,
    events: Sequence[Event],
) -> Decision | None:
    """The queue's common case in one pass, or None when the full ``_Evaluation`` is needed.

    Common: no hold can apply, no complaint/dispute/void/flag event, no address asked for
    and nothing that tells one phone from another: the verdict is calling hours and the
    customer- and debt-wide limits, on the first phone. ``test_quick_path_agrees_with_the_full_one``
    checks the two paths give the same decision.
    """
    if (customer.flags and plan.flag_holds) or account.status in _HELD_STATUSES:
        return None
    records: Sequence[Phone | Email | Address] = getattr(customer, plan.records)
    if not records or plan.target_checks_always:
        return None
    at = clock.at
    contacts: list[Event] = []
    if plan.horizon_days:
        horizon = clock.window_start(plan.horizon_days)
        contact, special = _CONTACT, _SPECIAL
        for event in events:
            kind = event.type
            if kind == contact:
                if horizon <= event.occurred_at <= at:
                    contacts.append(event)
            elif kind in special:
                return None
        if len(contacts) >= plan.number_limit_floor:
            return None  # a per-number cap could tell the phones apart
    else:
        for event in events:
            if event.type in _SPECIAL:
                return None
    blocks: list[_Block] = []
    if contacts:
        for limit_plan in plan.limits:
            block = _limit_block(plan, limit_plan, clock, contacts, account.id)
            if block is not None:
                blocks.append(block)
    return _compose(plan, clock, blocks, records[0].id, False)


def _blocking_reason(
    plan: _Plan, clock: _Clock, code: str, words: tuple[str, str], clears: datetime | None
) -> _Block:
    """A blocking reason whose text (``words``: English, Chinese) says until when."""
    en, zh = words
    if clears is None:
        reason = Reason(code, f"{en} — blocked until lifted", f"{zh} — 解除前不可联系")
    else:
        until = clock.next_open(plan.hours, clears)
        when_en, when_zh = clock.moment(until)
        reason = Reason(
            code,
            f"{en} — blocked until {when_en} local time",
            f"{zh} — 当地时间{when_zh}前不可联系",
            until=until,
        )
    return reason, clears


def _hits(
    plan: _LimitPlan,
    contacts: list[Event],
    clock: _Clock,
    account_id: str,
    keys: frozenset[str] | None = None,
) -> list[datetime]:
    """When the counted contacts of ``plan`` inside its window happened."""
    limit = plan.limit
    start = clock.window_start(limit.window_days)
    debt = limit.scope == "debt"
    counted, unknown = plan.counted, plan.unknown_counts
    channels, directions = plan.channels, plan.directions
    hits: list[datetime] = []
    for event in contacts:
        if event.occurred_at < start or (debt and event.account_id != account_id):
            continue
        payload = event.payload
        if (
            payload.get("channel") in channels
            and payload.get("direction", "outbound") in directions
            and counted.get(payload.get("disposition"), unknown)
            and (keys is None or payload.get("address_used") in keys)
        ):
            hits.append(event.occurred_at)
    return hits


def _limit_block(
    plan: _Plan,
    limit_plan: _LimitPlan,
    clock: _Clock,
    contacts: list[Event],
    account_id: str,
    *,
    target: _Target | None = None,
) -> _Block | None:
    """The block a limit puts on the contact, or None while it is not reached."""
    limit = limit_plan.limit
    if len(contacts) < limit.max:
        return None  # cannot reach the cap: nothing to count
    hits = _hits(limit_plan, contacts, clock, account_id, None if target is None else target.keys)
    if len(hits) < limit.max:
        return None
    hits.sort()
    # the window holds fewer than `max` once the (count - max + 1)-th oldest has left it
    leaving = clock.local_day(hits[len(hits) - limit.max])
    last = clock.local_day(hits[-1]) if limit.kind == "quiet" else leaving
    key = (id(limit_plan), len(hits), leaving, last)
    if target is None:
        cached = clock.limit_reason(key)
        if cached is not None:
            return cached
    clears = clock.day_start(leaving + timedelta(days=limit.window_days))
    count, days, channel = len(hits), limit.window_days, plan.channel
    noun_en, noun_zh = limit_plan.noun_en, limit_plan.noun_zh
    if limit.kind == "quiet":
        day_en, day_zh = day_text(last, clock.today)
        en = (
            f"Last {noun_en} with the customer {day_en} — "
            f"no {texts.CHANNEL_EN[channel]} within {days} days of it"
        )
        zh = f"{day_zh}已与客户{noun_zh} — {days}天内不得再次{texts.VERB_ZH[channel]}"
    else:
        period_en = "today" if days == 1 else f"in {days} days"
        period_zh = "今日" if days == 1 else f"{days}天内"
        per_en, per_zh = (" a day", "每日") if days == 1 else ("", "")
        if limit.counts == "attempt":
            en = f"{texts.ordinal_en(count + 1)} {noun_en} {period_en}"
            zh = f"{period_zh}第{count + 1}次{noun_zh}"
        else:
            en = f"{count} {noun_en}s {period_en}"
            zh = f"{period_zh}{noun_zh}已达{count}次"
        en = f"{en} (limit {limit.max}{per_en})"
        zh = f"{zh}（{per_zh}上限{limit.max}次）"
    if target is not None:
        label_en, label_zh = target.labels()
        en, zh = f"{label_en}: {en}", f"{label_zh}：{zh}"
        return _blocking_reason(plan, clock, limit.code, (en, zh), clears)
    block = _blocking_reason(plan, clock, limit.code, (en, zh), clears)
    clock.keep_limit_reason(key, block)
    return block


def _compose(
    plan: _Plan, clock: _Clock, blocks: list[_Block], chosen: str | None, third_party: bool
) -> Decision:
    """The decision from the blocks found (calling hours added here)."""
    at = clock.at
    hours = clock.verdict(plan)
    if hours.blocked is not None:
        blocks.insert(0, (hours.blocked, at))
    if not blocks:
        info = (*hours.info, _THIRD_PARTY_INFO) if third_party else hours.info
        return tuple.__new__(
            Decision, (True, info, at, plan.channel, at, chosen, plan.id, hours.open_until)
        )
    latest = at
    next_allowed: datetime | None = None  # while a hold lasts until someone lifts it
    for _, clears in blocks:
        if clears is None:
            break
        latest = max(latest, clears)
    else:
        next_allowed = clock.next_open(plan.hours, latest)
    reasons = tuple([reason for reason, _ in blocks])
    return tuple.__new__(
        Decision, (False, reasons, next_allowed, plan.channel, at, chosen, plan.id, None)
    )


def _unknown_jurisdiction(customer: Customer, channel: Channel, at: datetime) -> Decision:
    return _no_pack(customer.jurisdiction, channel, at)


def _no_pack(jurisdiction: str, channel: Channel, at: datetime) -> Decision:
    reason = Reason(
        UNKNOWN_JURISDICTION,
        f"No rule pack for jurisdiction {jurisdiction!r} — contact blocked",
        f"未找到适用于司法辖区“{jurisdiction}”的规则包 — 禁止联系",
    )
    return Decision(False, (reason,), None, channel, at)


def _status(event: Event, default: str) -> str:
    return str(event.payload.get("status") or default)


class _Evaluation:
    """One ``decide`` call: reads the history once, collects blocks, composes the verdict.

    The common case (no holds, no complaints, no address asked for, a phone call) touches
    only the contact attempts inside the longest window; everything else is read lazily.
    """

    __slots__ = (
        "account",
        "blocks",
        "clock",
        "complaints",
        "contacts",
        "customer",
        "disputes",
        "events",
        "flag_changes",
        "plan",
        "voided",
    )

    def __init__(
        self,
        plan: _Plan,
        clock: _Clock,
        customer: Customer,
        account: AccountFacts,
        events: Sequence[Event],
    ) -> None:
        self.plan = plan
        self.clock = clock
        self.customer = customer
        self.account = account
        self.events = events
        self.blocks: list[_Block] = []
        self.contacts: list[Event] = []
        # filled only when the history holds such events (rare; see _read_special)
        self.voided: set[str] | frozenset[str] = _NOTHING
        self.complaints: list[Event] = _NO_EVENTS
        self.disputes: list[Event] = _NO_EVENTS
        self.flag_changes: list[Event] = _NO_EVENTS
        self._read(events)

    # reading ----------------------------------------------------------------------------
    def _read(self, events: Sequence[Event]) -> None:
        at = self.clock.at
        contacts = self.contacts
        special: list[Event] = []
        if self.plan.horizon_days:
            horizon = self.clock.window_start(self.plan.horizon_days)
            contact, unusual = _CONTACT, _SPECIAL
            for event in events:
                kind = event.type
                if kind == contact:
                    if horizon <= event.occurred_at <= at:
                        contacts.append(event)
                elif kind in unusual:
                    special.append(event)
        else:
            special = [event for event in events if event.type in _SPECIAL]
        if special:
            self._read_special(special)

    def _read_special(self, special: list[Event]) -> None:
        at = self.clock.at
        voided: set[str] = set()
        self.complaints, self.disputes, self.flag_changes = [], [], []
        for event in special:
            if event.type == _VOID:
                target = event.payload.get("target_event_id")
                if target:
                    voided.add(str(target))
            elif event.occurred_at > at:
                continue
            elif event.type == _COMPLAINT:
                self.complaints.append(event)
            elif event.type == _DISPUTE:
                self.disputes.append(event)
            else:
                self.flag_changes.append(event)
        if voided:
            self.voided = voided
            self.contacts = [e for e in self.contacts if e.id not in voided]
            self.complaints = [e for e in self.complaints if e.id not in voided]
            self.disputes = [e for e in self.disputes if e.id not in voided]
            self.flag_changes = [e for e in self.flag_changes if e.id not in voided]

    @staticmethod
    def _open(events: list[Event], id_key: str, open_status: str) -> list[list[Event]]:
        """Threads (an event and its follow-ups) whose latest status is ``open_status``."""
        threads: dict[str, list[Event]] = {}
        for event in sorted(events, key=lambda e: e.occurred_at):
            threads.setdefault(str(event.payload.get(id_key) or event.id), []).append(event)
        return [t for t in threads.values() if _status(t[-1], open_status) == open_status]

    # blocks -----------------------------------------------------------------------------
    def _reason(self, code: str, en: str, zh: str, clears: datetime | None) -> _Block:
        return _blocking_reason(self.plan, self.clock, code, (en, zh), clears)

    def _limit(self, plan: _LimitPlan, target: _Target | None = None) -> _Block | None:
        return _limit_block(
            self.plan, plan, self.clock, self.contacts, self.account.id, target=target
        )

    def _hold(self, hold: Hold, clears: datetime | None) -> None:
        # the same hold ending at the same time reads the same for every account at once
        key = (self.plan.serial, hold.code, clears)
        block = self.clock.hold_blocks.get(key)
        if block is None:
            channel = self.plan.channel
            block = self._reason(
                hold.code,
                f"{hold.label_en}: {texts.CHANNEL_EN[channel]} on hold",
                f"{hold.label_zh}：暂停{texts.CHANNEL_ZH[channel]}",
                clears,
            )
            if len(self.clock.hold_blocks) >= _CACHE_LIMIT:
                self.clock.hold_blocks.clear()
            self.clock.hold_blocks[key] = block
        self.blocks.append(block)

    def _holds(self) -> None:
        plan, customer, account = self.plan, self.customer, self.account
        if account.status in _CLOSED_STATUSES:
            self.blocks.append(
                self._reason(
                    ACCOUNT_CLOSED,
                    f"Account is {account.status.value} — no collection contact",
                    "账户已结清或关闭 — 不得催收联系",
                    None,
                )
            )
        elif account.status == AccountStatus.HOLD:
            self.blocks.append(
                self._reason(
                    ACCOUNT_ON_HOLD,
                    "Account is on hold (e.g. fraud or vulnerability review)",
                    "账户处于暂停状态（如欺诈或弱势客户复核）",
                    None,
                )
            )
        if customer.flags:
            for hold in plan.flag_holds:
                if hold.flag in customer.flags:
                    clears = self._hold_end(hold)
                    if clears is None or clears > self.clock.at:
                        self._hold(hold, clears)
        if plan.dispute_hold is not None and (self.disputes or account.status in _HELD_STATUSES):
            disputes = [e for e in self.disputes if e.account_id == account.id]
            pending = DisputeStatus.PENDING_VALIDATION.value
            if account.status == AccountStatus.DISPUTE or self._open(
                disputes, "dispute_id", pending
            ):
                self._hold(plan.dispute_hold, None)

    def _hold_end(self, hold: Hold) -> datetime | None:
        """When a hold with a duration ends (None: no duration, or its start is not dated)."""
        if hold.duration_days is None:
            return None
        start: date | None = None
        latest: datetime | None = None
        for event in self.flag_changes:
            payload = event.payload
            if payload.get("flag") != hold.flag or payload.get("value", True) is False:
                continue
            if latest is None or event.occurred_at >= latest:
                latest = event.occurred_at
                start = event.date_field("since") or self.clock.local_day(event.occurred_at)
        if start is None:
            return None
        return self.clock.day_start(start + timedelta(days=hold.duration_days))

    def _complaints(self) -> frozenset[str]:
        """Block for open complaints; return the addresses (ids or numbers) they name."""
        blocked: set[str] = set()
        unscoped = False
        channel = self.plan.channel
        for thread in self._open(self.complaints, "complaint_id", ComplaintStatus.OPEN.value):
            addresses = {
                str(e.payload["blocked_address"])
                for e in thread
                if e.payload.get("blocked_address")
            }
            channels = {
                str(e.payload["blocked_channel"])
                for e in thread
                if e.payload.get("blocked_channel")
            }
            blocked |= addresses
            if channel.value in channels:
                self.blocks.append(
                    self._reason(
                        CHANNEL_BLOCKED_BY_COMPLAINT,
                        f"Open complaint about {texts.CHANNEL_EN[channel]}",
                        f"存在关于{texts.CHANNEL_ZH[channel]}的未结投诉",
                        None,
                    )
                )
            unscoped = unscoped or not (addresses or channels)
        if unscoped and self.plan.complaint_hold is not None:
            self._hold(self.plan.complaint_hold, None)
        return frozenset(blocked)

    # targets ----------------------------------------------------------------------------
    def _records(self) -> Sequence[Phone | Email | Address]:
        records: Sequence[Phone | Email | Address] = getattr(self.customer, self.plan.records)
        return records

    def _target_blocks(self, target: _Target, complained: frozenset[str]) -> list[_Block]:
        plan = self.plan
        blocks: list[_Block] = []
        channel_en, channel_zh = texts.CHANNEL_EN[plan.channel], texts.CHANNEL_ZH[plan.channel]
        if plan.messages and target.opted_out:
            label_en, label_zh = target.labels()
            reason = Reason(
                CHANNEL_OPTED_OUT,
                f"{label_en} opted out of {channel_en}",
                f"{label_zh}已退订{channel_zh}",
            )
            blocks.append((reason, None))
        if plan.consent_required and not target.consent:
            label_en, label_zh = target.labels()
            reason = Reason(
                NO_CONSENT,
                f"No consent to send {channel_en} to {label_en}",
                f"未获得向{label_zh}发送{channel_zh}的同意",
            )
            blocks.append((reason, None))
        if complained and target.keys & complained:
            label_en, label_zh = target.labels()
            reason = Reason(
                ADDRESS_BLOCKED_BY_COMPLAINT,
                f"Open complaint: no contact on {label_en}",
                f"存在未结投诉：不得通过{label_zh}联系",
            )
            blocks.append((reason, None))
        for limit in plan.number_limits:
            block = self._limit(limit, target)
            if block is not None:
                blocks.append(block)
        return blocks

    def _choose(
        self, address: str | None, complained: frozenset[str]
    ) -> tuple[str | None, list[_Block], bool]:
        """Pick the phone / e-mail / address: (its id, blocks on it, is the contact person)."""
        records = self._records()
        if address is None and records and not complained and not self.plan.target_checks:
            return records[0].id, [], False  # nothing can block one record over another
        targets = [_Target(record) for record in records]
        if address is not None:
            targets = [t for t in targets if address in t.keys]
            if not targets:
                return address, self._third_party(address), True
        if not targets:
            channel = self.plan.channel
            reason = Reason(
                NO_USABLE_ADDRESS,
                f"No usable contact on file for {texts.CHANNEL_EN[channel]}",
                f"没有可用于{texts.CHANNEL_ZH[channel]}的联系方式",
            )
            return None, [(reason, None)], False
        best: tuple[datetime, str, list[_Block]] | None = None
        everything: list[_Block] = []
        for target in targets:
            blocks = self._target_blocks(target, complained)
            if not blocks:
                return target.id, [], False
            everything.extend(blocks)
            clears = max(c or _FOREVER for _, c in blocks)
            if best is None or clears < best[0]:
                best = (clears, target.id, blocks)
        assert best is not None  # targets is not empty
        if len(targets) == 1:
            return best[1], best[2], False
        # every candidate is blocked: show them all; the verdict clears with the earliest one
        clears_at = None if best[0] == _FOREVER else best[0]
        return best[1], [(reason, clears_at) for reason, _ in everything], False

    def _third_party(self, address: str) -> list[_Block]:
        """``address`` is not the customer's: allowed only if the pack allows a contact person."""
        person = self.customer.contact_person
        rule = self.plan.pack.third_party
        if person is None or address != person.phone or not self.plan.voice_or_text:
            masked = texts.mask_number(address)
            reason = Reason(
                NO_USABLE_ADDRESS,
                f"{masked} is not one of the customer's contacts",
                f"{masked}不是客户的联系方式",
            )
            return [(reason, None)]
        if rule.contact_person == "never":
            reason = Reason(
                THIRD_PARTY_NOT_ALLOWED,
                "This jurisdiction's rules do not allow contacting the contact person",
                "本辖区规则不允许联系联系人",
            )
            return [(reason, None)]
        if rule.contact_person == "when_unreachable" and self._reachable(
            rule.unreachable_window_days, rule.unreachable_after_attempts
        ):
            reason = Reason(
                THIRD_PARTY_DEBTOR_REACHABLE,
                "The contact person may be called only when the customer cannot be reached "
                f"({rule.unreachable_after_attempts} calls without reaching them within "
                f"{rule.unreachable_window_days} days)",
                f"仅在无法联系到客户本人时方可联系联系人（{rule.unreachable_window_days}天内"
                f"呼叫{rule.unreachable_after_attempts}次仍未联系到本人）",
            )
            return [(reason, None)]
        return []

    def _reachable(self, window_days: int, attempts_needed: int) -> bool:
        """The customer has a phone and was reached, or not yet tried enough, in the window."""
        if not self.customer.phones:
            return False
        start = self.clock.window_start(window_days)
        attempts = 0
        # the window may be longer than the pack's limits: read the whole history again
        for event in self.events:
            if (
                event.type != EventType.CONTACT_ATTEMPT
                or not start <= event.occurred_at <= self.clock.at
                or event.id in self.voided
            ):
                continue
            code = str(event.payload.get("disposition"))
            if code in self.plan.right_party:
                return True
            attempts += code in self.plan.attempts
        return attempts < attempts_needed

    # verdict ----------------------------------------------------------------------------
    def run(self, address: str | None) -> Decision:
        plan, clock, blocks = self.plan, self.clock, self.blocks
        if (
            (self.customer.flags and plan.flag_holds)
            or self.disputes
            or (self.account.status in _HELD_STATUSES)
        ):
            self._holds()
        complained = self._complaints() if self.complaints else _NOTHING
        for limit in plan.limits:
            block = self._limit(limit)
            if block is not None:
                blocks.append(block)
        chosen, target_blocks, third_party = self._choose(address, complained)
        if target_blocks:
            blocks.extend(target_blocks)
        return _compose(plan, clock, blocks, chosen, third_party)


_THIRD_PARTY_INFO = Reason(
    THIRD_PARTY_NO_DISCLOSURE,
    "Contact person: ask only how to reach the customer — never mention the debt",
    "联系人：仅可询问如何联系客户，不得透露任何债务信息",
    blocking=False,
)


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
