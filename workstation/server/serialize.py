"""Rows → wire dictionaries (money as decimal strings next to a currency; instants ISO UTC).

Bulk loaders take lists of ids and run one query per table, so a page of 500 accounts costs a
handful of queries, not 500. They read plain Core rows (``_columns``), not ORM objects: a
snapshot page holds hundreds of rows, and building and tracking an ORM instance for each
cost about a third of a snapshot's CPU. The ``*_dict`` functions take either kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.server.models import (
    AccountRow,
    ContactRow,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
    User,
)
from workstation.server.strategy.models import Experiment, ExperimentAssignment


def wire_money(minor: int | None, currency: str | None) -> str | None:
    if minor is None or currency is None:
        return None
    return Money.from_minor(minor, currency).wire()


def iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _chunks(ids: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _columns(model: Any) -> Any:
    """``select(<every column of the model's table>)``: rows, not ORM instances."""
    return select(*model.__table__.c)


def customer_dict(
    row: CustomerRow | Row[Any], contacts: list[ContactRow | Row[Any]]
) -> dict[str, Any]:
    by_kind: dict[str, list[dict[str, Any]]] = {"phone": [], "email": [], "address": []}
    for contact in sorted(contacts, key=lambda c: (c.position, c.id)):
        by_kind.setdefault(contact.kind, []).append(
            {"id": contact.id, **contact.data, "version": contact.version}
        )
    return {
        "id": row.id,
        "name": row.name,
        "name_alt": row.name_alt,
        "timezone": row.timezone,
        "jurisdiction": row.jurisdiction,
        "language": row.language,
        "national_id_masked": row.national_id_masked,
        "flags": list(row.flags),
        "contact_person": row.contact_person,
        "income_currency": row.income_currency,
        "monthly_income": wire_money(row.monthly_income_minor, row.income_currency),
        "monthly_expenses": wire_money(row.monthly_expenses_minor, row.income_currency),
        "phones": by_kind["phone"],
        "emails": by_kind["email"],
        "addresses": by_kind["address"],
        "version": row.version,
    }


def load_customers(session: Session, ids: Sequence[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows: list[Row[Any]] = []
    contacts: dict[str, list[ContactRow | Row[Any]]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        rows.extend(session.execute(_columns(CustomerRow).where(CustomerRow.id.in_(chunk))))
        for contact in session.execute(
            _columns(ContactRow).where(ContactRow.customer_id.in_(chunk))
        ):
            contacts[contact.customer_id].append(contact)
    order = {cid: i for i, cid in enumerate(ids)}
    rows.sort(key=lambda r: order.get(r.id, 0))
    return [customer_dict(row, contacts[row.id]) for row in rows]


def account_dict(
    row: AccountRow | Row[Any],
    owner: str | None,
    promises: list[PromiseRow | Row[Any]],
    plans: list[PlanRow | Row[Any]],
    experiment: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    cur = row.currency
    out = {
        "id": row.id,
        "account_ref": row.account_ref,
        "customer_id": row.customer_id,
        "product": row.product,
        "currency": cur,
        "principal": wire_money(row.principal_minor, cur),
        "balance": wire_money(row.balance_minor, cur),
        "past_due": wire_money(row.past_due_minor, cur),
        "placed_amount": wire_money(row.placed_minor, cur),
        "credit": wire_money(row.credit_minor, cur),
        "status_reason": row.status_reason,
        "days_past_due": row.days_past_due,
        "bucket": Bucket.for_days(row.days_past_due).value,
        "status": row.status,
        "owner_id": row.owner_id,
        "owner": owner,
        "team_id": row.team_id,
        "risk_tier": row.risk_tier,
        "score": row.score,
        "reason_codes": list(row.reason_codes),
        "ability": row.ability,
        "willingness": row.willingness,
        "segment": row.segment,
        "ability_reasons": list(row.ability_reasons or ()),
        "willingness_reasons": list(row.willingness_reasons or ()),
        "segment_model": row.segment_model,
        "opened_on": iso(row.opened_on),
        "placed_on": iso(row.placed_on),
        "annual_rate": row.annual_rate,
        "promises": [
            {
                "event_id": p.event_id,
                "amount": wire_money(p.amount_minor, p.currency),
                "currency": p.currency,
                "due_date": iso(p.due_date),
                "status": p.status,
                "decided_at": iso(p.decided_at),
            }
            for p in sorted(promises, key=lambda p: (p.made_at, p.event_id))
        ],
        "plans": [
            {"event_id": p.event_id, "status": p.status, "changed_at": iso(p.changed_at)}
            for p in plans
        ],
        "version": row.version,
    }
    if experiment is not None:
        out["experiment_id"], out["experiment"], out["arm"] = experiment
    return out


def running_arms(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """account id → (experiment id, name, arm) of the running experiments drawing them."""
    found: dict[str, tuple[str, str, str]] = {}
    for chunk in _chunks(list(ids)):
        for account_id, experiment_id, name, arm in session.execute(
            select(
                ExperimentAssignment.account_id,
                Experiment.id,
                Experiment.name,
                ExperimentAssignment.arm,
            )
            .join(Experiment, Experiment.id == ExperimentAssignment.experiment_id)
            .where(ExperimentAssignment.account_id.in_(chunk), Experiment.status == "running")
        ):
            found[account_id] = (experiment_id, name, arm)
    return found


def load_accounts(session: Session, ids: Sequence[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows: list[Row[Any]] = []
    promises: dict[str, list[PromiseRow | Row[Any]]] = defaultdict(list)
    plans: dict[str, list[PlanRow | Row[Any]]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        rows.extend(session.execute(_columns(AccountRow).where(AccountRow.id.in_(chunk))))
        for p in session.execute(_columns(PromiseRow).where(PromiseRow.account_id.in_(chunk))):
            promises[p.account_id].append(p)
        for q in session.execute(_columns(PlanRow).where(PlanRow.account_id.in_(chunk))):
            plans[q.account_id].append(q)
    owners = usernames(session, {r.owner_id for r in rows if r.owner_id})
    arms = running_arms(session, ids)
    order = {aid: i for i, aid in enumerate(ids)}
    rows.sort(key=lambda r: order.get(r.id, 0))
    return [
        account_dict(r, owners.get(r.owner_id or ""), promises[r.id], plans[r.id], arms.get(r.id))
        for r in rows
    ]


def usernames(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(list(ids)))).all())


def load_events(session: Session, *where: Any, order_by: Any) -> list[dict[str, Any]]:
    """The events matching ``where`` as wire dictionaries, in ``order_by`` order."""
    return [
        event_dict(row)
        for row in session.execute(_columns(EventRow).where(*where).order_by(order_by))
    ]


def event_dict(row: EventRow | Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "type": row.type,
        "account_id": row.account_id,
        "customer_id": row.customer_id,
        "occurred_at": iso(row.occurred_at),
        "received_at": iso(row.received_at),
        "recorded_by": row.recorded_by,
        "device_id": row.device_id,
        "payload": row.payload,
        "clock_skew_s": row.clock_skew_s,
        "server_version": row.server_version,
    }
