"""An in-memory replica with the store's contract, for desk tests and the demo's fallback.

``workstation.store.Store`` is the real thing (SQLite, outbox in the same transaction);
this class keeps the same shape so the desk and its UI can be exercised without it. It also
carries a small seeded portfolio generator used only when ``workstation.demo`` is absent.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from workstation.domain import (
    Account,
    AccountStatus,
    Channel,
    Customer,
    CustomerFlag,
    Email,
    Event,
    EventType,
    Language,
    Money,
    Phone,
    PhoneType,
    RiskTier,
    contact_attempt,
    mask_national_id,
    new_id,
)
from workstation.queue.inputs import pending_callback, pending_promise


@dataclass(frozen=True, slots=True)
class MemoryQueueRow:
    account_id: str
    customer_id: str
    customer_name: str
    name_alt: str
    balance_minor: int
    past_due_minor: int
    currency: str
    days_past_due: int
    bucket: str
    status: str
    risk_tier: str | None
    score: float | None
    timezone: str
    jurisdiction: str
    language: str
    flags: frozenset[str]
    owner: str | None
    promise_due_on: date | None = None
    promise_amount_minor: int | None = None
    callback_due_at: datetime | None = None
    last_attempt_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemoryAccountDetail:
    customer: Customer
    account: Account
    events: list[Event]
    other_accounts: list[Account]


@dataclass(frozen=True, slots=True)
class MemoryOutboxEntry:
    client_seq: int
    mutation_id: str
    type: str
    payload: dict[str, Any]


@dataclass
class Portfolio:
    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.customers: dict[str, Customer] = {}
        self.accounts: dict[str, Account] = {}
        self.events: dict[str, list[Event]] = {}
        self.outbox: list[MemoryOutboxEntry] = []
        self.needs_attention: list[dict[str, Any]] = []
        self.blobs: dict[str, tuple[bytes, str, bool]] = {}  # sha256 → data, type, uploaded
        self.state: dict[str, Any] = {}  # like the SQLite store's sync_state

    def get_state(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self.state.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        with self._lock:
            self.state[key] = value

    # blobs (agreement PDFs), like the SQLite store: content-addressed, uploaded flag
    def put_blob(self, data: bytes, *, media_type: str = "application/octet-stream") -> str:
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            if digest not in self.blobs:
                self.blobs[digest] = (bytes(data), media_type, False)
        return digest

    def get_blob(self, sha256: str) -> bytes | None:
        with self._lock:
            entry = self.blobs.get(sha256)
        return entry[0] if entry else None

    def blobs_to_upload(self) -> list[Any]:
        from types import SimpleNamespace

        with self._lock:
            return [
                SimpleNamespace(sha256=digest, media_type=media, size=len(data))
                for digest, (data, media, uploaded) in self.blobs.items()
                if not uploaded
            ]

    def mark_blob_uploaded(self, sha256: str) -> None:
        with self._lock:
            data, media, _ = self.blobs[sha256]
            self.blobs[sha256] = (data, media, True)

    def bulk_load(self, portfolio: Any) -> None:
        with self._lock:
            for customer in portfolio.customers:
                self.customers[customer.id] = customer
            for account in portfolio.accounts:
                self.accounts[account.id] = account
                self.events.setdefault(account.id, [])
            for event in portfolio.events:
                self.events.setdefault(event.account_id, []).append(event)
            for events in self.events.values():
                events.sort(key=lambda e: e.occurred_at, reverse=True)

    def is_empty(self) -> bool:
        return not self.accounts

    def queue_rows(self, *, account_ids: Iterable[str] | None = None) -> list[MemoryQueueRow]:
        now = datetime.now(UTC)
        only = None if account_ids is None else set(account_ids)
        with self._lock:
            rows = []
            for account in self.accounts.values():
                if account.status.is_closed or (only is not None and account.id not in only):
                    continue
                customer = self.customers[account.customer_id]
                history = self.events.get(account.id, ())
                promise = pending_promise(history)
                callback = pending_callback(history, now)
                last = next(
                    (e.occurred_at for e in history if e.type is EventType.CONTACT_ATTEMPT), None
                )
                promise_due = promise[0] if promise else None
                promise_amount = promise[1] if promise else None
                rows.append(
                    MemoryQueueRow(
                        account_id=account.id,
                        customer_id=customer.id,
                        customer_name=customer.name,
                        name_alt=customer.name_alt,
                        balance_minor=account.balance.minor,
                        past_due_minor=account.past_due.minor,
                        currency=account.currency,
                        days_past_due=account.days_past_due,
                        bucket=account.bucket.value,
                        status=account.status.value,
                        risk_tier=account.risk_tier.value if account.risk_tier else None,
                        score=float(account.score) if account.score is not None else None,
                        timezone=customer.timezone,
                        jurisdiction=customer.jurisdiction,
                        language=customer.language.value,
                        flags=frozenset(f.value for f in customer.flags),
                        owner=account.owner,
                        promise_due_on=promise_due,
                        promise_amount_minor=promise_amount,
                        callback_due_at=callback,
                        last_attempt_at=last,
                    )
                )
            return rows

    def load_account(self, account_id: str) -> MemoryAccountDetail | None:
        with self._lock:
            account = self.accounts.get(account_id)
            if account is None:
                return None
            customer = self.customers[account.customer_id]
            others = [
                a
                for a in self.accounts.values()
                if a.customer_id == customer.id and a.id != account.id
            ]
            return MemoryAccountDetail(customer, account, list(self.events[account.id]), others)

    def record_event(self, event: Event, *, device_id: str) -> MemoryOutboxEntry:
        with self._lock:
            entry = MemoryOutboxEntry(
                client_seq=len(self.outbox) + 1,
                mutation_id=new_id(),
                type=f"event.{event.type.value}",
                payload={"id": event.id, "device_id": device_id},
            )
            self.events.setdefault(event.account_id, []).insert(0, event)
            self.outbox.append(entry)
            return entry

    def patch_contact(
        self, customer_id: str, changes: Mapping[str, Any], base_version: int, device_id: str
    ) -> MemoryOutboxEntry:
        with self._lock:
            customer = self.customers[customer_id]
            phones = [
                Phone(p["id"], p["number"], PhoneType(p["type"]), p["consent"], p["opted_out"])
                for p in changes.get("phones", [])
            ]
            emails = [
                Email(e["id"], e["address"], e["consent"], e["opted_out"])
                for e in changes.get("emails", [])
            ]
            self.customers[customer_id] = replace(
                customer, phones=phones, emails=emails, version=customer.version + 1
            )
            entry = MemoryOutboxEntry(
                client_seq=len(self.outbox) + 1,
                mutation_id=new_id(),
                type="contact.patch",
                payload={"customer_id": customer_id, "base_version": base_version, **changes},
            )
            self.outbox.append(entry)
            return entry

    def pending_outbox_count(self) -> int:
        return len(self.outbox)


_SURNAMES_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN_ZH = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
]
_PINYIN = {
    "王": "Wang",
    "李": "Li",
    "张": "Zhang",
    "刘": "Liu",
    "陈": "Chen",
    "杨": "Yang",
    "黄": "Huang",
    "赵": "Zhao",
    "吴": "Wu",
    "周": "Zhou",
    "徐": "Xu",
    "孙": "Sun",
    "马": "Ma",
    "朱": "Zhu",
    "胡": "Hu",
    "郭": "Guo",
    "何": "He",
    "林": "Lin",
    "罗": "Luo",
    "高": "Gao",
}
_FIRST_EN = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "Aisha",
    "Olivia",
    "Mohammed",
    "Emma",
    "Liam",
    "Sofia",
    "Noah",
    "Grace",
    "Oliver",
    "Chloe",
    "Daniel",
]
_LAST_EN = [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Davies",
    "Evans",
    "Patel",
    "Garcia",
    "O'Connor",
    "Nguyen",
    "Walker",
    "Hughes",
    "Clarke",
    "Murphy",
]
_REGIONS = [
    ("CN", "Asia/Shanghai", "CNY", Language.ZH, 0.55),
    ("US-NY", "America/New_York", "USD", Language.EN, 0.2),
    ("US-CA", "America/Los_Angeles", "USD", Language.EN, 0.1),
    ("UK", "Europe/London", "GBP", Language.EN, 0.15),
]


def sample_portfolio(accounts: int, *, seed: int = 1, owner: str = "agent1") -> Portfolio:
    """A small deterministic portfolio (stand-in for ``workstation.demo.generate_portfolio``)."""
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    customers: list[Customer] = []
    result: list[Account] = []
    events: list[Event] = []
    weights = [r[4] for r in _REGIONS]
    for index in range(accounts):
        jurisdiction, tz, currency, language, _ = rnd.choices(_REGIONS, weights)[0]
        if language is Language.ZH:
            surname = rnd.choice(_SURNAMES_ZH)
            given = "".join(rnd.choices(_GIVEN_ZH, k=rnd.choice((1, 2))))
            name, alt = surname + given, _PINYIN[surname] + " " + str(index % 97)
            phone = f"+86 1{rnd.randint(30, 89)}{rnd.randint(10_000_000, 99_999_999)}"
        else:
            name, alt = f"{rnd.choice(_FIRST_EN)} {rnd.choice(_LAST_EN)}", ""
            phone = f"+1 {rnd.randint(201, 989)} 555 {rnd.randint(1000, 9999)}"
            if jurisdiction == "UK":
                phone = f"+44 7{rnd.randint(100, 999)} {rnd.randint(100_000, 999_999)}"
        flags: set[CustomerFlag] = set()
        roll = rnd.random()
        if roll < 0.03:
            flags.add(CustomerFlag.HARDSHIP)
        elif roll < 0.05:
            flags.add(CustomerFlag.VULNERABLE)
        elif roll < 0.06:
            flags.add(CustomerFlag.CEASE_COMMUNICATION)
        customer = Customer(
            id=new_id(),
            name=name,
            name_alt=alt,
            timezone=tz,
            jurisdiction=jurisdiction,
            language=language,
            national_id_masked=mask_national_id(str(rnd.randint(10**17, 10**18 - 1))),
            phones=[Phone(new_id(), phone, PhoneType.MOBILE)],
            emails=[Email(new_id(), f"customer{index}@example.com")],
            flags=frozenset(flags),
        )
        customers.append(customer)
        principal = Decimal(rnd.randint(500, 80_000))
        balance = (principal * Decimal(rnd.randint(30, 110)) / 100).quantize(Decimal("0.01"))
        dpd = rnd.choice([3, 12, 25, 35, 48, 65, 80, 100, 140, 200, 320])
        past_due = min(balance, (balance * Decimal(min(dpd, 180)) / 360).quantize(Decimal("0.01")))
        score = Decimal(rnd.randint(5, 95)) / 100
        tier = RiskTier(
            "A" if score > 0.7 else "B" if score > 0.45 else "C" if score > 0.2 else "D"
        )
        account = Account(
            id=new_id(),
            customer_id=customer.id,
            product=rnd.choice(["card", "personal_loan", "consumer_loan"]),
            currency=currency,
            principal=Money(principal, currency),
            balance=Money(balance, currency),
            past_due=Money(past_due, currency),
            days_past_due=dpd,
            status=AccountStatus.OPEN,
            owner=owner,
            risk_tier=tier,
            score=score,
            reason_codes=(),
            annual_rate=Decimal("0.18"),
        )
        result.append(account)
        for back in range(rnd.randint(0, 4)):
            disposition = rnd.choice(["NA", "BUSY", "VM", "RPC_NC", "TP"])
            events.append(
                contact_attempt(
                    account=account,
                    channel=Channel.PHONE,
                    disposition=disposition,
                    recorded_by=owner,
                    occurred_at=now - timedelta(days=3 + back * 4, hours=rnd.randint(0, 6)),
                    address_used=phone,
                )
            )
        if rnd.random() < 0.05:
            events.append(
                contact_attempt(
                    account=account,
                    channel=Channel.PHONE,
                    disposition="PTP",
                    recorded_by=owner,
                    occurred_at=now - timedelta(days=3),
                    address_used=phone,
                    extra={
                        "promise_amount": Money(min(balance, Decimal(1200)), currency).wire(),
                        "promise_date": now.date().isoformat(),
                        "currency": currency,
                    },
                )
            )
        elif rnd.random() < 0.03:
            events.append(
                contact_attempt(
                    account=account,
                    channel=Channel.PHONE,
                    disposition="CB",
                    recorded_by=owner,
                    occurred_at=now - timedelta(days=1),
                    extra={"callback_at": (now - timedelta(minutes=30)).isoformat()},
                )
            )
        if rnd.random() < 0.02:
            events.append(
                Event(
                    new_id(),
                    EventType.PAYMENT,
                    account.id,
                    customer.id,
                    now - timedelta(days=10),
                    owner,
                    {
                        "amount": Money(balance / 10, currency).wire(),
                        "currency": currency,
                        "source": "confirmed",
                    },
                )
            )
    return Portfolio(customers, result, events, now)
