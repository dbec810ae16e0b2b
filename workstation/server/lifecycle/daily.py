"""The daily run: time passes for the whole portfolio, one day at a time (DESIGN §10).

``run_daily(sessions, as_of)`` processes every day not yet processed up to ``as_of``, in
order — the day after the last processed one first, so a run missed for a week catches up
day by day (the first run ever processes ``as_of`` alone). Each day is ONE transaction:

1. the guard: on PostgreSQL a transaction-level advisory lock for this job
   (``pg_try_advisory_xact_lock``; a process that does not get it stops — another is
   running the days — instead of waiting), on SQLite the single writer lock
   (``BEGIN IMMEDIATE``); then the day's claim: a ``daily_runs`` row for a day already
   processed means there is nothing to do (idempotent: a second run changes nothing);
2. every unpaid account ages by the day, each bucket roll written to ``bucket_history``
   for the as-of day (``aging``, set-based SQL);
3. holds whose time is up end (``holds``); on the 1st, the past month's interest is posted,
   and every account whose interest a hold or its status freezes today counts a frozen day
   (``interest``);
4. promises whose deadline passed, or that confirmed money kept, are decided
   (``server.promises.decide_due_on``);
5. every active plan that may change is monitored (``plans``);
6. accounts paid without their paid-in-full letter get one (``letters``); reported payments
   still unmatched by the bank's money ``payment_match_days`` after their date go to the
   lead's review list (``reported.review_unmatched_reported``, the money room's);
7. the workflows' deadlines: complaints past one are raised for review, disputes whose
   validation wait is over resume (``server.workflows.daily``); then the contact
   strategies' steps due today (``server.strategy.daily``: messages asked of the compliance
   engine and queued for the messaging worker, agent tasks raised to the owners).

Steps 4–6 look only where something can have changed: a decision that needs money follows
new confirmed money (payments committed since the previous day's run started:
``confirmed.accounts_with_new_money``), one that needs time is found by its date. So an
ordinary day costs the aging UPDATE plus the day's real events, not a walk over every
account.

8. versions for everything changed are taken, and the ``daily_runs`` row is written (with
   the committed version the day started from, for the next day's "new money").
After the last day, customers past their rule pack's record retention are anonymised
(``privacy.retention.apply_retention``, each in its own transaction). Every day's run is noted
for ``GET /metrics`` (``observe.jobs``). The holds, plans and letters work account by account
in savepoints, and a promise that
cannot be decided is set aside: one bad row is logged and raised for review
(``isolation``), and the day goes on. Nothing here reads the clock
to decide: every decision is "as of the end of the day", so tests move time by running
chosen days (``workstation-server daily --as-of``), never by sleeping.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.errors import WorkstationError
from workstation.lifecycle.policy import LifecyclePolicy, load_lifecycle_policy
from workstation.server.lifecycle.aging import age_one_day
from workstation.server.lifecycle.changes import DayChanges, end_of
from workstation.server.lifecycle.confirmed import accounts_with_new_money
from workstation.server.lifecycle.holds import end_holds
from workstation.server.lifecycle.interest import count_frozen_day, post_interest
from workstation.server.lifecycle.letters import produce_letters
from workstation.server.lifecycle.models import DailyRun
from workstation.server.lifecycle.plans import monitor_plans
from workstation.server.lifecycle.reported import review_unmatched_reported
from workstation.server.models import HISTORY_DAY
from workstation.server.observe.jobs import record_job_run
from workstation.server.privacy.retention import RetentionReport, apply_retention
from workstation.server.promises import decide_due_on
from workstation.server.retention import take_guard
from workstation.server.strategy.daily import run_strategy_day
from workstation.server.versioning import committed_version
from workstation.server.workflows.daily import run_workflows
from workstation.text import Text

log = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "WSDAILY" in ASCII (the maintenance job has its own)
ADVISORY_LOCK_KEY = 0x5753_4441_494C_59


class DailyError(WorkstationError, ValueError):
    """A day that cannot be run (its message says why and what to do)."""

    summary = Text("This day cannot be processed", "无法处理该日")


@dataclass(frozen=True, slots=True)
class DayReport:
    day: date
    counts: dict[str, int]
    versions: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "counts": dict(sorted(self.counts.items())),
            "versions": self.versions,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class DailyReport:
    as_of: date
    processed: list[DayReport] = field(default_factory=list)
    already: bool = False  # as_of had been processed before: nothing to do
    busy: bool = False  # another process holds the guard: it is running the days
    retention: RetentionReport | None = None  # after the last day (privacy.retention)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "processed": [d.as_dict() for d in self.processed],
            "already_processed": self.already,
            "busy": self.busy,
            "retention": self.retention.as_dict() if self.retention else None,
        }


def last_processed(session: Session) -> date | None:
    value = session.scalar(select(func.max(DailyRun.day)))
    return value if isinstance(value, date) else None


def days_to_run(last: date | None, as_of: date) -> list[date]:
    """The days a run up to ``as_of`` processes, in order (empty when ``as_of`` is done)."""
    if last is None:
        return [as_of]
    if as_of <= last:
        return []
    return [last + timedelta(days=n) for n in range(1, (as_of - last).days + 1)]


def run_daily(
    sessions: sessionmaker[Session],
    as_of: date,
    *,
    policy: LifecyclePolicy | None = None,
    match_days: int | None = None,
) -> DailyReport:
    """Process every day not yet processed up to ``as_of`` (see the module docstring).
    ``match_days``: how long a reported payment waits for the bank's money before it goes to
    review (default: the server's ``payment_match_days``)."""
    policy = policy or load_lifecycle_policy()
    if match_days is None:
        from workstation.server.settings import Settings

        match_days = Settings.from_env().payment_match_days
    report = DailyReport(as_of)
    with sessions() as session:
        last = last_processed(session)
        processed_as_of = session.get(DailyRun, as_of) is not None
    if processed_as_of:
        report.already = True
        return report
    if last is not None and as_of < last:
        raise DailyError(
            f"{as_of} is before {last}, the last day processed, and was not processed itself: "
            "days are processed in order and never backfilled"
        )
    for day in days_to_run(last, as_of):
        outcome = run_day(sessions, day, policy, match_days)
        if outcome is None:  # another process holds the guard
            report.busy = True
            break
        if isinstance(outcome, DayReport):
            report.processed.append(outcome)
    if report.processed and not report.busy:
        # records past their pack's retention are anonymised as of the last day run (each
        # customer in a transaction of its own; idempotent: done customers are recorded)
        report.retention = apply_retention(sessions, as_of, by="daily")
        # the KPIs' daily rollups catch up with everything written until now
        from workstation.server.kpi_rollup import refresh

        refresh(sessions)
        # and the cure and roll counts of periods ending on the last day run
        from workstation.server import kpi_delinquency

        kpi_delinquency.refresh(sessions, as_of)
    return report


def run_day(
    sessions: sessionmaker[Session], day: date, policy: LifecyclePolicy, match_days: int = 7
) -> DayReport | bool | None:
    """Process one day in one transaction: its report; ``False`` if the day was already
    processed (by another process meanwhile); ``None`` if another process holds the guard."""
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    with sessions.begin() as session:
        if not take_guard(session, ADVISORY_LOCK_KEY):
            return None
        if session.get(DailyRun, day) is not None:
            return False
        last = last_processed(session)
        if last is not None and day != last + timedelta(days=1):
            raise DailyError(f"{day} does not follow {last}, the last day processed")
        session.info[HISTORY_DAY] = day
        seen_version = committed_version(session)
        previous = session.get(DailyRun, last) if last is not None else None
        since = (previous.report or {}).get("seen_version") if previous is not None else None
        new_money = accounts_with_new_money(
            session, int(since) if isinstance(since, int) else None, day
        )
        changes = DayChanges(day)
        # set-based aging first, then forget what the ORM held: the steps below read the
        # accounts as aged
        age_one_day(session, changes)
        session.expire_all()
        end_holds(session, changes)
        post_interest(session, changes)
        count_frozen_day(session, changes, policy)
        session.expire_all()
        changes.count(
            "promises_decided",
            decide_due_on(
                session,
                day,
                decided_at=end_of(day),
                grace_days=policy.promise_grace_days,
                changes=changes,
                new_money=new_money,
            ),
        )
        monitor_plans(session, changes, policy, new_money)
        produce_letters(session, changes, new_money)
        # reported payments no bank money matched in time go to the lead's review list
        changes.count(
            "reported_unmatched",
            review_unmatched_reported(session, day, match_days, end_of(day)),
        )
        run_workflows(session, changes)
        # the strategies' due steps: messages through the worker, tasks to the owners
        run_strategy_day(session, day, changes)
        versions = changes.stamp(session)
        seconds = time.perf_counter() - started
        counts = {k: v for k, v in changes.counts.items() if v}
        finished_at = datetime.now(UTC)
        session.add(
            DailyRun(
                day=day,
                started_at=started_at,
                finished_at=finished_at,
                report={"counts": counts, "versions": versions, "seen_version": seen_version},
            )
        )
        record_job_run(session, "daily", started_at, finished_at)  # GET /metrics shows it
    log.info("daily run for %s: %s (%d versions, %.1f s)", day, counts, versions, seconds)
    return DayReport(day, counts, versions, seconds)
