"""Field territories read from the database, for ``import placements``: each field
collector's town from the open accounts he holds, a customer's town from its stored
addresses, and the placed accounts as ``lifecycle.territory.deal`` reads them.

The rules themselves (what a town and a territory are, who takes what) are the pure
functions of ``workstation.lifecycle.territory``; the seed deals its book by the same town.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.enums import Role
from workstation.lifecycle.territory import Collector, NewAccount, Town, territory, town_of
from workstation.server.lifecycle.bulk import chunks, one_of
from workstation.server.models import AccountRow, ContactRow, CustomerRow
from workstation.server.scoring import CLOSED
from workstation.strategy.cadence import champion_visits


def team_collectors(session: Session, members: Sequence[tuple[str, str]]) -> list[Collector]:
    """The team's collectors ((user id, role), in the team's order), each field collector
    with his territory."""
    field_ids = [uid for uid, role in members if role == Role.FIELD.value]
    towns = territories(session, field_ids)
    return [Collector(uid, role == Role.FIELD.value, towns.get(uid)) for uid, role in members]


def territories(session: Session, field_ids: Sequence[str]) -> dict[str, Town | None]:
    """Field collector id → his territory: the town of most of the open accounts he holds."""
    if not field_ids:
        return {}
    held = session.execute(
        select(AccountRow.owner_id, AccountRow.customer_id, CustomerRow.jurisdiction)
        .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
        .where(AccountRow.owner_id.in_(field_ids), AccountRow.status.not_in(CLOSED))
    ).all()
    towns = customer_towns(session, {customer: j for _, customer, j in held})
    by_owner: dict[str, list[Town | None]] = defaultdict(list)
    for owner, customer, _ in held:
        if owner is not None:  # always (held by one of them), for the type
            by_owner[owner].append(towns.get(customer))
    return {uid: territory(by_owner.get(uid, ())) for uid in field_ids}


def customer_towns(
    session: Session,
    jurisdictions: Mapping[str, str],
    pending: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Town | None]:
    """Customer id → its town (``town_of``) for the customers of ``jurisdictions`` (id →
    jurisdiction), from their stored addresses and ``pending`` (contact rows this
    transaction inserts: a new customer's, or a stored one's next address)."""
    cities: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for chunk in chunks(session, sorted(jurisdictions)):
        for customer_id, position, data in session.execute(
            select(ContactRow.customer_id, ContactRow.position, ContactRow.data).where(
                one_of(session, ContactRow.customer_id, chunk), ContactRow.kind == "address"
            )
        ):
            cities[customer_id].append((position, str(data.get("city") or "")))
    for row in pending:
        if row["kind"] == "address" and row["customer_id"] in jurisdictions:
            cities[row["customer_id"]].append((row["position"], str(row["data"].get("city") or "")))
    return {
        customer_id: town_of(jurisdiction, (city for _, city in sorted(cities[customer_id])))
        for customer_id, jurisdiction in jurisdictions.items()
    }


def waiting_accounts(
    session: Session,
    accounts: Sequence[Any],
    team: Sequence[Collector],
    customers: Mapping[str, Any],
    pending: Iterable[Mapping[str, Any]],
) -> list[NewAccount]:
    """``accounts`` (rows waiting for an owner) as ``deal`` reads them. Whether the strategy
    sends one to the field, and its customer's town, are only looked up when the team has
    a territory: a team without one deals them all to its desk."""
    if not any(c.territory for c in team):
        return [NewAccount(a.id, a.balance_minor, None, to_field=False) for a in accounts]
    to_field = {a.id for a in accounts if sent_to_field(a)}
    towns = customer_towns(
        session,
        {
            a.customer_id: customers[a.customer_id].jurisdiction
            for a in accounts
            if a.id in to_field
        },
        pending,
    )
    return [
        NewAccount(a.id, a.balance_minor, towns.get(a.customer_id), to_field=a.id in to_field)
        for a in accounts
    ]


def sent_to_field(account: Any) -> bool:
    """Whether the champion sends an account row to the field, on its stored score
    (``strategy.cadence.champion_visits``: the rule the field route applies and the seed
    deals territories by). An account without a score is not."""
    if account.score is None:
        return False
    return champion_visits(
        account_id=account.id,
        score=float(account.score),
        days_past_due=account.days_past_due,
        status=account.status,
        balance_minor=account.balance_minor,
        currency=account.currency,
    )
