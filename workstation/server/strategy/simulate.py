"""The simulator: the demo book played forward day by day through the real product.

``simulate(url, days=…, challenger_id=…, segment=…)`` seeds a fresh database with the demo
generator (the same book ``workstation-server seed`` makes, as of the day before the start),
starts an experiment on the segment, and then, for each day:

1. the real daily run (``lifecycle.daily.run_daily``): aging, promises, plans, and the
   strategy step — each arm's due steps, messages asked of the compliance engine;
2. the real messaging worker (``DeliveryWorker.run_once``, its clock at the end of the day,
   the log transports standing in for the gateway and the mail server) delivers what the
   rules allow;
3. the customers answer: an account the strategy reached today (a message queued or
   deferred, a task raised, a visit the lead moved to the field collector of the customer's
   town the day it was referred: ``field_referral``) pays its past-due amount with a
   probability drawn from its hidden propensity to pay — the demo generator's truth,
   regenerated from the same seed, never seen by the product — times the strongest of the
   day's contacts' effects; any account may also pay unprompted. Payments go in as the
   bank's confirmed money (``lifecycle.payments.apply_confirmed``), so recovery, cure and
   roll are the real KPIs' (``strategy.results``);
4. and some complain: every contact of the day, one by one, draws a complaint with its
   channel's chance (``COMPLAINT_CHANCE``: a call or a visit is harsher than a message, and
   an account contacted more often draws more often), at most one a day per account. A
   complaint is taken in through the real complaints workflow (``complaints.workflow
   .receive``: intake event, reference, owner, deadlines), so complaints per 1,000 and the
   experiment's guard-rail read what the lead's Complaints tab reads.

``champion_id`` names the champion arm's strategy; as the daily run has the champion arm
follow the segment's champion, it is made the segment's champion in the simulation's own
database (so an A/A run of any strategy is possible). ``uplift`` multiplies the effect of
the challenger arm's contacts (not the unprompted payments): a strategy whose contacts move
customers to pay more, a known effect for tests that check the machinery finds it.
``complaint_scale`` multiplies every contact's complaint chance, both arms alike (a touchier
book, so a short test sees enough complaints). The payments and the complaints draw from two
random streams of the seed, so turning complaints up does not change who pays.
Deterministic for a seed. Nothing reads the clock to decide: the days are the simulated ones
(``--as-of`` semantics).
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.model import new_id
from workstation.lifecycle.policy import load_lifecycle_policy
from workstation.server.complaints.workflow import receive
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.lifecycle.changes import end_of
from workstation.server.lifecycle.daily import run_daily
from workstation.server.lifecycle.payments import ConfirmedPayment, Recorder, apply_confirmed
from workstation.server.messaging.config import MessagingSettings
from workstation.server.messaging.delivery import DeliveryWorker
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.tokens import UnsubscribeSigner
from workstation.server.messaging.transports import LogEmailSender, LogSmsGateway
from workstation.server.models import AccountRow, ReviewItem
from workstation.server.strategy.field_referral import KIND as FIELD_REFERRAL
from workstation.server.strategy.field_referral import REFERRED
from workstation.server.strategy.models import (
    Experiment,
    ExperimentAssignment,
    SegmentChampion,
    StrategyAction,
)
from workstation.server.strategy.results import results
from workstation.server.workflows.events import Author
from workstation.strategy.assign import CHALLENGER

# how much a contact moves a customer to pay today, times their hidden propensity
CONTACT_EFFECT = {"sms": 0.04, "email": 0.03, "call": 0.12, "visit": 0.2, "hardship_review": 0.1}
UNPROMPTED = 0.004  # a day's chance of paying unprompted, times the propensity
# a contact's chance of drawing a complaint: a call or a visit is harsher than a message
COMPLAINT_CHANCE = {"sms": 0.0005, "email": 0.0003, "call": 0.002, "visit": 0.004,
                    "hardship_review": 0.0}  # fmt: skip
_COMPLAINT_CATEGORY = {"visit": "contact_place"}  # else "contact_frequency"
_RECEIVED_VIA = {"call": "phone", "hardship_review": "phone"}  # else the contact's kind
_REACHED = ("queued", "deferred", "raised")
_SIMULATION = uuid.UUID("5b0c6f3e-9d0a-4c1e-8f57-2a6d3b1e7c90")


@dataclass
class SimulationReport:
    experiment_id: str
    start: date
    days: int
    accounts: int
    payments: int
    complaints: int
    messages_delivered: int
    contacts: dict[str, int]  # the strategies' contacts per arm ("" outside the experiment)
    steps: dict[str, int]
    seconds: float
    results: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            "start": self.start.isoformat(),
            "days": self.days,
            "accounts": self.accounts,
            "payments": self.payments,
            "complaints": self.complaints,
            "messages_delivered": self.messages_delivered,
            "contacts": dict(sorted(self.contacts.items())),
            "steps": dict(sorted(self.steps.items())),
            "seconds": round(self.seconds, 1),
            "results": self.results,
        }


def hidden_propensity(accounts: int, seed: int, as_of: datetime) -> dict[str, float]:
    """The demo generator's truth for the book ``server.seed`` wrote (same chunks, seeds)."""
    from workstation.demo.generator import generate_portfolio_with_truth
    from workstation.server.seed import CHUNK, _chunk_seed

    truth: dict[str, float] = {}
    for index, begin in enumerate(range(0, accounts, CHUNK)):
        _, part = generate_portfolio_with_truth(
            min(CHUNK, accounts - begin), seed=_chunk_seed(seed, index), as_of=as_of
        )
        truth.update(part)
    return truth


def _contacts(session: Session, day: date) -> list[tuple[str, str]]:
    """(account id, kind) of every contact the strategies made today, in a stable order."""
    moved = _lead_moves_referrals(session, day)
    return [
        (account_id, kind)
        for account_id, kind, status in session.execute(
            select(StrategyAction.account_id, StrategyAction.kind, StrategyAction.status)
            .where(StrategyAction.day == day, StrategyAction.status.in_((*_REACHED, REFERRED)))
            .order_by(StrategyAction.account_id, StrategyAction.step_id)
        )
        if status != REFERRED or account_id in moved
    ]


def _lead_moves_referrals(session: Session, day: date) -> set[str]:
    """The simulation's leads: each visit referred today (``field_referral``: a desk agent
    held the account) that names the field collector of the customer's town is moved to him
    at once and the visit made, as a lead working the review queue would; one naming nobody
    stays at the desk (no visit). The accounts moved."""
    moved: set[str] = set()
    for item in session.scalars(
        select(ReviewItem).where(
            ReviewItem.kind == FIELD_REFERRAL,
            ReviewItem.acknowledged_at.is_(None),
            ReviewItem.account_id.is_not(None),
        )
    ):
        collector = (item.detail or {}).get("field_collector_id")
        if not collector or item.account_id is None:
            continue
        session.execute(
            update(AccountRow).where(AccountRow.id == item.account_id).values(owner_id=collector)
        )
        item.acknowledged_at = end_of(day)
        moved.add(item.account_id)
    return moved


def _answer(
    session: Session,
    day: date,
    contacts: list[tuple[str, str]],
    *,
    truth: dict[str, float],
    arms: dict[str, str],
    rng: random.Random,
    uplift: float,
) -> int:
    """Today's payments: reached accounts answer by their contact, any may pay unprompted."""
    reached: dict[str, float] = {}
    for account_id, kind in contacts:
        effect = CONTACT_EFFECT.get(kind, 0.0)
        if arms.get(account_id) == CHALLENGER:
            effect *= uplift
        reached[account_id] = max(reached.get(account_id, 0.0), effect)
    payments: list[ConfirmedPayment] = []
    rows = session.execute(
        select(AccountRow.id, AccountRow.past_due_minor, AccountRow.balance_minor,
               AccountRow.currency)
        .where(AccountRow.status.not_in(("paid", "settled", "closed")),
               AccountRow.past_due_minor > 0)
        .order_by(AccountRow.id)
    )  # fmt: skip
    for account_id, past_due, balance, currency in rows:
        propensity = truth.get(account_id, 0.3)
        chance = (UNPROMPTED + reached.get(account_id, 0.0)) * propensity
        if rng.random() < min(chance, 0.95):
            amount = min(int(past_due), int(balance))
            if amount > 0:
                payments.append(ConfirmedPayment(f"SIM-{new_id()}", account_id, amount,
                                                 currency, day))  # fmt: skip
    if payments:
        apply_confirmed(
            session, payments, now=end_of(day), as_of=day, recorder=Recorder("simulator"),
            grace_days=load_lifecycle_policy().promise_grace_days, match_days=7,
        )  # fmt: skip
    return len(payments)


def _complain(
    session: Session,
    day: date,
    contacts: list[tuple[str, str]],
    *,
    rng: random.Random,
    scale: float,
) -> int:
    """Today's complaints: each contact draws one with its channel's chance, at most one an
    account; taken in through the complaints workflow. How many were received."""
    complained: set[str] = set()
    received = 0
    for account_id, kind in contacts:
        chance = COMPLAINT_CHANCE.get(kind, 0.0) * scale
        if account_id in complained or rng.random() >= min(chance, 0.95):
            continue
        complained.add(account_id)
        account = session.get(AccountRow, account_id)
        if account is None:
            continue
        receive(
            session, account, category=_COMPLAINT_CATEGORY.get(kind, "contact_frequency"),
            details=f"Simulated: a complaint about the {kind} of {day.isoformat()}.",
            received_via=_RECEIVED_VIA.get(kind, kind), author=Author("simulator"),
            at=datetime.combine(day, clock_time(20), UTC),
        )  # fmt: skip
        received += 1
    return received


def _start_experiment(session: Session, experiment: Experiment, *, key: str) -> str:
    """Start ``experiment`` (its arms' terms given); its id. The id comes from the
    simulation's parameters, so the arms (a hash of it and each account id) are the same at
    every run of the same simulation."""
    e = experiment
    key = f"{key}|{e.segment}|{e.champion_id}|{e.challenger_id}|{e.share}|{e.started_on}"
    e.id = str(uuid.uuid5(_SIMULATION, key))
    e.name = f"simulated: {e.challenger_id} on {e.segment}"
    e.status, e.created_at, e.note = "running", datetime.now(UTC), "simulator"
    session.add(e)
    return e.id


def simulate(
    url: str,
    *,
    days: int,
    challenger_id: str,
    segment: str,
    share: float = 0.5,
    accounts: int = 2000,
    seed: int = 1,
    start: date = date(2030, 1, 7),
    uplift: float = 1.0,
    complaint_scale: float = 1.0,
    confidence: float = 0.95,
    complaints_guard: float = 2.0,
    champion_id: str | None = None,
) -> SimulationReport:
    """Play the book forward ``days`` days from ``start`` (see the module docstring)."""
    began = time.perf_counter()
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    sessions: sessionmaker[Session] = make_sessionmaker(engine)
    try:
        from workstation.server.seed import seed as seed_book
        from workstation.server.strategy.run import champions
        from workstation.strategy.model import default_book

        as_of = datetime.combine(start - timedelta(days=1), clock_time(12), UTC)
        seed_book(sessions, accounts=accounts, teams=1, agents=2, seed=seed, as_of=as_of)
        truth = hidden_propensity(accounts, seed, as_of)
        rng = random.Random(seed)
        complaint_rng = random.Random(f"complaints:{seed}")
        with sessions.begin() as session:
            if champion_id is not None:
                # the champion arm follows the segment's champion (``strategy.run``): the one
                # named here is made so, in the simulation's own database
                session.merge(SegmentChampion(segment=segment, strategy_id=champion_id,
                                              since=as_of))  # fmt: skip
            champion = champions(session, default_book())[segment].id
            experiment_id = _start_experiment(
                session, Experiment(
                    segment=segment, champion_id=champion, challenger_id=challenger_id,
                    share=share, confidence=confidence, complaints_guard=complaints_guard,
                    started_on=start,
                ), key=f"{seed}|{accounts}",
            )  # fmt: skip
        moment = [end_of(start)]
        worker = DeliveryWorker(
            sessions, MessagingSettings(worker=False, batch=500), sms=LogSmsGateway(),
            email=LogEmailSender(), signer=UnsubscribeSigner("simulator"),
            clock=lambda: moment[0],
        )  # fmt: skip
        paid = complaints = delivered = 0
        steps: dict[str, int] = {}
        contacted: dict[str, int] = {}
        arms: dict[str, str] = {}
        for offset in range(days):
            day = start + timedelta(days=offset)
            report = run_daily(sessions, day, match_days=7)
            for processed in report.processed:
                for key, value in processed.counts.items():
                    if key.startswith("strategy_"):
                        steps[key] = steps.get(key, 0) + value
            # the worker's rounds at 04:00 and 16:00 UTC: midday in Asia, morning in America
            for hour in (4, 16):
                moment[0] = datetime.combine(day, clock_time(hour), UTC)
                while worker.run_once():
                    pass
            with sessions.begin() as session:
                if not arms:
                    arms = dict(session.execute(
                        select(ExperimentAssignment.account_id, ExperimentAssignment.arm)
                        .where(ExperimentAssignment.experiment_id == experiment_id)
                    ).all())  # fmt: skip
                contacts = _contacts(session, day)
                for account_id, _ in contacts:
                    arm = arms.get(account_id, "")
                    contacted[arm] = contacted.get(arm, 0) + 1
                paid += _answer(session, day, contacts, truth=truth, arms=arms, rng=rng,
                                uplift=uplift)  # fmt: skip
                complaints += _complain(session, day, contacts, rng=complaint_rng,
                                        scale=complaint_scale)  # fmt: skip
        with sessions() as session:
            delivered = len(
                session.scalars(
                    select(MessageJob.message_id).where(MessageJob.status == "delivered")
                ).all()
            )
            row = session.get(Experiment, experiment_id)
            assert row is not None
            last = start + timedelta(days=days - 1)
            outcome = results(session, row, last)
    finally:
        engine.dispose()
    return SimulationReport(experiment_id, start, days, accounts, paid, complaints, delivered,
                            contacted, steps, time.perf_counter() - began, outcome)  # fmt: skip
