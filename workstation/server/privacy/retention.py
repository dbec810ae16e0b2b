"""Record retention as the rule packs say, then anonymisation.

A pack's ``record_retention_years`` (US 3: Reg F § 1006.100; CN 5) is how long records are
kept after the last collection activity. A customer is **due** on ``as_of`` when

- every account of theirs is over (paid, settled or closed),
- their pack names a retention, and the last activity on any of their accounts (the
  latest event's ``occurred_at``; the placement date where there is none) plus that many
  years is on or before ``as_of``,
- they have not been anonymised already.

A due customer under an active **legal hold** is listed and left alone. Every other one is
anonymised in a transaction of its own (one bad row is logged and the run goes on):

- the customer's names, national id, contact person, income and expenses are blanked and
  every phone, e-mail and address becomes ``{"anonymised": true}``;
- every event keeps its type, times and the business columns KPIs read (disposition,
  amount, currency) but its payload only the few non-identifying keys below — notes, free
  text, numbers used and addresses go; message jobs lose address, subject and text; contact
  conflicts lose both values;
- the documents those events name (agreements, letters) are deleted;
- the accounts leave every scope (no owner, no team) with a removal for their last owner and
  team, so **devices drop them on their next pull**; the numbers (balances, promises, plans)
  stay for the portfolio's statistics;
- an ``anonymisations`` row and an audit entry record what was done under which rule.

``apply_retention(sessions, as_of, dry_run=...)`` is what ``workstation-server retention
--as-of DATE [--dry-run]`` and the daily run call.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.server.deps import audit, utcnow
from workstation.server.messaging.models import MessageJob
from workstation.server.models import (
    AccountRow,
    Blob,
    ConflictRow,
    ContactRow,
    CustomerRow,
    EventRow,
    Removal,
)
from workstation.server.observe.jobs import record_job_run
from workstation.server.privacy.models import Anonymisation, LegalHold
from workstation.server.versioning import allocate

log = logging.getLogger(__name__)

TERMINAL = ("paid", "settled", "closed")
REMOVAL_REASON = "retention"
ANONYMISED_NAME = "Anonymised · 已匿名"
# payload keys an anonymised event keeps: what happened, never who, where or what was said
KEPT_PAYLOAD_KEYS = frozenset(
    {
        "channel",
        "direction",
        "disposition",
        "outcome",
        "status",
        "amount",
        "currency",
        "due_date",
        "kind",
        "category",
        "score",
        "method",
        "confirmed",
        "voids",
    }
)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BATCH = 500


@dataclass(frozen=True, slots=True)
class RetentionCase:
    """One customer due for anonymisation on ``as_of`` (or held back by a legal hold)."""

    customer_id: str
    jurisdiction: str
    years: int
    last_activity: date
    due: date
    accounts: tuple[str, ...]
    held: str | None = None  # the legal hold's reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "jurisdiction": self.jurisdiction,
            "retention_years": self.years,
            "last_activity": self.last_activity.isoformat(),
            "due": self.due.isoformat(),
            "accounts": list(self.accounts),
            "legal_hold": self.held,
        }


@dataclass
class RetentionReport:
    as_of: date
    dry_run: bool
    anonymised: list[RetentionCase] = field(default_factory=list)
    held: list[RetentionCase] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    documents_removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "anonymise" if self.dry_run else "anonymised": [c.as_dict() for c in self.anonymised],
            "held": [c.as_dict() for c in self.held],
            "failed": self.failed,
            "documents_removed": self.documents_removed,
        }


def retention_years() -> dict[str, int]:
    """jurisdiction key (pack id or listed code, case-folded) -> years, for packs naming one."""
    from workstation.compliance import default_policy

    years: dict[str, int] = {}
    for pack in default_policy().packs.values():
        if pack.record_retention_years:
            for key in (pack.id, *pack.jurisdictions):
                years[key.casefold()] = pack.record_retention_years
    return years


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def due_cases(session: Session, as_of: date) -> list[RetentionCase]:
    """Every customer due on ``as_of`` (see the module docstring), held ones included."""
    years = retention_years()
    open_account = exists().where(
        AccountRow.customer_id == CustomerRow.id, AccountRow.status.not_in(TERMINAL)
    )
    any_account = exists().where(AccountRow.customer_id == CustomerRow.id)
    done = exists().where(Anonymisation.customer_id == CustomerRow.id)
    candidates = {
        cid: jurisdiction
        for cid, jurisdiction in session.execute(
            select(CustomerRow.id, CustomerRow.jurisdiction).where(
                any_account, ~open_account, ~done
            )
        )
        if jurisdiction.strip().casefold() in years
    }
    cases: list[RetentionCase] = []
    ids = sorted(candidates)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        last_event = dict(
            session.execute(
                select(EventRow.customer_id, func.max(EventRow.occurred_at))
                .where(EventRow.customer_id.in_(chunk))
                .group_by(EventRow.customer_id)
            ).all()
        )
        accounts: dict[str, list[tuple[str, date | None]]] = defaultdict(list)
        for account_id, customer_id, placed_on, opened_on in session.execute(
            select(
                AccountRow.id, AccountRow.customer_id, AccountRow.placed_on, AccountRow.opened_on
            )
            .where(AccountRow.customer_id.in_(chunk))
            .order_by(AccountRow.id)
        ):
            accounts[customer_id].append((account_id, placed_on or opened_on))
        holds = dict(
            session.execute(
                select(LegalHold.customer_id, LegalHold.reason).where(
                    LegalHold.customer_id.in_(chunk), LegalHold.released_at.is_(None)
                )
            ).all()
        )
        for customer_id in chunk:
            jurisdiction = candidates[customer_id]
            span = years[jurisdiction.strip().casefold()]
            moment = last_event.get(customer_id)
            if moment is not None:
                last = moment.astimezone(UTC).date()
            else:
                dates = [d for _, d in accounts[customer_id] if d is not None]
                if not dates:
                    continue  # no date to count from: keep (nothing says it is over)
                last = max(dates)
            due = _plus_years(last, span)
            if due > as_of:
                continue
            cases.append(
                RetentionCase(
                    customer_id,
                    jurisdiction,
                    span,
                    last,
                    due,
                    tuple(a for a, _ in accounts[customer_id]),
                    holds.get(customer_id),
                )
            )
    return cases


def apply_retention(
    sessions: sessionmaker[Session], as_of: date, *, dry_run: bool = False, by: str = "retention"
) -> RetentionReport:
    """Anonymise every due customer not under a legal hold (``dry_run``: only list them)."""
    started = utcnow()
    with sessions() as session:
        cases = due_cases(session, as_of)
    report = RetentionReport(as_of, dry_run)
    for case in cases:
        if case.held is not None:
            report.held.append(case)
            continue
        if dry_run:
            report.anonymised.append(case)
            continue
        try:
            with sessions.begin() as session:
                report.documents_removed += anonymise(session, case, as_of, by=by)
            report.anonymised.append(case)
        except Exception as exc:  # one customer's failure must not stop the others
            log.exception("retention could not anonymise customer %s", case.customer_id)
            report.failed[case.customer_id] = f"{type(exc).__name__}: {exc}"
    if not dry_run:
        with sessions.begin() as session:
            record_job_run(session, "retention", started, utcnow())
    log.info(
        "retention as of %s%s: %d anonymised, %d held, %d failed, %d documents removed",
        as_of,
        " (dry run)" if dry_run else "",
        len(report.anonymised),
        len(report.held),
        len(report.failed),
        report.documents_removed,
    )
    return report


def _document_hashes(payload: Any) -> Iterable[str]:
    """Every SHA-256 an event names (``document_sha256``, a letter's ``sha256`` …)."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if isinstance(value, str) and key.endswith("sha256") and _SHA256.fullmatch(value):
                yield value
            elif isinstance(value, dict | list):
                yield from _document_hashes(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _document_hashes(value)


def anonymise(session: Session, case: RetentionCase, as_of: date, *, by: str) -> int:
    """Anonymise one customer inside the caller's transaction; return documents removed."""
    now = utcnow()
    customer = session.get(CustomerRow, case.customer_id, with_for_update=True)
    if customer is None or session.get(Anonymisation, case.customer_id) is not None:
        return 0
    accounts = list(
        session.scalars(
            select(AccountRow)
            .where(AccountRow.customer_id == customer.id)
            .order_by(AccountRow.id)
            .with_for_update()
        )
    )
    if any(a.status not in TERMINAL for a in accounts):
        raise RuntimeError("an account reopened since the plan was made")
    contacts = list(
        session.scalars(select(ContactRow).where(ContactRow.customer_id == customer.id))
    )
    events = list(session.scalars(select(EventRow).where(EventRow.customer_id == customer.id)))
    # versions: the customer, each contact, each event, and per account the row and two removals
    first = allocate(session, 1 + len(contacts) + len(events) + 3 * len(accounts))
    versions = iter(range(first, first + 1 + len(contacts) + len(events) + 3 * len(accounts)))

    customer.name = ANONYMISED_NAME
    customer.name_alt = ""
    customer.national_id_masked = ""
    customer.birth_date = None
    customer.contact_person = None
    customer.income_currency = None
    customer.monthly_income_minor = None
    customer.monthly_expenses_minor = None
    customer.field_versions = {}
    customer.version = next(versions)
    for contact in contacts:
        contact.data = {"anonymised": True}
        contact.version = next(versions)
    documents: set[str] = set()
    for event in events:
        documents.update(_document_hashes(event.payload))
        kept = {k: v for k, v in (event.payload or {}).items() if k in KEPT_PAYLOAD_KEYS}
        event.payload = {**kept, "anonymised": True}
        event.device_id = None
        event.server_version = next(versions)
    for account in accounts:
        account.version = next(versions)
        owner, team = account.owner_id, account.team_id
        for user_id, team_id in ((owner, None), (None, team)):
            version = next(versions)
            if user_id is None and team_id is None:
                continue
            session.add(
                Removal(
                    version=version,
                    kind="account",
                    entity_id=account.id,
                    user_id=user_id,
                    team_id=team_id,
                    reason=REMOVAL_REASON,
                    at=now,
                )
            )
        account.owner_id = None
        account.team_id = None
    session.execute(
        update(MessageJob)
        .where(MessageJob.customer_id == customer.id)
        .values(to_address="", to_key="", subject="", body="")
    )
    session.execute(
        update(ConflictRow)
        .where(ConflictRow.customer_id == customer.id)
        .values(server_value=None, client_value=None)
    )
    removed = 0
    if documents:
        # a document an event of another customer names too stays (it is theirs as well)
        named = EventRow.payload["document_sha256"].as_string()
        shared = set(
            session.scalars(
                select(named).where(EventRow.customer_id != customer.id, named.in_(documents))
            )
        )
        gone = sorted(documents - shared)
        if gone:
            result = session.execute(delete(Blob).where(Blob.sha256.in_(gone)))
            removed = int(getattr(result, "rowcount", 0) or 0)
    counts = {
        "accounts": len(accounts),
        "contacts": len(contacts),
        "events": len(events),
        "documents": removed,
    }
    rule = f"{case.jurisdiction}: {case.years} years after {case.last_activity.isoformat()}"
    session.add(
        Anonymisation(
            customer_id=customer.id, as_of=as_of, done_at=now, rule=rule[:64], counts=counts
        )
    )
    audit(
        session,
        None,
        "retention.anonymise",
        "customer",
        customer.id,
        {"by": by, "as_of": as_of.isoformat(), "rule": rule, **counts},
    )
    return removed


def set_legal_hold(session: Session, customer_id: str, reason: str, by: str) -> LegalHold:
    from workstation.domain.model import new_id

    hold = LegalHold(
        id=new_id(), customer_id=customer_id, reason=reason, set_by=by, set_at=utcnow()
    )
    session.add(hold)
    audit(
        session, None, "privacy.legal_hold", "customer", customer_id, {"by": by, "reason": reason}
    )
    return hold


def release_legal_holds(session: Session, customer_id: str, by: str) -> int:
    released = session.execute(
        update(LegalHold)
        .where(LegalHold.customer_id == customer_id, LegalHold.released_at.is_(None))
        .values(released_at=utcnow(), released_by=by)
    ).rowcount  # type: ignore[attr-defined]
    audit(session, None, "privacy.legal_hold_released", "customer", customer_id, {"by": by})
    return int(released or 0)
