"""What happens to a collector's portfolio when an admin moves them to another team.

An account belongs to a team (its placement, its strategy, its lead) before it belongs to
an agent. Moving an agent used to leave their old team's accounts owned by them: still
readable and workable by someone who now answers to another lead, and supervised by a lead
who no longer has them in the team. Now the move releases them, in the same transaction:
each account stays in its team with no owner (its lead reassigns it; the team overview
counts it as unassigned), the agent's devices get a removal for it on their next pull (as
after a reassignment, outbox entries are pushed first), the lead gets one review item
listing them, and the assignment history records who did it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workstation.domain.model import new_id
from workstation.server.deps import Principal, audit
from workstation.server.models import AccountRow, Assignment, Removal, User
from workstation.server.review import item as review_item
from workstation.server.versioning import allocate
from workstation.text import Text

REASON = "owner_changed_team"


def release_outside_team(session: Session, by: Principal, user: User, now: datetime) -> list[str]:
    """Unassign every account ``user`` owns outside their (new) team; return the ids."""
    mine = AccountRow.owner_id == user.id
    if user.team_id:
        mine = mine & or_(AccountRow.team_id.is_(None), AccountRow.team_id != user.team_id)
    accounts = list(
        session.scalars(select(AccountRow).where(mine).order_by(AccountRow.id).with_for_update())
    )
    if not accounts:
        return []
    batch_id = new_id()
    # versions as a lead's reassignment takes them: the row, the removal, the assignment
    first = allocate(session, 3 * len(accounts))
    by_team: dict[str | None, list[str]] = {}
    for offset, account in enumerate(accounts):
        base = first + 3 * offset
        account.owner_id = None
        account.version = base
        session.add(
            Removal(
                version=base + 1,
                kind="account",
                entity_id=account.id,
                user_id=user.id,
                team_id=None,
                reason=REASON,
                at=now,
            )
        )
        session.add(
            Assignment(
                version=base + 2,
                account_id=account.id,
                from_user_id=user.id,
                to_user_id=None,
                from_team_id=account.team_id,
                to_team_id=account.team_id,
                by_user_id=by.user_id,
                batch_id=batch_id,
                at=now,
            )
        )
        by_team.setdefault(account.team_id, []).append(account.id)
    for team_id, ids in by_team.items():
        session.add(
            review_item(
                "owner_left_team",
                Text(
                    f"{user.username} moved to another team: {len(ids)} of their accounts "
                    "here have no owner now",
                    f"{user.username}已调往其他团队：其在本团队的{len(ids)}个账户现无负责人",
                ),
                now,
                team_id=team_id,
                from_user_id=user.id,
                detail={"account_ids": ids, "batch_id": batch_id},
            )
        )
    ids = [a.id for a in accounts]
    audit(
        session,
        by,
        "admin.release_portfolio",
        "user",
        user.id,
        {"reason": REASON, "batch_id": batch_id, "account_ids": ids, "new_team_id": user.team_id},
    )
    return ids
