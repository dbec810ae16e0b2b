"""Administration: users, teams, devices (revocation), the audit log, promise evaluation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workstation.domain.enums import Role
from workstation.domain.model import new_id
from workstation.server.deps import Principal, PrincipalDep, StateDep, audit, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError, not_found
from workstation.server.models import AuditEntry, Device, Team, User
from workstation.server.promises import evaluate_due
from workstation.server.routers.auth import (
    UserOut,
    end_device_sessions,
    end_user_sessions,
    user_out,
)
from workstation.server.schemas import OkOut
from workstation.server.security import hash_password
from workstation.server.team_moves import release_outside_team

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=ERROR_RESPONSES)
Ident = Annotated[str, Path(min_length=1, max_length=64)]


def _admin(principal: Principal) -> None:
    require(principal, Role.ADMIN)


class TeamIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]


class TeamOut(BaseModel):
    id: str
    name: str


class UserIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9._\-]+$")]
    password: Annotated[str, Field(min_length=8, max_length=1000)]
    role: Role
    display_name: Annotated[str, Field(max_length=200)] = ""
    team_id: Annotated[str, Field(max_length=64)] | None = None


class UserPatch(BaseModel):
    display_name: Annotated[str, Field(max_length=200)] | None = None
    password: Annotated[str, Field(min_length=8, max_length=1000)] | None = None
    active: bool | None = None
    team_id: Annotated[str, Field(max_length=64)] | None = None
    role: Role | None = None


class DeviceOut(BaseModel):
    id: str
    user_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None
    last_sync_at: datetime | None
    outbox_pending: int | None


class AuditOut(BaseModel):
    id: int
    at: datetime
    user_id: str | None
    device_id: str | None
    action: str
    entity: str | None
    entity_id: str | None
    detail: dict[str, Any]


class EvaluateOut(BaseModel):
    changed: int


@router.get("/teams", response_model=list[TeamOut])
def list_teams(principal: PrincipalDep, state: StateDep) -> Any:
    _admin(principal)
    with state.sessions() as session:
        return [
            TeamOut(id=t.id, name=t.name) for t in session.scalars(select(Team).order_by(Team.name))
        ]


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(body: TeamIn, principal: PrincipalDep, state: StateDep) -> Any:
    _admin(principal)
    try:
        with state.sessions.begin() as session:
            team = Team(id=new_id(), name=body.name, created_at=utcnow())
            session.add(team)
            audit(session, principal, "admin.create_team", "team", team.id, {"name": body.name})
    except IntegrityError:
        raise ApiError(409, "conflict", "a team with this name exists") from None
    return TeamOut(id=team.id, name=team.name)


@router.get("/users", response_model=list[UserOut])
def list_users(principal: PrincipalDep, state: StateDep) -> Any:
    _admin(principal)
    with state.sessions() as session:
        return [user_out(session, u) for u in session.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, principal: PrincipalDep, state: StateDep) -> Any:
    _admin(principal)
    password_hash = hash_password(body.password)
    try:
        with state.sessions.begin() as session:
            if body.team_id and session.get(Team, body.team_id) is None:
                raise not_found("team")
            user = User(
                id=new_id(),
                username=body.username,
                display_name=body.display_name,
                role=body.role.value,
                team_id=body.team_id,
                password_hash=password_hash,
                active=True,
                created_at=utcnow(),
            )
            session.add(user)
            session.flush()
            audit(
                session,
                principal,
                "admin.create_user",
                "user",
                user.id,
                {"username": user.username, "role": user.role},
            )
            return user_out(session, user)
    except IntegrityError:
        raise ApiError(409, "conflict", "this user name is taken") from None


@router.patch("/users/{user_id}", response_model=UserOut)
def patch_user(user_id: Ident, body: UserPatch, principal: PrincipalDep, state: StateDep) -> Any:
    _admin(principal)
    password_hash = hash_password(body.password) if body.password else None
    with state.sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            raise not_found("user")
        changed: dict[str, Any] = {}
        moved_team = False
        if body.team_id is not None:
            if session.get(Team, body.team_id) is None:
                raise not_found("team")
            moved_team = body.team_id != user.team_id
            user.team_id = body.team_id
            changed["team_id"] = body.team_id
        if body.display_name is not None:
            user.display_name = changed["display_name"] = body.display_name
        if body.role is not None:
            user.role = changed["role"] = body.role.value
        if body.active is not None:
            user.active = changed["active"] = body.active
        if password_hash:
            user.password_hash = password_hash
            changed["password"] = "changed"
        if moved_team and user.role in (Role.AGENT.value, Role.FIELD.value):
            released = release_outside_team(session, principal, user, utcnow())
            changed["released_accounts"] = len(released)
        if password_hash or body.active is False:
            # a stolen session must not outlive the reset, nor come back with a re-enable
            end_user_sessions(session, user.id)
            changed["sessions_ended"] = True
        audit(session, principal, "admin.update_user", "user", user.id, changed)
        return user_out(session, user)


@router.get("/devices", response_model=list[DeviceOut])
def list_devices(
    principal: PrincipalDep,
    state: StateDep,
    user_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Any:
    _admin(principal)
    with state.sessions() as session:
        stmt = select(Device).order_by(Device.created_at)
        if user_id:
            stmt = stmt.where(Device.user_id == user_id)
        return [DeviceOut.model_validate(d, from_attributes=True) for d in session.scalars(stmt)]


@router.post("/devices/{device_id}/revoke", response_model=OkOut)
def revoke_device(device_id: Ident, principal: PrincipalDep, state: StateDep) -> OkOut:
    """The device's next call is answered 401 ``device_revoked`` with ``wipe: true``."""
    _admin(principal)
    with state.sessions.begin() as session:
        if session.get(Device, device_id) is None:
            raise not_found("device")
        end_device_sessions(session, device_id, revoke=True)
        audit(session, principal, "admin.revoke_device", "device", device_id)
    return OkOut()


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    principal: PrincipalDep,
    state: StateDep,
    user_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> Any:
    _admin(principal)
    with state.sessions() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if user_id:
            stmt = stmt.where(AuditEntry.user_id == user_id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        return [AuditOut.model_validate(a, from_attributes=True) for a in session.scalars(stmt)]


@router.post("/promises/evaluate", response_model=EvaluateOut)
def evaluate_promises(principal: PrincipalDep, state: StateDep) -> EvaluateOut:
    """Decide every open promise whose due date + grace has passed (also runs periodically)."""
    _admin(principal)
    with state.sessions.begin() as session:
        changed = evaluate_due(session, utcnow(), state.settings.promise_grace_days)
        audit(session, principal, "admin.evaluate_promises", None, None, {"changed": changed})
    return EvaluateOut(changed=changed)
