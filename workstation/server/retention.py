"""Change-history retention: prune old tombstones and move ``retained_from`` past them.

A removal (tombstone) tells a device that an account left its portfolio. It is only needed
by devices whose cursor is older than the removal. After ``keep`` (``Settings.change_retention``,
90 days by default) a tombstone is dropped; ``retained_from`` moves up to the newest dropped
tombstone's version, and a device presenting an older cursor gets ``410 resync_required``
(push the outbox, then download a snapshot again) instead of silently missing the removal.

``retained_from`` only ever grows. Run by ``workstation-server prune --keep-days N``, and by
``serve`` through ``MaintenanceLoop``: at start and then every ``interval`` (24 h by default,
``serve --prune-every-hours``), together with the bucket-history catch-up
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
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.server.models import Removal, ServerState
from workstation.server.scoring import RescoreReport, rescore

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "WSPRUNE" in ASCII, any constant unique to this job will do
ADVISORY_LOCK_KEY = 0x5753_5052_554E_45
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


def _take_guard(session: Session) -> bool:
    """True when this transaction may run the job (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(
            session.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
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
        if not _take_guard(session):
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


class MaintenanceLoop:
    """A daemon thread: ``run_maintenance`` at start, then whenever an interval has passed.

    It looks every ``check_every`` (at most an hour) whether a run is due, so the cadence
    holds across restarts and between processes (the last run is in the database).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        keep: timedelta,
        interval: timedelta = DEFAULT_INTERVAL,
        *,
        clock: Callable[[], datetime] | None = None,
        check_every: timedelta | None = None,
    ) -> None:
        self.sessions = sessions
        self.keep = keep
        self.interval = interval
        self.clock = clock or (lambda: datetime.now(UTC))
        self.check_every = check_every or min(interval, timedelta(hours=1))
        self.runs = 0  # rounds that actually pruned, in this process
        self.ticks = 0  # rounds tried (finished, whether they pruned or not)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> MaintenanceReport | None:
        try:
            report = run_maintenance(self.sessions, self.keep, self.clock(), self.interval)
        finally:
            self.ticks += 1
        if report is not None:
            self.runs += 1
        return report

    def _loop(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:  # keep the loop alive; the next round retries
                log.exception("scheduled pruning failed")
            if self._stop.wait(self.check_every.total_seconds()):
                return

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="maintenance")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


PRUNE_INTERVAL_ENV = "WORKSTATION_SERVER_PRUNE_INTERVAL_HOURS"
KEEP_DAYS_ENV = "WORKSTATION_SERVER_KEEP_DAYS"


def with_maintenance(app: FastAPI, loop: MaintenanceLoop) -> FastAPI:
    """Run ``loop`` for the lifetime of ``app`` (around the app's own lifespan)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        loop.start()
        try:
            async with inner(a) as value:
                yield value
        finally:
            loop.stop()

    app.router.lifespan_context = lifespan
    return app


def app_from_env() -> FastAPI:
    """``serve``'s factory: the app of ``app.app_from_env`` plus scheduled pruning.

    ``WORKSTATION_SERVER_PRUNE_INTERVAL_HOURS`` (default 24; 0 turns it off) and
    ``WORKSTATION_SERVER_KEEP_DAYS`` (default: ``Settings.change_retention``).
    """
    from workstation.server.app import create_app
    from workstation.server.settings import Settings

    overrides: dict[str, Any] = {}
    if os.environ.get(KEEP_DAYS_ENV):
        overrides["change_retention"] = timedelta(days=int(os.environ[KEEP_DAYS_ENV]))
    settings = Settings.from_env(**overrides)
    app = create_app(settings)
    hours = float(os.environ.get(PRUNE_INTERVAL_ENV) or 24)
    if hours <= 0:
        return app
    state = app.state.ws
    loop = MaintenanceLoop(state.sessions, settings.change_retention, timedelta(hours=hours))
    return with_maintenance(app, loop)
