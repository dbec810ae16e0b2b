"""Change-history retention: prune old tombstones and move ``retained_from`` past them.

A removal (tombstone) tells a device that an account left its portfolio. It is only needed
by devices whose cursor is older than the removal. After ``keep`` (``Settings.change_retention``,
90 days by default) a tombstone is dropped; ``retained_from`` moves up to the newest dropped
tombstone's version, and a device presenting an older cursor gets ``410 resync_required``
(push the outbox, then download a snapshot again) instead of silently missing the removal.

``retained_from`` only ever grows. Run by ``workstation-server prune --keep-days N``, at
``serve`` start and then periodically by the server (``app``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from workstation.server.models import Removal, ServerState


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
    return PruneReport(target, removed)
