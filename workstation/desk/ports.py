"""What the desk needs from the store, as a Protocol (its tests run on the real SQLite store).

``workstation.store.Store`` satisfies this structurally; the desk reads queue rows
and account details by attribute, tolerating fields a store version does not have yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from workstation.compliance import AccountFacts
from workstation.domain import Customer, Event


class StorePort(Protocol):
    def queue_rows(self, *, account_ids: Iterable[str] | None = None) -> Sequence[Any]: ...

    def contact_books(
        self,
        *,
        since: datetime,
        lasting: Iterable[str],
        flagged: bool = True,
        customer_ids: Iterable[str] | None = None,
    ) -> Iterator[Sequence[tuple[Customer, AccountFacts, Sequence[Event]]]]: ...

    def contact_history(
        self, customer_id: str, *, since: datetime, lasting: Iterable[str]
    ) -> Sequence[Event]: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...

    def first_page_ids(self, limit: int) -> list[str]: ...

    def load_account(self, account_id: str) -> Any: ...

    def record_event(self, event: Event, *, device_id: str) -> Any: ...

    def patch_contact(
        self, customer_id: str, changes: Mapping[str, Any], base_version: int, device_id: str
    ) -> Any: ...

    def put_blob(self, data: bytes, *, media_type: str = ...) -> str: ...

    def get_blob(self, sha256: str) -> bytes | None: ...
