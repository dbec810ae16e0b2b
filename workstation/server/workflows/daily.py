"""What the daily run does for the workflows, for the day it processes (one call from
``lifecycle.daily``): complaints past a deadline are raised for review
(``complaints.overdue``), disputes whose validation wait is over resume
(``disputes.workflow.resume_due``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from workstation.server.complaints.overdue import mark_overdue
from workstation.server.disputes.workflow import resume_due
from workstation.server.lifecycle.changes import DayChanges


def run_workflows(session: Session, changes: DayChanges) -> None:
    mark_overdue(session, changes)
    resume_due(session, changes)
