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
from workstation.domain.model import new_id
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
    complaint = {
        "id": new_id(), "type": "complaint", "account_id": li_account.id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": {"category": "staff_conduct", "details": "authorization case"},
    }  # fmt: skip
    pushed = li.push(li.mutation("event.create", complaint)).json()["results"][0]
    assert pushed["status"] == "applied", pushed
    disputed = {
        "id": new_id(), "type": "dispute", "account_id": li_account.id,
        "occurred_at": datetime.now(UTC).isoformat(), "payload": {"reason": "not_mine"},
    }  # fmt: skip
    pushed = li.push(li.mutation("event.create", disputed)).json()["results"][0]
    assert pushed["status"] == "applied", pushed
    asked = {
        "id": new_id(), "type": "approval", "account_id": li_account.id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": {"kind": "settlement", "total": "1.00", "currency": li_account.currency,
                    "issues": ["below the floor"], "justification": "authorization case"},
    }  # fmt: skip
    pushed = li.push(li.mutation("event.create", asked)).json()["results"][0]
    assert pushed["status"] == "applied", pushed
    return {
        "li_approval": asked["id"],
        "li_complaint": complaint["id"],
        "li_dispute": disputed["id"],
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
# the payment processor's user (integration role) may post payments and nothing else
FEED = "bank.feed"
NOT_LEAD = [*AGENTS, "admin", FEED]
NOT_ADMIN = ["li.na", "wang.qiang", "zhao.min", FEED]
CASES: list[tuple[str, str, Any, list[str]]] = [
    ("GET", "/api/v1/accounts/{ny_account}", None, ["li.na", "zhao.min", "admin"]),
    ("GET", "/api/v1/accounts/{li_account}", None, ["chen.jie", "wang.qiang", "dana.white",
                                                    "maria.lopez", "admin", FEED]),
    ("GET", "/api/v1/customers/{li_customer}", None, ["chen.jie", "dana.white", "admin", FEED]),
    ("GET", "/api/v1/blobs/{blob}", None, ["chen.jie", "maria.lopez", "dana.white"]),
    ("HEAD", "/api/v1/blobs/{blob}", None, ["chen.jie", "maria.lopez"]),
    ("GET", "/api/v1/review", None, ["admin", FEED]),
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
    # complaints: a lead's team, a collector's portfolio; steps for its handlers only
    ("GET", "/api/v1/complaints", None, ["admin", FEED]),
    ("GET", "/api/v1/complaints/kpis?from=2026-01-01&to=2026-01-31", None, NOT_LEAD),
    ("GET", "/api/v1/portal/kpis?from=2026-01-01&to=2026-01-31", None, [*AGENTS, FEED]),
    ("GET", "/api/v1/complaints/{li_complaint}", None, ["chen.jie", "wang.qiang", "dana.white",
                                                       "maria.lopez", "admin", FEED]),
    ("POST", "/api/v1/complaints", {"account_id": "{li_account}", "category": "other",
                                    "details": "x"}, [*NOT_LEAD, "dana.white"]),
    ("POST", "/api/v1/complaints/{li_complaint}/acknowledge", {}, ["li.na", "chen.jie",
                                                                  "dana.white", "admin", FEED]),
    # holds: lifted by their lifting event, by a role that may (the table), in one's scope
    ("POST", "/api/v1/holds/{li_account}/lift", {"flag": "cease_communication",
                                                  "details": "x"}, ["li.na", "chen.jie",
                                                                    "dana.white", "admin", FEED]),
    # disputes: a lead's team, a collector's portfolio; steps for the team's lead only
    ("GET", "/api/v1/disputes", None, ["admin", FEED]),
    ("POST", "/api/v1/disputes/{li_dispute}/resume", {"note": "x"}, ["li.na", "chen.jie",
                                                                    "dana.white", "admin", FEED]),
    # corrections: a void of a record in one's scope (the table decides the rest)
    ("POST", "/api/v1/events/{li_complaint}/void", {"reason": "x"}, ["chen.jie", "wang.qiang",
                                                                    "dana.white", "admin", FEED]),
    # approvals: the team's lead answers; collectors and leads list their own scope
    ("GET", "/api/v1/approvals", None, ["admin", FEED]),
    ("POST", "/api/v1/approvals/{li_approval}/approve", {}, ["li.na", "chen.jie", "dana.white",
                                                              "admin", FEED]),
    # confirmed money: the payment processor (integration role) and admins only
    ("POST", "/api/v1/payments", {"payment_ref": "AUTHZ-1", "account_ref": "CN-000000001",
                                  "amount": "1.00", "currency": "CNY", "paid_on": "2026-01-01"},
     [*AGENTS, "zhao.min", "dana.white"]),
    ("POST", "/api/v1/payments/AUTHZ-NONE/return", {"returned_on": "2026-01-01",
                                                    "reason": "recalled"},
     [*AGENTS, "zhao.min", "dana.white"]),
    # strategies: leads and admins run experiments; one account's arms in one's own scope
    ("GET", "/api/v1/strategies", None, [*AGENTS, FEED]),
    ("POST", "/api/v1/strategies/experiments", {"name": "x", "segment": "able_willing",
                                                "challenger_id": "early-call-v1"}, [*AGENTS, FEED]),
    ("GET", "/api/v1/strategies/experiments/none/results", None, [*AGENTS, FEED]),
    ("POST", "/api/v1/strategies/experiments/none/stop", {}, [*AGENTS, FEED]),
    ("GET", "/api/v1/strategies/accounts/{li_account}", None, ["chen.jie", "wang.qiang",
                                                              "dana.white", "maria.lopez",
                                                              "admin", FEED]),
    ("GET", "/api/v1/training/team", None, [*AGENTS, "admin"]),
    ("POST", "/api/v1/training/results", {"pack": "cn-nifa", "attempts": [], "quiz": {}},
     ["admin"]),
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
    # the promoted segment models, as data: the same for every signed-in device
    ("GET", "/api/v1/segments/models"): "test_unauthenticated_is_401_everywhere (same for all)",
    ("PUT", "/api/v1/blobs/{sha256}"): "test_unauthenticated_is_401_everywhere",
    # Messaging webhooks authenticate the gateway (shared token) or the customer (signed
    # unsubscribe link), not a user: test_messaging covers wrong tokens and forged links.
    ("POST", "/api/v1/messaging/sms/inbound"): "test_messaging (wrong webhook token → 401)",
    ("POST", "/api/v1/messaging/sms/status"): "test_messaging (wrong webhook token → 401)",
    ("POST", "/api/v1/messaging/email/inbound"): "test_messaging (wrong webhook token → 401)",
    ("GET", "/api/v1/messaging/unsubscribe"): "test_messaging (forged link → 400)",
    ("POST", "/api/v1/messaging/unsubscribe"): "test_messaging (forged link → 400)",
    # QA: leads of the agent's team only, agents their own reviews (its ids come from a
    # sampled week that test builds)
    ("GET", "/api/v1/quality/samples"): "test_quality (only the team's lead)",
    ("GET", "/api/v1/quality/samples/{sample_id}"): "test_quality (only the team's lead)",
    ("POST", "/api/v1/quality/samples/{sample_id}/reviews"): "test_quality (team's lead)",
    ("GET", "/api/v1/quality/calibration"): "test_quality (only leads)",
    ("GET", "/api/v1/quality/kpis"): "test_quality (only leads)",
    ("GET", "/api/v1/quality/reviews/mine"): "test_quality (collectors, their own)",
    ("POST", "/api/v1/quality/reviews/{review_id}/acknowledge"): "test_quality (the agent)",
    # one's own certificates: any signed-in user, nothing of anyone else's in it
    ("GET", "/api/v1/training/certifications/mine"): "test_certification",
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
    assert li.get(f"/api/v1/complaints/{ctx['li_complaint']}").status_code == 200
    assert lead.get(f"/api/v1/complaints/{ctx['li_complaint']}").status_code == 200


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
