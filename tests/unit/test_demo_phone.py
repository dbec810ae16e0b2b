"""The log transports never log a message's text or address; the demo's phone file (when
configured) is where a demo user reads the portal's link and one-time code. The redaction
filter also takes the portal's link tokens out of request lines and a code message's code."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from workstation.redaction import redact
from workstation.server.messaging.transports import (
    DemoPhone,
    LogEmailSender,
    LogSmsGateway,
    OutboundEmail,
    OutboundSms,
)
from workstation.server.portal.service import CODE_TEXT

NUMBER = "+86 138 0000 4321"


def test_the_sms_log_line_holds_neither_the_text_nor_the_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway = LogSmsGateway()
    text = CODE_TEXT.format(code="482913").get("en")
    with caplog.at_level(logging.INFO):
        gateway.send(OutboundSms("m-1", NUMBER, text))
    (record,) = [r for r in caplog.records if "m-1" in r.getMessage()]
    line = record.getMessage()
    assert "482913" not in line
    assert NUMBER not in line
    assert "4321" not in line
    assert "***21" in line
    assert gateway.sent[-1].text == text  # the transport still has it (tests read it there)


def test_the_demo_phone_gets_the_text_and_only_its_owner_may_read_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    phone = DemoPhone(tmp_path / "server" / "demo-phone.txt")
    sms, email = LogSmsGateway(phone), LogEmailSender(phone)
    with caplog.at_level(logging.INFO):
        sms.send(OutboundSms("m-2", NUMBER, CODE_TEXT.format(code="604112").get("zh")))
        email.send(OutboundEmail("m-3", "li@mail.example", "Your one-time code", "771203 …"))
    written = phone.path.read_text(encoding="utf-8")
    assert "验证码604112" in written
    assert "771203" in written
    assert NUMBER in written
    assert stat.S_IMODE(phone.path.stat().st_mode) == 0o600
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert str(phone.path) in logged  # the log says where the demo user reads it
    assert "604112" not in logged
    assert "771203" not in logged
    assert "li@mail.example" not in logged


def test_redaction_takes_out_portal_tokens_and_codes() -> None:
    assert redact('"GET /portal/l/AbC_9.f00d HTTP/1.1" 200') == (
        '"GET /portal/l/[redacted] HTTP/1.1" 200'
    )
    assert redact("POST /portal/survey/x-1.beef/ ok") == "POST /portal/survey/[redacted]/ ok"
    assert "/portal/account" in redact("GET /portal/account")
    for language in ("en", "zh"):
        text = CODE_TEXT.format(code="553201").get(language)
        assert "553201" not in redact(text)
        assert "[redacted]" in redact(text)
    assert redact("order 553201 is ready") == "order 553201 is ready"
