"""Who is in a lead's team: the collectors (agents and field collectors) of one team.

Its own module because the lead's console (``lead``) and the quality workflows
(``quality``) both need it, and the console also calls into quality."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.enums import Role
from workstation.server.models import User

COLLECTOR_ROLES = (Role.AGENT.value, Role.FIELD.value)


def team_members(session: Session, team_id: str) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.team_id == team_id, User.role.in_(COLLECTOR_ROLES))
            .order_by(User.username)
        )
    )
