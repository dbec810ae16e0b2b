"""Uploading agreement PDFs (blobs) when the laptop is back online, then syncing.

The sync engine pushes events but not yet the documents they reference; until it does,
``upload_documents`` sends every blob the store still marks as not uploaded with
``PUT /api/v1/blobs/{sha256}`` over the sync engine's own HTTP session (its timeouts, its
retry policy, its bearer token). The endpoint is idempotent: the same bytes twice are
stored once, so a lost answer is simply retried next time. Blocking: call from a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from workstation.sync.errors import OfflineError, ServerError
from workstation.sync.session import ApiSession


class BlobStore(Protocol):
    def blobs_to_upload(self) -> list[Any]: ...

    def get_blob(self, sha256: str) -> bytes | None: ...

    def mark_blob_uploaded(self, sha256: str) -> None: ...


@dataclass(frozen=True, slots=True)
class UploadReport:
    uploaded: int
    failed: tuple[str, ...]  # blob ids that could not be sent this time


def upload_documents(store: BlobStore, api: ApiSession) -> UploadReport:
    """Send every not-yet-uploaded blob; an unreachable server raises ``OfflineError``."""
    import requests

    uploaded = 0
    failed: list[str] = []
    for info in store.blobs_to_upload():
        data = store.get_blob(info.sha256)
        if data is None:
            failed.append(info.sha256)
            continue
        api.ensure_token()
        http = api.http
        try:
            response = http.session.put(
                f"{http.base_url}/api/v1/blobs/{info.sha256}",
                data=data,
                headers={
                    "Authorization": f"Bearer {http.access_token}",
                    "Content-Type": info.media_type or "application/octet-stream",
                },
                timeout=http.timeout,
            )
        except requests.RequestException as exc:
            raise OfflineError(f"cannot reach {http.base_url}: {type(exc).__name__}") from exc
        if response.status_code == 401:
            api.renew()
            failed.append(info.sha256)
            continue
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.status_code >= 500:
                raise ServerError(
                    response.status_code,
                    str(body.get("error", "http_error")),
                    str(body.get("message", response.reason)),
                    body,
                )
            failed.append(info.sha256)
            continue
        store.mark_blob_uploaded(info.sha256)
        uploaded += 1
    return UploadReport(uploaded, tuple(failed))


def sync_field_device(engine: Any, progress: Any = None) -> tuple[Any, UploadReport]:
    """Documents first (so an agreement's PDF is on the server before its event), then one
    ordinary sync round. Returns the engine's ``SyncReport`` and the upload report."""
    uploads = upload_documents(engine.store, engine.api)
    report = engine.sync(progress)
    return report, uploads
