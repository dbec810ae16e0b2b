"""Sign-in, token refresh (rotating, reuse-detecting), sign-out, and who-am-I."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workstation.domain.model import new_id
from workstation.server import throttle
from workstation.server.deps import (
    AppState,
    Principal,
    PrincipalDep,
    StateDep,
    audit,
    audit_apart,
    client_address,
    utcnow,
)
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import Device, RefreshToken, Team, User
from workstation.server.security import (
    AccessClaims,
    hash_password,
    needs_rehash,
    new_refresh_token,
    sign_access_token,
    token_hash,
    verify_password,
)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=ERROR_RESPONSES)

ClientId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")]


class LoginIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    client_id: ClientId
    device_name: Annotated[str, Field(max_length=200)] = ""


class RefreshIn(BaseModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=200)]
    client_id: ClientId


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str
    team_id: str | None
    team_name: str | None


class TokensOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_at: datetime
    device_id: str
    user: UserOut
    server_time: datetime


class OkOut(BaseModel):
    ok: bool = True


def user_out(session: Session, user: User) -> UserOut:
    team = session.get(Team, user.team_id) if user.team_id else None
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team_id=user.team_id,
        team_name=team.name if team else None,
    )


def issue_tokens(session: Session, state: AppState, user: User, device: Device) -> TokensOut:
    now = utcnow()
    refresh = new_refresh_token()
    expires = now + state.settings.refresh_ttl
    session.add(
        RefreshToken(
            id=new_id(),
            token_hash=token_hash(refresh),
            device_id=device.id,
            user_id=user.id,
            created_at=now,
            expires_at=expires,
        )
    )
    ttl = int(state.settings.access_ttl.total_seconds())
    access = sign_access_token(
        state.token_secret,
        AccessClaims(user.id, device.id, device.session_epoch, int(now.timestamp()) + ttl),
    )
    return TokensOut(
        access_token=access,
        expires_in=ttl,
        refresh_token=refresh,
        refresh_expires_at=expires,
        device_id=device.id,
        user=user_out(session, user),
        server_time=now,
    )


def end_device_sessions(session: Session, device_id: str, *, revoke: bool = False) -> None:
    """Kill every refresh token of the device and every outstanding access token."""
    now = utcnow()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.device_id == device_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    values: dict[str, object] = {"session_epoch": Device.session_epoch + 1}
    if revoke:
        values["revoked_at"] = now
    session.execute(update(Device).where(Device.id == device_id).values(**values))


def end_user_sessions(session: Session, user_id: str) -> None:
    """End every session of every device of the user (password change, disable).

    Refresh tokens are revoked and every device's session epoch moves on, so an access token
    already handed out stops working at once, and re-enabling the user revives none of them.
    """
    now = utcnow()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(Device)
        .where(Device.user_id == user_id)
        .values(session_epoch=Device.session_epoch + 1)
    )


@router.post("/login", response_model=TokensOut)
def login(body: LoginIn, request: Request, state: StateDep) -> TokensOut:
    """Sign in and register this device (``client_id``). Failed attempts are throttled
    (``throttle``: per user and address, per address; a known device only waits)."""
    address = client_address(request)
    username = body.username.strip().lower()
    now = utcnow()
    try:
        with state.sessions.begin() as session:
            reservation = throttle.reserve(
                session, state.settings, username, address, body.client_id, now
            )
    except ApiError as refused:
        if refused.status == 429:
            audit_apart(
                state,
                None,
                "auth.login_throttled",
                "user",
                username,
                {"address": address, "client_id": body.client_id, "reason": refused.message},
            )
        raise
    # the slow password check runs outside any transaction; an unknown user is checked
    # against a stand-in hash of the same cost, so both take as long
    ok = verify_password(reservation.password_hash, body.password)
    ok = ok and reservation.user_id is not None and reservation.active
    if not ok or reservation.user_id is None:
        with state.sessions.begin() as session:
            audit(session, None, "auth.login_failed", "user", username, {"address": address})
        raise ApiError(401, "invalid_credentials", "wrong user name or password")
    with state.sessions.begin() as session:
        throttle.settle_success(session, reservation.attempt_id)
        user = session.get(User, reservation.user_id)
        assert user is not None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(body.password)
        device = session.get(Device, body.client_id)
        if device is not None and device.revoked_at is not None:
            raise ApiError(
                401, "device_revoked", "this device has been revoked: wipe local data", wipe=True
            )
        if device is not None and device.user_id != user.id:
            raise ApiError(
                409,
                "device_bound_to_other_user",
                "this device is registered to another user; wipe it or use a new client_id",
            )
        if device is None:
            device = Device(
                id=body.client_id, user_id=user.id, name=body.device_name, created_at=now
            )
            session.add(device)
            session.flush()
        elif body.device_name:
            device.name = body.device_name
        device.last_seen_at = now
        tokens = issue_tokens(session, state, user, device)
        principal = Principal(user.id, user.username, user.role, user.team_id, device.id)  # type: ignore[arg-type]
        audit(session, principal, "auth.login", "device", device.id, {"address": address})
        return tokens


@router.post("/refresh", response_model=TokensOut)
def refresh(body: RefreshIn, state: StateDep) -> TokensOut:
    """Swap a refresh token for a new pair. Presenting a rotated-away token ends the chain."""
    now = utcnow()
    digest = token_hash(body.refresh_token)
    reused = False
    with state.sessions.begin() as session:
        token = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest))
        if token is None or token.device_id != body.client_id:
            raise ApiError(401, "invalid_refresh_token", "unknown refresh token; sign in again")
        device = session.get(Device, token.device_id)
        user = session.get(User, token.user_id)
        assert device is not None
        assert user is not None
        if device.revoked_at is not None:
            raise ApiError(
                401, "device_revoked", "this device has been revoked: wipe local data", wipe=True
            )
        if not user.active:
            raise ApiError(
                401, "user_disabled", "this user is disabled: wipe local data", wipe=True
            )
        if token.revoked_at is not None or token.expires_at <= now:
            raise ApiError(401, "invalid_refresh_token", "the session has ended; sign in again")
        claimed = session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
            .values(used_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            reused = True
            end_device_sessions(session, device.id)
            audit(session, None, "auth.refresh_reuse", "device", device.id)
        else:
            session.refresh(device)
            return issue_tokens(session, state, user, device)
    assert reused
    raise ApiError(
        401,
        "refresh_token_reused",
        "this refresh token was already used; every session of this device has ended",
    )


@router.post("/logout", response_model=OkOut)
def logout(principal: PrincipalDep, state: StateDep) -> OkOut:
    with state.sessions.begin() as session:
        end_device_sessions(session, principal.device_id)
        audit(session, principal, "auth.logout", "device", principal.device_id)
    return OkOut()


@router.get("/me", response_model=UserOut)
def me(principal: PrincipalDep, state: StateDep) -> UserOut:
    with state.sessions() as session:
        user = session.get(User, principal.user_id)
        assert user is not None
        return user_out(session, user)


__all__ = [
    "end_device_sessions",
    "end_user_sessions",
    "hash_password",
    "router",
    "timedelta",
    "user_out",
]
