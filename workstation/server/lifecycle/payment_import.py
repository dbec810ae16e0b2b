"""``import payments``: a bank's payment file, validated whole, applied in one transaction.

Format (CSV, UTF-8, header row; ``resources/samples/payments.csv``)::

    payment_ref,account_ref,amount,currency,paid_on[,method]

Each line becomes a *confirmed* payment (``payments.apply_confirmed``). The file is checked
whole before anything is written: an unknown account, a currency other than the account's,
a bad amount or date, a ``payment_ref`` twice in the file, or one imported before for a
*different* payment — every such line is listed by its line number (the header is line 1)
and nothing is imported. A ``payment_ref`` imported before for the same payment is skipped
and counted as "already imported": the same file twice adds nothing and says so.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.model import utcnow
from workstation.server.deps import audit
from workstation.server.lifecycle import csvfile
from workstation.server.lifecycle.bulk import chunks, file_transaction, one_of
from workstation.server.lifecycle.payments import (
    AppliedPayment,
    ConfirmedPayment,
    KnownPayment,
    Recorder,
    apply_confirmed,
    known_payments,
    wire,
)
from workstation.server.models import AccountRow
from workstation.server.settings import Settings

REQUIRED = ("payment_ref", "account_ref", "amount", "currency", "paid_on")
OPTIONAL = ("method",)
# how far back a payment's date may lie (a bank file is days, not years, behind)
MAX_AGE_DAYS = 400


@dataclass
class PaymentImportReport:
    file: str
    sha256: str
    dry_run: bool
    as_of: date
    lines: int = 0
    applied: list[AppliedPayment] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)  # (line, payment_ref)

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for payment in self.applied:
            out[payment.currency] += payment.amount_minor
        return dict(sorted(out.items()))

    def as_dict(self) -> dict[str, Any]:
        closed = Counter(p.closed_as for p in self.applied if p.closed_as)
        return {
            "kind": "payments",
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "applied": len(self.applied),
            "already_imported": len(self.already),
            "totals": {c: wire(v, c) for c, v in self.totals().items()},
            "closed": dict(sorted(closed.items())),
            "credits": [p.as_dict() for p in self.applied if p.credit],
            "written_off": [p.as_dict() for p in self.applied if p.written_off],
            "reported_confirmed": sum(1 for p in self.applied if p.matched_event_id),
            "payments": [p.as_dict() for p in self.applied],
            "already_imported_lines": [
                {"line": line, "payment_ref": ref} for line, ref in self.already
            ],
        }

    def summary(self) -> list[str]:
        head = "dry run, nothing written: " if self.dry_run else ""
        lines = [
            f"{head}{self.file}: {self.lines} payment line(s), {len(self.applied)} "
            f"{'would be ' if self.dry_run else ''}applied, {len(self.already)} already "
            "imported (nothing added for them)"
        ]
        for currency, total in self.totals().items():
            count = sum(1 for p in self.applied if p.currency == currency)
            lines.append(f"  {currency} {wire(total, currency)} in {count} payment(s)")
        for payment in self.applied:
            if payment.closed_as:
                off = (
                    f", {wire(payment.written_off, payment.currency)} written off"
                    if payment.written_off
                    else ""
                )
                lines.append(
                    f"  line {payment.line}: account {payment.account_ref} {payment.closed_as}{off}"
                )
            if payment.credit:
                lines.append(
                    f"  line {payment.line}: overpaid, {payment.currency} "
                    f"{wire(payment.credit, payment.currency)} kept as the customer's credit"
                )
        matched = sum(1 for p in self.applied if p.matched_event_id)
        if matched:
            lines.append(f"  {matched} payment(s) an agent had reported are now confirmed")
        return lines


@dataclass(frozen=True, slots=True)
class _Account:
    id: str
    currency: str


def validate(
    session: Session, source: Path | bytes, as_of: date
) -> tuple[list[ConfirmedPayment], list[tuple[int, str]], int]:
    """Every line checked; raise ``csvfile.FileRejected`` listing each bad one.

    Returns the payments to apply (file order), the lines already imported, and the number
    of payment lines."""
    data = csvfile.read(source, REQUIRED, OPTIONAL)
    payments, already = check(session, data, as_of)
    data.check()
    return payments, already, len(data.records)


def check(
    session: Session, data: csvfile.CsvFile, as_of: date
) -> tuple[list[ConfirmedPayment], list[tuple[int, str]]]:
    """The rules of one payment, for each record of ``data`` (a file, or one API request):
    problems go to ``data.errors``; returns the new payments and the ones already booked."""
    earliest, latest = csvfile.window(as_of, MAX_AGE_DAYS)
    refs: dict[str, int] = {}
    parsed: list[tuple[csvfile.Record, str | None, str | None, str | None]] = []
    for record in data.records:
        payment_ref = data.ref(record, "payment_ref")
        unique = data.unique(refs, record, "payment_ref", payment_ref)
        account_ref = data.ref(record, "account_ref")
        currency = data.currency(record)
        parsed.append((record, payment_ref if unique else None, account_ref, currency))
    accounts = _accounts(session, [a for _, _, a, _ in parsed if a])
    known = known_payments(session, [p for _, p, _, _ in parsed if p])
    payments: list[ConfirmedPayment] = []
    already: list[tuple[int, str]] = []
    for record, payment_ref, account_ref, given_currency in parsed:
        account = accounts.get(account_ref) if account_ref else None
        currency = given_currency
        if account_ref and account is None:
            data.error(record.line, f"account_ref {account_ref} not found")
        if account is not None and currency is not None and currency != account.currency:
            data.error(
                record.line,
                f"currency {currency} does not match account {account_ref} ({account.currency})",
            )
            currency = None
        amount = data.money(record, "amount", currency, positive=True) if currency else None
        paid_on = data.day(record, "paid_on", earliest=earliest, latest=latest)
        method = data.token(record, "method")
        if payment_ref is None or account is None or amount is None or paid_on is None:
            continue
        payment = ConfirmedPayment(
            payment_ref,
            account.id,
            amount,
            account.currency,
            paid_on,
            method,
            record.line,
            account_ref,
        )
        before = known.get(payment_ref)
        if before is None:
            payments.append(payment)
        elif _same(before, payment):
            already.append((record.line, payment_ref))
        else:
            data.error(
                record.line,
                f"payment_ref {payment_ref} was imported before for another payment "
                f"({wire(before.amount_minor, before.currency)} {before.currency} on "
                f"{before.paid_on.isoformat()})",
            )
    return payments, already


def _same(before: KnownPayment, payment: ConfirmedPayment) -> bool:
    return (before.account_id, before.amount_minor, before.currency, before.paid_on) == (
        payment.account_id,
        payment.amount_minor,
        payment.currency,
        payment.paid_on,
    )


def _accounts(session: Session, refs: list[str]) -> dict[str, _Account]:
    found: dict[str, _Account] = {}
    for chunk in chunks(session, list(dict.fromkeys(refs))):
        for ref, ident, currency in session.execute(
            select(AccountRow.account_ref, AccountRow.id, AccountRow.currency).where(
                one_of(session, AccountRow.account_ref, chunk)
            )
        ):
            if ref is not None:
                found[ref] = _Account(ident, currency)
    return found


def import_payments(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    settings: Settings,
    dry_run: bool = False,
    as_of: date | None = None,
    now: datetime | None = None,
) -> PaymentImportReport:
    """Validate and apply a payment file in ONE transaction (rolled back for ``dry_run``).

    Raises ``csvfile.FileRejected`` (nothing written) when any line is bad."""
    data = path.read_bytes()
    now = now or utcnow()
    as_of = as_of or now.date()
    report = PaymentImportReport(
        file=path.name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run, as_of=as_of
    )
    with file_transaction(sessions, dry_run=dry_run) as session:
        payments, report.already, report.lines = validate(session, data, as_of)
        report.applied = apply_confirmed(
            session,
            payments,
            now=now,
            as_of=as_of,
            recorder=Recorder(name=f"bank file {path.name}"[:100]),
            grace_days=settings.promise_grace_days,
            match_days=settings.payment_match_days,
        )
        audit(
            session,
            None,
            "import.payments",
            "file",
            report.sha256[:64],
            {
                "file": path.name,
                "lines": report.lines,
                "applied": len(report.applied),
                "already_imported": len(report.already),
                "as_of": as_of.isoformat(),
            },
        )
    return report
