"""The strategy step of the daily run: every open account's due steps, taken once per day.

``run_strategies(session, day, changes)`` runs inside the day's transaction
(``lifecycle.daily``), after the lifecycle has aged the accounts and decided promises and
plans, so the cadence sees the day's state:

1. each segment's strategy: the champion (``segment_champions``, else the book's default);
   a running experiment's challenger for the accounts drawn into its arm. Accounts of an
   experiment's segment not yet drawn are assigned now (``workstation.strategy.assign``)
   and recorded — a draw is never repeated;
2. ``workstation.strategy.cadence.due_steps`` for every open account (pure day arithmetic);
3. the steps not yet acted on for (account, step, day) — ``strategy_actions`` is the key, so
   a rerun of a day, or a second process, sends nothing twice;
4. a message step is composed from its template and asked of the compliance engine for the
   customer's 10:00 local time that day: allowed, it is queued for the messaging worker; not
   allowed but clearing within the worker's wait, it is queued for the moment it clears
   (deferred); blocked longer (a hold, an opt-out), it is not sent and the reason is kept;
5. an agent task (call, visit, hardship review) becomes a note on the account's timeline
   naming the step and the strategy, carrying the task itself (``strategy_task``): the
   owner's device ranks the account in the queue's task band with the step as its first
   reason until an outcome is logged or a stop condition holds (``workstation.queue.tasks``);
   a visit is written only where the strategy's field rule sends the account, and only
   for a field collector: on an account a desk agent holds it goes to the team's lead as a
   review item (``field_referral``), status ``referred``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workstation.compliance import ContactPolicy, default_policy
from workstation.domain.enums import AccountStatus, Bucket, EventType
from workstation.domain.model import Customer, Event
from workstation.domain.money import MINOR_DIGITS
from workstation.messages.compose import ComposeError, compose, message_payload
from workstation.messages.templates import default_templates
from workstation.server.domain_rows import KNOWN_EVENT_TYPES, account_of, customer_of, event_of
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.lifecycle.letters import creditor_name
from workstation.server.messaging.delivery import MAX_WAIT, enqueue
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow
from workstation.server.strategy.field_referral import refer_desk_visits
from workstation.server.strategy.models import (
    Experiment,
    ExperimentAssignment,
    SegmentChampion,
    StrategyAction,
)
from workstation.server.strategy.tasks import (
    BLOCKED,
    DEFERRED,
    QUEUED,
    RAISED,
    SKIPPED,
    Due,
    task_note,
)
from workstation.strategy.assign import CHALLENGER, StratumCount, assign, stratum
from workstation.strategy.cadence import AccountState, due_steps
from workstation.strategy.model import (
    SEGMENTS,
    Strategy,
    StrategyBook,
    Task,
    default_book,
)
from workstation.strategy.segments import segment_of

log = logging.getLogger(__name__)

RUNNING = "running"
SEND_HOUR = time(10, 0)  # a strategy's messages are planned for 10:00, customer's local time
_CLOSED = tuple(s.value for s in AccountStatus if s.is_closed)
_CHUNK = 500


def champions(session: Session, book: StrategyBook) -> dict[str, Strategy]:
    """Each segment's champion: promoted, else the book's default."""
    chosen = {segment: book.default_champion for segment in SEGMENTS}
    for row in session.scalars(select(SegmentChampion)):
        if row.strategy_id in book.strategies:
            chosen[row.segment] = row.strategy_id
    return {segment: book.get(strategy_id) for segment, strategy_id in chosen.items()}


def _score(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def account_states(session: Session) -> Iterator[tuple[AccountState, str, str | None, str]]:
    """(state, customer id, owner id, stratum) of every account not closed."""
    columns = [
        AccountRow.id,
        AccountRow.customer_id,
        AccountRow.owner_id,
        AccountRow.days_past_due,
        AccountRow.status,
        AccountRow.balance_minor,
        AccountRow.currency,
        AccountRow.score,
        AccountRow.opened_on,
        AccountRow.placed_on,
        AccountRow.segment,
        AccountRow.ability,
        AccountRow.willingness,
    ]
    rows: Any = session.execute(select(*columns).where(AccountRow.status.not_in(_CLOSED)))
    for row in rows:
        score = _score(row[7])
        dpd = int(row[3])
        # the models' segment; an account they have not assessed yet is approximated
        segment = segment_of(
            segment=row[10],
            ability=None if row[11] is None else row[11] / 10_000,
            willingness=None if row[12] is None else row[12] / 10_000,
            score=score,
            days_past_due=dpd,
        )
        opened: date | None = row[8] or row[9]
        currency = str(row[6])
        state = AccountState(
            account_id=row[0],
            segment=segment,
            days_past_due=dpd,
            status=str(row[4]),
            balance_minor=int(row[5]),
            currency=currency,
            due_day_of_month=opened.day if opened is not None else None,
            # the risk of missing the next due date: until the models give it, the complement
            # of the propensity to pay
            risk=None if score is None else 1.0 - score,
        )
        balance_major = int(row[5]) / 10 ** MINOR_DIGITS.get(currency, 2)
        yield state, row[1], row[2], stratum(state_bucket(dpd), balance_major)


def state_bucket(days_past_due: int) -> str:
    return Bucket.for_days(days_past_due).value


def _assignments(
    session: Session,
    experiments: Sequence[Experiment],
    members: dict[str, list[tuple[str, str]]],
    day: date,
    changes: DayChanges,
) -> dict[str, tuple[str, str]]:
    """account id → (experiment id, arm) for every running experiment; new draws recorded."""
    out: dict[str, tuple[str, str]] = {}
    for experiment in experiments:
        counts: dict[str, StratumCount] = {}
        for account_id, arm, key in session.execute(
            select(
                ExperimentAssignment.account_id,
                ExperimentAssignment.arm,
                ExperimentAssignment.stratum,
            ).where(ExperimentAssignment.experiment_id == experiment.id)
        ):
            out[account_id] = (experiment.id, arm)
            entry = counts.setdefault(key, StratumCount())
            entry.total += 1
            entry.challenger += arm == CHALLENGER
        fresh = [(a, s) for a, s in members.get(experiment.segment, ()) if a not in out]
        if not fresh:
            continue
        arms = assign(fresh, experiment.id, experiment.share, counts)
        strata = dict(fresh)
        rows = [
            {
                "experiment_id": experiment.id,
                "account_id": account_id,
                "arm": arm,
                "stratum": strata[account_id],
                "assigned_on": day,
            }
            for account_id, arm in arms.items()
        ]
        session.execute(insert(ExperimentAssignment), rows)
        for account_id, arm in arms.items():
            out[account_id] = (experiment.id, arm)
        # the account record carries its arm: a new version tells the owner's device
        changes.accounts.update(arms)
        changes.count("experiment_assigned", len(rows))
    return out


def decide_due(
    session: Session, day: date, book: StrategyBook | None = None, changes: DayChanges | None = None
) -> tuple[list[Due], dict[str, int]]:
    """Every step due on ``day`` not yet acted on, and how many accounts each segment has."""
    book = book or default_book()
    by_segment = champions(session, book)
    experiments = list(
        session.scalars(
            select(Experiment).where(Experiment.status == RUNNING, Experiment.started_on <= day)
        )
    )
    states = list(account_states(session))
    members: dict[str, list[tuple[str, str]]] = {}
    sizes: dict[str, int] = {}
    for state, _, _, key in states:
        sizes[state.segment] = sizes.get(state.segment, 0) + 1
        members.setdefault(state.segment, []).append((state.account_id, key))
    arms = (
        _assignments(session, experiments, members, day, changes or DayChanges(day))
        if experiments
        else {}
    )
    challengers = {
        e.id: book.get(e.challenger_id) for e in experiments if e.challenger_id in book.strategies
    }
    done = {
        (account_id, step_id)
        for account_id, step_id in session.execute(
            select(StrategyAction.account_id, StrategyAction.step_id).where(
                StrategyAction.day == day
            )
        )
    }
    due: list[Due] = []
    for state, customer_id, owner_id, _ in states:
        experiment_id, arm = arms.get(state.account_id, (None, None))
        strategy = by_segment[state.segment]
        if arm == CHALLENGER and experiment_id in challengers:
            strategy = challengers[experiment_id]
        for step in due_steps(strategy, state, day):
            if (state.account_id, step.id) in done:
                continue
            due.append(
                Due(state.account_id, customer_id, owner_id, step, strategy, experiment_id, arm)
            )
    return due, sizes


def _load_book(
    session: Session, account_ids: Sequence[str]
) -> tuple[dict[str, AccountRow], dict[str, Customer], dict[str, list[Event]]]:
    """The accounts, their customers (with phones and e-mails) and the customers' events."""
    accounts: dict[str, AccountRow] = {}
    for chunk in _chunks(account_ids):
        for row in session.scalars(select(AccountRow).where(AccountRow.id.in_(chunk))):
            accounts[row.id] = row
    customer_ids = sorted({row.customer_id for row in accounts.values()})
    customer_rows: dict[str, CustomerRow] = {}
    contacts: dict[str, list[ContactRow]] = {}
    events: dict[str, list[Event]] = {}
    for chunk in _chunks(customer_ids):
        for customer in session.scalars(select(CustomerRow).where(CustomerRow.id.in_(chunk))):
            customer_rows[customer.id] = customer
        for contact in session.scalars(select(ContactRow).where(ContactRow.customer_id.in_(chunk))):
            contacts.setdefault(contact.customer_id, []).append(contact)
        for event in session.scalars(select(EventRow).where(EventRow.customer_id.in_(chunk))):
            if event.type in KNOWN_EVENT_TYPES:
                events.setdefault(event.customer_id, []).append(event_of(event))
    customers = {cid: customer_of(row, contacts.get(cid, ())) for cid, row in customer_rows.items()}
    return accounts, customers, events


def send_instant(customer: Customer, day: date) -> datetime:
    return datetime.combine(day, SEND_HOUR, ZoneInfo(customer.timezone)).astimezone(ZoneInfo("UTC"))


def _step_detail(due: Due, day: date) -> dict[str, Any]:
    return {
        "strategy_id": due.strategy.id,
        "step_id": due.step.id,
        "day": day.isoformat(),
        "experiment_id": due.experiment_id,
        "arm": due.arm,
    }


def _message(
    session: Session,
    due: Due,
    day: date,
    *,
    changes: DayChanges,
    loaded: tuple[dict[str, AccountRow], dict[str, Customer], dict[str, list[Event]]],
    policy: ContactPolicy,
) -> dict[str, Any]:
    accounts, customers, events = loaded
    row = accounts.get(due.account_id)
    customer = customers.get(due.customer_id)
    action: dict[str, Any] = {"status": SKIPPED, "detail": {}}
    if row is None or customer is None:
        action["detail"] = {"reason": "the account or customer is no longer on file"}
        return action
    step = due.step
    assert step.channel is not None
    assert step.template is not None
    at = send_instant(customer, day)
    try:
        preview = compose(
            step.template,
            customer,
            account_of(row),
            step.channel,
            customer.language,
            at,
            history=events.get(customer.id, ()),
            policy=policy,
            templates=default_templates().for_creditor(creditor_name()),
        )
    except ComposeError as exc:
        action["detail"] = {"reason": str(exc)}
        return action
    verdict = preview.verdict
    if preview.missing or not preview.address:
        action["detail"] = {"reason": "nothing to fill the template with, or no usable address"}
        return action
    when = at
    if not verdict.allowed:
        clears = verdict.next_allowed_at
        reasons = "; ".join(r.text_en for r in verdict.blocking)
        if clears is None or clears - at > MAX_WAIT:
            action.update(
                status=BLOCKED,
                not_before=clears,
                detail={"reason": f"blocked by the contact rules: {reasons}"},
            )
            return action
        when = clears
        action.update(status=DEFERRED, detail={"reason": f"deferred: {reasons}"})
    else:
        action["status"] = QUEUED
    # the payload is the contract's message, nothing more: which step sent it is the
    # action row's (``strategy_actions.event_id``)
    payload = message_payload(preview)
    event = changes.event(session, row, EventType.MESSAGE, payload)
    event.occurred_at = at
    job = enqueue(session, event, now=at)
    if job is not None:
        job.next_attempt_at = when
    action.update(event_id=event.id, not_before=when)
    return action


def _task(
    session: Session, due: Due, day: date, changes: DayChanges, accounts: dict[str, AccountRow]
) -> dict[str, Any]:
    row = accounts.get(due.account_id)
    if row is None:
        return {"status": SKIPPED, "detail": {"reason": "the account is no longer on file"}}
    event = changes.event(session, row, EventType.NOTE, task_note(due, day))
    return {"status": RAISED, "event_id": event.id, "detail": _step_detail(due, day)}


def run_strategies(
    session: Session,
    day: date,
    changes: DayChanges,
    *,
    book: StrategyBook | None = None,
    policy: ContactPolicy | None = None,
) -> int:
    """Act on every step due on ``day`` (see the module docstring); how many were acted on."""
    book = book or default_book()
    policy = policy or default_policy()
    due, _ = decide_due(session, day, book, changes)
    if not due:
        return 0
    loaded = _load_book(session, sorted({d.account_id for d in due}))
    # a visit on an account a desk agent holds: the lead is asked to move it to the field
    referred = refer_desk_visits(
        session, [d for d in due if d.step.task is Task.VISIT], loaded[0], day
    )
    rows: list[dict[str, Any]] = []
    for item in due:
        if item.step.is_message:
            action = _message(session, item, day, changes=changes, loaded=loaded, policy=policy)
        elif (item.account_id, item.step.id) in referred:
            action = referred[(item.account_id, item.step.id)]
            action["detail"] = {**_step_detail(item, day), **action["detail"]}
        else:
            action = _task(session, item, day, changes, loaded[0])
        changes.count(f"strategy_{action['status']}")
        rows.append(
            {
                "account_id": item.account_id,
                "step_id": item.step.id,
                "day": day,
                "strategy_id": item.strategy.id,
                "experiment_id": item.experiment_id,
                "arm": item.arm,
                "kind": str(item.step.channel or item.step.task),
                "status": action["status"],
                "owner_id": item.owner_id,
                "event_id": action.get("event_id"),
                "not_before": action.get("not_before"),
                "detail": action.get("detail") or {},
            }
        )
    session.execute(insert(StrategyAction), rows)
    log.info("strategy run for %s: %d steps acted on", day, len(rows))
    return len(rows)
