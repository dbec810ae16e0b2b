"""Team-lead services: overview, reassignment (one transaction each, audited), KPIs in SQL.

Reassignment writes, in one transaction: the account's new owner (and team) with a new
version, an ``assignments`` row (the new owner's next pull brings the whole account), and a
``removals`` row for the old owner (their next pull removes it; the client keeps it until
its own outbox for that account is acknowledged).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, EventType, PromiseStatus, VisitOutcome
from workstation.domain.model import new_id
from workstation.kpi import (
    KpiCounts,
    attempt_codes,
    compute,
    recovery_by_currency,
    right_party_codes,
    roll_rates_by_bucket,
)
from workstation.server import kpi_delinquency, kpi_summaries
from workstation.server.bucket_history import BUCKET_ORDER, bucket_rank, state_as_of
from workstation.server.deps import Principal, audit, utcnow
from workstation.server.errors import ApiError
from workstation.server.kpi_rollup import event_counts
from workstation.server.lifecycle.money_kpis import (
    exact_sum,
    joined,
    money_by_owner,
    not_voided,
    reported_by_recorder,
)
from workstation.server.models import (
    AccountRow,
    Assignment,
    Device,
    EventRow,
    Removal,
    User,
)
from workstation.server.serialize import wire_money
from workstation.server.teams import COLLECTOR_ROLES, team_members
from workstation.server.versioning import allocate


def _member(session: Session, principal: Principal, user_id: str) -> User:
    user = session.get(User, user_id)
    if (
        user is None
        or user.team_id != principal.team_id
        or user.role not in COLLECTOR_ROLES
        or not user.active
    ):
        raise ApiError(404, "not_found", "no such agent in your team")
    return user


# --- overview ------------------------------------------------------------------------------------


def overview(session: Session, principal: Principal, online_window: timedelta) -> dict[str, Any]:
    assert principal.team_id is not None
    members = team_members(session, principal.team_id)
    ids = [m.id for m in members]
    queues: dict[str, dict[str, Any]] = defaultdict(lambda: {"accounts": 0, "balances": {}})
    for owner, currency, count, high, low in session.execute(
        select(
            AccountRow.owner_id,
            AccountRow.currency,
            func.count(),
            *exact_sum(AccountRow.balance_minor),
        )
        .where(AccountRow.owner_id.in_(ids), AccountRow.team_id == principal.team_id)
        .group_by(AccountRow.owner_id, AccountRow.currency)
    ):
        entry = queues[owner or ""]
        entry["accounts"] += int(count)
        entry["balances"][currency] = wire_money(joined(high, low), currency)
    devices: dict[str, list[Device]] = defaultdict(list)
    for device in session.scalars(
        select(Device).where(Device.user_id.in_(ids), Device.revoked_at.is_(None))
    ):
        devices[device.user_id].append(device)
    day = utcnow().date()
    today = datetime.combine(day, time(0), UTC)
    activity = _activity(session, ids, today, today + timedelta(days=1))
    for owner, money in money_by_owner(session, ids, day, day).items():
        activity[owner]["collected"] = _wire_map(money["collected"])
    for recorder, reported in reported_by_recorder(session, ids, day, day).items():
        activity[recorder]["reported"] = _wire_map(reported)
    now = utcnow()
    agents = []
    for member in members:
        own = devices.get(member.id, [])
        seen = max((d.last_seen_at for d in own if d.last_seen_at), default=None)
        synced = max((d.last_sync_at for d in own if d.last_sync_at), default=None)
        backlog = sum(d.outbox_pending or 0 for d in own)
        queue = queues.get(member.id, {"accounts": 0, "balances": {}})
        agents.append(
            {
                "user_id": member.id,
                "username": member.username,
                "display_name": member.display_name,
                "role": member.role,
                "accounts": queue["accounts"],
                "balances": queue["balances"],
                "online": seen is not None and now - seen <= online_window,
                "last_seen_at": seen.isoformat() if seen else None,
                "last_sync_at": synced.isoformat() if synced else None,
                "outbox_pending": backlog,
                "devices": [
                    {
                        "device_id": d.id,
                        "name": d.name,
                        "outbox_pending": d.outbox_pending,
                        "last_sync_at": d.last_sync_at.isoformat() if d.last_sync_at else None,
                    }
                    for d in own
                ],
                "today": activity.get(member.id, _empty_activity()),
            }
        )
    unassigned = session.scalar(
        select(func.count())
        .select_from(AccountRow)
        .where(AccountRow.team_id == principal.team_id, AccountRow.owner_id.is_(None))
    )
    return {"team_id": principal.team_id, "agents": agents, "unassigned": int(unassigned or 0)}


def _empty_activity() -> dict[str, Any]:
    # collected: confirmed money today on the accounts the agent holds; reported: what the
    # agent reported today that no bank payment has confirmed yet (never in "collected")
    return {
        "attempts": 0,
        "right_party_contacts": 0,
        "promises": 0,
        "collected": {},
        "reported": {},
    }


def _wire_map(amounts: dict[str, int]) -> dict[str, str | None]:
    return {c: wire_money(v, c) for c, v in sorted(amounts.items())}


def _activity(
    session: Session, user_ids: list[str], start: datetime, end: datetime
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(_empty_activity)
    counts = _event_counts(session, EventRow.recorded_by_id.in_(user_ids), start, end)
    for user_id, row in counts.items():
        out[user_id].update(
            attempts=row.attempts,
            right_party_contacts=row.right_party_contacts,
            promises=row.promises,
        )
    return out


# --- reassignment -------------------------------------------------------------------------------


@dataclass
class Move:
    account_id: str
    from_user_id: str | None
    to_user_id: str
    balance_minor: int
    currency: str


def _apply_moves(
    session: Session, principal: Principal, moves: list[Move], action: str, detail: dict[str, Any]
) -> str:
    batch_id = new_id()
    real = [m for m in moves if m.from_user_id != m.to_user_id]
    if not real:
        audit(session, principal, action, "team", principal.team_id, {**detail, "moved": 0})
        return batch_id
    now = utcnow()
    accounts = {
        a.id: a
        for a in session.scalars(
            select(AccountRow)
            .where(AccountRow.id.in_([m.account_id for m in real]))
            .order_by(AccountRow.id)  # one lock order for every writer
            .with_for_update()
        )
    }
    # versions: one for each account row, one for each removal, one for each arrival
    first = allocate(session, 3 * len(real))
    for offset, move in enumerate(real):
        account = accounts[move.account_id]
        base = first + 3 * offset
        old_owner, old_team = account.owner_id, account.team_id
        account.owner_id = move.to_user_id
        account.team_id = principal.team_id
        account.version = base
        if old_owner is not None:
            session.add(
                Removal(
                    version=base + 1,
                    kind="account",
                    entity_id=account.id,
                    user_id=old_owner,
                    team_id=old_team if old_team != principal.team_id else None,
                    reason="reassigned",
                    at=now,
                )
            )
        session.add(
            Assignment(
                version=base + 2,
                account_id=account.id,
                from_user_id=old_owner,
                to_user_id=move.to_user_id,
                from_team_id=old_team,
                to_team_id=principal.team_id,
                by_user_id=principal.user_id,
                batch_id=batch_id,
                at=now,
            )
        )
    audit(
        session,
        principal,
        action,
        "team",
        principal.team_id,
        {
            **detail,
            "batch_id": batch_id,
            "moved": len(real),
            "moves": [[m.account_id, m.from_user_id, m.to_user_id] for m in real],
        },
    )
    return batch_id


def _moves_out(session: Session, moves: list[Move]) -> list[dict[str, Any]]:
    names = dict(session.execute(select(User.id, User.username)).all())
    return [
        {
            "account_id": m.account_id,
            "from_user_id": m.from_user_id,
            "from_username": names.get(m.from_user_id or ""),
            "to_user_id": m.to_user_id,
            "to_username": names.get(m.to_user_id),
            "balance": wire_money(m.balance_minor, m.currency),
            "currency": m.currency,
        }
        for m in moves
        if m.from_user_id != m.to_user_id
    ]


def _summary(moves: list[Move]) -> dict[str, Any]:
    real = [m for m in moves if m.from_user_id != m.to_user_id]
    per_agent: dict[str, dict[str, int]] = defaultdict(lambda: {"in": 0, "out": 0})
    for m in real:
        per_agent[m.to_user_id]["in"] += 1
        if m.from_user_id:
            per_agent[m.from_user_id]["out"] += 1
    return {"count": len(real), "per_agent": dict(per_agent)}


def _team_accounts(session: Session, principal: Principal, ids: list[str]) -> list[AccountRow]:
    rows = list(
        session.scalars(
            select(AccountRow).where(
                AccountRow.id.in_(ids), AccountRow.team_id == principal.team_id
            )
        )
    )
    if len(rows) != len(set(ids)):
        raise ApiError(404, "not_found", "some accounts are not in your team")
    return rows


def reassign(
    session: Session,
    principal: Principal,
    account_ids: list[str],
    to_user_id: str,
    dry_run: bool,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    target = _member(session, principal, to_user_id)
    rows = _team_accounts(session, principal, account_ids)
    moves = [Move(a.id, a.owner_id, target.id, a.balance_minor, a.currency) for a in rows]
    return _finish(
        session, principal, moves, dry_run, "lead.reassign", {"to": target.id}, reason=reason
    )


def move_queue(
    session: Session,
    principal: Principal,
    from_user_id: str,
    to_user_id: str,
    dry_run: bool,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    source = _member(session, principal, from_user_id)
    target = _member(session, principal, to_user_id)
    rows = session.scalars(
        select(AccountRow)
        .where(AccountRow.owner_id == source.id, AccountRow.team_id == principal.team_id)
        .order_by(AccountRow.id)
    )
    moves = [Move(a.id, a.owner_id, target.id, a.balance_minor, a.currency) for a in rows]
    return _finish(
        session,
        principal,
        moves,
        dry_run,
        "lead.move_queue",
        {"from": source.id, "to": target.id},
        reason=reason,
    )


def rebalance(
    session: Session,
    principal: Principal,
    user_ids: list[str],
    by: str,
    dry_run: bool,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """Even out the chosen agents' queues by account count or by balance.

    Deterministic: accounts sorted by balance (largest first), then id; by count, each
    agent keeps as many of its own accounts as its fair share allows and the surplus goes
    to the agents furthest below their share. By balance, each agent keeps its own accounts
    (largest first) while under the mean balance; the surplus, largest first, goes each to
    the agent holding the least so far. Only surplus accounts move. Balances in different
    currencies are compared in minor units, so rebalance a single-currency team by balance.
    """
    members = [_member(session, principal, uid) for uid in dict.fromkeys(user_ids)]
    if len(members) < 2:
        raise ApiError(422, "invalid_request", "choose at least two agents to rebalance")
    member_ids = [m.id for m in members]
    rows = list(
        session.scalars(
            select(AccountRow).where(
                AccountRow.owner_id.in_(member_ids), AccountRow.team_id == principal.team_id
            )
        )
    )
    rows.sort(key=lambda a: (-a.balance_minor, a.id))
    moves: list[Move] = []
    if by == "count":
        total = len(rows)
        share = {
            uid: total // len(member_ids) + (1 if i < total % len(member_ids) else 0)
            for i, uid in enumerate(member_ids)
        }
        held: dict[str, int] = defaultdict(int)
        surplus: list[AccountRow] = []
        for account in sorted(rows, key=lambda a: a.id):
            owner = account.owner_id or ""
            if held[owner] < share.get(owner, 0):
                held[owner] += 1
                moves.append(
                    Move(account.id, owner, owner, account.balance_minor, account.currency)
                )
            else:
                surplus.append(account)
        for account in surplus:
            needy = min(member_ids, key=lambda uid: (held[uid] - share[uid], member_ids.index(uid)))
            held[needy] += 1
            moves.append(
                Move(account.id, account.owner_id, needy, account.balance_minor, account.currency)
            )
    else:
        total_balance = sum(a.balance_minor for a in rows)
        target = total_balance / len(member_ids)
        load: dict[str, int] = dict.fromkeys(member_ids, 0)
        surplus = []
        for account in rows:  # largest first: an agent keeps its own while under target
            owner = account.owner_id or ""
            if load[owner] + account.balance_minor <= target:
                load[owner] += account.balance_minor
                moves.append(
                    Move(account.id, owner, owner, account.balance_minor, account.currency)
                )
            else:
                surplus.append(account)
        for account in surplus:
            lightest = min(member_ids, key=lambda uid: (load[uid], member_ids.index(uid)))
            load[lightest] += account.balance_minor
            moves.append(
                Move(
                    account.id, account.owner_id, lightest, account.balance_minor, account.currency
                )
            )
    return _finish(
        session,
        principal,
        moves,
        dry_run,
        "lead.rebalance",
        {"agents": member_ids, "by": by},
        reason=reason,
    )


def _finish(  # noqa: PLR0917
    session: Session,
    principal: Principal,
    moves: list[Move],
    dry_run: bool,
    action: str,
    detail: dict[str, Any],
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """The answer (and, unless a dry run, the moves). A move to an agent not certified for
    the account's jurisdiction is listed in ``uncertified`` and needs a ``reason``, which
    the audit keeps (``server.quality.certification``)."""
    from workstation.server.quality.certification import uncertified_moves

    real = [(m.account_id, m.to_user_id) for m in moves if m.from_user_id != m.to_user_id]
    uncertified = uncertified_moves(session, real, utcnow().date())
    out: dict[str, Any] = {
        "dry_run": dry_run,
        "moves": _moves_out(session, moves),
        "summary": _summary(moves),
        "batch_id": None,
        "uncertified": uncertified,
    }
    if uncertified and not dry_run:
        why = (reason or "").strip()
        if not why:
            raise ApiError(
                409,
                "certification_reason_required",
                f"{len(uncertified)} account(s) would go to an agent not certified for their "
                "jurisdiction: give a reason to move them anyway",
            )
        detail = {**detail, "uncertified": uncertified, "reason": why}
    if not dry_run:
        out["batch_id"] = _apply_moves(session, principal, moves, action, detail)
    return out


# --- KPIs ---------------------------------------------------------------------------------------


def _event_counts(
    session: Session, who: Any, start: datetime, end: datetime
) -> dict[str, KpiCounts]:
    attempts = list(attempt_codes())
    rpcs = list(right_party_codes())
    is_contact = EventRow.type == EventType.CONTACT_ATTEMPT.value
    is_visit = EventRow.type == EventType.VISIT.value
    met = EventRow.payload["outcome"].as_string() == VisitOutcome.MET_DEBTOR.value

    def flag(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    stmt = (
        select(
            EventRow.recorded_by_id,
            flag(or_(and_(is_contact, EventRow.disposition.in_(attempts)), is_visit)),
            flag(or_(and_(is_contact, EventRow.disposition.in_(rpcs)), and_(is_visit, met))),
            flag(EventRow.type == EventType.PROMISE.value),
            flag(EventRow.type == EventType.SATISFACTION.value),
            func.sum(
                case((EventRow.type == EventType.SATISFACTION.value, EventRow.score), else_=0)
            ),
        )
        .where(who, EventRow.occurred_at >= start, EventRow.occurred_at < end, not_voided())
        .group_by(EventRow.recorded_by_id)
    )
    out: dict[str, KpiCounts] = {}
    for user_id, n_attempts, n_rpc, n_promises, n_sat, sat_sum in session.execute(stmt):
        out[user_id or ""] = KpiCounts(
            attempts=int(n_attempts or 0),
            right_party_contacts=int(n_rpc or 0),
            promises=int(n_promises or 0),
            satisfaction_count=int(n_sat or 0),
            satisfaction_sum=int(sat_sum or 0),
        )
    return out


def kpi_counts(
    session: Session, user_ids: list[str], start_day: date, end_day: date
) -> dict[str, KpiCounts]:
    """Counts per agent for ``[start_day, end_day]`` (inclusive, UTC days)."""
    start = datetime.combine(start_day, time(0), UTC)
    end = datetime.combine(end_day + timedelta(days=1), time(0), UTC)
    # the events' counts from the daily rollups (equal to ``_event_counts``' scan)
    counts = event_counts(session, user_ids, start_day, end_day)
    # promises falling due in the period and decided, by recorder (running totals kept by
    # triggers, equal to a scan of the promises: ``kpi_summaries``)
    for uid, (due, kept) in kpi_summaries.promises_due(
        session,
        user_ids,
        start_day,
        end_day,
        statuses=(PromiseStatus.KEPT.value, PromiseStatus.BROKEN.value),
        kept=PromiseStatus.KEPT.value,
    ).items():
        if uid in counts:
            counts[uid].promises_due += due
            counts[uid].promises_kept += kept
    # portfolio KPIs on the accounts each agent holds now (the same running totals)
    for holder, currency, n, placed in kpi_summaries.portfolio(session, user_ids):
        if holder in counts:
            entry = counts[holder]
            entry.accounts += n
            entry.placed[currency] = entry.placed.get(currency, 0) + placed
    for owner, n in session.execute(
        select(AccountRow.owner_id, func.count())
        .select_from(EventRow)
        .join(AccountRow, AccountRow.id == EventRow.account_id)
        .where(
            AccountRow.owner_id.in_(user_ids),
            EventRow.type == EventType.COMPLAINT.value,
            # a complaint counts once, at intake: its workflow's steps name it
            EventRow.payload["complaint_id"].as_string().is_(None),
            EventRow.occurred_at >= start,
            EventRow.occurred_at < end,
            not_voided(),
        )
        .group_by(AccountRow.owner_id)
    ):
        if owner in counts:
            counts[owner].complaints += int(n)
    # confirmed money is recovery; reported money only stands beside it
    for owner, money in money_by_owner(session, user_ids, start_day, end_day).items():
        if owner in counts:
            counts[owner].collected.update(money["collected"])
            counts[owner].reported.update(money["reported"])
    _delinquency_counts(session, counts, start_day, end_day)
    return counts


CLOSED_STATUSES = tuple(s.value for s in AccountStatus if s.is_closed)
PAID_UP_STATUSES = (AccountStatus.PAID.value, AccountStatus.SETTLED.value)


def _delinquency_counts(
    session: Session, counts: dict[str, KpiCounts], start_day: date, end_day: date
) -> None:
    """Cure and roll counts (``workstation.kpi``), by the account's owner at the start.

    The start state is the end of the day before ``start_day``, the end state the end of
    ``end_day`` (``bucket_history``). Accounts closed at the start are not counted.
    """
    stored = kpi_delinquency.counts(session, list(counts), start_day, end_day)
    rows = (
        _delinquency_scan(session, list(counts), start_day, end_day)
        if stored is None
        else [(owner, rank, n, c, r) for (owner, rank), (n, c, r) in stored.items()]
    )
    worst = len(BUCKET_ORDER) - 1
    for owner, rank, n, n_cured, n_rolled in rows:
        entry = counts[owner]
        bucket = BUCKET_ORDER[int(rank)].value
        entry.in_bucket_at_start[bucket] = entry.in_bucket_at_start.get(bucket, 0) + int(n)
        if rank < worst:
            entry.rolled_from_bucket[bucket] = entry.rolled_from_bucket.get(bucket, 0) + int(
                n_rolled or 0
            )
        if rank > 0:
            entry.delinquent_at_start += int(n)
            entry.cured += int(n_cured or 0)
            if rank < worst:
                entry.roll_base += int(n)
                entry.rolled += int(n_rolled or 0)


def _delinquency_scan(
    session: Session, owners: list[str], start_day: date, end_day: date
) -> list[Any]:
    """The cure and roll counts by scanning ``bucket_history`` (what ``kpi_delinquency``
    stores, and its fallback): (owner, bucket rank, accounts, cured, rolled) rows."""
    start = state_as_of(start_day - timedelta(days=1))
    end = state_as_of(end_day)
    from_rank = bucket_rank(start.c.days_past_due)
    to_rank = bucket_rank(end.c.days_past_due)
    paid_up = end.c.status.in_(PAID_UP_STATUSES)
    cured = or_(to_rank == 0, paid_up)
    rolled = and_(to_rank > from_rank, ~paid_up)
    stmt = (
        select(
            start.c.owner_id,
            from_rank,
            func.count(),
            func.sum(case((cured, 1), else_=0)),
            func.sum(case((rolled, 1), else_=0)),
        )
        .join(end, end.c.account_id == start.c.account_id)
        .where(start.c.owner_id.in_(owners), start.c.status.not_in(CLOSED_STATUSES))
        .group_by(start.c.owner_id, from_rank)
    )
    return list(session.execute(stmt))


def _kpi_out(counts: KpiCounts) -> dict[str, Any]:
    values = compute(counts)
    return {
        "kpis": {k: (str(v) if v is not None else None) for k, v in values.items()},
        "recovery_by_currency": {
            c: (str(v) if v is not None else None) for c, v in recovery_by_currency(counts).items()
        },
        "roll_rates_by_bucket": {
            b: (str(v) if v is not None else None) for b, v in roll_rates_by_bucket(counts).items()
        },
        "counts": {
            "attempts": counts.attempts,
            "right_party_contacts": counts.right_party_contacts,
            "promises": counts.promises,
            "promises_due": counts.promises_due,
            "promises_kept": counts.promises_kept,
            "complaints": counts.complaints,
            "accounts": counts.accounts,
            "satisfaction_count": counts.satisfaction_count,
            "collected": {c: wire_money(v, c) for c, v in sorted(counts.collected.items())},
            "reported_unconfirmed": {
                c: wire_money(v, c) for c, v in sorted(counts.reported.items())
            },
            "placed": {c: wire_money(v, c) for c, v in sorted(counts.placed.items())},
            "delinquent_at_start": counts.delinquent_at_start,
            "cured": counts.cured,
            "roll_base": counts.roll_base,
            "rolled": counts.rolled,
            "in_bucket_at_start": dict(counts.in_bucket_at_start),
            "rolled_from_bucket": dict(counts.rolled_from_bucket),
        },
    }


def kpis(
    session: Session, principal: Principal, start_day: date, end_day: date, weekly: bool
) -> dict[str, Any]:
    assert principal.team_id is not None
    members = team_members(session, principal.team_id)
    ids = [m.id for m in members]
    counts = kpi_counts(session, ids, start_day, end_day)
    team = KpiCounts()
    agents = []
    for member in members:
        team.add(counts[member.id])
        agents.append(
            {
                "user_id": member.id,
                "username": member.username,
                "display_name": member.display_name,
                **_kpi_out(counts[member.id]),
            }
        )
    out: dict[str, Any] = {
        "team_id": principal.team_id,
        "from": start_day.isoformat(),
        "to": end_day.isoformat(),
        "team": _kpi_out(team),
        "agents": agents,
        "weeks": [],
    }
    if weekly:
        week_start = start_day - timedelta(days=start_day.weekday())
        while week_start <= end_day:
            week_end = week_start + timedelta(days=6)
            weekly_counts = kpi_counts(
                session, ids, max(week_start, start_day), min(week_end, end_day)
            )
            total = KpiCounts()
            for value in weekly_counts.values():
                total.add(value)
            out["weeks"].append({"week_start": week_start.isoformat(), **_kpi_out(total)})
            week_start += timedelta(days=7)
    return out
