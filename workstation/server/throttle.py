"""The sign-in throttle: failed attempts per (user, address) and per address.

Counting per user name alone let anyone lock anyone out (five wrong passwords from anywhere
every 15 minutes kept an account, the admin's included, answering 429 to the right
password). Now:

- **per (user, source address)**: ``login_max_failures_user`` failures inside
  ``login_window`` since that pair's last success block further tries *from that address*;
  the same user elsewhere is unaffected;
- **per address**: ``login_max_failures_address`` failures (any user names) block the
  address — a password sprayer's;
- **a known device** (the ``client_id`` is a device this user registered and it is not
  revoked) is never locked: past a limit it waits a progressive delay after the latest
  failure instead (``login_delay_base`` doubling per further failure, at most
  ``login_delay_max``), so its owner gets in after a few typos, and a guesser holding the
  device id still gets only a handful of tries an hour.

**The check and the failure record are one transaction.** An attempt is recorded as a failure
*before* the (slow) password check and turned into a success only when the password held,
so concurrent tries see each other: 30 parallel wrong passwords get exactly the limit's worth
of checks. Writers are serialised per address and per user name — on PostgreSQL with
transaction-level advisory locks (address first, then user: no cycle can form), on SQLite
by its single writer (``BEGIN IMMEDIATE``). A refusal records no attempt, so hammering a
locked door does not extend the lock.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from workstation.server.errors import ApiError
from workstation.server.models import Device, LoginAttempt, User
from workstation.server.settings import Settings

# advisory-lock classes (the first key of pg_advisory_xact_lock(int, int)): "WS" + 1 / 2
_ADDRESS_LOCK = 0x5753_0001
_USER_LOCK = 0x5753_0002


@dataclass(frozen=True, slots=True)
class Reservation:
    """A sign-in attempt admitted by the throttle (recorded as failed until settled)."""

    attempt_id: int
    user_id: str | None
    password_hash: str | None
    active: bool


def _key(value: str) -> int:
    """A stable signed 32-bit key for an advisory lock."""
    return zlib.crc32(value.encode()) - 2**31


def _serialise(session: Session, username: str, address: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already made this the only writer
    for cls, value in ((_ADDRESS_LOCK, address), (_USER_LOCK, username)):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": cls, "key": _key(value)}
        )


def progressive_delay(settings: Settings, excess: int) -> timedelta:
    """The wait after the latest failure once ``excess`` failures are past the limit."""
    base = settings.login_delay_base.total_seconds()
    return timedelta(
        seconds=min(settings.login_delay_max.total_seconds(), base * 2 ** min(excess, 30))
    )


def _refuse(what: str, wait: timedelta) -> ApiError:
    retry = max(1, int(wait.total_seconds() + 0.999))
    return ApiError(
        429,
        "too_many_attempts",
        f"too many failed sign-ins for this {what}; try again in {retry} s",
        headers={"Retry-After": str(retry)},
        retry_after=retry,
    )


def reserve(  # noqa: PLR0917 - the sign-in's facts, read best in one call
    session: Session,
    settings: Settings,
    username: str,
    address: str,
    client_id: str,
    now: datetime,
) -> Reservation:
    """Admit one attempt (recording it as failed) or raise 429; run inside a write transaction."""
    _serialise(session, username, address)
    user = session.execute(
        select(User.id, User.password_hash, User.active).where(User.username == username)
    ).one_or_none()
    known = (
        user is not None
        and (
            session.scalar(
                select(func.count())
                .select_from(Device)
                .where(
                    Device.id == client_id, Device.user_id == user.id, Device.revoked_at.is_(None)
                )
            )
            or 0
        )
        > 0
    )
    window_start = now - settings.login_window
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.address == address,
            LoginAttempt.success.is_(True),
        )
    )
    pair_start = max(window_start, last_ok) if last_ok else window_start
    checks = (
        (
            (LoginAttempt.username == username) & (LoginAttempt.address == address),
            pair_start,
            settings.login_max_failures_user,
            "user from this address",
        ),
        (
            LoginAttempt.address == address,
            window_start,
            settings.login_max_failures_address,
            "address",
        ),
    )
    for condition, start, limit, what in checks:
        count, oldest, newest = session.execute(
            select(func.count(), func.min(LoginAttempt.at), func.max(LoginAttempt.at)).where(
                condition, LoginAttempt.success.is_(False), LoginAttempt.at > start
            )
        ).one()
        if count < limit:
            continue
        if known:
            wait = newest + progressive_delay(settings, count - limit) - now
        else:
            wait = oldest + settings.login_window - now
        if wait > timedelta(0):
            raise _refuse(what, wait)
    attempt = LoginAttempt(username=username, address=address, at=now, success=False)
    session.add(attempt)
    session.flush()
    return Reservation(
        attempt.id,
        user.id if user else None,
        user.password_hash if user else None,
        bool(user.active) if user else False,
    )


def settle_success(session: Session, attempt_id: int) -> None:
    """The password held: the reserved attempt becomes a success (resets its pair)."""
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=True))
