"""What a collector's laptop sees when the bank's files come in (real backend, real sync).

The agent records *Paid during call* (a reported payment); the bank's payment file pays the
account off; after the next sync the laptop shows it paid, out of the queue, every channel
blocked with the engine's reason, and the bank's account number in the header. A recall
takes another account off the laptop altogether.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.server.conftest import Backend
from tests.server.money import pay
from tests.sync.conftest import DeviceFactory
from workstation.desk import DeskService, OutcomeInput
from workstation.server.cli import main
from workstation.server.models import PaymentRow


def test_paid_off_by_the_bank_the_account_leaves_the_laptops_queue_blocked(
    backend: Backend,
    make_device: DeviceFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    device = make_device("li.na")
    device.sync()
    desk = DeskService(device.store, device.api.device_id, "li.na")
    items = [i for i in desk.queue() if i.status == "open" and not i.flags]
    account_id = items[0].account_id
    recalled_id = items[1].account_id
    view = desk.account(account_id)
    assert view.account.account_ref  # the bank's number reached the laptop
    zone = ZoneInfo(view.customer.timezone)
    morning = datetime.now(zone).replace(hour=10, minute=0, second=0, microsecond=0)
    balance = view.account.balance
    desk.log_outcome(
        OutcomeInput(
            account_id,
            "PAID",
            payment_amount=balance.wire(),
            payment_method="card",
            disclosures_given=view.call_guide.disclosure_ids,
        ),
        now=morning.astimezone(UTC),
    )
    device.sync()  # the reported payment reaches the server's books, moving nothing
    with backend.sessions() as session:
        reported = session.scalars(
            select(PaymentRow).where(
                PaymentRow.account_id == account_id, PaymentRow.source == "reported"
            )
        ).one()
        assert reported.status == "unconfirmed"
        assert reported.method == "card"
    account = {"account_ref": view.account.account_ref, "currency": view.account.currency}
    report = pay(backend.url, tmp_path, capsys, account, balance.wire(), morning.date())
    assert report["closed"] == {"paid": 1}
    assert report["reported_confirmed"] == 1
    device.sync()
    after = desk.account(account_id)
    assert str(after.account.status) == "paid"
    assert after.account.balance.amount == Decimal(0)
    assert account_id not in [r.account_id for r in device.store.queue_rows()]
    for verdict in after.verdicts.values():
        assert not verdict.allowed
        assert "account_closed" in verdict.codes
    # the bank takes another account back: it leaves the laptop
    recall = tmp_path / "recall.csv"
    ref = desk.account(recalled_id).account.account_ref
    recall.write_text(f"account_ref,reason\n{ref},bank sold the debt\n", encoding="utf-8")
    assert main(["recall", str(recall), "--db", backend.url]) == 0
    device.sync()
    assert recalled_id not in device.accounts()
