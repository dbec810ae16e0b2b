"""The creditor the book is collected for, as its customers meet it: one name and one phone
number per language (``resources/creditor.toml``), the same on a call, in a message, on an
agreement and on a letter. A customer who hears "Acme" from the agent and reads "北风金融" in
the SMS that follows has reason to think one of them a fraud.

A deployment may name another creditor (the desk's settings, the server's environment):
``creditor(configured)`` then says that name in both languages, with the shipped numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from workstation.errors import WorkstationError
from workstation.resources import read_data, resource_path
from workstation.text import Text


class CreditorFileError(WorkstationError, ValueError):
    """The creditor file is malformed; the message names the file and the key."""

    summary = Text("The creditor file is not valid", "债权人信息文件无效")


@dataclass(frozen=True, slots=True)
class Creditor:
    name: Text  # as said and printed in each language
    phone: Text  # the number a customer calls, in each language's market
    # the number by the rule pack serving the customer ("uk-conc"), where it has its own
    by_jurisdiction: Mapping[str, str] = field(default_factory=dict)

    def phone_for(self, language: str, jurisdiction: str | None = None) -> str:
        """The number a customer calls: their jurisdiction's (a pack id, or the country code
        before its dash: "uk" for "uk-conc"), else the one of the language they read."""
        key = (jurisdiction or "").strip().casefold()
        if key:
            if key in self.by_jurisdiction:
                return self.by_jurisdiction[key]
            for pack, number in self.by_jurisdiction.items():
                if pack.split("-", 1)[0] == key:
                    return number
        return self.phone.get(language)


def load_creditor(path: Path) -> Creditor:
    """Read and check a creditor file; raise CreditorFileError naming the file and key."""
    data = read_data(path, CreditorFileError)
    if data.get("schema") != 1:
        raise CreditorFileError(f"{path}: 'schema' must be 1")
    values: dict[str, dict[str, str]] = {}
    for language in ("en", "zh"):
        table = data.get(language)
        if not isinstance(table, dict):
            raise CreditorFileError(f"{path}: no [{language}] table")
        for key in ("name", "phone"):
            value = table.get(key)
            if not isinstance(value, str) or not value.strip():
                raise CreditorFileError(f"{path}: [{language}] {key} must be a non-empty string")
        values[language] = {key: str(table[key]).strip() for key in ("name", "phone")}
    phones = data.get("phone", {})
    if not isinstance(phones, dict) or not all(
        isinstance(v, str) and v.strip() for v in phones.values()
    ):
        raise CreditorFileError(f"{path}: [phone] must map rule pack ids to numbers")
    return Creditor(
        Text(values["en"]["name"], values["zh"]["name"]),
        Text(values["en"]["phone"], values["zh"]["phone"]),
        {str(k).casefold(): str(v).strip() for k, v in phones.items()},
    )


@cache
def shipped_creditor() -> Creditor:
    return load_creditor(resource_path("creditor.toml"))


def creditor(configured: str = "") -> Creditor:
    """The creditor: the shipped one, or the ``configured`` name (in both languages)."""
    shipped = shipped_creditor()
    name = configured.strip()
    return replace(shipped, name=Text(name, name)) if name else shipped
