"""Background jobs note their runs in ``server_state`` (``job.<name>.last_run_at`` and
``.last_duration_s``) so ``GET /metrics`` reports them whichever process ran them (the daily
run and retention may run in a ``workstation-server`` command, not in ``serve``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workstation.server.models import ServerState

JOB_PREFIX = "job."


def record_job_run(session: Session, job: str, started: datetime, finished: datetime) -> None:
    """Note a job's run in the caller's transaction, so it is there exactly when the job's
    work is."""
    for suffix, value in (
        ("last_run_at", finished.isoformat()),
        ("last_duration_s", f"{(finished - started).total_seconds():.3f}"),
    ):
        key = f"{JOB_PREFIX}{job}.{suffix}"[:64]
        row = session.get(ServerState, key)
        if row is None:
            session.add(ServerState(key=key, value=value))
        else:
            row.value = value
