"""One bad row never stops a job over many accounts (issue 20).

``survive`` runs one account's work in a savepoint. If it raises, the savepoint is rolled
back (that account keeps its state, the rest of the job's transaction is untouched), the
error is logged, and a review item tells the team's lead which account and which step
failed and why — once: while that item is unacknowledged, the same failure on later runs
does not add another. The job then goes on with the next account.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.server.models import AccountRow, ReviewItem
from workstation.server.review import item as review_item
from workstation.text import Text

log = logging.getLogger(__name__)
T = TypeVar("T")
REVIEW_KIND = "lifecycle_error"


def survive(
    session: Session, job: str, account_id: str, day: date, work: Callable[[], T]
) -> tuple[bool, T | None]:
    """``(True, result)`` when ``work`` succeeded, ``(False, None)`` when it failed (and was
    rolled back, logged and raised for review)."""
    try:
        with session.begin_nested():
            return True, work()
    except Exception as exc:
        log.exception("%s failed for account %s on %s", job, account_id, day)
        flag_for_review(session, job, account_id, day, exc)
        return False, None


def flag_for_review(
    session: Session, job: str, account_id: str, day: date, exc: BaseException
) -> None:
    already = session.scalar(
        select(ReviewItem.id).where(
            ReviewItem.kind == REVIEW_KIND,
            ReviewItem.account_id == account_id,
            ReviewItem.acknowledged_at.is_(None),
            ReviewItem.detail["job"].as_string() == job,
        )
    )
    if already is not None:
        return
    account = session.get(AccountRow, account_id)
    error = f"{type(exc).__name__}: {exc}"[:500]
    session.add(
        review_item(
            REVIEW_KIND,
            Text(
                f"The daily run could not {job} on this account: {error}",
                f"每日批处理未能在此账户上完成（{job}）：{error}",
            ),
            datetime.now(UTC),
            account_id=account_id,
            customer_id=account.customer_id if account is not None else None,
            team_id=account.team_id if account is not None else None,
            assignee_id=None,
            detail={"job": job, "day": day.isoformat(), "error": error},
        )
    )
