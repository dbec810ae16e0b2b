"""Field territories as pure rules: a customer's town, a field collector's town, and how a
team's new accounts are dealt between its field collectors and its desk."""

from __future__ import annotations

from workstation.lifecycle.assignment import AssignmentRule, Load
from workstation.lifecycle.territory import Collector, NewAccount, Town, deal, territory, town_of

SH: Town = ("cn-nifa", "上海")  # the key of 上海市, 上海 and Shanghai (domain.towns)
BJ: Town = ("cn-nifa", "北京")


def test_a_customers_town_is_the_first_address_naming_a_city() -> None:
    assert town_of("cn-nifa", ["", None, " 上海市 ", "北京市"]) == SH
    assert town_of("cn-nifa", ["", "  "]) is None
    assert town_of("cn-nifa", []) is None


def test_a_town_is_one_whatever_the_spelling_of_its_name_and_of_its_jurisdiction() -> None:
    for spelling in ("上海", "上海市", "Shanghai", " shanghai ", "上海 市"):
        assert town_of("cn-nifa", [spelling]) == SH, spelling
    assert SH != BJ
    assert town_of("us-regf", ["上海"]) != SH  # a town is its jurisdiction's


def test_a_territory_is_the_town_of_most_accounts_ties_alphabetically() -> None:
    assert territory([BJ, SH, SH, None, None, None]) == SH
    assert territory([SH, BJ]) == min(SH, BJ)  # one each: the alphabetically first
    assert territory([None]) is None
    assert territory([]) is None


def _new(account_id: str, town: tuple[str, str] | None, to_field: bool) -> NewAccount:
    return NewAccount(account_id, 100, town, to_field)


TEAM = [Collector("li"), Collector("wang", field=True, territory=SH), Collector("zhou")]


def test_field_accounts_of_the_territory_go_to_its_collector_the_rest_to_the_desk() -> None:
    accounts = [
        _new("sh-field", SH, True),
        _new("bj-field", BJ, True),
        _new("sh-desk", SH, False),
        _new("nowhere", None, True),
    ]
    dealt = deal(AssignmentRule.COUNT, TEAM, {}, accounts)
    assert dealt.owners == {
        "sh-field": "wang",
        "bj-field": "li",
        "sh-desk": "zhou",
        "nowhere": "li",
    }
    assert dealt.by_territory == 1


def test_the_lead_rule_deals_nothing() -> None:
    dealt = deal(AssignmentRule.LEAD, TEAM, {}, [_new("sh-field", SH, True)])
    assert (dealt.owners, dealt.by_territory) == ({}, 0)


def test_a_team_without_a_desk_deals_the_rest_to_its_field_collectors() -> None:
    team = [Collector("an", field=True, territory=SH), Collector("bo", field=True)]
    accounts = [_new("sh", SH, True), _new("x", BJ, True), _new("y", BJ, False)]
    dealt = deal(AssignmentRule.COUNT, team, {}, accounts)
    # An takes Shanghai's; the rest by count over both, that one counted: Bo, then An
    assert dealt.owners == {"sh": "an", "x": "bo", "y": "an"}
    held = deal(AssignmentRule.BALANCE, team, {"an": Load(0, 50)}, accounts[1:])
    assert held.owners == {"x": "bo", "y": "an"}
    assert dealt.by_territory == 1
