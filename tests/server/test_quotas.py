"""Per-user quotas: documents stored and mutations pushed; past either, 429 with a
Retry-After (the desktop keeps the work pending), and other users are unaffected."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.server.conftest import Api, Backend, running_backend
from workstation.domain.model import new_id
from workstation.server.quota import PushRate
from workstation.server.settings import Settings


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    def settings(url: str) -> Settings:
        return Settings(
            db_url=url,
            login_max_failures_address=10_000,
            blob_quota_bytes=1000,
            push_per_minute=60,
            push_burst=5,
        )

    with running_backend("sqlite", tmp_path_factory, accounts=10, settings=settings) as started:
        yield started


def _notes(api: Api, account_id: str, n: int) -> list[dict[str, Any]]:
    return [
        api.mutation(
            "event.create",
            {
                "id": new_id(),
                "type": "note",
                "account_id": account_id,
                "occurred_at": datetime.now(UTC).isoformat(),
                "payload": {"text": f"note {i}"},
            },
        )
        for i in range(n)
    ]


def test_pushes_past_the_users_rate_wait(tight: Backend) -> None:
    first, second = (tight.login(u.username) for u in tight.of_role("agent")[:2])
    account = first.snapshot()["accounts"][0]["id"]
    accepted = first.push(*_notes(first, account, 5))
    assert accepted.status_code == 200, accepted.text
    refused = first.push(*_notes(first, account, 1))
    assert refused.status_code == 429
    assert refused.json()["error"] == "quota_exceeded"
    assert int(refused.headers["Retry-After"]) >= 1
    other = second.snapshot()["accounts"][0]["id"]
    assert second.push(*_notes(second, other, 3)).status_code == 200


def test_documents_past_the_users_quota_are_refused(tight: Backend) -> None:
    uploader, other = (tight.login(u.username) for u in tight.of_role("field")[:2])
    blobs = [b"%PDF-1.7\n" + bytes([i]) * 591 for i in range(3)]  # 600 bytes each
    digests = [hashlib.sha256(b).hexdigest() for b in blobs]

    def put(api: Api, index: int) -> Any:
        return api.http.put(
            f"{tight.base}/api/v1/blobs/{digests[index]}",
            data=blobs[index],
            headers={"Content-Type": "application/pdf"},
            timeout=30,
        )

    assert put(uploader, 0).status_code == 200
    over = put(uploader, 1)
    assert over.status_code == 429
    assert over.json()["error"] == "quota_exceeded"
    again = put(uploader, 0)  # already stored: costs nothing
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert put(other, 1).status_code == 200  # another user's quota


def test_the_bucket_refills_with_time() -> None:
    now = [0.0]
    bucket = PushRate(per_minute=60, burst=5, clock=lambda: now[0])
    bucket.take("u", 5)
    with pytest.raises(Exception, match="try again in 2 s"):
        bucket.take("u", 2)
    now[0] += 2.0
    bucket.take("u", 2)
    with pytest.raises(Exception, match="try again in 1 s"):
        bucket.take("u", 1)
    bucket.take("v", 5)  # buckets are per user
    bucket.take("w", 50)  # a batch bigger than the burst takes a full bucket
    with pytest.raises(Exception, match="try again in 1 s"):
        bucket.take("w", 1)
