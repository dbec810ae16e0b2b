"""Translation plumbing: the one path from a string to the agent's language.

Two kinds of text reach the screen, and each has one way:

- the UI's own words are marked with the bare ``tr()`` helper (desk, field, lead, dialogs,
  preview alike) and translated by ONE Qt catalogue,
  ``resources/translations/workstation_<lang>.ts`` (context ""), compiled to the ``.qm``
  that ``install()`` loads;
- what the core says (reasons, labels, refusals) arrives as a ``workstation.text.Text`` in
  both languages and is read with ``pick()``; an error's words with ``ui.errors``.

``python -m ui.i18n`` regenerates the catalogue from the sources with ``pyside6-lupdate``
(existing translations kept, strings no longer used dropped) and compiles it with
``pyside6-lrelease``; new strings appear as unfinished until someone translates them, and
``tests/ui/test_i18n.py`` fails until they are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from workstation.resources import resource_dir
from workstation.text import Text, is_chinese

CATALOGUE = "workstation"
LANGUAGES = ("zh_CN",)  # English is the source language: it needs no catalogue
UI_ROOT = Path(__file__).resolve().parent

_state = {"language": "en"}


def tr(text: str, disambiguation: str | None = None) -> str:
    """Translate a UI string; ``disambiguation`` separates a short form (e.g. a column)."""
    return QCoreApplication.translate("", text, disambiguation)


def language() -> str:
    return _state["language"]


def is_zh() -> bool:
    return is_chinese(_state["language"])


def pick(text: Text) -> str:
    return text.get(_state["language"])


def install(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Load the catalogue for ``lang`` (``en`` needs none). Returns the translator kept alive."""
    _state["language"] = lang
    previous = _translators.pop("desk", None)
    if previous is not None:  # switching language: the old catalogue must go
        app.removeTranslator(previous)
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load(str(catalogue_path(lang, ".qm"))):
        app.installTranslator(translator)
        _translators["desk"] = translator
        return translator
    return None


_translators: dict[str, QTranslator] = {}


# -- catalogue maintenance (developer tool; not used at run time) ---------------------------


def catalogue_path(lang: str, suffix: str = ".ts") -> Path:
    return resource_dir("translations") / f"{CATALOGUE}_{lang}{suffix}"


def sources() -> list[Path]:
    """Every module that may call ``tr()`` (lupdate's Python parser takes files, not folders)."""
    return sorted(UI_ROOT.rglob("*.py"))


def tool(name: str) -> str | None:
    """``pyside6-lupdate`` / ``pyside6-lrelease`` beside this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def update(ts: Path, qm: Path | None = None) -> None:
    """Extract the ``tr()`` strings into ``ts`` (keeping translations, dropping strings no
    longer used) and, given ``qm``, compile it."""
    lupdate, lrelease = tool("pyside6-lupdate"), tool("pyside6-lrelease")
    if lupdate is None or lrelease is None:
        raise RuntimeError("pyside6-lupdate / pyside6-lrelease not found (install PySide6)")
    files = [str(path) for path in sources()]
    # no source locations: line numbers would change the catalogue (and collide in merges)
    # whenever any UI file moves a line; the source text is the key that matters
    subprocess.run(
        [lupdate, "-silent", "-locations", "none", *files, "-ts", str(ts), "-no-obsolete"],
        check=True,
    )
    if qm is not None:
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)


if __name__ == "__main__":  # pragma: no cover - developer tool
    for code in LANGUAGES:
        update(catalogue_path(code), catalogue_path(code, ".qm"))
        print(f"updated {catalogue_path(code)}", file=sys.stderr)
