"""Every page a customer sees is audited, without making every page view a write.

A view's audit entry is kept in memory and written with the others seen in the last moment
(``FLUSH_S``) in one transaction by a background thread, so showing a page is a read. What
changes anything (an action, a code sent, a verification, a refusal) is audited in its own
transaction as before. A process that dies loses at most the last ``FLUSH_S`` of views."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from workstation.server.deps import audit

log = logging.getLogger(__name__)
FLUSH_S = 0.5
RETRIES = 3


class ViewAudits:
    """Pending view audits and the writer thread, which runs only while some are pending."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self._pending: list[tuple[str, str, datetime]] = []
        self._lock = threading.Lock()
        # one writer at a time: a flush waits for the one in progress, so whoever calls
        # ``flush`` finds every view added before the call written when it returns
        self._writing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failures = 0

    def add(self, link_id: str, page: str, at: datetime) -> None:
        with self._lock:
            self._pending.append((link_id, page, at))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, daemon=True, name="portal-view-audit"
                )
                self._thread.start()

    def flush(self) -> int:
        with self._writing:
            return self._write_pending()

    def _write_pending(self) -> int:
        with self._lock:
            taken, self._pending = self._pending, []
        if not taken:
            return 0
        try:
            with self.state.sessions.begin() as session:
                for link_id, page, at in taken:
                    detail = {"page": page}
                    audit(session, None, "portal.view", "portal_link", link_id, detail, at=at)
        except Exception:
            self._failures += 1
            if self._failures > RETRIES:
                log.exception("%d portal view audits could not be written", len(taken))
                self._failures = 0
                return 0
            with self._lock:  # kept for the next round rather than lost
                self._pending[:0] = taken
            return 0
        self._failures = 0
        return len(taken)

    def _loop(self) -> None:
        while True:
            time.sleep(FLUSH_S)
            self.flush()
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
