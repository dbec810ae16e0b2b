"""One creditor, as customers meet it (``domain.creditor``, ``resources/creditor.toml``): the
name the agent gives on a call, the sender of the messages, the party on an agreement, with
the number to call, in each language; a configured name replaces the shipped one everywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.test_documents_support import schedule
from tests.unit.test_messages import NOON_SHANGHAI, _account, _customer
from workstation.documents import agreement_from_domain, creditor_party
from workstation.domain import Channel, Language
from workstation.domain.creditor import CreditorFileError, creditor, load_creditor
from workstation.messages import compose
from workstation.messages.templates import TemplateError, default_templates, load_templates
from workstation.resources import resource_dir, resource_path


def test_the_shipped_creditor_has_a_name_and_a_number_in_each_language() -> None:
    shipped = creditor()
    assert (shipped.name.en, shipped.name.zh) == ("Northwind Finance", "北风金融")
    assert shipped.phone.get("zh") == "400-820-0142"
    assert shipped.phone.get("en").startswith("+1 ")
    configured = creditor("  Acme Consumer Finance ")
    assert configured.name.get("zh") == configured.name.get("en") == "Acme Consumer Finance"
    assert configured.phone == shipped.phone  # the numbers stay the shipped ones


def test_messages_and_agreements_name_the_same_creditor_as_the_call() -> None:
    customer, account = _customer(), _account()
    sms = compose("payment_reminder", customer, account, Channel.SMS, "zh", NOON_SHANGHAI)
    assert sms.text.startswith(f"【{creditor().name.zh}】")
    assert creditor().phone.zh in sms.text
    english = compose("payment_reminder", customer, account, Channel.SMS, "en", NOON_SHANGHAI)
    assert english.text.startswith(f"{creditor().name.en}:")
    # a deployment's own name: the messages say it too
    acme = default_templates().for_creditor("Acme Consumer Finance")
    named = compose(
        "payment_reminder", customer, account, Channel.SMS, "zh", NOON_SHANGHAI, templates=acme
    )
    assert named.text.startswith("【Acme Consumer Finance】")
    # the agreement: both names, the Chinese on the Chinese page, and the number to call
    party = creditor_party("", "zh")
    assert (party.name, party.name_alt, party.phone) == (
        "Northwind Finance",
        "北风金融",
        "400-820-0142",
    )
    assert party.short_name.get("zh") == "北风金融"
    content = agreement_from_domain(
        customer, account, schedule(6), creditor=party, issued_on=NOON_SHANGHAI.date()
    )
    assert content.creditor.phone == "400-820-0142"  # it printed "—" before


def test_a_broken_creditor_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    text = resource_path("creditor.toml").read_text(encoding="utf-8")
    bad = tmp_path / "creditor.toml"
    bad.write_text(text.replace('phone = "400-820-0142"', 'phone = ""'), encoding="utf-8")
    with pytest.raises(CreditorFileError, match=r"\[zh\] phone"):
        load_creditor(bad)
    bad.write_text(text.replace("[en]", "[fr]"), encoding="utf-8")
    with pytest.raises(CreditorFileError, match=r"no \[en\] table"):
        load_creditor(bad)


def test_a_template_file_with_its_own_sender_is_refused(tmp_path: Path) -> None:
    """Two sources of the creditor's name were how the SMS came to say another than the call."""
    folder = tmp_path / "messages"
    shutil.copytree(resource_dir("templates") / "messages", folder)
    path = folder / "zh.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('language = "zh"\n', 'language = "zh"\n\n[sender]\ncreditor = "某某"\n'),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"creditor\.toml"):
        load_templates(folder)
    assert default_templates().sender(Language.ZH)["creditor"] == "北风金融"


def test_a_customer_is_given_the_number_of_their_own_country() -> None:
    """A UK customer reading English calls a UK number, not the US one the English templates
    gave everyone: the SMS and the agreement use the number by the customer's rule pack."""
    uk = _customer("uk-conc", Language.EN, timezone="Europe/London")
    sms = compose("payment_reminder", uk, _account("GBP"), Channel.SMS, "en", NOON_SHANGHAI)
    assert "+44 800 055 0142" in sms.text
    assert "+1 800" not in sms.text
    us = _customer("us-regf", Language.EN)
    sms = compose("payment_reminder", us, _account("USD"), Channel.SMS, "en", NOON_SHANGHAI)
    assert "+1 800 555 0142" in sms.text
    assert creditor_party("", "en", "uk-conc").phone == "+44 800 055 0142"
    assert creditor_party("", "en", "UK").phone == "+44 800 055 0142"  # a country code too
    assert creditor_party("", "zh", "cn-nifa").phone == "400-820-0142"
    assert creditor_party("", "en", "fr-cnil").phone == creditor().phone.en  # none of its own
