"""Document languages and the bilingual texts read from ``resources/templates``.

Owns ``DocumentLanguage`` (en, zh or both) and the loaders for the label catalogue, the
letter texts and the jurisdictions' required statements (each a ``workstation.text.Text``).
Files are parsed once per process and validated as they load, so a missing translation fails
loudly rather than printing an empty line.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from workstation.documents.errors import DocumentError
from workstation.domain.dates import long_date_en, long_date_zh
from workstation.resources import resource_path
from workstation.text import Text


class DocumentLanguage(StrEnum):
    EN = "en"
    ZH = "zh"
    BOTH = "both"

    @property
    def codes(self) -> tuple[str, ...]:
        """The languages printed, in order: English first when both are."""
        if self is DocumentLanguage.BOTH:
            return ("en", "zh")
        return (self.value,)

    @classmethod
    def parse(cls, value: str) -> DocumentLanguage:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise DocumentError(
                f"Unknown document language {value!r}: choose en, zh or both."
            ) from None


def fill(text: Text, **values: Any) -> Text:
    """``text`` with its ``{placeholders}`` filled; a template naming a value the document
    does not have is a broken template file, reported as such."""
    try:
        return text.format(**values)
    except KeyError as exc:
        raise DocumentError(f"template placeholder {exc} has no value") from None


def long_date(day: date) -> Text:
    """A date written out for prose: ``15 March 2025`` / ``2025年3月15日``."""
    return Text(long_date_en(day), long_date_zh(day))


def _text(raw: object, where: str) -> Text:
    if not isinstance(raw, dict):
        raise DocumentError(f"{where}: expected a table with en and zh")
    en, zh = raw.get("en"), raw.get("zh")
    if not isinstance(en, str) or not isinstance(zh, str) or not en or not zh:
        raise DocumentError(f"{where}: both en and zh texts are required")
    return Text(en, zh)


def _load(name: str) -> dict[str, Any]:
    with resource_path("templates", name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def labels() -> dict[str, Text]:
    data = _load("labels.toml")
    return {key: _text(value, f"labels.toml: {key}") for key, value in data["labels"].items()}


def label(key: str) -> Text:
    try:
        return labels()[key]
    except KeyError:
        raise DocumentError(f"no label {key!r} in templates/labels.toml") from None


@dataclass(frozen=True, slots=True)
class LetterTexts:
    title: Text
    greeting: Text
    body: tuple[Text, ...]
    closing: Text


@cache
def letter_texts(kind: str) -> LetterTexts:
    data = _load("letters.toml")
    if kind not in data:
        raise DocumentError(f"no letter texts for {kind!r} in templates/letters.toml")
    raw = data[kind]
    where = f"letters.toml: {kind}"
    return LetterTexts(
        title=_text(raw.get("title"), f"{where}.title"),
        greeting=_text(raw.get("greeting"), f"{where}.greeting"),
        body=tuple(_text(part, f"{where}.body[{i}]") for i, part in enumerate(raw.get("body", []))),
        closing=_text(raw.get("closing"), f"{where}.closing"),
    )


@dataclass(frozen=True, slots=True)
class Statement:
    """One required statement: a short title and its text, both bilingual."""

    code: str
    title: Text
    text: Text
    applies_to: frozenset[str]

    def filled(self, **values: Any) -> Statement:
        return Statement(self.code, self.title, fill(self.text, **values), self.applies_to)


@dataclass(frozen=True, slots=True)
class StatementCatalogue:
    version: int
    aliases: dict[str, str]
    by_jurisdiction: dict[str, tuple[Statement, ...]]
    common: tuple[Statement, ...]


def _statement(raw: dict[str, Any], where: str) -> Statement:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise DocumentError(f"{where}: a statement needs a code")
    applies = raw.get("applies_to", ["agreement"])
    return Statement(
        code=code,
        title=_text({"en": raw.get("title_en"), "zh": raw.get("title_zh")}, f"{where} title"),
        text=_text({"en": raw.get("en"), "zh": raw.get("zh")}, f"{where} {code}"),
        applies_to=frozenset(str(item) for item in applies),
    )


@cache
def statement_catalogue() -> StatementCatalogue:
    data = _load("agreement_statements.toml")
    by_jurisdiction = {
        pack: tuple(
            _statement(raw, f"agreement_statements.toml: {pack}[{i}]")
            for i, raw in enumerate(items)
        )
        for pack, items in data.get("jurisdiction", {}).items()
    }
    common = tuple(
        _statement(raw, f"agreement_statements.toml: common[{i}]")
        for i, raw in enumerate(data.get("common", []))
    )
    return StatementCatalogue(
        version=int(data.get("version", 1)),
        aliases={str(k).upper(): str(v) for k, v in data.get("aliases", {}).items()},
        by_jurisdiction=by_jurisdiction,
        common=common,
    )


def resolve_jurisdiction(jurisdiction: str) -> str:
    """The rule-pack id for a customer's jurisdiction (``"CN"`` or ``"cn-nifa"``)."""
    catalogue = statement_catalogue()
    key = jurisdiction.strip()
    if key in catalogue.by_jurisdiction:
        return key
    alias = catalogue.aliases.get(key.upper())
    if alias is not None and alias in catalogue.by_jurisdiction:
        return alias
    known = ", ".join(sorted(catalogue.by_jurisdiction))
    raise DocumentError(
        f"No required statements for jurisdiction {jurisdiction!r} (known: {known}); add them "
        "to resources/templates/agreement_statements.toml before printing documents for it."
    )


def statements_for(jurisdiction: str, document: str) -> tuple[Statement, ...]:
    """The jurisdiction's statements for ``document`` (agreement or a letter kind), then the
    statements every jurisdiction prints."""
    catalogue = statement_catalogue()
    pack = resolve_jurisdiction(jurisdiction)
    chosen = [s for s in catalogue.by_jurisdiction[pack] if document in s.applies_to]
    chosen.extend(s for s in catalogue.common if document in s.applies_to)
    return tuple(chosen)


def templates_version() -> int:
    """Bumped by hand when a template's meaning changes; part of every content hash."""
    return statement_catalogue().version


_TEMPLATE_FILES = ("labels.toml", "letters.toml", "agreement_statements.toml")


@cache
def templates_sha256() -> str:
    """SHA-256 over the template files' bytes: part of every content hash, so a document
    printed with different wording never shares a hash with one printed before."""
    digest = hashlib.sha256()
    for name in _TEMPLATE_FILES:
        data = resource_path("templates", name).read_bytes()
        digest.update(f"{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()
