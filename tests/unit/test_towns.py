"""One town whatever its name's spelling: the key towns are compared by, the name shown, and
the shipped table of the names cities go by."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.compliance.packs import load_packs
from workstation.demo.generator import DEMO_TOWNS
from workstation.domain.towns import (
    TownTableError,
    load_towns,
    normalise,
    shipped_towns,
    shown_name,
    town_key,
)
from workstation.resources import resource_dir

ONE_TOWN = [
    # spellings of one city, each row: every name in it has the same key
    ["上海市", "上海", " 上海 ", "上海 市", "Shanghai", "shanghai ", "SHANGHAI", "Shanghai City",
     "Ｓｈａｎｇｈａｉ", "Shànghǎi"],
    ["北京市", "北京", "Beijing", "Peking"],
    ["西安市", "西安", "Xi'an", "Xi’an", "Xian", "XI AN"],
    ["New York", "new  york", "New York City", "NYC", "纽约", "纽约市"],
    ["London", "LONDON", "City of London", "伦敦"],
    ["Stoke-on-Trent", "Stoke on Trent", "Stoke"],
    ["St. Louis", "St Louis", "Saint Louis"],
]  # fmt: skip

OTHER_TOWNS = [
    # one name a row's, all different towns: a name the table does not list is its own town
    "上海", "北京", "杭州", "太仓", "Springfield", "springfield township", "New York",
    "York", "Newcastle-under-Lyme",
]  # fmt: skip

FALLBACK = [
    # a name the table does not list: the normalised name, less its 市 / " City"
    ("太仓市", "太仓"),
    ("  Springfield  ", "springfield"),
    ("Salt  Lake City", "salt lake"),
    ("ＳＰＲＩＮＧＦＩＥＬＤ", "springfield"),
    ("市", "市"),  # only the suffix: a name all the same
    ("City", "city"),
    ("Velocity", "velocity"),  # "city" is a suffix only after a space
    ("", ""),
    ("   ", ""),
    (None, ""),
]


@pytest.mark.parametrize("spellings", ONE_TOWN, ids=lambda row: row[0])
def test_the_spellings_of_one_city_are_one_town(spellings: list[str]) -> None:
    assert {town_key(name) for name in spellings} == {town_key(spellings[0])}


def test_different_towns_keep_different_keys() -> None:
    keys = [town_key(name) for name in OTHER_TOWNS]
    assert len(set(keys)) == len(keys), dict(zip(OTHER_TOWNS, keys, strict=True))


@pytest.mark.parametrize(("name", "key"), FALLBACK)
def test_a_name_the_table_does_not_list_is_its_normalised_self(name: str | None, key: str) -> None:
    assert town_key(name) == key


def test_normalise_is_nfkc_trimmed_collapsed_and_caseless() -> None:
    assert normalise("  Ｎｅｗ \t York\n") == "new york"
    assert normalise("上海市") == "上海市"  # normalising keeps the suffix; the key drops it
    assert normalise(None) == ""


def test_the_name_shown_is_a_real_spelling_the_most_common() -> None:
    assert shown_name(["Shanghai", "上海市", "上海市 ", None, "", "上海"]) == "上海市"
    assert shown_name(["上海", "Shanghai"]) == "上海"  # a tie: the first
    assert shown_name(["  New   York "]) == "New York"
    assert shown_name([]) == ""


def test_the_table_holds_every_demo_city_under_its_jurisdiction() -> None:
    towns = shipped_towns()
    listed = {(t.jurisdiction, t.key) for t in towns}
    for jurisdiction, cities in DEMO_TOWNS.items():
        for city in cities:
            assert (jurisdiction, town_key(city)) in listed, (jurisdiction, city)
    packs = load_packs(resource_dir("rules"))
    assert {t.jurisdiction for t in towns} == set(packs)
    # the English name of every Chinese city is the same town
    for town in towns:
        if town.jurisdiction == "cn-nifa":
            assert any(name.isascii() for name in town.names), town
            assert len({town_key(name) for name in town.names}) == 1, town


def test_a_name_of_two_towns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "towns.toml"
    path.write_text(
        'version = 1\n[[town]]\njurisdiction = "cn-nifa"\nnames = ["福州", "Fuzhou"]\n'
        '[[town]]\njurisdiction = "cn-nifa"\nnames = ["抚州", "Fu-zhou"]\n',
        encoding="utf-8",
    )
    with pytest.raises(TownTableError, match=r"town #2 \(抚州\): 'Fu-zhou' is already a name"):
        load_towns(path)
    path.write_text('version = 1\n[[town]]\njurisdiction = "x"\nnames = [" "]\n', "utf-8")
    with pytest.raises(TownTableError, match="town #1: 'names' must be"):
        load_towns(path)
