"""The lead's Strategies tab against the real backend: the segments with their champions,
a running experiment with its arms drawn by the daily strategy run, its results as intervals
with the plain verdict, and a promotion confirmed in a dialog that changes the champion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.server.conftest import Backend, running_backend
from tests.ui.test_lead_workspace import lead_ctx
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow
from workstation.server.strategy.run import run_strategies

__all__ = ["lead_ctx"]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        lead = started.login("zhao.min")
        with started.sessions.begin() as session:
            session.execute(
                update(AccountRow)
                .where(AccountRow.status.not_in(["paid", "settled", "closed"]))
                .values(segment="able_willing", days_past_due=2, status="open")
            )
        # started yesterday (UTC): the results' period runs to today, whatever the hour
        day = datetime.now(UTC).date() - timedelta(days=1)
        made = lead.post("/api/v1/strategies/experiments", {
            "name": "Early call", "segment": "able_willing", "challenger_id": "early-call-v1",
            "share": 0.5, "started_on": day.isoformat()})  # fmt: skip
        assert made.status_code == 201, made.text
        started.experiment_id = made.json()["id"]  # type: ignore[attr-defined]
        with started.sessions.begin() as session:
            changes = DayChanges(day)
            run_strategies(session, day, changes)
            changes.stamp(session)
        yield started


@pytest.fixture
def console(lead_ctx, qtbot):  # type: ignore[no-untyped-def]
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(lead_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    view = widget.strategies
    with qtbot.waitSignals([view.loaded, view.results_shown], timeout=30_000):
        widget.start()
    yield widget
    widget.close()


def test_the_strategies_tab_shows_results_and_promotes_on_confirmation(
    console, backend, qtbot, tmp_path
):  # type: ignore[no-untyped-def]
    view = console.strategies
    console.tabs.setCurrentWidget(view)
    assert view.segments.rowCount() == 4
    assert view.experiments.rowCount() == 1
    assert view.experiments.item(0, 0).text() == "Early call"
    champion, challenger = view.experiments.item(0, 5).text().split(" / ")
    assert int(champion.replace(",", "")) > 0
    assert int(challenger.replace(",", "")) > 0
    keys = [row["key"] for row in view.chart.rows]
    assert keys[0] == "recovery_rate"
    assert "complaints_per_1000" in keys
    assert "Recovery to date:" in view.verdict.text()
    assert "confidence" in view.verdict.text()
    assert view.promote.isEnabled()
    image = tmp_path / "strategies.png"
    assert console.grab().save(str(image))
    assert image.stat().st_size > 10_000
    box = view.ask(promote=True)
    assert box is not None
    assert "Early call" in box.text()
    with qtbot.waitSignal(view.decided, timeout=15_000) as decided:
        box.accept()
    assert decided.args[0]["status"] == "promoted"
    qtbot.waitUntil(
        lambda: (
            view.segments.item(0, 1) is not None and view.segments.item(0, 1).text() == "Early call"
        ),
        timeout=15_000,
    )
    assert not view.promote.isEnabled()
