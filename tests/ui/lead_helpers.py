"""The lead's console opened on a real backend, signed in as the seeded lead, for the UI
tests of the console's tabs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def lead_console(backend: Any, qtbot: Any, tmp_path: Path, device: str) -> Iterator[Any]:
    """zhao.min's console (1500 × 850, shown), its team overview, explorer and KPIs loaded;
    closed with its runner, session and store after the block."""
    from tests.server.conftest import PASSWORD
    from ui.context import build_context
    from ui.lead.workspace import build_lead_workspace
    from workstation.domain import Role
    from workstation.lead import LeadClient
    from workstation.store import Store
    from workstation.sync import ApiSession

    store = Store.open(tmp_path / "lead.db")
    api = ApiSession(backend.base, device)
    api.sign_in("zhao.min", PASSWORD)
    context = build_context(store=store, role=Role.LEAD, user="zhao.min")
    context.lead_client = LeadClient(api)
    try:
        widget = build_lead_workspace(context)
        qtbot.addWidget(widget)
        widget.resize(1500, 850)
        widget.show()
        team = widget.team
        with qtbot.waitSignals(
            [team.overview_loaded, team.accounts_loaded, widget.kpis.loaded], timeout=30_000
        ):
            widget.start()
        yield widget
    finally:
        context.runner.shutdown()
        api.close()
        store.close()
