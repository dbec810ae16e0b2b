"""Snapshot pages wait here until the whole snapshot is in and its counts match.

A small SQLite file (SQLCipher with the store's key, so customer data is never on disk in
clear) beside the store. Each downloaded page is committed together with the token of the
next page, so an interrupted first sync resumes where it stopped, at the same snapshot
version. Nothing here is visible to the desk until ``Staging.rows`` is loaded into the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)
);
"""
KINDS = ("customers", "accounts", "events")


class Staging:
    def __init__(self, path: Path, key: str | None) -> None:
        self.path = path
        if key is not None:
            import sqlcipher3

            self._db: Any = sqlcipher3.connect(str(path), isolation_level=None)
            self._db.execute(f"PRAGMA key = \"x'{key}'\"")
        else:
            self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def discard(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def add_page(self, page: Mapping[str, Any], meta: Mapping[str, Any]) -> None:
        """Store one page's rows and the resume point, in one transaction."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for kind in KINDS:
                items: Sequence[Mapping[str, Any]] = page.get(kind) or ()
                self._db.executemany(
                    "INSERT OR REPLACE INTO rows (kind, id, body) VALUES (?, ?, ?)",
                    [
                        (kind, str(item["id"]), json.dumps(item, separators=(",", ":")))
                        for item in items
                    ],
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in meta.items()],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(KINDS, 0)
        for kind, count in self._db.execute("SELECT kind, count(*) FROM rows GROUP BY kind"):
            found[kind] = int(count)
        return found

    def rows(self, kind: str) -> Iterator[dict[str, Any]]:
        for (body,) in self._db.execute(
            "SELECT body FROM rows WHERE kind = ? ORDER BY id", (kind,)
        ):
            yield json.loads(body)
