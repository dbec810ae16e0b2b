"""Who is on the page: the signed link, the one-time code, the visit's session, the forms.

- A link opens only while its row says so: not expired (the pack's ``[portal] link_days``),
  not locked. A tampered token names no row (its signature fails) and shows nothing.
- The code goes to a phone or e-mail on file through the messaging transports; at most
  ``MAX_CODES`` per hour per link; it lives ``CODE_MINUTES``; only its keyed hash is kept.
- The customer answers with the code and either the ID number's last four characters or
  the date of birth on file (each one given must match).
- ``MAX_FAILURES`` wrong answers (code, ID or date of birth) lock the link; the lock page
  says how to get a new one. A right answer opens a session of ``SESSION_MINUTES`` (a
  random cookie, its hash in the database).
- Every form carries a single-use token bound to the link (before) or the session (after):
  a form posted twice, or a token made for another visit, is refused and records nothing.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.server.models import AccountRow, ContactRow, CustomerRow
from workstation.server.portal.models import PortalLink, PortalNonce, PortalSession
from workstation.server.portal.tokens import PortalKeys
from workstation.workflows.deadlines import pack_for_jurisdiction

MAX_FAILURES = 5
MAX_CODES = 3
CODE_MINUTES = 10
SESSION_MINUTES = 30
SESSION_COOKIE = "portal_session"
SURVEY_DAYS = 14


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def link_days(customer: CustomerRow) -> int:
    pack = pack_for_jurisdiction(customer.jurisdiction)
    return pack.portal.link_days if pack is not None else 14


def issue_link(
    session: Session,
    keys: PortalKeys,
    account: AccountRow,
    now: datetime,
    *,
    purpose: str = "portal",
    message_id: str | None = None,
    rated_event_id: str | None = None,
) -> str:
    """A new link to ``account`` (a row in this transaction); its signed token."""
    customer = session.get(CustomerRow, account.customer_id)
    assert customer is not None
    days = link_days(customer) if purpose == "portal" else SURVEY_DAYS
    link = PortalLink(
        id=keys.new_link_id(),
        account_id=account.id,
        customer_id=account.customer_id,
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(days=days),
        message_id=message_id,
        rated_event_id=rated_event_id,
        failures=0,
        codes_sent=0,
    )
    session.add(link)
    return keys.sign(link.id)


@dataclass(frozen=True, slots=True)
class Opened:
    link: PortalLink | None
    problem: str | None  # None, "bad", "expired", "locked", "used"


def open_link(
    session: Session, keys: PortalKeys, token: str, now: datetime, purpose: str
) -> Opened:
    link_id = keys.read(token)
    link = session.get(PortalLink, link_id) if link_id else None
    if link is None or link.purpose != purpose:
        return Opened(None, "bad")
    if link.locked_at is not None:
        return Opened(link, "locked")
    if utc(link.expires_at) <= now:
        return Opened(link, "expired")
    if link.used_at is not None:
        return Opened(link, "used")
    return Opened(link, None)


# --- the code ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Destination:
    channel: str  # sms | email
    contact_id: str
    address: str
    shown: str  # what the page may show: the last digits, a masked e-mail


def destinations(session: Session, customer_id: str) -> list[Destination]:
    """The phones (mobiles first) and e-mails on file a code may go to."""
    rows = session.scalars(
        select(ContactRow)
        .where(ContactRow.customer_id == customer_id)
        .order_by(ContactRow.position, ContactRow.id)
    ).all()
    found: list[Destination] = []
    phones = [r for r in rows if r.kind == "phone" and not (r.data or {}).get("invalid")]
    phones.sort(key=lambda r: (r.data or {}).get("type") != "mobile")
    for row in phones[:1]:
        number = str((row.data or {}).get("number") or "")
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) >= 6:
            found.append(Destination("sms", row.id, number, digits[-2:]))
    for row in rows:
        if row.kind != "email" or (row.data or {}).get("invalid"):
            continue
        address = str((row.data or {}).get("address") or "")
        local, at, domain = address.partition("@")
        if at and local:
            found.append(Destination("email", row.id, address, f"{local[0]}***@{domain}"))
            break
    return found


def may_send_code(link: PortalLink, now: datetime) -> bool:
    if link.codes_window_at is None or utc(link.codes_window_at) <= now - timedelta(hours=1):
        return True
    return link.codes_sent < MAX_CODES


def note_code(link: PortalLink, keys: PortalKeys, code: str, channel: str, now: datetime) -> None:
    if link.codes_window_at is None or utc(link.codes_window_at) <= now - timedelta(hours=1):
        link.codes_window_at, link.codes_sent = now, 0
    link.codes_sent += 1
    link.code_hash = keys.code_hash(link.id, code)
    link.code_channel = channel
    link.code_expires_at = now + timedelta(minutes=CODE_MINUTES)


def id_tail(customer: CustomerRow) -> str:
    masked = (customer.national_id_masked or "").strip()
    tail = masked[-4:]
    return "" if len(tail) < 4 or "*" in tail else tail.upper()


@dataclass(frozen=True, slots=True)
class Answer:
    """What the customer typed to prove who they are: the code and the ID's last four
    characters or the date of birth (either; each one given must match)."""

    code: str
    tail: str = ""
    born: date | None = None

    @property
    def proves(self) -> bool:
        return bool(self.tail.strip()) or self.born is not None


def birth_date_of(year: str, month: str, day: str) -> date | None:
    """The date the three fields name; None when all are empty; ``ValueError`` when they name
    no date a living customer has."""
    parts = [year.strip(), month.strip(), day.strip()]
    if not any(parts):
        return None
    if not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError("not a date")
    born = date(int(parts[0]), int(parts[1]), int(parts[2]))
    if born.year < 1900:
        raise ValueError("not a date")
    return born


def _matches(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def check_answer(
    link: PortalLink,
    keys: PortalKeys,
    customer: CustomerRow,
    answer: Answer,
    now: datetime,
) -> str | None:
    """None when the code matches and so does the proof given (the ID's last four or the
    date of birth on file; both must match when both are given); else what went wrong (and
    the link counts a failure, locking at ``MAX_FAILURES``)."""
    if link.code_hash is None or link.code_expires_at is None or utc(link.code_expires_at) <= now:
        return "code_expired"
    code_ok = hmac.compare_digest(link.code_hash, keys.code_hash(link.id, answer.code.strip()))
    proofs: list[bool] = []
    if answer.tail.strip():
        proofs.append(_matches(id_tail(customer), answer.tail.strip().upper()[-4:]))
    if answer.born is not None:
        on_file = customer.birth_date.isoformat() if customer.birth_date else ""
        proofs.append(_matches(on_file, answer.born.isoformat()))
    if code_ok and proofs and all(proofs):
        link.code_hash = link.code_expires_at = None  # a code opens one visit
        return None
    link.failures += 1
    if link.failures >= MAX_FAILURES:
        link.locked_at = now
        link.code_hash = None
        return "locked"
    return "mismatch"


def start_session(session: Session, keys: PortalKeys, link: PortalLink, now: datetime) -> str:
    cookie = keys.new_session()
    session.add(
        PortalSession(
            id=keys.session_id(cookie),
            link_id=link.id,
            account_id=link.account_id,
            created_at=now,
            expires_at=now + timedelta(minutes=SESSION_MINUTES),
        )
    )
    return cookie


@dataclass(frozen=True, slots=True)
class Visit:
    session_id: str
    link: PortalLink
    account: AccountRow
    customer: CustomerRow


def visit_of(session: Session, keys: PortalKeys, cookie: str | None, now: datetime) -> Visit | None:
    """The verified visit the cookie names (None: none, over, or its link locked/expired)."""
    if not cookie or len(cookie) > 100:
        return None
    found = session.execute(  # one round trip for the four rows every page needs
        select(PortalSession, PortalLink, AccountRow, CustomerRow)
        .join(PortalLink, PortalLink.id == PortalSession.link_id)
        .join(AccountRow, AccountRow.id == PortalSession.account_id)
        .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
        .where(PortalSession.id == keys.session_id(cookie))
    ).first()
    if found is None:
        return None
    row, link, account, customer = found
    if utc(row.expires_at) <= now:
        return None
    if link.locked_at is not None or utc(link.expires_at) <= now:
        return None
    return Visit(row.id, link, account, customer)


def end_session(session: Session, keys: PortalKeys, cookie: str | None) -> None:
    if cookie:
        row = session.get(PortalSession, keys.session_id(cookie))
        if row is not None:
            session.delete(row)


def take_form(session: Session, keys: PortalKeys, binding: str, token: str, now: datetime) -> bool:
    """Spend a form token: False when it is forged, for another visit, or spent before."""
    nonce = keys.form_nonce(binding, token or "")
    if nonce is None:
        return False
    if session.get(PortalNonce, nonce) is not None:
        return False
    session.add(PortalNonce(nonce=nonce, used_at=now))
    try:
        session.flush()
    except IntegrityError:  # the same form posted twice at once: one of them wins
        return False
    return True
