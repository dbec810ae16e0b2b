"""The lead's client against the REAL backend on loopback, and the KPI CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.lead import AccountFilter, KpiReport, LeadClient, to_csv, write_csv
from workstation.sync import ApiSession, ServerError


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        yield started


@pytest.fixture
def lead(backend: Backend) -> Iterator[LeadClient]:
    api = ApiSession(backend.base, "lead-laptop")
    api.sign_in("zhao.min", PASSWORD)
    yield LeadClient(api)
    api.close()


def test_team_overview_and_queue_explorer(lead: LeadClient, backend: Backend):
    overview = lead.overview()
    names = {a.username for a in overview.agents}
    assert {"li.na", "chen.jie", "wang.qiang"} <= names
    li = next(a for a in overview.agents if a.username == "li.na")
    assert li.accounts > 0
    assert li.balances
    everything = lead.all_accounts()
    assert len(everything) == sum(a.accounts for a in overview.agents) + overview.unassigned
    mine = lead.accounts(AccountFilter(owner_id=li.user_id), limit=5)
    assert mine.total == li.accounts
    assert len(mine.accounts) == min(5, li.accounts)
    assert all(a.owner_id == li.user_id for a in mine.accounts)
    late = lead.accounts(AccountFilter(bucket="90-179"))
    assert all(90 <= a.days_past_due <= 179 for a in late.accounts)


def test_reassign_dry_run_changes_nothing_then_moves_exactly_the_preview(lead: LeadClient):
    overview = lead.overview()
    li = next(a for a in overview.agents if a.username == "li.na")
    chen = next(a for a in overview.agents if a.username == "chen.jie")
    ids = [
        a.account_id for a in lead.accounts(AccountFilter(owner_id=li.user_id), limit=3).accounts
    ]
    preview = lead.reassign(ids, chen.user_id, dry_run=True)
    assert preview.dry_run
    assert preview.count == 3
    assert preview.account_ids == set(ids)
    assert lead.overview().agent(li.user_id).accounts == li.accounts  # type: ignore[union-attr]
    done = lead.reassign(ids, chen.user_id, dry_run=False)
    assert done.batch_id
    assert done.same_moves(preview)
    assert lead.overview().agent(chen.user_id).accounts == chen.accounts + 3  # type: ignore[union-attr]
    back = lead.move_queue(chen.user_id, li.user_id, dry_run=True)
    assert back.count == chen.accounts + 3
    balanced = lead.rebalance([li.user_id, chen.user_id], "count", dry_run=True)
    assert balanced.dry_run
    with pytest.raises(ServerError) as caught:
        lead.reassign(["no-such-account"], chen.user_id, dry_run=False)
    assert caught.value.status == 404
    assert lead.overview().agent(chen.user_id).accounts == chen.accounts + 3  # type: ignore[union-attr]


def test_review_list_acknowledge_and_kpis_export(lead: LeadClient, tmp_path: Path):
    assert isinstance(lead.review(), list)
    for item in lead.review()[:1]:
        lead.acknowledge(item.id)
        assert item.id not in {i.id for i in lead.review()}
    today = date.today()
    report = lead.kpis(today - timedelta(days=27), today, weekly=True)
    assert isinstance(report, KpiReport)
    assert report.agents
    assert report.weeks
    text = to_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["scope", "id", "name", "RPC rate (%)"]
    assert [r[0] for r in rows[1:]].count("team") == 1
    assert len(rows) == 1 + len(report.agents) + 1 + len(report.weeks)
    path = write_csv(report, tmp_path / "kpis.csv", "zh_CN")
    written = path.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert "本人接通率" in written.decode("utf-8-sig")


def test_an_agent_may_not_use_the_lead_api(backend: Backend):
    api = ApiSession(backend.base, "agent-laptop")
    api.sign_in("li.na", PASSWORD)
    with pytest.raises(ServerError) as caught:
        LeadClient(api).overview()
    assert caught.value.status == 403
    api.close()


def _make_conflict(backend: Backend) -> tuple[str, str]:
    """li.na's two devices change the same phone number; returns (review item id, phone id)."""
    desk, laptop = backend.login("li.na"), backend.login("li.na")
    customer = next(c for c in laptop.snapshot()["customers"] if c["phones"])
    phone = customer["phones"][0]
    for api, number in ((desk, "+86 137 4444 0001"), (laptop, "+86 137 4444 0002")):
        mutation = api.mutation(
            "contact.patch",
            {"customer_id": customer["id"], "kind": "phone", "id": phone["id"],
             "fields": {"number": number}},
            base_version=phone["version"],
        )  # fmt: skip
        result = api.push(mutation).json()["results"][0]
    assert result["status"] == "conflict"
    return str(result["result"]["review_item_id"]), str(phone["id"])


def test_accept_the_other_value_and_reassign_from_review(lead: LeadClient, backend: Backend):
    item_id, phone_id = _make_conflict(backend)
    item = next(i for i in lead.review() if i.id == item_id)
    assert item.can_accept_other_value
    assert item.conflict_path == f"phones[{phone_id}].number"
    assert (item.server_value, item.client_value) == ("+86 137 4444 0001", "+86 137 4444 0002")
    resolved = lead.accept_client_value(item_id)
    assert resolved.acknowledged_at is not None
    assert not resolved.can_accept_other_value
    assert item_id not in {i.id for i in lead.review()}
    with pytest.raises(ServerError) as caught:
        lead.accept_client_value(item_id)
    assert caught.value.status == 409
    # reassign from another conflict item
    other_id, _ = _make_conflict(backend)
    chen = backend.users["chen.jie"].user_id
    moved = lead.reassign_review_item(other_id, chen)
    assert moved.assignee_id == chen
    assert moved.acknowledged_at is not None
    with pytest.raises(ServerError) as again:
        lead.reassign_review_item(other_id, chen)
    assert again.value.status == 409


def test_the_kpi_export_carries_the_portals_figures_for_the_period() -> None:
    """The branch meeting's CSV: the team's KPIs, then what customers did on the portal in
    the same period (English and Chinese), a rate blank where no survey was sent."""
    from dataclasses import replace
    from decimal import Decimal

    from workstation.domain import Money
    from workstation.lead.portal import PortalKpis, Score
    from workstation.lead.types import KpiBlock

    start, end = date(2026, 11, 2), date(2026, 11, 29)
    report = KpiReport(team_id="t1", date_from=start, date_to=end, agents=(),
                       team=KpiBlock(kpis={}, recovery_by_currency={}, counts={}))  # fmt: skip
    portal = PortalKpis(
        date_from=start, date_to=end, plans=3, promises=5, callbacks=2, payments=4,
        paid={"CNY": Money.of("1200.50", "CNY")}, surveys_sent=10, surveys_answered=4,
        response_rate=Decimal("0.4"), survey=Score(4, Decimal("4.25")),
        agent_entered=Score(7, Decimal("3.9")), survey_by_channel={"phone": Score(3, Decimal("4"))},
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(to_csv(report, "en", portal))))
    blank = rows.index([])
    assert rows[blank + 1] == ["scope", "figure", "value", "count"]
    figures = {r[1]: r[2:] for r in rows[blank + 2 :]}
    assert figures["plans agreed on the portal"] == ["3", ""]
    assert figures["amount paid on the portal"] == ["CNY 1200.50", ""]
    assert figures["survey response rate (%)"] == ["40.0", ""]
    assert figures["satisfaction, customers' own ratings (1-5)"] == ["4.25", "4"]
    assert figures["satisfaction by channel rated: phone (1-5)"] == ["4", "3"]
    chinese = list(csv.reader(io.StringIO(to_csv(report, "zh_CN", portal))))
    assert ["自助服务", "按渠道客户满意度：电话 (1-5)", "4", "3"] in chinese
    unsent = replace(portal, surveys_sent=0, surveys_answered=0, response_rate=None)
    rows = list(csv.reader(io.StringIO(to_csv(report, "en", unsent))))
    assert ["portal", "survey response rate (%)", "", ""] in rows  # blank, never a 0
    assert to_csv(report) == to_csv(report, "en", None)  # without the portal: as before
