"""The ranked queue as column lists plus lazily built items.

A 100,000-row queue must not cost 100,000 ``QueueItem`` objects before the first row shows:
the table model needs only a few columns for every row (for filtering, sorting and tabs)
and full items for the thirty rows on screen. ``QueueSnapshot`` keeps the store's rows in
queue order, the columns the model scans, and builds (and caches) an item on access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, overload
from zoneinfo import ZoneInfo

from workstation.desk.types import QueueCategory, QueueItem


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class QueueSnapshot(Sequence[QueueItem]):
    """Queue order, scan columns, and ``snapshot[i]`` → ``QueueItem`` (built once).

    ``preliminary`` marks a first page shown while the full ranking runs (``ranked_at`` is
    when the order it shows was ranked, if known).
    """

    preliminary: bool = False
    ranked_at: datetime | None = None

    def __init__(
        self,
        rows: Sequence[Any],
        categories: Sequence[str],
        build: Callable[[int], QueueItem],
        *,
        now: datetime,
        keep_rows: bool = True,
    ) -> None:
        self.rows: Sequence[Any] = list(rows)
        self._length = len(self.rows)
        self.account_ids = [r.account_id for r in self.rows]
        self.customer_ids = [r.customer_id for r in self.rows]
        self.last_attempts = [getattr(r, "last_attempt_at", None) for r in self.rows]
        self.customer_names = [r.customer_name for r in self.rows]
        self.name_alts = [r.name_alt for r in self.rows]
        self.jurisdictions = [r.jurisdiction for r in self.rows]
        self.balances = [r.balance_minor for r in self.rows]
        self.days_past_due = [r.days_past_due for r in self.rows]
        self.timezones = [r.timezone for r in self.rows]
        self.categories = list(categories)
        self.has_callback = [r.callback_due_at is not None for r in self.rows]
        today: dict[str, date] = {}

        def promise_due(row: Any) -> bool:
            due = row.promise_due_on
            if due is None:
                return False
            day = today.get(row.timezone)
            if day is None:
                day = today[row.timezone] = now.astimezone(_zone(row.timezone)).date()
            return bool(due <= day)

        self.promise_due = [promise_due(r) for r in self.rows]
        # What filter-as-you-type scans, built here on the worker, not on the GUI thread.
        self.search_text = [
            f"{name}\t{alt}\t{account_id}\t{jurisdiction}".casefold()
            for name, alt, account_id, jurisdiction in zip(
                self.customer_names,
                self.name_alts,
                self.account_ids,
                self.jurisdictions,
                strict=True,
            )
        ]
        self.position = {account_id: i for i, account_id in enumerate(self.account_ids)}
        if not keep_rows:  # the columns hold what items need: drop 100,000 row objects (RSS)
            self.rows = ()
        self.now = now
        self._build = build
        self._cache: dict[int, QueueItem] = {}
        self._orders: dict[str, list[int]] = {}

    @classmethod
    def of_items(cls, items: Sequence[QueueItem], *, now: datetime) -> QueueSnapshot:
        """A snapshot over ready-made items (tests, small queues)."""
        listed = list(items)
        snapshot = cls(listed, [i.category for i in listed], listed.__getitem__, now=now)
        snapshot.promise_due = [i.promise_due for i in listed]
        return snapshot

    SORTABLE = ("balance", "dpd", "customer")

    def sort_order(self, column: str) -> list[int] | None:
        """Row indexes in ascending order of ``column`` (cached), or None if not sortable here.

        ``warm()`` builds these on a worker right after the queue shows, so the click on a
        header costs the GUI thread a list copy, not a 100,000-key sort.
        """
        order = self._orders.get(column)
        if order is None and column in self.SORTABLE:
            keys: Sequence[Any] = {
                "balance": self.balances,
                "dpd": self.days_past_due,
                "customer": [n.casefold() for n in self.customer_names],
            }[column]
            order = sorted(range(self._length), key=keys.__getitem__)
            self._orders[column] = order
        return order

    def warm(self) -> None:
        for column in self.SORTABLE:
            self.sort_order(column)

    def contactable(self) -> list[bool]:
        blocked = (QueueCategory.BLOCKED, QueueCategory.CLOSED)
        return [c not in blocked for c in self.categories]

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> QueueItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[QueueItem]: ...
    def __getitem__(self, index: int | slice) -> QueueItem | list[QueueItem]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        item = self._cache.get(index)
        if item is None:
            item = self._build(index)
            self._cache[index] = item
        return item

    def __iter__(self) -> Iterator[QueueItem]:
        for index in range(self._length):
            yield self[index]
