"""The one bilingual string of the core, and the one rule for which language a code means.

Everything the core says to a person (a verdict's reason, a form error, a refusal, a label on
a printed agreement) is a ``Text``: the same sentence in English and Simplified Chinese. The
UI picks one by its language; a document prints one or both. ``is_chinese`` is the only place
that decides what a language code means, so ``zh``, ``zh_CN``, ``zh-Hans`` and ``zh_Hans_CN``
read Chinese everywhere (the desk, the documents, the messages, the lead's export).

A leaf module: it imports nothing from the workstation, so every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


def is_chinese(language: str) -> bool:
    """True for any Chinese locale code: ``zh``, ``zh_CN``, ``zh-Hans``, ``zh_Hans_CN``…"""
    primary = language.strip().replace("-", "_").split("_", 1)[0]
    return primary.lower() == "zh"


def name_in(name: str, language: str) -> str:
    """A person's name as said in ``language``: of a name written in both scripts
    ("李娜 Li Na") the Chinese words for Chinese and the others for English; any other
    name as it is."""
    words = name.split()
    chinese = [w for w in words if any("\u4e00" <= c <= "\u9fff" for c in w)]
    latin = [w for w in words if w not in chinese]
    if chinese and latin:
        return "".join(chinese) if is_chinese(language) else " ".join(latin)
    return " ".join(words)


class PrintedLanguages(Protocol):
    """What ``Text.joined`` prints: the codes in order (a document's "en", "zh" or both)."""

    @property
    def codes(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Text:
    """One sentence in English and Simplified Chinese.

    ``zh`` may be empty where only English was written (an operator's configuration error);
    a Chinese reader then gets the English rather than an empty line. A ``Text`` can be
    called with a language: ``text("zh_CN")`` is ``text.get("zh_CN")``.
    """

    en: str
    zh: str

    def get(self, language: str) -> str:
        return self.zh if self.zh and is_chinese(language) else self.en

    def __call__(self, language: str) -> str:
        return self.get(language)

    def format(self, **values: Any) -> Text:
        """Fill ``{placeholders}``; a value may itself be a ``Text`` (a per-language value).

        A placeholder without a value raises ``KeyError`` naming it.
        """
        en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
        zh = {k: v.zh if isinstance(v, Text) else v for k, v in values.items()}
        return Text(self.en.format(**en), self.zh.format(**zh))

    def joined(self, languages: PrintedLanguages, separator: str = " / ") -> str:
        """The sentence in each language printed: ``"Due date / 到期日"`` for en and zh."""
        return separator.join(self.get(code) for code in languages.codes)


def same(value: str) -> Text:
    """A value that reads the same in both languages (a number, a name, an id)."""
    return Text(value, value)
