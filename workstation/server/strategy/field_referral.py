"""A strategy's field visit on an account a desk agent holds goes to the team lead.

The strategy sends a late, large account to the field (``strategy.cadence``: a visit step, the
field rule met). Where a field collector holds it, the visit is his task, as before. Where a
desk agent holds it, nobody would make the visit: the agent's queue suggests a call (the
desk's action for a visit tier, ``queue.treatments``), and the visit becomes a review item
for the team's lead instead, ``field_referral``: the strategy and the step, and the team's
field collector whose territory is the customer's town if there is one (``lifecycle.territory``),
whom the lead can give the account to from the review queue in one step
(``POST /review/{id}/reassign``). An account already waiting in the lead's queue for this
is not referred twice. Once the lead moves it to a field collector, the visit is raised to
him at once (``raise_visit``), as the strategy would have for him, from that day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, Role
from workstation.server.lifecycle.changes import end_of
from workstation.server.lifecycle.territory import customer_towns, territories
from workstation.server.models import AccountRow, CustomerRow, EventRow, ReviewItem, User
from workstation.server.review import item as review_item
from workstation.server.strategy.models import StrategyAction
from workstation.server.strategy.tasks import RAISED, Due, task_note
from workstation.server.workflows.events import Author, Sink
from workstation.strategy.model import default_book
from workstation.text import Text

KIND = "field_referral"
REFERRED = "referred"  # the strategy action's status: the lead was asked to move it


def refer_desk_visits(
    session: Session, visits: Sequence[Due], accounts: Mapping[str, AccountRow], day: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """The visits among ``visits`` whose account a desk agent holds, each referred to the
    team's lead (a review item, or the one already open): (account id, step id) → the
    action's status and detail. The others (a field collector's, or no one's) are not here."""
    held = [
        (due, accounts[due.account_id])
        for due in visits
        if due.account_id in accounts and due.owner_id is not None
    ]
    if not held:
        return {}
    people = {
        row.id: row
        for row in session.execute(
            select(User.id, User.username, User.display_name, User.role).where(
                User.id.in_({due.owner_id for due, _ in held})
            )
        )
    }
    desk = [
        (due, row)
        for due, row in held
        if due.owner_id in people and people[due.owner_id].role != Role.FIELD.value
    ]
    if not desk:
        return {}
    waiting = set(
        session.scalars(
            select(ReviewItem.account_id).where(
                ReviewItem.kind == KIND,
                ReviewItem.account_id.in_([row.id for _, row in desk]),
                ReviewItem.acknowledged_at.is_(None),
            )
        )
    )
    collector = _field_collectors(session, [row for _, row in desk])
    # dated as the run's other decisions for ``day`` (its task notes), not by the clock: a
    # run catching up on past days, or ``--as-of``, refers them on the day they fell due
    at = end_of(day)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for due, row in desk:
        key = (due.account_id, due.step.id)
        if row.id in waiting:
            out[key] = {"status": REFERRED, "detail": {"reason": "already in the lead's queue"}}
            continue
        found = collector.get(row.id)
        owner = people[due.owner_id]
        item = review_item(
            KIND,
            _summary(due, owner.display_name or owner.username, found),
            at,
            account_id=row.id,
            customer_id=row.customer_id,
            team_id=row.team_id,
            from_user_id=due.owner_id,
            detail={
                "strategy": due.strategy.name.en,
                "step": due.step.describe().en,
                "day": day.isoformat(),
                "field_collector_id": found[0] if found else None,
                # what raises the visit to whoever the lead moves it to (``raise_visit``)
                "strategy_id": due.strategy.id,
                "step_id": due.step.id,
                "experiment_id": due.experiment_id,
                "arm": due.arm,
            },
        )
        session.add(item)
        waiting.add(row.id)  # a second visit step the same day refers it once
        out[key] = {"status": REFERRED, "detail": {"review_item_id": item.id}}
    return out


def _summary(due: Due, holder: str, collector: tuple[str, str] | None) -> Text:
    words, name = due.step.describe(), due.strategy.name
    if collector is None:
        to_en = "No field collector of the team works the customer's town."
        to_zh = "团队中没有负责客户所在城市的外访员。"
    else:
        to_en = f"Move it to {collector[1]}, who works the customer's town."
        to_zh = f"可将账户调配给负责客户所在城市的外访员{collector[1]}。"
    return Text(
        f"The strategy sends this account to the field ({words.en}, {name.en}), but {holder} "
        f"works at the desk and makes no visits. {to_en}",
        f"策略要求外访（{words.zh}，{name.zh}），但{holder}是坐席，不外访。{to_zh}",
    )


def _field_collectors(session: Session, rows: Sequence[AccountRow]) -> dict[str, tuple[str, str]]:
    """Account id → (user id, name) of a field collector of its team whose territory is its
    customer's town (the first by name where several are), for the accounts that have one."""
    teams = {row.team_id for row in rows if row.team_id}
    if not teams:
        return {}
    field = session.execute(
        select(User.id, User.team_id, User.username, User.display_name)
        .where(User.team_id.in_(teams), User.role == Role.FIELD.value, User.active.is_(True))
        .order_by(User.username)
    ).all()
    if not field:
        return {}
    towns = territories(session, [person.id for person in field])
    jurisdictions = dict(
        session.execute(
            select(CustomerRow.id, CustomerRow.jurisdiction).where(
                CustomerRow.id.in_({row.customer_id for row in rows})
            )
        ).all()
    )
    customers = customer_towns(session, jurisdictions)
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        town = customers.get(row.customer_id)
        if town is None:
            continue
        for person in field:
            if person.team_id == row.team_id and towns.get(person.id) == town:
                out[row.id] = (person.id, person.display_name or person.username)
                break
    return out


def raise_visit(
    session: Session, item: ReviewItem, account: AccountRow, author: Author, at: datetime
) -> EventRow | None:
    """The lead moved a referred account (``item``) to ``account.owner_id``: a field
    collector gets the strategy's visit as his task from today (its note, and the strategy
    action raised); None, and nothing written, where the new owner makes no visits or the
    strategy or its step is no longer in the book."""
    owner = session.get(User, account.owner_id) if account.owner_id else None
    detail = item.detail or {}
    strategy = default_book().find(str(detail.get("strategy_id") or ""))
    step = strategy.step(str(detail.get("step_id") or "")) if strategy else None
    if owner is None or owner.role != Role.FIELD.value or strategy is None or step is None:
        return None
    due = Due(
        account.id,
        account.customer_id,
        owner.id,
        step,
        strategy,
        detail.get("experiment_id"),
        detail.get("arm"),
    )
    today = at.astimezone(UTC).date()
    event = Sink(author, at)(session, account, EventType.NOTE, task_note(due, today))
    session.execute(
        update(StrategyAction)
        .where(
            StrategyAction.account_id == account.id,
            StrategyAction.step_id == step.id,
            StrategyAction.status == REFERRED,
        )
        .values(status=RAISED, event_id=event.id, owner_id=owner.id)
    )
    return event
