"""Refused reads and opt-outs from outside are audited; an inbound SMS matches a customer only
on an equal E.164 number; the webhook secret is taken from the header only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, fresh_database, start_backend
from workstation.messages.numbers import e164
from workstation.server.models import AccountRow, AuditEntry, ContactRow, CustomerRow

HOOK = "hook-secret-for-tests"


@pytest.fixture(scope="module", params=BACKENDS)
def hooked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with (
        pytest.MonkeyPatch.context() as patch,
        fresh_database(request.param, tmp_path_factory) as url,
    ):
        patch.setenv("WORKSTATION_SMS_WEBHOOK_TOKEN", HOOK)
        patch.setenv("WORKSTATION_MESSAGING_WORKER", "0")
        backend = start_backend(url, request.param, accounts=30)
        try:
            yield backend
        finally:
            backend.server.stop()
            backend.sessions.kw["bind"].dispose()


def _audit(backend: Backend, action: str) -> list[AuditEntry]:
    with backend.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_refused_read_is_audited(hooked: Backend) -> None:
    agent = hooked.login(hooked.of_role("agent")[0].username)
    with hooked.sessions() as session:
        foreign = session.scalar(
            select(AccountRow.id).where(AccountRow.owner_id != agent.user_id).limit(1)
        )
    assert foreign is not None
    refused = agent.get(f"/api/v1/accounts/{foreign}")
    assert refused.status_code == 404
    assert agent.get("/api/v1/customers/no-such-customer").status_code == 404
    assert agent.get("/api/v1/admin/users").status_code == 403
    entries = [e for e in _audit(hooked, "refused.read") if e.user_id == agent.user_id]
    seen = {(e.entity, e.entity_id, e.detail["status"]) for e in entries}
    assert ("account", foreign, 404) in seen
    assert ("customer", "no-such-customer", 404) in seen
    assert ("route", "/api/v1/admin/users", 403) in seen
    assert all(e.device_id == agent.client_id for e in entries)


def _uk_phone(backend: Backend, number: str, index: int) -> tuple[str, str]:
    """Give one customer a UK jurisdiction and this phone; (customer id, contact id)."""
    with backend.sessions.begin() as session:
        contact = session.scalars(
            select(ContactRow)
            .where(ContactRow.kind == "phone")
            .order_by(ContactRow.id)
            .offset(index)
        ).first()
        assert contact is not None
        customer = session.get(CustomerRow, contact.customer_id)
        assert customer is not None
        customer.jurisdiction = "uk-conc"
        contact.data = {**contact.data, "number": number, "opted_out": False}
        return customer.id, contact.id


def _inbound(backend: Backend, sender: str, text: str, **kw: object) -> requests.Response:
    headers = kw.pop("headers", {"X-Webhook-Token": HOOK})
    return requests.post(
        f"{backend.base}/api/v1/messaging/sms/inbound",
        json={"from": sender, "text": text},
        headers=headers,  # type: ignore[arg-type]
        timeout=30,
        **kw,  # type: ignore[arg-type]
    )


def _opted_out(backend: Backend, contact_id: str) -> bool:
    with backend.sessions() as session:
        contact = session.get(ContactRow, contact_id)
        assert contact is not None
        return bool(contact.data.get("opted_out"))


def test_a_loose_suffix_no_longer_opts_a_stranger_out(hooked: Backend) -> None:
    _, contact_id = _uk_phone(hooked, "+44 7700 900450", 0)
    stray = _inbound(hooked, "00900450", "STOP")
    assert stray.status_code == 200
    assert stray.json()["matched"] is False
    assert not _opted_out(hooked, contact_id)
    national = _inbound(hooked, "07700 900450", "STOP")  # no country: not an E.164 sender
    assert national.json()["matched"] is False
    assert not _opted_out(hooked, contact_id)
    real = _inbound(hooked, "+447700900450", "STOP")
    assert real.json() == {**real.json(), "matched": True, "opted_out": True}
    assert _opted_out(hooked, contact_id)


def test_a_webhook_opt_out_is_audited(hooked: Backend) -> None:
    _, contact_id = _uk_phone(hooked, "+44 7700 900777", 5)
    assert _inbound(hooked, "00447700900777", "STOP").json()["opted_out"] is True
    entries = [e for e in _audit(hooked, "messaging.opt_out") if e.entity_id == contact_id]
    assert len(entries) == 1
    assert entries[0].detail["via"] == "SMS reply"
    assert entries[0].user_id is None


def test_the_webhook_secret_is_not_taken_from_the_url(hooked: Backend) -> None:
    in_url = _inbound(hooked, "+447700900999", "hello", headers={}, params={"token": HOOK})
    assert in_url.status_code == 401
    assert in_url.json()["error"] == "token_in_url"
    both = _inbound(hooked, "+447700900999", "hello", params={"token": HOOK})
    assert both.status_code == 401, "a URL token is refused even beside the header"
    assert _inbound(hooked, "+447700900999", "hello").status_code == 200


@pytest.mark.parametrize(
    ("raw", "jurisdiction", "expected"),
    [
        ("+44 7700 900450", None, "+447700900450"),
        ("0044 7700 900450", None, "+447700900450"),
        ("447700900450", None, "+447700900450"),
        ("07700 900450", "uk-conc", "+447700900450"),
        ("07700 900450", "GB", "+447700900450"),
        ("07700 900450", None, None),
        ("00900450", None, None),
        ("(415) 555-2000", "us-regf", "+14155552000"),
        ("1 415 555 2000", "US", "+14155552000"),
        ("138 0013 8000", "cn-nifa", "+8613800138000"),
        ("+86 21 1234 5678", "us-regf", "+862112345678"),
        ("+44 7700 9OO450", None, None),
        ("", "uk-conc", None),
        ("+1234567890123456", None, None),
    ],
)
def test_numbers_normalise_to_e164(
    raw: str, jurisdiction: str | None, expected: str | None
) -> None:
    assert e164(raw, jurisdiction) == expected
