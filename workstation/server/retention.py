"""Change-history retention: prune old tombstones and move ``retained_from`` past them.

A removal (tombstone) tells a device that an account left its portfolio. It is only needed
by devices whose cursor is older than the removal. After ``keep`` (``Settings.change_retention``,
90 days by default) a tombstone is dropped; ``retained_from`` moves up to the newest dropped
tombstone's version, and a device presenting an older cursor gets ``410 resync_required``
(push the outbox, then download a snapshot again) instead of silently missing the removal.

``retained_from`` only ever grows. Run by ``workstation-server prune --keep-days N``, and by
``serve`` through ``maintenance.MaintenanceLoop``: at start and then every ``interval`` (24 h
by default, ``serve --prune-every-hours``), together with the bucket-history catch-up
(``bucket_history.reconcile``) and, once that has committed, the daily rescore of every
open account (``scoring.rescore``: days past due and recency move every day; only material
changes get a new version, so devices are not flooded).

**Only one process prunes at a time, and only once per interval.** ``run_maintenance`` runs in
one transaction that first takes a guard — on PostgreSQL a transaction-level advisory lock
(``pg_try_advisory_xact_lock``; a process that does not get it skips this round instead of
waiting), on SQLite the database's single writer lock (every write transaction starts with
``BEGIN IMMEDIATE``) — and then reads ``maintenance.last_run_at``: if another process ran
less than an interval ago, it does nothing. So several ``serve`` workers or machines on one
PostgreSQL prune once a day between them, and a restart does not reset the clock. The
rescore runs in the process that won that round, after its transaction (it writes in short
transactions of its own, one batch at a time, so pushes are never held up for the whole
portfolio); the others skipped the round, so it too runs once per interval.

**Announcing the retention** (``announced_retention``, served at ``GET /api/v1/sync/info``):
the smaller of this process's ``change_retention`` and the last prune's ``keep`` (a manual
``prune --keep-days 30`` shortens it), so a device can warn its user before it is too late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.server.models import Removal, ServerState
from workstation.server.scoring import RescoreReport, rescore

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "WSPRUNE" in ASCII, any constant unique to this job will do
ADVISORY_LOCK_KEY = 0x5753_5052_554E_45
# the lock a job takes is its key combined with the schema's name: an advisory lock is the
# whole database's, and two deployments (or test runs) in two schemas of one database must
# not stop each other's jobs
SCHEMA_LOCK = "(CAST(:key AS bigint) # CAST(hashtext(current_schema()) AS bigint))"
LAST_RUN_KEY = "maintenance.last_run_at"
RETENTION_KEY = "change_retention_days"
DEFAULT_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PruneReport:
    retained_from: int
    removed: int


def prune(session: Session, keep: timedelta, now: datetime) -> PruneReport:
    """Drop tombstones older than ``keep``; return the new ``retained_from``.

    Runs in the caller's transaction. Concurrent runs are harmless: the row of
    ``retained_from`` is locked while it is read and raised.
    """
    cutoff = now - keep
    state = session.get(ServerState, "retained_from", with_for_update=True)
    current = int(state.value) if state is not None else 0
    newest_old = session.scalar(select(func.max(Removal.version)).where(Removal.at < cutoff))
    target = max(current, int(newest_old or 0))
    removed = 0
    if target > current:
        if state is None:
            session.add(ServerState(key="retained_from", value=str(target)))
        else:
            session.execute(
                update(ServerState)
                .where(ServerState.key == "retained_from")
                .values(value=str(target))
            )
    if target > 0:
        result = session.execute(
            delete(Removal)
            .where(Removal.version <= target)
            .execution_options(synchronize_session=False)
        )
        removed = int(getattr(result, "rowcount", 0) or 0)
    _put(session, RETENTION_KEY, str(keep.days))
    return PruneReport(target, removed)


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(ServerState, key)
    if row is None:
        session.add(ServerState(key=key, value=value))
    else:
        row.value = value


def announced_retention(session: Session, configured: timedelta) -> dict[str, int]:
    """What ``GET /sync/info`` tells devices: retention in days and the oldest usable cursor."""
    days = configured.days
    last = session.get(ServerState, RETENTION_KEY)
    if last is not None and last.value.isdigit():
        days = min(days, int(last.value))
    retained = session.get(ServerState, "retained_from")
    return {
        "change_retention_days": days,
        "retained_from": int(retained.value) if retained is not None else 0,
    }


@dataclass(frozen=True, slots=True)
class MaintenanceReport:
    prune: PruneReport
    history_rows: int
    rescore: RescoreReport | None = None  # None: not asked for, or it failed (logged)


def take_guard(session: Session, key: int = ADVISORY_LOCK_KEY) -> bool:
    """True when this transaction may run the job whose advisory-lock key is ``key`` (see the
    module docstring; the daily run has a key of its own)."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(
            session.scalar(text(f"SELECT pg_try_advisory_xact_lock({SCHEMA_LOCK})"), {"key": key})
        )
    return True  # SQLite: BEGIN IMMEDIATE already made this the only writer


def run_maintenance(
    sessions: sessionmaker[Session],
    keep: timedelta,
    now: datetime,
    interval: timedelta,
    *,
    rescore_accounts: bool = True,
) -> MaintenanceReport | None:
    """Prune and catch up the bucket history, unless another process holds the guard or
    ran less than ``interval`` ago (then ``None``). One transaction; then, if it ran, the
    rescore of every open account as of ``now`` (its own short transactions)."""
    from workstation.server.bucket_history import reconcile

    with sessions.begin() as session:
        if not take_guard(session):
            return None
        last = session.get(ServerState, LAST_RUN_KEY, with_for_update=True)
        if last is not None:
            try:
                if now - datetime.fromisoformat(last.value) < interval:
                    return None
            except ValueError:
                pass  # unreadable: run, and overwrite it
        report = prune(session, keep, now)
        history_rows = reconcile(session, now.astimezone(UTC).date())
        _put(session, LAST_RUN_KEY, now.isoformat())
    log.info(
        "maintenance: pruned %d tombstones (retained_from %d), %d bucket-history rows",
        report.removed,
        report.retained_from,
        history_rows,
    )
    rescored = None
    if rescore_accounts:
        try:
            rescored = rescore(sessions, as_of=now)
        except Exception:  # the prune is committed; the next round rescores again
            log.exception("scheduled rescore failed")
    return MaintenanceReport(report, history_rows, rescored)
