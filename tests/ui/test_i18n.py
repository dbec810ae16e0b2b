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
