"""Messages end to end on the real backend: a real SMTP server (aiosmtpd) and a real HTTP
server standing in for the SMS gateway, both on loopback.

An agent composes a reminder with the core, pushes it like any outbox mutation, and the
backend's delivery worker sends it: the exact text with the opt-out wording arrives once
(also after the gateway answered 503 first), a permanent refusal is marked failed with its
reason, the customer's "退订" reply and the e-mail unsubscribe link opt out at once, and an
opted-out customer gets nothing — refused at compose and again at the server.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.loopback import JsonHandler, free_port
from tests.server.conftest import BACKENDS, Api, Backend, fresh_database, start_backend
from workstation.compliance import default_policy
from workstation.contract.mutations import event_create
from workstation.domain import Channel, Language
from workstation.domain.model import new_id
from workstation.messages import compose, message_event
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

WEBHOOK_TOKEN = "hook-secret"
SMTP_USER, SMTP_PASSWORD = "mailer", "mail-secret"


# --- the stand-ins -------------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: every message the relay accepted."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for _, rcpt, m in self.messages if address in rcpt]


def _authenticator(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode() == SMTP_USER
        and data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class Gateway:
    """The SMS gateway: records every request; answers from a per-message script."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    script: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def answer(self, key: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            planned = self.script.get(key)
            if planned:
                return planned.pop(0)
            self.counter += 1
            return 200, {"id": f"gw-{self.counter}", "status": "accepted"}

    def for_message(self, message_id: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["headers"].get("Idempotency-Key") == message_id]


def _gateway_server(gateway: Gateway) -> ThreadingHTTPServer:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.read_json()
            headers = dict(self.headers.items())
            with gateway.lock:
                gateway.requests.append({"path": self.path, "headers": headers, "body": body})
            status, answer = gateway.answer(headers.get("Idempotency-Key", ""))
            self.send_json(status, answer)

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@dataclass
class World:
    backend: Backend
    mailbox: Mailbox
    gateway: Gateway
    service: Any
    agent: Api

    def job(self, message_id: str) -> MessageJob | None:
        with self.backend.sessions() as session:
            return session.get(MessageJob, message_id)

    def wait(self, message_id: str, *statuses: str, timeout: float = 15) -> MessageJob:
        deadline = time.monotonic() + timeout
        while True:
            self.service.worker.wake()
            job = self.job(message_id)
            if job is not None and job.status in statuses:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {message_id} is {job and job.status}, not {statuses}")
            time.sleep(0.05)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    mailbox = Mailbox()
    smtp = aiosmtpd_controller.Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    smtp.start()
    gateway = Gateway()
    http = _gateway_server(gateway)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    config = tmp_path_factory.mktemp("sms") / "gateway.toml"
    port = http.server_address[1]
    config.write_text(
        f'url = "http://127.0.0.1:{port}/v1/messages"\n'
        'auth = "bearer"\n'
        'token_env = "TEST_SMS_GATEWAY_TOKEN"\n'
        'body = { destination = "{to}", content = "{text}", client_ref = "{message_id}" }\n',
        encoding="utf-8",
    )
    env = {
        "WORKSTATION_SMTP_HOST": "127.0.0.1",
        "WORKSTATION_SMTP_PORT": str(smtp.port),
        "WORKSTATION_SMTP_STARTTLS": "0",
        "WORKSTATION_SMTP_USERNAME": SMTP_USER,
        "WORKSTATION_SMTP_PASSWORD": SMTP_PASSWORD,
        "WORKSTATION_SMTP_FROM": "Northwind Finance <reminders@northwind.example>",
        "WORKSTATION_SMS_GATEWAY": "http",
        "WORKSTATION_SMS_HTTP_CONFIG": str(config),
        "TEST_SMS_GATEWAY_TOKEN": "gw-token",
        "WORKSTATION_SMS_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
        "WORKSTATION_MESSAGING_POLL": "0.05",
        "WORKSTATION_MESSAGING_BACKOFF": "0.05",
        "WORKSTATION_MESSAGING_MAX_ATTEMPTS": "3",
    }
    with (
        pytest.MonkeyPatch.context() as patch,
        fresh_database(request.param, tmp_path_factory) as url,
    ):
        for key, value in env.items():
            patch.setenv(key, value)
        backend = start_backend(url, request.param, accounts=24)
        try:
            service = backend.server._server.config.app.state.messaging  # type: ignore[attr-defined]
            service.settings = replace(service.settings, public_url=backend.base)
            service.worker.settings = service.settings
            agent = backend.login(backend.of_role("agent")[0].username)
            yield World(backend, mailbox, gateway, service, agent)
        finally:
            backend.server.stop()
            backend.sessions.kw["bind"].dispose()
            http.shutdown()
            smtp.stop()


# --- helpers -------------------------------------------------------------------------------------


def _daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is early afternoon now (inside every pack's hours)."""
    offset = (13 - now.hour + 12) % 24 - 12
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


_serial = iter(range(10_000))


def _customer_ready(world: World, jurisdiction: str, language: str) -> tuple[Any, Any, list[Any]]:
    """An account of the agent whose customer may get SMS and e-mail now, with a fresh
    mobile number and e-mail address (so replies and mail are easy to tell apart)."""
    now = datetime.now(UTC)
    n = next(_serial)
    with world.backend.sessions.begin() as session:
        accounts = session.scalars(
            select(AccountRow)
            .where(AccountRow.owner_id == world.agent.user_id, AccountRow.status == "open")
            .order_by(AccountRow.id)
        ).all()
        used = {job.account_id for job in session.scalars(select(MessageJob))}
        for account in accounts:
            if account.id in used:
                continue
            customer = session.get(CustomerRow, account.customer_id)
            assert customer is not None
            kinds = {
                row.kind: row
                for row in session.scalars(
                    select(ContactRow).where(ContactRow.customer_id == customer.id)
                )
            }
            if "phone" not in kinds or "email" not in kinds:
                continue
            customer.jurisdiction, customer.language = jurisdiction, language
            customer.timezone, customer.flags = _daytime_zone(now), []
            kinds["phone"].data = {
                **kinds["phone"].data,
                "number": f"+1 415 555 {2000 + n:04d}",
                "type": "mobile",
                "consent": True,
                "opted_out": False,
            }
            kinds["email"].data = {
                **kinds["email"].data,
                "address": f"customer{n}@mail.example",
                "consent": True,
                "opted_out": False,
            }
            session.flush()
            loaded = load_for_decision(session, account.id)
            assert loaded is not None
            customer_obj, account_obj, events = loaded
            if all(
                default_policy().decide(customer_obj, account_obj, ch, now, events).allowed
                for ch in (Channel.SMS, Channel.EMAIL)
            ):
                return loaded
        raise AssertionError("no account of the agent may be messaged now")


def _mutation(world: World, preview: Any, account: Any) -> tuple[str, dict[str, Any]]:
    event = message_event(preview, account, recorded_by=world.agent.username, now=datetime.now(UTC))
    return event.id, world.agent.mutation("event.create", event_create(event))


def _push(world: World, mutation: dict[str, Any], expected: str = "applied") -> None:
    answer = world.agent.push(mutation)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == expected, answer.text


def _push_raw(world: World, account: Any, payload: dict[str, Any]) -> str:
    """A message event composed elsewhere (an old client, a bug): the server must still judge it."""
    from workstation.domain import Event, EventType, new_id

    event = Event(
        new_id(),
        EventType.MESSAGE,
        account.id,
        account.customer_id,
        datetime.now(UTC),
        world.agent.username,
        payload,
    )
    answer = world.agent.push(world.agent.mutation("event.create", event_create(event)))
    assert answer.json()["results"][0]["status"] == "applied", answer.text
    return event.id


def _statuses(world: World, message_id: str) -> list[tuple[str, str]]:
    with world.backend.sessions() as session:
        rows = session.scalars(select(EventRow).order_by(EventRow.server_version)).all()
        return [
            (r.payload["status"], str(r.payload.get("reason", "")))
            for r in rows
            if r.type == "message" and r.payload.get("message_id") == message_id
        ]


def _webhook(
    world: World, path: str, body: dict[str, Any], token: str = WEBHOOK_TOKEN
) -> requests.Response:
    return requests.post(
        f"{world.backend.base}/api/v1/messaging/{path}",
        json=body,
        headers={"X-Webhook-Token": token},
        timeout=10,
    )


def _contact(world: World, contact_id: str) -> dict[str, Any]:
    with world.backend.sessions() as session:
        row = session.get(ContactRow, contact_id)
        assert row is not None
        return dict(row.data)


# --- the tests -----------------------------------------------------------------------------------


def test_sms_reaches_the_gateway_once_after_a_503_and_is_reported_delivered(world: World) -> None:
    customer, account, events = _customer_ready(world, "us-regf", "en")
    preview = compose(
        "payment_reminder",
        customer,
        account,
        Channel.SMS,
        Language.EN,
        datetime.now(UTC),
        history=events,
    )
    assert preview.sendable
    assert preview.text.endswith(" Reply STOP to stop receiving these messages.")
    assert preview.encoding == "GSM-7"
    message_id, mutation = _mutation(world, preview, account)
    world.gateway.script[message_id] = [(503, {"error": "busy"})]
    _push(world, mutation)
    job = world.wait(message_id, "sent", "delivered")
    calls = world.gateway.for_message(message_id)
    assert len(calls) == 2  # the 503, then the one that was accepted
    expected = {"destination": preview.to, "content": preview.text, "client_ref": message_id}
    assert [c["body"] for c in calls] == [expected, expected]
    assert calls[1]["headers"]["Authorization"] == "Bearer gw-token"
    assert job.attempts == 2
    assert job.gateway_id
    # the same mutation pushed again (a retried outbox batch): no second job, nothing resent
    again = world.agent.push(mutation)
    assert again.json()["results"][0]["status"] == "duplicate"
    world.service.worker.run_once()
    assert len(world.gateway.for_message(message_id)) == 2
    # the gateway's delivery report: delivered, once
    report = _webhook(world, "sms/status", {"id": job.gateway_id, "status": "delivered"})
    assert report.json() == {"updated": True}
    repeat = _webhook(world, "sms/status", {"id": job.gateway_id, "status": "delivered"})
    assert repeat.json() == {"updated": False}
    assert [s for s, _ in _statuses(world, message_id)] == ["sent", "delivered"]
    # the agent's device pulls the statuses with its next sync
    pulled = world.agent.changes(0, limit=5000)
    mine = [
        e["payload"]["status"]
        for e in pulled["events"]
        if e["payload"].get("message_id") == message_id
    ]
    assert mine == ["sent", "delivered"]


def test_a_permanent_refusal_is_failed_with_the_reason(world: World) -> None:
    customer, account, events = _customer_ready(world, "cn-nifa", "zh")
    preview = compose(
        "payment_reminder",
        customer,
        account,
        Channel.SMS,
        Language.ZH,
        datetime.now(UTC),
        history=events,
    )
    assert preview.encoding == "UCS-2"
    assert preview.text.endswith("回复TD退订")
    message_id, mutation = _mutation(world, preview, account)
    world.gateway.script[message_id] = [(400, {"error": "invalid destination"})]
    _push(world, mutation)
    job = world.wait(message_id, "failed")
    assert job.reason == "SMS gateway refused it (HTTP 400): invalid destination"
    assert len(world.gateway.for_message(message_id)) == 1
    assert _statuses(world, message_id) == [("failed", job.reason)]


def test_a_gateway_that_keeps_failing_gives_up_with_the_reason(world: World) -> None:
    customer, account, events = _customer_ready(world, "uk-conc", "en")
    preview = compose(
        "payment_reminder",
        customer,
        account,
        Channel.SMS,
        Language.EN,
        datetime.now(UTC),
        history=events,
    )
    message_id, mutation = _mutation(world, preview, account)
    world.gateway.script[message_id] = [(503, {"error": "down"})] * 3
    _push(world, mutation)
    job = world.wait(message_id, "failed")
    assert job.reason == "gave up after 3 attempts: SMS gateway answered HTTP 503: down"
    assert len(world.gateway.for_message(message_id)) == 3


def test_email_arrives_with_its_unsubscribe_link_and_the_link_opts_out(world: World) -> None:
    customer, account, events = _customer_ready(world, "us-regf", "en")
    preview = compose(
        "payment_reminder",
        customer,
        account,
        Channel.EMAIL,
        Language.EN,
        datetime.now(UTC),
        history=events,
    )
    message_id, mutation = _mutation(world, preview, account)
    _push(world, mutation)
    world.wait(message_id, "sent")
    [mail] = world.mailbox.to(preview.to)
    assert mail["Subject"] == preview.subject
    assert mail["From"] == "Northwind Finance <reminders@northwind.example>"
    assert mail["X-Message-Id"] == message_id
    body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    link = re.search(r"unsubscribe here: (\S+)", body)
    assert link is not None
    url = link.group(1)
    assert url.startswith(world.backend.base + "/api/v1/messaging/unsubscribe?t=")
    assert body.rstrip("\n") == preview.text.replace("{unsubscribe_url}", url)
    assert mail["List-Unsubscribe"] == f"<{url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    email_id = preview.address
    # a mail scanner following the link changes nothing; the button (or one-click) does
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert "退订" in page.text
    assert "<form method='post'" in page.text
    assert not _contact(world, email_id).get("opted_out")
    done = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert done.status_code == 200
    assert "You are unsubscribed" in done.text
    assert _contact(world, email_id)["opted_out"] is True
    forged = requests.post(url[:-3] + "xyz", timeout=10)
    assert forged.status_code == 400
    # the agent's device learns it with the next sync, and compose refuses at once
    pulled = world.agent.changes(0, limit=5000)
    [mine] = [c for c in pulled["customers"] if c["id"] == customer.id]
    assert [e["opted_out"] for e in mine["emails"] if e["id"] == email_id] == [True]
    with world.backend.sessions() as session:
        loaded = load_for_decision(session, account.id)
    assert loaded is not None
    blocked = compose(
        "payment_reminder",
        loaded[0],
        loaded[1],
        Channel.EMAIL,
        Language.EN,
        datetime.now(UTC),
        history=loaded[2],
    )
    assert not blocked.sendable
    assert "channel_opted_out" in blocked.verdict.codes
    # a client that sends anyway (stale data, a bug) is stopped by the server: nothing goes out
    stale = _push_raw(world, account, {**mutation["payload"]["payload"]})
    job = world.wait(stale, "failed")
    assert "opted out of e-mail" in (job.reason or "")
    assert len(world.mailbox.to(preview.to)) == 1


def test_a_tuiding_reply_opts_the_phone_out_at_once(world: World) -> None:
    """The customer answers "退订" (unsubscribe): SMS to that phone stops at once."""
    customer, account, events = _customer_ready(world, "cn-nifa", "zh")
    preview = compose(
        "promise_confirmation",
        customer,
        account,
        Channel.SMS,
        Language.ZH,
        datetime.now(UTC),
        history=events,
        inputs={},
    )
    if preview.missing:  # no open promise on this account: a payment reminder will do
        preview = compose(
            "payment_reminder",
            customer,
            account,
            Channel.SMS,
            Language.ZH,
            datetime.now(UTC),
            history=events,
        )
    message_id, mutation = _mutation(world, preview, account)
    _push(world, mutation)
    world.wait(message_id, "sent", "delivered")
    phone_id = preview.address
    number = preview.to.replace(" ", "")
    assert (
        _webhook(world, "sms/inbound", {"from": number, "text": "退订"}, token="wrong").status_code
        == 401
    )
    answer = _webhook(
        world, "sms/inbound", {"from": number, "text": " 退订 ", "id": f"in-{message_id}"}
    )
    assert answer.status_code == 200
    assert answer.json()["matched"]
    assert answer.json()["opted_out"]
    assert _contact(world, phone_id)["opted_out"] is True
    repeat = _webhook(
        world, "sms/inbound", {"from": number, "text": " 退订 ", "id": f"in-{message_id}"}
    )
    assert repeat.json()["duplicate"]
    with world.backend.sessions() as session:
        replies = [
            r.payload
            for r in session.scalars(select(EventRow).where(EventRow.account_id == account.id))
            if r.type == "message" and r.payload.get("direction") == "inbound"
        ]
    assert replies == [
        {
            "channel": "sms",
            "direction": "inbound",
            "address_used": phone_id,
            "status": "received",
            "text": " 退订 ",
            "opt_out": True,
        }
    ]
    # another SMS pushed now is blocked at the server and never reaches the gateway
    later = _push_raw(world, account, dict(mutation["payload"]["payload"]))
    job = world.wait(later, "failed")
    assert "opted out of SMS" in (job.reason or "")
    assert world.gateway.for_message(later) == []


def test_a_reply_naming_a_complaint_is_taken_in_as_one(world: World) -> None:
    """ "我要投诉…" in an SMS reply: a complaint, registered with its reference and owner."""
    from workstation.server.complaints.models import ComplaintRow

    with world.backend.sessions.begin() as session:
        account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == world.agent.user_id).limit(1)
        ).one()
        phone = session.scalars(
            select(ContactRow).where(
                ContactRow.customer_id == account.customer_id, ContactRow.kind == "phone"
            )
        ).first()
        assert phone is not None
        phone.data = {**phone.data, "number": "+86 138 0013 8000"}  # a number no one else has
        account_id = account.id
    number = "+8613800138000"
    plain = _webhook(world, "sms/inbound", {"from": number, "text": "好的，下周还款"})
    assert plain.json()["matched"]
    assert plain.json()["complaint_reference"] is None
    text = "我要投诉你们的催收员，半夜打电话"
    answer = _webhook(world, "sms/inbound", {"from": number, "text": text, "id": "c-reply-1"})
    assert answer.status_code == 200
    reference = answer.json()["complaint_reference"]
    assert reference
    assert reference.startswith("CP-")
    assert not answer.json()["opted_out"]
    with world.backend.sessions() as session:
        complaint = session.scalar(select(ComplaintRow).where(ComplaintRow.reference == reference))
        assert complaint is not None
        assert complaint.account_id == account_id
        assert complaint.channel == "sms"
        assert complaint.owner_id is not None
        intake = session.get(EventRow, complaint.id)
        assert intake is not None
        assert "半夜打电话" in intake.payload["details"]
    again = _webhook(world, "sms/inbound", {"from": number, "text": text, "id": "c-reply-1"})
    assert again.json()["duplicate"]  # the gateway's retry takes nothing in twice


def test_an_email_reply_naming_a_complaint_is_taken_in_as_one(world: World) -> None:
    """A customer's e-mail with "complaint" in the subject: on the timeline of the account,
    and a complaint registered with its reference and owner (channel e-mail); the provider's
    retry takes nothing in twice; a plain reply is only a message; a stranger is ignored."""
    from workstation.server.complaints.models import ComplaintRow

    with world.backend.sessions.begin() as session:
        account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == world.agent.user_id).limit(1)
        ).one()
        email = session.scalars(
            select(ContactRow).where(
                ContactRow.customer_id == account.customer_id, ContactRow.kind == "email"
            )
        ).first()
        if email is None:
            email = ContactRow(id=new_id(), customer_id=account.customer_id, kind="email",
                               position=0, data={}, version=account.version)  # fmt: skip
            session.add(email)
        email.data = {**(email.data or {}), "address": "only.this.one@example.com"}
        account_id, customer_id = account.id, account.customer_id
    sender = "A Customer <Only.This.One@Example.com>"
    plain = _webhook(world, "email/inbound", {"from": sender, "subject": "Re: your letter",
                                              "text": "I will pay on Friday."})  # fmt: skip
    assert plain.status_code == 200, plain.text
    assert plain.json()["matched"]
    assert plain.json()["complaint_reference"] is None
    body = {"from": sender, "subject": "Complaint about your calls",
            "text": "Your agent called me four times at work.", "message_id": "<m-1@mail>"}  # fmt: skip
    answer = _webhook(world, "email/inbound", body)
    reference = answer.json()["complaint_reference"]
    assert reference
    assert reference.startswith("CP-")
    with world.backend.sessions() as session:
        complaint = session.scalar(select(ComplaintRow).where(ComplaintRow.reference == reference))
        assert complaint is not None
        assert complaint.account_id == account_id
        assert complaint.channel == "email"
        assert complaint.owner_id is not None
        intake = session.get(EventRow, complaint.id)
        assert intake is not None
        assert "four times at work" in intake.payload["details"]
        message = session.get(EventRow, answer.json()["event_id"])
        assert message is not None
        assert message.customer_id == customer_id
        assert message.payload["channel"] == "email"
        assert message.payload["direction"] == "inbound"
    again = _webhook(world, "email/inbound", body)
    assert again.json()["duplicate"]
    with world.backend.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ComplaintRow)
            .where(ComplaintRow.account_id == account_id, ComplaintRow.channel == "email")
        )
    assert count == 1
    stranger = _webhook(world, "email/inbound", {"from": "nobody@example.org", "text": "complaint"})
    assert stranger.json()["matched"] is False
    assert stranger.json()["complaint_reference"] is None
    assert _webhook(world, "email/inbound", {"text": "complaint"}).status_code == 422
    assert _webhook(world, "email/inbound", body, token="wrong").status_code == 401
