"""Bad input gets a clear 4xx and writes nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from tests.server.conftest import Backend
from workstation.server.models import EventRow, IdempotencyRecord


def _counts(backend: Backend) -> tuple[int, int]:
    with backend.sessions() as session:
        events = session.scalar(select(func.count()).select_from(EventRow)) or 0
        records = session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0
    return int(events), int(records)


def test_malformed_json_wrong_types_unknown_enums_and_huge_bodies(backend: Backend) -> None:
    agent = backend.login("li.na")
    before = _counts(backend)
    url = agent.base + "/api/v1/sync/push"
    headers = {"Idempotency-Key": "bad-1", "Content-Type": "application/json"}
    truncated = agent.http.post(url, data=b'{"client_id": "x", "mutations": [', headers=headers)
    assert truncated.status_code == 400
    assert truncated.json()["error"] == "malformed_json"
    wrong = agent.post("/api/v1/sync/push", {"client_id": agent.client_id, "mutations": "many"},
                       headers={"Idempotency-Key": "bad-2"})  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "invalid_request"
    assert "mutations" in wrong.json()["message"]
    seq = agent.post("/api/v1/sync/push", {"client_id": agent.client_id, "mutations": [
        {"mutation_id": "m", "client_seq": "first", "type": "event.create", "payload": {}}]},
        headers={"Idempotency-Key": "bad-3"})  # fmt: skip
    assert seq.status_code == 422
    huge = agent.http.post(url, data=b"{" + b" " * 2_000_000 + b"}", headers=headers)
    assert huge.status_code == 413
    assert huge.json()["error"] == "payload_too_large"

    def chunks():  # no Content-Length: the cap still holds while streaming
        for _ in range(40):
            yield b" " * 50_000

    streamed = agent.http.post(url, data=chunks(), headers=headers)
    assert streamed.status_code == 413
    enum = agent.get("/api/v1/team/accounts", params={"status": "vanished"})
    assert enum.status_code in (403, 422)
    lead = backend.login("zhao.min")
    bad_enum = lead.get("/api/v1/team/accounts", params={"status": "vanished"})
    assert bad_enum.status_code == 422
    bad_by = lead.post("/api/v1/team/rebalance", {"user_ids": ["a", "b"], "by": "mood"})
    assert bad_by.status_code == 422
    assert _counts(backend) == before


def test_blob_upload_is_verified_and_idempotent(backend: Backend) -> None:
    agent = backend.login("li.na")
    data = b"%PDF-1.7 plan agreement"
    sha = hashlib.sha256(data).hexdigest()
    wrong = agent.http.put(f"{agent.base}/api/v1/blobs/{'0' * 64}", data=data)
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "hash_mismatch"
    first = agent.http.put(f"{agent.base}/api/v1/blobs/{sha}", data=data,
                           headers={"Content-Type": "application/pdf"})  # fmt: skip
    assert first.status_code == 200
    assert first.json() == {"sha256": sha, "size": len(data), "created": True}
    again = agent.http.put(f"{agent.base}/api/v1/blobs/{sha}", data=data)
    assert again.json()["created"] is False
    head = agent.http.head(f"{agent.base}/api/v1/blobs/{sha}")
    assert head.status_code == 200
    assert int(head.headers["Content-Length"]) == len(data)
    got = agent.get(f"/api/v1/blobs/{sha}")
    assert got.content == data
    assert got.headers["content-type"] == "application/pdf"
    assert agent.http.put(f"{agent.base}/api/v1/blobs/not-a-hash", data=data).status_code == 422
