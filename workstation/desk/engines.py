"""The desk's seam to the compliance engine and the queue ranker.

``decide`` asks ``workstation.compliance`` for the authoritative verdict of one channel (the
account view and every save). ``rank`` ranks the whole queue with ``workstation.queue``;
the store's queue rows carry no contact history, so it passes the engine's history-free
pre-check (``ContactPolicy.baseline``: calling hours in the customer's local time, plus the
holds the customer's flags trigger) — the engine is asked again, authoritatively, with the
history when the account is opened and before every save, as ``queue.rank`` documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from workstation import compliance, queue
from workstation.desk.types import Verdict
from workstation.domain import Account, Channel, Customer, Event
from workstation.text import Text

_MAY_CONTACT = Text("May contact now", "现在可以联系")


def _verdict(decision: compliance.Decision, channel: Channel) -> Verdict:
    blocking = [r for r in decision.reasons if r.blocking]
    shown = blocking or list(decision.reasons)
    reasons = tuple(Text(r.text_en, r.text_zh) for r in shown)
    if decision.allowed and not reasons:
        reasons = (_MAY_CONTACT,)
    return Verdict(
        channel=channel,
        allowed=decision.allowed,
        reasons=reasons,
        next_allowed_at=None if decision.allowed else decision.next_allowed_at,
        codes=tuple(r.code for r in blocking),
    )


def decision(
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
) -> compliance.Decision:
    return compliance.decide(customer, account, channel, at, history, address=address)


def decide(
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
) -> Verdict:
    """The verdict for one channel now (every reason, and when it becomes allowed)."""
    return _verdict(decision(customer, account, channel, at, history, address=address), channel)


def override_payload(verdict_decision: compliance.Decision, reason: str) -> dict[str, Any]:
    """The audited override payload; raises ``OverrideRequiredError`` on a blank reason."""
    return compliance.require_override(verdict_decision, reason)


# -- queue ranking ------------------------------------------------------------------------


_CLOSED_HOLD = Text("On hold — do not contact", "暂停联系")


def quick_contactability(
    jurisdiction_of: dict[str, str], now: datetime
) -> Callable[[queue.QueueInput], queue.Contact]:
    """A per-row pre-check for phone calls: the engine's calling-hours verdict for the
    customer's pack and local time (``ContactPolicy.baseline``), and the holds the
    customer's flags trigger. Attempt caps and quiet periods need the history, so they
    are the engine's full ``decide`` when the account is opened."""
    policy = compliance.default_policy()
    verdicts: dict[tuple[str, str], queue.Contact] = {}

    def check(item: queue.QueueInput) -> queue.Contact:
        jurisdiction = jurisdiction_of.get(item.account_id, "")
        # the flags whose hold the customer's pack puts on calls (the engine reads the pack)
        held = policy.holding_flags(jurisdiction, Channel.PHONE)
        if held is not None and item.flags & held:
            return queue.Contact(False, None, _CLOSED_HOLD.en, _CLOSED_HOLD.zh)
        key = (jurisdiction, item.timezone)
        contact = verdicts.get(key)
        if contact is None:
            baseline = policy.baseline(jurisdiction, item.timezone, Channel.PHONE, now)
            contact = verdicts[key] = (
                queue.ALLOWED if baseline.allowed else queue.contact_from_decision(baseline)
            )
        return contact

    return check


def _queue_input(row: Any) -> queue.QueueInput:
    """The store's ``QueueRow`` as ranking input, field by field (``queue.from_row`` accepts
    any spelling and is several times slower; at 100,000 rows that is seconds)."""
    if not hasattr(row, "callback_due_at"):
        return queue.from_row(row)
    return queue.QueueInput(
        account_id=row.account_id,
        currency=row.currency,
        balance_minor=row.balance_minor,
        past_due_minor=row.past_due_minor,
        days_past_due=row.days_past_due,
        status=row.status,
        timezone=row.timezone,
        language=row.language,
        flags=row.flags,
        customer_name=row.customer_name,
        score=row.score,
        promise_due_on=row.promise_due_on,
        promise_amount_minor=row.promise_amount_minor,
        callback_at=row.callback_due_at,
        task=None if row.strategy_task is None else queue.parse_task(row.strategy_task),
    )


Book = Iterable[Sequence[tuple[Customer, compliance.AccountFacts, Sequence[Event]]]]  # chunks


def history_window(now: datetime) -> datetime:
    """The earliest contact attempt the engine can count at ``now`` (one day of margin on
    the longest window, which counts local days)."""
    return now - timedelta(days=compliance.default_policy().horizon_days(Channel.PHONE) + 1)


def book_verdicts(book: Book, now: datetime) -> dict[str, compliance.Decision]:
    """The engine's phone decisions, by account, for accounts whose history can matter
    (decided chunk by chunk; only the decisions are kept)."""
    policy = compliance.default_policy()
    verdicts: dict[str, compliance.Decision] = {}
    for chunk in book:
        decisions = policy.decide_many(chunk, Channel.PHONE, now)
        verdicts.update(
            (account.id, decision)
            for (_, account, _), decision in zip(chunk, decisions, strict=True)
        )
    return verdicts


def rank(
    rows: Sequence[Any], now: datetime, book: Book | None = None, *, visits: bool = True
) -> Sequence[queue.RankedRow]:
    """Rank store rows with ``workstation.queue`` (``visits``: the holder makes field visits).

    ``book`` holds (customer, account, history) for the accounts whose history or flags
    can make the engine say more than calling hours (``Store.contact_books``): they get
    the engine's full decision (caps, quiet periods, holds, disputes, complaints). Every
    other row gets the history-free pre-check, which for them is the same verdict.
    """
    inputs = [_queue_input(row) for row in rows]
    jurisdiction_of = {row.account_id: str(getattr(row, "jurisdiction", "")) for row in rows}
    precheck = quick_contactability(jurisdiction_of, now)
    decided = book_verdicts(book, now) if book is not None else {}
    if not decided:
        return queue.rank(inputs, now, precheck, visits=visits)
    verdicts: list[Any] = [decided.get(item.account_id) or precheck(item) for item in inputs]
    return queue.rank(inputs, now, verdicts, visits=visits)
