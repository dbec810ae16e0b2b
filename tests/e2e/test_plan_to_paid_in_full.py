"""Issue 14's "Done means": a customer three months overdue after a family emergency agrees an
instalment plan at the desk, pays it off month by month, and gets a paid-in-full letter.

The real backend on loopback, the desk's real store and sync. Time moves only through the
daily run for chosen days (``workstation-server daily --as-of``), the bank's money only
through payment files (``workstation-server import payments``).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.desk import DeskService
from workstation.domain import Channel, EventType
from workstation.lead import LeadClient
from workstation.server.cli import main as server_main
from workstation.server.lifecycle.models import PlanInstalment
from workstation.server.models import AccountRow, CustomerRow, EventRow, PlanRow
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, SyncEngine

FAST = HttpSettings(connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        yield started


class Desk:
    """Li Na's desk: the local store, its sync engine and the desk service."""

    def __init__(self, backend: Backend, tmp_path: Path) -> None:
        self.device_id = f"desk-li-{uuid.uuid4().hex[:6]}"
        self.store = Store.open(tmp_path / "desk.db")
        self.api = ApiSession(backend.base, self.device_id, settings=FAST)
        self.api.sign_in("li.na", PASSWORD)
        self.engine = SyncEngine(self.store, self.api, staging_path=tmp_path / "staging.db")
        self.service = DeskService(self.store, self.device_id, "li.na")

    def close(self) -> None:
        self.api.close()
        self.store.close()


def _payments_file(path: Path, account_ref: str, rows: list[tuple[str, str, date]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["payment_ref", "account_ref", "amount", "currency", "paid_on", "method"])
        for ref, amount, paid_on in rows:
            out.writerow([ref, account_ref, amount, "CNY", paid_on.isoformat(), "bank_transfer"])
    return path


def _bank_file(
    backend: Backend, tmp_path: Path, ref: str, rows: list[tuple[str, str, date]]
) -> None:
    path = _payments_file(tmp_path / f"payments-{rows[0][0]}.csv", ref, rows)
    as_of = max(paid_on for _ref, _amount, paid_on in rows).isoformat()  # the day it arrives
    assert (
        server_main(["import", "payments", str(path), "--db", backend.url, "--as-of", as_of]) == 0
    )


def _daily(backend: Backend, day: date) -> None:
    assert server_main(["daily", "--db", backend.url, "--as-of", day.isoformat()]) == 0


def _instalments(backend: Backend, plan_id: str) -> dict[int, str]:
    with backend.sessions() as session:
        return dict(
            session.execute(
                select(PlanInstalment.number, PlanInstalment.status).where(
                    PlanInstalment.plan_event_id == plan_id
                )
            ).all()
        )


def test_three_months_overdue_to_paid_in_full(
    backend: Backend, tmp_path: Path, qtbot: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # -- the customer: three months overdue, 4,000.00 owed, 1,200.00 of it past due -----------
    li_id = backend.users["li.na"].user_id
    with backend.sessions.begin() as session:
        account = session.scalars(
            select(AccountRow)
            .where(AccountRow.owner_id == li_id, AccountRow.status == "open",
                   AccountRow.currency == "CNY",
                   # nothing paid before: the letter's "received" is this test's 4,000.00
                   AccountRow.id.not_in(
                       select(EventRow.account_id).where(EventRow.type == "payment")
                   ))
            .order_by(AccountRow.id)
        ).first()  # fmt: skip
        assert account is not None
        account_id, customer_id = account.id, account.customer_id
        ref = getattr(account, "account_ref", None) or account_id
        session.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(balance_minor=400_000, past_due_minor=120_000, days_past_due=92,
                    annual_rate="0", version=AccountRow.version + 1)
        )  # fmt: skip
        session.execute(update(CustomerRow).where(CustomerRow.id == customer_id).values(flags=[]))
    today = datetime.now(UTC).date()
    _daily(backend, today)  # the server's day before anything happens

    desk = Desk(backend, tmp_path)
    try:
        desk.engine.sync()
        view = desk.service.account(account_id)
        assert view.account.days_past_due == 93
        assert account_id in {i.account_id for i in desk.service.queue()}

        # -- at the desk: a family emergency, a plan of four instalments, its PDF printed ------
        desk.service.record_hardship(account_id, "family emergency: father in hospital")
        comparison = desk.service.compare_plans(account_id, instalments=4)
        option = next(o for o in comparison.options if o.kind == "instalments")
        assert sum(line.amount.minor for line in option.schedule) == 400_000
        agreed = desk.service.agree_plan(account_id, option, "agreed after the emergency")
        assert agreed.document.pdf.startswith(b"%PDF")
        printed = tmp_path / "agreement.pdf"
        printed.write_bytes(agreed.document.pdf)
        desk.engine.sync()
        with backend.sessions() as session:
            plan_id = session.scalars(
                select(PlanRow.event_id).where(PlanRow.account_id == account_id)
            ).one()
        due = [line.due for line in option.schedule]
        amounts = [str(line.amount.amount) for line in option.schedule]

        # -- month 1: paid on time ---------------------------------------------------------------
        _bank_file(backend, tmp_path, ref, [("BANK-001", amounts[0], due[0])])
        _daily(backend, due[0] + timedelta(days=6))
        assert _instalments(backend, plan_id)[1] == "paid"

        # -- month 2: nothing by the due date plus the grace days: missed --------------------------
        _daily(backend, due[1] + timedelta(days=6))
        assert _instalments(backend, plan_id)[2] == "missed"
        desk.engine.sync()
        timeline = desk.service.account(account_id).events
        assert any(e.type is EventType.INSTALMENT and e.payload["status"] == "missed"
                   for e in timeline)  # fmt: skip

        # -- month 3: caught up, two instalments in one payment: late, not missed -----------------
        both = str(option.schedule[1].amount.amount + option.schedule[2].amount.amount)
        _bank_file(backend, tmp_path, ref, [("BANK-002", both, due[2])])
        _daily(backend, due[2] + timedelta(days=1))
        assert _instalments(backend, plan_id) == {1: "paid", 2: "late", 3: "paid", 4: "pending"}
        with backend.sessions() as session:
            plan = session.get(PlanRow, plan_id)
            assert plan is not None
            assert plan.status == "active"  # a late instalment caught up keeps the plan intact

        # -- month 4: the last payment pays the account off ---------------------------------------
        _bank_file(backend, tmp_path, ref, [("BANK-003", amounts[3], due[3])])
        capsys.readouterr()
        _daily(backend, due[3])
        with backend.sessions() as session:
            row = session.get(AccountRow, account_id)
            assert row is not None
            assert (row.status, row.balance_minor) == ("paid", 0)
            plan = session.get(PlanRow, plan_id)
            assert plan is not None
            assert plan.status == "completed"

        # -- the desk: the letter listed and readable, contact blocked, out of the queue ----------
        report = desk.engine.sync()
        assert report.documents_fetched == 1
        view = desk.service.account(account_id)
        assert view.account.status == "paid"
        documents = DeskService.agreements(view)
        letter = next(d for d in documents if d.kind == "paid_in_full")
        assert letter.reference.startswith("PIF-")
        pdf = desk.service.agreement_pdf(letter.sha256)
        assert pdf.startswith(b"%PDF")
        (tmp_path / "paid_in_full.pdf").write_bytes(pdf)
        _pdf_says(tmp_path / "paid_in_full.pdf", "4,000.00")
        verdict = desk.service.verdict_for(view, Channel.PHONE, "", datetime.now(UTC))
        assert not verdict.allowed
        assert account_id not in {i.account_id for i in desk.service.queue()}
        _documents_tab(qtbot, view, tmp_path)

        # -- the lead's KPIs show the recovery ------------------------------------------------
        lead_api = ApiSession(backend.base, "lead-desk", settings=FAST)
        lead_api.sign_in("zhao.min", PASSWORD)
        kpis = LeadClient(lead_api).kpis(today, due[3] + timedelta(days=1))
        lead_api.close()
        collected = Decimal(str(kpis.team.counts["collected"].get("CNY", "0")))
        assert collected >= Decimal("4000.00"), kpis.team.counts
        recovery = kpis.team.recovery_by_currency.get("CNY")
        assert recovery is not None
        assert recovery > 0
    finally:
        desk.close()


def _pdf_says(path: Path, text: str) -> None:
    if shutil.which("pdftotext") is None:
        return  # the letter's bytes were checked above; its words need poppler
    words = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text in words, words


def _documents_tab(qtbot: Any, view: Any, tmp_path: Path) -> None:
    from ui.views.account import AccountPanel

    panel = AccountPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 640)
    panel.show_account(view)
    panel.tabs.setCurrentIndex(panel.tabs.count() - 1)
    kinds = [panel.documents.item(r, 2).text() for r in range(panel.documents.rowCount())]
    assert any("Paid-in-full" in k or "结清" in k for k in kinds), kinds
    panel.grab().save(str(tmp_path / "documents_tab.png"))
