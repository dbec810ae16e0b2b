"""Approvals on screen: at the desk a settlement outside policy asks for the lead's approval
(the request waits in the outbox) and cannot be agreed meanwhile; in the lead's review queue
the request is approved with one button, or refused with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.seeded_store import outbox_types
from tests.server.conftest import Backend, running_backend
from tests.ui.test_lead_workspace import lead_ctx
from workstation.domain.model import new_id
from workstation.server.approvals.models import ApprovalRow

__all__ = ["lead_ctx"]  # the lead's context over this module's backend (a fixture)


def test_the_desk_asks_for_approval_of_a_settlement_outside_policy(window, qtbot):
    from ui.dialogs.plan import PlanDialog

    dialog = PlanDialog(window.ctx, window.view.account.id, window)
    qtbot.addWidget(dialog)
    dialog.settlement_percent.setText("20")
    dialog.recalculate()

    def settlement():  # the column showing the settlement, once the comparison is in
        return next(
            (c for c in dialog.columns if c.option is not None and c.option.kind == "settlement"),
            None,
        )

    qtbot.waitUntil(
        lambda: settlement() is not None and settlement().button.text() == "Request approval…",
        timeout=10_000,
    )
    column = settlement()
    column.button.click()
    reason = dialog.approval_dialog
    assert reason is not None
    reason.text.setPlainText("medical bills; 20 % is what the family can raise")
    with qtbot.waitSignal(dialog.agreed, timeout=10_000):
        reason._save()
    assert "event.approval" in outbox_types(window.ctx.store)
    qtbot.waitUntil(lambda: column.button.text() == "Waiting for the team lead", timeout=10_000)
    assert not column.button.isEnabled()
    # nothing of the dialog's is left running when the test ends
    qtbot.waitUntil(lambda: not dialog._debounce.isActive(), timeout=5_000)
    qtbot.waitUntil(lambda: not dialog.ctx.runner.busy, timeout=10_000)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        agent = started.login("li.na")
        account = next(a for a in agent.snapshot()["accounts"] if a["status"] == "open")
        ids = []
        for total in ("100.00", "200.00"):
            event = {
                "id": new_id(), "type": "approval", "account_id": account["id"],
                "occurred_at": datetime.now(UTC).isoformat(),
                "payload": {"kind": "settlement", "total": total, "currency": account["currency"],
                            "issues": ["below the floor"], "justification": "please"},
            }  # fmt: skip
            result = agent.push(agent.mutation("event.create", event)).json()["results"][0]
            assert result["status"] == "applied", result
            ids.append(event["id"])
        started.approval_ids = ids  # type: ignore[attr-defined]
        yield started


def test_the_lead_approves_or_refuses_from_the_review_queue(lead_ctx, backend, qtbot):
    from ui.lead.workspace import build_lead_workspace

    console = build_lead_workspace(lead_ctx)
    qtbot.addWidget(console)
    console.show()
    with qtbot.waitSignals([console.review.loaded], timeout=30_000):
        console.start()
    review = console.review
    first, second = backend.approval_ids  # type: ignore[attr-defined]

    def select(approval_id: str) -> None:
        row = next(r for r, item in enumerate(review.model.rows()) if item.event_id == approval_id)
        review.table.selectRow(row)

    select(first)
    console.tabs.setCurrentWidget(review)
    assert review.approvals.approve.isVisible()
    assert review.approvals.refuse.isVisible()
    assert "below the floor" in review.detail.toPlainText()
    with qtbot.waitSignal(review.approvals.answered, timeout=15_000) as answered:
        review.approvals.approve.click()
    assert answered.args == [first, "approved"]
    qtbot.waitUntil(lambda: all(i.event_id != first for i in review.model.rows()), timeout=15_000)
    select(second)
    dialog = review.approvals.ask_reason()
    assert dialog is not None
    dialog.text.setPlainText("offer at least 50 %")
    with qtbot.waitSignal(review.approvals.answered, timeout=15_000) as refused:
        dialog._save()
    assert refused.args == [second, "refused"]
    with backend.sessions() as session:
        rows = {r.id: (r.status, r.reason) for r in session.query(ApprovalRow)}
    assert rows[first] == ("approved", None)
    assert rows[second] == ("refused", "offer at least 50 %")
    console.close()
