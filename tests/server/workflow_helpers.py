"""Test helpers for the workflows (complaints, holds, disputes): a three-desk world (Shanghai,
New York, London), an open account of someone's in a jurisdiction, an event pushed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Api, Backend, running_backend
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, CustomerRow


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """Three desks (Shanghai, New York, London), each with its lead and agents."""
    with running_backend(request.param, tmp_path_factory, accounts=90, teams=3) as started:
        yield started


def open_account(
    world: Backend,
    api: Api,
    jurisdiction: str,
    skip: int = 0,
    statuses: tuple[str, ...] = ("open",),
) -> AccountRow:
    """The ``skip``-th account of ``api``'s user in ``jurisdiction`` (a pack id), detached."""
    with world.sessions() as session:
        rows = session.scalars(
            select(AccountRow)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                AccountRow.owner_id == api.user_id,
                CustomerRow.jurisdiction == jurisdiction,
                AccountRow.status.in_(statuses),
            )
            .order_by(AccountRow.id)
        ).all()
        assert len(rows) > skip, f"{api.username} holds too few {jurisdiction} accounts"
        row = rows[skip]
        session.expunge(row)
        return row


def push_event(
    api: Api,
    account_id: str,
    kind: str,
    payload: dict[str, Any],
    *,
    at: datetime | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Push one ``event.create``; its result (applied, or rejected with a reason)."""
    event = {
        "id": event_id or new_id(),
        "type": kind,
        "account_id": account_id,
        "occurred_at": (at or datetime.now(UTC)).isoformat(),
        "payload": payload,
    }
    response = api.push(api.mutation("event.create", event))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["results"][0]
    return result
