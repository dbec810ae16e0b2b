"""Reading single records (audited), blobs, the scorecard and the review queue."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from workstation.domain.enums import Role
from workstation.server import lead, sync_write
from workstation.server.deps import PrincipalDep, StateDep, audit, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError, not_found
from workstation.server.headers import SAFE_MAGIC as _MAGIC
from workstation.server.headers import document_headers, safe_content_type
from workstation.server.models import AccountRow, Blob, ConflictRow, EventRow, ReviewItem
from workstation.server.quota import check_blob_quota
from workstation.server.schemas import AccountOut, CustomerOut, EventOut, OkOut, ScorecardOut
from workstation.server.serialize import event_dict, load_accounts, load_customers
from workstation.server.strategy import field_referral
from workstation.server.sync_read import in_scope, scope_filter, scorecard_dict, scorecard_latest
from workstation.server.workflows.events import Author

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
RecordId = Annotated[str, Path(min_length=1, max_length=64)]
SHA = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


class AccountRecordOut(BaseModel):
    account: AccountOut
    customer: CustomerOut
    events: list[EventOut]


class CustomerRecordOut(BaseModel):
    customer: CustomerOut
    accounts: list[AccountOut]


@router.get("/accounts/{account_id}", response_model=AccountRecordOut, tags=["records"])
def get_account(account_id: RecordId, principal: PrincipalDep, state: StateDep) -> Any:
    """One account with its customer and whole history (an audited read)."""
    with state.sessions.begin() as session:
        account = session.get(AccountRow, account_id)
        if account is None or not in_scope(principal, account):
            raise not_found("account")
        events = session.scalars(
            select(EventRow)
            .where(EventRow.account_id == account.id)
            .order_by(EventRow.server_version)
        )
        out = {
            "account": load_accounts(session, [account.id])[0],
            "customer": load_customers(session, [account.customer_id])[0],
            "events": [event_dict(e) for e in events],
        }
        audit(
            session,
            principal,
            "read.account",
            "account",
            account.id,
            {"customer_id": account.customer_id},
        )
        return out


@router.get("/customers/{customer_id}", response_model=CustomerRecordOut, tags=["records"])
def get_customer(customer_id: RecordId, principal: PrincipalDep, state: StateDep) -> Any:
    """One customer with the accounts of theirs the caller may see (an audited read)."""
    with state.sessions.begin() as session:
        ids = list(
            session.scalars(
                select(AccountRow.id).where(
                    AccountRow.customer_id == customer_id, scope_filter(principal)
                )
            )
        )
        if not ids:
            raise not_found("customer")
        out = {
            "customer": load_customers(session, [customer_id])[0],
            "accounts": load_accounts(session, ids),
        }
        audit(session, principal, "read.customer", "customer", customer_id)
        return out


# --- blobs ---------------------------------------------------------------------------------------


class BlobOut(BaseModel):
    sha256: str
    size: int
    created: bool


def _blob_visible(state: StateDep, principal: PrincipalDep, sha256: str) -> Blob | None:
    with state.sessions() as session:
        # The content (up to the blob size cap) is not needed to decide visibility or to
        # answer HEAD; get_blob reads it on its own.
        blob = session.get(Blob, sha256, options=[defer(Blob.content)])
        if blob is None:
            return None
        if blob.uploaded_by == principal.user_id or principal.role == Role.ADMIN:
            return blob
        # Only an event the uploader recorded vouches for the document: naming someone
        # else's hash on an event of one's own must not open their document (issue 20).
        # A ``document`` event is the server's own (no device may push one).
        referenced = session.scalar(
            select(EventRow.id)
            .join(AccountRow, AccountRow.id == EventRow.account_id)
            .where(
                scope_filter(principal),
                # the desk's agreements, and the documents the server produced (letters)
                EventRow.type.in_(("plan_agreement", "document")),
                EventRow.payload["document_sha256"].as_string() == sha256,
                or_(
                    EventRow.type == "document",
                    EventRow.recorded_by_id == blob.uploaded_by,
                ),
            )
            .limit(1)
        )
        return blob if referenced else None


@router.put(
    "/blobs/{sha256}",
    response_model=BlobOut,
    tags=["blobs"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def put_blob(
    sha256: SHA, request: Request, principal: PrincipalDep, state: StateDep
) -> BlobOut:
    """Upload a document by its SHA-256 (idempotent: the same bytes twice are stored once)."""
    limit = state.settings.max_blob_bytes
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"a document may be at most {limit} bytes")
        chunks.append(chunk)
    data = b"".join(chunks)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ApiError(422, "hash_mismatch", "the body's SHA-256 does not match the URL")
    # stored as what the bytes are (an allowed document type they agree with), never as
    # whatever the uploader declared
    content_type = safe_content_type(request.headers.get("content-type", ""), data[:16])
    created = True
    from starlette.concurrency import run_in_threadpool

    def store() -> bool:
        try:
            with state.sessions.begin() as session:
                if session.get(Blob, sha256) is not None:
                    return False
                check_blob_quota(session, principal.user_id, size, state.settings.blob_quota_bytes)
                session.add(
                    Blob(
                        sha256=sha256,
                        size=size,
                        content_type=content_type,
                        content=data,
                        uploaded_by=principal.user_id,
                        created_at=utcnow(),
                    )
                )
                audit(session, principal, "blob.put", "blob", sha256, {"size": size})
            return True
        except IntegrityError:
            return False

    created = await run_in_threadpool(store)
    return BlobOut(sha256=sha256, size=size, created=created)


@router.head("/blobs/{sha256}", tags=["blobs"], response_class=Response)
def head_blob(sha256: SHA, principal: PrincipalDep, state: StateDep) -> Response:
    blob = _blob_visible(state, principal, sha256)
    if blob is None:
        raise not_found("document")
    content_type = safe_content_type(blob.content_type, _MAGIC.get(blob.content_type, b""))
    return Response(
        status_code=200,
        headers={
            "Content-Length": str(blob.size),
            "Content-Type": content_type,
            **document_headers(sha256, content_type),
        },
    )


@router.get(
    "/blobs/{sha256}",
    tags=["blobs"],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_blob(sha256: SHA, principal: PrincipalDep, state: StateDep) -> Response:
    blob = _blob_visible(state, principal, sha256)
    if blob is None:
        raise not_found("document")
    with state.sessions.begin() as session:
        content = session.scalar(select(Blob.content).where(Blob.sha256 == sha256))
        audit(session, principal, "read.blob", "blob", sha256)
    content_type = safe_content_type(blob.content_type, (content or b"")[:16])
    return Response(
        content=content, media_type=content_type, headers=document_headers(sha256, content_type)
    )


# --- scorecard ----------------------------------------------------------------------------------


@router.get("/scorecard", response_model=ScorecardOut | None, tags=["sync"])
def get_scorecard(principal: PrincipalDep, state: StateDep) -> Any:
    """The current propensity scorecard (also delivered by ``/sync/changes``), or null."""
    with state.sessions() as session:
        return scorecard_dict(scorecard_latest(session))


# --- review queue -------------------------------------------------------------------------------


class ReviewItemOut(BaseModel):
    id: str
    kind: str
    account_id: str | None
    customer_id: str | None
    event_id: str | None
    conflict_id: str | None
    team_id: str | None
    assignee_id: str | None
    from_user_id: str | None
    summary: str
    summary_zh: str = ""  # the summary in Chinese ("" for an item made before it was kept)
    detail: dict[str, Any]
    created_at: str
    acknowledged_at: str | None
    acknowledged_by: str | None


def _review_scope(principal: PrincipalDep) -> Any:
    if principal.role == Role.LEAD and principal.team_id:
        return ReviewItem.team_id == principal.team_id
    if principal.is_collector:
        return or_(ReviewItem.assignee_id == principal.user_id)
    raise ApiError(403, "forbidden", "the review queue is for collectors and leads")


def _review_out(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "account_id": item.account_id,
        "customer_id": item.customer_id,
        "event_id": item.event_id,
        "conflict_id": item.conflict_id,
        "team_id": item.team_id,
        "assignee_id": item.assignee_id,
        "from_user_id": item.from_user_id,
        "summary": item.summary,
        "summary_zh": item.summary_zh or "",
        "detail": item.detail,
        "created_at": item.created_at.isoformat(),
        "acknowledged_at": item.acknowledged_at.isoformat() if item.acknowledged_at else None,
        "acknowledged_by": item.acknowledged_by,
    }


@router.get("/review", response_model=list[ReviewItemOut], tags=["review"])
def list_review(
    principal: PrincipalDep,
    state: StateDep,
    include_acknowledged: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """A lead sees the team's items; an agent the items flagged to them."""
    scope = _review_scope(principal)
    with state.sessions() as session:
        stmt = select(ReviewItem).where(scope)
        if not include_acknowledged:
            stmt = stmt.where(ReviewItem.acknowledged_at.is_(None))
        items = session.scalars(stmt.order_by(ReviewItem.created_at.desc()).limit(limit))
        return [_review_out(i) for i in items]


@router.post("/review/{item_id}/ack", response_model=OkOut, tags=["review"])
def ack_review(item_id: RecordId, principal: PrincipalDep, state: StateDep) -> OkOut:
    scope = _review_scope(principal)
    with state.sessions.begin() as session:
        done = session.execute(
            update(ReviewItem)
            .where(ReviewItem.id == item_id, scope)
            .values(acknowledged_at=utcnow(), acknowledged_by=principal.user_id)
        ).rowcount  # type: ignore[attr-defined]
        if not done:
            raise not_found("review item")
        audit(session, principal, "review.ack", "review_item", item_id)
    return OkOut()


def _lead_item(session: Session, principal: PrincipalDep, item_id: str) -> ReviewItem:
    """The item, locked, if the caller leads its team (otherwise 403 for non-leads, 404)."""
    if principal.role != Role.LEAD or not principal.team_id:
        raise ApiError(403, "forbidden", "only the team lead may resolve review items")
    item = session.get(ReviewItem, item_id, with_for_update=True)
    if item is None or item.team_id != principal.team_id:
        raise not_found("review item")
    if item.acknowledged_at is not None:
        raise ApiError(409, "already_resolved", "this review item is already resolved")
    return item


def _resolve(item: ReviewItem, principal: PrincipalDep, resolution: dict[str, Any]) -> None:
    item.acknowledged_at = utcnow()
    item.acknowledged_by = principal.user_id
    item.detail = {**(item.detail or {}), "resolution": resolution}


@router.post("/review/{item_id}/accept-client-value", response_model=ReviewItemOut, tags=["review"])
def accept_client_value(item_id: RecordId, principal: PrincipalDep, state: StateDep) -> Any:
    """Lead only: apply the value that lost a contact-detail conflict (the client's) as a
    new field-level change devices pull, and resolve the item; 409 when the item is not a
    contact conflict, is already resolved, or the value changed again since."""
    with state.sessions.begin() as session:
        item = _lead_item(session, principal, item_id)
        conflict = (
            session.get(ConflictRow, item.conflict_id)
            if item.kind == "contact_conflict" and item.conflict_id
            else None
        )
        if conflict is None:
            raise ApiError(
                409, "not_applicable", "only a contact-detail conflict has another value"
            )
        applied = sync_write.accept_client_value(session, conflict)
        _resolve(item, principal, {"action": "accept_client_value", **applied})
        audit(
            session,
            principal,
            "review.accept_client_value",
            "customer",
            conflict.customer_id,
            {"review_item_id": item.id, "conflict_id": conflict.id, **applied},
        )
        session.flush()
        return _review_out(item)


class ReviewReassignIn(BaseModel):
    agent: Annotated[str, Field(min_length=1, max_length=64)]
    # needed when the agent is not certified for the account's jurisdiction (audited)
    reason: Annotated[str, Field(max_length=500)] | None = None


@router.post("/review/{item_id}/reassign", response_model=ReviewItemOut, tags=["review"])
def reassign_from_review(
    item_id: RecordId, body: ReviewReassignIn, principal: PrincipalDep, state: StateDep
) -> Any:
    """Lead only: give the item's account (for a customer-level item, the team's accounts of
    that customer) to an agent of the team, in one transaction with the reassignment's audit,
    and resolve the item."""
    with state.sessions.begin() as session:
        item = _lead_item(session, principal, item_id)
        if item.account_id:
            account_ids = [item.account_id]
        elif item.customer_id:
            account_ids = list(
                session.scalars(
                    select(AccountRow.id).where(
                        AccountRow.customer_id == item.customer_id,
                        AccountRow.team_id == principal.team_id,
                    )
                )
            )
        else:
            account_ids = []
        if not account_ids:
            raise ApiError(409, "not_applicable", "this review item names no account to reassign")
        result = lead.reassign(
            session, principal, account_ids, body.agent, False, reason=body.reason
        )
        if item.kind == field_referral.KIND and item.account_id:
            # moved to a field collector: the strategy's visit is his task from today
            account = session.get(AccountRow, item.account_id)
            if account is not None:
                author = Author(principal.username, principal.user_id, principal.device_id)
                field_referral.raise_visit(session, item, account, author, utcnow())
        _resolve(
            item,
            principal,
            {
                "action": "reassign",
                "to_user_id": body.agent,
                "batch_id": result["batch_id"],
                "moved": result["summary"]["count"],
            },
        )
        item.assignee_id = body.agent
        audit(
            session,
            principal,
            "review.reassign",
            "review_item",
            item.id,
            {"to": body.agent, "account_ids": account_ids, "batch_id": result["batch_id"]},
        )
        session.flush()
        return _review_out(item)
