"""Per-user quotas: stored documents (bytes) and the rate of pushed mutations.

Without them one signed-in device — a runaway client or a stolen session — could fill the
database with documents or flood it with mutations. Both answers are ``429
quota_exceeded`` with a ``Retry-After``, which the desktop treats as "not now": the document
or the outbox entries stay pending and go with a later sync; nothing is lost.

- **Documents**: the bytes a user has uploaded (``blobs.uploaded_by``) may not exceed
  ``Settings.blob_quota_bytes``; a document already stored (by anyone) costs nothing again.
- **Push rate**: a token bucket per user of ``push_burst`` mutations refilled at
  ``push_per_minute``. It lives in the process: with N server processes a user may push up to
  N times the rate, which still bounds a flood. A field laptop back after a week offline
  (hundreds of entries) stays well inside the burst.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.server.errors import ApiError
from workstation.server.models import Blob


def _exceeded(message: str, retry_after: int) -> ApiError:
    return ApiError(
        429,
        "quota_exceeded",
        message,
        headers={"Retry-After": str(retry_after)},
        retry_after=retry_after,
    )


def check_blob_quota(session: Session, user_id: str, adding: int, quota: int) -> None:
    """Raise 429 when storing ``adding`` more bytes would take the user past ``quota``."""
    held = int(
        session.scalar(
            select(func.coalesce(func.sum(Blob.size), 0)).where(Blob.uploaded_by == user_id)
        )
        or 0
    )
    if held + adding > quota:
        raise _exceeded(
            f"your documents would take {held + adding} bytes, more than the {quota} allowed "
            "per user; ask an administrator",
            3600,
        )


class PushRate:
    """Token buckets of mutations, one per user (thread-safe)."""

    def __init__(
        self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, user_id: str, mutations: int) -> None:
        """Spend ``mutations`` tokens of the user's bucket or raise 429 (spending none)."""
        now = self.clock()
        cost = min(mutations, self.burst)  # a batch bigger than the burst takes a full bucket
        with self._lock:
            tokens, at = self._buckets.get(user_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if cost > tokens:
                self._buckets[user_id] = (tokens, now)
                wait = max(1, math.ceil((cost - tokens) / self.rate)) if self.rate else 3600
                raise _exceeded(
                    f"too many changes pushed in a short time; try again in {wait} s", wait
                )
            self._buckets[user_id] = (tokens - cost, now)
            if len(self._buckets) > 100_000:  # forget the fullest buckets (idle users)
                self._buckets = {
                    k: v
                    for k, v in self._buckets.items()
                    if v[0] + (now - v[1]) * self.rate < self.burst
                }
