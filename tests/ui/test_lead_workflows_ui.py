"""The lead's console for the other workflows, against the real backend: the Disputes tab
(a notice the pack does not have is refused with the reason, collection resumed with a
reason), and a vulnerability review marked done from the review queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.server.conftest import Backend, running_backend
from tests.ui.test_lead_workspace import lead_ctx
from workstation.domain.model import new_id
from workstation.server.disputes.models import DisputeRow
from workstation.server.models import CustomerRow

__all__ = ["lead_ctx"]  # the lead's context over this module's backend (a fixture)


def _push(api, account_id: str, kind: str, payload: dict) -> str:  # type: ignore[no-untyped-def]
    event = {"id": new_id(), "type": kind, "account_id": account_id,
             "occurred_at": datetime.now(UTC).isoformat(), "payload": payload}  # fmt: skip
    result = api.push(api.mutation("event.create", event)).json()["results"][0]
    assert result["status"] == "applied", result
    return str(event["id"])


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        agent = started.login("li.na")
        opened = [a for a in agent.snapshot()["accounts"] if a["status"] == "open"]
        started.dispute_id = _push(agent, opened[0]["id"], "dispute", {"reason": "not_mine"})  # type: ignore[attr-defined]
        _push(
            agent, opened[1]["id"], "contact_attempt", {"channel": "phone", "disposition": "VULN"}
        )
        started.vulnerable = opened[1]  # type: ignore[attr-defined]
        yield started


@pytest.fixture
def console(lead_ctx, qtbot):  # type: ignore[no-untyped-def]
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(lead_ctx)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignals(
        [widget.disputes.loaded, widget.review.loaded, widget.team.accounts_loaded], timeout=30_000
    ):
        widget.start()
    yield widget
    widget.close()


def test_the_disputes_tab_refuses_what_the_pack_has_not_and_resumes(console, backend, qtbot):
    view = console.disputes
    console.tabs.setCurrentWidget(view)
    row = view.model.row_of(backend.dispute_id)
    assert row is not None
    view.table.selectRow(row)
    assert view.send_notice.isEnabled()
    view.send_notice.click()  # China: no validation notice in the pack
    qtbot.waitUntil(lambda: "Nothing was changed" in console.status.text(), timeout=15_000)
    assert "no validation notice" in console.status.text()
    dialog = view.ask_resume()
    assert dialog is not None
    dialog.text.setPlainText("contract and statements checked with the customer")
    with qtbot.waitSignal(view.stepped, timeout=15_000) as stepped:
        dialog._save()
    assert stepped.args[0].status == "resumed"
    with backend.sessions() as session:
        row = session.get(DisputeRow, backend.dispute_id)
        assert row is not None
        assert row.status == "resumed"
    assert not console.grab().isNull()


def test_a_vulnerability_review_is_marked_done_from_the_review_queue(console, backend, qtbot):
    review = console.review
    console.tabs.setCurrentWidget(review)
    account_id = backend.vulnerable["id"]
    row = next(
        r for r, item in enumerate(review.model.rows())
        if item.kind == "vulnerability_review" and item.account_id == account_id
    )  # fmt: skip
    review.table.selectRow(row)
    actions = review.vulnerability
    assert actions.button.isVisible()
    dialog = actions.ask()
    assert dialog is not None
    dialog.text.setPlainText("calls after 10:00 only; no visits")
    with qtbot.waitSignal(actions.done, timeout=15_000):
        dialog._save()
    with backend.sessions() as session:
        customer = session.get(CustomerRow, backend.vulnerable["customer_id"])
        assert customer is not None
        assert "vulnerability_review" not in customer.flags
        assert "vulnerable" in customer.flags
