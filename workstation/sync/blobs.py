"""Documents (blobs) go to the server by hash, before the events that name them.

A rendered agreement PDF is kept in the local store under its SHA-256 and named by its
``plan_agreement`` event (``payload.document_sha256``). The server must never hold such an
event without its document, so a sync first offers every blob the store has not yet
marked uploaded:

* ``HEAD /api/v1/blobs/{sha256}`` — already there (an earlier upload whose answer was lost):
  mark it uploaded, send nothing;
* otherwise ``PUT /api/v1/blobs/{sha256}`` with the bytes — idempotent on the server (the same
  bytes twice are stored once), so a retry after a lost answer is harmless;
* then ``mark_blob_uploaded``.

A blob that cannot be sent now (offline, server busy or failing) stays pending and is offered
again next sync; the engine holds back only the outbox entries that name it (and later
entries of the same account, to keep that account's order) — unrelated changes still go.
A blob that can never be sent from this laptop (its file is gone or damaged, the server
refuses it for good) is *broken*: the entries naming it go to needs-attention with that
reason instead of waiting forever.

The other way round, documents the *server* produced (the paid-in-full letter: a
``document`` event naming ``document_sha256``) are fetched by hash after the pull
(``GET /api/v1/blobs/{sha256}``), checked against their hash and kept in the store as
already uploaded. A hash not yet fetched (offline, server busy) is remembered in the store's
state (``documents_to_fetch``) and tried again at the next sync.

Blocking: call from a worker thread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from workstation.domain.enums import EventType
from workstation.domain.model import Event
from workstation.store import BlobInfo, OutboxEntry, StoreError
from workstation.sync.errors import OfflineError, ProtocolError, ServerBusyError, ServerError
from workstation.sync.session import ApiSession

BLOB_PATH = "/api/v1/blobs/"


class BlobSource(Protocol):
    """The part of the local store this module needs (``workstation.store.Store``)."""

    def blobs_to_upload(self) -> list[BlobInfo]: ...

    def get_blob(self, sha256: str) -> bytes | None: ...

    def blob_info(self, sha256: str) -> BlobInfo | None: ...

    def mark_blob_uploaded(self, sha256: str) -> None: ...


@dataclass
class BlobOutcome:
    """What one upload round did, by hash."""

    uploaded: list[str] = field(default_factory=list)  # bytes sent and accepted
    present: list[str] = field(default_factory=list)  # the server already had them
    failed: dict[str, str] = field(default_factory=dict)  # not now: retried next sync
    broken: dict[str, str] = field(default_factory=dict)  # never from here: needs attention
    offline: OfflineError | None = None  # the round stopped: the server is unreachable

    @property
    def confirmed(self) -> int:
        return len(self.uploaded) + len(self.present)


def document_of(entry: OutboxEntry) -> str | None:
    """The document hash an outbox entry names (a ``plan_agreement`` event's PDF), if any."""
    if not entry.type.startswith("event."):
        return None
    inner = entry.payload.get("payload")
    if not isinstance(inner, Mapping):
        return None
    digest = inner.get("document_sha256")
    return str(digest) if digest else None


def upload_pending(
    store: BlobSource,
    api: ApiSession,
    *,
    check: Callable[[], None] | None = None,
    on_step: Callable[[BlobOutcome, int], None] | None = None,
) -> BlobOutcome:
    """Offer every not-yet-uploaded blob to the server (HEAD, then PUT when absent).

    Never raises for a blob that cannot be sent: it is reported in ``failed`` (transient)
    or ``broken`` (permanent). An unreachable server stops the round (``offline`` is set and
    the rest count as failed); a revoked device or an ended session still raise.
    ``check`` is called before each blob (cancel); ``on_step(outcome, total)`` after each.
    """
    outcome = BlobOutcome()
    pending = store.blobs_to_upload()
    for info in pending:
        if check is not None:
            check()
        if outcome.offline is not None:
            outcome.failed[info.sha256] = str(outcome.offline)
        else:
            _offer(store, api, info, outcome)
        if on_step is not None:
            on_step(outcome, len(pending))
    return outcome


def _offer(store: BlobSource, api: ApiSession, info: BlobInfo, outcome: BlobOutcome) -> None:
    digest = info.sha256
    try:
        data = store.get_blob(digest)
    except StoreError as exc:
        outcome.broken[digest] = f"the document on this computer is damaged ({exc})"
        return
    if data is None:
        outcome.broken[digest] = "the document's file is missing from this computer"
        return
    try:
        if _on_server(api, digest):
            store.mark_blob_uploaded(digest)
            outcome.present.append(digest)
            return
        api.call(
            "PUT",
            BLOB_PATH + digest,
            data=data,
            content_type=info.media_type or "application/octet-stream",
        )
        store.mark_blob_uploaded(digest)
        outcome.uploaded.append(digest)
    except OfflineError as exc:
        outcome.offline = exc
        outcome.failed[digest] = str(exc)
    except (ServerBusyError, ProtocolError) as exc:
        outcome.failed[digest] = str(exc)
    except ServerError as exc:
        if exc.status >= 500 or exc.status in (408, 409):
            outcome.failed[digest] = str(exc)
        else:  # 413 too large, 422 hash mismatch, 403 …: sending it again cannot help
            outcome.broken[digest] = f"the server refused the document: {exc}"


def _on_server(api: ApiSession, digest: str) -> bool:
    """HEAD: does the server already hold this blob for us? (404: not, or not visible yet)."""
    try:
        api.call("HEAD", BLOB_PATH + digest)
    except ServerError as exc:
        if exc.status == 404:
            return False
        raise
    return True


def blob_state(store: BlobSource, digest: str, outcome: BlobOutcome) -> tuple[str, str]:
    """Whether an entry naming ``digest`` may be pushed now.

    ``("ready", "")`` — the server has it; ``("wait", why)`` — not yet, retry next sync;
    ``("broken", why)`` — it can never be sent from here (needs attention).
    """
    if digest in outcome.broken:
        return "broken", outcome.broken[digest]
    if digest in outcome.failed:
        return "wait", outcome.failed[digest]
    if digest in outcome.uploaded or digest in outcome.present:
        return "ready", ""
    info = store.blob_info(digest)
    if info is None:
        return "broken", "the document it names was never saved on this computer"
    if info.uploaded:
        return "ready", ""
    # not offered in this round (it appeared meanwhile): the next sync sends it first
    return "wait", "the document was saved after this sync began"


# --- documents the server produced -----------------------------------------------------------

TO_FETCH = "documents_to_fetch"


class DocumentSink(Protocol):
    """The part of the local store fetching needs (``workstation.store.Store``)."""

    def blob_info(self, sha256: str) -> BlobInfo | None: ...

    def put_blob(self, data: bytes, *, media_type: str = ...) -> str: ...

    def mark_blob_uploaded(self, sha256: str) -> None: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...


def server_documents(events: Iterable[Event]) -> list[str]:
    """The hashes of the documents the server produced that ``events`` name."""
    found: list[str] = []
    for event in events:
        if event.type is EventType.DOCUMENT:
            digest = event.payload.get("document_sha256")
            if isinstance(digest, str) and len(digest) == 64:
                found.append(digest)
    return found


def remember(store: DocumentSink, digests: Iterable[str]) -> None:
    """Note hashes to fetch (those the store already holds are left out)."""
    new = [d for d in dict.fromkeys(digests) if store.blob_info(d) is None]
    if not new:
        return
    wanted = list(store.get_state(TO_FETCH) or [])
    wanted.extend(d for d in new if d not in wanted)
    store.set_state(TO_FETCH, wanted)


@dataclass
class FetchOutcome:
    fetched: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # kept for the next sync


def fetch_pending(store: DocumentSink, api: ApiSession) -> FetchOutcome:
    """Fetch every remembered document the store does not hold yet."""
    outcome = FetchOutcome()
    wanted = list(store.get_state(TO_FETCH) or [])
    left: list[str] = []
    for digest in wanted:
        if store.blob_info(digest) is not None:
            continue
        try:
            data = api.call_bytes("GET", BLOB_PATH + digest)
        except (OfflineError, ServerBusyError, ProtocolError, ServerError) as exc:
            outcome.failed[digest] = str(exc)
            left.append(digest)
            if isinstance(exc, OfflineError):
                left.extend(d for d in wanted[wanted.index(digest) + 1 :] if d not in left)
                break
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            outcome.failed[digest] = "the document received does not match its hash"
            left.append(digest)
            continue
        store.put_blob(data, media_type="application/pdf")
        store.mark_blob_uploaded(digest)  # it came from the server: never offered back
        outcome.fetched.append(digest)
    store.set_state(TO_FETCH, left)
    return outcome


def describe(digest: str, why: str) -> str:
    return f"agreement document {digest[:12]}… could not be sent: {why}"


__all__ = [
    "BLOB_PATH",
    "TO_FETCH",
    "BlobOutcome",
    "BlobSource",
    "DocumentSink",
    "FetchOutcome",
    "blob_state",
    "describe",
    "document_of",
    "fetch_pending",
    "remember",
    "server_documents",
    "upload_pending",
]
