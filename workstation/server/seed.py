"""A realistic demo organisation: teams, users, and the generator's portfolio assigned to them.

Teams follow the generator's desks (Shanghai, New York, London, then ``team-4``…); each has a
lead, ``agents`` desk agents and one field collector, and takes the accounts of its
jurisdiction (round-robin inside the team). Rows go in with bulk INSERTs and one block of
versions, so thousands of accounts with their history seed in seconds. The new accounts
are then scored (``scoring.rescore``: propensity, reason codes, risk tier) so the lead's
queue explorer and the devices see tiers from the start.

Every seeded user gets the same demo password; to keep seeding fast the argon2 hash is
computed once and shared (the salt is therefore shared too — fine for a demo, and real
users are made with ``create-user`` which hashes each password on its own).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import EventType, Role
from workstation.domain.model import Customer, Event, new_id
from workstation.domain.money import Money, MoneyError
from workstation.server.bucket_history import seed_rows
from workstation.server.models import (
    AccountRow,
    BucketHistory,
    ContactRow,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
    ScorecardRow,
    Team,
    User,
)
from workstation.server.scoring import RescoreReport, rescore
from workstation.server.security import hash_password
from workstation.server.versioning import allocate

DESKS = (("sh-desk", "cn-nifa"), ("ny-desk", "us-regf"), ("ldn-desk", "uk-conc"))


@dataclass(frozen=True, slots=True)
class SeededUser:
    username: str
    role: str
    team: str | None
    user_id: str


@dataclass
class SeedReport:
    users: list[SeededUser]
    customers: int
    accounts: int
    events: int
    teams: list[str]
    scoring: RescoreReport | None = None  # the seeded accounts' first scores and tiers


def _demo_names() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """team → role → [(username, display name)] from the generator's demo agents."""
    names: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    try:
        from workstation.demo.generator import DEMO_AGENTS
    except ImportError:  # pragma: no cover - the generator ships with the core
        return names
    for agent in DEMO_AGENTS:
        team = "sh-desk" if agent.team == "sh-field" else agent.team
        names[team][agent.role].append((agent.username, agent.display_name))
    return names


def _plan_users(teams: int, agents: int) -> list[tuple[str, str, str, str, str | None]]:
    """(username, display, role, team name, jurisdiction) for every user to create."""
    demo = _demo_names()
    plan: list[tuple[str, str, str, str, str | None]] = [
        ("admin", "Administrator", Role.ADMIN.value, "", None)
    ]
    for index in range(teams):
        if index < len(DESKS):
            team, jurisdiction = DESKS[index]
        else:
            team, jurisdiction = f"team-{index + 1}", DESKS[index % len(DESKS)][1]
        pool = demo.get(team, {})

        def pick(
            role: str, n: int, fallback: str, pool: Any = pool, team: str = team
        ) -> list[tuple[str, str]]:
            known = list(pool.get(role, []))[:n]
            while len(known) < n:
                suffix = f"{len(known) + 1}" if n > 1 else ""
                known.append((f"{team}.{fallback}{suffix}", f"{team} {fallback} {suffix}".strip()))
            return known

        for username, display in pick("lead", 1, "lead"):
            plan.append((username, display, Role.LEAD.value, team, jurisdiction))
        for username, display in pick("agent", agents, "agent"):
            plan.append((username, display, Role.AGENT.value, team, jurisdiction))
        for username, display in pick("field", 1, "field"):
            plan.append((username, display, Role.FIELD.value, team, jurisdiction))
    return plan


def _contact_rows(customer: Customer, version: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for pos, phone in enumerate(customer.phones):
        rows.append(
            {
                "id": phone.id,
                "customer_id": customer.id,
                "kind": "phone",
                "position": pos,
                "version": version,
                "data": {
                    "number": phone.number,
                    "type": phone.type.value,
                    "consent": phone.consent,
                    "opted_out": phone.opted_out,
                    "last_verified": phone.last_verified.isoformat()
                    if phone.last_verified
                    else None,
                },
            }
        )
    for pos, email in enumerate(customer.emails):
        rows.append(
            {
                "id": email.id,
                "customer_id": customer.id,
                "kind": "email",
                "position": pos,
                "version": version,
                "data": {
                    "address": email.address,
                    "consent": email.consent,
                    "opted_out": email.opted_out,
                    "last_verified": email.last_verified.isoformat()
                    if email.last_verified
                    else None,
                },
            }
        )
    for pos, addr in enumerate(customer.addresses):
        rows.append(
            {
                "id": addr.id,
                "customer_id": customer.id,
                "kind": "address",
                "position": pos,
                "version": version,
                "data": {
                    "line1": addr.line1,
                    "city": addr.city,
                    "district": addr.district,
                    "postcode": addr.postcode,
                    "country": addr.country,
                    "latitude": str(addr.latitude) if addr.latitude is not None else None,
                    "longitude": str(addr.longitude) if addr.longitude is not None else None,
                },
            }
        )
    return rows


def _event_columns(event: Event, currency: str) -> dict[str, Any]:
    payload = event.payload
    amount_minor = None
    event_currency = None
    raw = payload.get("amount", payload.get("instalment_amount"))
    if raw is not None:
        event_currency = str(payload.get("currency", currency))
        try:
            amount_minor = Money.of(str(raw), event_currency).minor
        except MoneyError:
            amount_minor, event_currency = None, None
    score = payload.get("score") if event.type == EventType.SATISFACTION else None
    return {
        "disposition": payload.get("disposition")
        if event.type == EventType.CONTACT_ATTEMPT
        else None,
        "amount_minor": amount_minor,
        "currency": event_currency,
        "score": int(score) if isinstance(score, int) else None,
    }


def seed(
    sessions: sessionmaker[Session],
    *,
    accounts: int,
    teams: int = 3,
    agents: int = 3,
    seed: int = 1,
    password: str = "demo",
    with_history: bool = True,
    history_days: int = 120,
    as_of: datetime | None = None,
) -> SeedReport:
    from workstation.demo.generator import generate_portfolio

    if teams < 1 or agents < 1:
        raise ValueError("need at least one team and one agent per team")
    portfolio = generate_portfolio(
        accounts, seed=seed, as_of=as_of, history_days=history_days, with_history=with_history
    )
    now = datetime.now(UTC)
    shared_hash = hash_password(password, demo=True)
    with sessions.begin() as session:
        existing_teams = dict(session.execute(select(Team.name, Team.id)).all())
        existing_users = dict(session.execute(select(User.username, User.id)).all())
        plan = _plan_users(teams, agents)
        team_ids: dict[str, str] = {}
        for _, _, _, team, _ in plan:
            if team and team not in team_ids:
                team_ids[team] = existing_teams.get(team) or new_id()
                if team not in existing_teams:
                    session.add(Team(id=team_ids[team], name=team, created_at=now))
        session.flush()
        created: list[SeededUser] = []
        holders: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # jurisdiction →
        for username, display, role, team, jurisdiction in plan:
            user_id = existing_users.get(username)
            if user_id is None:
                user_id = new_id()
                session.add(
                    User(
                        id=user_id,
                        username=username,
                        display_name=display,
                        role=role,
                        team_id=team_ids.get(team),
                        password_hash=shared_hash,
                        active=True,
                        created_at=now,
                    )
                )
            created.append(SeededUser(username, role, team or None, user_id))
            if role in (Role.AGENT.value, Role.FIELD.value) and jurisdiction:
                holders[jurisdiction].append((user_id, username, team_ids[team]))
        session.flush()
        everyone = [h for hs in holders.values() for h in hs]
        customers_by_id = {c.id: c for c in portfolio.customers}
        n_rows = len(portfolio.customers) + len(portfolio.accounts) + len(portfolio.events)
        version = allocate(session, max(n_rows, 1))
        customer_rows = []
        contact_rows: list[dict[str, Any]] = []
        for customer in portfolio.customers:
            income = customer.monthly_income
            expenses = customer.monthly_expenses
            customer_rows.append(
                {
                    "id": customer.id,
                    "name": customer.name,
                    "name_alt": customer.name_alt,
                    "timezone": customer.timezone,
                    "jurisdiction": customer.jurisdiction,
                    "language": customer.language.value,
                    "national_id_masked": customer.national_id_masked,
                    "flags": sorted(f.value for f in customer.flags),
                    "contact_person": {
                        "name": customer.contact_person.name,
                        "phone": customer.contact_person.phone,
                        "relationship": customer.contact_person.relationship,
                    }
                    if customer.contact_person
                    else None,
                    "income_currency": income.currency if income else None,
                    "monthly_income_minor": income.minor if income else None,
                    "monthly_expenses_minor": expenses.minor if expenses else None,
                    "field_versions": {},
                    "version": version,
                }
            )
            contact_rows.extend(_contact_rows(customer, version))
            version += 1
        account_rows = []
        owner_of: dict[str, tuple[str, str]] = {}
        counters: dict[str, int] = defaultdict(int)
        currency_of: dict[str, str] = {}
        for account in portfolio.accounts:
            jurisdiction = customers_by_id[account.customer_id].jurisdiction
            pool = holders.get(jurisdiction) or everyone
            user_id, username, team_id = pool[counters[jurisdiction] % len(pool)]
            counters[jurisdiction] += 1
            owner_of[account.id] = (user_id, username)
            currency_of[account.id] = account.currency
            account_rows.append(
                {
                    "id": account.id,
                    "customer_id": account.customer_id,
                    "product": account.product,
                    "currency": account.currency,
                    "principal_minor": account.principal.minor,
                    "balance_minor": account.balance.minor,
                    "past_due_minor": account.past_due.minor,
                    "placed_minor": (account.placed_amount or account.balance).minor,
                    "days_past_due": account.days_past_due,
                    "status": account.status.value,
                    "owner_id": user_id,
                    "team_id": team_id,
                    "risk_tier": account.risk_tier.value if account.risk_tier else None,
                    "score": str(account.score) if account.score is not None else None,
                    "reason_codes": list(account.reason_codes),
                    "opened_on": account.opened_on,
                    "placed_on": account.placed_on,
                    "annual_rate": str(account.annual_rate),
                    "version": version,
                }
            )
            version += 1
        event_rows = []
        promise_rows = []
        plan_rows = []
        for event in portfolio.events:
            owner_id, owner_name = owner_of[event.account_id]
            cols = _event_columns(event, currency_of[event.account_id])
            event_rows.append(
                {
                    "id": event.id,
                    "type": event.type.value,
                    "account_id": event.account_id,
                    "customer_id": event.customer_id,
                    "occurred_at": event.occurred_at,
                    "received_at": event.occurred_at,
                    "recorded_by": owner_name,
                    "recorded_by_id": owner_id,
                    "device_id": None,
                    "payload": event.payload,
                    "clock_skew_s": None,
                    "server_version": version,
                    **cols,
                }
            )
            version += 1
            if event.type == EventType.PROMISE and cols["amount_minor"] is not None:
                due = event.date_field("due_date")
                if due is not None:
                    promise_rows.append(
                        {
                            "event_id": event.id,
                            "account_id": event.account_id,
                            "recorded_by_id": owner_id,
                            "amount_minor": cols["amount_minor"],
                            "currency": cols["currency"],
                            "made_at": event.occurred_at,
                            "due_date": due,
                            "status": str(event.payload.get("status", "open")),
                            "decided_at": None
                            if event.payload.get("status", "open") == "open"
                            else portfolio.as_of,
                            "reason": None,
                        }
                    )
            elif event.type == EventType.PLAN_AGREEMENT:
                plan_rows.append(
                    {
                        "event_id": event.id,
                        "account_id": event.account_id,
                        "status": "active",
                        "changed_at": event.occurred_at,
                        "reason": None,
                    }
                )
        for table, rows in (
            (CustomerRow, customer_rows),
            (ContactRow, contact_rows),
            (AccountRow, account_rows),
            (EventRow, event_rows),
            (PromiseRow, promise_rows),
            (PlanRow, plan_rows),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start : start + 5000])
        # delinquency history (cure and roll rates): derived from today's state; an account
        # current today is one that cured during the history window
        history = list(
            seed_rows(
                account_rows,
                portfolio.as_of.date(),
                history_days,
                cured={a.id for a in portfolio.accounts if a.days_past_due <= 0},
            )
        )
        for start in range(0, len(history), 5000):
            session.execute(insert(BucketHistory), history[start : start + 5000])
        if session.scalar(select(ScorecardRow.id).limit(1)) is None:
            _store_default_scorecard(session, now)
    # the generator leaves score, reasons and tier to the scorecard: score the new accounts
    # from the rows just stored, as every later rescore will (so a rescore right after
    # changes nothing), as of the portfolio's own "today"
    scoring = rescore(
        sessions, as_of=portfolio.as_of, account_ids=[a.id for a in portfolio.accounts]
    )
    return SeedReport(
        users=created,
        customers=len(customer_rows),
        accounts=len(account_rows),
        events=len(event_rows),
        teams=list(team_ids),
        scoring=scoring,
    )


def _store_default_scorecard(session: Session, now: datetime) -> None:
    try:
        from workstation.queue.scorecard import default_scorecard
    except ImportError:  # pragma: no cover - the queue ships with the core
        return
    model = default_scorecard().to_json()
    session.add(
        ScorecardRow(
            id=1, model=model, auc=None, trained_on=0, created_at=now, version=allocate(session, 1)
        )
    )
