"""Each account's propensity score, reason codes and risk tier, computed on the server.

The server holds every account's full history, so it is the place to score: for each open
account ``extract_features(customer, account, history, as_of)`` (the same features the
desk's ranker and ``train-scorecard`` use, over the rows converted by ``domain_rows``),
the CURRENT scorecard (the newest ``ScorecardRow``; the shipped default when there is
none) gives the probability and the top reason codes, and the treatment policy turns
probability and bucket into a tier A–D. Score, reasons and tier are stored on
``AccountRow`` and reach devices like any other account change: the row gets a new global
version, so the next ``/sync/changes`` pull of whoever holds the account returns it.

**Only material changes are written.** Devices pull every account whose version moves, so
a rescore that rewrote every row daily would make every device download its whole
portfolio. An account is written only when its tier changes, its reason codes change
(codes and order: the first is the one shown) or its score moves by 0.01 or more from the
stored one; a score drifting by less stays as it is.

**Batches.** Accounts are read ``batch_size`` at a time (by id), with their customers and
events; nothing holds more than one batch. Each batch is scored outside any transaction
and written in its own short transaction: the changed rows are locked, then as many versions
taken (rows before the counter, as every writer takes them; the counter lock is held only for
those UPDATEs and the commit). A row another transaction holds is passed over, not waited for
(``SKIP LOCKED``; tried once more after the last batch), and each UPDATE
is guarded by the version read, so an account that a device changed in between is left
alone (the next rescore picks it up) instead of overwriting the device's write. A version
taken for a skipped row is simply a gap in the cursor sequence, which readers tolerate.

Run by ``seed`` (the demo portfolio starts scored), at the end of ``train-scorecard`` (a
new model rescores everything), daily by the scheduled maintenance
(``retention.run_maintenance``: days past due and recency move every day) and by operators
with ``workstation-server rescore``.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import AccountStatus, Bucket, EventType
from workstation.domain.model import Account, Customer, Event
from workstation.server.domain_rows import account_of, customer_of
from workstation.server.models import AccountRow, CustomerRow, EventRow, ScorecardRow
from workstation.server.versioning import allocate, lock_rows

if TYPE_CHECKING:
    from workstation.queue.scorecard import Scorecard
    from workstation.segments.model import SegmentModel

    Models = tuple[SegmentModel, SegmentModel]

log = logging.getLogger(__name__)

DEFAULT_BATCH = 1000
# a stored score this close to the new one is left alone (devices are not told)
SCORE_TOLERANCE = 0.01
REASONS_KEPT = 3
CLOSED = tuple(s.value for s in AccountStatus if s.is_closed)


@dataclass(frozen=True, slots=True)
class Scored:
    """One account's new values, as stored: score text, tier letter, reason codes."""

    account_id: str
    seen_version: int
    score: str
    risk_tier: str
    reason_codes: list[str]
    # ability and willingness (``workstation.segments``), stored beside the propensity
    ability: int | None = None
    willingness: int | None = None
    segment: str | None = None
    ability_reasons: list[str] | None = None
    willingness_reasons: list[str] | None = None
    segment_model: str | None = None


@dataclass(frozen=True, slots=True)
class RescoreReport:
    scored: int  # open accounts scored
    changed: int  # written with a new version
    skipped: int  # changed materially, but the account moved meanwhile (left for next time)
    scorecard_version: str
    seconds: float


def current_scorecard(session: Session) -> Scorecard:
    """The newest stored scorecard, else the one shipped with the core."""
    from workstation.queue.scorecard import default_scorecard, parse_scorecard

    latest = session.scalar(select(ScorecardRow).order_by(ScorecardRow.id.desc()).limit(1))
    return parse_scorecard(latest.model, "database") if latest else default_scorecard()


def score_text(probability: float) -> str:
    """The stored form (``AccountRow.score`` is text; devices read it as a Decimal)."""
    return f"{probability:.4f}"


def _stored_score(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# ability or willingness this close (basis points) to the stored one is left alone
SEGMENT_TOLERANCE = 100


def is_material(row: AccountRow, new: Scored) -> bool:
    """Would devices need to hear about this? (tier, reasons, segment, or a score moved:
    the propensity by 0.01 or more, ability or willingness by 100 basis points or more)."""
    if row.risk_tier != new.risk_tier or list(row.reason_codes or ()) != new.reason_codes:
        return True
    if (
        row.segment != new.segment
        or row.segment_model != new.segment_model
        or list(row.ability_reasons or ()) != (new.ability_reasons or [])
        or list(row.willingness_reasons or ()) != (new.willingness_reasons or [])
    ):
        return True
    for old_bp, new_bp in ((row.ability, new.ability), (row.willingness, new.willingness)):
        if (old_bp is None) != (new_bp is None) or (
            old_bp is not None and new_bp is not None and abs(old_bp - new_bp) >= SEGMENT_TOLERANCE
        ):
            return True
    old = _stored_score(row.score)
    return old is None or abs(old - float(new.score)) >= SCORE_TOLERANCE - 1e-9


def _feature_events(session: Session, ids: list[str], as_of: datetime) -> dict[str, list[Event]]:
    """The accounts' events the features read (``FEATURE_EVENT_TYPES``; contact attempts
    of the last ``RECENT_DAYS`` only), oldest first, read as plain rows: a rescore of a
    large book would otherwise spend most of its time building ORM objects for notes,
    messages and old calls the features never look at."""
    from workstation.queue.features import FEATURE_EVENT_TYPES, RECENT_DAYS

    attempt = EventType.CONTACT_ATTEMPT.value
    stmt = (
        select(
            EventRow.id,
            EventRow.type,
            EventRow.account_id,
            EventRow.customer_id,
            EventRow.occurred_at,
            EventRow.recorded_by,
            EventRow.payload,
        )
        .where(
            EventRow.account_id.in_(ids),
            EventRow.type.in_(sorted(t.value for t in FEATURE_EVENT_TYPES)),
            or_(EventRow.type != attempt, EventRow.occurred_at >= as_of - timedelta(RECENT_DAYS)),
        )
        .order_by(EventRow.occurred_at)
    )
    events: dict[str, list[Event]] = defaultdict(list)
    for event_id, kind, account_id, customer_id, at, by, payload in session.execute(stmt):
        events[account_id].append(
            Event(event_id, EventType(kind), account_id, customer_id, at, by, payload or {})
        )
    return events


def _batches(
    sessions: sessionmaker[Session], account_ids: Sequence[str] | None, size: int, as_of: datetime
) -> Iterator[tuple[list[AccountRow], dict[str, CustomerRow], dict[str, list[Event]]]]:
    """Open accounts ``size`` at a time (by id), with their customers and the events the
    features read."""
    pending = sorted(set(account_ids)) if account_ids is not None else None
    last = ""
    while True:
        with sessions() as session:
            stmt = select(AccountRow).where(AccountRow.status.not_in(CLOSED))
            if pending is not None:
                chunk, pending = pending[:size], pending[size:]
                if not chunk:
                    return
                stmt = stmt.where(AccountRow.id.in_(chunk))
            else:
                stmt = stmt.where(AccountRow.id > last).order_by(AccountRow.id).limit(size)
            accounts = list(session.scalars(stmt))
            if not accounts:
                if pending:
                    continue  # this chunk was all closed; more to come
                return
            last = accounts[-1].id
            ids = [a.id for a in accounts]
            customer_ids = sorted({a.customer_id for a in accounts})
            customers = {
                c.id: c
                for c in session.scalars(
                    select(CustomerRow).where(CustomerRow.id.in_(customer_ids))
                )
            }
            events = _feature_events(session, ids, as_of)
            session.expunge_all()
        yield accounts, customers, events
        if pending is None and len(accounts) < size:
            return


def _score_batch(
    accounts: list[AccountRow],
    customers: dict[str, CustomerRow],
    events: dict[str, list[Event]],
    scorecard: Scorecard,
    as_of: datetime,
    *,
    models: Models | None = None,
) -> list[tuple[AccountRow, Scored]]:
    converted: dict[str, Any] = {}
    domain = []
    for row in accounts:
        customer = converted.get(row.customer_id)
        if customer is None:
            customer = converted[row.customer_id] = customer_of(customers[row.customer_id])
        domain.append(account_of(row))
    scored = score_objects(domain, converted, events, scorecard, as_of, models=models)
    return [
        (row, replace(new, seen_version=row.version))
        for row, new in zip(accounts, scored, strict=True)
    ]


def score_objects(
    accounts: Sequence[Account],
    customers: Mapping[str, Customer],
    events: Mapping[str, Sequence[Event]],
    scorecard: Scorecard,
    as_of: datetime,
    *,
    models: Models | None = None,
) -> list[Scored]:
    """Score domain accounts (with their customers and histories, oldest event first); the
    one computation behind ``rescore`` and the seed's scoring of what it generates."""
    from workstation.domain.dispositions import default_catalogue
    from workstation.queue.features import extract_features
    from workstation.queue.treatments import default_policy
    from workstation.segments.model import assess, default_models

    ability, willingness = models or default_models()

    policy = default_policy()
    catalogue = default_catalogue()
    out = []
    for account in accounts:
        features = extract_features(
            customers[account.customer_id],
            account,
            events.get(account.id, ()),
            as_of,
            catalogue=catalogue,
        )
        result = scorecard.score(features, top=REASONS_KEPT)
        # the tier of the score as stored, so anyone re-deriving it from the row agrees
        text = score_text(result.probability)
        tier = policy.tier(float(text), Bucket.for_days(account.days_past_due))
        codes = [r.code for r in result.reasons]
        seg = assess(ability, willingness, features)
        out.append(
            Scored(
                account.id,
                account.version,
                text,
                tier.value,
                codes,
                seg.ability,
                seg.willingness,
                seg.segment.value,
                list(seg.ability_reasons),
                list(seg.willingness_reasons),
                seg.model_version,
            )
        )
    return out


def score_new(
    accounts: Sequence[Any],
    customers: dict[str, Any],
    scorecard: Scorecard,
    as_of: datetime,
    models: Models | None = None,
) -> list[Scored]:
    """Score accounts not stored yet (a placement file's new accounts, no history), so
    they go in with their tier, score and reasons in the same INSERT. Rows are anything with
    the columns as attributes (ORM rows, or lighter objects for a bulk INSERT)."""
    batch = _score_batch(list(accounts), customers, {}, scorecard, as_of, models=models)
    return [new for _, new in batch]


def _update_statement() -> Any:
    table = AccountRow.__table__
    assert isinstance(table, Table)
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_seen"))
        .values(
            score=bindparam("b_score"),
            risk_tier=bindparam("b_tier"),
            reason_codes=bindparam("b_reasons", type_=table.c.reason_codes.type),
            ability=bindparam("b_ability"),
            willingness=bindparam("b_willingness"),
            segment=bindparam("b_segment"),
            ability_reasons=bindparam("b_a_reasons", type_=table.c.ability_reasons.type),
            willingness_reasons=bindparam("b_w_reasons", type_=table.c.willingness_reasons.type),
            segment_model=bindparam("b_segment_model"),
            version=bindparam("b_version"),
        )
    )


def _write(sessions: sessionmaker[Session], changes: list[Scored]) -> tuple[int, list[Scored]]:
    """Store ``changes`` in one short transaction; return how many rows were written and
    the changes passed over (their rows were locked by another transaction)."""
    if not changes:
        return 0, []
    statement = _update_statement()
    table = AccountRow.__table__
    assert isinstance(table, Table)
    with sessions.begin() as session:
        # rows another transaction holds (a push, the daily run's bulk UPDATEs, whose locks
        # are not in id order) are passed over, not waited for: waiting, the rescore and
        # the daily run deadlocked when a node started both at once. A row passed over
        # keeps its stored score until the next rescore (``rescore`` tries once more)
        locked = set(lock_rows(session, table, [s.account_id for s in changes], skip_locked=True))
        passed = [s for s in changes if s.account_id not in locked]
        changes = [s for s in changes if s.account_id in locked]
        if not changes:
            return 0, passed
        first = allocate(session, len(changes))
        params = [
            {
                "b_id": s.account_id,
                "b_seen": s.seen_version,
                "b_score": s.score,
                "b_tier": s.risk_tier,
                "b_reasons": s.reason_codes,
                "b_ability": s.ability,
                "b_willingness": s.willingness,
                "b_segment": s.segment,
                "b_a_reasons": s.ability_reasons,
                "b_w_reasons": s.willingness_reasons,
                "b_segment_model": s.segment_model,
                "b_version": first + i,
            }
            for i, s in enumerate(changes)
        ]
        written = 0
        for start in range(0, len(params), 500):
            result = session.connection().execute(statement, params[start : start + 500])
            written += int(getattr(result, "rowcount", 0) or 0)
    return written, passed


def rescore(
    sessions: sessionmaker[Session],
    *,
    as_of: datetime | None = None,
    account_ids: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> RescoreReport:
    """Score open accounts (all, or ``account_ids``) as of ``as_of`` (default now) with the
    current scorecard; store the ones that changed materially, each with a new version."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    started = time.perf_counter()
    moment = (as_of or datetime.now(UTC)).astimezone(UTC)
    from workstation.server.segmentation import current_models

    with sessions() as session:
        scorecard = current_scorecard(session)
        models = current_models(session)
    scored = changed = material = 0
    passed_over: list[Scored] = []
    for accounts, customers, events in _batches(sessions, account_ids, batch_size, moment):
        results = _score_batch(accounts, customers, events, scorecard, moment, models=models)
        scored += len(results)
        changes = [new for row, new in results if is_material(row, new)]
        material += len(changes)
        written, passed = _write(sessions, changes)
        changed += written
        passed_over += passed
    # the rows that were locked when their batch was written, once more (their writers
    # have mostly committed since); a row still locked, or changed meanwhile, is skipped
    for start in range(0, len(passed_over), batch_size):
        changed += _write(sessions, passed_over[start : start + batch_size])[0]
    report = RescoreReport(
        scored=scored,
        changed=changed,
        skipped=material - changed,
        scorecard_version=scorecard.version,
        seconds=time.perf_counter() - started,
    )
    log.info(
        "rescore: %d accounts scored, %d changed (%d moved meanwhile) with scorecard %s in %.1f s",
        report.scored,
        report.changed,
        report.skipped,
        report.scorecard_version,
        report.seconds,
    )
    return report
