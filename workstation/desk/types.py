"""Plain data the desk hands to the UI: queue items, account views, verdicts, field errors.

Everything here is immutable, Qt-free and cheap to build in bulk (the queue holds 100,000
of these), so ``slots`` everywhere and no derived work in ``__post_init__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from workstation.domain import Account, Channel, Customer, Event
from workstation.errors import WorkstationError
from workstation.queue.tasks import StrategyTask
from workstation.segments.model import Assessment
from workstation.text import Text

if TYPE_CHECKING:
    from workstation.desk.holds import HoldLine


@dataclass(frozen=True, slots=True)
class Verdict:
    """May the agent contact this customer on this channel now — and if not, why and when."""

    channel: Channel
    allowed: bool
    reasons: tuple[Text, ...] = ()
    next_allowed_at: datetime | None = None
    codes: tuple[str, ...] = ()
    provisional: bool = False  # computed by the desk's stand-in, not the compliance engine


class QueueCategory:
    """Why a row is in the queue now (``workstation.queue.Category`` values)."""

    CALLBACK = "callback"
    PROMISE_DUE = "promise_due"
    TASK = "task"  # a strategy step raised for the owner (``workstation.queue.tasks``)
    DUE_NOW = "due_now"
    WAITING = "waiting"
    BLOCKED = "blocked"
    CLOSED = "closed"
    DUE_BANDS = frozenset({CALLBACK, PROMISE_DUE, TASK, DUE_NOW})


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One row of the work queue: the store's flat row joined with its ranking."""

    account_id: str
    customer_id: str
    customer_name: str
    name_alt: str
    balance_minor: int
    past_due_minor: int
    currency: str
    days_past_due: int
    bucket: str
    status: str
    risk_tier: str
    score: float | None
    timezone: str
    jurisdiction: str
    language: str
    flags: frozenset[str]
    priority: float
    rank: int
    treatment: Text
    contactable_now: bool
    next_contact_allowed_at: datetime | None
    category: str
    promise_due_on: date | None = None
    promise_amount_minor: int | None = None
    callback_due_at: datetime | None = None
    last_attempt_at: datetime | None = None
    promise_due: bool = False
    callback_due: bool = False
    ranked: Any = field(default=None, repr=False, compare=False)
    # the treatment as the queue's narrow column words it ("困难评估" for 经济困难评估);
    # None: the treatment's label itself
    treatment_short: Text | None = None

    @property
    def next_action(self) -> Text:
        """What the queue's "Next action" cell shows."""
        return self.treatment if self.treatment_short is None else self.treatment_short

    @property
    def task(self) -> StrategyTask | None:
        """The strategy task standing on the account (``queue.tasks``), as the ranker saw it."""
        return getattr(getattr(self.ranked, "source", None), "task", None)

    @property
    def reasons(self) -> tuple[Text, ...]:
        """Why the row sits where it does, worded on demand by the ranker (en and zh)."""
        if self.ranked is None:
            return ()
        return tuple(Text(r.text_en, r.text_zh) for r in self.ranked.reasons)

    @property
    def score_reasons(self) -> tuple[Text, ...]:
        if self.ranked is None:
            return ()
        return tuple(Text(r.text_en, r.text_zh) for r in self.ranked.score_reasons)


@dataclass(frozen=True, slots=True)
class GuideSection:
    title: Text
    body: Text


@dataclass(frozen=True, slots=True)
class CallGuide:
    """What to say: opening, required disclosures and suggested wording, per jurisdiction."""

    jurisdiction: str
    opening: Text
    disclosures: tuple[Text, ...]
    wording: Mapping[str, GuideSection]
    disclosure_ids: tuple[str, ...] = ()  # one per disclosure: what the checklist records


@dataclass(frozen=True, slots=True)
class AccountView:
    customer: Customer
    account: Account
    events: tuple[Event, ...]
    other_accounts: tuple[Account, ...]
    verdicts: Mapping[Channel, Verdict]
    score_reasons: tuple[Text, ...]
    call_guide: CallGuide
    item: QueueItem | None
    loaded_at: datetime
    # what the contact rules read: attempts in the counting windows and lasting events
    # (complaints, disputes, flag changes, voids) of ALL the customer's accounts
    contact_history: tuple[Event, ...] = ()
    # every hold on the account (``desk.holds``), and whether breathing space may be placed
    holds: tuple[HoldLine, ...] = ()
    breathing_space_placeable: bool = False
    # the strategy step that put the account in the queue, while it stands (``queue.tasks``)
    strategy_task: StrategyTask | None = None
    # ability and willingness scored here, offline, when the server has not assessed the
    # account yet (``desk.segments``: the server's models as data)
    assessment: Assessment | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, so only the affected views refresh."""

    accounts: frozenset[str] = frozenset()
    queue: bool = False
    outbox: bool = False
    contacts: frozenset[str] = frozenset()
    event_ids: tuple[str, ...] = ()


class DeskError(WorkstationError):
    """An action the desk refused; ``text`` is bilingual for the agent."""

    def __init__(self, text: Text) -> None:
        super().__init__(text)


class ValidationError(DeskError):
    """Input to mark in place: field name → bilingual message. Nothing typed is discarded."""

    def __init__(self, errors: Mapping[str, Text]) -> None:
        first = next(iter(errors.values()), Text("Invalid input", "输入无效"))
        super().__init__(first)
        self.errors = dict(errors)


@dataclass(slots=True)
class OutcomeInput:
    """The log-outcome form as the agent typed it (strings kept verbatim until validated)."""

    account_id: str
    disposition: str
    channel: Channel = Channel.PHONE
    address_used: str = ""
    notes: str = ""
    promise_amount: str = ""
    promise_date: str = ""
    callback_at: str = ""
    dispute_reason: str = ""
    complaint_category: str = ""
    hardship_details: str = ""
    payment_amount: str = ""
    payment_date: str = ""  # ISO date in the customer's calendar; empty = today
    payment_method: str = ""  # a key of ``desk.payments.PAYMENT_METHODS``
    settlement_amount: str = ""
    override_reason: str = ""
    # right-party calls: the call guide's disclosures confirmed (ids), and why any was not
    disclosures_given: tuple[str, ...] = ()
    disclosures_reason: str = ""
    duration_s: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
