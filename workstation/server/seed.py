"""A realistic demo organisation: teams, users, and the generator's portfolio assigned to them.

Teams follow the generator's desks (Shanghai, New York, London, then ``team-4``…); each has a
lead, ``agents`` desk agents and one field collector, and takes the accounts of its
jurisdiction. A field collector works a territory, as a bank's do: a town of the
jurisdiction (``DEMO_TOWNS``; the first team's collector the first town, Shanghai for the
Shanghai desk), and holds the accounts there that the strategy sends to the field; the desk
agents take the rest round-robin. So his day is a day in one town, never a tour of the
country; the bank's later placement files are dealt the same way (``lifecycle.territory``,
his town then read from the accounts he holds). Rows go in with bulk INSERTs and one block
of versions, so thousands of accounts with their history seed in seconds. The new accounts
are then scored (``scoring.rescore``: propensity, reason codes, risk tier) so the lead's
queue explorer and the devices see tiers from the start.

Every seeded user gets the same demo password, hashed for each user on its own (own salt,
the process's argon2 cost profile: ``security.PASSWORD_HASH_ENV``), like any other user.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.bulk import freeze_heap, gc_paused
from workstation.domain.enums import EventType, Role
from workstation.domain.model import Account, Customer, Event, new_id
from workstation.domain.money import Money, MoneyError
from workstation.lifecycle.territory import town_of
from workstation.server.bucket_history import seed_rows
from workstation.server.bulk_load import copy_rows, indexes_deferred
from workstation.server.complaints.seed import seed_complaints
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
from workstation.server.scoring import (
    CLOSED,
    RescoreReport,
    Scored,
    current_scorecard,
    score_objects,
)
from workstation.server.security import hash_password
from workstation.server.segmentation import current_models
from workstation.server.versioning import allocate
from workstation.strategy.cadence import champion_visits

log = logging.getLogger(__name__)

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
        ("admin", "Administrator", Role.ADMIN.value, "", None),
        # the demo bank's payment processor: posts confirmed payments (POST /api/v1/payments)
        ("bank.feed", "Bank payment feed", Role.INTEGRATION.value, "", None),
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


def demo_account_ref(jurisdiction: str, index: int) -> str:
    """The demo bank's account number: country, then a running number (``CN-000000001``)."""
    return f"{jurisdiction.split('-', maxsplit=1)[0].upper()}-{index + 1:09d}"


def demo_birth_date(customer_id: str) -> date:
    """A plausible date of birth for a demo customer (born 1956-2005, so 21 to 70 years old
    in 2026), fixed by the customer's id: the generator's random stream is left as it is."""
    offset = int.from_bytes(hashlib.sha256(customer_id.encode()).digest()[:4], "big")
    return _FIRST_BIRTH + timedelta(days=offset % _BIRTH_SPAN_DAYS)


_FIRST_BIRTH = date(1956, 1, 1)
_BIRTH_SPAN_DAYS = (date(2005, 12, 31) - _FIRST_BIRTH).days + 1


def demo_customer_ref(index: int) -> str:
    return f"CU-{index + 1:09d}"


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


# accounts generated (and held in memory) at a time: a million at once would hold ~7 GB of
# domain objects; each chunk is its own deterministic world (seed, chunk number)
CHUNK = 50_000


def _chunk_seed(seed: int, index: int) -> int:
    return seed if index == 0 else seed * 1_000_003 + index


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
    """Teams, users and ``accounts`` generated accounts with their history, scored.

    The portfolio is generated ``CHUNK`` accounts at a time (a book of up to ``CHUNK``
    accounts is one world, as ``generate_portfolio(accounts, seed=seed)``), each chunk
    written with COPY on PostgreSQL (``bulk_load``; the tables' indexes are built after the
    load when they start empty) and scored from the generated objects before it is written,
    with the same features and scorecard as ``scoring.rescore`` (so a rescore right after
    changes nothing)."""
    from workstation.demo.generator import generate_portfolio

    if teams < 1 or agents < 1:
        raise ValueError("need at least one team and one agent per team")
    if as_of is None:
        as_of = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    now = datetime.now(UTC)
    started = time.perf_counter()
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
        for username, display, role, team, _jurisdiction in plan:
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
                        # each user's own salt: one shared hash told every seeded
                        # user's password by cracking one, and its cheap cost set them
                        # apart from unknown names by timing
                        password_hash=hash_password(password),
                        active=True,
                        created_at=now,
                    )
                )
            created.append(SeededUser(username, role, team or None, user_id))
        session.flush()
        if session.scalar(select(ScorecardRow.id).limit(1)) is None:
            _store_default_scorecard(session, now)
        holders, territories = _holders(plan, {u.username: u.user_id for u in created}, team_ids)
        writer = _Writer(session, holders, territories, as_of, history_days)
        with indexes_deferred(session, _LOADED), _collected_between_chunks() as settle:
            for index, start in enumerate(range(0, accounts, CHUNK)):
                began = time.perf_counter()
                portfolio = generate_portfolio(
                    min(CHUNK, accounts - start),
                    seed=_chunk_seed(seed, index),
                    as_of=as_of,
                    history_days=history_days,
                    with_history=with_history,
                )
                generated = time.perf_counter()
                writer.write(portfolio)
                del portfolio
                settle()
                log.info(
                    "seed: %d of %d accounts written (%.0f s; this chunk generated in %.1f s, "
                    "written in %.1f s)",
                    writer.accounts,
                    accounts,
                    time.perf_counter() - started,
                    generated - began,
                    time.perf_counter() - generated,
                )
        # the generator's complaints, registered through the workflow (references, owners);
        # after the indexes are back (the workflow looks events up by account)
        began = time.perf_counter()
        seed_complaints(session, writer.complaints)
        log.info(
            "seed: %d complaints registered in %.1f s",
            len(writer.complaints),
            time.perf_counter() - began,
        )
        _certify(session, plan, existing_users, created, writer.owner_of, writer.pack_of, now)
    scoring = RescoreReport(
        scored=writer.scored,
        changed=writer.scored,
        skipped=0,
        scorecard_version=writer.scorecard_version,
        seconds=writer.scoring_seconds,
    )
    return SeedReport(
        users=created,
        customers=writer.customers,
        accounts=writer.accounts,
        events=writer.events,
        teams=list(team_ids),
        scoring=scoring,
    )


Holder = tuple[str, str, str]  # (user id, username, team id) of who takes an account


def _holders(
    plan: list[tuple[str, str, str, str, str | None]],
    user_ids: dict[str, str],
    team_ids: dict[str, str],
) -> tuple[dict[str, list[Holder]], dict[tuple[str, str], list[Holder]]]:
    """Who takes which accounts: jurisdiction → its desk agents (round-robin), and
    (jurisdiction, town) → the field collectors working that town (by ``town_of``, as the
    accounts' towns are read). A jurisdiction's first team's collector works its first town
    (``DEMO_TOWNS``: Shanghai, New York, London), the next team's the next town."""
    from workstation.demo.generator import DEMO_TOWNS

    desks: dict[str, list[Holder]] = defaultdict(list)
    territories: dict[tuple[str, str], list[Holder]] = defaultdict(list)
    field_teams: dict[str, int] = defaultdict(int)  # jurisdiction → its collectors so far
    for username, _display, role, team, jurisdiction in plan:
        if not jurisdiction:
            continue
        holder = (user_ids[username], username, team_ids[team])
        if role == Role.AGENT.value:
            desks[jurisdiction].append(holder)
        elif role == Role.FIELD.value:
            towns = DEMO_TOWNS.get(jurisdiction, ())
            if towns:
                city = towns[field_teams[jurisdiction] % len(towns)]
                town = town_of(jurisdiction, [city])
                if town is not None:
                    territories[town].append(holder)
            field_teams[jurisdiction] += 1
    return desks, territories


@contextmanager
def _collected_between_chunks() -> Iterator[Callable[[], None]]:
    """Python's cycle collector paused for the body; ``settle()`` (after each chunk) collects
    the chunk's garbage once and sets the survivors aside (``gc.freeze``).

    A seed keeps every account's owner and pack for the complaints and certification after
    the chunks, and each chunk allocates millions of short-lived objects: left on, the
    collector's full passes walk that growing heap again and again (a 1M build's twenty
    chunks took 485 s, each slower than the last; 364 s with the collector paused and each
    chunk's survivors frozen). The frozen objects are handed back to the collector at the
    end (unless the caller had frozen objects of its own: then nothing is frozen or unfrozen
    here, only collected)."""
    freezing = gc.get_freeze_count() == 0

    def settle() -> None:
        if freezing:
            freeze_heap()
        else:
            gc.collect()

    with gc_paused():
        try:
            yield settle
        finally:
            if freezing:
                gc.unfreeze()


# the tables a seed fills in bulk (their indexes are built after a first, big load)
_LOADED = (CustomerRow, ContactRow, AccountRow, EventRow, PromiseRow, PlanRow, BucketHistory)


class _Writer:
    """Turns generated portfolios into rows and writes them, chunk by chunk."""

    def __init__(
        self,
        session: Session,
        holders: dict[str, list[Holder]],
        territories: dict[tuple[str, str], list[Holder]],
        as_of: datetime,
        history_days: int,
    ) -> None:
        self.session = session
        self.holders = holders
        self.everyone = [h for hs in holders.values() for h in hs]
        self.territories = territories
        self.as_of = as_of
        self.history_days = history_days
        self.counters: dict[str, int] = defaultdict(int)
        self.field_counters: dict[tuple[str, str], int] = defaultdict(int)
        # the bank's numbers (business keys of placement, payment and recall files): numbered
        # on from what is there, so seeding twice never reuses one
        self.customers = 0
        self.accounts = 0
        self.customers_before = session.scalar(select(func.count()).select_from(CustomerRow)) or 0
        self.accounts_before = session.scalar(select(func.count()).select_from(AccountRow)) or 0
        self.events = 0
        self.scored = 0
        self.scoring_seconds = 0.0
        self.complaints: list[str] = []
        self.owner_of: dict[str, tuple[str, str]] = {}
        self.pack_of: dict[str, str] = {}  # account id → its customer's jurisdiction
        self.scorecard = current_scorecard(session)
        self.models = current_models(session)
        self.scorecard_version = self.scorecard.version

    def write(self, portfolio: Any) -> None:
        session = self.session
        customers_by_id = {c.id: c for c in portfolio.customers}
        n_rows = len(portfolio.customers) + len(portfolio.accounts) + len(portfolio.events)
        version = allocate(session, max(n_rows, 1))
        customer_rows: list[dict[str, Any]] = []
        contact_rows: list[dict[str, Any]] = []
        for customer in portfolio.customers:
            customer_rows.append(self._customer_row(customer, version, len(customer_rows)))
            contact_rows.extend(_contact_rows(customer, version))
            version += 1
        scores = self._score(portfolio)
        account_rows: list[dict[str, Any]] = []
        currency_of: dict[str, str] = {}
        for account in portfolio.accounts:
            customer = customers_by_id[account.customer_id]
            jurisdiction = customer.jurisdiction
            scored = scores.get(account.id)
            territory = town_of(jurisdiction, (a.city for a in customer.addresses))
            field_team = self.territories.get(territory) if territory else None
            if territory and field_team and _sent_to_field(account, scored):
                user_id, username, team_id = field_team[
                    self.field_counters[territory] % len(field_team)
                ]
                self.field_counters[territory] += 1
            else:
                pool = self.holders.get(jurisdiction) or self.everyone
                user_id, username, team_id = pool[self.counters[jurisdiction] % len(pool)]
                self.counters[jurisdiction] += 1
            self.owner_of[account.id] = (user_id, username)
            self.pack_of[account.id] = jurisdiction
            currency_of[account.id] = account.currency
            account_rows.append(
                {
                    "id": account.id,
                    "account_ref": demo_account_ref(
                        jurisdiction, self.accounts_before + self.accounts + len(account_rows)
                    ),
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
                    "risk_tier": scored.risk_tier if scored else None,
                    "score": scored.score if scored else None,
                    "reason_codes": scored.reason_codes if scored else [],
                    "ability": scored.ability if scored else None,
                    "willingness": scored.willingness if scored else None,
                    "segment": scored.segment if scored else None,
                    "ability_reasons": scored.ability_reasons if scored else None,
                    "willingness_reasons": scored.willingness_reasons if scored else None,
                    "segment_model": scored.segment_model if scored else None,
                    "opened_on": account.opened_on,
                    "placed_on": account.placed_on,
                    "annual_rate": str(account.annual_rate),
                    "credit_minor": 0,
                    "version": version,
                }
            )
            version += 1
        event_rows: list[dict[str, Any]] = []
        promise_rows: list[dict[str, Any]] = []
        plan_rows: list[dict[str, Any]] = []
        for event in portfolio.events:
            owner_id, owner_name = self.owner_of[event.account_id]
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
            if event.type == EventType.COMPLAINT:
                self.complaints.append(event.id)
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
        # delinquency history (cure and roll rates): derived from today's state; an account
        # current today is one that cured during the history window
        history = list(
            seed_rows(
                account_rows,
                portfolio.as_of.date(),
                self.history_days,
                cured={a.id for a in portfolio.accounts if a.days_past_due <= 0},
            )
        )
        for model, rows in (
            (CustomerRow, customer_rows),
            (ContactRow, contact_rows),
            (AccountRow, account_rows),
            (EventRow, event_rows),
            (PromiseRow, promise_rows),
            (PlanRow, plan_rows),
            (BucketHistory, history),
        ):
            copy_rows(session, model, rows)
        self.customers += len(customer_rows)
        self.accounts += len(account_rows)
        self.events += len(event_rows)

    def _customer_row(self, customer: Customer, version: int, position: int) -> dict[str, Any]:
        income = customer.monthly_income
        expenses = customer.monthly_expenses
        return {
            "id": customer.id,
            "customer_ref": demo_customer_ref(self.customers_before + self.customers + position),
            "name": customer.name,
            "name_alt": customer.name_alt,
            "timezone": customer.timezone,
            "jurisdiction": customer.jurisdiction,
            "language": customer.language.value,
            "national_id_masked": customer.national_id_masked,
            "birth_date": demo_birth_date(customer.id),
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

    def _score(self, portfolio: Any) -> dict[str, Scored]:
        """The open accounts' score, reasons and tier from the generated objects: the
        features ``rescore`` computes from the stored rows (no second pass over them)."""
        began = time.perf_counter()
        history: dict[str, list[Event]] = defaultdict(list)
        for event in portfolio.events:  # sorted by occurred_at, as rescore reads them
            history[event.account_id].append(event)
        customers = {c.id: c for c in portfolio.customers}
        open_accounts = [a for a in portfolio.accounts if a.status.value not in CLOSED]
        out = {
            s.account_id: s
            for s in score_objects(
                open_accounts,
                customers,
                history,
                self.scorecard,
                portfolio.as_of,
                models=self.models,
            )
        }
        self.scored += len(out)
        self.scoring_seconds += time.perf_counter() - began
        return out


def _sent_to_field(account: Account, scored: Scored | None) -> bool:
    """Whether the strategy sends the account to the field, on the score the seed gives it
    (``strategy.cadence.champion_visits``, the rule the collector's route applies). Closed
    accounts are not scored and not visited."""
    if scored is None:
        return False
    return champion_visits(
        account_id=account.id,
        score=float(scored.score),
        days_past_due=account.days_past_due,
        status=account.status.value,
        balance_minor=account.balance.minor,
        currency=account.currency,
    )


def _certify(  # noqa: PLR0917 - the seed's own pieces
    session: Session,
    plan: list[tuple[str, str, str, str, str | None]],
    existing: dict[str, str],
    created: list[SeededUser],
    owner_of: dict[str, tuple[str, str]],
    jurisdiction_of: dict[str, str],
    now: datetime,
) -> None:
    """The organisation's collectors are certified for the jurisdictions their team works
    (their desk's, and any other whose accounts the team holds: a book with fewer teams than
    jurisdictions), so that a lead may move any of the team's accounts to any of them; but
    for the demo's new collector (SCENARIOS 14)."""
    from workstation.server.quality.certification import NEW_COLLECTORS, certify_staff, pack_of

    team_of = {username: team for username, _display, _role, team, _j in plan}
    worked: dict[str, set[str]] = defaultdict(set)  # team → the packs of its accounts
    for account_id, (_user_id, username) in owner_of.items():
        pack = pack_of(jurisdiction_of.get(account_id, ""))
        if pack is not None:
            worked[team_of.get(username, "")].add(pack)
    ids = {u.username: u.user_id for u in created}
    packs: dict[str, set[str]] = defaultdict(set)
    for username, _display, role, team, jurisdiction in plan:
        if role not in (Role.AGENT.value, Role.FIELD.value):
            continue
        if username in NEW_COLLECTORS or username in existing:
            continue
        pack = pack_of(jurisdiction or "")
        packs[ids[username]] = worked[team] | ({pack} if pack is not None else set())
    certify_staff(session, packs, now)


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
