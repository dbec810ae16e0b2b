"""What the server announces about its change history (``GET /api/v1/sync/info``).

The server keeps ``change_retention_days`` of change history; a device away longer gets
"resync required" and downloads everything again (after pushing its outbox). The field
banner (``workstation.field.banner``) warns a collector before that happens, from the value
stored here under ``RETENTION_KEY`` — 90 days (the backend's default) until a server has
announced its own.

When to ask (``due``): one small GET, but not on every sync — a desk may sync every few
minutes and a field laptop on a weak signal pays for each round trip. The retention is an
operator setting that changes rarely, and the banner counts it in whole days with a week's
warning, so a value up to a day old is as good as a fresh one. It is asked for when the
last answer is older than ``REFRESH_AFTER`` (or its time lies in the future: the clock was
moved), and always after a first sync or a resync — the device has just met the server, or
the retention has just mattered.

Asking never breaks a sync: a server without the endpoint (404, an older backend), an
unreachable or busy one, or a malformed answer leaves the last known value (or the default)
in place and is logged; only a revoked device stops the sync (it must be wiped).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from workstation.store import CHANGE_RETENTION_DAYS, Store
from workstation.sync.errors import DeviceRevokedError, ServerError, SyncError
from workstation.sync.session import ApiSession

log = logging.getLogger(__name__)

PATH = "/api/v1/sync/info"
RETENTION_KEY = CHANGE_RETENTION_DAYS  # read by workstation.field.banner
CHECKED_KEY = "server.sync_info_checked_at"  # when the server last answered (device time)
REFRESH_AFTER = timedelta(days=1)
MAX_RETENTION_DAYS = 36_500  # anything above is not a retention but a broken answer


def due(store: Store, now: datetime) -> bool:
    """Whether the cached announcement is missing, older than a day, or from the future."""
    checked = store.get_state(CHECKED_KEY)
    if not isinstance(checked, str):
        return True
    try:
        at = datetime.fromisoformat(checked)
    except ValueError:
        return True
    try:
        age = now - at
    except TypeError:  # naive vs aware: treat as unknown
        return True
    return not timedelta(0) <= age < REFRESH_AFTER


def retention_days(data: dict[str, Any]) -> int | None:
    """The announced retention in whole days, or None when the answer is not usable."""
    days = data.get("change_retention_days")
    if isinstance(days, bool) or not isinstance(days, int):
        return None
    return days if 1 <= days <= MAX_RETENTION_DAYS else None


def refresh(store: Store, api: ApiSession, now: datetime) -> int | None:
    """Ask the server and store its retention; return the days stored, None if kept.

    Raises only ``DeviceRevokedError``; every other failure is logged and swallowed.
    """
    try:
        data = api.call("GET", PATH)
    except DeviceRevokedError:
        raise
    except ServerError as exc:
        if exc.status == 404:
            # an older server: it has no announcement to make; ask again tomorrow, not
            # on every sync
            log.info(
                "the server does not announce its change retention (404); keeping %s", _kept(store)
            )
            store.set_state(CHECKED_KEY, now.isoformat())
        else:
            log.info(
                "could not read the server's change retention (%s); keeping %s", exc, _kept(store)
            )
        return None
    except SyncError as exc:  # offline, busy, not JSON, session ended: try next sync
        log.info("could not read the server's change retention (%s); keeping %s", exc, _kept(store))
        return None
    days = retention_days(data)
    if days is None:
        log.info(
            "the server's change retention answer is not usable (%r); keeping %s",
            data.get("change_retention_days"),
            _kept(store),
        )
        store.set_state(CHECKED_KEY, now.isoformat())  # asking again today would not help
        return None
    store.set_states({RETENTION_KEY: days, CHECKED_KEY: now.isoformat()})
    log.debug(
        "the server keeps %d days of change history (retained_from %r)",
        days,
        data.get("retained_from"),
    )
    return days


def _kept(store: Store) -> str:
    days = store.get_state(RETENTION_KEY)
    return f"{days} days" if days is not None else "the default"


__all__ = ["CHECKED_KEY", "RETENTION_KEY", "due", "refresh", "retention_days"]
