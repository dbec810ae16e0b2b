"""Translation plumbing: ``tr()`` for every visible string, Qt .qm catalogues per language.

Sources are marked with the bare ``tr()`` helper, which ``pyside6-lupdate`` extracts into
``resources/translations/workstation_zh_CN.ts`` (context ""); ``pyside6-lrelease`` compiles
the .qm that ``install()`` loads. Bilingual data from the core (reasons, labels) carries
both languages and is picked with ``pick()``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from workstation.desk.types import Text
from workstation.resources import resource_dir

_state = {"language": "en"}


def tr(text: str, disambiguation: str | None = None) -> str:
    """Translate a UI string; ``disambiguation`` separates a short form (e.g. a column)."""
    return QCoreApplication.translate("", text, disambiguation)


def language() -> str:
    return _state["language"]


def is_zh() -> bool:
    return _state["language"].startswith("zh")


def pick(text: Text) -> str:
    return str(text.get(_state["language"]))


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
    qm = resource_dir("translations") / f"workstation_{lang}.qm"
    if translator.load(str(qm)):
        app.installTranslator(translator)
        _translators["desk"] = translator
        return translator
    return None


_translators: dict[str, QTranslator] = {}
