"""The daily run's entry to the strategy room: the day's steps in a savepoint of their own
(first the raised tasks an outcome or a stop condition settled, ``settle``, then the day's
new steps, ``run``).

A strategy that cannot run (a file a lead broke, a bug) must not stop the day's aging,
promises and plans: its savepoint is rolled back, the failure logged and counted in the
day's report (``strategy_failed``), and the day goes on. The steps not taken are taken by
no later day either — a cadence step belongs to its day — so the failure is loud.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.orm import Session

from workstation.server.lifecycle.changes import DayChanges
from workstation.server.strategy.run import run_strategies
from workstation.server.strategy.settle import settle_raised

log = logging.getLogger(__name__)


def run_strategy_day(session: Session, day: date, changes: DayChanges) -> None:
    step = DayChanges(day)
    try:
        with session.begin_nested():
            settle_raised(session, day, step)  # yesterday's tasks the desk no longer shows
            run_strategies(session, day, step)
    except Exception:
        log.exception("the strategy run failed on %s; the day goes on without it", day)
        changes.count("strategy_failed")
        return
    changes.merge(step)
