"""Message templates as data: ``resources/templates/messages/<language>.toml``.

Each file holds one language: one table per template with its display ``name``, the ``sms``
text and the e-mail ``subject`` and ``body``. The loader checks everything a wrong edit could
break and names the file and the key: an unknown placeholder, a stray brace, a missing
variant, a template present in one language but not in another. The sender's name and phone
(``{creditor}``, ``{creditor_phone}``) are the creditor's (``domain.creditor``), as on a call
or an agreement.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from workstation.domain.creditor import Creditor, shipped_creditor
from workstation.domain.creditor import creditor as creditor_named
from workstation.domain.enums import Language
from workstation.errors import WorkstationError
from workstation.resources import resource_dir
from workstation.text import Text

TEMPLATE_IDS = (
    "payment_reminder",
    "promise_confirmation",
    "plan_confirmation",
    "missed_instalment",
    "settlement_offer",
    "portal_invitation",  # carries the customer's self-service link ({portal_link})
    "survey",  # sent by the backend after a conversation ({survey_link}), never by a desk
    "due_soon",  # a strategy's pre-due reminder to a current account (early intervention)
)

# every placeholder a template may use (filled by ``workstation.messages.fill``)
PLACEHOLDERS = frozenset(
    {
        "customer",
        "account",
        "creditor",
        "creditor_phone",
        "balance",
        "amount_due",
        "days_past_due",
        "promise_amount",
        "promise_date",
        "instalment_amount",
        "instalments",
        "next_due_date",
        "missed_amount",
        "missed_date",
        "settlement_amount",
        "valid_until",
        # the backend puts a signed link here when it sends the message (server.portal)
        "portal_link",
        "survey_link",
    }
)
_VARIANTS = ("sms", "subject", "body")


class TemplateError(WorkstationError, ValueError):
    """A template file that cannot be used; the message names the file and the key."""

    summary = Text("A message template is not valid", "消息模板无效")


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    language: Language
    name: str
    sms: str
    subject: str
    body: str

    def placeholders(self, variant: str) -> frozenset[str]:
        return _fields(getattr(self, variant))

    def needs(self, channel: str) -> frozenset[str]:
        """Placeholders the SMS (``sms``) or the e-mail (``email``) needs filled."""
        if channel == "sms":
            return self.placeholders("sms")
        return self.placeholders("subject") | self.placeholders("body")


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """Every language's templates and sender details."""

    templates: Mapping[tuple[str, Language], Template]
    creditor: Creditor  # who sends them: ``{creditor}`` and ``{creditor_phone}``

    def get(self, template_id: str, language: Language | str) -> Template:
        lang = Language(language)
        try:
            return self.templates[(template_id, lang)]
        except KeyError:
            raise TemplateError(f"no template {template_id!r} in {lang.value}") from None

    def ids(self) -> tuple[str, ...]:
        seen = dict.fromkeys(template_id for template_id, _ in self.templates)
        return tuple(seen)

    def for_language(self, language: Language | str) -> Iterator[Template]:
        lang = Language(language)
        for template_id in self.ids():
            yield self.templates[(template_id, lang)]

    def sender(
        self, language: Language | str, jurisdiction: str | None = None
    ) -> Mapping[str, str]:
        """The sender's placeholders in ``language``: the creditor's name, and the number a
        customer of ``jurisdiction`` calls (the language's where it has none of its own)."""
        lang = Language(language).value
        return {
            "creditor": self.creditor.name.get(lang),
            "creditor_phone": self.creditor.phone_for(lang, jurisdiction),
        }

    def for_creditor(self, configured: str) -> TemplateSet:
        """These templates sent for the ``configured`` creditor (the shipped one if blank)."""
        if not configured.strip():
            return self
        return replace(self, creditor=creditor_named(configured))


def _fields(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _check_text(path: Path, key: str, text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{path.name}: {key} must be a non-empty string")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(f"{path.name}: {key}: {exc} (write a literal brace as {{{{)") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join(sorted(PLACEHOLDERS))
            raise TemplateError(f"{path.name}: {key}: unknown placeholder {{{name}}} ({known})")
        if spec or conversion:
            raise TemplateError(f"{path.name}: {key}: {{{name}}} may not carry a format spec")
    return text.strip()


def load_file(path: Path) -> tuple[Language, dict[str, Template]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path.name}: not valid TOML: {exc}") from None
    if data.get("schema") != 1:
        raise TemplateError(f"{path.name}: schema must be 1")
    try:
        language = Language(str(data.get("language")))
    except ValueError:
        raise TemplateError(f"{path.name}: language must be one of en, zh") from None
    if "sender" in data:
        raise TemplateError(
            f"{path.name}: [sender] is the creditor's, in resources/creditor.toml (one name "
            "on calls, messages and documents)"
        )
    templates: dict[str, Template] = {}
    for template_id, table in data.items():
        if template_id in ("schema", "language"):
            continue
        if not isinstance(table, dict):
            raise TemplateError(f"{path.name}: {template_id} must be a table")
        extra = set(table) - {"name", *_VARIANTS}
        if extra:
            raise TemplateError(f"{path.name}: {template_id}: unknown keys {sorted(extra)}")
        values = {
            key: _check_text(path, f"{template_id}.{key}", table.get(key))
            for key in ("name", *_VARIANTS)
        }
        if _fields(values["name"]):
            raise TemplateError(f"{path.name}: {template_id}.name may not use placeholders")
        templates[template_id] = Template(template_id, language, **values)
    missing = [t for t in TEMPLATE_IDS if t not in templates]
    if missing:
        raise TemplateError(f"{path.name}: missing templates {', '.join(missing)}")
    return language, templates


def load_templates(directory: Path | None = None) -> TemplateSet:
    """Load and cross-check every ``*.toml`` in ``directory`` (default: the shipped ones)."""
    folder = directory or resource_dir("templates") / "messages"
    templates: dict[tuple[str, Language], Template] = {}
    ids_by_language: dict[Language, frozenset[str]] = {}
    for path in sorted(folder.glob("*.toml")):
        language, loaded = load_file(path)
        if language in ids_by_language:
            raise TemplateError(f"{path.name}: a second file for language {language.value}")
        ids_by_language[language] = frozenset(loaded)
        for template_id, template in loaded.items():
            templates[(template_id, language)] = template
    for language in Language:
        if language not in ids_by_language:
            raise TemplateError(f"{folder}: no templates for language {language.value}")
    all_ids = frozenset().union(*ids_by_language.values())
    for language, ids in ids_by_language.items():
        if ids != all_ids:
            raise TemplateError(
                f"{language.value}.toml: templates missing here but present in another "
                f"language: {', '.join(sorted(all_ids - ids))}"
            )
    # a template must need the same data in every language (the agent fills it once)
    for template_id in all_ids:
        for channel in ("sms", "email"):
            needs = {lang: templates[(template_id, lang)].needs(channel) for lang in Language}
            inputs = {lang: n & {"settlement_amount", "valid_until"} for lang, n in needs.items()}
            if len(set(inputs.values())) > 1:
                raise TemplateError(
                    f"{template_id}.{channel}: languages ask the agent for different values"
                )
    ordered = {
        (template_id, language): templates[(template_id, language)]
        for template_id in sorted(all_ids, key=_order)
        for language in Language
    }
    return TemplateSet(ordered, shipped_creditor())


def _order(template_id: str) -> tuple[int, str]:
    known = TEMPLATE_IDS.index(template_id) if template_id in TEMPLATE_IDS else len(TEMPLATE_IDS)
    return known, template_id


@cache
def default_templates() -> TemplateSet:
    return load_templates()
