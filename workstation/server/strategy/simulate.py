"""The simulator: the demo book played forward day by day through the real product.

``simulate(url, days=…, challenger_id=…, segment=…)`` seeds a fresh database with the demo
generator (the same book ``workstation-server seed`` makes, as of the day before the start),
starts an experiment on the segment, and then, for each day:

1. the real daily run (``lifecycle.daily.run_daily``): aging, promises, plans, and the
   strategy step — each arm's due steps, messages asked of the compliance engine;
2. the real messaging worker (``DeliveryWorker.run_once``, its clock at the end of the day,
   the log transports standing in for the gateway and the mail server) delivers what the
   rules allow;
3. the customers answer: an account the strategy reached today (a message delivered, a
   task raised) pays with a probability drawn from its hidden propensity to pay — the demo
   generator's truth, regenerated from the same seed, never seen by the product — times
   the contact's effect; any account may also pay unprompted. Payments go in as the bank's
   confirmed money (``lifecycle.payments.apply_confirmed``), so recovery, cure and roll are
   the real KPIs' (``strategy.results``).

``uplift`` multiplies the challenger arm's answer probability: a known effect for tests that
check the machinery finds it. Deterministic for a seed. Nothing reads the clock to decide:
the days are the simulated ones (``--as-of`` semantics).
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.model import new_id
from workstation.lifecycle.policy import load_lifecycle_policy
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.lifecycle.changes import end_of
from workstation.server.lifecycle.daily import run_daily
from workstation.server.lifecycle.payments import ConfirmedPayment, Recorder, apply_confirmed
from workstation.server.messaging.config import MessagingSettings
from workstation.server.messaging.delivery import DeliveryWorker
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.tokens import UnsubscribeSigner
from workstation.server.messaging.transports import LogEmailSender, LogSmsGateway
from workstation.server.models import AccountRow
from workstation.server.strategy.models import Experiment, ExperimentAssignment, StrategyAction
from workstation.server.strategy.results import results
from workstation.strategy.assign import CHALLENGER

# how much a contact moves a customer to pay today, times their hidden propensity
CONTACT_EFFECT = {"sms": 0.04, "email": 0.03, "call": 0.12, "visit": 0.2, "hardship_review": 0.1}
UNPROMPTED = 0.004  # a day's chance of paying unprompted, times the propensity
_REACHED = ("queued", "deferred", "raised")
_SIMULATION = uuid.UUID("5b0c6f3e-9d0a-4c1e-8f57-2a6d3b1e7c90")


@dataclass
class SimulationReport:
    experiment_id: str
    start: date
    days: int
    accounts: int
    payments: int
    messages_delivered: int
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
            "messages_delivered": self.messages_delivered,
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


def _answer(
    session: Session,
    day: date,
    *,
    truth: dict[str, float],
    arms: dict[str, str],
    rng: random.Random,
    uplift: float,
) -> int:
    """Today's payments: reached accounts answer by their contact, any may pay unprompted."""
    reached: dict[str, float] = {}
    for account_id, kind in session.execute(
        select(StrategyAction.account_id, StrategyAction.kind).where(
            StrategyAction.day == day, StrategyAction.status.in_(_REACHED)
        )
    ):
        reached[account_id] = max(reached.get(account_id, 0.0), CONTACT_EFFECT.get(kind, 0.0))
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
        if arms.get(account_id) == CHALLENGER:
            chance *= uplift
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
    confidence: float = 0.95,
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
        with sessions.begin() as session:
            champion = champion_id or champions(session, default_book())[segment].id
            # the experiment's id from the simulation's parameters: the arms (a hash of it and
            # each account id) are the same at every run of the same simulation
            key = f"{seed}|{accounts}|{segment}|{champion}|{challenger_id}|{share}|{start}"
            experiment = Experiment(
                id=str(uuid.uuid5(_SIMULATION, key)), segment=segment,
                name=f"simulated: {challenger_id} on {segment}",
                champion_id=champion, challenger_id=challenger_id, share=share,
                confidence=confidence, complaints_guard=2.0, status="running",
                started_on=start, created_at=datetime.now(UTC), note="simulator",
            )  # fmt: skip
            session.add(experiment)
            experiment_id = experiment.id
        moment = [end_of(start)]
        worker = DeliveryWorker(
            sessions, MessagingSettings(worker=False, batch=500), sms=LogSmsGateway(),
            email=LogEmailSender(), signer=UnsubscribeSigner("simulator"),
            clock=lambda: moment[0],
        )  # fmt: skip
        paid = delivered = 0
        steps: dict[str, int] = {}
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
                paid += _answer(session, day, truth=truth, arms=arms, rng=rng, uplift=uplift)
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
    return SimulationReport(experiment_id, start, days, accounts, paid, delivered, steps,
                            time.perf_counter() - began, outcome)  # fmt: skip
