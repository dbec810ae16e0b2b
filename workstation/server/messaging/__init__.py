"""Server-side messaging: delivery jobs, the worker, SMTP and SMS transports, webhooks.

``MessagingService.open(state)`` builds everything from ``WORKSTATION_*`` variables
(``config``); the app includes ``service.router`` and starts/stops ``service`` with its
lifespan. The sync push calls ``delivery.enqueue`` for each pushed ``message`` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session, sessionmaker

from workstation.server.messaging.config import HttpGatewayConfig, MessagingSettings
from workstation.server.messaging.delivery import DeliveryWorker, enqueue
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.tokens import UnsubscribeSigner
from workstation.server.messaging.transports import (
    DemoPhone,
    EmailSender,
    HttpSmsGateway,
    LogEmailSender,
    LogSmsGateway,
    SmsGateway,
    SmtpSender,
)

_DEFAULT_MAPPING = HttpGatewayConfig(url="http://unused.invalid/")


@dataclass
class MessagingService:
    settings: MessagingSettings
    sessions: sessionmaker[Session]
    signer: UnsubscribeSigner
    worker: DeliveryWorker
    router: APIRouter

    @classmethod
    def open(
        cls,
        state: Any,
        settings: MessagingSettings | None = None,
        *,
        sms: SmsGateway | None = None,
        email: EmailSender | None = None,
    ) -> MessagingService:
        """Build from the app state (sessions, token secret) and the environment."""
        from workstation.server.messaging.router import router

        settings = settings or MessagingSettings.from_env()
        phone = DemoPhone(Path(settings.demo_phone)) if settings.demo_phone else None
        if sms is None:
            sms = (
                HttpSmsGateway(settings.http_gateway)
                if settings.sms_gateway == "http" and settings.http_gateway is not None
                else LogSmsGateway(phone)
            )
        if email is None:
            email = (
                SmtpSender(settings.smtp)
                if settings.email_transport == "smtp" and settings.smtp is not None
                else LogEmailSender(phone)
            )
        signer = UnsubscribeSigner(state.token_secret)
        worker = DeliveryWorker(state.sessions, settings, sms=sms, email=email, signer=signer)
        return cls(settings, state.sessions, signer, worker, router)

    def gateway_mapping(self) -> HttpGatewayConfig:
        return self.settings.http_gateway or _DEFAULT_MAPPING

    def start(self) -> None:
        if self.settings.worker:
            self.worker.start()

    def stop(self) -> None:
        self.worker.stop()


__all__ = ["DeliveryWorker", "MessageJob", "MessagingService", "MessagingSettings", "enqueue"]
