"""The commit-order cursor: one global version counter, bumped inside each writing transaction.

``allocate(session, n)`` runs ``UPDATE version_counter SET value = value + n … RETURNING``.
On PostgreSQL the UPDATE takes the counter row's lock and holds it until the transaction
commits, so a second writer waits at its own UPDATE until the first one has committed:
versions are handed out in commit order, and every version at or below the *committed*
counter value belongs to a transaction that has already committed (or rolled back). A
reader therefore reads the committed counter first (``committed_version``) and never
returns rows above it; nothing committed later can appear below a cursor it already gave
out. On SQLite every write transaction is ``BEGIN IMMEDIATE``, which serialises writers
the same way.

Writers should allocate as late as possible in their transaction (just before commit) so
the lock is held only briefly.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.server.models import VersionCounter

_BUMP = text("UPDATE version_counter SET value = value + :n WHERE id = 1 RETURNING value")


def allocate(session: Session, count: int = 1) -> int:
    """Reserve ``count`` consecutive versions; return the FIRST of them."""
    if count < 1:
        raise ValueError("count must be positive")
    last = session.execute(_BUMP, {"n": count}).scalar_one()
    return int(last) - count + 1


def next_version(session: Session) -> int:
    return allocate(session, 1)


def committed_version(session: Session) -> int:
    """The highest version whose transaction is known to have finished."""
    value = session.scalar(select(VersionCounter.value).where(VersionCounter.id == 1))
    return int(value or 0)


def commit(session: Session) -> None:
    """Commit, sending the final flush (INSERTs and audit entries) in ONE pipeline first.

    A writer holds the counter row's lock from ``allocate`` until its commit; every round
    trip in between is time the lock is held waiting for this Python thread to be scheduled
    again (on a busy two-core machine, easily tens of milliseconds, and every other writer
    queues behind it). In psycopg pipeline mode the flush's INSERTs go out together and the
    server runs them back to back; then COMMIT. UPDATEs need their row counts back (the ORM's
    stale-data check), so a session with changed rows flushes those first. The connection
    stays checked out by the session throughout. On SQLite a plain commit.
    """
    from workstation.server.deps import write_audit

    connection = session.connection()
    raw = getattr(connection.connection, "driver_connection", None)
    if raw is None or not hasattr(raw, "pipeline"):
        session.commit()
        return
    import psycopg

    if session.dirty or session.deleted:
        session.flush()
    try:
        with raw.pipeline():
            session.flush()
            write_audit(session)
    except psycopg.IntegrityError as exc:  # surfaced at the pipeline's sync: same as unpipelined
        raise IntegrityError("pipelined flush", None, exc) from exc
    session.commit()
