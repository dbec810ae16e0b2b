"""Safety at the desk (issue 20): what the agent types and clicks cannot slip into a lasting
hold or a blocked call.

- the outcome search ranks what the agent's word starts first ("Cease" is not *Deceased*);
- an outcome placing a hold the agent cannot lift again (the holds table says which) is
  recorded only once confirmed;
- the call button is off while the contact engine blocks the number, saying why in the
  agent's language; an override reason in the form lets them call all the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.seeded_store import event_ids, events_since
from ui import i18n
from ui.views.outcome_search import ranked
from workstation.desk.holds import lasting_hold_warning
from workstation.domain import EventType
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Role


def _visible_codes(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    picker = outcome.picker
    return [
        picker.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(picker.count())
        if not picker.item(row).isHidden()
    ]


def _at_local_hour(window, ctx, qtbot, hour: int) -> None:  # type: ignore[no-untyped-def]
    """Pin the desk's clock to the customer's ``hour`` today and reload the account."""
    tz = ZoneInfo(window.view.customer.timezone)
    local = datetime.now(tz).replace(hour=hour, minute=0, second=0, microsecond=0)
    ctx.desk.clock = lambda: local.astimezone(UTC)
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(window.view.account.id)


# --- the outcome search ---------------------------------------------------------------------


def test_typing_cease_puts_cease_communication_before_deceased(window, qtbot) -> None:
    outcome = window.outcome
    outcome.search.setFocus()
    qtbot.keyClicks(outcome.search, "Cease")
    assert _visible_codes(outcome)[:2] == ["CEASE", "DECEASED"]
    assert outcome.current_disposition() == "CEASE"
    qtbot.keyClick(outcome.search, Qt.Key.Key_Return)  # Enter takes the best match
    assert outcome.current_disposition() == "CEASE"
    outcome.search.clear()  # no search: the catalogue's own order again
    assert _visible_codes(outcome) == [d.code for d in default_catalogue()]


def test_a_search_moves_the_selection_to_its_best_match(window, qtbot) -> None:
    outcome = window.outcome
    outcome.select_disposition("DECEASED")
    outcome.search.setFocus()
    qtbot.keyClicks(outcome.search, "cease")
    assert outcome.current_disposition() == "CEASE"


def test_the_search_ranks_word_starts_in_both_languages() -> None:
    catalogue = default_catalogue()
    assert [d.code for d in ranked("cease", catalogue)][:2] == ["CEASE", "DECEASED"]
    assert next(d.code for d in ranked("commu", catalogue)) == "CEASE"  # a later word's start
    assert next(d.code for d in ranked("已故", catalogue)) == "DECEASED"  # a label's start
    assert [d.code for d in ranked("停止联系", catalogue)] == ["CEASE"]
    assert ranked("zzz", catalogue) == []


# --- a lasting hold asks first ----------------------------------------------------------------


def test_the_holds_table_says_which_outcomes_ask_first() -> None:
    catalogue = default_catalogue()
    asking = {d.code for d in catalogue if lasting_hold_warning(d, Role.AGENT) is not None}
    assert {"DECEASED", "BANKRUPT", "FRAUD", "CEASE", "DISPUTE"} <= asking
    # an agent lifts a hardship hold themselves; the everyday outcomes place none
    assert asking.isdisjoint({"HARDSHIP", "NA", "PTP", "PAID", "CB", "RPC_NC", "OPTOUT"})
    warning = lasting_hold_warning(catalogue["DECEASED"], Role.AGENT)
    assert warning is not None
    assert "recorded in error" in warning.en
    assert "登记错误" in warning.zh


@pytest.mark.parametrize("code", ["DECEASED", "CEASE"])
def test_an_outcome_with_a_lasting_hold_is_recorded_only_once_confirmed(
    window, ctx, qtbot, code: str
) -> None:
    _at_local_hour(window, ctx, qtbot, 10)
    window.outcome.override_reason.setText("customer called us")  # if the hour blocks
    account_id = window.view.account.id
    before = event_ids(ctx.store, account_id)
    assert window.outcome.select_disposition(code)
    for box in window.outcome.disclosures.boxes.values():  # a right-party call's (CEASE)
        box.setChecked(True)

    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = window.agent.hold_confirmation
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert box.defaultButton().text() == "Go back"  # a second Enter does not confirm a slip
    box.defaultButton().click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    assert event_ids(ctx.store, account_id) == before, "nothing recorded without a yes"

    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = window.agent.hold_confirmation
    qtbot.waitUntil(box.isVisible, timeout=5000)
    record = next(
        b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole
    )
    with qtbot.waitSignal(window.outcome_saved, timeout=5000):
        record.click()
    new = events_since(ctx.store, account_id, before)
    attempt = next(e for e in new if e.type is EventType.CONTACT_ATTEMPT)
    assert attempt.payload["disposition"] == code


def test_an_everyday_outcome_is_saved_without_asking(window, ctx, qtbot) -> None:
    _at_local_hour(window, ctx, qtbot, 10)
    window.outcome.override_reason.setText("customer called us")
    assert window.outcome.select_disposition("NA")
    with qtbot.waitSignal(window.outcome_saved, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.agent.hold_confirmation is None


# --- the call button --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_call_button_is_off_while_the_engine_blocks_the_call(
    window, ctx, qtbot, monkeypatch, lang: str
) -> None:
    qapp = QApplication.instance()
    dialled: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: dialled.append(url.toString()) or True),
    )
    i18n.install(qapp, lang)
    try:
        _at_local_hour(window, ctx, qtbot, 3)  # the middle of the customer's night
        outcome = window.outcome
        verdict = window.view.verdicts[outcome.current_channel()]
        assert not verdict.allowed
        assert not outcome.call.isEnabled()
        reason = verdict.reasons[0].get(lang)
        assert reason in outcome.call.toolTip()
        if lang == "zh_CN":
            assert "无法拨打" in outcome.call.toolTip()
        window.agent.call_current()  # Ctrl+D on a blocked number dials nothing
        assert dialled == []

        # the override stays possible through the form: a reason (saved with the outcome)
        qtbot.keyClicks(outcome.override_reason, "customer asked us to call now")
        assert outcome.call.isEnabled()
        window.agent.call_current()
        assert len(dialled) == 1
    finally:
        i18n.install(qapp, "en")


def test_the_call_button_is_on_when_the_engine_allows_the_call(window, ctx, qtbot) -> None:
    _at_local_hour(window, ctx, qtbot, 10)
    verdict = window.view.verdicts[window.outcome.current_channel()]
    assert window.outcome.call.isEnabled() is verdict.allowed
    if verdict.allowed:
        assert window.outcome.call.toolTip() == "Call this number (Ctrl+D)"
