"""Client sync (DESIGN §5): HTTP client, session, push/pull engine, first sync, CLI.

The API is synchronous and blocking — call it from a worker thread, never the GUI thread::

    profile = LocalProfile.open()                       # workstation.auth.profile
    api = ApiSession(server_url, profile.device_id, secrets=profile.secrets)
    api.sign_in(user, password)                         # or rely on the saved refresh token
    engine = SyncEngine(profile.store, api, wipe=profile.wipe,
                        staging_path=staging_path(), staging_key=profile.store_key)
    report = engine.sync(progress)                      # progress: SyncProgress (cancel())

One ``sync`` also uploads the documents (agreement PDFs kept as blobs) by hash before the
events that name them (``workstation.sync.blobs``) and reports the outbox backlog to the
server with every call (``X-Outbox-Pending``); see ``workstation.sync.engine``.
"""

from workstation.sync.engine import Phase, ProgressView, SyncEngine, SyncProgress, SyncReport
from workstation.sync.errors import (
    CancelledError,
    DeviceRevokedError,
    OfflineError,
    ProtocolError,
    ResyncRequiredError,
    ServerBusyError,
    ServerError,
    SignInRequiredError,
    SyncError,
)
from workstation.sync.http import HttpClient, HttpSettings
from workstation.sync.session import ApiSession, SignedInUser

__all__ = [
    "ApiSession",
    "CancelledError",
    "DeviceRevokedError",
    "HttpClient",
    "HttpSettings",
    "OfflineError",
    "Phase",
    "ProgressView",
    "ProtocolError",
    "ResyncRequiredError",
    "ServerBusyError",
    "ServerError",
    "SignInRequiredError",
    "SignedInUser",
    "SyncEngine",
    "SyncError",
    "SyncProgress",
    "SyncReport",
]
