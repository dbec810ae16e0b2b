"""``recall``: accounts the bank takes back leave every queue, their history kept.

Format (CSV, UTF-8, header row; ``resources/samples/recall.csv``)::

    account_ref[,reason]

Each recalled account is closed with its reason (a ``status_change`` event; ``paid`` and
``settled`` accounts keep that status), its open promises and active plans are cancelled,
and it leaves its agent's and its team's portfolio: owner and team are cleared and a
tombstone (``removals``) is written for each, exactly as a lead's reassignment does, so the
devices drop it on their next pull once their own pending work on it is acknowledged. Every
event stays on the server. The file is validated whole first; an account recalled before is
counted as such and left alone, so the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import AccountStatus, EventType, PromiseStatus
from workstation.domain.model import new_id, utcnow
from workstation.server.deps import audit
from workstation.server.lifecycle import csvfile
from workstation.server.lifecycle.bulk import chunks, file_transaction, one_of
from workstation.server.lifecycle.payments import status_change_payload
from workstation.server.models import AccountRow, EventRow, PlanRow, PromiseRow, Removal
from workstation.server.versioning import allocate

REQUIRED = ("account_ref",)
OPTIONAL = ("reason",)
DEFAULT_REASON = "recalled by the bank"


@dataclass
class RecallReport:
    file: str
    sha256: str
    dry_run: bool
    as_of: date
    lines: int = 0
    recalled: list[str] = field(default_factory=list)  # account refs
    already: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "recall",
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "recalled": len(self.recalled),
            "already_recalled": len(self.already),
            "accounts": self.recalled,
        }

    def summary(self) -> list[str]:
        head = "dry run, nothing written: " if self.dry_run else ""
        return [
            f"{head}{self.file}: {self.lines} account line(s), {len(self.recalled)} "
            f"{'would be ' if self.dry_run else ''}recalled (closed, out of every queue, "
            f"history kept), {len(self.already)} recalled before"
        ]


def recalled(account: AccountRow) -> bool:
    return (
        account.owner_id is None
        and account.team_id is None
        and (AccountStatus(account.status).is_closed)
    )


def recall_file(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    dry_run: bool = False,
    as_of: date | None = None,
    now: datetime | None = None,
) -> RecallReport:
    """Validate and apply a recall file in ONE transaction (rolled back for ``dry_run``)."""
    raw = path.read_bytes()
    now = now or utcnow()
    as_of = as_of or now.date()
    report = RecallReport(path.name, hashlib.sha256(raw).hexdigest(), dry_run, as_of)
    with file_transaction(sessions, dry_run=dry_run) as session:
        data = csvfile.read(raw, REQUIRED, OPTIONAL)
        report.lines = len(data.records)
        seen: dict[str, int] = {}
        wanted: list[tuple[str, str]] = []
        for record in data.records:
            ref = data.ref(record, "account_ref")
            reason = data.text(record, "reason", 200) or DEFAULT_REASON
            if data.unique(seen, record, "account_ref", ref) and ref is not None:
                wanted.append((ref, reason))
        accounts = _accounts(session, [ref for ref, _ in wanted])
        for record in data.records:
            ref = record.get("account_ref")
            if ref and ref not in accounts and seen.get(ref) == record.line:
                data.error(record.line, f"account_ref {ref} not found")
        data.check()
        todo = []
        for ref, reason in wanted:
            account = accounts[ref]
            if recalled(account):
                report.already.append(ref)
            else:
                todo.append((account, reason))
                report.recalled.append(ref)
        _recall(session, todo, now, as_of)
        audit(session, None, "recall", "file", report.sha256[:64], report.as_dict())
    return report


def _accounts(session: Session, refs: list[str]) -> dict[str, AccountRow]:
    found: dict[str, AccountRow] = {}
    for chunk in chunks(session, refs):
        for account in session.scalars(
            select(AccountRow)
            .where(one_of(session, AccountRow.account_ref, chunk))
            .order_by(AccountRow.id)
            .with_for_update()
        ):
            assert account.account_ref is not None
            found[account.account_ref] = account
    return found


def _recall(
    session: Session, todo: list[tuple[AccountRow, str]], now: datetime, as_of: date
) -> None:
    if not todo:
        return
    moment = max(now, datetime.combine(as_of, time(12), UTC))
    # versions: the account row, its event, and a tombstone for its owner and its team
    version = allocate(session, 4 * len(todo))
    ids = [account.id for account, _ in todo]
    for chunk in chunks(session, ids):
        session.execute(
            update(PromiseRow)
            .where(
                one_of(session, PromiseRow.account_id, chunk),
                PromiseRow.status == PromiseStatus.OPEN.value,
            )
            .values(status=PromiseStatus.CANCELLED.value, decided_at=now, reason="account recalled")
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(PlanRow)
            .where(one_of(session, PlanRow.account_id, chunk), PlanRow.status == "active")
            .values(status="cancelled", changed_at=now, reason="account recalled")
            .execution_options(synchronize_session=False)
        )
    for account, reason in todo:
        old = account.status
        new = old if AccountStatus(old).is_closed else AccountStatus.CLOSED.value
        session.add(
            EventRow(
                id=new_id(),
                type=EventType.STATUS_CHANGE.value,
                account_id=account.id,
                customer_id=account.customer_id,
                occurred_at=moment,
                received_at=now,
                recorded_by="bank recall file",
                payload={**status_change_payload(old, new, reason), "recalled": True},
                server_version=version + 1,
            )
        )
        for offset, (user_id, team_id) in enumerate(
            ((account.owner_id, None), (None, account.team_id)), start=2
        ):
            if user_id is None and team_id is None:
                continue
            session.add(
                Removal(
                    version=version + offset,
                    kind="account",
                    entity_id=account.id,
                    user_id=user_id,
                    team_id=team_id,
                    reason="recalled",
                    at=now,
                )
            )
        account.status = new
        account.status_reason = reason
        account.owner_id = None
        account.team_id = None
        account.version = version
        version += 4
