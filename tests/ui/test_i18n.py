"""Every visible string has a Simplified Chinese translation in the ONE catalogue, the
catalogue is what pyside6-lupdate/lrelease make of the sources, and it loads."""

from __future__ import annotations

import ast
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from ui.i18n import tool
from workstation.resources import resource_dir, resource_path

UI = Path(__file__).resolve().parents[2] / "ui"
TS = resource_path("translations", "workstation_zh_CN.ts")
CJK = re.compile(r"[\u4e00-\u9fff]")
# a language named in its own words (a language picker), not a translation
ENDONYMS = {"中文", "简体中文"}


def _messages(path: Path) -> dict[tuple[str, str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (context.findtext("name") or "", m.findtext("source") or "", m.findtext("comment") or ""): m
        for context in root.iter("context")
        for m in context.iter("message")
    }


def _catalogue() -> dict[str, str]:
    root = ET.parse(TS).getroot()
    return {
        m.findtext("source"): (m.findtext("translation") or "")
        for m in root.iter("message")
        if m.find("translation").get("type") not in ("unfinished", "obsolete", "vanished")
    }


def test_every_tr_string_in_the_ui_is_translated():
    catalogue = _catalogue()
    missing = set()
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and not catalogue.get(node.args[0].value)
            ):
                missing.add(node.args[0].value)
    assert not missing, sorted(missing)


def test_there_is_one_catalogue():
    """The field and lead screens once had a second catalogue (``ftr``) and the messages
    dialog inline pairs: one word could read two ways and a screen could miss a language."""
    names = {path.stem for path in resource_dir("translations").iterdir()}
    assert names == {"workstation_zh_CN"}
    helpers = re.compile(r"\bdef (ftr|_t)\(")
    assert [p.name for p in UI.rglob("*.py") if helpers.search(p.read_text("utf-8"))] == []


def test_no_ui_module_writes_its_own_chinese():
    """Chinese in the UI comes from the catalogue or from the core's ``Text``, never from a
    string literal beside the English (the inline pairs the catalogue replaced)."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and CJK.search(node.value)
                and node.value not in ENDONYMS
                and path.name != "selftest.py"  # its CJK sample checks the PDF's fonts
            ):
                found.append(f"{path.relative_to(UI)}:{node.lineno}: {node.value}")
    assert found == []


@pytest.mark.skipif(
    tool("pyside6-lupdate") is None or tool("pyside6-lrelease") is None,
    reason="pyside6-lupdate / pyside6-lrelease are not installed",
)
def test_the_catalogue_is_what_lupdate_and_lrelease_make_of_the_sources(tmp_path):
    """Regenerating changes no message and no translation: every ``tr()`` string the tool
    finds is in the catalogue, translated, and none is left over; the .qm is its compilation."""
    from ui.i18n import update

    ts, qm = tmp_path / TS.name, tmp_path / "workstation_zh_CN.qm"
    shutil.copy(TS, ts)
    update(ts, qm)
    before, after = _messages(TS), _messages(ts)
    assert sorted(set(after) - set(before)) == [], "run: python -m ui.i18n, then translate"
    assert sorted(set(before) - set(after)) == [], "run: python -m ui.i18n (unused strings)"
    unfinished = [key for key, m in after.items() if m.find("translation").get("type")]
    assert unfinished == []
    changed = [
        key
        for key, m in after.items()
        if m.findtext("translation") != before[key].findtext("translation")
    ]
    assert changed == []
    assert qm.read_bytes() == resource_path("translations", "workstation_zh_CN.qm").read_bytes()


def test_compiled_catalogue_translates(qapp):
    translator = QTranslator()
    assert translator.load(str(resource_path("translations", "workstation_zh_CN.qm")))
    qapp.installTranslator(translator)
    try:
        assert QCoreApplication.translate("", "Due now") == "当前待办"
    finally:
        qapp.removeTranslator(translator)


def test_field_lead_and_desk_read_from_the_same_catalogue(qapp):
    from ui import i18n

    i18n.install(qapp, "zh_CN")
    try:
        assert i18n.tr("Balance") == "未还余额"  # a word the desk and the field both show
        assert i18n.tr("Team and queues") == "团队与队列"  # the lead's own
        assert i18n.tr("Send reminder") == "发送提醒"  # once an inline pair in its dialog
        assert i18n.tr("Agreement preview") == "协议预览"  # once left out of any catalogue
        assert i18n.tr("Current (not overdue)", "bucket") == "正常"
    finally:
        i18n.install(qapp, "en")
    assert i18n.tr("Team and queues") == "Team and queues"


def test_codes_read_as_words(qapp):
    from ui import i18n
    from ui.labels import (
        bucket_text,
        channel_text,
        dispute_text,
        flag_text,
        product_text,
        status_text,
    )

    assert status_text("open") == "Open"
    assert bucket_text("current").startswith("Current")
    assert product_text("auto_loan") == "Car loan"
    i18n.install(qapp, "zh_CN")
    try:
        assert flag_text("breathing_space") == "喘息期"
        assert dispute_text("not_mine") == "非本人债务"
        assert channel_text("sms") == "短信"
    finally:
        i18n.install(qapp, "en")
