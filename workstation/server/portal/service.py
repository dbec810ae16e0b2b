"""What the portal's pages share: the app state, the keys, the gateway, and the transports the
one-time code goes out through (the messaging service's SMS gateway and e-mail sender)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from workstation.domain.model import new_id
from workstation.server.deps import AppState
from workstation.server.messaging.transports import DeliveryError, OutboundEmail, OutboundSms
from workstation.server.models import CustomerRow
from workstation.server.portal.access import Destination
from workstation.server.portal.audits import ViewAudits
from workstation.server.portal.gateway import PaymentGateway, gateway_from_env
from workstation.server.portal.models import PortalLink
from workstation.server.portal.tokens import PortalKeys
from workstation.text import Text

log = logging.getLogger(__name__)

CODE_TEXT = Text(
    "{code} is your code for your account page. It expires in 10 minutes. Never share it.",
    "验证码{code}，用于登录您的账户页面，10分钟内有效。请勿告诉他人。",
)
CODE_SUBJECT = Text("Your one-time code", "您的一次性验证码")


@dataclass
class PortalService:
    state: AppState
    messaging: Any  # MessagingService: its worker holds the transports
    keys: PortalKeys
    gateway: PaymentGateway
    views: ViewAudits

    @classmethod
    def open(cls, state: AppState, messaging: Any) -> PortalService:
        keys = PortalKeys(state.token_secret)
        return cls(state, messaging, keys, gateway_from_env(state.token_secret), ViewAudits(state))

    def public_url(self) -> str:
        return str(self.messaging.settings.public_url).rstrip("/")

    @staticmethod
    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @staticmethod
    def customer(session: Session, link: PortalLink) -> CustomerRow:
        customer = session.get(CustomerRow, link.customer_id)
        assert customer is not None
        return customer

    def customer_language(self, session: Session, link: PortalLink) -> str:
        return self.customer(session, link).language

    def send_code(self, dest: Destination, code: str, language: str) -> bool:
        """Send the code now through the messaging transports (never a message event: the
        code must not reach a timeline or a log)."""
        worker = self.messaging.worker
        text = CODE_TEXT.format(code=code).get(language)
        try:
            if dest.channel == "sms":
                worker.sms.send(OutboundSms(new_id(), dest.address, text))
            else:
                worker.email.send(
                    OutboundEmail(new_id(), dest.address, CODE_SUBJECT.get(language), text)
                )
        except DeliveryError as exc:
            log.warning("a portal code could not be sent (%s)", type(exc).__name__)
            return False
        except Exception:  # a transport bug: the customer can ask again
            log.exception("a portal code could not be sent")
            return False
        return True
