"""What the desk needs from the store, as a Protocol (its tests run on the real SQLite store).

``workstation.store.Store`` satisfies this structurally; the desk reads queue rows
and account details by attribute, tolerating fields a store version does not have yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from workstation.domain import Event


class StorePort(Protocol):
    def queue_rows(self) -> Sequence[Any]: ...

    def load_account(self, account_id: str) -> Any: ...

    def record_event(self, event: Event, *, device_id: str) -> Any: ...

    def patch_contact(
        self, customer_id: str, changes: Mapping[str, Any], base_version: int, device_id: str
    ) -> Any: ...

    def put_blob(self, data: bytes, *, media_type: str = ...) -> str: ...

    def get_blob(self, sha256: str) -> bytes | None: ...
