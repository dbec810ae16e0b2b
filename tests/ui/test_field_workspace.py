"""The field collector's screen: it opens on a real local store, renders, plans the day,
saves a visit from the keyboard, marks missing evidence in place, agrees a plan with its
agreement preview, and its models pass qtmodeltester. The book is generated as of a fixed
instant and the desk's clock (which the field screen keeps) stands at it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workstation.domain import Role

DAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, a Friday


@pytest.fixture
def field_ctx(prepared_app, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.seeded_store import seeded_store
    from ui.context import build_context

    store = seeded_store(tmp_path_factory, tmp_path / "field.db", accounts=150, seed=4, as_of=DAY)
    context = build_context(store=store, role=Role.FIELD, user="wang.qiang")
    context.desk.clock = lambda: DAY
    yield context
    context.runner.shutdown()
    store.close()


@pytest.fixture
def workspace(field_ctx, qtbot):
    from ui.field.workspace import build_field_workspace

    widget = build_field_workspace(field_ctx)
    qtbot.addWidget(widget)
    widget.resize(1500, 850)
    widget.show()
    with qtbot.waitSignal(widget.plan_loaded, timeout=20_000):
        widget.start()
    qtbot.waitUntil(lambda: widget.current is not None, timeout=5_000)
    return widget


def test_opens_renders_and_models_pass_modeltester(workspace, qtmodeltester, qtbot):
    assert workspace.plan is not None
    assert workspace.plan.planned_at == DAY  # planned on the desk's clock
    assert workspace.model.rowCount() > 0
    assert not workspace.grab().isNull()
    qtmodeltester.check(workspace.model)
    workspace.model.sort(workspace.model.column_of("balance"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(workspace.model)
    with qtbot.waitSignal(workspace.banner_updated, timeout=10_000):
        workspace.refresh_banner()
    assert "Never synced" in workspace.banner.label.text()
    assert workspace.current is not None
    assert workspace.header.name.text().startswith(f"{workspace.current.position}.")


def test_banner_counts_the_retention_a_sync_stored(workspace, field_ctx, qtbot):
    from workstation.field.banner import RETENTION_STATE_KEY
    from workstation.store import LAST_SYNC_AT

    last = DAY - timedelta(days=31)
    field_ctx.store.set_state(LAST_SYNC_AT, last.isoformat())
    with qtbot.waitSignal(workspace.banner_updated, timeout=10_000) as default:
        workspace.refresh_banner()
    assert default.args[0].level == "info"  # 31 days is fine under the 90-day default
    field_ctx.store.set_state(RETENTION_STATE_KEY, 30)  # as the sync engine stores it
    with qtbot.waitSignal(workspace.banner_updated, timeout=10_000) as short:
        workspace.refresh_banner()
    assert short.args[0].level == "danger"
    assert workspace.banner.level == "danger"
    assert "(30 days)" in workspace.banner.label.text()


def test_keyboard_visit_marks_missing_evidence_then_saves(workspace, qtbot):
    stop = workspace.current
    form = workspace.form
    form.outcome_buttons["nobody"].setFocus()
    qtbot.keyClick(form.outcome_buttons["nobody"], Qt.Key.Key_Space)
    assert form.current_outcome() == "nobody"
    qtbot.keyClick(workspace, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(form.error.text()), timeout=10_000)
    if stop.pack_id == "cn-nifa":
        assert form.evidence["recording_on"].property("invalid") is True
    for flag in ("id_shown", "recording_on", "second_collector"):
        form.evidence[flag].setChecked(True)
    if not stop.verdict.allowed:
        form.override.setText("asked to come now")
    with qtbot.waitSignal(workspace.visit_saved, timeout=10_000) as saved:
        qtbot.keyClick(workspace, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].accounts == {stop.account_id}
    qtbot.waitUntil(
        lambda: (
            workspace.model.rows()[workspace.model.row_of(stop.account_id)].visited_today
            is not None
        ),
        timeout=10_000,
    )
    qtbot.keyClick(workspace, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: workspace.current.account_id != stop.account_id, timeout=5_000)


def test_plan_at_the_door_records_and_previews_the_agreement(workspace, qtbot):
    workspace.form.choose_outcome("met_debtor")
    dialog = workspace.open_plan()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.columns[0].option is not None, timeout=10_000)
    assert not dialog.grab().isNull()
    with qtbot.waitSignal(workspace.agreement_ready, timeout=20_000) as ready:
        dialog.columns[0].button.click()
    agreed = ready.args[0]
    assert agreed.document.pdf.startswith(b"%PDF")
    assert dialog.preview is not None
    qtbot.waitUntil(lambda: dialog.preview.shown_page is not None, timeout=20_000)
    assert not dialog.preview.grab().isNull()
    blob = workspace.ctx.store.get_blob(agreed.document.sha256)
    assert blob == agreed.document.pdf
    dialog.preview.reject()
    with qtbot.waitSignal(workspace.banner_updated, timeout=10_000):
        workspace.refresh_banner()
    assert "1 document" in workspace.banner.label.text()


def test_sync_without_sign_in_says_work_stays_here(workspace):
    workspace.sync_now()
    assert "Not signed in" in workspace.banner.label.text()


def test_headline_names_the_distance_only_when_a_leg_was_measured(workspace):
    """A day with measured legs reads "about N km"; one whose stops have no coordinates
    (or a single visit) has no distance to tell, and says none, not "about 0 km"."""
    from dataclasses import replace

    stops = workspace.model.rows()
    assert len(stops) >= 2
    measured = [replace(s, leg_km=None if i == 0 else 2.4) for i, s in enumerate(stops)]
    workspace.model.set_rows(measured)
    workspace._show_summary()
    km = f"{2.4 * (len(stops) - 1):,.0f}"
    assert workspace.summary.text().endswith(f" · about {km} km · 0 done")
    workspace.model.set_rows([replace(s, leg_km=None) for s in stops])
    workspace._show_summary()
    text = workspace.summary.text()
    assert "km" not in text
    assert text.startswith(f"Today: {len(stops)} visits in ")
    assert text.endswith(" · 0 done")


def test_distance_column_shows_a_three_digit_leg_whole(workspace):
    """The km column is as wide as its longest likely figure: "123.4" was cut to "12…"."""
    from dataclasses import replace

    stops = workspace.model.rows()
    workspace.model.set_rows([replace(s, leg_km=123.4) for s in stops])
    column = workspace.model.column_of("distance")
    shown = workspace.model.index(0, column).data()
    assert shown == "123.4"
    metrics = workspace.table.fontMetrics()
    # the text plus the cell's margins fits the column as laid out
    assert metrics.horizontalAdvance(shown) + 8 <= workspace.table.columnWidth(column)
