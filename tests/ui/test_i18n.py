"""Every visible string has a Simplified Chinese translation, and the catalogue loads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from workstation.resources import resource_path

UI = Path(__file__).resolve().parents[2] / "ui"
TS = resource_path("translations", "workstation_zh_CN.ts")


def _catalogue() -> dict[str, str]:
    root = ET.parse(TS).getroot()
    return {
        m.findtext("source"): (m.findtext("translation") or "")
        for m in root.iter("message")
        if m.find("translation").get("type") not in ("unfinished", "obsolete", "vanished")
    }


def test_every_tr_string_in_the_ui_is_translated():
    catalogue = _catalogue()
    pattern = re.compile(r'\btr\(\s*"((?:[^"\\]|\\.)*)"\s*\)')
    missing = set()
    for path in UI.rglob("*.py"):
        if "documents" in path.parts:
            continue  # the documents issue ships its own strings
        for text in pattern.findall(path.read_text(encoding="utf-8")):
            if not catalogue.get(text):
                missing.add(text)
    assert not missing, sorted(missing)


def test_compiled_catalogue_translates(qapp):
    translator = QTranslator()
    assert translator.load(str(resource_path("translations", "workstation_zh_CN.qm")))
    qapp.installTranslator(translator)
    try:
        assert QCoreApplication.translate("", "Due now") == "当前待办"
    finally:
        qapp.removeTranslator(translator)


def test_shared_wording_has_one_owner_the_desk_catalogue():
    """The field/lead catalogue carries only its own strings; shared ones ("Balance",
    "Close"…) come from the desk's catalogue, so one word never reads two ways."""
    from ui.field.i18n import desk_strings, read_ts

    field = read_ts(resource_path("translations", "field_lead_zh_CN.ts"))
    assert not set(field) & desk_strings()


def test_field_and_lead_screens_use_the_desk_wording_for_shared_strings(qapp):
    from ui import i18n
    from ui.field.i18n import ensure_translations, ftr

    i18n.install(qapp, "zh_CN")
    try:
        ensure_translations()
        assert ftr("Balance") == QCoreApplication.translate("", "Balance") != "Balance"
        assert ftr("Team and queues") != "Team and queues"  # its own catalogue still loads
    finally:
        i18n.install(qapp, "en")
        ensure_translations()


def test_codes_read_as_words():
    from ui.labels import bucket_text, product_text, status_text

    assert status_text("open") == "Open"
    assert bucket_text("current").startswith("Current")
    assert product_text("auto_loan") == "Car loan"
