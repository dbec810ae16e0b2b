"""The disposition catalogue loads, and a malformed file names the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.domain.dispositions import (
    CatalogueError,
    default_catalogue,
    load_catalogue,
)

GOOD_ENTRY = """
[[disposition]]
code = "NA"
group = "no_contact"
label_en = "No answer"
label_zh = "无人接听"
counts_as_attempt = true
counts_as_conversation = false
is_right_party = false
suppress_days = 0
"""


def test_shipped_catalogue_covers_every_group_with_bilingual_labels() -> None:
    catalogue = default_catalogue()
    groups = {d.group for d in catalogue}
    assert groups == {"no_contact", "third_party", "right_party", "special"}
    for disposition in catalogue:
        assert disposition.label("en")
        assert disposition.label("zh_CN") == disposition.label_zh
    ptp = catalogue["PTP"]
    assert ptp.is_right_party
    assert ptp.counts_as_conversation
    assert {"promise_amount", "promise_date"} <= ptp.requires
    assert catalogue.by_hotkey(6) is ptp
    assert catalogue.by_hotkey(0) is None
    assert "DISPUTE" in catalogue
    assert catalogue.get("NOPE") is None
    with pytest.raises(KeyError, match="NOPE"):
        catalogue["NOPE"]
    assert len(catalogue) == len(list(catalogue))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dispositions.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "version = 1\n" + GOOD_ENTRY.replace('group = "no_contact"', 'group = "nope"'),
            "NA.*group",
        ),
        (
            "version = 1\n" + GOOD_ENTRY.replace("suppress_days = 0", "suppress_days = -1"),
            "suppress_days",
        ),
        (
            "version = 1\n" + GOOD_ENTRY.replace('label_zh = "无人接听"', 'label_zh = ""'),
            "label_zh",
        ),
        ("version = 1\n" + GOOD_ENTRY + 'requires = ["telepathy"]\n', "requires.*telepathy"),
        ("version = 1\n" + GOOD_ENTRY + 'sets = ["magic"]\n', "sets.*magic"),
        ("version = 1\n" + GOOD_ENTRY + "colour = 1\n", "unknown key"),
        ("version = 1\n" + GOOD_ENTRY + GOOD_ENTRY, "duplicate code 'NA'"),
        (
            "version = 1\n"
            + GOOD_ENTRY.replace("counts_as_attempt = true", "counts_as_attempt = 1"),
            "counts_as_attempt",
        ),
        ("version = 1\n" + GOOD_ENTRY + "hotkey = 12\n", "hotkey"),
        ("version = 1\n", "no \\[\\[disposition\\]\\]"),
        (GOOD_ENTRY, "version"),
        ("version = 1\n[[disposition]\n", "not valid TOML"),
        ("version = 1\ndisposition = [1]\n", "must be a table"),
        ("version = 1\n" + GOOD_ENTRY.replace('code = "NA"', "code = 5"), "'code'"),
        (
            "version = 1\n"
            + GOOD_ENTRY.replace("is_right_party = false", "is_right_party = true").replace(
                "counts_as_attempt = true", "counts_as_attempt = false"
            ),
            "right-party",
        ),
        ("version = 1\n" + GOOD_ENTRY + 'requires = "x"\n', "list of strings"),
    ],
)
def test_malformed_catalogue_names_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError, match=message) as info:
        load_catalogue(path)
    assert str(path) in str(info.value)


def test_duplicate_hotkey_is_refused(tmp_path: Path) -> None:
    second = GOOD_ENTRY.replace('code = "NA"', 'code = "NB"')
    path = write(tmp_path, "version = 1\n" + GOOD_ENTRY + "hotkey = 1\n" + second + "hotkey = 1\n")
    with pytest.raises(CatalogueError, match="hotkey 1 already used by NA"):
        load_catalogue(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_catalogue(tmp_path / "absent.toml")
