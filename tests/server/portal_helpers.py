"""Driving the customer's portal over HTTP against the real backend (no browser)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import func, select

from tests.server.conftest import Backend
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow
from workstation.server.portal.access import issue_link

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_serial = iter(range(10_000))


def app_of(backend: Backend) -> Any:
    return backend.server._server.config.app  # type: ignore[attr-defined]


def csrf(html: str) -> str:
    found = CSRF.findall(html)
    assert found, html[:500]
    return found[-1]


def fresh_account(
    backend: Backend, jurisdiction: str = "CN", timezone: str = "UTC"
) -> tuple[str, str]:
    """An open account whose customer has a mobile, an e-mail and an ID ending 123X; no
    flags. (account id, link token)."""
    n = next(_serial)
    with backend.sessions.begin() as session:
        used = {
            row
            for row in session.scalars(
                select(EventRow.account_id).where(EventRow.recorded_by == "portal")
            )
        }
        for account in session.scalars(
            select(AccountRow).where(AccountRow.status == "open").order_by(AccountRow.id)
        ):
            if account.id in used or account.balance_minor < 60_000:
                continue
            customer = session.get(CustomerRow, account.customer_id)
            assert customer is not None
            contacts = {
                c.kind: c
                for c in session.scalars(
                    select(ContactRow).where(ContactRow.customer_id == customer.id)
                )
            }
            if "phone" not in contacts or "email" not in contacts:
                continue
            if session.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.account_id == account.id, EventRow.recorded_by == "portal")
            ):
                continue
            customer.jurisdiction, customer.timezone, customer.flags = jurisdiction, timezone, []
            customer.national_id_masked = "**************123X"
            contacts["phone"].data = {
                **contacts["phone"].data,
                "number": f"+86 138 0000 {n:04d}",
                "type": "mobile",
                "opted_out": False,
                "consent": True,
            }
            contacts["email"].data = {
                **contacts["email"].data,
                "address": f"portal{n}@mail.example",
                "opted_out": False,
                "consent": True,
            }
            token = issue_link(
                session, app_of(backend).state.portal.keys, account, datetime.now(UTC)
            )
            used.add(account.id)
            return account.id, token
    raise AssertionError("no open account left")


@dataclass
class Customer:
    backend: Backend
    token: str
    account_id: str
    http: requests.Session

    @property
    def base(self) -> str:
        return self.backend.base

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, data: dict[str, str], **kw: Any) -> requests.Response:
        return self.http.post(self.base + path, data=data, timeout=60, **kw)

    def send_code(self, channel: str = "sms") -> str:
        page = self.get(f"/portal/l/{self.token}")
        assert page.status_code == 200, page.text
        answer = self.post(
            f"/portal/l/{self.token}/code", {"csrf": csrf(page.text), "channel": channel}
        )
        assert answer.status_code == 200, answer.text
        assert "sent=" in answer.url
        worker = app_of(self.backend).state.messaging.worker
        sent = (worker.sms if channel == "sms" else worker.email).sent[-1]
        text = sent.text if channel == "sms" else sent.body
        code = re.search(r"\d{6}", text)
        assert code is not None
        return code.group()

    def answer(self, code: str, tail: str = "123X") -> requests.Response:
        page = self.get(f"/portal/l/{self.token}")
        return self.post(
            f"/portal/l/{self.token}/verify",
            {"csrf": csrf(page.text), "code": code, "id_last4": tail},
        )

    def sign_in(self) -> None:
        answer = self.answer(self.send_code())
        assert answer.status_code == 200, answer.text
        assert answer.url.endswith("/portal/account")

    def form(self, path: str, data: dict[str, str]) -> requests.Response:
        page = self.get(path)
        assert page.status_code == 200, page.text
        return self.post(path, {"csrf": csrf(page.text), **data})


def customer(backend: Backend, jurisdiction: str = "CN", timezone: str = "UTC") -> Customer:
    account_id, token = fresh_account(backend, jurisdiction, timezone)
    return Customer(backend, token, account_id, requests.Session())


def portal_events(backend: Backend, account_id: str, kind: str | None = None) -> list[EventRow]:
    with backend.sessions() as session:
        query = select(EventRow).where(
            EventRow.account_id == account_id, EventRow.recorded_by == "portal"
        )
        if kind:
            query = query.where(EventRow.type == kind)
        return list(session.scalars(query.order_by(EventRow.server_version)))
