"""The field collector's use cases over the local store — all of them work with no network.

``FieldService`` plans the day (the collector's accounts, ranked by the desk's queue and
ordered into a route), records visit outcomes (a ``visit`` event, and a ``promise`` event
when the debtor promised at the door, each with its outbox row), and agrees plans on the
spot: the agreement PDF is rendered here, kept as a blob and its hash recorded on the
``plan_agreement`` event, so the document both parties sign is the one that syncs.

The day's route is kept in the store (``DAY_PLAN_KEY``) so that it does not reshuffle
under the collector after each visit; ``todays_visits(replan=True)`` plans it afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from workstation import compliance
from workstation.desk import engines
from workstation.desk.plans import PlanOption
from workstation.desk.service import AgreedPlan, DeskService  # one agreement type: desk and door
from workstation.desk.types import Changes, DeskError, ValidationError, Verdict
from workstation.documents import agreement_from_domain, creditor_party, render_agreement
from workstation.documents.texts import DocumentLanguage
from workstation.domain import Account, Customer, Event, EventType, Money, new_id, utcnow
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Channel, Role, VisitOutcome
from workstation.domain.model import Address
from workstation.field.banner import OfflineFacts, offline_facts
from workstation.field.route import (
    Point,
    Stop,
    area_names,
    area_of,
    choose_day,
    distance_km,
    plan_route,
)
from workstation.field.visits import OUTCOME_LABELS, VisitInput, check_visit
from workstation.plans import (
    Deferral,
    DeferralMode,
    Frequency,
    Instalment,
    Method,
    Schedule,
    Settlement,
    build_settlement,
)
from workstation.strategy.cadence import champion_visits
from workstation.strategy.model import Task
from workstation.text import Text

DAY_PLAN_KEY = "field.day_plan"
DEFAULT_VISITS = 35
SCAN_FACTOR = 6


class FieldStore(Protocol):
    """What the field service needs of ``workstation.store.Store``."""

    def queue_rows(self) -> Sequence[Any]: ...

    def load_account(self, account_id: str) -> Any: ...

    def record_event(self, event: Event, *, device_id: str) -> Any: ...

    def put_blob(self, data: bytes, *, media_type: str = ...) -> str: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...

    def pending_outbox_count(self) -> int: ...

    def contact_history(
        self, customer_id: str, *, since: datetime, lasting: Iterable[str]
    ) -> Sequence[Event]: ...


@dataclass(frozen=True, slots=True)
class AddressChoice:
    id: str
    text: str
    has_point: bool


@dataclass(frozen=True, slots=True)
class VisitStop:
    """One row of today's visits: where, who, how much, what happened last, may I go now."""

    position: int
    area: str
    leg_km: float | None
    account_id: str
    customer_id: str
    customer_name: str
    name_alt: str
    address_id: str
    address: str
    street: str
    addresses: tuple[AddressChoice, ...]
    balance: Money
    past_due: Money
    days_past_due: int
    status: str
    jurisdiction: str
    pack_id: str
    timezone: str
    local_time: datetime
    window: tuple[str, str] | None  # visiting hours, customer's local time
    verdict: Verdict
    last_outcome: Text | None
    last_outcome_at: datetime | None
    visited_today: Text | None  # today's visit outcome, when already visited
    rank: int


@dataclass(frozen=True, slots=True)
class TodayPlan:
    day: date
    stops: tuple[VisitStop, ...]
    total_km: float
    planned_at: datetime

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.area for s in self.stops))

    @property
    def done(self) -> int:
        return sum(1 for s in self.stops if s.visited_today is not None)


def sent_to_field(item: Any) -> bool:
    """Whether the strategy sends this queue row to the field.

    A task standing on the account decides: the server's daily run raised it with the
    account's own strategy (an experiment's challenger included), so a visit task puts the
    account on the route and a call or a hardship review keeps it off (that step comes
    first). Without a task, the champion's rule: a visit step for the row's segment and
    bucket, its field rule (late and large enough) met, no stop condition
    (``workstation.strategy``). Current accounts of a few hundred yuan stay off the route."""
    task = getattr(item, "task", None)
    if task is not None:
        return bool(task.task == Task.VISIT.value)
    return champion_visits(
        account_id=item.account_id,
        score=item.score,
        days_past_due=item.days_past_due,
        status=item.status,
        balance_minor=item.balance_minor,
        currency=item.currency,
    )


def address_text(address: Address) -> str:
    pieces = (address.line1, address.district, address.city, address.postcode)
    return ", ".join(p for p in pieces if p)


def _point(address: Address) -> Point | None:
    if address.latitude is None or address.longitude is None:
        return None
    return Point(float(address.latitude), float(address.longitude))


def _best_address(customer: Customer) -> Address | None:
    located = [a for a in customer.addresses if _point(a) is not None]
    candidates = located or list(customer.addresses)
    return candidates[0] if candidates else None


def _stop_at(key: str, address: Address | None, priority: int = 0) -> Stop:
    """A visit to ``address`` as the route reads it (no address: a stop with nowhere to go)."""
    if address is None:
        return Stop(key=key, priority=priority)
    return Stop(
        key=key,
        city=address.city,
        district=address.district,
        postcode=address.postcode,
        street=address.line1,
        point=_point(address),
        priority=priority,
    )


def _last_outcome(events: Sequence[Event]) -> tuple[Text | None, datetime | None]:
    catalogue = default_catalogue()
    for event in events:  # newest first
        if event.type == EventType.VISIT:
            try:
                outcome = VisitOutcome(str(event.payload.get("outcome")))
            except ValueError:
                continue
            label = OUTCOME_LABELS[outcome]
            return Text("Visit: " + label.en, "外访：" + label.zh), event.occurred_at
        if event.type == EventType.CONTACT_ATTEMPT and event.disposition:
            disposition = catalogue.get(event.disposition)
            if disposition is None:
                return Text(event.disposition, event.disposition), event.occurred_at
            return Text(disposition.label_en, disposition.label_zh), event.occurred_at
    return None, None


class FieldService:
    """Today's visits, visit outcomes and on-the-spot agreements for one field collector."""

    def __init__(
        self,
        store: FieldStore,
        device_id: str,
        user: str,
        *,
        desk: DeskService | None = None,
        clock: Callable[[], datetime] = utcnow,
        creditor: str = "",  # the configured creditor's name; "": the shipped one
        visits_per_day: int = DEFAULT_VISITS,
    ) -> None:
        self.store = store
        self.device_id = device_id
        self.user = user
        self.clock = clock
        self.desk = desk or DeskService(
            store,  # type: ignore[arg-type]
            device_id,
            user,
            clock=clock,
            role=Role.FIELD,
        )
        self.creditor = creditor
        self.visits_per_day = visits_per_day

    # -- the day's route -------------------------------------------------------------------

    def _today(self, now: datetime) -> date:
        return now.astimezone().date()  # the collector's own calendar day

    def _planned_ids(self, now: datetime, replan: bool, start: Point | None) -> list[str]:
        today = self._today(now)
        saved = None if replan else self.store.get_state(DAY_PLAN_KEY)
        if isinstance(saved, dict) and saved.get("day") == today.isoformat():
            return [str(i) for i in saved.get("accounts", [])]
        snapshot = self.desk.queue(now)
        # A route is driven, not flown: the day keeps to one town and its surroundings
        # (``choose_day``), the town whose field accounts weigh most by their rank. The
        # candidates are the rows the strategy sends to the field, at most ``SCAN_FACTOR``
        # days' worth of them; rows kept off the route are skipped however many rank above
        # them (a desk's small and current accounts often lead the queue).
        candidates: list[Stop] = []
        for rank in range(len(snapshot)):
            item = snapshot[rank]
            if not sent_to_field(item):
                continue  # the strategy does not send it to the field (small, or not late)
            customer = self._customer(item.customer_id)
            address = _best_address(customer) if customer is not None else None
            candidates.append(_stop_at(item.account_id, address, priority=rank + 1))
            if len(candidates) >= SCAN_FACTOR * self.visits_per_day:
                break
        stops = choose_day(candidates, self.visits_per_day)
        ordered = [r.stop.key for r in plan_route(stops, start)]
        self.store.set_state(DAY_PLAN_KEY, {"day": today.isoformat(), "accounts": ordered})
        return ordered

    def _customer(self, customer_id: str) -> Customer | None:
        loader = getattr(self.store, "load_customer", None)
        if callable(loader):
            customer: Customer | None = loader(customer_id)
            return customer
        return None

    def todays_visits(
        self,
        now: datetime | None = None,
        *,
        replan: bool = False,
        start: Point | None = None,
    ) -> TodayPlan:
        """Today's visits in route order (planned once a day, kept until ``replan``)."""
        now = now or self.clock()
        route: list[VisitStop] = []
        places: list[Stop] = []
        previous: Point | None = start
        for account_id in self._planned_ids(now, replan, start):
            detail = self.store.load_account(account_id)
            if detail is None:  # reassigned away since the morning
                continue
            row = self._stop(detail, now, len(route) + 1)
            places.append(_stop_at(account_id, _best_address(detail.customer)))
            point = next(
                (_point(a) for a in detail.customer.addresses if a.id == row.address_id), None
            )
            leg = (
                distance_km(previous, point) if previous is not None and point is not None else None
            )
            route.append(replace(row, leg_km=leg))
            previous = point
        # one area reads one way on the day's list, whichever spelling of its town each
        # customer's address uses ("上海 · 浦东新区" and "上海市 · 浦东新区")
        shown = area_names(places)
        return TodayPlan(
            day=self._today(now),
            stops=tuple(replace(row, area=shown[row.account_id]) for row in route),
            total_km=sum(r.leg_km or 0.0 for r in route),
            planned_at=now,
        )

    def stop(self, account_id: str, now: datetime | None = None) -> VisitStop:
        now = now or self.clock()
        detail = self.store.load_account(account_id)
        if detail is None:
            raise DeskError(Text(f"Account {account_id} is not on this device", "本机没有该账户"))
        return self._stop(detail, now, 0)

    def _contact_history(self, customer: Customer, now: datetime) -> list[Event]:
        """What the rules read: the customer's lasting events and recent attempts, all accounts
        (a complaint about another of the customer's accounts holds visits too)."""
        return list(
            self.store.contact_history(
                customer.id,
                since=engines.history_window(now),
                lasting=compliance.LASTING_EVENT_TYPES,
            )
        )

    def _stop(self, detail: Any, now: datetime, rank: int) -> VisitStop:
        customer: Customer = detail.customer
        account: Account = detail.account
        events: Sequence[Event] = detail.events
        address = _best_address(customer)
        verdict = engines.decide(
            customer,
            account,
            Channel.VISIT,
            now,
            self._contact_history(customer, now),
            address=address.id if address else None,
        )
        try:
            pack = compliance.default_policy().pack_for(customer)
            window = pack.calling_hours(Channel.VISIT)
            pack_id = pack.id
        except compliance.RulePackError:
            window, pack_id = None, ""
        zone = ZoneInfo(customer.timezone)
        local_now = now.astimezone(zone)
        last, last_at = _last_outcome(events)
        today_local = self._today(now)
        visited: Text | None = None
        for event in events:
            if event.type == EventType.VISIT and self._today(event.occurred_at) == today_local:
                try:
                    visited = OUTCOME_LABELS[VisitOutcome(str(event.payload.get("outcome")))]
                except ValueError:
                    visited = Text("Visited", "已外访")
                break
        return VisitStop(
            position=rank,
            area=area_of(_stop_at(account.id, address)),
            leg_km=None,
            account_id=account.id,
            customer_id=customer.id,
            customer_name=customer.name,
            name_alt=customer.name_alt,
            address_id=address.id if address else "",
            address=address_text(address) if address else "",
            street=address.line1 if address else "",
            addresses=tuple(
                AddressChoice(a.id, address_text(a), _point(a) is not None)
                for a in customer.addresses
            ),
            balance=account.balance,
            past_due=account.past_due,
            days_past_due=account.days_past_due,
            status=str(account.status),
            jurisdiction=customer.jurisdiction,
            pack_id=pack_id,
            timezone=customer.timezone,
            local_time=local_now,
            window=window,
            verdict=verdict,
            last_outcome=last,
            last_outcome_at=last_at,
            visited_today=visited,
            rank=rank,
        )

    # -- recording a visit -----------------------------------------------------------------

    def record_visit(self, form: VisitInput, now: datetime | None = None) -> Changes:
        """Validate and record a visit (and the promise made at the door), offline."""
        now = now or self.clock()
        detail = self.store.load_account(form.account_id)
        if detail is None:
            raise DeskError(Text("This account is no longer on this device", "本机已没有该账户"))
        customer: Customer = detail.customer
        account: Account = detail.account
        if form.address_id and form.address_id not in {a.id for a in customer.addresses}:
            raise ValidationError(
                {"address_id": Text("Not one of the customer's addresses", "不是该客户的地址")}
            )
        decision = compliance.decide(
            customer,
            account,
            Channel.VISIT,
            now,
            self._contact_history(customer, now),
            address=form.address_id or None,
        )
        override: dict[str, Any] | None
        try:
            override = compliance.require_override(decision, form.override_reason)
        except compliance.OverrideRequiredError:
            override = None
        try:
            pack_id = compliance.default_policy().pack_for(customer).id
        except compliance.RulePackError:
            pack_id = ""
        checked = check_visit(
            form,
            pack_id=pack_id,
            currency=account.currency,
            balance=account.balance,
            timezone=customer.timezone,
            now=now,
            override=override,
            blocked=not decision.allowed,
        )
        visit = self._event(account, EventType.VISIT, checked.payload, now)
        events = [visit]
        if checked.promise is not None:
            promise = self._event(
                account,
                EventType.PROMISE,
                {**checked.promise, "visit_id": visit.id},
                now + timedelta(microseconds=1),
            )
            visit.payload["promise_id"] = promise.id
            events.append(promise)
        for event in events:
            self.store.record_event(event, device_id=self.device_id)
        return Changes(
            accounts=frozenset({account.id}),
            queue=True,
            outbox=True,
            event_ids=tuple(e.id for e in events),
        )

    def _event(
        self, account: Account, type_: EventType, payload: dict[str, Any], at: datetime
    ) -> Event:
        return Event(
            id=new_id(),
            type=type_,
            account_id=account.id,
            customer_id=account.customer_id,
            occurred_at=at,
            recorded_by=self.user,
            payload=payload,
            device_id=self.device_id,
        )

    # -- agreeing a plan on the spot ---------------------------------------------------------

    def agree_plan(
        self,
        account_id: str,
        option: PlanOption,
        note: str = "",
        *,
        language: DocumentLanguage | None = None,
        now: datetime | None = None,
    ) -> AgreedPlan:
        """Render the agreement for ``option``, keep the PDF, record the plan with its hash.

        The PDF's schedule is exactly the option's (the one the customer was shown); the
        PDF goes to the store's blobs first, so a recorded plan always has its document.
        """
        from workstation.desk.approvals import approval_to_agree

        now = now or self.clock()
        detail = self.store.load_account(account_id)
        if detail is None:
            raise DeskError(Text("This account is no longer on this device", "本机已没有该账户"))
        # outside policy: only under the lead's approval, which reaches the laptop with a
        # pull (the request itself waits in the outbox like any fact)
        approval_id = approval_to_agree(self.desk.account(account_id, now), option)
        customer: Customer = detail.customer
        account: Account = detail.account
        issued_on = now.astimezone(ZoneInfo(customer.timezone)).date()
        choice = plan_choice(option, account, issued_on)
        content = agreement_from_domain(
            customer,
            account,
            choice,
            creditor=creditor_party(self.creditor, customer.language.value, customer.jurisdiction),
            issued_on=issued_on,
            language=language,
        )
        document = render_agreement(content)
        digest = self.store.put_blob(document.pdf, media_type="application/pdf")
        first = option.schedule[0]
        payload: dict[str, Any] = {
            "instalments": len(option.schedule),
            "instalment_amount": first.amount.wire(),
            "first_due": first.due.isoformat(),
            "method": "flat",
            "kind": option.kind,
            "terms": dict(option.terms),
            "currency": option.total.currency,
            "total": option.total.wire(),
            "schedule": [
                {"n": line.number, "due_on": line.due.isoformat(), "amount": line.amount.wire()}
                for line in option.schedule
            ],
            "affordable": option.affordable,
            "note": note.strip(),
            "document_sha256": digest,
            "document_reference": content.reference,
            "signed_on_visit": True,
        }
        if approval_id is not None:
            payload["approval_id"] = approval_id
        event = self._event(account, EventType.PLAN_AGREEMENT, payload, now)
        self.store.record_event(event, device_id=self.device_id)
        changes = Changes(
            accounts=frozenset({account.id}), queue=True, outbox=True, event_ids=(event.id,)
        )
        return AgreedPlan(changes, document, content.reference)

    # -- banner ------------------------------------------------------------------------------

    def offline_facts(self, now: datetime | None = None, *, online: bool = False) -> OfflineFacts:
        return offline_facts(self.store, now or self.clock(), online=online)


def plan_choice(
    option: PlanOption, account: Account, issued_on: date
) -> Schedule | Deferral | Settlement:
    """The plan calculators' type for a desk plan option, with the option's exact lines."""
    currency = option.total.currency
    zero = Money.zero(currency)
    if option.kind == "settlement":
        return build_settlement(
            account.balance,
            [line.due for line in option.schedule],
            bucket=account.bucket,
            amount=option.total,
            today=issued_on,
        )
    remaining = option.total
    rows: list[Instalment] = []
    for line in option.schedule:
        remaining = remaining - line.amount
        rows.append(Instalment(line.number, line.due, line.amount, line.amount, zero, remaining))
    schedule = Schedule(
        principal=option.total,
        down_payment=zero,
        annual_rate=Decimal(0),
        frequency=Frequency.MONTHLY,
        method=Method.EQUAL_PRINCIPAL,
        instalments=tuple(rows),
        total_paid=option.total,
        total_interest=zero,
    )
    if option.kind == "deferral":
        periods = int(option.terms.get("deferral_months", "1"))
        return Deferral(
            mode=DeferralMode.FROZEN,
            periods=periods,
            baseline=schedule,
            schedule=schedule,
            accrued_interest=zero,
            capitalised_interest=zero,
            waived_interest=zero,
        )
    return schedule


__all__ = [
    "DAY_PLAN_KEY",
    "AddressChoice",
    "AgreedPlan",
    "FieldService",
    "TodayPlan",
    "VisitStop",
    "plan_choice",
]
