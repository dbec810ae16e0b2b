"""The commit-order cursor: one global version counter, bumped inside each writing transaction.

``UPDATE version_counter SET value = value + n … RETURNING`` reserves ``n`` versions. On
PostgreSQL the UPDATE takes the counter row's lock and holds it until the transaction
commits, so a second writer waits at its own UPDATE until the first one has committed:
versions are handed out in commit order, and every version at or below the *committed*
counter value belongs to a transaction that has already committed (or rolled back). A
reader therefore reads the committed counter first (``committed_version``) and never
returns rows above it; nothing committed later can appear below a cursor it already gave
out. On SQLite every write transaction is ``BEGIN IMMEDIATE``, which serialises writers
the same way.

Every writer queues behind that lock, so it must be held as briefly as possible. Two ways
to take versions:

``allocate(session, n)``
    Bumps the counter at once and returns concrete numbers; the lock is held from here to
    the commit, with every round trip and every wait for this Python thread in between.
    Fine for rare writers (a lead's reassignment, the promise sweep, training), once they
    hold the locks of the rows they will write: every writer takes rows before the counter
    (``allocate_for_rows`` locks them first), or two writers can deadlock.

``versions(session)`` (the hot path: pushed mutations)
    Hands out *references* (``reserve``) and records which columns get which version
    (``assign``; ``json`` for JSON values that mention one through ``wire``;
    ``stamp_on_insert`` for a new row, whose INSERT carries them). On PostgreSQL nothing is
    bumped until ``commit``, which sends, in ONE psycopg pipeline: the flush (rows carry
    placeholder versions), the counter bump, the INSERTs of the rows stamped on insert
    (``INSERT … VALUES (…, <bumped value - n + k>)``), one ``UPDATE … SET col = <bumped
    value - n + k>`` per assigned column, the audit INSERT and COMMIT. The server
    runs them back to back, so the lock is held for the few statements and the commit
    only, never across a round trip or the GIL. On SQLite ``reserve`` allocates at once
    (the database write lock is held for the whole transaction anyway) and everything is
    concrete from the start.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Table,
    Text,
    bindparam,
    cast,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement

from workstation.server.models import AccountRow, VersionCounter

_BUMP = text("UPDATE version_counter SET value = value + :n WHERE id = 1 RETURNING value")
_BUMP_RAW = b"UPDATE version_counter SET value = value + %s WHERE id = 1 RETURNING value"


def allocate(session: Session, count: int = 1) -> int:
    """Reserve ``count`` consecutive versions; return the FIRST of them."""
    if count < 1:
        raise ValueError("count must be positive")
    last = session.execute(_BUMP, {"n": count}).scalar_one()
    return int(last) - count + 1


def lock_rows(
    session: Session, table: Table, ids: list[str], *, skip_locked: bool = False
) -> list[str]:
    """Lock the rows of ``table`` with these ids, in id order (chunks of 500); return the
    ids sorted. Every writer takes its rows' locks before it writes anything else they
    guard, and before the counter's: a push locks its account, writes its promise rows and
    events, and bumps the counter at its commit. A job that took a lock in another order
    and then waited for a row such a writer held, while that writer waited for the job,
    deadlocked with it (PostgreSQL aborts one of the two): the promise sweep or a rescore
    against a push or the daily run. (SQLite has one writer at a time and no row locks;
    the SELECT there only reads.)

    ``skip_locked``: lock only the rows no other transaction holds, pass over the rest
    (returned: the ids locked, sorted). For a job that may leave a row for later: it never
    waits, so it is never in a lock cycle, even with a writer whose locks are not in id
    order (the daily run's aging is two bulk UPDATEs, locking rows as it finds them)."""
    key, ordered = table.c.id, sorted(ids)
    locked: list[str] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        statement = select(key).where(key.in_(chunk)).order_by(key)
        got = session.scalars(statement.with_for_update(skip_locked=skip_locked))
        if skip_locked:
            locked += got
    return sorted(locked) if skip_locked else ordered


def allocate_for_rows(session: Session, table: Table, ids: list[str]) -> int:
    """Lock the rows of ``table`` with these ids (``lock_rows``), then reserve one version
    for each; return the FIRST. For a job that gives rows it has not locked yet new
    versions: rows before the counter, as every writer takes them."""
    return allocate(session, len(lock_rows(session, table, ids)))


def new_account_versions(session: Session, account_ids: list[str]) -> None:
    """Give each of these accounts a new version, so its owner's device hears of a change
    the job made elsewhere (a promise decided, an experiment's arm): rows locked, then the
    counter (``allocate_for_rows``)."""
    if not account_ids:
        return
    table = AccountRow.__table__
    assert isinstance(table, Table)
    ordered = sorted(account_ids)
    first = allocate_for_rows(session, table, ordered)
    session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id")).values(version=bindparam("b_v")),
        [{"b_id": a, "b_v": first + i} for i, a in enumerate(ordered)],
    )


def next_version(session: Session) -> int:
    return allocate(session, 1)


def committed_version(session: Session | Connection) -> int:
    """The highest version whose transaction is known to have finished."""
    value = session.scalar(select(VersionCounter.value).where(VersionCounter.id == 1))
    return int(value or 0)


# --- versions taken at commit -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRef:
    """The ``offset``-th (1-based) version this transaction takes; a number once known."""

    offset: int

    def __add__(self, other: int) -> VersionRef:
        return VersionRef(self.offset + other)


@dataclass
class Versions:
    """The versions of one writing transaction (see the module docstring)."""

    deferred: bool
    count: int = 0
    base: int | None = None  # version = base + offset, once known
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    _columns: list[tuple[Any, str, VersionRef]] = field(default_factory=list)
    _json: list[tuple[Any, str]] = field(default_factory=list)
    # new rows INSERTed at commit with their versions in them (``stamp_on_insert``)
    _inserts: list[tuple[Any, dict[str, VersionRef], tuple[str, ...]]] = field(default_factory=list)

    def reserve(self, session: Session, count: int = 1) -> VersionRef:
        """``count`` consecutive versions; the reference of the first."""
        if count < 1:
            raise ValueError("count must be positive")
        first = VersionRef(self.count + 1)
        if not self.deferred:
            number = allocate(session, count)
            if self.base is None:
                self.base = number - first.offset
            # one writer at a time (BEGIN IMMEDIATE): a transaction's allocations are contiguous
            assert number == self.base + first.offset
        self.count += count
        return first

    def value(self, ref: VersionRef) -> int:
        if self.base is None:
            raise RuntimeError("the version is known only after commit")
        return self.base + ref.offset

    def assign(self, row: Any, attribute: str, ref: VersionRef) -> None:
        """``row.attribute`` gets the version ``ref`` (now, or when the transaction commits)."""
        if not self.deferred:
            setattr(row, attribute, self.value(ref))
            return
        if getattr(row, attribute) is None:
            setattr(row, attribute, 0)  # placeholder for the INSERT; never seen by a reader
        self._columns.append((row, attribute, ref))

    def stamp_on_insert(
        self,
        session: Session,
        row: Any,
        stamps: dict[str, VersionRef],
        filled: tuple[str, ...] = (),
    ) -> None:
        """A new row's version columns (``stamps``) and JSON columns naming versions
        (``filled``), written by the row's INSERT itself where the versions are taken at
        commit: the row leaves the session and its INSERT goes out right after the bump
        (``_run_final``). An INSERT with a placeholder and an UPDATE after cost a second
        statement, and on the events a new entry in each of their five indexes (an UPDATE
        of an indexed column is never a heap-only one).

        Otherwise as ``assign`` and ``json``: on SQLite (versions known now), for a row
        already flushed, and (decided at commit, ``_place``) for a row another new row
        refers to, such as a promise's event, which must be in the table before it."""
        if self.deferred and inspect(row).pending:
            session.expunge(row)
            self._inserts.append((row, stamps, filled))
            return
        self._in_flush(session, row, stamps, filled)

    def _in_flush(
        self, session: Session, row: Any, stamps: dict[str, VersionRef], filled: tuple[str, ...]
    ) -> None:
        """The row in the session, its versions set (``assign``) and its JSON filled
        (``json``) the usual way: now on SQLite, by UPDATEs after the bump on PostgreSQL."""
        for attribute, ref in stamps.items():
            self.assign(row, attribute, ref)
        for attribute in filled:
            self.json(row, attribute)
        if inspect(row).transient:
            session.add(row)

    def _place(self, session: Session) -> None:
        """Before the flush: a row waiting for its stamped INSERT that a new row refers to
        (a foreign key), or that has no version to wait for, joins the flush instead."""
        if not self._inserts:
            return
        referred = {
            key.column.table
            for new in session.new
            for key in inspect(new).mapper.local_table.foreign_keys
        }
        waiting = self._inserts
        self._inserts = []
        for row, stamps, filled in waiting:
            if self.count and inspect(row).mapper.local_table not in referred:
                self._inserts.append((row, stamps, filled))
            else:
                self._in_flush(session, row, stamps, filled)

    def wire(self, ref: VersionRef) -> int | str:
        """The version for a JSON value: a number, or a token replaced at commit."""
        if self.base is not None:
            return self.value(ref)
        return self._token(ref.offset)

    def json(self, row: Any, attribute: str) -> None:
        """``row.attribute`` is a JSON value that may hold ``wire`` tokens: fill them at commit."""
        if self.deferred:
            self._json.append((row, attribute))

    def resolve(self, value: Any) -> Any:
        """``value`` (dicts/lists) with every token replaced by its version (after commit)."""
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, str) and value.startswith(f"@v{self.nonce}:"):
            return self.value(VersionRef(int(value.rsplit(":", 1)[1].rstrip("@"))))
        return value

    # -- commit-time SQL (PostgreSQL) --

    def _token(self, offset: int) -> str:
        return f"@v{self.nonce}:{offset}@"

    def _run_final(self, session: Session, connection: Any) -> None:
        """After the bump: the rows stamped on insert, the version UPDATEs, and the audit
        entries that name versions.

        The statements are built once per table/column/count (``_stamp``, ``_fill``,
        ``_stamped_insert``) with bound parameters, so a commit neither builds SQL nor
        computes cache keys. ``n`` = versions taken; ``k`` = the offset of one of them."""
        tokens = {f"tok_{k}": json.dumps(self._token(k)) for k in range(1, self.count + 1)}
        for row, stamps, filled in self._inserts:
            mapper = inspect(row).mapper
            given = inspect(row).dict
            values: dict[str, Any] = {"n": self.count}
            for prop in mapper.column_attrs:
                if prop.key in stamps:
                    values[f"k_{prop.columns[0].key}"] = stamps[prop.key].offset
                elif prop.key in filled:
                    values.update(tokens)
                    values[f"text_{prop.columns[0].key}"] = json.dumps(given[prop.key])
                elif prop.key in given:
                    values[prop.columns[0].key] = given[prop.key]
            columns = (
                tuple(mapper.attrs[a].columns[0].key for a in stamps),
                tuple(mapper.attrs[a].columns[0].key for a in filled),
            )
            statement = _stamped_insert(mapper.local_table, *columns, self.count)
            connection.execute(statement, values)
        for row, attribute, ref in self._columns:
            keys = _primary_key(row)
            statement = _stamp(inspect(row).mapper.local_table, attribute, len(keys))
            connection.execute(statement, {**keys, "n": self.count, "k": ref.offset})
        for row, attribute in self._json:
            keys = _primary_key(row)
            statement = _fill(inspect(row).mapper.local_table, attribute, len(keys), self.count)
            connection.execute(statement, {**keys, **tokens, "n": self.count})
        pending: list[dict[str, Any]] | None = session.info.get("audit_pending")
        if not pending:
            return
        from workstation.server.models import AuditEntry

        audit_table = AuditEntry.__table__
        marker = f"@v{self.nonce}:"
        plain = []
        for entry in pending:
            encoded = json.dumps(entry["detail"])
            if marker not in encoded:
                plain.append(entry)
                continue
            values = {k: v for k, v in entry.items() if k != "detail"}
            values.update(tokens, n=self.count, text_detail=encoded)
            connection.execute(_stamped_insert(audit_table, (), ("detail",), self.count), values)
        session.info["audit_pending"] = plain  # the rest: ``write_audit`` as usual

    def _settle(self) -> None:
        """After commit: the rows in the session show their real versions."""
        for row, attribute, ref in self._columns:
            set_committed_value(row, attribute, self.value(ref))
        for row, attribute in self._json:
            set_committed_value(row, attribute, self.resolve(getattr(row, attribute)))
        for row, stamps, filled in self._inserts:  # not in any session: plain attributes
            for attribute, ref in stamps.items():
                setattr(row, attribute, self.value(ref))
            for attribute in filled:
                setattr(row, attribute, self.resolve(getattr(row, attribute)))


def _primary_key(row: Any) -> dict[str, Any]:
    keys = inspect(row).mapper.primary_key_from_instance(row)
    return {f"pk_{i}": key for i, key in enumerate(keys)}


@functools.cache
def _bumped() -> ColumnElement[int]:
    """The counter as this transaction left it (its own bump is visible to it)."""
    return select(VersionCounter.value).where(VersionCounter.id == 1).scalar_subquery()


def _version(offset: ColumnElement[int] | int) -> ColumnElement[int]:
    """Version ``offset`` of the ``n`` this transaction took: ``counter - n + offset``."""
    return _bumped() - bindparam("n", type_=BigInteger) + offset


def _where_primary_key(table: Any, key_count: int) -> list[ColumnElement[bool]]:
    columns = list(table.primary_key.columns)
    assert len(columns) == key_count
    return [column == bindparam(f"pk_{i}") for i, column in enumerate(columns)]


@functools.cache
def _stamp(table: Any, attribute: str, key_count: int) -> Any:
    """``UPDATE table SET attribute = <version k> WHERE <primary key>``."""
    version = _version(bindparam("k", type_=BigInteger))
    return update(table).where(*_where_primary_key(table, key_count)).values({attribute: version})


def _filled(json_text: ColumnElement[str], count: int) -> ColumnElement[Any]:
    """``json_text`` with each token ``tok_k`` (a JSON string, quotes included) → version k."""
    filled = json_text
    for offset in range(1, count + 1):
        token = bindparam(f"tok_{offset}", type_=Text)
        filled = func.replace(filled, token, cast(_version(offset), Text))
    return cast(filled, JSON)


@functools.cache
def _fill(table: Any, attribute: str, key_count: int, count: int) -> Any:
    """``UPDATE table SET attribute = <attribute with its tokens filled> WHERE <primary key>``."""
    filled = _filled(cast(table.c[attribute], Text), count)
    return update(table).where(*_where_primary_key(table, key_count)).values({attribute: filled})


@functools.cache
def _stamped_insert(
    table: Any, stamped: tuple[str, ...], filled: tuple[str, ...], count: int
) -> Any:
    """``INSERT INTO table`` with each ``stamped`` column = its version (bound ``k_<column>``)
    and each ``filled`` JSON column = its text (``text_<column>``) with the tokens filled;
    the other columns from the parameters."""
    values = {c: _version(bindparam(f"k_{c}", type_=BigInteger)) for c in stamped}
    values |= {c: _filled(bindparam(f"text_{c}", type_=Text), count) for c in filled}
    return insert(table).inline().values(values)


def versions(session: Session) -> Versions:
    """The versions of the session's current transaction (taken at commit on PostgreSQL)."""
    found: Versions | None = session.info.get("versions")
    if found is None:
        deferred = session.get_bind().dialect.name == "postgresql"
        found = session.info["versions"] = Versions(deferred=deferred)
    return found


def commit(session: Session) -> Versions | None:
    """Commit, taking the deferred versions and sending the final statements in ONE pipeline.

    Returns the transaction's ``Versions`` (every reference now has its number), if it had
    any. In psycopg pipeline mode the flush's INSERTs, the counter bump, the version
    UPDATEs, the audit INSERT and COMMIT go out together and PostgreSQL runs them back to
    back: the counter row is locked from the bump to the COMMIT, a few statements apart.
    ORM UPDATEs need their row counts back (the stale-data check), so a session with changed
    rows flushes those first, before the bump. On SQLite a plain commit.
    """
    from workstation.server.deps import write_audit

    plan: Versions | None = session.info.pop("versions", None)
    pending = plan if plan is not None and plan.deferred and plan.count > 0 else None
    if plan is not None:
        plan._place(session)
    connection = session.connection()
    raw = getattr(connection.connection, "driver_connection", None)
    pipelined = raw is not None and hasattr(raw, "pipeline")
    if pending is None and not pipelined:  # SQLite
        session.commit()
        return plan
    if session.dirty or session.deleted:
        session.flush()
    if pending is not None and not pipelined:  # PostgreSQL through another driver
        session.flush()
        allocate(session, pending.count)
        _final(session, connection, pending)
        pending.base = committed_version(session) - pending.count
        session.commit()
        pending._settle()
        return plan
    assert raw is not None
    with raw.cursor() as bump:
        try:
            with raw.pipeline():
                session.flush()
                if pending is not None:
                    bump.execute(_BUMP_RAW, (pending.count,))  # the counter lock is taken here
                    _final(session, connection, pending)
                write_audit(session)
                # COMMIT goes out in the pipeline too, and its sync waits for all of it. The
                # driver's commit, not the session's: the session would hand the connection
                # back to the pool while it is still in pipeline mode. ``session.commit()``
                # below then finds the transaction finished and only closes its books.
                raw.commit()
        except Exception as exc:
            # A unique clash is the caller's to answer (``sync_write.apply_one`` tries again
            # and finds what collided), pipelined or not. In the pipeline it can surface at
            # the sync, or inside the flush at the next statement, where SQLAlchemy's
            # rollback then fails with ``PipelineAborted`` and hides it: find it in the chain.
            clash = _integrity_error(exc)
            if clash is None:
                raise
            raise IntegrityError("pipelined flush", None, clash) from exc
        session.commit()
        if pending is not None:
            row = bump.fetchone()
            assert row is not None
            pending.base = int(row[0]) - pending.count
            pending._settle()
    return plan


def _integrity_error(exc: BaseException) -> BaseException | None:
    """The driver's ``IntegrityError`` behind ``exc`` (its causes and contexts), if any."""
    import psycopg

    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, psycopg.IntegrityError):
            return current
        if isinstance(current, IntegrityError) and isinstance(current.orig, psycopg.Error):
            return current.orig
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return None


@event.listens_for(Session, "before_commit")
def _versions_taken(session: Session) -> None:
    """A plain ``session.commit()`` would store the placeholders: refuse it."""
    plan: Versions | None = session.info.get("versions")
    if plan is not None and plan.deferred and plan.count:
        raise RuntimeError("a transaction with deferred versions commits via versioning.commit")


@event.listens_for(Session, "after_rollback")
def _versions_dropped(session: Session) -> None:
    session.info.pop("versions", None)


def _final(session: Session, connection: Any, plan: Versions) -> None:
    """The statements that need the bumped counter; they run right after the bump."""
    plan._run_final(session, connection)
