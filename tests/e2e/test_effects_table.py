"""Every disposition that ``sets`` something, logged at a desk and synced: the backend applies
the effect (flags, status, the phone used) and the desk ends up where the backend is.

Table-driven over the catalogue (a code added to ``resources/dispositions.toml`` with a
``sets`` and no row here fails the test); real backend on loopback, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.server.conftest import BACKENDS, PASSWORD, Backend, running_backend
from workstation.desk import DeskService, OutcomeInput
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import AccountStatus, Channel
from workstation.domain.model import contact_attempt
from workstation.server.models import AccountRow, ContactRow, CustomerRow
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, SyncEngine

FAST = HttpSettings(connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01)

# code → (customer flags set, account status after, the phone used: opted out, invalid).
# Written out by hand from DESIGN §10 and the catalogue; PTP's status comes from the promise
# the desk records with it.
TABLE: dict[str, tuple[set[str], str, bool, bool]] = {
    "DISC": (set(), "open", False, True),
    "WRONG": (set(), "open", False, True),
    "PTP": (set(), "promise", False, False),
    "PLAN": (set(), "open", False, False),
    "PAID": (set(), "open", False, False),
    "SETTLE": (set(), "open", False, False),
    "CB": (set(), "open", False, False),
    "DISPUTE": (set(), "dispute", False, False),
    "HARDSHIP": ({"hardship"}, "open", False, False),
    "VULN": ({"vulnerable", "vulnerability_review"}, "open", False, False),
    "BANKRUPT": ({"bankrupt"}, "hold", False, False),
    "DECEASED": ({"deceased"}, "hold", False, False),
    "FRAUD": ({"fraud_review"}, "hold", False, False),
    "CEASE": ({"cease_communication"}, "open", False, False),
    "OPTOUT": (set(), "open", True, False),
    "COMPLAINT": (set(), "open", False, False),
    "MOVED": (set(), "open", False, False),
    "ABUSIVE": (set(), "open", False, False),
}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=160) as started:
        yield started


def _fields(code: str, now: datetime, zone: str) -> dict[str, Any]:
    local = now.astimezone(ZoneInfo(zone))
    return {
        "PTP": {"promise_amount": "10", "promise_date": (local + timedelta(days=5)).date().isoformat()},
        "PAID": {"payment_amount": "10"},
        "SETTLE": {"settlement_amount": "10"},
        "CB": {"callback_at": (now + timedelta(days=2)).isoformat()},
        "DISPUTE": {"dispute_reason": "not_mine"},
        "HARDSHIP": {"hardship_details": "lost the job in May"},
        "COMPLAINT": {"complaint_category": "staff_conduct"},
    }.get(code, {})  # fmt: skip


def test_every_disposition_with_effects_is_applied_by_the_backend_and_reaches_the_desk(
    backend: Backend, tmp_path: Path
) -> None:
    assert {d.code for d in default_catalogue() if d.sets} == set(TABLE)
    store = Store.open(tmp_path / "desk.db")
    api = ApiSession(backend.base, f"desk-{tmp_path.name[-12:]}", settings=FAST)
    api.sign_in("li.na", PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / "stage.db")
    engine.sync()
    desk = DeskService(store, api.device_id, "li.na")
    # one open account per code, each of its own flag-free customer with a phone
    chosen: dict[str, tuple[str, str, str]] = {}  # code → (account, customer, phone)
    used: set[str] = set()
    for row in store.queue_rows():
        detail = store.load_account(row.account_id)
        assert detail is not None
        customer = detail.customer
        if (
            detail.account.status is not AccountStatus.OPEN
            or customer.flags
            or not customer.phones
            or customer.phones[0].opted_out  # the seed opts some numbers out already
            or customer.phones[0].invalid
            or customer.id in used
        ):
            continue
        code = sorted(set(TABLE) - set(chosen))[0]
        chosen[code] = (row.account_id, customer.id, customer.phones[0].id)
        used.add(customer.id)
        if len(chosen) == len(TABLE):
            break
    assert len(chosen) == len(TABLE), "the seeded book is too small for the table"
    now = datetime.now(UTC)
    for code, (account_id, _, phone_id) in chosen.items():
        if code == "PLAN":  # a plan is agreed in the calculator; its attempt alone here
            detail = store.load_account(account_id)
            assert detail is not None
            event = contact_attempt(account=detail.account, channel=Channel.PHONE,
                                    disposition="PLAN", recorded_by="li.na",
                                    address_used=phone_id)  # fmt: skip
            store.record_event(event, device_id=api.device_id)
            continue
        zone = desk.account(account_id).customer.timezone
        form = OutcomeInput(account_id, code, Channel.PHONE, address_used=phone_id,
                            override_reason="logged for the effects table",
                            disclosures_given=desk.account(account_id).call_guide.disclosure_ids,
                            **_fields(code, now, zone))  # fmt: skip
        desk.log_outcome(form)

    def local_state(code: str) -> tuple[set[str], str, bool, bool]:
        account_id, _, phone_id = chosen[code]
        local = store.load_account(account_id)
        assert local is not None
        phone = next(p for p in local.customer.phones if p.id == phone_id)
        flags = {f.value for f in local.customer.flags}
        return flags, local.account.status.value, phone.opted_out, phone.invalid

    # offline, before any sync: the desk has applied the same table to its own store
    assert {code: local_state(code) for code in TABLE} == TABLE
    report = engine.sync()
    assert store.pending_outbox_count() == 0, report
    with backend.sessions() as session:
        for code, (account_id, customer_id, phone_id) in chosen.items():
            flags, status, opted_out, invalid = TABLE[code]
            customer = session.get(CustomerRow, customer_id)
            account = session.get(AccountRow, account_id)
            phone = session.get(ContactRow, phone_id)
            assert customer is not None
            assert account is not None
            assert phone is not None
            assert set(customer.flags) == flags, code
            assert account.status == status, code
            assert bool(phone.data.get("opted_out")) is opted_out, code
            assert bool(phone.data.get("invalid")) is invalid, code
            # after the pull, the desk holds what the backend holds
            assert local_state(code) == TABLE[code], code
    api.close()
    store.close()
