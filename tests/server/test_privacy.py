"""Retention as the packs say (anonymise after US 3 / CN 5 years, never under a legal hold,
devices drop the accounts) and a customer's own copy of what is held about them."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.server.conftest import BACKENDS, PASSWORD, Backend, running_backend
from tests.sync.conftest import FAST
from tests.unit.test_documents_support import pdf_text
from workstation.domain.model import new_id
from workstation.server.cli import main
from workstation.server.models import (
    AccountRow,
    AuditEntry,
    Blob,
    ContactRow,
    CustomerRow,
    EventRow,
)
from workstation.server.privacy.models import Anonymisation
from workstation.server.privacy.retention import ANONYMISED_NAME
from workstation.server.versioning import allocate
from workstation.store import Store
from workstation.sync.engine import SyncEngine
from workstation.sync.http import HttpClient
from workstation.sync.session import ApiSession


@dataclass
class Cast:
    """The customers the tests follow, by role in the story."""

    closed_cn: str  # all accounts closed, China (5 years), with a signed agreement
    held_cn: str  # the same, under a legal hold
    closed_us: str  # all accounts closed, US (3 years)
    open_cn: str  # an account still open
    document: str  # the agreement's SHA-256
    name: str  # closed_cn's name before anything happened
    phones: list[str]


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Backend, Cast]]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as backend:
        yield backend, _cast(backend)


def _customers_of(backend: Backend, jurisdiction: str) -> list[str]:
    with backend.sessions() as session:
        return list(
            session.scalars(
                select(CustomerRow.id)
                .where(
                    CustomerRow.jurisdiction == jurisdiction,
                    CustomerRow.id.in_(
                        select(AccountRow.customer_id).where(AccountRow.owner_id.is_not(None))
                    ),
                )
                .order_by(CustomerRow.id)
            )
        )


def _cast(backend: Backend) -> Cast:
    cn, us = _customers_of(backend, "cn-nifa"), _customers_of(backend, "us-regf")
    closed_cn, held_cn, open_cn = cn[0], cn[1], cn[2]
    closed_us = us[0]
    agreement = b"%PDF-1.7\n% the agreement of " + closed_cn.encode()
    digest = hashlib.sha256(agreement).hexdigest()
    now = datetime.now(UTC)
    with backend.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.customer_id.in_([closed_cn, held_cn, closed_us]))
            .values(status="closed")
        )
        session.execute(
            update(AccountRow).where(AccountRow.customer_id == open_cn).values(status="open")
        )
        account = session.scalars(
            select(AccountRow).where(AccountRow.customer_id == closed_cn)
        ).first()
        assert account is not None
        session.add(
            Blob(sha256=digest, size=len(agreement), content_type="application/pdf",
                 content=agreement, uploaded_by=account.owner_id or "", created_at=now)
        )  # fmt: skip
        session.add(
            EventRow(
                id=new_id(), type="plan_agreement", account_id=account.id, customer_id=closed_cn,
                occurred_at=now, received_at=now, recorded_by="li.na", recorded_by_id=None,
                device_id="laptop-x", server_version=allocate(session, 1),
                payload={"document_sha256": digest, "notes": "signed at the kitchen table"},
            )
        )  # fmt: skip
        customer = session.get(CustomerRow, closed_cn)
        assert customer is not None
        phones = [
            str(c.data.get("number"))
            for c in session.scalars(
                select(ContactRow).where(
                    ContactRow.customer_id == closed_cn, ContactRow.kind == "phone"
                )
            )
        ]
        return Cast(closed_cn, held_cn, closed_us, open_cn, digest, customer.name, phones)


def _owner_of(backend: Backend, customer_id: str) -> str:
    with backend.sessions() as session:
        owner = session.scalar(
            select(AccountRow.owner_id).where(AccountRow.customer_id == customer_id).limit(1)
        )
    assert owner is not None
    return next(u.username for u in backend.report.users if u.user_id == owner)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def _device_rows(store: Store, customer_id: str, accounts: list[str]) -> list[int]:
    """How many rows of the customer, their accounts and their events the device holds,
    tombstoned or not."""
    marks = ",".join("?" * len(accounts))
    with store.read() as connection:
        return [
            int(connection.exec_driver_sql(sql, params).scalar() or 0)
            for sql, params in (
                ("SELECT count(*) FROM customers WHERE id = ?", (customer_id,)),
                ("SELECT count(*) FROM phones WHERE customer_id = ?", (customer_id,)),
                (f"SELECT count(*) FROM accounts WHERE id IN ({marks})", tuple(accounts)),
                (f"SELECT count(*) FROM events WHERE account_id IN ({marks})", tuple(accounts)),
            )
        ]


def test_retention_anonymises_what_the_packs_say_and_devices_drop_it(
    world: tuple[Backend, Cast], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backend, cast = world
    db = ["--db", backend.url]
    code, out = _run(capsys, "legal-hold", cast.held_cn, "--reason", "court order 2026/17", *db)
    assert code == 0
    owner_name = _owner_of(backend, cast.closed_cn)
    owner = backend.login(owner_name)
    cursor = owner.snapshot()["cursor"]
    accounts = [a["id"] for a in owner.snapshot()["accounts"] if a["customer_id"] == cast.closed_cn]
    assert accounts
    # the owner's laptop holds the customer before retention (an encrypted store, as signed in)
    key = secrets.token_hex(32)
    store = Store.open(tmp_path / "owner.db", key=key)
    api = ApiSession(backend.base, "owner-laptop", http=HttpClient(backend.base, FAST))
    api.sign_in(owner_name, PASSWORD)
    laptop = SyncEngine(store, api, staging_path=tmp_path / "staging.db", staging_key=key)
    laptop.sync()
    assert all(_device_rows(store, cast.closed_cn, accounts))
    today = date.today()

    # two years on: nothing is due (US keeps 3 years, China 5)
    code, out = _run(
        capsys, "retention", "--as-of", str(today + timedelta(days=730)), "--dry-run", "--json", *db
    )
    assert code == 0
    early = json.loads(out)
    assert cast.closed_us not in {c["customer_id"] for c in early["anonymise"]}
    assert cast.closed_cn not in {c["customer_id"] for c in early["anonymise"]}
    # four years on: the US customer is due, the Chinese ones not yet
    code, out = _run(
        capsys,
        "retention",
        "--as-of",
        str(today + timedelta(days=4 * 365 + 1)),
        "--dry-run",
        "--json",
        *db,
    )
    middle = {c["customer_id"]: c for c in json.loads(out)["anonymise"]}
    assert middle[cast.closed_us]["retention_years"] == 3
    assert cast.closed_cn not in middle
    # six years on, dry run: lists, changes nothing
    later = str(today + timedelta(days=6 * 365 + 2))
    code, out = _run(capsys, "retention", "--as-of", later, "--dry-run", *db)
    assert code == 0
    assert f"would anonymise {cast.closed_cn}" in out
    assert f"kept     {cast.held_cn}: legal hold (court order 2026/17)" in out
    assert cast.open_cn not in out
    with backend.sessions() as session:
        assert session.get(CustomerRow, cast.closed_cn).name == cast.name  # type: ignore[union-attr]
        assert session.get(Blob, cast.document) is not None

    code, out = _run(capsys, "retention", "--as-of", later, *db)
    assert code == 0, out
    with backend.sessions() as session:
        customer = session.get(CustomerRow, cast.closed_cn)
        assert customer is not None
        assert customer.name == ANONYMISED_NAME
        assert customer.national_id_masked == ""
        assert customer.birth_date is None  # the portal's proof goes with the rest
        contacts = session.scalars(
            select(ContactRow).where(ContactRow.customer_id == cast.closed_cn)
        ).all()
        assert contacts
        assert all(c.data == {"anonymised": True} for c in contacts)
        payloads = session.scalars(
            select(EventRow.payload).where(EventRow.customer_id == cast.closed_cn)
        ).all()
        assert all(p.get("anonymised") is True for p in payloads)
        assert not any("notes" in p or "text" in p or "document_sha256" in p for p in payloads)
        assert session.get(Blob, cast.document) is None
        record = session.get(Anonymisation, cast.closed_cn)
        assert record is not None
        assert record.counts["documents"] == 1
        assert session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "retention.anonymise", AuditEntry.entity_id == cast.closed_cn
            )
        )
        # held and still open: untouched
        assert session.get(CustomerRow, cast.held_cn).name != ANONYMISED_NAME  # type: ignore[union-attr]
        assert session.get(CustomerRow, cast.open_cn).name != ANONYMISED_NAME  # type: ignore[union-attr]
        # no trace of the name or the numbers in the customer's rows
        rows = [
            str(customer.__dict__),
            *(str(c.data) for c in contacts),
            *(str(p) for p in payloads),
        ]
        for secret in (cast.name, *cast.phones):
            assert not any(secret in row for row in rows)

    # the owner's device drops the accounts on its next pull; nobody can read them any more
    try:
        laptop.sync()
        # erased, not only tombstoned: no row of the customer is left on the laptop
        assert _device_rows(store, cast.closed_cn, accounts) == [0, 0, 0, 0]
    finally:
        api.close()
        store.close()
    changes = owner.changes(cursor, limit=5000)
    removed = {r["id"]: r["reason"] for r in changes["removals"]}
    assert {a: "retention" for a in accounts}.items() <= removed.items()
    assert all(a["customer_id"] != cast.closed_cn for a in owner.snapshot()["accounts"])
    assert owner.get(f"/api/v1/accounts/{accounts[0]}").status_code == 404

    # a second run finds nothing more to do for them
    code, out = _run(capsys, "retention", "--as-of", later, "--json", *db)
    assert cast.closed_cn not in {c["customer_id"] for c in json.loads(out)["anonymised"]}
    # the hold released, the next run takes the held customer too
    assert _run(capsys, "legal-hold", cast.held_cn, "--release", *db)[0] == 0
    code, out = _run(capsys, "retention", "--as-of", later, "--json", *db)
    assert cast.held_cn in {c["customer_id"] for c in json.loads(out)["anonymised"]}


def test_export_customer_writes_everything_held_and_is_audited(
    world: tuple[Backend, Cast], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backend, cast = world
    subject = cast.open_cn
    with backend.sessions.begin() as session:
        customer = session.get(CustomerRow, subject)
        assert customer is not None
        name = customer.name
        born = customer.birth_date
        account = session.scalars(
            select(AccountRow).where(AccountRow.customer_id == subject)
        ).first()
        assert account is not None
        letter = b"%PDF-1.7\n% a letter for " + subject.encode()
        digest = hashlib.sha256(letter).hexdigest()
        now = datetime.now(UTC)
        session.add(Blob(sha256=digest, size=len(letter), content_type="application/pdf",
                         content=letter, uploaded_by="server", created_at=now))  # fmt: skip
        session.add(
            EventRow(id=new_id(), type="plan_agreement", account_id=account.id, customer_id=subject,
                     occurred_at=now, received_at=now, recorded_by="li.na", recorded_by_id=None,
                     device_id=None, server_version=allocate(session, 1),
                     payload={"document_sha256": digest})
        )  # fmt: skip
        events = len(
            session.scalars(select(EventRow.id).where(EventRow.customer_id == subject)).all()
        )
        accounts = len(
            session.scalars(select(AccountRow.id).where(AccountRow.customer_id == subject)).all()
        )
    out = tmp_path / "dsar"
    code, said = _run(capsys, "export-customer", account.id, "--out", str(out), "--db", backend.url)
    assert code == 0, said
    data = json.loads((out / "data.json").read_text(encoding="utf-8"))
    assert data["customer_id"] == subject
    assert data["customer"]["name"] == name
    assert born is not None  # the seed gives every customer a date of birth
    assert data["customer"]["birth_date"] == born.isoformat()  # held, so exported
    assert len(data["accounts"]) == accounts
    assert len(data["events"]) == events
    assert data["contacts"]
    document = next(d for d in data["documents"] if d["sha256"] == digest)
    assert (out / document["file"]).read_bytes() == letter
    summary = (out / "summary.pdf").read_bytes()
    assert summary.startswith(b"%PDF")
    text = " ".join(pdf_text(summary).split())
    assert "Your personal data" in text
    assert "您的个人信息" in text
    assert subject in text
    with backend.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "privacy.export", AuditEntry.entity_id == subject
            )
        ).one()
    assert (
        entry.detail["data_sha256"] == hashlib.sha256((out / "data.json").read_bytes()).hexdigest()
    )
    assert entry.detail["documents"] >= 1

    # never over an existing export, and nothing is audited for a refusal
    code, said = _run(capsys, "export-customer", subject, "--out", str(out), "--db", backend.url)
    assert code == 2
    assert (
        _run(
            capsys,
            "export-customer",
            "no-such-ref",
            "--out",
            str(tmp_path / "x"),
            "--db",
            backend.url,
        )[0]
        == 2
    )
    with backend.sessions() as session:
        assert (
            len(
                session.scalars(
                    select(AuditEntry.id).where(AuditEntry.action == "privacy.export")
                ).all()
            )
            == 1
        )


def test_the_daily_run_applies_retention_and_reports_its_duration(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    import requests

    from tests.server.test_observability import parse_metrics

    with running_backend("sqlite", tmp_path_factory, accounts=20) as backend:
        customer = _customers_of(backend, "cn-nifa")[0]
        with backend.sessions.begin() as session:
            session.execute(
                update(AccountRow).where(AccountRow.customer_id == customer).values(status="closed")
            )
        later = str(date.today() + timedelta(days=6 * 365 + 2))
        code, out = _run(capsys, "daily", "--as-of", later, "--json", "--db", backend.url)
        assert code == 0, out
        report = json.loads(out)
        assert customer in {c["customer_id"] for c in report["retention"]["anonymised"]}
        with backend.sessions() as session:
            assert session.get(CustomerRow, customer).name == ANONYMISED_NAME  # type: ignore[union-attr]
        samples = parse_metrics(requests.get(backend.base + "/metrics", timeout=30).text)
        jobs = {
            dict(labels)["job"]
            for name, labels in samples
            if name == "workstation_job_last_duration_seconds"
        }
        assert {"daily", "retention"} <= jobs
