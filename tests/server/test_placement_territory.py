"""A placement file's new accounts follow the field collector's territory (SQLite, PG).

Wang works Shanghai: most of the open accounts he holds are there. The bank's morning file
brings Shanghai accounts the strategy sends to the field (late and large: his), Beijing
accounts it sends to the field (not his town: the desk's) and small, recent Shanghai
accounts no visit is wanted for (the desk's too); the two desk agents share the desk's
evenly. A team whose only collector works the field still gets every account, as before.
The import runs on a fixed day; the database is real, without a server.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.server.conftest import BACKENDS, migrated_database
from workstation.domain.model import new_id
from workstation.lifecycle.assignment import AssignmentRule
from workstation.server.lifecycle.placements import PlacementReport, import_placements
from workstation.server.models import AccountRow, Team, User

AS_OF = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
HEADER = (
    "account_ref,customer_ref,name,name_alt,jurisdiction,timezone,language,phone,email,product,"
    "currency,principal,balance,past_due,days_past_due,opened_on,national_id,address,city,"
    "postcode,annual_rate,monthly_income"
)
SHANGHAI, BEIJING = "上海市", "北京市"


@pytest.fixture(scope="module", params=BACKENDS)
def sessions(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """An empty, migrated database of its own; each test makes its own team in it."""
    with migrated_database(request.param, tmp_path_factory) as (_url, sessions):
        yield sessions


def _team(sessions: sessionmaker[Session], roles: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A new team of ``roles`` (username suffix → role): its name and username → user id."""
    name = f"team-{uuid.uuid4().hex[:8]}"
    ids: dict[str, str] = {}
    with sessions.begin() as session:
        team = Team(id=new_id(), name=name, created_at=NOW)
        session.add(team)
        session.flush()
        for suffix, role in roles.items():
            user = User(
                id=new_id(),
                username=f"{name}.{suffix}",
                display_name=suffix,
                role=role,
                team_id=team.id,
                password_hash="-",
                active=True,
                created_at=NOW,
            )
            session.add(user)
            ids[suffix] = user.id
    return name, ids


def _line(ref: str, city: str | None, *, to_field: bool) -> str:
    """An account line; ``to_field``: 95 days late on 9,000 yuan (the champion's field rule
    is 60 days and 5,000), else 20 days late on 3,000 (calls and messages only)."""
    balance, past_due, days = ("9000.00", "9000.00", 95) if to_field else ("3000.00", "600.00", 20)
    address = f"{city}{ref}路1号,{city},200000" if city else ",,"
    return (
        f"{ref},C-{ref},客户{ref},,cn-nifa,Asia/Shanghai,zh,,,credit_card,CNY,"
        f"{balance},{balance},{past_due},{days},2024-03-01,,{address},18,"
    )


def _import(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    team: str,
    lines: list[str],
    rule: AssignmentRule = AssignmentRule.COUNT,
) -> PlacementReport:
    path = tmp_path / f"placements-{uuid.uuid4().hex[:8]}.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return import_placements(sessions, path, team=team, rule=rule, as_of=AS_OF, now=NOW)


def _hand_over(sessions: sessionmaker[Session], refs: list[str], owner: str, status: str) -> None:
    """The lead gives accounts to ``owner`` (and the bank's payments close some)."""
    with sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.account_ref.in_(refs))
            .values(owner_id=owner, status=status)
        )


def _owners(sessions: sessionmaker[Session], refs: list[str]) -> dict[str, str | None]:
    with sessions() as session:
        rows = session.execute(
            select(AccountRow.account_ref, AccountRow.owner_id).where(
                AccountRow.account_ref.in_(refs)
            )
        )
        return {str(ref): owner for ref, owner in rows}


def _refs(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i}" for i in range(n)]


def test_field_accounts_in_his_town_go_to_the_field_collector_the_rest_to_the_desk(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    team, ids = _team(sessions, {"li": "agent", "zhou": "agent", "wang": "field"})
    tag = team[-8:]
    # what Wang holds: two open Shanghai accounts and one open Beijing one; three Beijing
    # accounts he held are paid (closed accounts are no part of his day)
    held = {
        SHANGHAI: _refs(f"{tag}-held-sh", 2),
        BEIJING: _refs(f"{tag}-held-bj", 1),
        "paid": _refs(f"{tag}-paid-bj", 3),
    }
    first = [
        *(_line(r, SHANGHAI, to_field=True) for r in held[SHANGHAI]),
        *(_line(r, BEIJING, to_field=True) for r in [*held[BEIJING], *held["paid"]]),
    ]
    report = _import(sessions, tmp_path, team, first, rule=AssignmentRule.LEAD)
    assert report.left_for_lead == 6
    _hand_over(sessions, [*held[SHANGHAI], *held[BEIJING]], ids["wang"], "open")
    _hand_over(sessions, held["paid"], ids["wang"], "paid")

    field_here = _refs(f"{tag}-field-sh", 4)  # (a)
    field_elsewhere = _refs(f"{tag}-field-bj", 3)  # (b)
    desk_here = _refs(f"{tag}-desk-sh", 4)  # (c)
    no_address = _refs(f"{tag}-field-nowhere", 1)  # field, but no town to go to
    report = _import(
        sessions,
        tmp_path,
        team,
        [
            *(_line(r, SHANGHAI, to_field=True) for r in field_here),
            *(_line(r, BEIJING, to_field=True) for r in field_elsewhere),
            *(_line(r, SHANGHAI, to_field=False) for r in desk_here),
            *(_line(r, None, to_field=True) for r in no_address),
        ],
    )
    owners = _owners(sessions, [*field_here, *field_elsewhere, *desk_here, *no_address])
    assert {owners[r] for r in field_here} == {ids["wang"]}
    desk = {ids["li"], ids["zhou"]}
    for ref in [*field_elsewhere, *desk_here, *no_address]:
        assert owners[ref] in desk, ref
    dealt = Counter(owners[r] for r in [*field_elsewhere, *desk_here, *no_address])
    assert abs(dealt[ids["li"]] - dealt[ids["zhou"]]) <= 1
    assert (report.new_accounts, report.left_for_lead) == (12, 0)
    assert report.field_by_territory == 4
    assert report.as_dict()["field_by_territory"] == 4
    assert report.assigned[f"{team}.wang"] == 4
    assert any("4 to the field collector of their town" in line for line in report.summary())


def test_a_customer_whose_address_says_shanghai_another_way_is_in_his_town(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # Wang's accounts say 上海市; the bank's new file spells the town 上海 and Shanghai
    team, ids = _team(sessions, {"li": "agent", "wang": "field"})
    tag = team[-8:]
    held = _refs(f"{tag}-held", 2)
    first = [_line(r, SHANGHAI, to_field=True) for r in held]
    _import(sessions, tmp_path, team, first, rule=AssignmentRule.LEAD)
    _hand_over(sessions, held, ids["wang"], "open")
    bare, english, beijing = f"{tag}-bare", f"{tag}-english", f"{tag}-beijing"
    report = _import(
        sessions,
        tmp_path,
        team,
        [
            _line(bare, "上海", to_field=True),
            _line(english, "Shanghai", to_field=True),
            _line(beijing, "Beijing", to_field=True),  # another town: the desk's
        ],
    )
    owners = _owners(sessions, [bare, english, beijing])
    assert owners == {bare: ids["wang"], english: ids["wang"], beijing: ids["li"]}
    assert report.field_by_territory == 2


def test_a_team_of_one_field_collector_still_gets_every_account(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    team, ids = _team(sessions, {"wang": "field"})
    tag = team[-8:]
    a0, a1, a2 = _refs(f"{tag}-sh-field", 3)
    b0, b1 = _refs(f"{tag}-bj-field", 2)
    c0, c1 = _refs(f"{tag}-sh-desk", 2)
    # holding nothing yet he has no territory: all to him, as before territories
    first = [
        _line(a0, SHANGHAI, to_field=True),
        _line(a1, SHANGHAI, to_field=True),
        _line(b0, BEIJING, to_field=True),
    ]
    report = _import(sessions, tmp_path, team, first)
    assert (report.assigned, report.left_for_lead, report.field_by_territory) == (
        {f"{team}.wang": 3}, 0, 0)  # fmt: skip
    # now he works Shanghai: its field account by territory, the others still to him
    second = [
        _line(a2, SHANGHAI, to_field=True),
        _line(b1, BEIJING, to_field=True),
        *(_line(r, SHANGHAI, to_field=False) for r in (c0, c1)),
    ]
    report = _import(sessions, tmp_path, team, second)
    assert (report.assigned, report.left_for_lead, report.field_by_territory) == (
        {f"{team}.wang": 4}, 0, 1)  # fmt: skip
    owners = _owners(sessions, [a0, a1, a2, b0, b1, c0, c1])
    assert set(owners.values()) == {ids["wang"]}


def test_two_field_collectors_of_one_town_share_its_field_accounts(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    team, ids = _team(sessions, {"an": "field", "bo": "field", "li": "agent"})
    tag = team[-8:]
    held_an, held_bo = _refs(f"{tag}-an", 3), _refs(f"{tag}-bo", 1)
    _import(
        sessions,
        tmp_path,
        team,
        [_line(r, SHANGHAI, to_field=True) for r in [*held_an, *held_bo]],
        rule=AssignmentRule.LEAD,
    )
    _hand_over(sessions, held_an, ids["an"], "open")
    _hand_over(sessions, held_bo, ids["bo"], "open")
    new = _refs(f"{tag}-new", 4)
    report = _import(sessions, tmp_path, team, [_line(r, SHANGHAI, to_field=True) for r in new])
    # Bo, holding fewer, is brought level first; then they alternate
    dealt = Counter(_owners(sessions, new).values())
    assert (dealt[ids["an"]], dealt[ids["bo"]], dealt[ids["li"]]) == (1, 3, 0)
    assert report.field_by_territory == 4
