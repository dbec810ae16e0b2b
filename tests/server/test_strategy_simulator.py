"""The simulator plays the demo book forward through the real daily run, messaging worker,
complaints workflow and KPIs: recovery finds a known uplift, a challenger that contacts more
draws complaints past the guard-rail and is flagged, and an A/A experiment (the champion
against itself) is not declared a winner. Small books and a few weeks: seconds each (SQLite;
the run is the same code as on PostgreSQL, which test_strategy_run covers)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from workstation.server.cli import main as server_main
from workstation.server.complaints.models import ComplaintRow
from workstation.server.db import make_engine
from workstation.server.strategy.simulate import simulate


def test_the_simulator_detects_a_known_uplift_in_recovery(tmp_path: Path) -> None:
    # both arms follow the same strategy (weekly calls, so the segment's accounts are reached
    # often enough for three weeks to tell); the challenger's contacts move customers to pay
    # three times as much: the only difference between the arms is that known effect
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    report = simulate(
        url, days=21, challenger_id="weekly-call-v1", champion_id="weekly-call-v1",
        segment="unable_unwilling", accounts=1000, seed=1, uplift=3.0,
    )  # fmt: skip
    to_date = report.results["to_date"]
    assert report.payments > 0
    assert report.messages_delivered > 0  # the worker delivered the strategies' messages
    assert report.steps.get("strategy_raised", 0) > 0  # tasks raised to owners
    assert to_date["accounts"]["champion"] > 200
    assert to_date["accounts"]["challenger"] > 200
    # the champion arm follows the champion named (made the segment's champion in the
    # simulation's database): the arms' contacts are alike, about 1.4 an account
    champion, challenger = report.contacts["champion"], report.contacts["challenger"]
    assert champion > 300
    assert abs(challenger - champion) < 0.2 * champion
    by_key = {m["key"]: m for m in to_date["metrics"]}
    # recovery — confirmed money ÷ placed, per currency — finds the uplift: the verdict is
    # recovery's, and the difference's whole interval is above zero
    assert to_date["verdict"] == "ahead"
    assert by_key["recovery_rate"]["difference"]["low"] > 0
    assert by_key["cure_rate"]["verdict"] == "ahead"
    assert by_key["cure_rate"]["difference"]["low"] > 0
    assert set(by_key["recovery_rate"]["by_currency"]) == {"CNY", "GBP", "USD"}
    assert len(report.results["weeks"]) == 3


def test_a_challenger_that_contacts_more_is_flagged_for_its_complaints(tmp_path: Path) -> None:
    # weekly calls against the standard cadence: many more contacts, and calls are the harsh
    # kind; every contact's complaint chance ten times the default (a touchier book, both
    # arms alike), 2,000 accounts and three weeks, so it shows (with desk agents' visits
    # referred to the lead, fewer and gentler contacts: 1,000 accounts over two weeks drew
    # too few complaints and payments to tell the arms apart)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    report = simulate(
        url, days=21, challenger_id="weekly-call-v1", segment="unable_unwilling",
        accounts=2000, seed=1, complaint_scale=10.0,
    )  # fmt: skip
    assert report.contacts["challenger"] > 5 * report.contacts["champion"]
    to_date = report.results["to_date"]
    complaints = next(m for m in to_date["metrics"] if m["key"] == "complaints_per_1000")
    champion, challenger = complaints["champion"]["value"], complaints["challenger"]["value"]
    assert challenger - champion > report.results["complaints_guard"]
    assert complaints["verdict"] == "behind"  # fewer complaints is better
    # the calls do bring money in — the challenger is ahead on recovery — and it is flagged
    # all the same
    assert to_date["verdict"] == "ahead"
    assert to_date["complaints_flagged"] is True
    # the complaints came in through the workflow: registered, referenced, owned
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(ComplaintRow.reference, ComplaintRow.owner_id, ComplaintRow.category).where(
                    ComplaintRow.received_on >= report.start
                )
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == report.complaints > 0
    assert all(r.reference.startswith("CP-2030-") and r.owner_id for r in rows)
    assert {r.category for r in rows} <= {"contact_frequency", "contact_place"}


def test_the_champion_against_itself_is_not_declared_different(tmp_path: Path) -> None:
    verdicts = []
    for seed in (1, 2, 3):
        report = simulate(
            f"sqlite:///{tmp_path / f'aa{seed}.db'}", days=14, challenger_id="standard-v1",
            champion_id="standard-v1", segment="able_willing", accounts=500, seed=seed,
        )  # fmt: skip
        verdicts.append(report.results["to_date"]["verdict"])
    # at 95 % confidence one A/A run in twenty may differ by chance; three seeded runs do not
    assert verdicts == ["not_yet_distinguishable"] * 3


def test_simulate_on_the_command_line(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = server_main(["simulate", "--days", "3", "--experiment", "early-call-v1",
                        "--accounts", "150", "--complaint-scale", "2", "--db", f"sqlite:///{tmp_path / 'cli.db'}"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "3 days from 2030-01-07 over 150 demo accounts" in out
    assert "Recovery rate" in out
    assert "complaints" in out
    assert "strategy contacts: champion" in out
    assert server_main(["simulate", "--days", "3", "--experiment", "nope"]) == 2
