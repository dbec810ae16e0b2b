"""Daily rollups of the KPIs' event counts, kept by the daily run, equal to a scan at any time.

The lead's and the organisation's KPIs count, per recorder and period, attempts, right-party
contacts, promises and satisfaction scores (``lead._event_counts`` scans for them). At a
million accounts that is a scan of millions of events per request. ``kpi_event_days`` holds
those counts per (UTC day, recorder) for every event up to a version watermark (``server_state`` key
``kpi_rollup_version``), and a request reads

    rollup(period) + scan(events above the watermark in the period, not voided)
                   − scan(events at or below it that a void above it voids)

which equals the scan of everything whatever happened since the last refresh: new events
(a device's offline week arriving late included) are above the watermark, and a void of a
rolled-up event is subtracted until the next refresh recounts its day.

``refresh`` (run by the daily run after its days, and on demand) moves the watermark to the
committed version and recounts only the days touched in between: the days of the events
above the old watermark and of the events their voids name. The first refresh counts every
day. It takes a transaction-level advisory lock on PostgreSQL, so two nodes never refresh
at once (the second finds nothing left to do).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from workstation.domain.enums import EventType, VisitOutcome
from workstation.kpi import KpiCounts
from workstation.server.models import EventRow, KpiEventDay, ServerState
from workstation.server.retention import take_guard
from workstation.server.versioning import committed_version

log = logging.getLogger(__name__)

WATERMARK_KEY = "kpi_rollup_version"
LOCK_KEY = 0x4B5049  # 'KPI'
COUNTED_TYPES = (
    EventType.CONTACT_ATTEMPT.value,
    EventType.VISIT.value,
    EventType.PROMISE.value,
    EventType.SATISFACTION.value,
)


def count_columns() -> list[Any]:
    """attempts, right-party contacts, promises, satisfaction count and sum: the sums a
    KPI period needs from events (the one definition, for the scan and the rollup)."""
    from workstation.kpi import attempt_codes, right_party_codes

    attempts = list(attempt_codes())
    rpcs = list(right_party_codes())
    is_contact = EventRow.type == EventType.CONTACT_ATTEMPT.value
    is_visit = EventRow.type == EventType.VISIT.value
    met = EventRow.payload["outcome"].as_string() == VisitOutcome.MET_DEBTOR.value

    def flag(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    return [
        flag(or_(and_(is_contact, EventRow.disposition.in_(attempts)), is_visit)),
        flag(or_(and_(is_contact, EventRow.disposition.in_(rpcs)), and_(is_visit, met))),
        flag(EventRow.type == EventType.PROMISE.value),
        flag(EventRow.type == EventType.SATISFACTION.value),
        func.sum(case((EventRow.type == EventType.SATISFACTION.value, EventRow.score), else_=0)),
    ]


def voided_ids(low: int | None = None, high: int | None = None) -> Any:
    """The ids named by ``void`` events with ``low < server_version <= high``."""
    void = aliased(EventRow)
    target = void.payload["target_event_id"].as_string()
    stmt = select(target).where(void.type == EventType.VOID.value, target.is_not(None))
    if low is not None:
        stmt = stmt.where(void.server_version > low)
    if high is not None:
        stmt = stmt.where(void.server_version <= high)
    return stmt.correlate(None).scalar_subquery()


def _utc_day(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", EventRow.occurred_at))
    return func.date(EventRow.occurred_at)  # SQLite stores UTC without a zone


def watermark(session: Session) -> int:
    row = session.get(ServerState, WATERMARK_KEY)
    return int(row.value) if row is not None else 0


def _counts_of(row: Any) -> KpiCounts:
    attempts, rpcs, promises, n_sat, sat_sum = row
    return KpiCounts(
        attempts=int(attempts or 0),
        right_party_contacts=int(rpcs or 0),
        promises=int(promises or 0),
        satisfaction_count=int(n_sat or 0),
        satisfaction_sum=int(sat_sum or 0),
    )


def _scan(session: Session, where: list[ColumnElement[bool]]) -> dict[str, KpiCounts]:
    stmt = (
        select(EventRow.recorded_by_id, *count_columns())
        .where(EventRow.type.in_(COUNTED_TYPES), *where)
        .group_by(EventRow.recorded_by_id)
    )
    return {uid or "": _counts_of(rest) for uid, *rest in session.execute(stmt)}


def event_counts(
    session: Session, user_ids: list[str], start_day: date, end_day: date
) -> dict[str, KpiCounts]:
    """Per recorder in ``user_ids``: the period's event counts (``[start_day, end_day]``,
    UTC days), from the rollup and the events above its watermark; equal to a scan."""
    mark = watermark(session)
    start = datetime.combine(start_day, clock(0), UTC)
    end = datetime.combine(end_day + timedelta(days=1), clock(0), UTC)
    out: dict[str, KpiCounts] = {uid: KpiCounts() for uid in user_ids}
    rolled = session.execute(
        select(
            KpiEventDay.user_id,
            func.sum(KpiEventDay.attempts),
            func.sum(KpiEventDay.right_party_contacts),
            func.sum(KpiEventDay.promises),
            func.sum(KpiEventDay.satisfaction_count),
            func.sum(KpiEventDay.satisfaction_sum),
        )
        .where(
            KpiEventDay.user_id.in_(user_ids),
            KpiEventDay.day >= start_day,
            KpiEventDay.day <= end_day,
        )
        .group_by(KpiEventDay.user_id)
    )
    for uid, *rest in rolled:
        out[uid].add(_counts_of(rest))
    period = [
        EventRow.recorded_by_id.in_(user_ids),
        EventRow.occurred_at >= start,
        EventRow.occurred_at < end,
    ]
    newer = _scan(
        session, [*period, EventRow.server_version > mark, EventRow.id.not_in(voided_ids())]
    )
    for uid, counts in newer.items():
        out[uid].add(counts)
    if mark:
        # rolled-up events voided since: counted in the rollup, no longer by a scan
        gone = _scan(
            session,
            [
                *period,
                EventRow.server_version <= mark,
                EventRow.id.in_(voided_ids(low=mark)),
                EventRow.id.not_in(voided_ids(high=mark)),
            ],
        )
        for uid, counts in gone.items():
            _subtract(out[uid], counts)
    return out


def _subtract(total: KpiCounts, part: KpiCounts) -> None:
    total.attempts -= part.attempts
    total.right_party_contacts -= part.right_party_contacts
    total.promises -= part.promises
    total.satisfaction_count -= part.satisfaction_count
    total.satisfaction_sum -= part.satisfaction_sum


def refresh(sessions: sessionmaker[Session]) -> int:
    """Recount the days touched since the watermark and move it to the committed version;
    how many days were recounted (0: nothing new, or another node is refreshing)."""
    began = time.perf_counter()
    with sessions.begin() as session:
        if not take_guard(session, LOCK_KEY):
            return 0
        old = watermark(session)
        new = committed_version(session)
        if new <= old:
            return 0
        day = _utc_day(session)
        touched: list[Any] | None = None
        if old:
            named = voided_ids(low=old, high=new)
            touched = sorted(
                {
                    *session.scalars(
                        select(day)
                        .where(EventRow.server_version > old, EventRow.server_version <= new)
                        .distinct()
                    ),
                    *session.scalars(select(day).where(EventRow.id.in_(named)).distinct()),
                }
            )
        stmt = (
            select(day.label("day"), EventRow.recorded_by_id, *count_columns())
            .where(
                EventRow.type.in_(COUNTED_TYPES),
                EventRow.server_version <= new,
                EventRow.id.not_in(voided_ids(high=new)),
            )
            .group_by(day, EventRow.recorded_by_id)
        )
        if touched is None:
            session.execute(delete(KpiEventDay))
        elif touched:
            days = [_as_date(d) for d in touched]
            session.execute(delete(KpiEventDay).where(KpiEventDay.day.in_(days)))
            stmt = stmt.where(day.in_(touched))
        rows = (
            []
            if touched == []
            else [
                {
                    "day": _as_date(d),
                    "user_id": uid or "",
                    "attempts": int(a or 0),
                    "right_party_contacts": int(r or 0),
                    "promises": int(p or 0),
                    "satisfaction_count": int(n or 0),
                    "satisfaction_sum": int(s or 0),
                }
                for d, uid, a, r, p, n, s in session.execute(stmt)
            ]
        )
        if rows:
            session.execute(insert(KpiEventDay), rows)
        state = session.get(ServerState, WATERMARK_KEY)
        if state is None:
            session.add(ServerState(key=WATERMARK_KEY, value=str(new)))
        else:
            state.value = str(new)
        recounted = len({r["day"] for r in rows}) if touched is None else len(touched)
    log.info(
        "kpi rollup: %d days recounted up to version %d in %.1f s",
        recounted,
        new,
        time.perf_counter() - began,
    )
    return recounted


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
