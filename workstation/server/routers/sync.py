"""Sync endpoints: snapshot, changes, push, heartbeat. The contract: ``server/README.md``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import update

from workstation.contract import json_schema
from workstation.contract.mutations import Push
from workstation.server.deps import PrincipalDep, StateDep, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError, ErrorOut
from workstation.server.models import Device
from workstation.server.retention import announced_retention
from workstation.server.schemas import (
    ChangesOut,
    HeartbeatIn,
    OkOut,
    PushOut,
    SnapshotOut,
)
from workstation.server.sync_read import changes, snapshot_page
from workstation.server.sync_write import (
    Mutation,
    canonical_hash,
    check_batch_key,
    check_stored_hashes,
    precheck,
    push,
)
from workstation.server.validation import read_push
from workstation.server.versioning import committed_version

router = APIRouter(prefix="/api/v1", tags=["sync"], responses=ERROR_RESPONSES)
GONE: dict[int | str, dict[str, Any]] = {
    410: {"model": ErrorOut, "description": "resync_required: download again"}
}


@router.get("/sync/snapshot", response_model=SnapshotOut, responses=GONE)
def get_snapshot(
    principal: PrincipalDep,
    state: StateDep,
    page_token: Annotated[str | None, Query(max_length=2000)] = None,
    page_size: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> Any:
    """First sync: the caller's portfolio at one fixed version, page by page."""
    return JSONResponse(snapshot_page(state, principal, page_token, page_size))


@router.get("/sync/changes", response_model=ChangesOut, responses=GONE)
def get_changes(
    principal: PrincipalDep,
    state: StateDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)],
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    epoch: Annotated[int | None, Query(ge=0, le=2**31)] = None,
) -> Any:
    """Changes in the caller's scope after ``cursor``, in commit order."""
    return JSONResponse(changes(state, principal, cursor, limit, epoch))


@router.post(
    "/sync/push",
    response_model=PushOut,
    # the body is read by the contract (workstation.contract.mutations.Push), so it is
    # described by it too: one schema per mutation type and per event type
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": json_schema(Push)}},
        }
    },
)
def post_push(
    body: Annotated[dict[str, Any], Body()],
    principal: PrincipalDep,
    state: StateDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    """Apply a batch of mutations in order; one answer per mutation."""
    batch = read_push(body, utcnow())
    if not idempotency_key:
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header")
    if batch.client_id != principal.device_id:
        raise ApiError(403, "forbidden", "client_id does not match the device you signed in with")
    state.push_rate.take(principal.user_id, len(batch.mutations))  # 429 past the user's rate
    sent = body["mutations"]
    mutations = [
        Mutation(
            m.mutation_id,
            m.client_seq,
            m.type,
            sent[i]["payload"],
            m.base_version,
            m.device_time,
            typed=m.payload,
        )
        for i, m in enumerate(batch.mutations)
    ]
    precheck(mutations)
    body_hash = canonical_hash([[m.mutation_id, m.request_hash] for m in mutations])
    check_batch_key(state, principal.device_id, idempotency_key, body_hash)
    stored = check_stored_hashes(state, principal.device_id, mutations)
    results, hint = push(state, principal, mutations, stored)
    if hint is None:  # nothing new was written: read the counter
        with state.statement_engine.begin() as conn:
            hint = committed_version(conn)
    return JSONResponse(
        {"results": results, "cursor_hint": hint, "server_time": utcnow().isoformat()}
    )


class SyncInfoOut(BaseModel):
    change_retention_days: int
    retained_from: int


@router.get("/sync/info", response_model=SyncInfoOut)
def get_sync_info(principal: PrincipalDep, state: StateDep) -> Any:
    """How long change history is kept: a device away longer must download again (410)."""
    del principal  # any signed-in device may ask
    with state.sessions() as session:
        return announced_retention(session, state.settings.change_retention)


@router.post("/devices/heartbeat", response_model=OkOut, tags=["devices"])
def heartbeat(body: HeartbeatIn, principal: PrincipalDep, state: StateDep) -> OkOut:
    """The device reports its outbox backlog (shown in the lead's team overview)."""
    values: dict[str, Any] = {
        "last_seen_at": utcnow(),
        "outbox_pending": body.outbox_pending,
        "outbox_oldest_at": body.outbox_oldest_at,
    }
    if body.app_version:
        values["app_version"] = body.app_version
    with state.sessions.begin() as session:
        session.execute(update(Device).where(Device.id == principal.device_id).values(**values))
    return OkOut()
