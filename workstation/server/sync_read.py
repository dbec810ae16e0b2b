"""The read side of sync: first-sync snapshots and changes since a cursor, per caller scope.

Scope: an agent or field collector holds the accounts they own; a lead holds their team's
accounts; an admin holds none. Every row a client can pull carries the global ``version``
it was written at (``versioning``); a pull first reads the committed counter ``high`` and
returns only rows with ``cursor < version <= high``, so a transaction that commits late can
never land below a cursor already handed out.

Kinds of change, merged in version order:

- account / customer / event rows written in the window, for accounts in scope now;
- arrivals: an account assigned INTO the scope in the window → the whole account (customer,
  account, every event), since the receiver has never seen its history;
- removals: an account that left the scope in the window (reassigned, recalled) and is not
  back in scope now;
- a new scorecard.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    union,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from workstation.domain.enums import Role
from workstation.server.deps import AppState, Principal, audit, utcnow
from workstation.server.errors import ApiError
from workstation.server.models import (
    AccountRow,
    Assignment,
    CustomerRow,
    Device,
    EventRow,
    Removal,
    ScorecardRow,
    ServerState,
    VersionCounter,
)
from workstation.server.serialize import load_accounts, load_customers, load_events
from workstation.server.versioning import committed_version

PHASES = ("customers", "accounts", "events")


def scope_filter(principal: Principal) -> ColumnElement[bool]:
    if principal.is_collector:
        return AccountRow.owner_id == principal.user_id
    if principal.role == Role.LEAD and principal.team_id:
        return AccountRow.team_id == principal.team_id
    return false()


def in_scope(principal: Principal, account: AccountRow) -> bool:
    if principal.is_collector:
        return account.owner_id == principal.user_id
    if principal.role == Role.LEAD and principal.team_id:
        return account.team_id == principal.team_id
    return False


def epoch_of(state: AppState, session: Session) -> int:
    return int(state.state_value(session, "schema_epoch", "1"))


def sync_state(session: Session) -> tuple[int, int, int, int | None]:
    """(schema epoch, retained_from, committed version, latest scorecard id) in ONE round trip.

    Every pull runs it: the statement is built once, and runs on the session's connection
    (Core), which spares the ORM's execution path."""
    row = session.connection().execute(_sync_state_statement()).one()
    scorecard = int(row[3]) if row[3] is not None else None
    return int(row[0] or 1), int(row[1] or 0), int(row[2] or 0), scorecard


@functools.cache
def _sync_state_statement() -> Any:
    def setting(key: str) -> Any:
        return select(ServerState.value).where(ServerState.key == key).scalar_subquery()

    return select(
        setting("schema_epoch"),
        setting("retained_from"),
        select(VersionCounter.value).where(VersionCounter.id == 1).scalar_subquery(),
        select(func.max(ScorecardRow.id)).scalar_subquery(),
    )


def scorecard_latest(session: Session) -> ScorecardRow | None:
    return session.scalar(select(ScorecardRow).order_by(ScorecardRow.id.desc()).limit(1))


def scorecard_dict(row: ScorecardRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "version": row.id,
        "model": row.model,
        "auc": row.auc,
        "trained_on": row.trained_on,
        "created_at": row.created_at.isoformat(),
    }


SYNC_NOTE_EVERY_S = 15


def _mark_synced(session: Session, principal: Principal, *, told_of_removal: bool = False) -> None:
    """Note the completed pull; at most every 15 s per device (no write on every poll).

    A page that tells the device an account left it is noted at once: from then on the
    device knows, and a fact it records on that account later is no longer its to record
    (``facts.check_former_owner``)."""
    now = utcnow()
    since = now - timedelta(seconds=SYNC_NOTE_EVERY_S)
    if not told_of_removal and principal.synced_at is not None and principal.synced_at >= since:
        # the sign-in check read it a moment ago: not due, and the UPDATE below would match
        # nothing; skip its round trip (the pull's only write)
        return
    due = or_(Device.last_sync_at.is_(None), Device.last_sync_at < since)
    session.execute(
        update(Device)
        .where(Device.id == principal.device_id, *(() if told_of_removal else (due,)))
        .values(last_sync_at=now, last_seen_at=now)
    )


# --- snapshot --------------------------------------------------------------------------------


@dataclass
class SnapshotToken:
    version: int
    epoch: int
    user_id: str
    phase: str
    after: str
    counts: dict[str, int] = field(default_factory=dict)

    def encode(self, secret: str) -> str:
        body = (
            base64.urlsafe_b64encode(
                json.dumps(
                    {
                        "v": self.version,
                        "e": self.epoch,
                        "u": self.user_id,
                        "p": self.phase,
                        "a": self.after,
                        "c": self.counts,
                    },
                    separators=(",", ":"),
                ).encode()
            )
            .decode()
            .rstrip("=")
        )
        mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{body}.{mac}"

    @classmethod
    def decode(cls, secret: str, token: str) -> SnapshotToken:
        try:
            body, mac = token.split(".", 1)
            expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
            if not hmac.compare_digest(expected, mac):
                raise ValueError("bad signature")
            raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            token_obj = cls(
                int(raw["v"]),
                int(raw["e"]),
                str(raw["u"]),
                str(raw["p"]),
                str(raw["a"]),
                {str(k): int(v) for k, v in dict(raw["c"]).items()},
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(400, "invalid_page_token", "the page token is not valid") from exc
        if token_obj.phase not in PHASES:
            raise ApiError(400, "invalid_page_token", "the page token is not valid")
        return token_obj


def snapshot_scope(principal: Principal, version: int) -> ColumnElement[bool]:
    """The accounts in the caller's scope AS OF ``version`` (a fixed snapshot version).

    An account reassigned after ``version`` still counts for the side it was on at
    ``version``: in the snapshot of the old owner (whose later pull from the snapshot's
    cursor removes it) and not yet in the new owner's (whose pull brings it whole). So
    every page of one snapshot, and its counts, describe the same set of accounts however
    the lead reassigns meanwhile.

    Written as ``accounts.id IN (A UNION B)`` so each part is an index lookup: A = in scope
    now (``ix_accounts_owner_version`` / ``ix_accounts_team_version``) and not reassigned
    after ``version``; B = the reassignments after ``version`` (``ix_assignments_version``,
    normally few) whose first one moved the account away from the caller. The same
    condition as one ``(now AND NOT later) OR EXISTS(left after)`` made PostgreSQL evaluate
    the correlated subqueries for every account (and every event of the events phase):
    ~0.3 s per snapshot page on 10,000 accounts, 12 s under a sign-in rush.
    """
    if principal.is_collector:
        was_mine = Assignment.from_user_id == principal.user_id
    elif principal.role == Role.LEAD and principal.team_id:
        was_mine = Assignment.from_team_id == principal.team_id
    else:
        return false()
    later = select(Assignment.id).where(
        Assignment.account_id == AccountRow.id, Assignment.version > version
    )
    now_and_then = select(AccountRow.id).where(scope_filter(principal), ~later.exists())
    other = aliased(Assignment)
    first_later = (
        select(func.min(other.version))
        .where(other.account_id == Assignment.account_id, other.version > version)
        .correlate(Assignment)
        .scalar_subquery()
    )
    left_after = select(Assignment.account_id).where(
        Assignment.version > version, Assignment.version == first_later, was_mine
    )
    return AccountRow.id.in_(union(now_and_then, left_after))


def _snapshot_counts(session: Session, principal: Principal, high: int) -> dict[str, int]:
    scope = snapshot_scope(principal, high)
    accounts = session.scalar(select(func.count()).select_from(AccountRow).where(scope)) or 0
    customers = (
        session.scalar(select(func.count(func.distinct(AccountRow.customer_id))).where(scope)) or 0
    )
    events = (
        session.scalar(
            select(func.count())
            .select_from(EventRow)
            .join(AccountRow, AccountRow.id == EventRow.account_id)
            .where(scope, EventRow.server_version <= high)
        )
        or 0
    )
    return {"customers": int(customers), "accounts": int(accounts), "events": int(events)}


def snapshot_page(
    state: AppState, principal: Principal, page_token: str | None, page_size: int
) -> dict[str, Any]:
    with state.sessions.begin() as session:
        epoch = epoch_of(state, session)
        if page_token:
            token = SnapshotToken.decode(state.token_secret, page_token)
            if token.user_id != principal.user_id:
                raise ApiError(400, "invalid_page_token", "the page token is not yours")
            if token.epoch != epoch:
                raise ApiError(410, "resync_required", "the server's schema epoch changed")
            if token.version < int(state.state_value(session, "retained_from", "0")):
                raise ApiError(410, "resync_required", "this snapshot is too old; start again")
        else:
            high = committed_version(session)
            token = SnapshotToken(
                high,
                epoch,
                principal.user_id,
                "customers",
                "",
                _snapshot_counts(session, principal, high),
            )
        out: dict[str, list[Any]] = {"customers": [], "accounts": [], "events": []}
        room = page_size
        phase_index = PHASES.index(token.phase)
        after = token.after
        complete = False
        while room > 0:
            phase = PHASES[phase_index]
            ids = _phase_ids(session, principal, phase, after, room, token.version)
            if phase == "customers":
                out["customers"] = load_customers(session, ids)
            elif phase == "accounts":
                out["accounts"] = load_accounts(session, ids)
            else:
                out["events"] = load_events(session, EventRow.id.in_(ids), order_by=EventRow.id)
            room -= len(ids)
            if ids:
                after = ids[-1]
            if room > 0:  # this phase is exhausted
                if phase_index == len(PHASES) - 1:
                    complete = True
                    break
                phase_index += 1
                after = ""
        next_token = None
        if not complete:
            next_token = SnapshotToken(
                token.version, epoch, principal.user_id, PHASES[phase_index], after, token.counts
            ).encode(state.token_secret)
        scorecard = scorecard_latest(session)
        if out["customers"]:
            audit(
                session,
                principal,
                "read.customers",
                "customer",
                None,
                {"via": "snapshot", "ids": [c["id"] for c in out["customers"]]},
            )
        if complete:
            _mark_synced(session, principal)
        return {
            "snapshot_version": token.version,
            "epoch": epoch,
            "counts": token.counts,
            **out,
            "next_page_token": next_token,
            "complete": complete,
            "cursor": token.version,
            "scorecard_version": scorecard.id if scorecard else None,
            "scorecard": scorecard_dict(scorecard) if complete else None,
            "server_time": utcnow().isoformat(),
        }


def _phase_ids(  # noqa: PLR0917
    session: Session, principal: Principal, phase: str, after: str, limit: int, high: int
) -> list[str]:
    scope = snapshot_scope(principal, high)
    if phase == "customers":
        # the customers of the accounts in scope, straight from the accounts: as
        # ``customers.id IN (…)``, the plan PostgreSQL settles on once the statement is
        # prepared walked the customers' primary key from ``after`` (~20 ms, not 1 ms)
        stmt = (
            select(AccountRow.customer_id)
            .where(scope, AccountRow.customer_id > after)
            .group_by(AccountRow.customer_id)
            .order_by(AccountRow.customer_id)
            .limit(limit)
        )
    elif phase == "accounts":
        stmt = select(AccountRow.id).where(scope, AccountRow.id > after).order_by(AccountRow.id)
        stmt = stmt.limit(limit)
    else:
        stmt = (
            select(EventRow.id)
            .join(AccountRow, AccountRow.id == EventRow.account_id)
            .where(scope, EventRow.id > after, EventRow.server_version <= high)
            .order_by(EventRow.id)
            .limit(limit)
        )
    return list(session.scalars(stmt))


# --- changes ----------------------------------------------------------------------------------


def changes(
    state: AppState, principal: Principal, cursor: int, limit: int, epoch: int | None
) -> dict[str, Any]:
    """One page of changes; a handful of round trips (statements, no transaction: see below).

    Each statement runs on its own (autocommit on PostgreSQL): ``high`` is read first and
    every row is filtered to ``version <= high``, and every version up to the committed
    ``high`` belongs to a finished transaction, so later statements seeing later commits
    changes nothing (READ COMMITTED already gave each statement its own snapshot).
    """
    with state.statements.begin() as session:
        server_epoch, retained_from, high, scorecard_id = sync_state(session)
        if epoch is not None and epoch != server_epoch:
            raise ApiError(
                410, "resync_required", "the server's schema epoch changed; download again"
            )
        if cursor < retained_from:
            raise ApiError(
                410,
                "resync_required",
                "this cursor is older than the change history the server keeps; "
                "push your outbox, then download again",
                retained_from=retained_from,
            )
        if cursor > high:
            raise ApiError(410, "resync_required", "this cursor is ahead of the server")
        items, truncated = _changed(session, principal, cursor, high, limit)
        next_cursor = items[-1][0] if truncated and items else high
        return _assemble(
            state, session, principal, items, next_cursor, truncated, server_epoch, scorecard_id
        )


def _changed(
    session: Session, principal: Principal, cursor: int, high: int, limit: int
) -> tuple[list[tuple[int, str, str]], bool]:
    """(version, kind, id) of every change in ``(cursor, high]``, oldest first, at most
    ``limit``, and whether there are more. One UNION ALL: each kind takes its first
    ``limit`` by version (index range scans), so a kind that fills its limit means more."""
    if principal.is_collector:
        statement, who = _changes_statement("collector"), principal.user_id
    elif principal.role == Role.LEAD and principal.team_id:
        statement, who = _changes_statement("lead"), principal.team_id
    else:
        statement, who = _changes_statement("none"), ""
    params = {"who": who, "cursor": cursor, "high": high, "limit": limit}
    items: list[tuple[int, str, str]] = []
    per_kind: dict[str, int] = {}
    for version, ident, kind in session.connection().execute(statement, params):
        items.append((int(version), str(kind), str(ident)))
        per_kind[kind] = per_kind.get(kind, 0) + 1
    truncated = any(count >= limit for count in per_kind.values())
    items.sort()
    if len(items) > limit:
        truncated = True
        items = items[:limit]
    return items, truncated


@functools.cache
def _changes_statement(scope_kind: str) -> Any:
    """The changes query for one kind of scope, built once with bound parameters ``who``
    (user or team id), ``cursor``, ``high`` and ``limit``: reusing the statement object
    spares building it and computing its cache key on every pull."""
    who = bindparam("who", type_=String)
    cursor = bindparam("cursor", type_=BigInteger)
    high = bindparam("high", type_=BigInteger)
    limit = bindparam("limit", type_=Integer)
    scope: ColumnElement[bool]
    if scope_kind == "collector":
        scope = AccountRow.owner_id == who
        arrive: ColumnElement[bool] = Assignment.to_user_id == who
        leave: ColumnElement[bool] = Removal.user_id == who
    elif scope_kind == "lead":
        scope = AccountRow.team_id == who
        arrive = and_(
            Assignment.to_team_id == who, func.coalesce(Assignment.from_team_id, "") != who
        )
        leave = Removal.team_id == who
    else:
        scope = arrive = leave = false()
    kinds: list[tuple[str, Any]] = [
        (
            "account",
            select(AccountRow.version, AccountRow.id)
            .where(scope, AccountRow.version > cursor, AccountRow.version <= high)
            .order_by(AccountRow.version),
        ),
        (
            "customer",
            select(CustomerRow.version, CustomerRow.id)
            .where(
                CustomerRow.version > cursor,
                CustomerRow.version <= high,
                CustomerRow.id.in_(select(AccountRow.customer_id).where(scope)),
            )
            .order_by(CustomerRow.version),
        ),
        (
            "event",
            select(EventRow.server_version, EventRow.id)
            .join(AccountRow, AccountRow.id == EventRow.account_id)
            .where(scope, EventRow.server_version > cursor, EventRow.server_version <= high)
            .order_by(EventRow.server_version),
        ),
        (
            "arrival",
            select(Assignment.version, Assignment.account_id)
            .where(arrive, Assignment.version > cursor, Assignment.version <= high)
            .order_by(Assignment.version),
        ),
        (
            "removal",
            select(Removal.version, Removal.entity_id)
            .where(leave, Removal.version > cursor, Removal.version <= high)
            .order_by(Removal.version),
        ),
        (
            "scorecard",
            select(ScorecardRow.version, cast(ScorecardRow.id, String))
            .where(ScorecardRow.version > cursor, ScorecardRow.version <= high)
            .order_by(ScorecardRow.version),
        ),
    ]
    parts = []
    for kind, stmt in kinds:
        part = stmt.limit(limit).subquery()
        version, ident = part.c
        parts.append(select(version, ident, literal_column(f"'{kind}'", String)))
    return union_all(*parts)


def _assemble(  # noqa: PLR0917
    state: AppState,
    session: Session,
    principal: Principal,
    items: list[tuple[int, str, str]],
    next_cursor: int,
    has_more: bool,
    epoch: int,
    scorecard_id: int | None,
) -> dict[str, Any]:
    account_ids: list[str] = []
    customer_ids: list[str] = []
    event_ids: list[str] = []
    arrivals: list[str] = []
    removal_ids: list[tuple[int, str]] = []
    scorecard_changed = False
    for version, kind, ident in items:
        if kind == "account":
            account_ids.append(ident)
        elif kind == "customer":
            customer_ids.append(ident)
        elif kind == "event":
            event_ids.append(ident)
        elif kind == "arrival":
            arrivals.append(ident)
        elif kind == "removal":
            removal_ids.append((version, ident))
        else:
            scorecard_changed = True
    # arrivals still in scope bring the whole account
    arrival_rows = []
    if arrivals:
        arrival_rows = list(
            session.scalars(
                select(AccountRow).where(AccountRow.id.in_(arrivals), scope_filter(principal))
            )
        )
    arrived = {a.id for a in arrival_rows}
    for account in arrival_rows:
        if account.id not in account_ids:
            account_ids.append(account.id)
        if account.customer_id not in customer_ids:
            customer_ids.append(account.customer_id)
    events: list[dict[str, Any]] = []
    seen_events: set[str] = set()
    if arrived:
        by_version = EventRow.server_version
        for event in load_events(
            session, EventRow.account_id.in_(list(arrived)), order_by=by_version
        ):
            events.append(event)
            seen_events.add(event["id"])
    if event_ids:
        for event in load_events(
            session, EventRow.id.in_(event_ids), order_by=EventRow.server_version
        ):
            if event["id"] not in seen_events:
                events.append(event)
    events.sort(key=lambda e: e["server_version"])
    # removals: only if the account is not (back) in scope now
    removals: list[dict[str, Any]] = []
    if removal_ids:
        still = set(
            session.scalars(
                select(AccountRow.id).where(
                    AccountRow.id.in_([i for _, i in removal_ids]), scope_filter(principal)
                )
            )
        )
        latest: dict[str, int] = {}
        for version, ident in removal_ids:
            if ident not in still:
                latest[ident] = max(version, latest.get(ident, 0))
        reasons = dict(
            session.execute(
                select(Removal.entity_id, Removal.reason).where(
                    Removal.entity_id.in_(list(latest)), Removal.version.in_(list(latest.values()))
                )
            ).all()
        )
        removals = [
            {
                "kind": "account",
                "id": ident,
                "reason": reasons.get(ident, "reassigned"),
                "version": version,
            }
            for ident, version in sorted(latest.items(), key=lambda kv: kv[1])
        ]
    customers = load_customers(session, customer_ids)
    accounts = load_accounts(session, account_ids)
    scorecard = scorecard_latest(session) if scorecard_changed else None
    if customers:
        audit(
            session,
            principal,
            "read.customers",
            "customer",
            None,
            {"via": "changes", "ids": [c["id"] for c in customers]},
        )
    if not has_more or removals:
        _mark_synced(session, principal, told_of_removal=bool(removals))
    return {
        "epoch": epoch,
        "cursor": next_cursor,
        "has_more": has_more,
        "customers": customers,
        "accounts": accounts,
        "events": events,
        "removals": removals,
        "scorecard_version": scorecard.id if scorecard else scorecard_id,
        "scorecard": scorecard_dict(scorecard),
        "server_time": utcnow().isoformat(),
    }
