"""Messaging configuration: environment variables (and one TOML file for the SMS gateway).

No secret lives in code or in the gateway file: the file names the environment variables
that hold the token or password.

    WORKSTATION_MESSAGING_WORKER      1 (default) / 0: run the delivery worker in this process
    WORKSTATION_MESSAGING_PUBLIC_URL  base URL customers reach for the unsubscribe link
    WORKSTATION_MESSAGING_MAX_ATTEMPTS, _BACKOFF (s), _BACKOFF_MAX (s), _POLL (s), _LEASE (s)
    WORKSTATION_EMAIL_TRANSPORT       smtp / log (default: smtp when a host is set, else log)
    WORKSTATION_SMTP_HOST, _PORT (587), _STARTTLS (1), _SSL (0), _USERNAME, _PASSWORD,
    WORKSTATION_SMTP_FROM, _TIMEOUT (s)
    WORKSTATION_SMS_GATEWAY           log (default) / http
    WORKSTATION_SMS_HTTP_CONFIG       path of the HTTP gateway's TOML (see HttpGatewayConfig)
    WORKSTATION_SMS_WEBHOOK_TOKEN     shared secret the gateway sends with inbound replies
                                      and delivery reports (X-Webhook-Token header only)
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.text import Text

DEFAULT_SENDER = "Collector Workstation <no-reply@localhost>"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class MessagingConfigError(WorkstationError, ValueError):
    """A configuration value the messaging service cannot use (names the key)."""

    summary = Text("The messaging settings are not valid", "消息发送配置无效")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    if not value:
        return default
    return value.lower() in ("1", "true", "yes", "on")


def _number(name: str, default: float) -> float:
    value = _env(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise MessagingConfigError(f"{name} must be a number, got {value!r}") from None


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = DEFAULT_SENDER
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class HttpGatewayConfig:
    """How to talk to one HTTP SMS gateway: request and response mapping.

    ``body`` maps request fields to templates over ``{to}``, ``{text}``, ``{message_id}``
    and ``{sender}``; ``format`` is ``json`` or ``form``. ``auth`` is ``none``, ``bearer``
    (token from the variable ``token_env``), ``basic`` (``username`` and the variable
    ``password_env``) or ``header`` (``auth_header`` = the variable ``token_env``).
    The response is JSON: ``response_id`` and ``response_status`` are dotted paths; a
    status in ``delivered_values`` means delivered at once, in ``failed_values`` a
    permanent failure (``response_error`` says why). HTTP 408, 429 and 5xx are temporary,
    other 4xx permanent. With ``idempotent = true`` the gateway de-duplicates on
    ``idempotency_header`` (our message id), so an answer lost to a timeout is retried;
    without it such a message is marked failed rather than risk sending it twice.
    """

    url: str
    method: str = "POST"
    format: str = "json"
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: str = "none"
    token_env: str = ""
    username: str = ""
    password_env: str = ""
    auth_header: str = "X-API-Key"
    body: Mapping[str, str] = field(
        default_factory=lambda: {"to": "{to}", "text": "{text}", "reference": "{message_id}"}
    )
    sender: str = ""
    response_id: str = "id"
    response_status: str = "status"
    response_error: str = "error"
    delivered_values: tuple[str, ...] = ("delivered",)
    failed_values: tuple[str, ...] = ("failed", "rejected", "undeliverable")
    idempotency_header: str = "Idempotency-Key"
    idempotent: bool = False
    timeout: float = 10.0
    # inbound webhooks: where the gateway puts the sender, the text and its own id
    inbound_from: str = "from"
    inbound_text: str = "text"
    inbound_id: str = "id"
    report_id: str = "id"
    report_reference: str = "reference"
    report_status: str = "status"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "gateway") -> HttpGatewayConfig:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise MessagingConfigError(f"{where}: unknown keys {sorted(unknown)}")
        if not isinstance(data.get("url"), str) or not data["url"].startswith(
            ("http://", "https://")
        ):
            raise MessagingConfigError(f"{where}: url must be an http(s) URL")
        values = dict(data)
        for key in ("delivered_values", "failed_values"):
            if key in values:
                values[key] = tuple(str(v) for v in values[key])
        if values.get("format", "json") not in ("json", "form"):
            raise MessagingConfigError(f"{where}: format must be json or form")
        if values.get("auth", "none") not in ("none", "bearer", "basic", "header"):
            raise MessagingConfigError(f"{where}: auth must be none, bearer, basic or header")
        return cls(**values)

    @classmethod
    def from_file(cls, path: Path) -> HttpGatewayConfig:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise MessagingConfigError(f"{path}: {exc}") from None
        return cls.from_mapping(data, str(path))

    def secret(self, variable: str) -> str:
        return os.environ.get(variable, "") if variable else ""


@dataclass(frozen=True, slots=True)
class MessagingSettings:
    worker: bool = True
    public_url: str = DEFAULT_PUBLIC_URL
    max_attempts: int = 5
    backoff_s: float = 30.0
    backoff_max_s: float = 3600.0
    poll_s: float = 2.0
    lease_s: float = 120.0
    batch: int = 20
    email_transport: str = "log"
    smtp: SmtpConfig | None = None
    sms_gateway: str = "log"
    http_gateway: HttpGatewayConfig | None = None
    webhook_token: str = field(default="", repr=False)
    demo_phone: str = ""  # the log transports' file for the demo user (never a log)

    @classmethod
    def from_env(cls, **overrides: Any) -> MessagingSettings:
        smtp = None
        host = _env("WORKSTATION_SMTP_HOST")
        if host:
            smtp = SmtpConfig(
                host=host,
                port=int(_number("WORKSTATION_SMTP_PORT", 587)),
                starttls=_flag("WORKSTATION_SMTP_STARTTLS", True),
                ssl=_flag("WORKSTATION_SMTP_SSL", False),
                username=_env("WORKSTATION_SMTP_USERNAME"),
                password=os.environ.get("WORKSTATION_SMTP_PASSWORD", ""),
                sender=_env("WORKSTATION_SMTP_FROM") or DEFAULT_SENDER,
                timeout=_number("WORKSTATION_SMTP_TIMEOUT", 30.0),
            )
        gateway = _env("WORKSTATION_SMS_GATEWAY", "log") or "log"
        if gateway not in ("log", "http"):
            raise MessagingConfigError("WORKSTATION_SMS_GATEWAY must be log or http")
        http = None
        http_file = _env("WORKSTATION_SMS_HTTP_CONFIG")
        if http_file:
            http = HttpGatewayConfig.from_file(Path(http_file))
        if gateway == "http" and http is None:
            raise MessagingConfigError(
                "WORKSTATION_SMS_GATEWAY=http needs WORKSTATION_SMS_HTTP_CONFIG"
            )
        transport = _env("WORKSTATION_EMAIL_TRANSPORT") or ("smtp" if smtp else "log")
        if transport not in ("smtp", "log"):
            raise MessagingConfigError("WORKSTATION_EMAIL_TRANSPORT must be smtp or log")
        if transport == "smtp" and smtp is None:
            raise MessagingConfigError(
                "WORKSTATION_EMAIL_TRANSPORT=smtp needs WORKSTATION_SMTP_HOST"
            )
        values: dict[str, Any] = {
            "worker": _flag("WORKSTATION_MESSAGING_WORKER", True),
            "public_url": _env("WORKSTATION_MESSAGING_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
            "max_attempts": int(_number("WORKSTATION_MESSAGING_MAX_ATTEMPTS", 5)),
            "backoff_s": _number("WORKSTATION_MESSAGING_BACKOFF", 30.0),
            "backoff_max_s": _number("WORKSTATION_MESSAGING_BACKOFF_MAX", 3600.0),
            "poll_s": _number("WORKSTATION_MESSAGING_POLL", 2.0),
            "lease_s": _number("WORKSTATION_MESSAGING_LEASE", 120.0),
            "email_transport": transport,
            "smtp": smtp,
            "sms_gateway": gateway,
            "http_gateway": http,
            "webhook_token": os.environ.get("WORKSTATION_SMS_WEBHOOK_TOKEN", ""),
            "demo_phone": _env("WORKSTATION_DEMO_PHONE"),
        }
        values.update(overrides)
        return cls(**values)
