"""The server's scheduled work in one daemon thread: pruning and rescoring
(``retention.run_maintenance``), the daily run (``lifecycle.daily``) and the weekly QA
sample (``quality.sampling``), each guarded in the database so that among several processes
one does it (``MaintenanceLoop``); and running it for an app's lifetime (``with_maintenance``,
which ``app.app_from_env`` applies)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from workstation.server.retention import DEFAULT_INTERVAL, MaintenanceReport, run_maintenance

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

PRUNE_INTERVAL_ENV = "WORKSTATION_SERVER_PRUNE_INTERVAL_HOURS"
KEEP_DAYS_ENV = "WORKSTATION_SERVER_KEEP_DAYS"


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
        daily: bool = False,
    ) -> None:
        self.sessions = sessions
        self.keep = keep
        self.interval = interval
        self.clock = clock or (lambda: datetime.now(UTC))
        self.check_every = check_every or min(interval, timedelta(hours=1))
        # also run the daily run (``server.lifecycle.daily``) for the last whole day at each
        # check: it is idempotent per day and guarded, so between processes it runs once
        self.daily = daily
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
        if self.daily:
            self.run_daily()
            self.run_quality_sample()
        return report

    def run_daily(self) -> None:
        from workstation.server.lifecycle.daily import run_daily

        yesterday = self.clock().astimezone(UTC).date() - timedelta(days=1)
        try:
            run_daily(self.sessions, yesterday)
        except Exception:  # the next check tries again; the days not done are caught up
            log.exception("scheduled daily run failed")

    def run_quality_sample(self) -> None:
        """The weekly QA sample (``server.quality.sampling``): once per whole week, claimed in
        the database, so whichever process checks first after a Sunday takes it."""
        from workstation.server.quality.sampling import run_weekly_sampling

        try:
            run_weekly_sampling(self.sessions, self.clock().astimezone(UTC).date())
        except Exception:  # the next check tries again; missed weeks are caught up
            log.exception("scheduled QA sampling failed")

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
