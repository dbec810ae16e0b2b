"""What the field collector's offline banner says: how long since the last sync, how much is
waiting to upload, and whether the device has been away longer than the server keeps its
change history (after that the next sync must download everything again — nothing recorded
here is lost, the outbox is pushed first, but it takes longer and needs good coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from workstation.store import CHANGE_RETENTION_DAYS, LAST_SYNC_AT
from workstation.text import Text

# The backend's default (``workstation.server.settings.Settings.change_retention``); a
# server that announces its own value (``GET /sync/info``) is believed: the sync engine
# stores it under the store's ``CHANGE_RETENTION_DAYS`` state key.
DEFAULT_RETENTION = timedelta(days=90)
RETENTION_STATE_KEY = CHANGE_RETENTION_DAYS
WARN_BEFORE = timedelta(days=7)  # shortened to half the retention for a short one


class BannerStore(Protocol):
    def get_state(self, key: str, default: Any = None) -> Any: ...

    def pending_outbox_count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OfflineFacts:
    last_sync: datetime | None
    days_offline: int | None  # whole days since the last sync; None: never synced
    waiting: int  # changes in the outbox not yet acknowledged
    documents_waiting: int  # agreement PDFs not yet uploaded
    retention: timedelta
    level: str  # "ok", "info", "warning" or "danger"
    text: Text


def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _retention(store: BannerStore) -> timedelta:
    """The server's announced retention; the default when none (or nonsense) is stored."""
    days = store.get_state(RETENTION_STATE_KEY)
    if days is None or isinstance(days, bool):
        return DEFAULT_RETENTION
    try:
        value = int(days)
    except (TypeError, ValueError):
        return DEFAULT_RETENTION
    return timedelta(days=value) if value >= 1 else DEFAULT_RETENTION


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def offline_facts(store: BannerStore, now: datetime, *, online: bool = False) -> OfflineFacts:
    """Read on the database worker; cheap (two state reads and two counts)."""
    last = _parse(store.get_state(LAST_SYNC_AT))
    waiting = int(store.pending_outbox_count())
    blobs = getattr(store, "blobs_to_upload", None)
    documents = len(blobs()) if callable(blobs) else 0
    retention = _retention(store)
    return describe(last, waiting, documents, now, retention, online=online)


def describe(
    last: datetime | None,
    waiting: int,
    documents: int,
    now: datetime,
    retention: timedelta = DEFAULT_RETENTION,
    *,
    online: bool = False,
) -> OfflineFacts:
    age = None if last is None else max(now - last, timedelta(0))
    days = None if age is None else age.days
    pieces_en: list[str] = []
    pieces_zh: list[str] = []
    if last is None:
        pieces_en.append("Never synced")
        pieces_zh.append("从未同步")
    elif online:
        pieces_en.append("Online")
        pieces_zh.append("在线")
    elif days == 0:
        hours = int(age.total_seconds() // 3600) if age is not None else 0
        if hours == 0:  # "0 h ago" reads like a fault to a collector who just synced
            pieces_en.append("Offline — last sync less than an hour ago")
            pieces_zh.append("离线——不到1小时前同步")
        else:
            pieces_en.append(f"Offline — last sync {hours} h ago")
            pieces_zh.append(f"离线——{hours}小时前同步")
    else:
        pieces_en.append(f"Offline {days} day{'s' if days != 1 else ''}")
        pieces_zh.append(f"已离线{days}天")
    pieces_en.append(f"{waiting} change{'s' if waiting != 1 else ''} waiting")
    pieces_zh.append(f"{waiting}条更改待上传")
    if documents:
        pieces_en.append(f"{documents} document{'s' if documents != 1 else ''} to upload")
        pieces_zh.append(f"{documents}份文件待上传")
    level = "ok" if online and not waiting else "info"
    # a week's warning, but never more than half the retention (a 5-day server would
    # otherwise warn right after every sync)
    warn_before = min(WARN_BEFORE, retention / 2)
    if age is not None and age >= retention:
        level = "danger"
        pieces_en.append(
            f"longer than the server keeps changes ({_days(retention.days)}): the next sync "
            "downloads everything again after sending your work — use good coverage"
        )
        pieces_zh.append(
            f"已超过服务器保留变更的期限（{retention.days}天）：下次同步会先上传您的记录，"
            "再重新下载全部数据——请在信号良好处同步"
        )
    elif age is not None and age >= retention - warn_before:
        level = "warning"
        left = (retention - age).days  # whole days left, rounded down
        if left >= 1:
            pieces_en.append(
                f"sync within {_days(left)} or a full download will be needed "
                f"(the server keeps changes {_days(retention.days)})"
            )
            pieces_zh.append(
                f"请在{left}天内同步，否则需要重新下载全部数据（服务器保留变更{retention.days}天）"
            )
        else:
            pieces_en.append(
                f"sync today or a full download will be needed "
                f"(the server keeps changes {_days(retention.days)})"
            )
            pieces_zh.append(
                f"请今天同步，否则需要重新下载全部数据（服务器保留变更{retention.days}天）"
            )
    elif last is None and waiting:
        level = "warning"
    return OfflineFacts(
        last_sync=last,
        days_offline=days,
        waiting=waiting,
        documents_waiting=documents,
        retention=retention,
        level=level,
        text=Text(" · ".join(pieces_en), "·".join(pieces_zh)),
    )
