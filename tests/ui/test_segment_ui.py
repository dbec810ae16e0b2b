"""The desk shows the 2×2 segment, both scores and their reasons; the lead filters by segment."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from sqlalchemy import update

from ui.i18n import _state
from ui.views.segment import _DIM, _LIT, SegmentPanel
from workstation.domain import Account, Money
from workstation.domain.enums import Segment
from workstation.store.models import AccountRow

ASSESSED = {
    "ability": 8200,
    "willingness": 2150,
    "segment": Segment.ABLE_UNWILLING,
    "ability_reasons": ("+INCOME_MARGIN_HIGH", "-BALANCE_TO_INCOME_HIGH"),
    "willingness_reasons": ("-REFUSAL_SHARE_HIGH", "-RPC_SHARE_LOW"),
    "segment_model": "A7/W8",
}


def _account(**fields: object) -> Account:
    base = Account(
        id="acc-1",
        customer_id="cus-1",
        product="card",
        currency="CNY",
        principal=Money.of(Decimal("1000"), "CNY"),
        balance=Money.of(Decimal("800"), "CNY"),
        past_due=Money.of(Decimal("200"), "CNY"),
        days_past_due=40,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def _shot(widget, name: str) -> None:
    folder = os.environ.get("WORKSTATION_SCREENSHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, name))


def test_the_panel_lights_the_quadrant_and_explains_both_scores(qtbot) -> None:
    panel = SegmentPanel()
    qtbot.addWidget(panel)
    panel.resize(760, 80)
    panel.show_account(_account(**ASSESSED))
    for segment, cell in panel.cells.items():
        assert cell.styleSheet() == (_LIT if segment is Segment.ABLE_UNWILLING else _DIM)
    assert "82 %" in panel.ability.text()
    assert "↑ income covers essentials with room to spare" in panel.ability.text()
    assert "↓ balance large against income" in panel.ability.text()
    assert "21 %" in panel.willingness.text()
    assert "↓ often refuses to pay" in panel.willingness.text()
    assert "Firm calls" in panel.treatment.text()
    assert panel.toolTip() == "A7/W8"
    _shot(panel, "segment-panel-en.png")

    # Chinese is first-class: the same account in zh
    saved = _state["language"]
    _state["language"] = "zh"
    try:
        panel.show_account(_account(**ASSESSED))
        assert "经常拒绝还款" in panel.willingness.text()
        assert "坚定催收电话" in panel.treatment.text()
        _shot(panel, "segment-panel-zh.png")
    finally:
        _state["language"] = saved

    # an account the models have not assessed says so and lights nothing
    panel.show_account(_account())
    assert panel.segment is None
    assert all(cell.styleSheet() == _DIM for cell in panel.cells.values())
    assert "not assessed" in panel.ability.text()


def test_the_desk_shows_the_open_accounts_segment(window, ctx, qtbot) -> None:
    account_id = window.view.account.id
    with ctx.store.write() as connection:
        connection.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(
                ability=1800,
                willingness=9100,
                segment=Segment.UNABLE_WILLING.value,
                ability_reasons=["-INCOME_MARGIN_LOW", "-HARDSHIP_HIGH"],
                willingness_reasons=["+KEPT_PROMISES_HIGH"],
                segment_model="A7/W8",
            )
        )
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(account_id)
    panel = window.account.segment
    assert panel.segment is Segment.UNABLE_WILLING
    assert panel.cells[Segment.UNABLE_WILLING].styleSheet() == _LIT
    assert "Hardship plan" in panel.treatment.text()
    assert "↓ in financial hardship" in panel.ability.text()
    assert "↑ has kept promises" in panel.willingness.text()
    _shot(window.account, "desk-account-segment.png")


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory):
    from tests.server.conftest import running_backend

    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        yield started


def test_the_lead_filters_the_queue_explorer_by_segment(prepared_app, backend, qtbot, tmp_path):
    from tests.ui.lead_helpers import lead_console

    with lead_console(backend, qtbot, tmp_path, "lead-desk-segment") as widget:
        team = widget.team
        everyone = team.accounts_model.rowCount()
        column = next(
            i
            for i in range(team.accounts_model.columnCount())
            if team.accounts_model.headerData(i, Qt.Orientation.Horizontal) == "Segment"
        )
        for value in (Segment.UNABLE_WILLING.value, Segment.ABLE_WILLING.value):
            index = team.segment.findData(value)
            assert index > 0
            with qtbot.waitSignal(team.accounts_loaded, timeout=10_000):
                team.segment.setCurrentIndex(index)
            shown = {
                team.accounts_model.index(r, column).data()
                for r in range(team.accounts_model.rowCount())
            }
            assert team.filters().segment == value
            assert team.accounts_model.rowCount() < everyone
            assert shown <= {team.segment.itemText(index)}
        _shot(widget, "lead-segment-filter.png")
