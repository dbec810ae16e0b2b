"""Agreement PDFs (blobs) from a field laptop: thin wrappers over the sync engine.

The sync engine uploads every pending document by hash before it pushes the events that
name them (``workstation.sync.blobs``), so ``sync_field_device`` is one ordinary sync
whose report says how many documents went. ``upload_documents`` sends the documents alone
(same code path) for callers that want them out before anything else. Blocking: call from
a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.sync.blobs import BlobSource, upload_pending
from workstation.sync.engine import SyncEngine, SyncProgress, SyncReport
from workstation.sync.session import ApiSession

BlobStore = BlobSource  # the name this module exported before


@dataclass(frozen=True, slots=True)
class UploadReport:
    uploaded: int  # documents now confirmed on the server (sent, or found already there)
    failed: tuple[str, ...]  # blob ids that could not be sent this time (or ever: see engine)


def upload_documents(store: BlobSource, api: ApiSession) -> UploadReport:
    """Send every not-yet-uploaded blob; an unreachable server raises ``OfflineError``."""
    outcome = upload_pending(store, api)
    if outcome.offline is not None:
        raise outcome.offline
    return UploadReport(outcome.confirmed, tuple(sorted({*outcome.failed, *outcome.broken})))


def sync_field_device(
    engine: SyncEngine, progress: SyncProgress | None = None
) -> tuple[SyncReport, UploadReport]:
    """One sync (documents first, then the events that name them, then the pull).

    Returns the engine's ``SyncReport`` and the documents part of it as an ``UploadReport``.
    """
    report = engine.sync(progress)
    return report, _uploads_of(report)


def _uploads_of(report: object) -> UploadReport:
    """The documents part of a sync report (a stand-in engine's report may lack it)."""
    sent = getattr(report, "blobs_uploaded", 0) + getattr(report, "blobs_present", 0)
    waiting = {*getattr(report, "blobs_failed", ()), *getattr(report, "blobs_broken", ())}
    return UploadReport(int(sent), tuple(sorted(str(d) for d in waiting)))


__all__ = ["BlobStore", "UploadReport", "sync_field_device", "upload_documents"]
