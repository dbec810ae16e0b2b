"""Every endpoint refuses the wrong role or team (403/404) and the answer leaks nothing.

``CASES`` lists, per operation, who must be refused; a test checks the table covers every
operation the OpenAPI schema publishes, so a new endpoint without a case fails here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import select

from tests.server.conftest import Api, Backend
from workstation.server.models import AccountRow, CustomerRow, ReviewItem

Ctx = dict[str, Any]
Check = Callable[[Backend, Ctx], None]


def _ctx(backend: Backend) -> Ctx:
    """Ids owned by li.na (sh-desk) and by ny-desk, plus a blob and a review item of li.na's."""
    users = backend.users
    with backend.sessions() as session:
        li_account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == users["li.na"].user_id).limit(1)
        ).one()
        ny_account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == users["maria.lopez"].user_id).limit(1)
        ).one()
        customer = session.get(CustomerRow, li_account.customer_id)
        assert customer is not None
    li = backend.login("li.na")
    blob = b"%PDF-1.4 agreement of li.na"
    sha = hashlib.sha256(blob).hexdigest()
    assert li.http.put(f"{li.base}/api/v1/blobs/{sha}", data=blob, timeout=30).status_code == 200
    with backend.sessions.begin() as session:
        item = ReviewItem(
            id="review-of-li-na", kind="contact_conflict", account_id=li_account.id,
            customer_id=customer.id, team_id=li_account.team_id,
            assignee_id=users["li.na"].user_id, summary="x", detail={},
            created_at=datetime.now(UTC),
        )  # fmt: skip
        if session.get(ReviewItem, item.id) is None:
            session.add(item)
    return {
        "li_account": li_account.id,
        "li_customer": li_account.customer_id,
        "ny_account": ny_account.id,
        "blob": sha,
        "review": "review-of-li-na",
        "li_user": users["li.na"].user_id,
        "chen_user": users["chen.jie"].user_id,
        "maria_user": users["maria.lopez"].user_id,
        "james_user": users["james.carter"].user_id,
    }


def _refused(response: requests.Response, *codes: int) -> None:
    assert response.status_code in (codes or (403, 404)), (response.status_code, response.text)
    body = response.json() if response.content else {}
    assert set(body) <= {"error", "message"}, body  # nothing else: no data, no hints
    text = json.dumps(body)
    for secret in ("balance", "customer_id", "phones", "national_id"):
        assert secret not in text


# (method, path template, body, [usernames that must be refused])
AGENTS = ["li.na", "chen.jie", "wang.qiang"]
NOT_LEAD = [*AGENTS, "admin"]
NOT_ADMIN = ["li.na", "wang.qiang", "zhao.min"]
CASES: list[tuple[str, str, Any, list[str]]] = [
    ("GET", "/api/v1/accounts/{ny_account}", None, ["li.na", "zhao.min", "admin"]),
    ("GET", "/api/v1/accounts/{li_account}", None, ["chen.jie", "wang.qiang", "dana.white",
                                                    "maria.lopez", "admin"]),
    ("GET", "/api/v1/customers/{li_customer}", None, ["chen.jie", "dana.white", "admin"]),
    ("GET", "/api/v1/blobs/{blob}", None, ["chen.jie", "maria.lopez", "dana.white"]),
    ("HEAD", "/api/v1/blobs/{blob}", None, ["chen.jie", "maria.lopez"]),
    ("GET", "/api/v1/review", None, ["admin"]),
    ("POST", "/api/v1/review/{review}/ack", None, ["chen.jie", "dana.white", "admin"]),
    ("POST", "/api/v1/review/{review}/accept-client-value", None, [*NOT_LEAD, "dana.white"]),
    ("POST", "/api/v1/review/{review}/reassign", {"agent": "{chen_user}"},
     [*NOT_LEAD, "dana.white"]),
    ("GET", "/api/v1/team/overview", None, NOT_LEAD),
    ("GET", "/api/v1/team/accounts", None, NOT_LEAD),
    ("GET", "/api/v1/team/kpis", None, NOT_LEAD),
    ("POST", "/api/v1/team/reassign", {"account_ids": ["{li_account}"], "to_user_id":
                                       "{chen_user}", "dry_run": True}, [*NOT_LEAD, "dana.white"]),
    ("POST", "/api/v1/team/reassign", {"account_ids": ["{ny_account}"], "to_user_id":
                                       "{li_user}", "dry_run": True}, ["zhao.min"]),
    ("POST", "/api/v1/team/move-queue", {"from_user_id": "{li_user}", "to_user_id":
                                         "{chen_user}", "dry_run": True},
     [*NOT_LEAD, "dana.white"]),
    ("POST", "/api/v1/team/rebalance", {"user_ids": ["{maria_user}", "{james_user}"],
                                        "dry_run": True}, [*NOT_LEAD, "zhao.min"]),
    ("GET", "/api/v1/admin/teams", None, NOT_ADMIN),
    ("POST", "/api/v1/admin/teams", {"name": "intruders"}, NOT_ADMIN),
    ("GET", "/api/v1/admin/users", None, NOT_ADMIN),
    ("POST", "/api/v1/admin/users", {"username": "mallory", "password": "p4ssword!",
                                     "role": "admin"}, NOT_ADMIN),
    ("PATCH", "/api/v1/admin/users/{li_user}", {"role": "admin"}, NOT_ADMIN),
    ("GET", "/api/v1/admin/devices", None, NOT_ADMIN),
    ("POST", "/api/v1/admin/devices/whatever-device/revoke", None, NOT_ADMIN),
    ("GET", "/api/v1/admin/audit", None, NOT_ADMIN),
    ("POST", "/api/v1/admin/promises/evaluate", None, NOT_ADMIN),
]  # fmt: skip
# operations whose refusal is tested elsewhere or which are public by design
OTHER_TESTS = {
    ("POST", "/api/v1/auth/login"): "test_auth (wrong password, revoked device, throttle)",
    ("POST", "/api/v1/auth/refresh"): "test_auth (reuse, other device)",
    ("POST", "/api/v1/auth/logout"): "test_unauthenticated_is_401_everywhere",
    ("GET", "/api/v1/auth/me"): "test_unauthenticated_is_401_everywhere",
    ("GET", "/api/v1/health"): "public",
    ("GET", "/api/v1/sync/snapshot"): "test_sync_scope_is_the_callers",
    ("GET", "/api/v1/sync/changes"): "test_sync_scope_is_the_callers",
    ("POST", "/api/v1/sync/push"): "test_sync_scope_is_the_callers",
    ("POST", "/api/v1/devices/heartbeat"): "test_unauthenticated_is_401_everywhere",
    # any signed-in device may read the retention; nothing in it is scoped
    ("GET", "/api/v1/sync/info"): "test_unauthenticated_is_401_everywhere",
    ("GET", "/api/v1/scorecard"): "test_unauthenticated_is_401_everywhere (same for all)",
    ("PUT", "/api/v1/blobs/{sha256}"): "test_unauthenticated_is_401_everywhere",
    # Messaging webhooks authenticate the gateway (shared token) or the customer (signed
    # unsubscribe link), not a user: test_messaging covers wrong tokens and forged links.
    ("POST", "/api/v1/messaging/sms/inbound"): "test_messaging (wrong webhook token → 401)",
    ("POST", "/api/v1/messaging/sms/status"): "test_messaging (wrong webhook token → 401)",
    ("GET", "/api/v1/messaging/unsubscribe"): "test_messaging (forged link → 400)",
    ("POST", "/api/v1/messaging/unsubscribe"): "test_messaging (forged link → 400)",
}


def _fill(value: Any, ctx: Ctx) -> Any:
    if isinstance(value, str):
        return value.format(**ctx)
    if isinstance(value, list):
        return [_fill(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ctx) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def ctx(backend: Backend) -> Ctx:
    return _ctx(backend)


@pytest.fixture(scope="module")
def sessions_by_user(backend: Backend) -> dict[str, Api]:
    names = {n for _, _, _, who in CASES for n in who} | {"li.na", "zhao.min", "admin"}
    return {n: backend.login(n) for n in sorted(names)}


@pytest.mark.parametrize(("method", "path", "body", "refused"), CASES)
def test_wrong_role_or_team_is_refused(  # noqa: PLR0917
    backend: Backend,
    ctx: Ctx,
    sessions_by_user: dict[str, Api],
    method: str,
    path: str,
    body: Any,
    refused: list[str],
) -> None:
    url = path.format(**ctx)
    for username in refused:
        api = sessions_by_user[username]
        response = api.http.request(method, api.base + url, json=_fill(body, ctx), timeout=30)
        if method == "HEAD":
            assert response.status_code in (403, 404)
        else:
            _refused(response)


def test_the_rightful_user_is_served(
    backend: Backend, ctx: Ctx, sessions_by_user: dict[str, Api]
) -> None:
    li, lead, admin = (
        sessions_by_user["li.na"],
        sessions_by_user["zhao.min"],
        sessions_by_user["admin"],
    )
    assert li.get(f"/api/v1/accounts/{ctx['li_account']}").status_code == 200
    assert li.get(f"/api/v1/customers/{ctx['li_customer']}").status_code == 200
    assert li.get(f"/api/v1/blobs/{ctx['blob']}").status_code == 200
    assert lead.get(f"/api/v1/accounts/{ctx['li_account']}").status_code == 200
    assert lead.get("/api/v1/team/overview").status_code == 200
    assert admin.get("/api/v1/admin/users").status_code == 200


def test_sync_scope_is_the_callers(backend: Backend, sessions_by_user: dict[str, Api]) -> None:
    users = backend.users
    li = sessions_by_user["li.na"].snapshot()
    assert {a["owner_id"] for a in li["accounts"]} == {users["li.na"].user_id}
    lead = sessions_by_user["zhao.min"].snapshot()
    with backend.sessions() as session:
        team = session.scalars(
            select(AccountRow.id).where(AccountRow.team_id == lead["accounts"][0]["team_id"])
        ).all()
    assert sorted(a["id"] for a in lead["accounts"]) == sorted(team)
    admin = sessions_by_user["admin"].snapshot()
    assert admin["accounts"] == admin["customers"] == admin["events"] == []
    changes = sessions_by_user["li.na"].changes(0, limit=5000)
    assert {a["owner_id"] for a in changes["accounts"]} <= {users["li.na"].user_id}


def test_unauthenticated_is_401_everywhere(backend: Backend) -> None:
    schema = requests.get(backend.base + "/openapi.json", timeout=30).json()
    for path, ops in schema["paths"].items():
        for method in ops:
            if path in ("/api/v1/health", "/api/v1/auth/login", "/api/v1/auth/refresh"):
                continue
            url = backend.base + path.replace("{", "").replace("}", "")
            response = requests.request(method.upper(), url, timeout=30)
            assert response.status_code in (401, 422), (method, path, response.status_code)
            if response.status_code == 422 or method == "head":  # nothing served either way
                continue
            assert response.json()["error"] == "not_authenticated"


def test_every_operation_has_an_authorization_case(backend: Backend) -> None:
    schema = requests.get(backend.base + "/openapi.json", timeout=30).json()
    covered = {(m, p) for m, p, _, _ in CASES}
    templated = set()
    for method, path in covered:
        for real in schema["paths"]:
            pattern = real.split("{")[0]
            if path.startswith(pattern) and path.count("/") == real.count("/"):
                templated.add((method, real))
    for path, ops in schema["paths"].items():
        for method in ops:
            key = (method.upper(), path)
            assert key in templated or key in OTHER_TESTS, f"no authorization test for {key}"
