"""Accounts in and out: the bank's placement and recall files on the real backend (SQLite, PG).

New accounts arrive scored, tiered and assigned by the team's rule, and reach their agent's
next pull; a re-placement updates balances without touching history; a national id is kept
masked only; a recall closes the account, takes it out of every portfolio and keeps its
history; a bad file is refused whole, every bad line listed.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.server.conftest import Backend
from tests.server.money import event_body
from workstation.server.cli import main
from workstation.server.models import (
    AccountRow,
    Assignment,
    CustomerRow,
    EventRow,
    PromiseRow,
    Team,
    User,
    VersionCounter,
)

HEADER = (
    "account_ref,customer_ref,name,name_alt,jurisdiction,timezone,language,phone,email,product,"
    "currency,principal,balance,past_due,days_past_due,opened_on,national_id,address,city,"
    "postcode,annual_rate,monthly_income"
)
FULL_ID = "110101199003071234"


def _file(directory: Path, lines: list[str], header: str = HEADER) -> Path:
    path = directory / f"placements-{uuid.uuid4().hex[:8]}.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip() else {}, out.err


def _counter(backend: Backend) -> int:
    with backend.sessions() as session:
        return int(session.scalar(select(VersionCounter.value)) or 0)


def test_new_accounts_arrive_scored_assigned_and_reach_the_agent(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = "sh-desk"
    with backend.sessions() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team))
        collectors = {
            u.username: u.id
            for u in session.scalars(
                select(User).where(User.team_id == team_id, User.role.in_(["agent", "field"]))
            )
        }
    devices = {name: backend.login(name) for name in collectors}
    cursors = {name: api.snapshot()["cursor"] for name, api in devices.items()}
    assert main(["team-rule", team, "count", "--db", backend.url]) == 0
    path = _file(tmp_path, [
        f"PL-1,PC-1,陈敏,Chen Min,cn-nifa,Asia/Shanghai,zh,+86 138 0000 1111,chen.min@example.cn,credit_card,CNY,24000.00,18000.00,4500.00,92,2023-04-01,{FULL_ID},朝阳区建国路88号,北京,100022,18,8500.00",
        "PL-2,PC-1,陈敏,Chen Min,cn-nifa,Asia/Shanghai,zh,+86 138 0000 1111,,personal_loan,CNY,50000.00,31000.00,2100.00,35,2022-09-15,,,,,12,",
        "PL-3,PC-2,王芳,Wang Fang,cn-nifa,Asia/Shanghai,zh,+86 139 0000 2222,,credit_card,CNY,9000.00,7000.00,7000.00,200,2020-02-02,,,,,,",
    ])  # fmt: skip
    before = _counter(backend)
    code, dry, err = _run(capsys, "import", "placements", str(path), "--team", team, "--db", backend.url, "--dry-run")  # fmt: skip
    assert code == 0, err
    assert (dry["new_accounts"], dry["new_customers"]) == (3, 2)
    assert _counter(backend) == before
    code, report, err = _run(capsys, "import", "placements", str(path), "--team", team, "--db", backend.url)  # fmt: skip
    assert code == 0, err
    assert report["rule"] == "count"
    assert sum(report["assigned"].values()) == 3
    assert sum(report["tiers"].values()) == 3
    with backend.sessions() as session:
        rows = {a.account_ref: a for a in session.scalars(
            select(AccountRow).where(AccountRow.account_ref.in_(["PL-1", "PL-2", "PL-3"])))}  # fmt: skip
        assert rows["PL-1"].customer_id == rows["PL-2"].customer_id  # one customer, two accounts
        for row in rows.values():
            assert row.status == "open"
            assert row.team_id == team_id
            assert row.owner_id in collectors.values()
            assert row.risk_tier in ("A", "B", "C", "D")
            assert row.score is not None
            assert row.placed_minor == row.balance_minor
        assert rows["PL-1"].balance_minor == 1_800_000
        customer = session.get(CustomerRow, rows["PL-1"].customer_id)
        assert customer is not None
        assert customer.customer_ref == "PC-1"
        assert customer.national_id_masked.endswith("1234")
        assert FULL_ID not in customer.national_id_masked
        # the full national id is nowhere in the database
        for table in ("customers", "contacts", "accounts", "audit_log", "events"):
            found = session.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE CAST({_all_text(table)} AS TEXT) LIKE :id"
                ),
                {"id": f"%{FULL_ID}%"},
            ).scalar()
            assert found == 0, table
        moves = session.scalar(
            select(func.count()).select_from(Assignment)
            .where(Assignment.account_id.in_([r.id for r in rows.values()]))
        )  # fmt: skip
        assert moves == 3
    # each new account reaches the agent it went to, on the next incremental pull
    owner_of = {row.id: row.owner_id for row in rows.values()}
    arrived: dict[str, str] = {}
    for name, api in devices.items():
        page = api.changes(cursors[name])
        for account in page["accounts"]:
            if account["id"] in owner_of:
                assert owner_of[account["id"]] == collectors[name]
                assert account["account_ref"] in ("PL-1", "PL-2", "PL-3")
                arrived[account["id"]] = name
                customer_ids = {c["id"] for c in page["customers"]}
                assert account["customer_id"] in customer_ids
    assert set(arrived) == set(owner_of)
    # the same file again: nothing new, nothing written
    before = _counter(backend)
    code, again, _ = _run(capsys, "import", "placements", str(path), "--team", team, "--db", backend.url)  # fmt: skip
    assert code == 0
    assert (again["new_accounts"], again["unchanged_accounts"]) == (0, 3)
    assert _counter(backend) == before


def _all_text(table: str) -> str:
    """Every column of ``table`` concatenated, for a search through the raw data."""
    columns = {
        "customers": "name || national_id_masked || coalesce(customer_ref, '')",
        "contacts": "CAST(data AS TEXT)",
        "accounts": "coalesce(account_ref, '') || CAST(reason_codes AS TEXT)",
        "audit_log": "CAST(detail AS TEXT)",
        "events": "CAST(payload AS TEXT)",
    }
    return columns[table]


def test_a_replacement_updates_balances_and_keeps_history(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = backend.login("li.na")
    snap = agent.snapshot()
    account = next(a for a in snap["accounts"] if a["status"] == "open")
    with backend.sessions() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        customer = session.get(CustomerRow, row.customer_id)
        assert customer is not None
        events_before = session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.account_id == row.id)
        )
        owner, placed = row.owner_id, row.placed_minor
    language = customer.language
    line = (
        f"{row.account_ref},{customer.customer_ref},{customer.name},{customer.name_alt},"
        f"{customer.jurisdiction},{customer.timezone},{language},+86 138 9999 0001,,"
        f"{row.product},{row.currency},"
        f"{row.principal_minor / 100:.2f},123.45,23.45,12,2020-01-01,,,,,,"
    )
    code, report, err = _run(capsys, "import", "placements", str(_file(tmp_path, [line])), "--db", backend.url)  # fmt: skip
    assert code == 0, err
    assert report["updated_accounts"] == 1
    assert report["updated_customers"] == 1  # a new phone number
    with backend.sessions() as session:
        after = session.get(AccountRow, account["id"])
        assert after is not None
        assert (after.balance_minor, after.past_due_minor, after.days_past_due) == (12345, 2345, 12)
        assert (after.owner_id, after.placed_minor) == (owner, placed)
        assert (
            session.scalar(
                select(func.count()).select_from(EventRow).where(EventRow.account_id == row.id)
            )
            == events_before
        )
    page = agent.changes(snap["cursor"])
    moved = next(a for a in page["accounts"] if a["id"] == account["id"])
    assert moved["balance"] == "123.45"
    person = next(c for c in page["customers"] if c["id"] == account["customer_id"])
    assert "+86 138 9999 0001" in [p["number"] for p in person["phones"]]
    # the same account under another customer is refused
    other = line.replace(f",{customer.customer_ref},", ",SOMEONE-ELSE,", 1)
    code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [other])), "--team", "sh-desk", "--db", backend.url)  # fmt: skip
    assert code == 2
    assert "belongs to another customer" in err


def test_a_bad_placement_file_lists_every_line_and_writes_nothing(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = "BAD-0,BC-0,张三,,cn-nifa,Asia/Shanghai,zh,+86 138 1111 0000,,credit_card,CNY,100.00,100.00,50.00,30,2022-01-01,,,,,,"
    lines = [
        good,  # 2
        good.replace("BAD-0", "BAD-1").replace("cn-nifa", "mars-law"),  # 3
        good.replace("BAD-0", "BAD-2").replace("Asia/Shanghai", "Mars/Olympus"),  # 4
        good.replace("BAD-0", "BAD-3").replace(",zh,", ",fr,"),  # 5
        good.replace("BAD-0", "BAD-4").replace("100.00,100.00,50.00", "100.00,100.00,150.00"),  # 6
        good.replace("BAD-0", "BAD-5").replace("2022-01-01", "2099-01-01"),  # 7
        good.replace("BAD-0", "BAD-6").replace("+86 138 1111 0000,", "call me,"),  # 8
        good,  # 9: BAD-0 again
        good.replace("BAD-0", "BAD-7").replace("张三", "李四"),  # 10: BC-0 with another name
        good.replace("BAD-0", "BAD-8").replace(",CNY,", ",XYZ,"),  # 11
    ]  # fmt: skip
    before = _counter(backend)
    code, report, err = _run(capsys, "import", "placements", str(_file(tmp_path, lines)), "--team", "sh-desk", "--db", backend.url)  # fmt: skip
    assert code == 2
    assert [e["line"] for e in report["errors"]] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "line 3: jurisdiction 'mars-law' has no rule pack" in err
    assert "line 4: timezone 'Mars/Olympus'" in err
    assert "line 6: past_due is more than the balance" in err
    assert "line 9: account_ref BAD-0 appears twice (first on line 2)" in err
    assert "line 10: customer_ref BC-0: name differs from line 2" in err
    assert _counter(backend) == before
    with backend.sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AccountRow)
                .where(AccountRow.account_ref.like("BAD-%"))
            )
            == 0
        )
    code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [good])), "--team", "no-such-team", "--db", backend.url)  # fmt: skip
    assert code == 2
    assert "no team named 'no-such-team'" in err
    code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [good])), "--db", backend.url)  # fmt: skip
    assert code == 2
    assert "line 2: account BAD-0 needs a team: give --team" in err


def test_a_recall_closes_the_account_and_takes_it_out_of_every_queue(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = backend.login("li.na")
    lead = backend.login("zhao.min")
    snap = agent.snapshot()
    account = [a for a in snap["accounts"] if a["status"] == "open"][1]
    promise = agent.mutation("event.create", event_body(account, "promise", {
        "amount": "10.00", "currency": account["currency"],
        "due_date": (date.today() + timedelta(days=20)).isoformat()}))  # fmt: skip
    assert agent.push(promise).json()["results"][0]["status"] == "applied"
    agent_cursor = agent.changes(snap["cursor"])["cursor"]
    lead_cursor = lead.snapshot()["cursor"]
    with backend.sessions() as session:
        events_before = session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.account_id == account["id"])
        )
    recall = tmp_path / "recall.csv"
    recall.write_text(f"account_ref,reason\n{account['account_ref']},bank sold the debt\n")
    code, report, err = _run(capsys, "recall", str(recall), "--db", backend.url)
    assert code == 0, err
    assert report["recalled"] == 1
    with backend.sessions() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert (row.status, row.status_reason, row.owner_id, row.team_id) == (
            "closed", "bank sold the debt", None, None)  # fmt: skip
        kept = session.get(PromiseRow, promise["payload"]["id"])
        assert kept is not None
        assert kept.status == "cancelled"
        # history kept: every event, plus the one saying why it closed
        assert (
            session.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.account_id == account["id"])
            )
            == events_before + 1
        )
    for api, cursor in ((agent, agent_cursor), (lead, lead_cursor)):
        page = api.changes(cursor)
        assert account["id"] in [r["id"] for r in page["removals"]]
        assert account["id"] not in [a["id"] for a in page["accounts"]]
    assert lead.get(f"/api/v1/accounts/{account['id']}").status_code == 404
    code, again, _ = _run(capsys, "recall", str(recall), "--db", backend.url)
    assert code == 0
    assert (again["recalled"], again["already_recalled"]) == (0, 1)
    bad = tmp_path / "recall-bad.csv"
    bad.write_text("account_ref\nZX-9\n")
    code, _, err = _run(capsys, "recall", str(bad), "--db", backend.url)
    assert code == 2
    assert "line 2: account_ref ZX-9 not found" in err


def test_the_sample_files_import_in_order(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's sample files: placements, payments, a payment returned, the recall."""
    from workstation.resources import resource_path

    day = ["--as-of", "2026-12-01", "--db", backend.url]
    placements = str(resource_path("samples", "placements.csv"))
    code, report, err = _run(capsys, "import", "placements", placements, "--team", "sh-desk", *day)
    assert code == 0, err
    assert (report["new_accounts"], report["new_customers"]) == (5, 4)
    code, report, err = _run(capsys, "import", "payments", str(resource_path("samples", "payments.csv")), *day)  # fmt: skip
    assert code == 0, err
    assert report["applied"] == 4
    assert report["closed"] == {"paid": 2}
    assert [c["credit"] for c in report["credits"]] == ["124.75"]
    code, report, err = _run(capsys, "import", "returns", str(resource_path("samples", "returns.csv")), *day)  # fmt: skip
    assert code == 0, err
    # the direct debit that had cured CN-0002 came back: its 2,600.00 is past due again
    assert report["returned"] == 1
    assert report["returns"][0]["restored"]["past_due"] == "2600.00"
    code, report, err = _run(capsys, "recall", str(resource_path("samples", "recall.csv")), *day)
    assert code == 0, err
    assert report["recalled"] == 1


def test_a_date_of_birth_is_placed_kept_when_absent_and_checked(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The portal's other proof of who it is comes with the placement (issue 16)."""
    line = "DOB-1,DC-1,王五,,cn-nifa,Asia/Shanghai,zh,+86 138 1212 0000,,credit_card,CNY,100.00,100.00,50.00,30,2022-01-01,,,,,,,{born}"  # fmt: skip
    header = HEADER + ",birth_date"
    code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [line.format(born="1979-04-30")], header)), "--team", "sh-desk", "--db", backend.url)  # fmt: skip
    assert code == 0, err

    def born() -> date | None:
        with backend.sessions() as session:
            row = session.scalar(select(CustomerRow).where(CustomerRow.customer_ref == "DC-1"))
            assert row is not None
            return row.birth_date

    assert born() == date(1979, 4, 30)
    # a later file without the column keeps it; one with an impossible date is refused whole
    code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [line.removesuffix(",{born}")])), "--db", backend.url)  # fmt: skip
    assert code == 0, err
    assert born() == date(1979, 4, 30)
    for bad in ("1979-02-30", "30/04/1979", "1850-01-01", "2099-01-01"):
        code, _, err = _run(capsys, "import", "placements", str(_file(tmp_path, [line.format(born=bad)], header)), "--db", backend.url)  # fmt: skip
        assert code == 2, bad
        assert "birth_date" in err
    assert born() == date(1979, 4, 30)
