"""The desk service: everything the agent's window asks of the core, in plain Python.

The UI calls only this class (on its background-operation runner, never the GUI thread);
it composes the store, the compliance engine, the queue ranker and the plan calculators and
returns plain data. Every write goes through ``store.record_event`` (event + outbox row in
one transaction) or ``store.patch_contact`` and returns a ``Changes`` value.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from workstation import compliance, queue
from workstation.desk import disclosures, engines
from workstation.desk.callguide import call_guide
from workstation.desk.holds import breathing_space_placeable, holds_of
from workstation.desk.payments import (
    amount_within_balance,
    check_reported,
    positive_amount,
    reported_payload,
)
from workstation.desk.plans import (
    PlanComparison,
    PlanOption,
    PlanRequest,
    agreement_wire,
    compare,
)
from workstation.desk.ports import StorePort
from workstation.desk.segments import assess_account
from workstation.desk.snapshot import QueueSnapshot
from workstation.desk.types import (
    AccountView,
    Changes,
    DeskError,
    OutcomeInput,
    QueueCategory,
    QueueItem,
    ValidationError,
    Verdict,
)
from workstation.domain import (
    Account,
    Channel,
    Customer,
    Event,
    EventType,
    Money,
    MoneyError,
    contact_attempt,
    new_id,
    utcnow,
)
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import Role
from workstation.text import Text
from workstation.workflows.deadlines import complaint_deadlines, pack_for_jurisdiction

if TYPE_CHECKING:  # reportlab takes ~1 s to import: only when an agreement is rendered
    from workstation.documents import RenderedDocument
    from workstation.documents.texts import DocumentLanguage

CHANNELS = (Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.VISIT)
COMPLAINT_CATEGORIES = ("contact_frequency", "contact_place", "staff_conduct", "amount", "other")
DISPUTE_REASONS = ("not_mine", "amount_wrong", "already_paid", "identity_theft", "other")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,19}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REQUIRED = Text("Required", "必填")


@dataclass(frozen=True, slots=True)
class ContactEdit:
    """One phone or e-mail row as edited in the contacts table."""

    kind: str  # "phone" | "email"
    id: str
    value: str
    type: str = "mobile"
    consent: bool = True
    opted_out: bool = False


def _attr(row: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(row, name, None)
        if value is not None:
            return value
    return default


def _account_ids(ranked: Sequence[Any]) -> list[str]:
    ids = getattr(ranked, "account_ids", None)  # RankedQueue: without building rows
    return list(ids()) if callable(ids) else [r.account_id for r in ranked]


def _categories(ranked: Sequence[Any]) -> list[Any]:
    categories = getattr(ranked, "categories", None)
    return list(categories()) if callable(categories) else [r.category for r in ranked]


@dataclass(frozen=True, slots=True)
class AgreedPlan:
    """A recorded plan agreement with the PDF both parties sign."""

    changes: Changes
    document: RenderedDocument
    reference: str


@dataclass(frozen=True, slots=True)
class AgreementDocument:
    """One document in the account's Documents section: an agreement the desk or the field
    laptop printed, or a letter the server produced (``kind`` ``paid_in_full``)."""

    event_id: str
    occurred_at: datetime
    reference: str
    kind: str
    total: str
    currency: str
    sha256: str  # empty: recorded without a document (before PDFs existed)


log = logging.getLogger(__name__)

FIRST_PAGE = 200
FIRST_PAGE_KEY = "desk.queue.first_page"


class _RowView(NamedTuple):
    """What ``DeskService._item`` reads from a store row, rebuilt from snapshot columns."""

    customer_id: str
    customer_name: str
    name_alt: str
    jurisdiction: str
    last_attempt_at: datetime | None

    @classmethod
    def of(cls, snapshot: QueueSnapshot, index: int) -> _RowView:
        return cls(
            snapshot.customer_ids[index],
            snapshot.customer_names[index],
            snapshot.name_alts[index],
            snapshot.jurisdictions[index],
            snapshot.last_attempts[index],
        )


class DeskService:
    """The agent desk's use cases over one local store."""

    creditor = ""  # the configured creditor's name (the context sets it); "": the shipped one

    def __init__(
        self,
        store: StorePort,
        device_id: str,
        user: str,
        *,
        catalogue: DispositionCatalogue | None = None,
        clock: Callable[[], datetime] = utcnow,
        role: Role = Role.AGENT,
    ) -> None:
        self.store = store
        self.device_id = device_id
        self.user = user
        self.role = role  # what the hold panel lets this user lift (the server checks it)
        self.catalogue = catalogue or default_catalogue()
        self.clock = clock
        # the last ranked queue (the account view's reasons); replaced in one assignment, so
        # a ranking on another worker thread never pairs one queue with another's positions
        self._snapshot: QueueSnapshot | None = None

    @property
    def visits(self) -> bool:
        """Whether this user makes field visits: only a field collector's queue suggests one
        (a desk agent's suggests his desk's action instead, ``TreatmentPolicy.at_desk``)."""
        return self.role is Role.FIELD

    def now(self) -> datetime:
        """The desk's current instant (its ``clock``, which tests and training may replace):
        forms take their default dates from it, so what they offer is what it validates."""
        return self.clock()

    # -- reading ---------------------------------------------------------------------------

    def queue(self, now: datetime | None = None) -> QueueSnapshot:
        """The work queue, ranked best first: store rows joined with the ranker's verdicts.

        Items are built on access (see ``QueueSnapshot``); the columns the table scans are
        plain lists, so 100,000 rows cost lists, not objects.
        """
        now = now or self.clock()
        rows = self.store.queue_rows()
        by_id = {row.account_id: row for row in rows}
        ranked_rows = engines.rank(rows, now, self._contact_book(now), visits=self.visits)
        ordered = [by_id[account_id] for account_id in _account_ids(ranked_rows)]
        categories = [c.value for c in _categories(ranked_rows)]

        def build(index: int) -> QueueItem:
            return self._item(_RowView.of(snapshot, index), ranked_rows[index])

        snapshot = QueueSnapshot(ordered, categories, build, now=now, keep_rows=False)
        del ordered, by_id, rows
        self._snapshot = snapshot
        self._save_first_page(snapshot, now)
        return snapshot

    def _contact_book(
        self, now: datetime, customer_ids: Iterable[str] | None = None
    ) -> engines.Book:
        """(customer, account, history) for the accounts whose history or flags can make the
        rules block them: they are ranked on the engine's full decision."""
        return self.store.contact_books(
            since=engines.history_window(now),
            lasting=compliance.LASTING_EVENT_TYPES,
            customer_ids=customer_ids,
        )

    def _save_first_page(self, snapshot: QueueSnapshot, now: datetime) -> None:
        """Remember the first page of each tab (ids in rank order) for the next cold start."""
        ids = snapshot.account_ids
        due = QueueCategory.DUE_BANDS
        masks = (
            [c in due for c in snapshot.categories],
            snapshot.has_callback,
            snapshot.promise_due,
        )
        chosen: set[int] = set(range(min(FIRST_PAGE, len(ids))))
        for mask in masks:
            taken = 0
            for i, wanted in enumerate(mask):
                if taken >= FIRST_PAGE:
                    break
                if wanted:
                    chosen.add(i)
                    taken += 1
        order = sorted(chosen)
        try:
            self.store.set_state(
                FIRST_PAGE_KEY,
                {
                    "ranked_at": now.isoformat(),
                    "ids": [ids[i] for i in order],
                    "ranks": [i + 1 for i in order],
                },
            )
        except Exception:  # a cache: never let it break the queue
            log.warning("could not save the queue's first page", exc_info=True)

    def first_page(self, now: datetime | None = None) -> QueueSnapshot:
        """A cheap first page to show while the full ``queue()`` runs (milliseconds).

        From the order the last full ranking saved (its rank numbers), or, on a first start,
        from a cheap SQL order (callbacks and promises due first, then past due). Only these
        rows are read and ranked; the snapshot is marked ``preliminary``.
        """
        now = now or self.clock()
        saved = None
        try:
            saved = self.store.get_state(FIRST_PAGE_KEY)
        except Exception:  # a cache: a cheap SQL order serves instead
            log.warning("could not read the queue's saved first page", exc_info=True)
        ids: list[str]
        ranks: list[int]
        ranked_at: datetime | None = None
        if isinstance(saved, dict) and saved.get("ids"):
            ids = [str(i) for i in saved["ids"]]
            ranks = [int(r) for r in saved.get("ranks") or range(1, len(ids) + 1)]
            try:
                ranked_at = datetime.fromisoformat(str(saved.get("ranked_at")))
            except ValueError:
                ranked_at = None
        else:
            ids = self._cheap_order()
            ranks = []
        rows = self.store.queue_rows(account_ids=ids) if ids else []
        by_id = {row.account_id: row for row in rows}
        present = [i for i in ids if i in by_id]
        rank_of = dict(zip(ids, ranks, strict=False))
        ordered = [by_id[i] for i in present]
        book = self._contact_book(now, {row.customer_id for row in ordered})
        ranked = {r.account_id: r for r in engines.rank(ordered, now, book, visits=self.visits)}
        if not rank_of:  # no saved order: the ranker's order of these rows
            present.sort(key=lambda i: ranked[i].rank)
            ordered = [by_id[i] for i in present]
            rank_of = {i: n + 1 for n, i in enumerate(present)}
        ranked_rows = [ranked[i] for i in present]
        categories = [c.value for c in _categories(ranked_rows)]

        def build(index: int) -> QueueItem:
            item = self._item(ordered[index], ranked_rows[index])
            return replace(item, rank=rank_of.get(item.account_id, item.rank))

        snapshot = QueueSnapshot(ordered, categories, build, now=now)
        snapshot.preliminary = True
        snapshot.ranked_at = ranked_at
        if self._snapshot is None:  # the account view's reasons, until the full queue lands
            self._snapshot = snapshot
        return snapshot

    def _cheap_order(self) -> list[str]:
        """First start: up to FIRST_PAGE account ids in the store's cheap order."""
        try:
            return self.store.first_page_ids(FIRST_PAGE)
        except Exception:
            log.warning("could not read a first page", exc_info=True)
            return []

    def _item(self, row: Any, ranked: Any) -> QueueItem:
        source = ranked.source
        return QueueItem(
            account_id=ranked.account_id,
            customer_id=row.customer_id,
            customer_name=row.customer_name,
            name_alt=_attr(row, "name_alt", default=""),
            balance_minor=source.balance_minor,
            past_due_minor=source.past_due_minor,
            currency=source.currency,
            days_past_due=source.days_past_due,
            bucket=ranked.bucket.value,
            status=source.status,
            risk_tier=ranked.tier.value,
            score=ranked.probability,
            timezone=source.timezone,
            jurisdiction=str(_attr(row, "jurisdiction", default="")),
            language=source.language,
            flags=source.flags,
            priority=ranked.priority,
            rank=ranked.rank,
            treatment=Text(ranked.treatment.label_en, ranked.treatment.label_zh),
            contactable_now=ranked.contactable_now,
            next_contact_allowed_at=ranked.next_contact_allowed_at,
            category=ranked.category.value,
            promise_due_on=source.promise_due_on,
            promise_amount_minor=source.promise_amount_minor,
            callback_due_at=source.callback_at,
            last_attempt_at=_attr(row, "last_attempt_at"),
            promise_due=ranked.promise_due,
            callback_due=ranked.callback_due,
            ranked=ranked,
            treatment_short=Text(ranked.treatment.short("en"), ranked.treatment.short("zh")),
        )

    def verdicts(
        self, customer: Customer, account: Account, history: Sequence[Event], now: datetime
    ) -> dict[Channel, Verdict]:
        return {
            channel: engines.decide(customer, account, channel, now, history)
            for channel in CHANNELS
        }

    def verdict_for(
        self, view: AccountView, channel: Channel, address: str, now: datetime
    ) -> Verdict:
        return engines.decide(
            view.customer,
            view.account,
            channel,
            now,
            view.contact_history,
            address=address or None,
        )

    def account(self, account_id: str, now: datetime | None = None) -> AccountView:
        now = now or self.clock()
        detail = self.store.load_account(account_id)
        if detail is None:
            raise DeskError(Text(f"Account {account_id} is not on this device", "本机没有该账户"))
        events = tuple(detail.events)
        customer: Customer = detail.customer
        account: Account = detail.account
        # customer-wide caps count the attempts on the customer's other accounts too
        history = tuple(
            self.store.contact_history(
                customer.id,
                since=engines.history_window(now),
                lasting=compliance.LASTING_EVENT_TYPES,
            )
        )
        snapshot = self._snapshot
        position = None if snapshot is None else snapshot.position.get(account_id)
        item = None if snapshot is None or position is None else snapshot[position]
        score_reasons = item.reasons if item is not None else ()
        pack = pack_for_jurisdiction(customer.jurisdiction)
        return AccountView(
            customer=customer,
            account=account,
            events=events,
            other_accounts=tuple(detail.other_accounts),
            verdicts=self.verdicts(customer, account, history, now),
            score_reasons=score_reasons,
            call_guide=call_guide(customer.jurisdiction),
            item=item,
            loaded_at=now,
            contact_history=history,
            holds=tuple(holds_of(customer, account, history, pack, role=self.role, now=now)),
            breathing_space_placeable=breathing_space_placeable(customer, pack),
            strategy_task=queue.standing_task(events, account.status.value),
            assessment=(
                assess_account(self.store, account_id, now) if account.segment is None else None
            ),
        )

    def next_account_id(self, current: str | None, order: Sequence[str]) -> str | None:
        """The account after ``current`` in the agent's visible order (wraps to none)."""
        if not order:
            return None
        if current is None or current not in order:
            return order[0]
        index = order.index(current) + 1
        return order[index] if index < len(order) else None

    # -- logging an outcome --------------------------------------------------------------

    def validate_outcome(
        self, form: OutcomeInput, view: AccountView, now: datetime
    ) -> dict[str, Any]:
        """Check the form against what the disposition requires; return the parsed extras.

        Raises ``ValidationError`` with every problem at once (field → message), so the form
        can mark them all in place.
        """
        errors: dict[str, Text] = {}
        disposition = self.catalogue.get(form.disposition)
        if disposition is None:
            raise ValidationError({"disposition": Text("Choose an outcome", "请选择通话结果")})
        currency = view.account.currency
        extra: dict[str, Any] = {}
        needs = disposition.requires
        if "promise_amount" in needs:
            amount = amount_within_balance(form.promise_amount, view, "promise_amount", errors)
            if amount is not None:
                extra["promise_amount"] = amount.wire()
        if "promise_date" in needs:
            local_today = now.astimezone(ZoneInfo(view.customer.timezone)).date()
            try:
                due = date.fromisoformat(form.promise_date.strip())
            except ValueError:
                errors["promise_date"] = (
                    _REQUIRED if not form.promise_date.strip() else Text("Not a date", "日期无效")
                )
            else:
                if due < local_today:
                    errors["promise_date"] = Text("In the past", "日期已过")
                elif due > local_today + timedelta(days=90):
                    errors["promise_date"] = Text(
                        "More than 90 days ahead — agree a plan instead",
                        "超过90天——请改为制定还款计划",
                    )
                else:
                    extra["promise_date"] = due.isoformat()
        if "callback_at" in needs:
            text = form.callback_at.strip()
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                errors["callback_at"] = _REQUIRED if not text else Text("Not a time", "时间无效")
            else:
                if when.tzinfo is None:  # typed in the customer's local time
                    when = when.replace(tzinfo=ZoneInfo(view.customer.timezone))
                if when <= now:
                    errors["callback_at"] = Text("In the past", "时间已过")
                else:
                    extra["callback_at"] = when.astimezone(UTC).isoformat()
        for name in ("dispute_reason", "complaint_category", "hardship_details"):
            if name in needs:
                value = str(getattr(form, name)).strip()
                if not value:
                    errors[name] = _REQUIRED
                else:
                    extra[name] = value
        if "payment_amount" in needs:  # what the customer says was paid: a reported payment
            extra.update(check_reported(form, view, now, errors))
        if "settlement_amount" in needs:
            amount = positive_amount(form.settlement_amount, currency, "settlement_amount", errors)
            if amount is not None:
                extra["settlement_amount"] = amount.wire()
                extra["currency"] = currency
        extra.update(disclosures.check(form, disposition, view.call_guide, errors))
        if "plan" in needs:
            errors["disposition"] = Text(
                "Agree plans in the plan calculator (Ctrl+P)",
                "请在还款计划计算器中制定计划（Ctrl+P）",
            )
        if disposition.counts_as_attempt:
            decision = engines.decision(
                view.customer,
                view.account,
                form.channel,
                now,
                view.contact_history,
                address=form.address_used or None,
            )
            try:
                extra.update(engines.override_payload(decision, form.override_reason))
            except compliance.OverrideRequiredError:
                blocked = "; ".join(r.text_en for r in decision.blocking)
                blocked_zh = "；".join(r.text_zh for r in decision.blocking)
                errors["override_reason"] = Text(
                    f"Contact is not allowed now ({blocked}) — give an override reason to log it",
                    f"当前不允许联系（{blocked_zh}）——如需记录，请填写越权原因",
                )
        if errors:
            raise ValidationError(errors)
        return extra

    def log_outcome(self, form: OutcomeInput, now: datetime | None = None) -> Changes:
        """Validate and record one contact attempt (one event and its outbox row).

        A promise to pay also records the promise itself (a ``promise`` event, linked both
        ways), because a promise has its own lifecycle that payments decide. *Paid during
        call* also records a *reported* ``payment`` event (amount, date, method; linked both
        ways): the backend confirms it when the bank's payment arrives.
        """
        now = now or self.clock()
        view = self.account(form.account_id, now)
        extra = self.validate_outcome(form, view, now)
        promise_amount = extra.pop("promise_amount", None)
        promise_date = extra.pop("promise_date", None)
        override = extra.pop("override_reason", None)
        # the payment's date and method belong to its own event; the attempt keeps the amount
        payment_fields: dict[str, Any] = {
            k: extra.pop(k) for k in ("payment_date", "payment_method") if k in extra
        }
        attempt = contact_attempt(
            account=view.account,
            channel=form.channel,
            disposition=form.disposition,
            recorded_by=self.user,
            occurred_at=now,
            address_used=form.address_used or None,
            duration_s=form.duration_s,
            notes=form.notes.strip(),
            override_reason=override,
            extra=extra,
        )
        attempt.device_id = self.device_id
        events = [attempt]
        if promise_amount is not None and promise_date is not None:
            promise = self._event(
                view,
                EventType.PROMISE,
                {
                    "amount": promise_amount,
                    "currency": view.account.currency,
                    "due_date": promise_date,
                    "status": "open",
                    "attempt_id": attempt.id,
                },
                now + timedelta(microseconds=1),
            )
            attempt.payload["promise_id"] = promise.id
            events.append(promise)
        paid = reported_payload({**extra, **payment_fields}, attempt.id)
        if paid is not None:
            payment = self._event(view, EventType.PAYMENT, paid, now + timedelta(microseconds=2))
            attempt.payload["payment_id"] = payment.id
            events.append(payment)
        for event in events:
            self.store.record_event(event, device_id=self.device_id)
        return Changes(
            accounts=frozenset({view.account.id}),
            queue=True,
            outbox=True,
            event_ids=tuple(e.id for e in events),
        )

    # -- special captures ----------------------------------------------------------------

    def _event(
        self, view: AccountView, type_: EventType, payload: dict[str, Any], now: datetime
    ) -> Event:
        return Event(
            id=new_id(),
            type=type_,
            account_id=view.account.id,
            customer_id=view.customer.id,
            occurred_at=now,
            recorded_by=self.user,
            payload=payload,
            device_id=self.device_id,
        )

    def record_fact(
        self,
        view: AccountView,
        type_: EventType,
        payload: dict[str, Any],
        now: datetime | None = None,
    ) -> Changes:
        """Record one event on the account (and its outbox row) as the desk's user."""
        return self._record(self._event(view, type_, payload, now or self.clock()))

    def _record(self, event: Event) -> Changes:
        self.store.record_event(event, device_id=self.device_id)
        return Changes(
            accounts=frozenset({event.account_id}),
            queue=True,
            outbox=True,
            event_ids=(event.id,),
        )

    def record_complaint(
        self,
        account_id: str,
        category: str,
        details: str,
        *,
        blocked_address: str = "",
        about_user_id: str = "",
        now: datetime | None = None,
    ) -> Changes:
        """Record a complaint; its SLA clock starts and the rule pack's complaint hold (and
        the blocked number, if one is named) apply from the event. ``about_user_id``: the
        agent it is about (never its handler)."""
        now = now or self.clock()
        errors: dict[str, Text] = {}
        if category not in COMPLAINT_CATEGORIES:
            errors["category"] = Text("Choose a category", "请选择投诉类别")
        if not details.strip():
            errors["details"] = _REQUIRED
        if errors:
            raise ValidationError(errors)
        view = self.account(account_id, now)
        # the pack's deadline in the customer's calendar; the backend registers the same
        # one (with the reference and the owner) when the complaint reaches it
        received_on = now.astimezone(ZoneInfo(view.customer.timezone)).date()
        pack = pack_for_jurisdiction(view.customer.jurisdiction)
        sla_due = complaint_deadlines(pack, received_on).final_by
        payload: dict[str, Any] = {
            "category": category,
            "details": details.strip(),
            "status": "open",
            "sla_due": sla_due.isoformat(),
            "received_via": "phone",
        }
        if blocked_address:
            payload["blocked_address"] = blocked_address
        if about_user_id:
            payload["about_user_id"] = about_user_id
        return self._record(self._event(view, EventType.COMPLAINT, payload, now))

    def record_dispute(
        self, account_id: str, reason: str, details: str, now: datetime | None = None
    ) -> Changes:
        now = now or self.clock()
        if reason not in DISPUTE_REASONS:
            raise ValidationError({"reason": Text("Choose a reason", "请选择争议原因")})
        view = self.account(account_id, now)
        payload = {"reason": reason, "details": details.strip(), "status": "pending_validation"}
        return self._record(self._event(view, EventType.DISPUTE, payload, now))

    def record_hardship(
        self,
        account_id: str,
        details: str,
        monthly_income: str = "",
        monthly_expenses: str = "",
        now: datetime | None = None,
    ) -> Changes:
        now = now or self.clock()
        view = self.account(account_id, now)
        currency = view.account.currency
        errors: dict[str, Text] = {}
        if not details.strip():
            errors["details"] = _REQUIRED
        payload: dict[str, Any] = {
            "flag": "hardship",
            "value": True,
            "since": now.date().isoformat(),
            "details": details.strip(),
        }
        for name, text in (
            ("monthly_income", monthly_income),
            ("monthly_expenses", monthly_expenses),
        ):
            if text.strip():
                try:
                    payload[name] = Money.of(text, currency).wire()
                    payload["currency"] = currency
                except MoneyError:
                    errors[name] = Text(f"Not an amount in {currency}", f"不是有效的{currency}金额")
        if errors:
            raise ValidationError(errors)
        return self._record(self._event(view, EventType.FLAG_CHANGE, payload, now))

    def record_satisfaction(
        self, account_id: str, score: int, comment: str = "", now: datetime | None = None
    ) -> Changes:
        now = now or self.clock()
        if not 1 <= score <= 5:
            raise ValidationError({"score": Text("Score 1–5", "评分为1到5")})
        view = self.account(account_id, now)
        payload = {"score": score, "comment": comment.strip()}
        return self._record(self._event(view, EventType.SATISFACTION, payload, now))

    # -- plans ---------------------------------------------------------------------------

    def compare_plans(
        self,
        account_id: str,
        *,
        instalments: int = 12,
        deferral_months: int = 3,
        deferral_instalments: int = 12,
        settlement_percent: str = "60",
        monthly_income: str = "",
        monthly_expenses: str = "",
        now: datetime | None = None,
    ) -> PlanComparison:
        now = now or self.clock()
        view = self.account(account_id, now)
        currency = view.account.currency
        errors: dict[str, Text] = {}
        income = expenses = None
        if monthly_income.strip():
            income = positive_amount(monthly_income, currency, "monthly_income", errors)
        if monthly_expenses.strip():
            try:
                expenses = Money.of(monthly_expenses, currency)
            except MoneyError:
                errors["monthly_expenses"] = Text("Not an amount", "金额无效")
        try:
            percent = Decimal(settlement_percent.strip() or "0")
        except InvalidOperation:
            errors["settlement_percent"] = Text("Not a number", "不是数字")
            percent = Decimal(0)
        if errors:
            raise ValidationError(errors)
        local_today = now.astimezone(ZoneInfo(view.customer.timezone)).date()
        return compare(
            PlanRequest(
                balance=view.account.balance,
                start=local_today,
                bucket=view.account.bucket,
                instalments=instalments,
                deferral_months=deferral_months,
                deferral_instalments=deferral_instalments,
                settlement_percent=percent,
                monthly_income=income,
                monthly_expenses=expenses,
            )
        )

    def agree_plan(
        self,
        account_id: str,
        option: PlanOption,
        note: str = "",
        now: datetime | None = None,
        *,
        language: DocumentLanguage | None = None,
    ) -> AgreedPlan:
        """Render the agreement for ``option``, keep its PDF as a blob, record the plan.

        The PDF goes to the store's blobs first and its SHA-256 is recorded on the
        ``plan_agreement`` event (``document_sha256``, as the field screen does), so a
        recorded plan always has its document and the backend can ask for it by hash. An
        option outside policy is agreed only once the team lead approved it
        (``desk.approvals``): its approval is named on the plan.
        """
        from workstation.desk.approvals import approval_to_agree
        from workstation.documents import agreement_from_domain, creditor_party, render_agreement

        now = now or self.clock()
        view = self.account(account_id, now)
        approval_id = approval_to_agree(view, option)
        if option.plan is None:
            raise DeskError(
                Text(
                    "This plan was not computed by the calculator; compare again",
                    "该方案不是由计算器生成的，请重新计算",
                )
            )
        issued_on = now.astimezone(ZoneInfo(view.customer.timezone)).date()
        content = agreement_from_domain(
            view.customer,
            view.account,
            option.plan,
            creditor=creditor_party(
                self.creditor, view.customer.language.value, view.customer.jurisdiction
            ),
            issued_on=issued_on,
            language=language,
        )
        document = render_agreement(content)
        digest = self.store.put_blob(document.pdf, media_type="application/pdf")
        payload = agreement_wire(
            option,
            note=note.strip(),
            document_sha256=digest,
            document_reference=content.reference,
        )
        if approval_id is not None:
            payload["approval_id"] = approval_id
        changes = self._record(self._event(view, EventType.PLAN_AGREEMENT, payload, now))
        return AgreedPlan(changes, document, content.reference)

    @staticmethod
    def agreements(view: AccountView) -> list[AgreementDocument]:
        """The account's agreements and the letters the server produced for it, with their
        PDFs, newest first (for the Documents section)."""
        # an agreement's amount is its total; a letter the server produced (paid in full)
        # names the amount paid
        amount_key = {EventType.PLAN_AGREEMENT: "total", EventType.DOCUMENT: "paid_amount"}
        found: list[AgreementDocument] = []
        for event in view.events:
            key = amount_key.get(event.type)
            if key is None:
                continue
            found.append(
                AgreementDocument(
                    event_id=event.id,
                    occurred_at=event.occurred_at,
                    reference=str(event.payload.get("document_reference") or ""),
                    kind=str(event.payload.get("kind") or ""),
                    total=str(event.payload.get(key) or ""),
                    currency=str(event.payload.get("currency") or view.account.currency),
                    sha256=str(event.payload.get("document_sha256") or ""),
                )
            )
        found.sort(key=lambda d: d.occurred_at, reverse=True)
        return found

    def agreement_pdf(self, sha256: str) -> bytes:
        """The stored PDF of an agreement (blocking store read: call on the db worker)."""
        data = self.store.get_blob(sha256) if sha256 else None
        if data is None:
            raise DeskError(
                Text(
                    "The agreement's PDF is not on this computer (it was made on another "
                    "device and has not been downloaded)",
                    "本机没有该协议的PDF（在其他设备上生成，尚未下载）",
                )
            )
        return bytes(data)

    # -- contacts ------------------------------------------------------------------------

    def update_contacts(self, view: AccountView, edits: Iterable[ContactEdit]) -> Changes:
        """Validate edited phones/e-mails and send them as one field-level patch."""
        edits = list(edits)
        errors: dict[str, Text] = {}
        for index, edit in enumerate(edits):
            value = edit.value.strip()
            if edit.kind == "phone" and not _PHONE_RE.match(value):
                errors[f"phone:{index}"] = Text(
                    f"{value or '(empty)'} is not a phone number",
                    f"{value or '（空）'} 不是有效的电话号码",
                )
            if edit.kind == "email" and not _EMAIL_RE.match(value):
                errors[f"email:{index}"] = Text(
                    f"{value or '(empty)'} is not an e-mail address",
                    f"{value or '（空）'} 不是有效的邮箱地址",
                )
        if errors:
            raise ValidationError(errors)
        changes = {
            "phones": [
                {
                    "id": e.id,
                    "number": e.value.strip(),
                    "type": e.type,
                    "consent": e.consent,
                    "opted_out": e.opted_out,
                }
                for e in edits
                if e.kind == "phone"
            ],
            "emails": [
                {
                    "id": e.id,
                    "address": e.value.strip(),
                    "consent": e.consent,
                    "opted_out": e.opted_out,
                }
                for e in edits
                if e.kind == "email"
            ],
        }
        self.store.patch_contact(view.customer.id, changes, view.customer.version, self.device_id)
        return Changes(
            accounts=frozenset({view.account.id}),
            outbox=True,
            contacts=frozenset({view.customer.id}),
        )
