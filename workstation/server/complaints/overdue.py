"""The daily run's complaints step: a deadline missed raises a review item, once.

For the processed day D, every open complaint with a pending deadline before D (the
acknowledgement while it is unacknowledged, the final response — as extended) is overdue:
the deadline's key (``final:2027-03-15``) is added to the complaint's ``overdue`` list and a
``complaint_overdue`` review item goes to the team's lead and the owner. A deadline already
listed is not raised again, so running the same day twice, or the following days, adds
nothing; an extension moves the final deadline, and missing the new one raises it anew.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workstation.server.complaints.models import ComplaintRow
from workstation.server.lifecycle.changes import DayChanges, end_of
from workstation.server.review import item as review_item
from workstation.text import Text
from workstation.workflows import complaints as table

REVIEW_KIND = "complaint_overdue"
_WORDS = {
    "acknowledge": Text("acknowledgement", "受理确认"),
    "final": Text("final response", "最终答复"),
}


def mark_overdue(session: Session, changes: DayChanges) -> None:
    day = changes.day
    open_states = [s.value for s in table.OPEN_STATES]
    rows = session.scalars(
        select(ComplaintRow)
        .where(
            ComplaintRow.status.in_(open_states),
            or_(ComplaintRow.due_on < day, ComplaintRow.acknowledge_by < day),
        )
        .order_by(ComplaintRow.reference)
    )
    now = end_of(day)  # the day's fact, dated by the run's day (a catch-up, a chosen --as-of)
    for row in rows:
        missed = [
            (kind, due)
            for kind, due in table.pending_deadlines(row.status, row.acknowledge_by, row.due_on)
            if due < day and f"{kind}:{due.isoformat()}" not in (row.overdue or [])
        ]
        if not missed:
            continue
        row.overdue = [*(row.overdue or []), *(f"{k}:{d.isoformat()}" for k, d in missed)]
        for kind, due in missed:
            session.add(
                review_item(
                    REVIEW_KIND,
                    Text(
                        f"Complaint {row.reference}: the {_WORDS[kind].en} was due on "
                        f"{due.isoformat()} and has not been sent",
                        f"投诉{row.reference}：{_WORDS[kind].zh}应于{due.isoformat()}发出，"
                        "至今未发",
                    ),
                    now,
                    account_id=row.account_id,
                    customer_id=row.customer_id,
                    event_id=row.id,
                    team_id=row.team_id,
                    assignee_id=row.owner_id,
                    detail={
                        "reference": row.reference,
                        "complaint_id": row.id,
                        "deadline": kind,
                        "due_on": due.isoformat(),
                        "status": row.status,
                        "day": day.isoformat(),
                    },
                )
            )
            changes.count("complaints_overdue")
