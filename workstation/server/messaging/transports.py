"""Ways out: e-mail through SMTP, SMS through a gateway (HTTP, or ``log`` for the demo).

Every transport answers a send with a ``SendResult`` or raises one of three errors, which
decide what the worker does next:

- ``TemporaryFailure``: certainly not sent (refused connection, 4xx SMTP reply, HTTP 429
  or 5xx) → retried with backoff;
- ``PermanentFailure``: never will be (bad address, 5xx SMTP reply, HTTP 4xx) → failed;
- ``UnknownOutcome``: the request left but the answer did not come back → retried only
  when the transport de-duplicates on the message id, otherwise failed: a message is
  never sent twice.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

import requests

from workstation.errors import WorkstationError
from workstation.server.messaging.config import HttpGatewayConfig, SmtpConfig
from workstation.text import Text

log = logging.getLogger(__name__)


class DeliveryError(WorkstationError):
    summary = Text("The message could not be delivered", "消息未能送达")

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    pass


class UnknownOutcome(DeliveryError):
    pass


@dataclass(frozen=True, slots=True)
class SendResult:
    gateway_id: str | None = None
    delivered: bool = False  # the transport already knows it reached the handset


@dataclass(frozen=True, slots=True)
class OutboundSms:
    message_id: str
    to: str
    text: str


@dataclass(frozen=True, slots=True)
class OutboundEmail:
    message_id: str
    to: str
    subject: str
    body: str
    unsubscribe_url: str = ""


class SmsGateway(Protocol):
    idempotent: bool

    def send(self, message: OutboundSms) -> SendResult: ...


class EmailSender(Protocol):
    idempotent: bool

    def send(self, message: OutboundEmail) -> SendResult: ...


# --- demo transports -----------------------------------------------------------------------------


def masked(address: str) -> str:
    """What a log may say of a phone number or an e-mail address: its last two characters."""
    return "***" + address.strip()[-2:] if len(address.strip()) > 4 else "***"


class DemoPhone:
    """The demo's stand-in for the customers' phones and mailboxes: a file the demo user reads
    (``WORKSTATION_DEMO_PHONE``; the desktop demo puts it beside its server's data). It holds
    what a customer would read, one-time codes and links included, so it is never a log and
    exists only when configured; the file is readable by its owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def receive(self, to: str, text: str) -> None:
        line = f"{formatdate(localtime=True)}  to {to}\n{text}\n\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line)


class LogSmsGateway:
    """The demo gateway: reports the SMS delivered (kept in ``sent`` for tests) and logs that
    it went, never its text or number (a one-time code, a link, a name or a balance is no
    log's business); with a ``DemoPhone`` the text goes there for the demo user to read."""

    idempotent = True

    def __init__(self, phone: DemoPhone | None = None) -> None:
        self.sent: list[OutboundSms] = []
        self.phone = phone
        self._lock = threading.Lock()

    def send(self, message: OutboundSms) -> SendResult:
        with self._lock:
            self.sent.append(message)
        if self.phone is not None:
            self.phone.receive(message.to, message.text)
        log.info(
            "SMS %s to %s sent by the log gateway (%d characters, not logged)%s",
            message.message_id,
            masked(message.to),
            len(message.text),
            _demo_note(self.phone),
        )
        return SendResult(gateway_id=f"log-{message.message_id}", delivered=True)


class LogEmailSender:
    """The demo e-mail transport: logs that the e-mail went (kept in ``sent``), never its
    address or body; with a ``DemoPhone`` the e-mail goes there for the demo user to read."""

    idempotent = True

    def __init__(self, inbox: DemoPhone | None = None) -> None:
        self.sent: list[OutboundEmail] = []
        self.inbox = inbox
        self._lock = threading.Lock()

    def send(self, message: OutboundEmail) -> SendResult:
        with self._lock:
            self.sent.append(message)
        if self.inbox is not None:
            self.inbox.receive(message.to, f"{message.subject}\n{message.body}")
        log.info(
            "e-mail %s to %s sent by the log transport (not logged)%s",
            message.message_id,
            masked(message.to),
            _demo_note(self.inbox),
        )
        return SendResult(gateway_id=f"log-{message.message_id}")


def _demo_note(phone: DemoPhone | None) -> str:
    return f"; the demo phone: {phone.path}" if phone is not None else ""


# --- SMTP ----------------------------------------------------------------------------------------


def _domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rpartition("@")[2] or "localhost"


def build_email(config: SmtpConfig, message: OutboundEmail) -> EmailMessage:
    # unfolded up to RFC 5322's hard limit: a folded List-Unsubscribe URL becomes
    # encoded words that no mail client can follow
    email = EmailMessage(policy=SMTP_POLICY.clone(max_line_length=998))
    email["From"] = config.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    # the message id in the Message-ID: the same message always carries the same header
    email["Message-ID"] = make_msgid(idstring=message.message_id, domain=_domain(config.sender))
    email["X-Message-Id"] = message.message_id
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body, charset="utf-8")
    return email


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _smtp_failure(code: int, text: str) -> DeliveryError:
    if 400 <= code < 500:
        return TemporaryFailure(f"SMTP {code}: {text}")
    return PermanentFailure(f"SMTP {code}: {text}")


class SmtpSender:
    """Sends through the configured SMTP relay (STARTTLS and login when configured)."""

    idempotent = False

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.ssl:
            return smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        if cfg.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message: OutboundEmail) -> SendResult:
        email = build_email(self.config, message)
        try:
            smtp = self._connect()
        except smtplib.SMTPResponseException as exc:
            raise TemporaryFailure(f"SMTP {exc.smtp_code} on connect: {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot reach the SMTP server: {exc}") from exc
        try:
            try:
                if self.config.username:
                    smtp.login(self.config.username, self.config.password)
            except smtplib.SMTPResponseException as exc:
                raise TemporaryFailure(f"SMTP login refused ({exc.smtp_code})") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise TemporaryFailure(f"SMTP login failed: {exc}") from exc
            try:
                refused = smtp.send_message(email)
            except smtplib.SMTPRecipientsRefused as exc:
                code, answer = next(iter(exc.recipients.values()))
                raise _smtp_failure(code, _text(answer)) from exc
            except smtplib.SMTPResponseException as exc:
                raise _smtp_failure(exc.smtp_code, _text(exc.smtp_error)) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise UnknownOutcome(f"the SMTP connection broke while sending: {exc}") from exc
            if refused:
                code, reply = next(iter(refused.values()))
                raise _smtp_failure(code, _text(reply))
            return SendResult(gateway_id=str(email["Message-ID"]))
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


# --- HTTP SMS gateway ----------------------------------------------------------------------------


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path of a JSON document (None when absent)."""
    if not path:
        return None
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


class HttpSmsGateway:
    """An SMS gateway spoken to over HTTP, shaped entirely by ``HttpGatewayConfig``."""

    def __init__(self, config: HttpGatewayConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.idempotent = config.idempotent
        self.http = session or requests.Session()

    def _request_parts(self, message: OutboundSms) -> tuple[dict[str, str], Any, Any]:
        cfg = self.config
        values = {
            "to": message.to,
            "text": message.text,
            "message_id": message.message_id,
            "sender": cfg.sender,
        }
        body = {key: template.format_map(values) for key, template in cfg.body.items()}
        headers = dict(cfg.headers)
        if cfg.idempotency_header:
            headers[cfg.idempotency_header] = message.message_id
        auth: Any = None
        if cfg.auth == "bearer":
            headers["Authorization"] = f"Bearer {cfg.secret(cfg.token_env)}"
        elif cfg.auth == "header":
            headers[cfg.auth_header] = cfg.secret(cfg.token_env)
        elif cfg.auth == "basic":
            auth = (cfg.username, cfg.secret(cfg.password_env))
        return headers, body, auth

    def send(self, message: OutboundSms) -> SendResult:
        cfg = self.config
        headers, body, auth = self._request_parts(message)
        kwargs: dict[str, Any] = {"json": body} if cfg.format == "json" else {"data": body}
        try:
            response = self.http.request(
                cfg.method, cfg.url, headers=headers, auth=auth, timeout=cfg.timeout, **kwargs
            )
        except (requests.ConnectTimeout, requests.exceptions.InvalidURL) as exc:
            raise TemporaryFailure(f"cannot reach the SMS gateway: {exc}") from exc
        except requests.ConnectionError as exc:
            if "NewConnectionError" in repr(exc) or "refused" in str(exc).lower():
                raise TemporaryFailure(f"cannot reach the SMS gateway: {exc}") from exc
            raise UnknownOutcome(f"the SMS gateway connection broke: {exc}") from exc
        except requests.Timeout as exc:
            raise UnknownOutcome(f"the SMS gateway did not answer in time: {exc}") from exc
        try:
            document: Any = response.json()
        except (ValueError, json.JSONDecodeError):
            document = {}
        error = dig(document, cfg.response_error)
        detail = f": {error}" if error else ""
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise TemporaryFailure(f"SMS gateway answered HTTP {response.status_code}{detail}")
        if response.status_code >= 400:
            raise PermanentFailure(f"SMS gateway refused it (HTTP {response.status_code}){detail}")
        status = dig(document, cfg.response_status)
        status_text = str(status).lower() if status is not None else ""
        if status_text in cfg.failed_values:
            raise PermanentFailure(f"SMS gateway status {status}{detail}")
        gateway_id = dig(document, cfg.response_id)
        return SendResult(
            gateway_id=str(gateway_id) if gateway_id is not None else None,
            delivered=status_text in cfg.delivered_values,
        )
