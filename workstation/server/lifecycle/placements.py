"""``import placements``: the bank's accounts come in, validated whole, upserted in one transaction.

Format (CSV, UTF-8, header row; ``resources/samples/placements.csv``)::

    account_ref,customer_ref,name,jurisdiction,timezone,language,phone,email,product,
    currency,principal,balance,past_due,days_past_due,opened_on
    [,name_alt,national_id,address,city,postcode,annual_rate,monthly_income,birth_date]

``account_ref`` and ``customer_ref`` are the bank's numbers, the business keys:

- a **new account** is inserted open, placed today for its balance, scored and tiered at once
  (``scoring.score_new``) and assigned by the team's rule (``lifecycle.assignment``: even
  by count or by balance, or left for the lead): one the strategy sends to the field whose
  customer lives in a field collector's town goes to him, the rest to the desk agents
  (``lifecycle.territory``);
- an **account already here** gets the new principal, balance, past due, days past due,
  product and rate — its events, promises, plans and owner stay as they are (a re-placement
  updates balances without touching history); one the bank had recalled or that was paid
  comes back open and is assigned again;
- lines with the same ``customer_ref`` are one customer (their customer fields must agree);
  a new phone or e-mail is added to the customer, nothing is removed;
- a national id is stored masked (``mask_national_id``) and never kept in full.

Whole-file validation first (every bad line by its number, nothing written), then versioned
bulk writes, so devices receive new and changed accounts on their next pull.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import AccountStatus, Language
from workstation.domain.model import mask_national_id, new_id, utcnow
from workstation.errors import WorkstationError
from workstation.lifecycle.assignment import AssignmentRule, Load
from workstation.lifecycle.territory import deal
from workstation.server.bucket_history import record_states
from workstation.server.deps import audit
from workstation.server.lifecycle import csvfile
from workstation.server.lifecycle.bulk import chunks, file_transaction, insert_rows, one_of
from workstation.server.lifecycle.territory import team_collectors, waiting_accounts
from workstation.server.models import (
    AccountRow,
    Assignment,
    ContactRow,
    CustomerRow,
    ServerState,
    Team,
    User,
)
from workstation.server.versioning import allocate
from workstation.text import Text

REQUIRED = (
    "account_ref", "customer_ref", "name", "jurisdiction", "timezone", "language", "phone",
    "email", "product", "currency", "principal", "balance", "past_due", "days_past_due",
    "opened_on",
)  # fmt: skip
OPTIONAL = (
    "name_alt", "national_id", "address", "city", "postcode", "annual_rate", "monthly_income",
    "birth_date",
)  # fmt: skip
CUSTOMER_FIELDS = ("name", "name_alt", "jurisdiction", "timezone", "language")
KEEP_WHEN_ABSENT = ("national_id_masked", "income_currency", "monthly_income_minor", "birth_date")
RULE_KEY = "assignment_rule:{team_id}"
COLLECTORS = ("agent", "field")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$")
_EMAIL = re.compile(r"^[^@\s,;]{1,64}@[^@\s,;]{1,190}\.[^@\s,;.]{2,}$")
_BORN_FLOOR = date(1900, 1, 1)
_NATIONAL_ID = re.compile(r"^[0-9A-Za-z\-]{4,32}$")


class PlacementError(WorkstationError, ValueError):
    """A problem with the command, not a line (an unknown team): nothing was written."""

    summary = Text("The placement file was refused", "委案文件被拒绝")


@dataclass(slots=True)
class Line:
    line: int
    account_ref: str
    customer_ref: str
    customer: dict[str, Any]
    account: dict[str, Any]
    phone: str | None
    email: str | None
    address: dict[str, Any] | None


@dataclass
class PlacementReport:
    file: str
    sha256: str
    dry_run: bool
    as_of: date
    team: str | None
    rule: str
    lines: int = 0
    new_accounts: int = 0
    updated_accounts: int = 0
    reopened_accounts: int = 0
    unchanged_accounts: int = 0
    new_customers: int = 0
    updated_customers: int = 0
    assigned: dict[str, int] = field(default_factory=dict)  # username → new accounts
    left_for_lead: int = 0
    field_by_territory: int = 0  # of ``assigned``, to the field collector of their town
    tiers: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "placements",
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "as_of": self.as_of.isoformat(),
            "team": self.team,
            "rule": self.rule,
            "lines": self.lines,
            "new_accounts": self.new_accounts,
            "updated_accounts": self.updated_accounts,
            "reopened_accounts": self.reopened_accounts,
            "unchanged_accounts": self.unchanged_accounts,
            "new_customers": self.new_customers,
            "updated_customers": self.updated_customers,
            "assigned": dict(sorted(self.assigned.items())),
            "left_for_lead": self.left_for_lead,
            "field_by_territory": self.field_by_territory,
            "tiers": dict(sorted(self.tiers.items())),
        }

    def summary(self) -> list[str]:
        head = "dry run, nothing written: " if self.dry_run else ""
        out = [
            f"{head}{self.file}: {self.lines} account line(s) — {self.new_accounts} new, "
            f"{self.updated_accounts} updated, {self.reopened_accounts} placed again, "
            f"{self.unchanged_accounts} unchanged; {self.new_customers} new customer(s), "
            f"{self.updated_customers} updated"
        ]
        if self.tiers:
            tiers = ", ".join(f"{t} {n}" for t, n in sorted(self.tiers.items()))
            out.append(f"  new accounts scored: tiers {tiers}")
        if self.assigned:
            who = ", ".join(f"{u} {n}" for u, n in sorted(self.assigned.items()))
            out.append(f"  assigned ({self.rule}) in team {self.team}: {who}")
        if self.field_by_territory:
            out.append(
                f"  of them {self.field_by_territory} to the field collector of their town "
                "(sent to the field, the customer in his territory)"
            )
        if self.left_for_lead:
            out.append(f"  {self.left_for_lead} left for the lead of team {self.team} to assign")
        return out


# --- validation ----------------------------------------------------------------------------------


def _jurisdictions() -> frozenset[str]:
    from workstation.compliance.packs import load_packs
    from workstation.resources import resource_dir

    return frozenset(load_packs(resource_dir("rules")))


def _zone_ok(name: str, cache: dict[str, bool]) -> bool:
    known = cache.get(name)
    if known is None:
        try:
            ZoneInfo(name)
            known = "/" in name or name == "UTC"
        except (ZoneInfoNotFoundError, ValueError):
            known = False
        cache[name] = known
    return known


def _parse(data: csvfile.CsvFile, as_of: date) -> list[Line]:
    """Each record's values, checked on their own; problems go to ``data.errors``."""
    jurisdictions = _jurisdictions()
    zones: dict[str, bool] = {}
    refs: dict[str, int] = {}
    opened_floor = date(1950, 1, 1)
    out: list[Line] = []
    for record in data.records:
        errors_before = len(data.errors)
        account_ref = data.ref(record, "account_ref")
        data.unique(refs, record, "account_ref", account_ref)
        customer_ref = data.ref(record, "customer_ref")
        name = data.text(record, "name", 200, required=True)
        name_alt = data.text(record, "name_alt", 200) or ""
        jurisdiction = record.get("jurisdiction").lower()
        if jurisdiction not in jurisdictions:
            data.error(
                record.line,
                f"jurisdiction {jurisdiction[:20]!r} has no rule pack "
                f"({', '.join(sorted(jurisdictions))})",
            )
        zone = record.get("timezone")
        if not _zone_ok(zone, zones):
            data.error(record.line, f"timezone {zone[:40]!r} is not an IANA zone (Asia/Shanghai)")
        language = record.get("language").lower()
        if language not in {lang.value for lang in Language}:
            data.error(record.line, f"language {language[:10]!r} must be en or zh")
        phone = record.get("phone") or None
        if phone is not None and not _PHONE.match(phone):
            data.error(record.line, f"phone {phone[:40]!r} is not a phone number")
        email = record.get("email") or None
        if email is not None and not _EMAIL.match(email):
            data.error(record.line, f"email {email[:60]!r} is not an e-mail address")
        national_id = record.get("national_id") or None
        if national_id is not None and not _NATIONAL_ID.match(national_id):
            data.error(record.line, "national_id must be 4-32 letters, digits or dashes")
        product = data.text(record, "product", 50, required=True)
        currency = data.currency(record)
        money: dict[str, int | None] = {}
        for name_ in ("principal", "balance", "past_due"):
            money[name_] = data.money(record, name_, currency) if currency else None
        income = (
            data.money(record, "monthly_income", currency)
            if currency and record.get("monthly_income")
            else None
        )
        balance, past_due = money["balance"], money["past_due"]
        if balance is not None and past_due is not None and past_due > balance:
            data.error(record.line, "past_due is more than the balance")
        days = data.whole(record, "days_past_due", 0, 3650)
        if days is not None and past_due == 0 and days > 0:
            data.error(record.line, "days_past_due is more than 0 but nothing is past due")
        opened_on = data.day(record, "opened_on", earliest=opened_floor, latest=as_of)
        # the date of birth: the self-service portal's other proof of who it is
        born = data.day(record, "birth_date", earliest=_BORN_FLOOR, latest=as_of, required=False)
        rate = data.decimal(record, "annual_rate", Decimal(100))
        address = data.text(record, "address", 300)
        city = data.text(record, "city", 100)
        postcode = data.text(record, "postcode", 20)
        if address and not city:
            data.error(record.line, "an address needs its city")
        if len(data.errors) > errors_before:
            continue
        assert account_ref is not None
        assert customer_ref is not None
        assert name is not None
        assert product is not None
        assert currency is not None
        out.append(
            Line(
                line=record.line,
                account_ref=account_ref,
                customer_ref=customer_ref,
                customer={
                    "name": name,
                    "name_alt": name_alt,
                    "jurisdiction": jurisdiction,
                    "timezone": zone,
                    "language": language,
                    "national_id_masked": mask_national_id(national_id) if national_id else None,
                    "income_currency": currency if income is not None else None,
                    "monthly_income_minor": income,
                    "birth_date": born,
                },
                account={
                    "product": product,
                    "currency": currency,
                    "principal_minor": money["principal"],
                    "balance_minor": balance,
                    "past_due_minor": past_due,
                    "days_past_due": days,
                    "opened_on": opened_on,
                    "annual_rate": str(rate if rate is not None else Decimal(0)),
                },
                phone=phone,
                email=email.lower() if email else None,
                address={"line1": address, "city": city, "postcode": postcode or ""}
                if address and city
                else None,
            )
        )
    # lines of one customer must describe the same person
    first: dict[str, Line] = {}
    for line in out:
        seen = first.setdefault(line.customer_ref, line)
        for name_ in CUSTOMER_FIELDS:
            if line.customer[name_] != seen.customer[name_]:
                data.error(
                    line.line,
                    f"customer_ref {line.customer_ref}: {name_} differs from line {seen.line}",
                )
    return out


# --- the import ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Known:
    """What is stored already for the file's references."""

    customers: dict[str, Any] = field(default_factory=dict)  # customer_ref → row
    contacts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # id → {(kind, v)}
    positions: dict[tuple[str, str], int] = field(default_factory=dict)  # (id, kind) → next
    accounts: dict[str, Any] = field(default_factory=dict)  # account_ref → row


def _load(session: Session, lines: list[Line]) -> _Known:
    known = _Known()
    customer_refs = sorted({line.customer_ref for line in lines})
    account_refs = sorted({line.account_ref for line in lines})
    for chunk in chunks(session, customer_refs):
        for row in session.execute(
            select(CustomerRow).where(one_of(session, CustomerRow.customer_ref, chunk))
        ).scalars():
            assert row.customer_ref is not None
            known.customers[row.customer_ref] = row
    ids = [row.id for row in known.customers.values()]
    for chunk in chunks(session, ids):
        for customer_id, kind, data in session.execute(
            select(ContactRow.customer_id, ContactRow.kind, ContactRow.data).where(
                one_of(session, ContactRow.customer_id, chunk)
            )
        ):
            value = str(data.get("number") or data.get("address") or data.get("line1") or "")
            known.contacts.setdefault(customer_id, set()).add((kind, value.lower()))
            slot = (customer_id, kind)
            known.positions[slot] = known.positions.get(slot, 0) + 1
    for chunk in chunks(session, account_refs):
        for account in session.execute(
            select(AccountRow)
            .where(one_of(session, AccountRow.account_ref, chunk))
            .order_by(AccountRow.id)
            .with_for_update()
        ).scalars():
            assert account.account_ref is not None
            known.accounts[account.account_ref] = account
    return known


def _team(session: Session, name: str | None) -> Team | None:
    if name is None:
        return None
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise PlacementError(f"no team named {name!r}")
    return team


def team_rule(session: Session, team_id: str) -> AssignmentRule:
    """The team's rule for new accounts (``workstation-server team-rule``); default: the lead."""
    row = session.get(ServerState, RULE_KEY.format(team_id=team_id))
    try:
        return AssignmentRule(row.value) if row else AssignmentRule.LEAD
    except ValueError:
        return AssignmentRule.LEAD


def set_team_rule(session: Session, team_name: str, rule: AssignmentRule) -> None:
    team = _team(session, team_name)
    assert team is not None
    key = RULE_KEY.format(team_id=team.id)
    row = session.get(ServerState, key)
    if row is None:
        session.add(ServerState(key=key, value=rule.value))
    else:
        row.value = rule.value


def import_placements(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    team: str | None = None,
    rule: AssignmentRule | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    now: datetime | None = None,
) -> PlacementReport:
    """Validate and upsert a placement file in ONE transaction (rolled back for ``dry_run``).

    Raises ``csvfile.FileRejected`` (every bad line) or ``PlacementError``; nothing written."""
    raw = path.read_bytes()
    now = now or utcnow()
    as_of = as_of or now.date()
    with file_transaction(sessions, dry_run=dry_run) as session:
        team_row = _team(session, team)
        chosen = rule or (team_rule(session, team_row.id) if team_row else AssignmentRule.LEAD)
        report = PlacementReport(
            file=path.name,
            sha256=hashlib.sha256(raw).hexdigest(),
            dry_run=dry_run,
            as_of=as_of,
            team=team_row.name if team_row else None,
            rule=chosen.value,
        )
        data = csvfile.read(raw, REQUIRED, OPTIONAL)
        lines = _parse(data, as_of)
        report.lines = len(data.records)
        known = _load(session, lines)
        teams_of = _customer_teams(session, known)
        for line in lines:
            stored = known.accounts.get(line.account_ref)
            customer = known.customers.get(line.customer_ref)
            if stored is not None and (customer is None or stored.customer_id != customer.id):
                data.error(
                    line.line,
                    f"account_ref {line.account_ref} belongs to another customer, "
                    f"not customer_ref {line.customer_ref}",
                )
            elif stored is not None and stored.currency != line.account["currency"]:
                data.error(
                    line.line,
                    f"account_ref {line.account_ref} is in {stored.currency}, "
                    f"not {line.account['currency']}",
                )
            elif (
                team_row is None
                and not teams_of.get(line.customer_ref)
                and (stored is None or stored.team_id is None)
            ):
                data.error(line.line, f"account {line.account_ref} needs a team: give --team")
        data.check()
        _write(session, lines, known, team_row, teams_of, chosen, report, now, as_of)
        audit(
            session,
            None,
            "import.placements",
            "file",
            report.sha256[:64],
            {k: v for k, v in report.as_dict().items() if k not in ("sha256",)},
        )
    return report


def _customer_teams(session: Session, known: _Known) -> dict[str, str]:
    """customer_ref → the team already holding one of the customer's accounts."""
    by_id = {row.id: ref for ref, row in known.customers.items()}
    out: dict[str, str] = {}
    ids = list(by_id)
    for chunk in chunks(session, ids):
        for customer_id, team_id in session.execute(
            select(AccountRow.customer_id, func.min(AccountRow.team_id))
            .where(
                one_of(session, AccountRow.customer_id, chunk),
                AccountRow.team_id.is_not(None),
            )
            .group_by(AccountRow.customer_id)
        ):
            if team_id is not None:
                out[by_id[customer_id]] = team_id
    return out


def _write(  # noqa: PLR0917
    session: Session,
    lines: list[Line],
    known: _Known,
    team: Team | None,
    teams_of: dict[str, str],
    rule: AssignmentRule,
    report: PlacementReport,
    now: datetime,
    as_of: date,
) -> None:
    from workstation.server.scoring import current_scorecard, score_new
    from workstation.server.segmentation import current_models

    moment = datetime.combine(as_of, time(12), UTC)
    customers: dict[str, Any] = {}  # customer_ref → row (new: a ``_Fresh``; or stored)
    new_customers: list[_Fresh] = []
    changed_customers: list[CustomerRow] = []
    changed_ids: set[str] = set()
    contacts: list[dict[str, Any]] = []
    new_accounts: list[_Fresh] = []
    changed_accounts: list[AccountRow] = []
    placed_again: list[AccountRow] = []
    for line in lines:
        customer = customers.get(line.customer_ref)
        if customer is None:
            customer = known.customers.get(line.customer_ref)
            if customer is None:
                customer = _Fresh.of(
                    CustomerRow,
                    id=new_id(),
                    customer_ref=line.customer_ref,
                    national_id_masked="",
                    flags=[],
                    field_versions={},
                    version=0,
                )
                _set_customer(customer, line)
                new_customers.append(customer)
            elif _set_customer(customer, line):
                changed_customers.append(customer)
                changed_ids.add(customer.id)
            customers[line.customer_ref] = customer
        added = _contacts_of(customer, line, known, contacts)
        if added and isinstance(customer, CustomerRow) and customer.id not in changed_ids:
            # a new phone or e-mail reaches devices with the customer: its version moves
            changed_customers.append(customer)
            changed_ids.add(customer.id)
        stored = known.accounts.get(line.account_ref)
        if stored is None:
            account = _Fresh.of(
                AccountRow,
                id=new_id(),
                account_ref=line.account_ref,
                customer_id=customer.id,
                status=AccountStatus.OPEN.value,
                placed_on=as_of,
                placed_minor=line.account["balance_minor"],
                credit_minor=0,
                reason_codes=[],
                team_id=team.id if team else teams_of.get(line.customer_ref),
                version=0,
                **line.account,
            )
            new_accounts.append(account)
        elif AccountStatus(stored.status).is_closed:
            for key, value in line.account.items():
                setattr(stored, key, value)
            stored.status = AccountStatus.OPEN.value
            stored.status_reason = "placed again"
            stored.placed_on = as_of
            stored.placed_minor = stored.balance_minor
            stored.owner_id = None
            held_by = stored.team_id or teams_of.get(line.customer_ref)
            stored.team_id = team.id if team else held_by
            placed_again.append(stored)
        elif any(getattr(stored, k) != v for k, v in line.account.items()):
            for key, value in line.account.items():
                setattr(stored, key, value)
            changed_accounts.append(stored)
        else:
            report.unchanged_accounts += 1
    report.new_customers = len(new_customers)
    report.updated_customers = len(changed_customers)
    report.new_accounts = len(new_accounts)
    report.updated_accounts = len(changed_accounts)
    report.reopened_accounts = len(placed_again)
    by_id = {c.id: c for c in customers.values()}
    if new_accounts:
        scored = score_new(
            new_accounts, by_id, current_scorecard(session), moment, current_models(session)
        )
        for account, result in zip(new_accounts, scored, strict=True):
            account.score = result.score
            account.risk_tier = result.risk_tier
            account.reason_codes = result.reason_codes
            account.ability = result.ability
            account.willingness = result.willingness
            account.segment = result.segment
            account.ability_reasons = result.ability_reasons
            account.willingness_reasons = result.willingness_reasons
            account.segment_model = result.segment_model
        report.tiers = dict(Counter(a.risk_tier or "-" for a in new_accounts))
    owners = _assign(session, [*new_accounts, *placed_again], rule, report, by_id, contacts)
    # versions: each written row takes one; the assignments one each
    count = (
        len(new_customers) + len(changed_customers) + len(contacts)
        + len(new_accounts) + len(changed_accounts) + len(placed_again) + len(owners)
    )  # fmt: skip
    if count == 0:
        return
    version = allocate(session, count)
    people: list[Any] = [*new_customers, *changed_customers]
    for person in people:
        person.version = version
        version += 1
    for contact in contacts:
        contact["version"] = version
        version += 1
    written: list[Any] = [*new_accounts, *changed_accounts, *placed_again]
    for row in written:
        row.version = version
        version += 1
    assignments = []
    for placed, (user_id, team_id) in owners.items():
        assignments.append(
            {
                "version": version,
                "account_id": placed,
                "from_user_id": None,
                "to_user_id": user_id,
                "from_team_id": None,
                "to_team_id": team_id,
                "by_user_id": None,
                "batch_id": None,
                "at": now,
            }
        )
        version += 1
    _flush(session, new_customers, contacts, new_accounts, assignments)
    # history rows of the inserted accounts (stored rows that changed bucket, status or
    # owner get theirs from the ORM listener as the session flushes)
    record_states(
        session,
        [
            {
                "id": a.id,
                "days_past_due": a.days_past_due,
                "balance_minor": a.balance_minor,
                "status": a.status,
                "owner_id": a.owner_id,
                "team_id": a.team_id,
            }
            for a in new_accounts
        ],
        as_of,
    )


def _set_customer(customer: Any, line: Line) -> bool:
    """Copy the line's customer fields; True when anything changed."""
    changed = False
    for key, value in line.customer.items():
        if value is None and key in KEEP_WHEN_ABSENT:
            continue  # not in this file: keep what is stored
        if getattr(customer, key, None) != value:
            setattr(customer, key, value)
            changed = True
    return changed


def _contacts_of(customer: Any, line: Line, known: _Known, out: list[dict[str, Any]]) -> bool:
    """New phone / e-mail / address rows for what the customer does not have yet; True
    when any was added."""
    have = known.contacts.setdefault(customer.id, set())
    added = False
    for kind, value, data in (
        ("phone", line.phone, {"number": line.phone, "type": "mobile", "consent": True,
                               "opted_out": False, "last_verified": None}),
        ("email", line.email, {"address": line.email, "consent": True, "opted_out": False,
                               "last_verified": None}),
        ("address", line.address["line1"] if line.address else None,
         {**(line.address or {}), "district": "", "country": "", "latitude": None,
          "longitude": None}),
    ):  # fmt: skip
        if not value or (kind, value.lower()) in have:
            continue
        have.add((kind, value.lower()))
        slot = (customer.id, kind)
        position = known.positions.get(slot, 0)
        known.positions[slot] = position + 1
        out.append(
            {
                "id": new_id(),
                "customer_id": customer.id,
                "kind": kind,
                "position": position,
                "data": data,
            }
        )
        added = True
    return added


def _assign(  # noqa: PLR0917
    session: Session,
    accounts: list[Any],
    rule: AssignmentRule,
    report: PlacementReport,
    customers: dict[str, Any],
    contacts: list[dict[str, Any]],
) -> dict[str, tuple[str, str]]:
    """Owners for accounts with none, by each team's rule, field accounts in a field
    collector's town to him (``lifecycle.territory.deal``; ``customers`` by id and the new
    ``contacts`` give the customers' towns); → {account id: (user, team)}."""
    by_team: dict[str, list[Any]] = defaultdict(list)
    for account in accounts:
        if account.team_id is not None:
            by_team[account.team_id].append(account)
    owners: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for team_id, waiting in by_team.items():
        if rule is AssignmentRule.LEAD:  # the lead deals them all: nothing to look up
            report.left_for_lead += len(waiting)
            continue
        members = session.execute(
            select(User.id, User.username, User.role)
            .where(User.team_id == team_id, User.role.in_(COLLECTORS), User.active.is_(True))
            .order_by(User.username)
        ).all()
        names.update({uid: name for uid, name, _ in members})
        collectors = [uid for uid, _, _ in members]
        loads = {
            owner: Load(int(n), int(total or 0))
            for owner, n, total in session.execute(
                select(AccountRow.owner_id, func.count(), func.sum(AccountRow.balance_minor))
                .where(AccountRow.owner_id.in_(collectors), AccountRow.team_id == team_id)
                .group_by(AccountRow.owner_id)
            )
            if owner is not None
        }
        team = team_collectors(session, [(uid, role) for uid, _, role in members])
        placed = waiting_accounts(session, waiting, team, customers, contacts)
        dealt = deal(rule, team, loads, placed)
        report.field_by_territory += dealt.by_territory
        for account in waiting:
            owner = dealt.owners.get(account.id)
            if owner is None:
                report.left_for_lead += 1
                continue
            account.owner_id = owner
            owners[account.id] = (owner, team_id)
            report.assigned[names[owner]] = report.assigned.get(names[owner], 0) + 1
    return owners


def _flush(
    session: Session,
    customers: list[_Fresh],
    contacts: list[dict[str, Any]],
    accounts: list[_Fresh],
    assignments: list[dict[str, Any]],
) -> None:
    """New rows in bulk (``bulk.insert_rows``); changed stored rows flush with the session."""
    insert_rows(session, CustomerRow, [vars(c) for c in customers])
    insert_rows(session, ContactRow, contacts)
    insert_rows(session, AccountRow, [vars(a) for a in accounts])
    insert_rows(session, Assignment, assignments)
    session.flush()


class _Fresh(SimpleNamespace):
    """A row to insert, with every column of its table (defaults filled): cheaper than an
    ORM object by a wide margin at 100,000 rows, and read by scoring and assignment alike."""

    @classmethod
    def of(cls, model: Any, **values: Any) -> _Fresh:
        return cls(**{**_defaults(model), **values})


@functools.cache
def _defaults(model: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in model.__table__.columns:
        default = column.default
        out[column.key] = default.arg if default is not None and default.is_scalar else None
    return out
