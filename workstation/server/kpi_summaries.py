"""Running totals the KPIs read instead of scanning, kept by database triggers.

Two of a period's KPI inputs are plain counts over a big table that no daily rollup needs to
wait for, because every change to them is a row write the database sees:

- ``kpi_portfolio(owner, currency)``: the accounts each collector holds now and their placed
  amount (``lead.kpi_counts``' portfolio KPIs; a scan of every account for the organisation);
- ``kpi_promise_days(due day, recorder, status)``: promises by the day they fall due (the
  "promises due and kept" of a period; a scan of every promise due in it).

Triggers on ``accounts`` and ``promises`` (migration 0018) add and subtract as rows are
inserted, updated or deleted, in the writing transaction, so the totals equal a scan at any
commit — whoever writes (the ORM, the aging run's set-based UPDATE, bulk files, COPY,
hand-written SQL). On PostgreSQL inserts and deletes are counted per statement over the
transition table (one upsert for a COPY of a million rows); an update fires per row only
when a counted column changed (``WHEN``), so the daily aging of every account costs nothing
here. SQLite: row-level triggers. ``tests/server/test_kpi_rollup.py`` checks equality with
the scan after each kind of write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import BigInteger, Date, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from workstation.server.models import Base


class KpiPortfolio(Base):
    """Accounts held now by ``owner_id`` in ``currency``, and their placed amount."""

    __tablename__ = "kpi_portfolio"
    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    accounts: Mapped[int] = mapped_column(BigInteger, nullable=False)
    placed_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)


class KpiPromiseDay(Base):
    """Promises falling due on ``due_date``, recorded by ``recorded_by_id`` ('' for none),
    now in ``status``."""

    __tablename__ = "kpi_promise_days"
    due_date: Mapped[date] = mapped_column(Date, primary_key=True)
    recorded_by_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    promises: Mapped[int] = mapped_column(BigInteger, nullable=False)


def portfolio(session: Session, owners: Sequence[str]) -> list[tuple[str, str, int, int]]:
    """(owner, currency, accounts, placed minor units) of ``owners``' accounts now."""
    return [
        (owner, currency, int(n), int(placed))
        for owner, currency, n, placed in session.execute(
            select(
                KpiPortfolio.owner_id,
                KpiPortfolio.currency,
                KpiPortfolio.accounts,
                KpiPortfolio.placed_minor,
            ).where(KpiPortfolio.owner_id.in_(list(owners)), KpiPortfolio.accounts != 0)
        )
    ]


def promises_due(
    session: Session,
    recorders: Sequence[str],
    start_day: date,
    end_day: date,
    *,
    statuses: Sequence[str],
    kept: str,
) -> dict[str, tuple[int, int]]:
    """Per recorder: promises due in ``[start_day, end_day]`` now in one of ``statuses``,
    and how many of them are ``kept``."""
    out: dict[str, tuple[int, int]] = {}
    for recorder, status, n in session.execute(
        select(KpiPromiseDay.recorded_by_id, KpiPromiseDay.status, func.sum(KpiPromiseDay.promises))
        .where(
            KpiPromiseDay.recorded_by_id.in_(list(recorders)),
            KpiPromiseDay.due_date >= start_day,
            KpiPromiseDay.due_date <= end_day,
            KpiPromiseDay.status.in_(list(statuses)),
        )
        .group_by(KpiPromiseDay.recorded_by_id, KpiPromiseDay.status)
    ):
        due, done = out.get(recorder, (0, 0))
        out[recorder] = (due + int(n or 0), done + (int(n or 0) if status == kept else 0))
    return out
