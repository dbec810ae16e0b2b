"""Messages core: SMS length, templates as data, filling, opt-out wording, the verdict."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from workstation.domain import (
    Account,
    Channel,
    Customer,
    CustomerFlag,
    Email,
    Event,
    EventType,
    Language,
    Money,
    Phone,
    PhoneType,
)
from workstation.messages import (
    TEMPLATE_IDS,
    TemplateError,
    compose,
    date_text,
    default_templates,
    is_opt_out,
    latest_statuses,
    load_templates,
    message_event,
    message_summary,
    money_text,
    sms_length,
)
from workstation.messages.segments import Encoding
from workstation.resources import resource_dir

NOON_SHANGHAI = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NOON_NEW_YORK = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)  # 12:00 in New York


# --- SMS length ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", Encoding.GSM7, 0, 0),
        ("a" * 160, Encoding.GSM7, 160, 1),
        ("a" * 161, Encoding.GSM7, 161, 2),
        ("a" * 306, Encoding.GSM7, 306, 2),
        ("a" * 307, Encoding.GSM7, 307, 3),
        ("€" * 80, Encoding.GSM7, 160, 1),  # extension characters count twice
        ("€" * 81, Encoding.GSM7, 162, 2),  # 76 + 5: an escape pair never straddles
        ("a" * 152 + "[" + "a", Encoding.GSM7, 155, 1),
        ("a" * 152 + "[" + "a" * 7, Encoding.GSM7, 161, 2),
        ("还" * 70, Encoding.UCS2, 70, 1),
        ("还" * 71, Encoding.UCS2, 71, 2),
        ("还" * 134, Encoding.UCS2, 134, 2),
        ("还" * 135, Encoding.UCS2, 135, 3),
        ("a" * 159 + "é", Encoding.GSM7, 160, 1),  # é is in the GSM-7 basic set
        ("a" * 69 + "ê", Encoding.UCS2, 70, 1),  # ê is not: the whole text goes UCS-2
        ("😀" * 35, Encoding.UCS2, 70, 1),  # a surrogate pair counts two units
        ("a" + "😀" * 34, Encoding.UCS2, 69, 1),
        ("a" + "😀" * 35, Encoding.UCS2, 71, 2),
        ("a" * 66 + "😀" + "a" * 10, Encoding.UCS2, 78, 2),
    ],
)
def test_sms_length(text: str, encoding: Encoding, units: int, segments: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_an_escape_or_a_surrogate_pair_is_never_split_across_segments() -> None:
    # 152 septets, then "[" (escape + bracket) would straddle 153: it moves on whole
    assert sms_length("a" * 152 + "[" + "a" * 152).segments == 3
    assert sms_length("a" * 151 + "[" + "a" * 153).segments == 2
    # 66 units, then a pair that would straddle the 67-unit boundary: it moves on whole
    assert sms_length("a" * 66 + "😀" + "a" * 67).segments == 3
    assert sms_length("a" * 65 + "😀" + "a" * 67).segments == 2


# --- templates ------------------------------------------------------------------------------


def test_every_template_exists_in_both_languages_for_both_channels() -> None:
    templates = default_templates()
    assert templates.ids() == TEMPLATE_IDS
    for template_id in TEMPLATE_IDS:
        for language in Language:
            template = templates.get(template_id, language)
            assert template.sms
            assert template.subject
            assert template.body
            assert template.name


def test_english_sms_templates_stay_in_the_gsm_alphabet() -> None:
    for template in default_templates().for_language(Language.EN):
        assert sms_length(template.sms).encoding is Encoding.GSM7, template.id


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "messages"
    shutil.copytree(resource_dir("templates") / "messages", folder)
    return folder


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("{amount_due} on your", "{amont_due} on your", "unknown placeholder {amont_due}"),
        ("{amount_due} on your", "{amount_due on your", "en.toml: payment_reminder.sms"),
        ('name = "Payment reminder"', 'name = "Payment reminder {customer}"', "placeholders"),
        ("[settlement_offer]", "[settlement_offer_x]", "missing templates settlement_offer"),
    ],
)
def test_a_broken_template_file_is_refused_naming_file_and_key(
    tmp_path: Path, old: str, new: str, error: str
) -> None:
    folder = _copy(tmp_path)
    path = folder / "en.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TemplateError, match=error.replace("{", r"\{").replace("}", r"\}")):
        load_templates(folder)


def test_a_language_without_templates_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "zh.toml").unlink()
    with pytest.raises(TemplateError, match="no templates for language zh"):
        load_templates(folder)


# --- filling ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("1234.5", "USD", "en", "$1,234.50"),
        ("1234.5", "CNY", "zh", "1,234.50元"),
        ("1234.5", "USD", "zh", "1,234.50美元"),
        ("99", "GBP", "en", "£99.00"),
        ("99", "GBP", "zh", "99.00英镑"),
        ("1000", "JPY", "zh", "1,000日元"),
    ],
)
def test_money_is_written_for_the_language(
    amount: str, currency: str, language: str, text: str
) -> None:
    assert money_text(Money.of(amount, currency), language) == text


def test_dates_are_written_for_the_language() -> None:
    assert date_text(date(2025, 3, 15), "en") == "15 March 2025"
    assert date_text(date(2025, 3, 15), "zh") == "2025年3月15日"


def _customer(
    jurisdiction: str = "cn-nifa", language: Language = Language.ZH, **kw: object
) -> Customer:
    values: dict[str, object] = {
        "id": "c-1",
        "name": "王芳",
        "name_alt": "Wang Fang",
        "timezone": "Asia/Shanghai" if jurisdiction == "cn-nifa" else "America/New_York",
        "jurisdiction": jurisdiction,
        "language": language,
        "phones": [
            Phone("p-home", "010 6552 0000", PhoneType.HOME),
            Phone("p-mobile", "+86 138 0013 8000", PhoneType.MOBILE),
        ],
        "emails": [Email("e-1", "wang.fang@mail.example")],
    }
    values.update(kw)
    return Customer(**values)  # type: ignore[arg-type]


def _account(currency: str = "CNY") -> Account:
    return Account(
        id="0190a13c-4500-7481-97fa-49e56a34b371",
        customer_id="c-1",
        product="card",
        currency=currency,
        principal=Money.of("20000", currency),
        balance=Money.of("12345.6", currency),
        past_due=Money.of("2207.2", currency),
        days_past_due=17,
    )


def _event(kind: EventType, at: datetime, **payload: object) -> Event:
    return Event(
        f"ev-{kind}-{at.isoformat()}",
        kind,
        "0190a13c-4500-7481-97fa-49e56a34b371",
        "c-1",
        at,
        "li.na",
        dict(payload),
    )


def test_a_chinese_payment_reminder_sms_in_full() -> None:
    preview = compose("payment_reminder", _customer(), _account(), Channel.SMS, "zh", NOON_SHANGHAI)
    assert preview.text == (
        "【北风金融】王芳您好，您尾号B371的账户有2,207.20元已逾期，请尽快还款；"
        "如有困难请致电400-820-0142，我们可协助您。回复TD退订"
    )
    assert (preview.encoding, preview.segments) == ("UCS-2", 2)
    assert preview.address == "p-mobile"  # a mobile, not the home line
    assert preview.to == "+86 138 0013 8000"
    assert preview.verdict.allowed
    assert preview.sendable
    assert not preview.opt_out_required  # the CN pack offers the wording; US law demands it


def test_a_us_email_carries_the_unsubscribe_link_and_the_english_name() -> None:
    customer = _customer("us-regf", Language.EN)
    preview = compose(
        "payment_reminder", customer, _account("USD"), Channel.EMAIL, "en", NOON_NEW_YORK
    )
    assert preview.subject == "Payment reminder for your account ending B371"
    assert preview.text.startswith("Dear Wang Fang,\n\nThis is a friendly reminder that $2,207.20")
    assert preview.text.endswith(
        "\n\nTo stop receiving these e-mails, unsubscribe here: {unsubscribe_url}"
    )
    assert preview.shown_text.endswith("unsubscribe here: [unsubscribe link]")
    assert preview.opt_out_required
    assert preview.segments == 0


def test_a_us_sms_ends_with_the_packs_stop_wording() -> None:
    customer = _customer("us-regf", Language.EN)
    preview = compose(
        "payment_reminder", customer, _account("USD"), Channel.SMS, "en", NOON_NEW_YORK
    )
    assert preview.text.endswith(" Reply STOP to stop receiving these messages.")
    assert preview.encoding == "GSM-7"
    assert preview.opt_out_required


def test_an_opted_out_phone_gets_nothing() -> None:
    customer = _customer(phones=[Phone("p-mobile", "+86 138 0013 8000", opted_out=True)])
    preview = compose("payment_reminder", customer, _account(), Channel.SMS, "zh", NOON_SHANGHAI)
    assert not preview.sendable
    assert "channel_opted_out" in preview.verdict.codes
    assert any("退订" in reason for reason in preview.why_not("zh"))
    with pytest.raises(ValueError, match="opted out"):
        message_event(preview, _account(), recorded_by="li.na", now=NOON_SHANGHAI)


def test_the_verdict_names_hours_and_holds() -> None:
    late = NOON_SHANGHAI + timedelta(hours=11)  # 23:00 local
    preview = compose("payment_reminder", _customer(), _account(), Channel.SMS, "zh", late)
    assert not preview.sendable
    assert "outside_calling_hours" in preview.verdict.codes
    held = _customer("us-regf", Language.EN, flags=frozenset({CustomerFlag.CEASE_COMMUNICATION}))
    preview = compose("payment_reminder", held, _account("USD"), Channel.SMS, "en", NOON_NEW_YORK)
    assert not preview.sendable
    assert "hold_cease_communication" in preview.verdict.codes


def test_promise_and_plan_values_come_from_the_history() -> None:
    made = NOON_SHANGHAI - timedelta(days=40)
    history = [
        _event(
            EventType.PROMISE,
            made,
            amount="500.00",
            currency="CNY",
            due_date="2025-03-10",
            status="open",
        ),
        _event(
            EventType.PLAN_AGREEMENT,
            made,
            instalments=3,
            instalment_amount="1000.00",
            currency="CNY",
            first_due="2025-02-01",
            schedule=[
                {"n": 1, "due_on": "2025-02-01", "amount": "1000.00"},
                {"n": 2, "due_on": "2025-03-01", "amount": "1000.00"},
                {"n": 3, "due_on": "2025-04-01", "amount": "1000.00"},
            ],
        ),
        _event(EventType.PAYMENT, made + timedelta(days=10), amount="1000.00", currency="CNY"),
    ]
    customer, account = _customer(), _account()
    promise = compose(
        "promise_confirmation", customer, account, Channel.SMS, "zh", NOON_SHANGHAI, history=history
    )
    assert "承诺于2025年3月10日前偿还500.00元" in promise.text
    plan = compose(
        "plan_confirmation", customer, account, Channel.EMAIL, "en", NOON_SHANGHAI, history=history
    )
    assert "3 payments of ¥1,000.00" in plan.text
    assert "due on 1 April 2025" in plan.text
    missed = compose(
        "missed_instalment", customer, account, Channel.SMS, "en", NOON_SHANGHAI, history=history
    )
    assert "instalment of ¥1,000.00 due on 1 March 2025" in missed.text  # Feb was paid
    assert not missed.missing


def test_what_nothing_on_file_can_fill_is_named_and_blocks_sending() -> None:
    customer, account = _customer(), _account()
    preview = compose("settlement_offer", customer, account, Channel.SMS, "zh", NOON_SHANGHAI)
    assert {m.placeholder for m in preview.missing} == {"settlement_amount", "valid_until"}
    assert not preview.sendable
    assert "{settlement_amount}" in preview.text
    assert "请输入结清金额" in preview.why_not("zh")
    filled = compose(
        "settlement_offer",
        customer,
        account,
        Channel.SMS,
        "zh",
        NOON_SHANGHAI,
        inputs={"settlement_amount": "8000", "valid_until": "2025-03-31"},
    )
    assert filled.sendable
    assert "如于2025年3月31日前还款8,000.00元即可结清" in filled.text
    promise = compose("promise_confirmation", customer, account, Channel.SMS, "en", NOON_SHANGHAI)
    assert promise.why_not("en") == ("No open promise on this account",)


def test_the_message_event_follows_the_convention() -> None:
    preview = compose("payment_reminder", _customer(), _account(), Channel.SMS, "zh", NOON_SHANGHAI)
    event = message_event(
        preview, _account(), recorded_by="li.na", now=NOON_SHANGHAI, device_id="d"
    )
    assert event.type is EventType.MESSAGE
    assert event.payload == {
        "channel": "sms",
        "direction": "outbound",
        "address_used": "p-mobile",
        "to": "+86 138 0013 8000",
        "template": "payment_reminder",
        "language": "zh",
        "status": "queued",
        "text": preview.text,
        "opt_out_required": False,
        "segments": 2,
        "encoding": "UCS-2",
    }


# --- replies and statuses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop. ",
        "退订",
        " 退订！",
        "TD",
        "td",
        "回复退订",
        "unsubscribe me",
        "STOP please",
        "取消订阅",
        "T",
    ],
)
def test_opt_out_replies(text: str) -> None:
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text", ["", "ok thanks", "I will pay on Friday", "好的，周五还款", "stopped by"]
)
def test_ordinary_replies_do_not_opt_out(text: str) -> None:
    assert not is_opt_out(text)


def test_status_wording_and_the_furthest_status() -> None:
    payload = {"channel": "sms", "template": "payment_reminder", "status": "delivered"}
    assert message_summary(payload, "en") == "SMS · payment reminder · delivered"
    assert message_summary(payload, "zh") == "短信 · 还款提醒 · 已送达"
    reply = {"channel": "sms", "status": "received", "text": "退订", "opt_out": True}
    assert message_summary(reply, "zh") == "短信 · 收到回复 · “退订” · 已退订"
    at = NOON_SHANGHAI
    events = [
        _event(EventType.MESSAGE, at, status="queued"),
        _event(EventType.MESSAGE, at + timedelta(seconds=2), status="delivered", message_id="m"),
        _event(EventType.MESSAGE, at + timedelta(seconds=1), status="sent", message_id="m"),
    ]
    assert latest_statuses(events)["m"] == "delivered"
