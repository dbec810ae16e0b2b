"""Translations of the field and lead screens: ``ftr()`` looks strings up in the context
``FieldLead`` of ``resources/translations/field_lead_zh_CN.qm``, a catalogue loaded beside
the desk's own (``ui.i18n.install``) so the two never edit one file.

``ensure_translations()`` installs it for the language the desk chose; it is idempotent
and is called by ``build_field_workspace`` / ``build_lead_workspace``. The catalogue's
source is generated from the ``ftr("…")`` calls by ``python -m ui.field.i18n`` (see
``write_ts``), which keeps existing translations.
"""

from __future__ import annotations

import ast
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from ui import i18n
from workstation.resources import resource_dir

CONTEXT = "FieldLead"
CATALOGUE = "field_lead"
_installed: dict[str, QTranslator | None] = {}


def ftr(text: str) -> str:
    """The desk's catalogue owns shared wording ("Balance", "Close"…); this catalogue only
    the field and lead screens' own strings, so one word never has two translations."""
    shared = QCoreApplication.translate("", text)
    if shared != text:
        return shared
    return QCoreApplication.translate(CONTEXT, text)


def ensure_translations() -> QTranslator | None:
    """Install the field/lead catalogue for the current UI language (once per language)."""
    app = QCoreApplication.instance()
    lang = i18n.language()
    if app is None:
        return None
    for other, old in list(_installed.items()):
        if other != lang:
            if old is not None:
                app.removeTranslator(old)
            del _installed[other]
    if lang in _installed:
        return _installed[lang]
    translator: QTranslator | None = None
    if lang != "en":
        candidate = QTranslator(app)
        if candidate.load(str(resource_dir("translations") / f"{CATALOGUE}_{lang}.qm")):
            app.installTranslator(candidate)
            translator = candidate
    _installed[lang] = translator
    return translator


# -- catalogue maintenance (developer tool; not used at run time) ---------------------------

_PATTERN = re.compile(r'\bftr\(\s*"((?:[^"\\]|\\.)*)"\s*\)')
UI_ROOT = Path(__file__).resolve().parents[1]


def desk_strings() -> set[str]:
    """Source strings the desk's catalogue translates (shared wording it owns)."""
    path = resource_dir("translations") / "workstation_zh_CN.ts"
    if not path.exists():
        return set()
    root = ET.parse(path).getroot()
    return {
        m.findtext("source") or ""
        for m in root.iter("message")
        if m.find("comment") is None  # a disambiguated form is not what tr(text) finds
        and m.findtext("translation")
        and (m.find("translation").get("type") or "") not in ("unfinished", "obsolete")  # type: ignore[union-attr]
    }


def all_source_strings() -> list[str]:
    """Every ``ftr`` string in the field and lead screens."""
    found: dict[str, None] = {}
    for folder in ("field", "lead"):
        for path in sorted((UI_ROOT / folder).rglob("*.py")):
            if path.name == "i18n.py":
                continue
            for text in _PATTERN.findall(path.read_text(encoding="utf-8")):
                # literal_eval undoes the escapes (\n) without mangling non-ASCII (→, 中文)
                found[ast.literal_eval(f'"{text}"') if "\\" in text else text] = None
    return list(found)


def source_strings() -> list[str]:
    """The strings this catalogue owns: the ``ftr`` strings the desk does not translate."""
    shared = desk_strings()
    return [text for text in all_source_strings() if text not in shared]


def read_ts(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    root = ET.parse(path).getroot()
    return {
        m.findtext("source") or "": m.findtext("translation") or "" for m in root.iter("message")
    }


def write_ts(path: Path, translations: dict[str, str]) -> list[str]:
    """Write the .ts for every ``ftr`` string; return the ones still untranslated."""
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    missing = []
    for text in source_strings():
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        value = translations.get(text, "")
        if value:
            translation.text = value
        else:
            translation.set("type", "unfinished")
            missing.append(text)
    ET.indent(root)
    path.write_bytes(
        b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE TS>\n"
        + ET.tostring(root, encoding="unicode").encode("utf-8")
        + b"\n"
    )
    return missing


if __name__ == "__main__":  # pragma: no cover - developer tool
    ts = resource_dir("translations") / f"{CATALOGUE}_zh_CN.ts"
    left = write_ts(ts, read_ts(ts))
    print("\n".join(left) or "complete", file=sys.stderr)
