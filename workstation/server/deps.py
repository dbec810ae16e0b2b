"""Request-scoped plumbing: the app state, database sessions and the signed-in principal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import Engine, Table, bindparam, event, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import Role
from workstation.server.errors import ApiError
from workstation.server.models import AuditEntry, Device, ServerState, User
from workstation.server.quota import PushRate
from workstation.server.security import read_access_token
from workstation.server.settings import Settings

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppState:
    """What every request needs: settings, the engine and two kinds of session.

    ``sessions``: ordinary transactions. ``statements``: on PostgreSQL each statement
    commits on its own (autocommit), which saves the BEGIN and the COMMIT/ROLLBACK round
    trips a transaction costs; for reads that need no snapshot across statements (at READ
    COMMITTED every statement takes its own anyway) and for single-statement writes. Use it
    as ``with state.statements.begin() as session:`` so that on SQLite, where it is an
    ordinary transaction, writes are committed too. ``statement_engine``: the same, as a
    Core connection (``with state.statement_engine.begin() as conn:``), for the statements
    every request runs (the sign-in check, a push's batch checks): the ORM's execution
    path costs ~100 µs of CPU more per statement than the connection's.
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    token_secret: str
    statements: sessionmaker[Session]
    push_rate: PushRate  # per-user push quota (``quota``), kept in this process
    statement_engine: Engine

    @classmethod
    def open(cls, settings: Settings, engine: Engine) -> AppState:
        from workstation.server.db import make_sessionmaker

        sessions = make_sessionmaker(engine)
        statements, statement_engine = sessions, engine
        if engine.dialect.name == "postgresql":
            statement_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
            statements = make_sessionmaker(statement_engine)
        outside = settings.outside_token_secret()
        with sessions() as session:
            if session.get(ServerState, "schema_epoch") is None:
                raise RuntimeError("database not initialised: run `workstation-server init-db`")
            secret = outside
            if secret is None:
                held = session.get(ServerState, "token_secret")
                if held is None:
                    raise RuntimeError(
                        "the database holds no token secret: "
                        "set WORKSTATION_SERVER_TOKEN_SECRET_FILE"
                    )
                secret = held.value
        push_rate = PushRate(settings.push_per_minute, settings.push_burst)
        return cls(settings, engine, sessions, secret, statements, push_rate, statement_engine)

    def state_value(self, session: Session, key: str, default: str = "") -> str:
        row = session.get(ServerState, key)
        return row.value if row else default


async def get_state(request: Request) -> AppState:
    """``async``: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off that
    costs more than this attribute read; every request asks for the state."""
    state: AppState = request.app.state.ws
    return state


StateDep = Annotated[AppState, Depends(get_state)]


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    username: str
    role: Role
    team_id: str | None
    device_id: str
    # when the device last completed a pull, as the sign-in check read it (``None``: never,
    # or not known): lets the pull skip noting it again within its 15 s (``sync_read``)
    synced_at: datetime | None = None
    # the change cursor the device reported with this call (``X-Sync-Cursor``): every change
    # up to it has reached the device (a page served but lost on the way has not)
    cursor: int | None = None

    @property
    def is_collector(self) -> bool:
        return self.role in (Role.AGENT, Role.FIELD)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(
            401,
            "not_authenticated",
            "sign in first: send 'Authorization: Bearer <access token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return authorization[7:].strip()


def _report_int(value: str | None, limit: int = 10**9) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 <= number < limit else None


def _report_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


# what the sign-in check needs of the device and its user, in one row
_PRINCIPAL_QUERY = (
    select(
        Device.revoked_at,
        Device.session_epoch,
        Device.last_seen_at,
        Device.last_sync_at,
        Device.outbox_pending,
        Device.app_version,
        User.id.label("user_id"),
        User.username,
        User.role,
        User.team_id,
        User.active,
    )
    .join(User, User.id == Device.user_id)
    .where(Device.id == bindparam("device_id"))
)


def get_principal(
    request: Request,
    state: StateDep,
    *,
    authorization: Annotated[str | None, Header()] = None,
    x_outbox_pending: Annotated[str | None, Header()] = None,
    x_outbox_oldest: Annotated[str | None, Header()] = None,
    x_app_version: Annotated[str | None, Header()] = None,
    x_sync_cursor: Annotated[str | None, Header()] = None,
) -> Principal:
    """Check the access token and the device; note what the device reports about itself.

    A device may report its outbox backlog on any call with ``X-Outbox-Pending: N`` (and
    ``X-Outbox-Oldest: <ISO instant>``); the team overview shows it. A device's push carries
    its change cursor (``X-Sync-Cursor``): what it has received, not what it was sent.
    """
    token = _bearer(authorization)
    now = utcnow()
    claims = read_access_token(state.token_secret, token, now)
    if claims is None:
        raise ApiError(
            401,
            "invalid_token",
            "the access token is invalid or has expired; refresh it",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    pending = _report_int(x_outbox_pending)
    oldest = _report_time(x_outbox_oldest)
    with state.statement_engine.begin() as conn:  # one SELECT; on PostgreSQL no BEGIN/ROLLBACK
        # the columns, not the mapped rows: every request runs this, and building two ORM
        # instances (identity map, instance state) cost more than the query itself
        row = conn.execute(_PRINCIPAL_QUERY, {"device_id": claims.device_id}).first()
        if row is None:
            raise ApiError(401, "invalid_token", "unknown device; sign in again")
        if row.revoked_at is not None:
            raise ApiError(
                401,
                "device_revoked",
                "this device has been revoked by an administrator: wipe local data",
                wipe=True,
            )
        if not row.active or row.user_id != claims.user_id:
            raise ApiError(
                401, "user_disabled", "this user is disabled: wipe local data", wipe=True
            )
        if row.session_epoch != claims.session_epoch:
            raise ApiError(401, "signed_out", "this session has ended; sign in again")
        values: dict[str, Any] = {}
        if row.last_seen_at is None or now - row.last_seen_at > timedelta(seconds=30):
            values["last_seen_at"] = now
        if pending is not None and pending != row.outbox_pending:
            values["outbox_pending"] = pending
            values["outbox_oldest_at"] = oldest
        if x_app_version and x_app_version[:50] != row.app_version:
            values["app_version"] = x_app_version[:50]
        principal = Principal(
            row.user_id,
            row.username,
            Role(row.role),
            row.team_id,
            claims.device_id,
            row.last_sync_at,
            _report_int(x_sync_cursor, 2**63),
        )
        request.state.principal = principal  # whom a refusal is audited against (refusals)
    if values:  # after the read ended (SQLite: one writer at a time); one statement
        with state.statement_engine.begin() as write:
            write.execute(update(Device).where(Device.id == principal.device_id).values(**values))
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        raise ApiError(403, "forbidden", f"this needs the role {' or '.join(roles)}")


def session_scope(state: StateDep) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


def audit(  # noqa: PLR0917 - the audit call reads best positionally
    session: Session,
    principal: Principal | None,
    action: str,
    entity: str | None = None,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Note an audit entry; it is written with the transaction, in one INSERT per commit.

    Entries are buffered on the session and inserted just before it commits (``write_audit``)
    as one executemany — no RETURNING, so a commit can be sent to PostgreSQL in one pipeline
    (see ``versioning.commit``).
    """
    pending: list[dict[str, Any]] = session.info.setdefault("audit_pending", [])
    pending.append(
        {
            "at": at or utcnow(),
            "user_id": principal.user_id if principal else None,
            "device_id": principal.device_id if principal else None,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail or {},
        }
    )


def audit_apart(  # noqa: PLR0917 - reads like ``audit``
    state: AppState,
    principal: Principal | None,
    action: str,
    entity: str | None = None,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one audit entry in a transaction of its own.

    For what is refused: the request's own transaction rolls back with the refusal (and
    would take an ``audit`` with it). A failure to audit is logged, never raised, so it
    cannot turn a 404 into a 500.
    """
    try:
        with state.sessions.begin() as session:
            audit(session, principal, action, entity, entity_id, detail)
    except Exception:
        log.exception("could not write the audit entry %s", action)


@event.listens_for(Session, "before_commit")
def write_audit(session: Session) -> None:
    pending: list[dict[str, Any]] | None = session.info.pop("audit_pending", None)
    if not pending:
        return
    table = AuditEntry.__table__
    assert isinstance(table, Table)
    # executemany of one cached statement (a multi-row VALUES is compiled every time);
    # inline: no RETURNING of the new ids (nothing to wait for inside a pipeline)
    session.connection().execute(insert(table).inline(), pending)


@event.listens_for(Session, "after_rollback")
def _drop_audit(session: Session) -> None:
    session.info.pop("audit_pending", None)
