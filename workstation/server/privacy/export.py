"""A data-subject access request: everything held about one customer, written to a folder.

``workstation-server export-customer REF --out DIR`` (REF: the customer's id, or the id of
one of their accounts) writes into ``DIR`` (new or empty):

- ``data.json`` — the customer and their contact details, every account, every event with
  its whole payload, promises and plans as the server decided them, the messages sent and
  received, contact-detail conflicts, review items, who the accounts were assigned to and
  when, legal holds, an anonymisation if there was one, and the audit trail of who read or
  changed their records (the recipients of their data);
- ``documents/`` — every document their events name (agreements, letters), as stored;
- ``summary.pdf`` — the same in a bilingual form a person reads
  (``workstation.documents.data_export``).

The files are written to a temporary folder beside ``DIR``; the export is audited
(``privacy.export``: who, when, what, the SHA-256 of ``data.json``) and only then moved into
place, so there is no export without its audit entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.money import Money
from workstation.errors import WorkstationError
from workstation.server.deps import audit, utcnow
from workstation.server.messaging.models import MessageJob
from workstation.server.models import (
    AccountRow,
    Assignment,
    AuditEntry,
    Blob,
    ConflictRow,
    ContactRow,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
    ReviewItem,
    User,
)
from workstation.server.privacy.models import Anonymisation, LegalHold
from workstation.server.privacy.retention import _document_hashes
from workstation.server.serialize import event_dict, load_accounts, load_customers
from workstation.text import Text

_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


class ExportError(WorkstationError, LookupError):
    """Nothing to export under that reference, or the folder cannot take it."""

    summary = Text("The customer's data could not be exported", "无法导出该客户的信息")


@dataclass(frozen=True, slots=True)
class ExportReport:
    customer_id: str
    folder: Path
    accounts: int
    events: int
    documents: int
    data_sha256: str


def _plain(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, JSON-ready."""
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, bytes):
            continue
        elif isinstance(value, Decimal):
            value = str(value)
        out[column.key] = value
    return out


def resolve(session: Session, ref: str) -> str:
    """The customer id ``ref`` names (a customer id, or one of their account ids)."""
    if session.get(CustomerRow, ref) is not None:
        return ref
    account = session.get(AccountRow, ref)
    if account is not None:
        return account.customer_id
    raise ExportError(f"no customer or account {ref!r}")


def _birth_date(session: Session, customer_id: str) -> str | None:
    """The date of birth on file (the portal's proof; not on the devices' wire)."""
    born = session.scalar(select(CustomerRow.birth_date).where(CustomerRow.id == customer_id))
    return born.isoformat() if born is not None else None


def gather(session: Session, customer_id: str) -> tuple[dict[str, Any], dict[str, Blob]]:
    """The whole record (see the module docstring) and the documents it names."""
    account_ids = list(
        session.scalars(
            select(AccountRow.id)
            .where(AccountRow.customer_id == customer_id)
            .order_by(AccountRow.id)
        )
    )
    events = list(
        session.scalars(
            select(EventRow)
            .where(EventRow.customer_id == customer_id)
            .order_by(EventRow.occurred_at, EventRow.id)
        )
    )
    names = dict(session.execute(select(User.id, User.username)).all())
    hashes = sorted({h for e in events for h in _document_hashes(e.payload)})
    blobs = {b.sha256: b for b in session.scalars(select(Blob).where(Blob.sha256.in_(hashes)))}
    ids_named = [customer_id, *account_ids]
    data: dict[str, Any] = {
        "customer": {
            **load_customers(session, [customer_id])[0],
            "birth_date": _birth_date(session, customer_id),
        },
        "contacts": [
            _plain(c)
            for c in session.scalars(
                select(ContactRow)
                .where(ContactRow.customer_id == customer_id)
                .order_by(ContactRow.kind, ContactRow.position)
            )
        ],
        "accounts": load_accounts(session, account_ids) if account_ids else [],
        "events": [event_dict(e) for e in events],
        "promises": [
            _plain(p)
            for p in session.scalars(
                select(PromiseRow).where(PromiseRow.account_id.in_(account_ids))
            )
        ],
        "plans": [
            _plain(p)
            for p in session.scalars(select(PlanRow).where(PlanRow.account_id.in_(account_ids)))
        ],
        "messages": [
            {k: v for k, v in _plain(m).items() if k not in ("to_key", "payload")}
            for m in session.scalars(
                select(MessageJob)
                .where(MessageJob.customer_id == customer_id)
                .order_by(MessageJob.created_at)
            )
        ],
        "contact_conflicts": [
            _plain(c)
            for c in session.scalars(
                select(ConflictRow).where(ConflictRow.customer_id == customer_id)
            )
        ],
        "review_items": [
            _plain(r)
            for r in session.scalars(
                select(ReviewItem).where(
                    or_(
                        ReviewItem.customer_id == customer_id,
                        ReviewItem.account_id.in_(account_ids),
                    )
                )
            )
        ],
        "assignments": [
            {
                **_plain(a),
                "from_user": names.get(a.from_user_id or ""),
                "to_user": names.get(a.to_user_id or ""),
            }
            for a in session.scalars(
                select(Assignment)
                .where(Assignment.account_id.in_(account_ids))
                .order_by(Assignment.version)
            )
        ],
        "legal_holds": [
            _plain(h)
            for h in session.scalars(select(LegalHold).where(LegalHold.customer_id == customer_id))
        ],
        "anonymisation": (
            _plain(a) if (a := session.get(Anonymisation, customer_id)) is not None else None
        ),
        "access_log": [
            {
                "at": entry.at.isoformat(),
                "user": names.get(entry.user_id or "", entry.user_id),
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
            }
            for entry in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id.in_(ids_named))
                .order_by(AuditEntry.id)
            )
        ],
        "documents": [
            {
                "sha256": h,
                "held": h in blobs,
                "content_type": blobs[h].content_type if h in blobs else None,
                "size": blobs[h].size if h in blobs else None,
                "file": f"documents/{h}{_EXTENSIONS.get(blobs[h].content_type, '.bin')}"
                if h in blobs
                else None,
            }
            for h in hashes
        ],
    }
    return data, blobs


def export_customer(
    sessions: sessionmaker[Session], ref: str, out: Path, *, by: str
) -> ExportReport:
    """Write the export of the customer ``ref`` names into ``out`` (see the module docstring)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"{out} exists and is not an empty folder; choose a new one")
    with sessions() as session:
        customer_id = resolve(session, ref)
        data, blobs = gather(session, customer_id)
    now = utcnow()
    data = {"exported_at": now.isoformat(), "customer_id": customer_id, **data}
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        raw = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()
        (staging / "data.json").write_bytes(raw)
        documents = staging / "documents"
        documents.mkdir()
        for entry in data["documents"]:
            if entry["file"]:
                (staging / entry["file"]).write_bytes(blobs[entry["sha256"]].content)
        from workstation.documents.data_export import render_data_summary

        (staging / "summary.pdf").write_bytes(render_data_summary(summary_of(data, now.date())).pdf)
        digest = hashlib.sha256(raw).hexdigest()
        report = ExportReport(
            customer_id,
            out,
            len(data["accounts"]),
            len(data["events"]),
            sum(1 for d in data["documents"] if d["file"]),
            digest,
        )
        with sessions.begin() as session:
            audit(
                session,
                None,
                "privacy.export",
                "customer",
                customer_id,
                {
                    "by": by,
                    "folder": str(out.resolve()),
                    "data_sha256": digest,
                    "accounts": report.accounts,
                    "events": report.events,
                    "documents": report.documents,
                },
            )
        if out.exists():
            out.rmdir()  # empty (checked above)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


# --- the readable summary ------------------------------------------------------------------------


def _money(wire: str | None, currency: str | None) -> str:
    if wire is None or not currency:
        return ""
    return Money.of(wire, currency).format(symbol=False)


def summary_of(data: dict[str, Any], prepared_on: date) -> Any:
    """The ``DataSummary`` of an export's ``data`` (plain rows for the PDF)."""
    from workstation.documents.data_export import DataSummary

    customer = data["customer"]
    personal: list[tuple[Text, str]] = [
        (Text("Name", "姓名"), str(customer.get("name") or "")),
        (Text("Name (other script)", "姓名（其他文字）"), str(customer.get("name_alt") or "")),
        (
            Text("ID number (masked)", "证件号码（已脱敏）"),
            str(customer.get("national_id_masked") or ""),
        ),
        (Text("Date of birth", "出生日期"), str(customer.get("birth_date") or "")),
        (Text("Language", "语言"), str(customer.get("language") or "")),
        (Text("Time zone", "时区"), str(customer.get("timezone") or "")),
        (Text("Rules that apply", "适用规则"), str(customer.get("jurisdiction") or "")),
        (Text("Flags on file", "标记"), ", ".join(map(str, customer.get("flags") or [])) or "—"),
    ]
    person = customer.get("contact_person")
    if person:
        personal.append((Text("Contact person", "联系人"), json.dumps(person, ensure_ascii=False)))
    labels = {
        "phone": Text("Telephone", "电话"),
        "email": Text("E-mail", "电子邮件"),
        "address": Text("Address", "地址"),
    }
    contacts: list[tuple[Text, str]] = []
    for contact in data["contacts"]:
        fields = contact.get("data") or {}
        value = (
            fields.get("number")
            or fields.get("address")
            or ", ".join(
                str(v)
                for k, v in fields.items()
                if k in ("line1", "line2", "city", "postcode", "country") and v
            )
        )
        notes = [k for k in ("opted_out", "consent") if fields.get(k)]
        contacts.append(
            (labels.get(contact["kind"], Text(contact["kind"], contact["kind"])), f"{value}"
             + (f"  ({', '.join(notes)})" if notes else ""))
        )  # fmt: skip
    accounts = [
        [
            str(a["id"])[:13],
            str(a.get("product") or ""),
            str(a.get("currency") or ""),
            _money(a.get("balance"), a.get("currency")),
            str(a.get("status") or ""),
            str(a.get("placed_on") or ""),
        ]
        for a in data["accounts"]
    ]
    from workstation.domain.dispositions import default_catalogue

    catalogue = default_catalogue()
    events = []
    for e in data["events"]:
        payload = e.get("payload") or {}
        amount = payload.get("amount")
        outcome = str(
            payload.get("disposition") or payload.get("outcome") or payload.get("status") or ""
        )
        disposition = catalogue.get(outcome)
        events.append(
            [
                str(e.get("occurred_at") or "")[:16].replace("T", " "),
                str(e.get("type") or "").replace("_", " "),
                str(payload.get("channel") or ""),
                disposition.label_en if disposition else outcome.replace("_", " "),
                _money(str(amount), payload.get("currency"))
                if amount and payload.get("currency")
                else "",
            ]
        )
    documents = [
        [d["sha256"], str(d.get("content_type") or "not held"), str(d.get("size") or "")]
        for d in data["documents"]
    ]
    holds = []
    for hold in data["legal_holds"]:
        released = f", released {hold['released_at'][:10]}" if hold.get("released_at") else ""
        holds.append(f"{hold['reason']} (set {hold['set_at'][:10]}{released})")
    return DataSummary(
        customer_id=data["customer_id"],
        prepared_on=prepared_on,
        personal=personal,
        contacts=contacts,
        accounts=accounts,
        events=events,
        documents=documents,
        holds=holds,
    )
