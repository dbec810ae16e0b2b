"""What can go wrong in a sync, as exceptions whose messages are meant for people.

Every one derives from ``SyncError``; the UI shows ``str(exc)`` and may branch on the class.
"""

from __future__ import annotations


class SyncError(RuntimeError):
    """Base class: the sync stopped; nothing already applied locally is undone or lost."""


class OfflineError(SyncError):
    """The server could not be reached (no network, DNS, refused, timed out)."""


class ServerBusyError(SyncError):
    """The server kept answering 429/503; ``retry_after`` says when to try again (seconds)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProtocolError(SyncError):
    """The server's answer could not be understood (truncated JSON, unknown value, bad shape).

    Nothing from that answer was applied and the cursor did not move.
    """


class ServerError(SyncError):
    """The server refused the request; ``status`` and ``code`` are its own."""

    def __init__(self, status: int, code: str, message: str, body: dict[str, object]) -> None:
        super().__init__(f"{message} (HTTP {status}, {code})")
        self.status = status
        self.code = code
        self.body = body


class SignInRequiredError(SyncError):
    """No usable session: the user must sign in with their password."""


class DeviceRevokedError(SyncError):
    """The server revoked this device; its local data and credentials have been wiped."""


class CancelledError(SyncError):
    """The user cancelled; every page already applied stays applied (with its cursor)."""


class ResyncRequiredError(SyncError):
    """The server no longer has changes back to our cursor (or its schema epoch changed)."""
