"""The portal's KPIs on the lead's KPI tab (issue 16), against the REAL backend on loopback:
a customer's promise on the portal and a survey rating move the figures the lead sees; the
customers' ratings stay apart from the agent-entered scores; a server that cannot be reached
says so on the panel; the tab renders in English and Chinese."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.server.conftest import PASSWORD, Backend, running_backend
from tests.server.portal_helpers import app_of, csrf, customer, portal_events
from workstation.domain import Role
from workstation.server.models import AccountRow

LEAD = "zhao.min"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    # one team: every account the portal helpers pick is the lead's
    with running_backend("sqlite", tmp_path_factory, accounts=40, teams=1) as started:
        yield started


def _context(backend: Backend, tmp_path: Path, base: str | None = None):
    from ui.context import build_context
    from workstation.lead import LeadClient
    from workstation.store import Store
    from workstation.sync import ApiSession

    store = Store.open(tmp_path / "lead.db")
    api = ApiSession(backend.base, "lead-portal-kpis")
    api.sign_in(LEAD, PASSWORD)
    if base is not None:  # the server moved away after sign-in
        api.http.base_url = base
    context = build_context(store=store, role=Role.LEAD, user=LEAD)
    context.lead_client = LeadClient(api)
    return context, api, store


@pytest.fixture
def lead_ctx(prepared_app, backend: Backend, tmp_path: Path):
    context, api, store = _context(backend, tmp_path)
    yield context
    context.runner.shutdown()
    api.close()
    store.close()


def _console(ctx, qtbot):
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    widget.tabs.setCurrentWidget(widget.kpis)
    return widget


def _load(console, qtbot):
    """Load the KPI tab's period: the team's KPIs and the portal's, both off the GUI thread."""
    with qtbot.waitSignals([console.kpis.portal.loaded, console.kpis.loaded], timeout=30_000):
        console.kpis.load()
    return console.kpis.portal.kpis


def _survey(backend: Backend, account_id: str, score: int) -> None:
    from workstation.server.portal.access import issue_link

    with backend.sessions.begin() as session:
        account = session.get(AccountRow, account_id)
        assert account is not None
        token = issue_link(
            session, app_of(backend).state.portal.keys, account, datetime.now(UTC), purpose="survey"
        )
    http = requests.Session()
    page = http.get(f"{backend.base}/portal/survey/{token}", timeout=10)
    assert page.status_code == 200, page.text
    done = http.post(
        f"{backend.base}/portal/survey/{token}",
        data={"csrf": csrf(page.text), "score": str(score), "comment": "clear"},
        timeout=10,
    )
    assert done.status_code == 200, done.text


def test_a_portal_promise_and_a_survey_move_the_leads_figures(lead_ctx, backend, qtbot):
    client = lead_ctx.lead_client
    fetch, threads = client.portal_kpis, []

    def watched(*args):
        threads.append(threading.current_thread())
        return fetch(*args)

    client.portal_kpis = watched
    console = _console(lead_ctx, qtbot)
    panel = console.kpis.portal
    before = _load(console, qtbot)
    assert panel.promises.value.text() == str(before.promises)
    assert threads
    assert threading.main_thread() not in threads  # never on the GUI thread

    person = customer(backend)
    person.sign_in()
    due = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    assert person.form("/portal/promise", {"amount": "100.00", "due_date": due}).ok
    assert len(portal_events(backend, person.account_id, "promise")) == 1
    _survey(backend, person.account_id, 5)

    after = _load(console, qtbot)
    assert after.promises == before.promises + 1
    assert after.survey.count == before.survey.count + 1
    assert after.agent_entered == before.agent_entered  # the customers' ratings stay apart
    # what the lead reads is what the server counted
    assert panel.promises.value.text() == str(after.promises)
    assert panel.plans.value.text() == str(after.plans)
    assert panel.callbacks.value.text() == str(after.callbacks)
    assert panel.payments.value.text() == str(after.payments)
    count = f"{after.survey.count} ratings" if after.survey.count > 1 else "one rating"
    assert count in panel.survey.value.text()
    assert after.survey.mean is not None
    assert panel.survey.value.text().startswith(f"{after.survey.mean:.2f}")
    assert f"of {after.surveys_sent} sent" in panel.response.detail.text()
    assert "ratings by the channel" in panel.by_channel.text()
    assert after.date_to.isoformat() in panel.note.text()
    if before.survey.count == 0:  # only the one rating: its score is the mean
        assert after.survey.mean == 5
    image = console.grab()
    assert not image.isNull()
    if "LEAD_PORTAL_SHOTS" in os.environ:  # to look at it: LEAD_PORTAL_SHOTS=/some/dir
        shots = Path(os.environ["LEAD_PORTAL_SHOTS"])
        shots.mkdir(parents=True, exist_ok=True)
        image.save(str(shots / "lead-kpis-portal-en.png"))


def test_the_panel_reads_in_chinese(prepared_app, lead_ctx, qtbot, backend):
    from ui import i18n

    i18n.install(prepared_app, "zh_CN")
    try:
        console = _console(lead_ctx, qtbot)
        kpis = _load(console, qtbot)
        panel = console.kpis.portal
        assert panel.title() == "客户自助页面：客户自己完成的操作"
        assert panel.agent.caption.text() == "满意度（坐席在通话中录入）"
        assert panel.promises.value.text() == str(kpis.promises)
        image = console.grab()
        assert not image.isNull()
        if "LEAD_PORTAL_SHOTS" in os.environ:
            image.save(str(Path(os.environ["LEAD_PORTAL_SHOTS"]) / "lead-kpis-portal-zh.png"))
    finally:
        i18n.install(prepared_app, "en")


def test_a_server_out_of_reach_is_said_on_the_panel(prepared_app, backend, tmp_path, qtbot):
    context, api, store = _context(backend, tmp_path, base="http://127.0.0.1:9")
    try:
        console = _console(context, qtbot)
        panel = console.kpis.portal
        with qtbot.waitSignal(panel.failed, timeout=30_000):
            console.kpis.load()
        assert panel.kpis is None
        assert panel.note.text().startswith("The portal's figures are not available")
        assert panel.promises.value.text() == "—"
    finally:
        context.runner.shutdown()
        api.close()
        store.close()
