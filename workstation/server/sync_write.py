"""The write side of sync: pushed mutations, each applied with its result in ONE transaction.

For every mutation the server stores ``(client_id, mutation_id, request hash, result)`` in the
same transaction that applies it. Seeing the same mutation again returns the stored result
as ``duplicate``; the same mutation id with a different body is refused (422) before
anything is applied. Two processes racing on one mutation collide on the primary key of
``idempotency_records``; the loser rolls back and answers ``duplicate``.

Every mutation was read by the contract first (``validation.read_push``). Record-type
rules (DESIGN §5):

``event.create``
    Events are facts, recorded with their effects (``facts``): accepted from a former owner
    when they happened while the account was theirs (a review item goes to the new owner
    and the team lead). Promises and plans on a closed account are rejected with a reason.
``contact.patch``
    Field-level with ``base_version``: a field the server changed after ``base_version``
    and to another value keeps the server value; the client's value is stored as a conflict
    with a review item, and the answer is ``conflict`` with the server values.
``promise.cancel`` / ``plan.cancel``
    Commands the server validates (open promise, active plan, account not closed).
assignment
    Server-only: any client mutation that tries is rejected.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.contract.codec import encode_value
from workstation.contract.contacts import CUSTOMER_FIELDS, PATCHABLE, PATCHES, REQUIRED_ON_CREATE
from workstation.contract.mutations import (
    ContactPatch,
    EventCreate,
    MutationType,
    PlanCancel,
    PromiseCancel,
)
from workstation.domain.enums import (
    AccountStatus,
    PromiseStatus,
)
from workstation.domain.model import new_id
from workstation.server import facts
from workstation.server.deps import AppState, Principal, audit, utcnow
from workstation.server.errors import ApiError
from workstation.server.models import (
    AccountRow,
    ConflictRow,
    ContactRow,
    CustomerRow,
    IdempotencyRecord,
    PlanRow,
    PromiseRow,
    PushBatch,
)
from workstation.server.review import contact_words
from workstation.server.review import item as review_item
from workstation.server.sync_read import in_scope
from workstation.server.versioning import allocate, commit, versions
from workstation.text import Text

KNOWN_TYPES = tuple(t.value for t in MutationType)
ASSIGNMENT_TYPES = ("account.assign", "account.reassign", "account.update_owner", "assignment")


def canonical_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Mutation:
    """One pushed mutation: ``payload`` as sent (its hash is the idempotency check),
    ``typed`` as the contract read it (``validation.read_push``)."""

    mutation_id: str
    client_seq: int
    type: str
    payload: dict[str, Any]
    base_version: int | None
    device_time: datetime | None
    typed: Any = None

    @property
    def request_hash(self) -> str:
        return canonical_hash(
            {"type": self.type, "payload": self.payload, "base_version": self.base_version}
        )


@dataclass
class Outcome:
    status: str  # applied / rejected / conflict
    result: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    message: str | None = None
    server_value: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self, mutation_id: str) -> dict[str, Any]:
        return {
            "mutation_id": mutation_id,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "result": self.result,
            "server_value": self.server_value,
            "warnings": self.warnings,
        }


def rejected(reason: str, message: str) -> Outcome:
    return Outcome("rejected", reason=reason, message=message)


# --- entry point -------------------------------------------------------------------------------


def precheck(mutations: list[Mutation]) -> None:
    """Batch-wide checks (the contract has read each mutation already); 422 on the first."""
    seen: dict[str, str] = {}
    for m in mutations:
        if m.mutation_id in seen and seen[m.mutation_id] != m.request_hash:
            raise ApiError(
                422,
                "mutation_id_reused",
                f"mutation {m.mutation_id} appears twice in this batch with different bodies",
                mutation_id=m.mutation_id,
            )
        seen[m.mutation_id] = m.request_hash
        # the payload of a type this server does not know is still hashed and audited
        if "\\u0000" in json.dumps(m.payload):
            raise ApiError(
                422,
                "invalid_mutation",
                f"mutation {m.mutation_id} ({m.type}): text may not contain NUL characters",
                mutation_id=m.mutation_id,
            )


def check_batch_key(state: AppState, client_id: str, key: str, body_hash: str) -> None:
    """Note the batch's ``Idempotency-Key``; 422 when it came before with another body.

    The INSERT is tried first (one statement, one round trip on PostgreSQL): a new key is
    the usual case. A key seen before (or racing in from another request) collides on the
    primary key, and the stored body hash decides. Core statements on the connection, not
    the ORM: every push runs them."""
    try:
        with state.statement_engine.begin() as conn:
            conn.execute(
                _batch_key_insert(),
                {"client_id": client_id, "key": key, "request_hash": body_hash, "at": utcnow()},
            )
        return
    except IntegrityError:
        pass
    with state.statement_engine.begin() as conn:
        stored = conn.scalar(
            select(PushBatch.request_hash).where(
                PushBatch.client_id == client_id, PushBatch.key == key
            )
        )
    if stored is not None and stored != body_hash:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request body",
        )


@functools.cache
def _batch_key_insert() -> Any:
    return insert(PushBatch)


def check_stored_hashes(state: AppState, client_id: str, mutations: list[Mutation]) -> set[str]:
    """Refuse (422) a mutation id stored before with another body; return the stored ids."""
    ids = [m.mutation_id for m in mutations]
    with state.statement_engine.begin() as conn:
        stored: dict[str, str] = {
            mutation_id: request_hash
            for mutation_id, request_hash in conn.execute(
                _stored_hashes_statement(), {"client_id": client_id, "ids": ids}
            )
        }
    for m in mutations:
        if m.mutation_id in stored and stored[m.mutation_id] != m.request_hash:
            raise ApiError(
                422,
                "mutation_id_reused",
                f"mutation {m.mutation_id} was already received with a different body",
                mutation_id=m.mutation_id,
            )
    return set(stored)


@functools.cache
def _stored_hashes_statement() -> Any:
    """Built once (every push runs it): no construction or cache key per request."""
    return select(IdempotencyRecord.mutation_id, IdempotencyRecord.request_hash).where(
        IdempotencyRecord.client_id == bindparam("client_id", type_=String),
        IdempotencyRecord.mutation_id.in_(bindparam("ids", expanding=True, type_=String)),
    )


def _stored(session: Session, client_id: str, mutation_id: str) -> dict[str, Any] | None:
    record = session.get(IdempotencyRecord, (client_id, mutation_id))
    if record is None:
        return None
    return {**record.result, "status": "duplicate", "original_status": record.status}


def push(
    state: AppState,
    principal: Principal,
    mutations: list[Mutation],
    stored: set[str] | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Apply each mutation in its own transaction. ``stored``: the ids already recorded
    when the batch arrived (``check_stored_hashes``); ``None`` = unknown.

    Returns the answers and the counter's value at the batch's last commit that took
    versions (``None`` when none did): every version up to it belongs to a finished
    transaction (the counter is bumped in commit order), so it serves as the push's
    ``cursor_hint`` without reading the counter again."""
    results = []
    high: int | None = None
    seen = set(stored) if stored is not None else None
    for m in mutations:
        new = seen is not None and m.mutation_id not in seen
        answer, committed = apply_one(state, principal, m, known_new=new)
        results.append(answer)
        if committed is not None:
            high = committed
        if seen is not None:
            seen.add(m.mutation_id)  # the same mutation twice in a batch: a duplicate
    return results, high


def apply_one(
    state: AppState, principal: Principal, m: Mutation, *, known_new: bool = False
) -> tuple[dict[str, Any], int | None]:
    """The mutation's answer, and the counter's value at its commit when it took versions.

    ``known_new``: the record was absent a moment ago, so the first attempt skips looking
    it up; one stored meanwhile by a racing request collides on the record's primary key,
    and the retry answers from it."""
    client_id = principal.device_id
    for attempt in range(3):
        session = state.sessions()
        try:
            with session.begin():
                stored = (
                    None
                    if known_new and attempt == 0
                    else _stored(session, client_id, m.mutation_id)
                )
                if stored is not None:
                    return stored, None
                with session.no_autoflush:  # commit() below flushes it all in one pipeline
                    outcome = _dispatch(state, session, principal, m, optimistic=attempt == 0)
                    now = utcnow()
                    answer = outcome.as_dict(m.mutation_id)
                    record = IdempotencyRecord(
                        client_id=client_id,
                        mutation_id=m.mutation_id,
                        request_hash=m.request_hash,
                        client_seq=m.client_seq,
                        status=outcome.status,
                        result=answer,
                        at=now,
                    )
                    session.add(record)
                    # its result may name versions not yet taken
                    versions(session).stamp_on_insert(session, record, {}, ("result",))
                    audit(
                        session,
                        principal,
                        f"push.{m.type}",
                        "mutation",
                        m.mutation_id,
                        {
                            "status": outcome.status,
                            "reason": outcome.reason,
                            "result": outcome.result,
                            "warnings": outcome.warnings,
                        },
                        at=now,
                    )
                taken = commit(session)
            if taken is None or taken.base is None:
                return answer, None
            return taken.resolve(answer), taken.base + taken.count
        except IntegrityError:
            session.rollback()
            with state.sessions() as again:
                stored = _stored(again, client_id, m.mutation_id)
            if stored is not None:
                return stored, None
            # a different unique clash (e.g. an event id raced in); try once more
        finally:
            session.close()
    raise ApiError(409, "write_conflict", "the mutation kept colliding; retry later")


def _dispatch(
    state: AppState, session: Session, principal: Principal, m: Mutation, *, optimistic: bool
) -> Outcome:
    """``optimistic``: the first attempt; a clash it skipped looking for fails the commit and
    the next attempt looks (``facts.record``)."""
    if m.type == "event.create":
        return _event_create(state, session, principal, m, optimistic=optimistic)
    if m.type == "contact.patch":
        return _contact_patch(session, principal, m)
    if m.type == "promise.cancel":
        return _promise_cancel(session, principal, m)
    if m.type == "plan.cancel":
        return _plan_cancel(session, principal, m)
    if m.type in ASSIGNMENT_TYPES or m.type.startswith(("assign", "account.")):
        return rejected(
            "assignment_is_server_only",
            "accounts are assigned by the server (a lead's reassignment), never by a client",
        )
    return rejected(
        "unknown_mutation_type",
        f"unknown mutation type {m.type!r}; this server knows {', '.join(KNOWN_TYPES)}",
    )


# --- event.create --------------------------------------------------------------------------------


def _skew(state: AppState, m: Mutation, now: datetime) -> tuple[int | None, list[str]]:
    if m.device_time is None:
        return None, []
    skew = m.device_time - now
    seconds = int(skew.total_seconds())
    if abs(skew) > state.settings.clock_skew_warning:
        return seconds, [
            f"clock_skew: this device's clock is {seconds:+d} s off the server's; "
            "order is kept by the server, please correct the device clock"
        ]
    return seconds, []


def _event_create(
    state: AppState, session: Session, principal: Principal, m: Mutation, *, optimistic: bool
) -> Outcome:
    now = utcnow()
    assert isinstance(m.typed, EventCreate)
    skew_s, warnings = _skew(state, m, now)
    try:
        result = facts.record(
            state,
            session,
            principal,
            m.typed,
            skew_s=skew_s,
            warnings=warnings,
            now=now,
            optimistic=optimistic,
        )
    except facts.Refusal as refusal:
        return rejected(refusal.reason, refusal.message)
    return Outcome("applied", result=result, warnings=warnings)


# --- contact.patch ------------------------------------------------------------------------------


def _customer_in_scope(session: Session, principal: Principal, customer_id: str) -> bool:
    for account in session.scalars(select(AccountRow).where(AccountRow.customer_id == customer_id)):
        if in_scope(principal, account):
            return True
    return False


def _contact_patch(session: Session, principal: Principal, m: Mutation) -> Outcome:
    now = utcnow()
    patch = m.typed
    assert isinstance(patch, ContactPatch)
    base = int(m.base_version or 0)
    customer = session.get(CustomerRow, patch.customer_id, with_for_update=True)
    if customer is None or not _customer_in_scope(session, principal, customer.id):
        return rejected("customer_not_found", "no such customer in your portfolio")
    kind: str = patch.kind
    # the values as JSON stores them (a contact person as an object, a date as ISO text)
    fields = {name: encode_value(PATCHES[kind], name, v) for name, v in patch.fields.items()}
    contact: ContactRow | None = None
    created = False
    if kind == "customer":
        current = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
        prefix = "customer"
    else:
        assert patch.id is not None  # the contract requires it for a contact record
        contact = session.get(ContactRow, patch.id)
        if contact is not None and (contact.customer_id != customer.id or contact.kind != kind):
            return rejected("contact_not_found", f"this {kind} does not belong to the customer")
        if contact is None:
            missing = [f for f in REQUIRED_ON_CREATE[kind] if not fields.get(f)]
            if missing:
                return rejected("incomplete_contact", f"a new {kind} needs {', '.join(missing)}")
            position = len(
                list(
                    session.scalars(
                        select(ContactRow.id).where(
                            ContactRow.customer_id == customer.id, ContactRow.kind == kind
                        )
                    )
                )
            )
            contact = ContactRow(
                id=patch.id,
                customer_id=customer.id,
                kind=kind,
                position=position,
                data=dict.fromkeys(PATCHABLE[kind]),
                version=0,
            )
            created = True
        current = dict(contact.data)
        prefix = f"{kind}:{contact.id}"
    field_versions = dict(customer.field_versions or {})
    applied: dict[str, Any] = {}
    conflicts: list[dict[str, Any]] = []
    for name, value in fields.items():
        key = f"{prefix}.{name}"
        server_field_version = int(field_versions.get(key, 0))
        server_value = current.get(name)
        if value == server_value:
            continue
        if not created and server_field_version > base:
            conflicts.append(
                {
                    "field": name,
                    "server_value": server_value,
                    "client_value": value,
                    "server_field_version": server_field_version,
                }
            )
            continue
        applied[name] = value
    plan = versions(session)
    version = plan.reserve(session)
    new_version: int | str = customer.version
    if applied or created:
        for name, value in applied.items():
            current[name] = value
            field_versions[f"{prefix}.{name}"] = plan.wire(version)
        if contact is None:
            for name, value in applied.items():
                setattr(customer, name, value)
        else:
            contact.data = current
            plan.assign(contact, "version", version)
            if created:
                session.add(contact)
        customer.field_versions = field_versions
        plan.json(customer, "field_versions")
        plan.assign(customer, "version", version)
        new_version = plan.wire(version)
    elif conflicts:  # nothing applied: still send the server's values back to this device
        plan.assign(customer, "version", version)
        new_version = plan.wire(version)
    review_id = None
    for conflict in conflicts:
        conflict_id = new_id()
        session.add(
            ConflictRow(
                id=conflict_id,
                customer_id=customer.id,
                field=f"{prefix}.{conflict['field']}",
                server_value=conflict["server_value"],
                client_value=conflict["client_value"],
                base_version=base,
                server_field_version=conflict["server_field_version"],
                user_id=principal.user_id,
                device_id=principal.device_id,
                mutation_id=m.mutation_id,
                at=now,
            )
        )
        team_id = session.scalar(
            select(AccountRow.team_id).where(AccountRow.customer_id == customer.id).limit(1)
        )
        conflict_item = review_item(
            "contact_conflict",
            Text(
                f"{kind} {conflict['field']}: kept {conflict['server_value']!r}, "
                f"{principal.username} had {conflict['client_value']!r}",
                f"{contact_words(kind, conflict['field']).zh}：保留了{conflict['server_value']!r}，"
                f"{principal.username}的设备上为{conflict['client_value']!r}",
            ),
            now,
            customer_id=customer.id,
            conflict_id=conflict_id,
            team_id=team_id,
            assignee_id=principal.user_id,
            from_user_id=principal.user_id,
            detail={
                "entity": kind,
                "customer_id": customer.id,
                "contact_id": contact.id if contact is not None else None,
                "field": conflict["field"],
                "path": field_path(
                    kind, contact.id if contact is not None else None, conflict["field"]
                ),
                "server_value": conflict["server_value"],
                "client_value": conflict["client_value"],
                "base_version": base,
                "server_field_version": conflict["server_field_version"],
            },
        )
        review_id = conflict_item.id
        session.add(conflict_item)
    result = {
        "customer_id": customer.id,
        "version": new_version,
        "applied_fields": sorted(applied),
        "conflicts": [
            {k: c[k] for k in ("field", "server_value", "client_value")} for c in conflicts
        ],
    }
    if conflicts:
        return Outcome(
            "conflict",
            result={**result, "review_item_id": review_id},
            reason="concurrent_change",
            message="the server changed these fields after your base version; "
            "its values were kept and yours stored for review",
            server_value={c["field"]: c["server_value"] for c in conflicts},
        )
    return Outcome("applied", result=result)


def field_path(kind: str, contact_id: str | None, name: str) -> str:
    """A readable path of a contact detail: ``customer.language``, ``phones[ID].number``."""
    if kind == "customer" or contact_id is None:
        return f"customer.{name}"
    plural = "addresses" if kind == "address" else f"{kind}s"
    return f"{plural}[{contact_id}].{name}"


def accept_client_value(session: Session, conflict: ConflictRow) -> dict[str, Any]:
    """Apply a conflict's losing client value as a field-level patch with a new version.

    The caller checks authorization and that the item is still open; this locks the customer,
    refuses (409) when the detail is gone or its value moved on since the conflict (the lead
    would be overwriting a value they have not seen), and otherwise writes the value, the
    field version and the customer version in the caller's transaction."""
    customer = session.get(CustomerRow, conflict.customer_id, with_for_update=True)
    prefix, _, name = conflict.field.rpartition(".")
    if customer is None or not prefix or not name:
        raise ApiError(409, "not_applicable", "the conflicting detail no longer exists")
    contact: ContactRow | None = None
    if prefix == "customer":
        if name not in PATCHABLE["customer"]:
            raise ApiError(409, "not_applicable", "the conflicting field cannot be patched")
        current = getattr(customer, name)
    else:
        kind, _, contact_id = prefix.partition(":")
        contact = session.get(ContactRow, contact_id, with_for_update=True)
        if contact is None or contact.customer_id != customer.id or contact.kind != kind:
            raise ApiError(409, "not_applicable", "the conflicting detail no longer exists")
        current = dict(contact.data).get(name)
    if current not in (conflict.server_value, conflict.client_value):
        raise ApiError(
            409,
            "changed_since",
            "the value changed again after the conflict; look at the customer first",
        )
    version = allocate(session, 1)
    field_versions = dict(customer.field_versions or {})
    field_versions[conflict.field] = version
    if contact is None:
        setattr(customer, name, conflict.client_value)
    else:
        data = dict(contact.data)
        data[name] = conflict.client_value
        contact.data = data
        contact.version = version
    customer.field_versions = field_versions
    customer.version = version
    return {
        "customer_id": customer.id,
        "field": conflict.field,
        "old_value": current,
        "new_value": conflict.client_value,
        "version": version,
    }


# --- promise / plan commands ------------------------------------------------------------------


def _promise_cancel(session: Session, principal: Principal, m: Mutation) -> Outcome:
    command = m.typed
    assert isinstance(command, PromiseCancel)
    promise = session.get(PromiseRow, command.promise_event_id, with_for_update=True)
    account = session.get(AccountRow, promise.account_id, with_for_update=True) if promise else None
    if promise is None or account is None or not in_scope(principal, account):
        return rejected("promise_not_found", "no such promise in your portfolio")
    if AccountStatus(account.status).is_closed:
        return rejected("account_closed", f"the account is {account.status}")
    if promise.status != PromiseStatus.OPEN.value:
        return rejected("promise_not_open", f"the promise is already {promise.status}")
    now = utcnow()
    promise.status = PromiseStatus.CANCELLED.value
    promise.decided_at = now
    promise.reason = command.reason or "cancelled by agent"
    session.flush()
    still_open = session.scalar(
        select(PromiseRow.event_id)
        .where(PromiseRow.account_id == account.id, PromiseRow.status == PromiseStatus.OPEN.value)
        .limit(1)
    )
    if still_open is None and account.status == AccountStatus.PROMISE.value:
        account.status = AccountStatus.OPEN.value
    return _cancelled(session, account, "promise_event_id", promise.event_id)


def _plan_cancel(session: Session, principal: Principal, m: Mutation) -> Outcome:
    command = m.typed
    assert isinstance(command, PlanCancel)
    row = session.get(PlanRow, command.plan_event_id, with_for_update=True)
    account = session.get(AccountRow, row.account_id, with_for_update=True) if row else None
    if row is None or account is None or not in_scope(principal, account):
        return rejected("plan_not_found", "no such plan in your portfolio")
    if AccountStatus(account.status).is_closed:
        return rejected("account_closed", f"the account is {account.status}")
    if row.status != "active":
        return rejected("plan_not_active", f"the plan is already {row.status}")
    row.status = "cancelled"
    row.changed_at = utcnow()
    row.reason = command.reason or "cancelled by agent"
    if account.status == AccountStatus.PLAN.value:
        account.status = AccountStatus.OPEN.value
    return _cancelled(session, account, "plan_event_id", row.event_id)


def _cancelled(session: Session, account: AccountRow, key: str, event_id: str) -> Outcome:
    """A promise or plan cancelled: the account takes a new version, and the answer names
    the cancelled row (``key``) and that version."""
    plan = versions(session)
    version = plan.reserve(session)
    plan.assign(account, "version", version)
    return Outcome(
        "applied",
        result={key: event_id, "status": "cancelled", "account_version": plan.wire(version)},
    )


__all__ = ["Mutation", "check_batch_key", "check_stored_hashes", "precheck", "push"]
