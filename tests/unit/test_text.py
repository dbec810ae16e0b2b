"""The core says everything in one bilingual ``Text`` and decides "is this Chinese?" in one
place, so a reason, a printed label and a refusal never disagree about what ``zh_CN`` means."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workstation
from workstation.documents.texts import DocumentLanguage, label
from workstation.kpi import KPIS
from workstation.messages.status import message_summary
from workstation.text import Text, is_chinese, same

CORE = Path(workstation.__file__).parent
CHINESE_CODES = ["zh", "zh_CN", "zh-CN", "zh-Hans", "zh_Hans_CN", "zh-Hans-CN", "ZH_cn", " zh "]
OTHER_CODES = ["en", "en_US", "en-GB", "", "z", "zu", "zha"]


@pytest.mark.parametrize("code", CHINESE_CODES)
def test_every_chinese_locale_code_reads_chinese(code: str) -> None:
    assert is_chinese(code)
    assert Text("Due date", "到期日").get(code) == "到期日"


@pytest.mark.parametrize("code", OTHER_CODES)
def test_other_codes_read_english(code: str) -> None:
    assert not is_chinese(code)
    assert Text("Due date", "到期日").get(code) == "Due date"


def test_english_only_text_falls_back_to_english_for_a_chinese_reader() -> None:
    assert Text("settlement_policy.toml: bad key", "").get("zh_CN") == (
        "settlement_policy.toml: bad key"
    )


def test_a_text_called_with_a_language_reads_in_it() -> None:
    text = Text("Sync", "同步")
    assert text("zh-Hans") == "同步"
    assert text("en") == "Sync"


def test_format_fills_each_language_with_its_own_value() -> None:
    template = Text("Paid {amount} on {day}", "{day}已还{amount}")
    filled = template.format(amount="¥5.00", day=Text("Monday", "周一"))
    assert filled == Text("Paid ¥5.00 on Monday", "周一已还¥5.00")
    with pytest.raises(KeyError, match="day"):
        template.format(amount="1")


def test_joined_prints_the_languages_a_document_asks_for() -> None:
    text = Text("Due date", "到期日")
    assert text.joined(DocumentLanguage.BOTH) == "Due date / 到期日"
    assert text.joined(DocumentLanguage.ZH) == "到期日"
    assert same("AGR-1").joined(DocumentLanguage.BOTH, " | ") == "AGR-1 | AGR-1"


def test_documents_labels_and_desk_texts_are_the_one_type() -> None:
    assert type(label("total")) is Text
    assert label("total").get("zh_CN") == label("total").zh  # documents once read zh_CN as en


def test_core_readers_follow_the_same_rule() -> None:
    kpi = KPIS[0]
    assert kpi.label("zh-Hans") == kpi.label_zh
    summary = message_summary({"channel": "sms", "status": "delivered"}, "zh_Hans_CN")
    assert summary == "短信 · 已送达"


def test_no_core_module_has_its_own_text_class_or_language_rule() -> None:
    """A second ``Text`` or a hand-written ``startswith("zh")`` is how the two readings of
    ``zh_CN`` came about; ``workstation/text.py`` is the one place for both."""
    own_class = re.compile(r"^class Text\b", re.MULTILINE)
    own_rule = re.compile(r"""startswith\(\s*["']zh|==\s*["']zh["']""")
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if path.name == "text.py" and path.parent == CORE:
            continue
        source = path.read_text(encoding="utf-8")
        if own_class.search(source) or own_rule.search(source):
            offenders.append(str(path.relative_to(CORE)))
    assert offenders == []


@pytest.mark.parametrize(
    ("name", "language", "said"),
    [
        ("李娜 Li Na", "zh", "李娜"),
        ("李娜 Li Na", "zh_CN", "李娜"),
        ("李娜 Li Na", "en", "Li Na"),
        ("Li Na 李娜", "zh", "李娜"),
        ("王 强 Wang Qiang", "zh", "王强"),
        ("Mary O'Brien", "zh", "Mary O'Brien"),  # one script: as it is
        ("张伟", "en", "张伟"),
        ("  li.na ", "en", "li.na"),
        ("", "zh", ""),
    ],
)
def test_a_name_in_both_scripts_is_said_in_the_customers(name: str, language: str, said: str):
    from workstation.text import name_in

    assert name_in(name, language) == said
