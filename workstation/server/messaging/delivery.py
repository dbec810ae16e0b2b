"""Delivery: enqueue on push, claim, check, send, record — and opt-outs.

``enqueue`` runs inside the push transaction of a ``message`` event (status ``queued``),
so the job exists exactly when the event does. ``DeliveryWorker.run_once`` claims due
jobs (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
serialises the claim), asks the compliance engine again (an offline laptop may have
queued it hours ago: outside the hours it waits, opted out or on hold it fails), sends,
and records the outcome as a new ``message`` event (``sent``, ``delivered``, ``failed``)
with a fresh sync version, so the desk's timeline follows it.

Never sent twice: a job is ``sending`` while one worker holds its lease; the outcome is
recorded after the transport answers. If the answer is lost (a timeout after the request
left, a worker that died mid-send), the job is retried only when the transport
de-duplicates on the message id; otherwise it is marked failed with that reason.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workstation.compliance import ContactPolicy, RulePackError, default_policy
from workstation.domain.enums import Channel, Direction, EventType, Language
from workstation.domain.model import new_id
from workstation.messages.compose import (
    EMAIL_OPT_OUT,
    UNSUBSCRIBE_MARKER,
    append_wording,
    opt_out_wording,
)
from workstation.messages.fill import PORTAL_LINK_MARKER
from workstation.messages.numbers import e164, same_number
from workstation.messages.replies import is_opt_out
from workstation.server.complaints.workflow import complaint_from_reply
from workstation.server.deps import audit, utcnow
from workstation.server.messaging.config import MessagingSettings
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.rows import load_for_decision
from workstation.server.messaging.tokens import UnsubscribeSigner
from workstation.server.messaging.transports import (
    DeliveryError,
    EmailSender,
    OutboundEmail,
    OutboundSms,
    PermanentFailure,
    SendResult,
    SmsGateway,
    TemporaryFailure,
    UnknownOutcome,
)
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow
from workstation.server.versioning import allocate

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, DELIVERED, FAILED = "queued", "sending", "sent", "delivered", "failed"
FINAL = frozenset({DELIVERED, FAILED})
SYSTEM_USER = "messaging"
# a reminder that could not go out for this long is stale: tell the agent, do not send it
MAX_WAIT = timedelta(hours=48)
_REPLY_NAMESPACE = uuid.UUID("6f1c2a8e-5b0d-4d8e-9a57-3c1f0e2b7d41")
_NON_DIGITS = re.compile(r"\D+")


def address_key(channel: str, address: str) -> str:
    """What replies and reports are matched on: the digits of a number, a lower-cased e-mail."""
    if channel == Channel.EMAIL.value:
        return address.strip().lower()
    return _NON_DIGITS.sub("", address)


# --- enqueue (inside the push transaction) -------------------------------------------------------


def enqueue(
    session: Session, event: EventRow, now: datetime | None = None, *, fresh: bool = False
) -> MessageJob | None:
    """The sync hook: a pushed outbound ``message`` event in status ``queued`` becomes a job.

    ``fresh``: the event's id was minted just now in this transaction (``new_id``), so no
    job can hold it yet; the lookup's round trip is skipped (a right-party call's survey)."""
    payload = event.payload or {}
    if event.type != EventType.MESSAGE.value:
        return None
    if payload.get("direction", Direction.OUTBOUND.value) != Direction.OUTBOUND.value:
        return None
    if payload.get("status", QUEUED) != QUEUED or payload.get("message_id"):
        return None  # a status report or a record of something sent elsewhere
    channel = str(payload.get("channel") or "")
    text = payload.get("text")
    address_id = payload.get("address_used")
    if channel not in (Channel.SMS.value, Channel.EMAIL.value):
        return None
    if not isinstance(text, str) or not text.strip() or not isinstance(address_id, str):
        return None
    if not fresh and session.get(MessageJob, event.id) is not None:
        return None
    now = now or utcnow()
    to = str(payload.get("to") or "")
    job = MessageJob(
        message_id=event.id,
        account_id=event.account_id,
        customer_id=event.customer_id,
        channel=channel,
        address_id=address_id[:64],
        to_address=to[:320],
        to_key=address_key(channel, to)[:320],
        template=str(payload.get("template") or "")[:100],
        language=str(payload.get("language") or "en")[:8],
        subject=str(payload.get("subject") or ""),
        body=text,
        opt_out_required=bool(payload.get("opt_out_required")),
        status=QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(job)
    return job


# --- status events and opt-outs ------------------------------------------------------------------


def append_status(
    session: Session,
    job: MessageJob,
    status: str,
    now: datetime,
    *,
    reason: str | None = None,
) -> EventRow:
    """A ``message`` event reporting ``status`` of ``job``, at a new sync version."""
    payload: dict[str, Any] = {
        "message_id": job.message_id,
        "channel": job.channel,
        "direction": Direction.OUTBOUND.value,
        "address_used": job.address_id,
        "template": job.template,
        "language": job.language,
        "status": status,
        "attempts": job.attempts,
    }
    if reason:
        payload["reason"] = reason
    event = EventRow(
        id=new_id(),
        type=EventType.MESSAGE.value,
        account_id=job.account_id,
        customer_id=job.customer_id,
        occurred_at=now,
        received_at=now,
        recorded_by=SYSTEM_USER,
        recorded_by_id=None,
        device_id=None,
        payload=payload,
        server_version=allocate(session, 1),
    )
    session.add(event)
    return event


def opt_out(session: Session, contact_id: str, now: datetime, *, via: str) -> bool:
    """Set ``opted_out`` on a phone or e-mail now (a sync change clients pull); cancel what
    is still waiting to go to it. False when it was already opted out or is unknown."""
    contact = session.get(ContactRow, contact_id, with_for_update=True)
    if contact is None or contact.kind not in ("phone", "email"):
        return False
    pending = session.scalars(
        select(MessageJob).where(MessageJob.address_id == contact_id, MessageJob.status == QUEUED)
    ).all()
    for job in pending:
        job.status, job.finished_at = FAILED, now
        job.reason = f"the customer opted out ({via}) before it was sent"
        append_status(session, job, FAILED, now, reason=job.reason)
    already = bool((contact.data or {}).get("opted_out"))
    # an opt-out from outside (a webhook, a link) is a change to a customer's consent that
    # no signed-in user made: the audit log is its only trace of who asked and how
    audit(
        session,
        None,
        "messaging.opt_out",
        contact.kind,
        contact.id,
        {"via": via, "customer_id": contact.customer_id, "already": already},
        at=now,
    )
    if already:
        return False
    customer = session.get(CustomerRow, contact.customer_id, with_for_update=True)
    assert customer is not None
    version = allocate(session, 1)
    contact.data = {**(contact.data or {}), "opted_out": True}
    contact.version = version
    versions = dict(customer.field_versions or {})
    versions[f"{contact.kind}:{contact.id}.opted_out"] = version
    customer.field_versions = versions
    customer.version = version
    log.info("%s %s opted out via %s", contact.kind, contact.id, via)
    return True


@dataclass(frozen=True, slots=True)
class Reply:
    event_id: str | None
    matched: bool
    opted_out: bool
    duplicate: bool = False
    complaint_reference: str | None = None  # the reply was a complaint, registered


def _phone_for(session: Session, sender: str) -> tuple[str, str, str] | None:
    """(phone id, customer id, account id) the sender's number belongs to: the last job sent
    to it, else any phone on file with the same number — equal in E.164 (``numbers``)."""
    wanted = e164(sender)
    if wanted is None:
        return None
    tail = wanted[-8:]  # a cheap pre-filter; equality decides
    jobs = session.execute(
        select(MessageJob, CustomerRow.jurisdiction)
        .join(CustomerRow, CustomerRow.id == MessageJob.customer_id)
        .where(MessageJob.channel == Channel.SMS.value, MessageJob.to_key.like(f"%{tail}"))
        .order_by(MessageJob.created_at.desc())
        .limit(20)
    )
    for job, jurisdiction in jobs:
        if same_number(e164(job.to_address, jurisdiction), wanted):
            return job.address_id, job.customer_id, job.account_id
    phones = session.execute(
        select(ContactRow, CustomerRow.jurisdiction)
        .join(CustomerRow, CustomerRow.id == ContactRow.customer_id)
        .where(ContactRow.kind == "phone")
    )
    for contact, jurisdiction in phones:
        number = str((contact.data or {}).get("number") or "")
        if not address_key("sms", number).endswith(tail):
            continue
        if same_number(e164(number, jurisdiction), wanted):
            account_id = session.scalar(
                select(AccountRow.id)
                .where(AccountRow.customer_id == contact.customer_id)
                .order_by(AccountRow.id)
                .limit(1)
            )
            if account_id is not None:
                return contact.id, contact.customer_id, account_id
    return None


def add_inbound(  # noqa: PLR0917
    session: Session,
    event_id: str,
    customer_id: str,
    account_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """A customer's reply (SMS or e-mail) as a message event on the account's timeline."""
    session.add(
        EventRow(
            id=event_id,
            type=EventType.MESSAGE.value,
            account_id=account_id,
            customer_id=customer_id,
            occurred_at=now,
            received_at=now,
            recorded_by=SYSTEM_USER,
            recorded_by_id=None,
            device_id=None,
            payload=payload,
            server_version=allocate(session, 1),
        )
    )


def record_reply(
    session: Session, sender: str, text: str, now: datetime, *, gateway_ref: str = ""
) -> Reply:
    """An inbound SMS: on the timeline of the account last messaged; "STOP"/"退订" opts out."""
    event_id = str(uuid.uuid5(_REPLY_NAMESPACE, gateway_ref)) if gateway_ref else new_id()
    if gateway_ref and session.get(EventRow, event_id) is not None:
        return Reply(event_id, matched=True, opted_out=False, duplicate=True)
    found = _phone_for(session, sender)
    if found is None:
        log.info("an SMS reply from an unknown number was ignored")
        return Reply(None, matched=False, opted_out=False)
    phone_id, customer_id, account_id = found
    wants_out = is_opt_out(text)
    opted = opt_out(session, phone_id, now, via="SMS reply") if wants_out else False
    payload: dict[str, Any] = {
        "channel": Channel.SMS.value,
        "direction": Direction.INBOUND.value,
        "address_used": phone_id,
        "status": "received",
        "text": text[:1600],
        "opt_out": wants_out,
    }
    add_inbound(session, event_id, customer_id, account_id, payload, now)
    reference = complaint_from_reply(session, account_id, text, Channel.SMS, now)
    return Reply(
        event_id, matched=True, opted_out=opted or wants_out, complaint_reference=reference
    )


def record_report(
    session: Session, now: datetime, *, gateway_id: str = "", reference: str = "", status: str
) -> bool:
    """A delivery report from the gateway: ``delivered`` or a failure, once per job."""
    job = None
    if reference:
        job = session.get(MessageJob, reference, with_for_update=True)
    if job is None and gateway_id:
        job = session.scalar(
            select(MessageJob).where(MessageJob.gateway_id == gateway_id).with_for_update()
        )
    if job is None or job.status in FINAL:
        return False
    value = status.strip().lower()
    if value == DELIVERED:
        job.status, job.finished_at = DELIVERED, now
        append_status(session, job, DELIVERED, now)
        return True
    if value in ("failed", "undeliverable", "rejected", "expired"):
        job.status, job.finished_at = FAILED, now
        job.reason = f"the gateway reported it {value}"
        append_status(session, job, FAILED, now, reason=job.reason)
        return True
    return False


# --- the worker ----------------------------------------------------------------------------------


@dataclass
class _Prepared:
    job_id: str
    channel: str
    outbound: OutboundSms | OutboundEmail


class DeliveryWorker:
    """Claims due jobs and delivers them; run it in a thread (``start``) or call ``run_once``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: MessagingSettings,
        *,
        sms: SmsGateway,
        email: EmailSender,
        signer: UnsubscribeSigner,
        policy: ContactPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.sms = sms
        self.email = email
        self.signer = signer
        self.policy = policy or default_policy()
        self.clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.portal_keys: Any = None  # set by the portal (server.portal.install)

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="message-delivery")
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Look for due jobs now rather than at the next poll."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # keep delivering; the next round retries
                log.exception("message delivery round failed")
                busy = 0
            if not busy:
                self._wake.wait(self.settings.poll_s)
                self._wake.clear()

    # one round -------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Reap stale claims, claim due jobs and deliver them; return how many were claimed."""
        now = self.clock()
        self._reap(now)
        claimed = self._claim(now)
        for job_id in claimed:
            if self._stop.is_set():
                break
            self._deliver(job_id)
        return len(claimed)

    def _transport_idempotent(self, channel: str) -> bool:
        return bool(self.sms.idempotent if channel == Channel.SMS.value else self.email.idempotent)

    def _reap(self, now: datetime) -> None:
        with self.sessions.begin() as session:
            stale = session.scalars(
                select(MessageJob)
                .where(MessageJob.status == SENDING, MessageJob.lease_until < now)
                .with_for_update(skip_locked=True)
            ).all()
            for job in stale:
                self._unknown(session, job, now, "the worker stopped while sending it")

    def _claim(self, now: datetime) -> list[str]:
        with self.sessions.begin() as session:
            jobs = session.scalars(
                select(MessageJob)
                .where(MessageJob.status == QUEUED, MessageJob.next_attempt_at <= now)
                .order_by(MessageJob.next_attempt_at)
                .limit(self.settings.batch)
                .with_for_update(skip_locked=True)
            ).all()
            lease = now + timedelta(seconds=self.settings.lease_s)
            for job in jobs:
                job.status = SENDING
                job.lease_until = lease
                job.attempts += 1
            return [job.message_id for job in jobs]

    def _deliver(self, job_id: str) -> None:
        prepared = self._prepare(job_id)
        if prepared is None:
            return
        try:
            if isinstance(prepared.outbound, OutboundSms):
                result = self.sms.send(prepared.outbound)
            else:
                result = self.email.send(prepared.outbound)
        except DeliveryError as exc:
            self._failed_attempt(job_id, exc)
            return
        except Exception as exc:  # a transport bug: the outcome is unknown
            log.exception("transport crashed on message %s", job_id)
            self._failed_attempt(job_id, UnknownOutcome(f"the transport crashed: {exc!r}"))
            return
        self._sent(job_id, result)

    def _prepare(self, job_id: str) -> _Prepared | None:
        """Check compliance now and build what goes out; decide failures and waits here."""
        now = self.clock()
        with self.sessions.begin() as session:
            job = session.get(MessageJob, job_id)
            if job is None or job.status != SENDING:
                return None
            loaded = load_for_decision(session, job.account_id)
            if loaded is None:
                self._finish(session, job, now, "the account is no longer on file")
                return None
            customer, account, events = loaded
            channel = Channel(job.channel)
            decision = self.policy.decide(
                customer, account, channel, now, events, address=job.address_id
            )
            if not decision.allowed:
                reasons = "; ".join(r.text_en for r in decision.blocking)
                wait_until = decision.next_allowed_at
                if wait_until is not None and wait_until - job.created_at <= MAX_WAIT:
                    job.status, job.lease_until = QUEUED, None
                    job.attempts -= 1  # waiting for the rules is not a delivery attempt
                    job.next_attempt_at = max(wait_until, now + timedelta(seconds=1))
                    job.reason = f"waiting: {reasons}"
                    return None
                self._finish(session, job, now, f"blocked by the contact rules: {reasons}")
                return None
            records = customer.phones if channel is Channel.SMS else customer.emails
            record = next((r for r in records if r.id == job.address_id), None)
            to = (
                ""
                if record is None
                else getattr(record, "number", None) or getattr(record, "address", "")
            )
            if not to:
                self._finish(session, job, now, "the address is no longer on file")
                return None
            self._portal_links(session, job, now)
            language = Language(job.language) if job.language in ("en", "zh") else Language.EN
            try:
                pack = self.policy.pack_for(customer)
            except RulePackError:
                pack = None
            if channel is Channel.SMS:
                wording = opt_out_wording(pack, channel, language)
                text = job.body
                if wording and wording not in text:  # the law's wording goes out, whoever composed
                    text = append_wording(text, wording, channel, language)
                outbound: OutboundSms | OutboundEmail = OutboundSms(job.message_id, to, text)
            else:
                body = job.body
                url = self.unsubscribe_url(job)
                if UNSUBSCRIBE_MARKER not in body and (
                    pack is None or channel in pack.opt_out_channels
                ):
                    body = append_wording(body, EMAIL_OPT_OUT[language], channel, language)
                outbound = OutboundEmail(
                    job.message_id, to, job.subject, body.replace(UNSUBSCRIBE_MARKER, url), url
                )
            return _Prepared(job.message_id, job.channel, outbound)

    def _portal_links(self, session: Session, job: MessageJob, now: datetime) -> None:
        """Put the customer's signed self-service link where the template asked for one
        (``{portal_link}``: a new link row, valid for the pack's days) and the public URL
        where a survey link was written (``{portal_base}``). The job keeps the text sent."""
        base = self.settings.public_url.rstrip("/")
        if "{portal_base}" in job.body:
            job.body = job.body.replace("{portal_base}", base)
        if PORTAL_LINK_MARKER in job.body and self.portal_keys is not None:
            from workstation.server.portal.access import issue_link

            account = session.get(AccountRow, job.account_id)
            if account is not None:
                token = issue_link(
                    session, self.portal_keys, account, now, message_id=job.message_id
                )
                job.body = job.body.replace(PORTAL_LINK_MARKER, f"{base}/portal/l/{token}")

    def unsubscribe_url(self, job: MessageJob) -> str:
        token = self.signer.sign(job.address_id, job.message_id)
        return f"{self.settings.public_url.rstrip('/')}/api/v1/messaging/unsubscribe?t={token}"

    def _finish(self, session: Session, job: MessageJob, now: datetime, reason: str) -> None:
        job.status, job.lease_until, job.finished_at, job.reason = FAILED, None, now, reason
        append_status(session, job, FAILED, now, reason=reason)

    def _unknown(self, session: Session, job: MessageJob, now: datetime, why: str) -> None:
        if self._transport_idempotent(job.channel) and job.attempts < self.settings.max_attempts:
            job.status, job.lease_until = QUEUED, None
            job.next_attempt_at = now + self._backoff(job.attempts)
            job.reason = f"retrying: {why}"
            return
        self._finish(
            session, job, now, f"{why}; whether it went out is unknown, so it is not sent again"
        )

    def _backoff(self, attempts: int) -> timedelta:
        seconds = self.settings.backoff_s * (2 ** max(0, attempts - 1))
        return timedelta(seconds=min(seconds, self.settings.backoff_max_s))

    def _failed_attempt(self, job_id: str, error: DeliveryError) -> None:
        now = self.clock()
        with self.sessions.begin() as session:
            job = session.get(MessageJob, job_id, with_for_update=True)
            if job is None or job.status != SENDING:
                return
            if isinstance(error, PermanentFailure):
                self._finish(session, job, now, error.reason)
            elif isinstance(error, UnknownOutcome):
                self._unknown(session, job, now, error.reason)
            elif isinstance(error, TemporaryFailure) and job.attempts < self.settings.max_attempts:
                job.status, job.lease_until = QUEUED, None
                job.next_attempt_at = now + self._backoff(job.attempts)
                job.reason = f"retrying: {error.reason}"
            else:
                self._finish(
                    session, job, now, f"gave up after {job.attempts} attempts: {error.reason}"
                )

    def _sent(self, job_id: str, result: SendResult) -> None:
        now = self.clock()
        with self.sessions.begin() as session:
            job = session.get(MessageJob, job_id, with_for_update=True)
            if job is None or job.status in (SENT, DELIVERED):
                return
            job.status, job.lease_until, job.sent_at, job.reason = SENT, None, now, None
            job.gateway_id = result.gateway_id[:200] if result.gateway_id else None
            append_status(session, job, SENT, now)
            if result.delivered:
                job.status, job.finished_at = DELIVERED, now
                append_status(session, job, DELIVERED, now)
