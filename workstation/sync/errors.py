"""What can go wrong in a sync, as exceptions whose messages are meant for people.

Every one derives from ``SyncError`` (a ``WorkstationError``): the UI shows its ``text`` in the
agent's language and may branch on the class; ``str(exc)`` is the English, for logs.
"""

from __future__ import annotations

from workstation.errors import WorkstationError
from workstation.text import Text


class SyncError(WorkstationError, RuntimeError):
    """Base class: the sync stopped; nothing already applied locally is undone or lost."""

    summary = Text(
        "Sync stopped; nothing already received is lost", "同步已中止；已接收的内容不会丢失"
    )


class OfflineError(SyncError):
    """The server could not be reached (no network, DNS, refused, timed out)."""

    summary = Text(
        "The server cannot be reached; your changes are kept", "无法连接服务器；您的更改已保留"
    )


class ServerBusyError(SyncError):
    """The server kept answering 429/503; ``retry_after`` says when to try again (seconds)."""

    summary = Text("The server is busy; sync will try again later", "服务器繁忙，稍后将重试同步")

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProtocolError(SyncError):
    """The server's answer could not be understood (truncated JSON, unknown value, bad shape).

    Nothing from that answer was applied and the cursor did not move.
    """

    summary = Text(
        "The server's answer could not be understood; nothing from it was applied",
        "无法识别服务器的应答，未应用其中任何内容",
    )


class ServerError(SyncError):
    """The server refused the request; ``status`` and ``code`` are its own."""

    summary = Text("The server refused the request", "服务器拒绝了请求")

    def __init__(self, status: int, code: str, message: str, body: dict[str, object]) -> None:
        super().__init__(f"{message} (HTTP {status}, {code})")
        self.status = status
        self.code = code
        self.body = body


class SignInRequiredError(SyncError):
    """No usable session: the user must sign in with their password."""

    summary = Text("Please sign in again", "请重新登录")


class DeviceRevokedError(SyncError):
    """The server revoked this device; its local data and credentials have been wiped."""

    summary = Text(
        "The server revoked this device; its local data was removed",
        "服务器已停用本设备，本机数据已清除",
    )


class CancelledError(SyncError):
    """The user cancelled; every page already applied stays applied (with its cursor)."""

    summary = Text(
        "Sync was cancelled; what was already received is kept", "同步已取消；已接收的内容均已保留"
    )


class ResyncRequiredError(SyncError):
    """The server no longer has changes back to our cursor (or its schema epoch changed)."""

    summary = Text(
        "This computer must download its data from the server again", "本机需要从服务器重新下载数据"
    )
