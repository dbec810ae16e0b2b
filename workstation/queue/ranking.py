"""The work queue's order: priority, overrides, categories and the reasons in words.

This module owns ``rank(inputs, now, contactability)``. Per DESIGN §7 the base priority is

    expected recoverable amount × propensity to pay × urgency

(recoverable = past due + a policy share of the rest of the balance, in major units;
urgency by bucket, boosted just before an account rolls into the next bucket). Overrides
come before the number: a callback the customer asked for that is due now first, then
promises falling due today or already missed, then the tasks a strategy step raised for the
owner (``tasks``: a call, visit or review not yet answered by an outcome, no stop condition
holding), then ordinary work by priority, then accounts
waiting on a future promise or callback, then accounts that may not be contacted now
(soonest contactable first), then closed accounts.

It is the 100,000-row hot path, so the loop does table lookups, one dot product and
``math.exp`` per row; Money, time zones and sentences are only touched when a row's
``reasons`` are read (the UI reads the visible rows only).

Inputs are the queue's own ``QueueInput`` (``types``) so the ranking does not depend on the store's
row shape; ``workstation.queue.inputs`` adapts store rows and domain objects to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from typing import Any, Union, overload

from workstation.domain.bulk import gc_paused
from workstation.domain.enums import AccountStatus, Bucket, RiskTier
from workstation.domain.money import MINOR_DIGITS
from workstation.queue import wording
from workstation.queue.features import row_features
from workstation.queue.scorecard import Reason, Scorecard, default_scorecard
from workstation.queue.treatments import Treatment, TreatmentPolicy, default_policy
from workstation.queue.types import (
    ALLOWED,
    Category,
    Contact,
    QueueInput,
    Tab,
    contact_from_decision,
)
from workstation.text import is_chinese

_CLOSED = frozenset(s.value for s in AccountStatus if s.is_closed)


_BAND = {category: index for index, category in enumerate(Category)}


ContactValue = Union[Contact, tuple[bool, datetime | None, str], tuple[Any, ...]]  # noqa: UP007
Contactability = Union[  # noqa: UP007
    Mapping[str, ContactValue],
    Sequence[ContactValue | None],
    Callable[[QueueInput], ContactValue],
    None,
]


def _as_contact(value: ContactValue) -> Contact:
    if isinstance(value, Contact):
        return value
    if hasattr(value, "allowed"):
        return contact_from_decision(value)
    if isinstance(value, tuple) and len(value) == 3:
        allowed, next_at, text = value
        return Contact(bool(allowed), next_at, str(text), str(text))
    if isinstance(value, tuple) and len(value) == 4:
        allowed, next_at, text_en, text_zh = value
        return Contact(bool(allowed), next_at, str(text_en), str(text_zh))
    raise TypeError(
        "a contactability value must be a Contact, a compliance Decision, "
        f"(allowed, next_allowed_at, text) or (allowed, next_allowed_at, text_en, text_zh); "
        f"got {value!r}"
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """What every row's lazy explanation shares: the models and the moment of ranking."""

    scorecard: Scorecard
    policy: TreatmentPolicy
    now: datetime
    visits: bool = True  # the queue's holder makes field visits (a field collector)


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One row of the ranked queue. ``reasons`` are worded on demand (en and zh)."""

    account_id: str
    priority: float
    rank: int
    tier: RiskTier
    treatment: Treatment  # what the queue's holder does next (``planned``, or his desk's)
    category: Category
    contactable_now: bool
    next_contact_allowed_at: datetime | None
    probability: float
    bucket: Bucket
    promise_due: bool
    callback_due: bool
    source: QueueInput = field(repr=False, compare=False)
    contact: Contact = field(repr=False, compare=False)
    _context: _Context = field(repr=False, compare=False)
    # what the tier and bucket (or a customer flag) call for; differs from ``treatment``
    # only where it is a visit and the holder works at the desk
    planned: Treatment = field(repr=False, compare=False)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why the row sits where it does, most important first, each in English and Chinese."""
        return wording.row_reasons(
            self, self._context.scorecard, self._context.policy, self._context.now
        )

    def reason_text(self, language: str = "en") -> str:
        separator = "；" if is_chinese(language) else "; "
        return separator.join(reason.text(language) for reason in self.reasons)

    @property
    def score_reasons(self) -> tuple[Reason, ...]:
        """The scorecard's own reasons (code, direction, ability/willingness/situation)."""
        return wording.score_reasons(self.source, self._context.scorecard)

    @property
    def sort_key(self) -> tuple[int, float, float, str]:
        return sort_key(
            self.category,
            self.priority,
            self.source.callback_at,
            self.next_contact_allowed_at,
            self.account_id,
        )


_FAR_FUTURE = math.inf


def sort_key(
    category: Category,
    priority: float,
    callback_at: datetime | None,
    next_allowed_at: datetime | None,
    account_id: str,
) -> tuple[int, float, float, str]:
    """The queue order: band, then the band's own clock, then priority, then id (total)."""
    if category is Category.CALLBACK and callback_at is not None:
        clock = callback_at.timestamp()  # the customer who has waited longest first
    elif category is Category.BLOCKED:
        clock = next_allowed_at.timestamp() if next_allowed_at is not None else _FAR_FUTURE
    else:
        clock = 0.0
    return (_BAND[category], clock, -priority, account_id)


class RankedQueue(Sequence[RankedRow]):
    """The ranked queue: a sequence of ``RankedRow`` in queue order, built row by row on access.

    Ranking orders 100,000 accounts on cheap tuples; a row object (with its lazily worded
    reasons) is made only when asked for, which is what a table model showing thirty
    visible rows needs. Rows are cached, so asking twice gives the same object.
    """

    __slots__ = ("_cache", "_context", "_entries", "_ranks")

    def __init__(
        self, entries: list[tuple[Any, ...]], ranks: Sequence[int], context: _Context
    ) -> None:
        self._entries = entries
        self._ranks = ranks
        self._context = context
        self._cache: dict[int, RankedRow] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> RankedRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RankedRow]: ...
    def __getitem__(self, index: int | slice) -> RankedRow | list[RankedRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._entries)))]
        if index < 0:
            index += len(self._entries)
        row = self._cache.get(index)
        if row is None:
            row = self._build(index)
            self._cache[index] = row
        return row

    def __iter__(self) -> Iterator[RankedRow]:
        for index in range(len(self._entries)):
            yield self[index]

    def _build(self, index: int) -> RankedRow:
        (_, _, _, account_id, _, item, priority, tier, treatment, category, verdict,
         probability, bucket, promise_due, callback_due) = self._entries[index]  # fmt: skip
        # a compliance Decision is worded into a Contact only for the rows someone reads
        contact = verdict if isinstance(verdict, Contact) else _as_contact(verdict)
        context = self._context
        return RankedRow(
            account_id,
            priority,
            self._ranks[index],
            tier,
            treatment if context.visits else context.policy.at_desk(treatment),
            category,
            contact.allowed,
            contact.next_allowed_at,
            probability,
            bucket,
            promise_due,
            callback_due,
            item,
            contact,
            context,
            treatment,
        )

    def account_ids(self) -> list[str]:
        """Every account id in queue order, without building rows."""
        return [entry[3] for entry in self._entries]

    def categories(self) -> list[Category]:
        return [entry[9] for entry in self._entries]

    def tab(self, tab: Tab) -> RankedQueue:
        """The rows on one tab, in queue order; ``rank`` stays the row's place in "All"."""
        if tab is Tab.ALL:
            return self
        keep = [i for i, entry in enumerate(self._entries) if _entry_in_tab(entry, tab)]
        return RankedQueue(
            [self._entries[i] for i in keep], [self._ranks[i] for i in keep], self._context
        )


def _entry_in_tab(entry: tuple[Any, ...], tab: Tab) -> bool:
    if tab is Tab.DUE_NOW:
        return entry[9] in _DUE_NOW_BANDS
    if tab is Tab.CALLBACKS:
        return entry[5].callback_at is not None
    if tab is Tab.PROMISES_DUE:
        return bool(entry[13])
    return True


_DUE_NOW_BANDS = frozenset(
    {Category.CALLBACK, Category.PROMISE_DUE, Category.TASK, Category.DUE_NOW}
)


def rank(
    inputs: Iterable[QueueInput],
    now: datetime,
    contactability: Contactability = None,
    *,
    scorecard: Scorecard | None = None,
    policy: TreatmentPolicy | None = None,
    visits: bool = True,
) -> RankedQueue:
    """Rank accounts for the queue at ``now`` (aware; UTC recommended).

    ``visits`` says whether the queue's holder makes field visits (a field collector); a
    desk agent's queue (``False``) suggests the treatment's desk action where the tier
    calls for a visit (``TreatmentPolicy.at_desk``), and its reason says so.

    ``contactability`` maps account id → verdict (a ``Contact``, a compliance ``Decision``,
    or ``(allowed, next_allowed_at, text)``), or is a sequence of verdicts (or None) in the
    order of ``inputs`` (what ``ContactPolicy.decide_many`` returns: no look-up, and a
    decision is worded only when its row is read), or is a callable taking the
    ``QueueInput``; ``None`` means everything is contactable. Closed accounts are not
    asked about. An account missing from a mapping counts as contactable: the engine is
    asked again, authoritatively, before the agent dials.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    scorecard = scorecard or default_scorecard()
    policy = policy or default_policy()
    context = _Context(scorecard, policy, now, visits)
    mapping: Mapping[str, ContactValue] | None = None
    supplier: Callable[[QueueInput], ContactValue] | None = None
    pairs: Iterable[tuple[QueueInput, ContactValue | None]] = zip(inputs, repeat(None))
    if isinstance(contactability, Mapping):
        mapping = contactability
    elif isinstance(contactability, Sequence):
        if not isinstance(inputs, Sequence):
            inputs = list(inputs)
        if len(contactability) != len(inputs):
            raise ValueError(
                f"{len(contactability)} verdicts for {len(inputs)} accounts: a sequence of "
                "verdicts must follow the inputs one to one"
            )
        pairs = zip(inputs, contactability, strict=True)
    elif contactability is not None:
        supplier = contactability
    now_ts = now.timestamp()
    share = policy.priority.balance_share
    probability_of = scorecard.probability
    steps = policy.steps_by_dpd()
    last_step = len(steps) - 1
    overrides = policy.overrides
    today_by_zone: dict[str, date] = {}
    divisor_by_currency: dict[str, float] = {}
    closed = _CLOSED
    allowed_default = ALLOWED
    blocked_band, callback_band, promise_band, waiting_band, due_band, closed_band = (
        _BAND[Category.BLOCKED],
        _BAND[Category.CALLBACK],
        _BAND[Category.PROMISE_DUE],
        _BAND[Category.WAITING],
        _BAND[Category.DUE_NOW],
        _BAND[Category.CLOSED],
    )
    task_band = _BAND[Category.TASK]

    entries: list[tuple[Any, ...]] = []
    append = entries.append
    contact: Any  # a Contact, or a compliance Decision worded when its row is read
    with gc_paused():  # 100,000 entry tuples, no cycles
        for seq, (item, given) in enumerate(pairs):
            currency = item.currency
            divisor = divisor_by_currency.get(currency)
            if divisor is None:
                divisor = float(10 ** MINOR_DIGITS.get(currency, 2))
                divisor_by_currency[currency] = divisor
            # propensity: full features, else the stored score, else what the row shows
            features = item.features
            if features is not None:
                probability = probability_of(features)
            elif item.score is not None:
                probability = item.score
            else:
                probability = probability_of(
                    row_features(
                        item.balance_minor / divisor,
                        item.past_due_minor / divisor,
                        item.days_past_due,
                        item.flags,
                    )
                )
            dpd = item.days_past_due
            bucket, urgency, bands = steps[0 if dpd < 0 else dpd if dpd < last_step else last_step]
            # the first band reached gives tier and treatment; the last band's minimum is 0
            for minimum, tier, treatment in bands:  # noqa: B007 - used after the break
                if probability >= minimum:
                    break
            if item.flags:
                for flag, special in overrides:
                    if flag in item.flags:
                        treatment = special
                        break

            callback_at = item.callback_at
            callback_due = callback_at is not None and callback_at.timestamp() <= now_ts
            promise_on = item.promise_due_on
            promise_due = False
            if promise_on is not None:
                today = today_by_zone.get(item.timezone)
                if today is None:
                    today = now.astimezone(wording.zone(item.timezone)).date()
                    today_by_zone[item.timezone] = today
                promise_due = promise_on <= today

            clock = 0.0
            if item.status in closed:
                contact = allowed_default
                category = Category.CLOSED
                band = closed_band
                priority = 0.0
            else:
                past_due = item.past_due_minor
                rest = item.balance_minor - past_due
                priority = (past_due + share * rest if rest > 0 else past_due) / divisor
                priority *= probability * urgency
                if priority < 0:
                    priority = 0.0
                found = (
                    mapping.get(item.account_id)
                    if mapping is not None
                    else supplier(item)
                    if supplier is not None
                    else given
                )
                # a Contact or a Decision is used as it is (both say allowed / next_allowed_at)
                contact = (
                    allowed_default
                    if found is None
                    else found
                    if isinstance(found, Contact) or hasattr(found, "next_allowed_at")
                    else _as_contact(found)
                )
                if not contact.allowed:
                    category, band = Category.BLOCKED, blocked_band
                    next_at = contact.next_allowed_at
                    clock = next_at.timestamp() if next_at is not None else _FAR_FUTURE
                elif callback_due:
                    category, band = Category.CALLBACK, callback_band
                    clock = callback_at.timestamp()  # type: ignore[union-attr]
                elif promise_due:
                    category, band = Category.PROMISE_DUE, promise_band
                elif (task := item.task) is not None and task.standing(
                    item.status, open_promise=promise_on is not None
                ):
                    # a strategy step the owner is asked to take (``queue.tasks``)
                    category, band = Category.TASK, task_band
                elif callback_at is not None or promise_on is not None:
                    category, band = Category.WAITING, waiting_band
                else:
                    category, band = Category.DUE_NOW, due_band
            # the first five fields are the order (``sort_key`` plus the input's position as
            # the last tie-break), so the tuples sort as they are, without a key per row
            append(
                (band, clock, -priority, item.account_id, seq, item, priority, tier,
                 treatment, category, contact, probability, bucket, promise_due, callback_due)
            )  # fmt: skip

        entries.sort()
    return RankedQueue(entries, range(1, len(entries) + 1), context)


def in_tab(row: RankedRow, tab: Tab) -> bool:
    """Whether a row belongs on a queue tab ("Due now", "Callbacks", "Promises due", "All")."""
    if tab is Tab.ALL:
        return True
    if tab is Tab.DUE_NOW:
        return row.category in _DUE_NOW_BANDS
    if tab is Tab.CALLBACKS:
        return row.source.callback_at is not None
    return row.promise_due


def tab_rows(rows: Iterable[RankedRow], tab: Tab) -> list[RankedRow]:
    """The rows of one tab, in queue order."""
    return [row for row in rows if in_tab(row, tab)]


__all__ = [
    "ALLOWED",
    "Category",
    "Contact",
    "Contactability",
    "QueueInput",
    "RankedQueue",
    "RankedRow",
    "Tab",
    "contact_from_decision",
    "in_tab",
    "rank",
    "sort_key",
    "tab_rows",
]
