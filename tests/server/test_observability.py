"""What an operator sees: /metrics in the Prometheus text format, and JSON logs with a request
id that never hold a token, password, secret or full national id — checked by running a real
``workstation-server serve`` through a day's worth of calls and grepping everything it logged."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.loopback import free_port
from tests.server.conftest import Backend, running_backend
from workstation.domain.model import new_id
from workstation.redaction import redact
from workstation.server.observe.metrics import record_job_run
from workstation.server.settings import Settings

_SAMPLE = re.compile(
    r'^(?P<name>[a-z_]+)(?:\{(?P<labels>[a-z_]+="[^"]*"(?:,[a-z_]+="[^"]*")*)\})? (?P<value>-?[0-9.e+]+)$'
)


def parse_metrics(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text exposition; fails on a malformed line."""
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a Prometheus sample: {line!r}"
        labels = frozenset(re.findall(r'([a-z_]+)="([^"]*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples[(name, frozenset(labels.items()))]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=10) as started:
        yield started


def test_metrics_count_routes_and_report_what_devices_and_jobs_said(backend: Backend) -> None:
    agent = backend.login(backend.of_role("agent")[0].username)
    for _ in range(3):
        assert agent.get("/api/v1/auth/me").status_code == 200
    assert agent.get("/api/v1/accounts/nope").status_code == 404
    assert (
        agent.post(
            "/api/v1/devices/heartbeat", {"outbox_pending": 7, "outbox_oldest_at": None}
        ).status_code
        == 200
    )
    agent.snapshot()
    now = datetime.now(UTC)
    with backend.sessions.begin() as session:
        record_job_run(session, "daily", now - timedelta(seconds=42.5), now)
    answer = requests.get(backend.base + "/metrics", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = parse_metrics(answer.text)
    me = {"route": "/api/v1/auth/me", "method": "GET"}
    assert _value(samples, "workstation_http_requests_total", **me, status="200") == 3
    assert (
        _value(
            samples,
            "workstation_http_requests_total",
            route="/api/v1/accounts/{account_id}",
            method="GET",
            status="404",
        )
        == 1
    )
    assert _value(samples, "workstation_http_request_duration_seconds_count", **me) == 3
    assert _value(samples, "workstation_http_request_duration_seconds_bucket", **me, le="+Inf") == 3
    assert _value(samples, "workstation_device_outbox_pending", stat="max") == 7
    assert _value(samples, "workstation_devices_seen") >= 1
    assert _value(samples, "workstation_sync_lag_seconds", stat="max") >= 0
    assert _value(samples, "workstation_messaging_queue_depth", status="queued") == 0
    assert _value(samples, "workstation_job_last_duration_seconds", job="daily") == 42.5
    assert _value(
        samples, "workstation_job_last_run_timestamp_seconds", job="daily"
    ) == pytest.approx(now.timestamp(), abs=1)
    # ids never become labels
    assert not any("nope" in dict(labels).get("route", "") for _, labels in samples)


def test_metrics_need_the_token_when_one_is_set(tmp_path_factory: pytest.TempPathFactory) -> None:
    def settings(url: str) -> Settings:
        return Settings(db_url=url, metrics_token="scrape-token-for-tests-0123456789")

    with running_backend("sqlite", tmp_path_factory, accounts=3, settings=settings) as backend:
        url = backend.base + "/metrics"
        assert requests.get(url, timeout=30).status_code == 403
        wrong = {"Authorization": "Bearer nope"}
        assert requests.get(url, headers=wrong, timeout=30).status_code == 403
        right = {"Authorization": "Bearer scrape-token-for-tests-0123456789"}
        assert requests.get(url, headers=right, timeout=30).status_code == 200


def test_every_answer_carries_a_request_id(backend: Backend) -> None:
    given = requests.get(
        backend.base + "/api/v1/health", headers={"X-Request-Id": "trace-me-42"}, timeout=30
    )
    assert given.headers["X-Request-Id"] == "trace-me-42"
    made = requests.get(
        backend.base + "/api/v1/health", headers={"X-Request-Id": "bad id\u00e9 !"}, timeout=30
    )
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abc.def-ghi",
        'login {"password": "hunter2-secret", "username": "li.na"}',
        "refresh_token=Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4eHh4",
        "otp_code=482913 for the portal",
        "hash $argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA",
        "id 11010119900307123X on file",
        "ssn 123-45-6789",
        "token eyJ1IjoiMDE5MyIsImQiOiJ3cyJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln",
        "rotated to 3q2-7wEAAbbCCddEEff00112233445566778899aabX on device",
    ],
)
def test_redaction_removes_each_kind_of_secret(text: str) -> None:
    cleaned = redact(text)
    assert "[redacted]" in cleaned
    for secret in (
        "abc.def-ghi",
        "hunter2-secret",
        "Zm9vYmFy",
        "482913",
        "c2FsdA",
        "11010119900307123X",
        "123-45-6789",
        "c2lnbmF0",
    ):
        assert secret not in cleaned
    assert (
        redact("GET /api/v1/accounts/{account_id} 200 3.1 ms")
        == "GET /api/v1/accounts/{account_id} 200 3.1 ms"
    )


# --- a whole session against a real `serve`, then grep its logs -----------------------------------


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "workstation.server.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_a_days_logs_hold_no_secret(tmp_path: Path) -> None:
    secrets_used: list[str] = []
    seed_password = "Seed-Pass-7731-xq"
    hook = "Hook-Secret-3399-zz"
    national_id = "11010119900307771X"
    env = {
        **os.environ,
        "WORKSTATION_SERVER_DB": f"sqlite:///{tmp_path / 'server.db'}",
        "WORKSTATION_SMS_WEBHOOK_TOKEN": hook,
        "WORKSTATION_MESSAGING_WORKER": "0",
    }
    _cli(
        env,
        "seed",
        "--accounts",
        "12",
        "--teams",
        "1",
        "--agents",
        "1",
        "--password",
        seed_password,
    )
    new_password = "Changed-Pass-5522-kk"
    _cli(
        env,
        "create-user",
        "ops.person",
        "--role",
        "admin",
        "--password-stdin",
        stdin="Ops-Admin-Pass-8812\n",
    )
    secrets_used += [seed_password, hook, national_id, new_password, "Ops-Admin-Pass-8812"]

    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "workstation.server.cli", "serve", "--port", str(port),
             "--log-level", "debug", "--access-log", "--prune-every-hours", "0"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(base + "/api/v1/health", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.2)
            secrets_used += _a_day(base, seed_password, new_password, hook, national_id)
        finally:
            server.terminate()
            server.wait(timeout=30)
    logged = log_path.read_text(encoding="utf-8")
    lines = [line for line in logged.splitlines() if line.strip()]
    assert len(lines) > 20, logged[:2000]
    not_json = [line for line in lines if not line.startswith("{")]
    assert not not_json, not_json[:5]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [e for e in entries if e.get("logger") == "workstation.access"]
    assert {e["route"] for e in access} >= {
        "/api/v1/auth/login",
        "/api/v1/sync/push",
        "/api/v1/auth/refresh",
    }
    assert all(re.fullmatch(r"[0-9a-f]{32}|day-[0-9]+", e["request_id"]) for e in access)
    assert any(e["request_id"] == "day-1" for e in access)
    for secret in secrets_used:
        assert secret not in logged, f"a secret reached the log: {secret[:6]}…"


def _a_day(base: str, password: str, new_password: str, hook: str, national_id: str) -> list[str]:
    """Sign in, sync, push, fail, refresh, reuse, reset a password, webhooks; the secrets seen."""
    used: list[str] = []

    def login(username: str, secret: str, client: str) -> requests.Response:
        return requests.post(
            base + "/api/v1/auth/login",
            json={"username": username, "password": secret, "client_id": client},
            headers={"X-Request-Id": "day-1"},
            timeout=30,
        )

    assert login("li.na", "Wrong-Guess-4411-pp", "laptop-0001").status_code == 401
    used.append("Wrong-Guess-4411-pp")
    tokens = login("li.na", password, "laptop-0001").json()
    used += [tokens["access_token"], tokens["refresh_token"]]
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    snap = requests.get(base + "/api/v1/sync/snapshot", headers=auth, timeout=30).json()
    account = snap["accounts"][0]
    note = {
        "mutation_id": new_id(), "client_seq": 1, "type": "event.create", "base_version": None,
        "device_time": None,
        "payload": {"id": new_id(), "type": "note", "account_id": account["id"],
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "payload": {"text": f"customer read out id {national_id}"}},
    }  # fmt: skip
    pushed = requests.post(
        base + "/api/v1/sync/push",
        json={"client_id": "laptop-0001", "mutations": [note]},
        headers={**auth, "Idempotency-Key": new_id()},
        timeout=30,
    )
    assert pushed.status_code == 200, pushed.text
    bad = requests.get(
        base + "/api/v1/auth/me",
        headers={"Authorization": "Bearer eyJ1IjoiZm9yZ2VkIn0.Zm9yZ2Vk"},
        timeout=30,
    )
    assert bad.status_code == 401
    rotated = requests.post(
        base + "/api/v1/auth/refresh",
        json={"refresh_token": tokens["refresh_token"], "client_id": "laptop-0001"},
        timeout=30,
    ).json()
    used += [rotated["access_token"], rotated["refresh_token"]]
    reuse = requests.post(
        base + "/api/v1/auth/refresh",
        json={"refresh_token": tokens["refresh_token"], "client_id": "laptop-0001"},
        timeout=30,
    )
    assert reuse.status_code == 401
    admin = login("admin", password, "admin-desk-01").json()
    used += [admin["access_token"], admin["refresh_token"]]
    admin_auth = {"Authorization": f"Bearer {admin['access_token']}"}
    user_id = tokens["user"]["id"]
    assert (
        requests.patch(
            f"{base}/api/v1/admin/users/{user_id}",
            json={"password": new_password},
            headers=admin_auth,
            timeout=30,
        ).status_code
        == 200
    )
    assert login("li.na", new_password, "laptop-0001").status_code == 200
    for headers, params in (({"X-Webhook-Token": hook}, {}), ({}, {"token": hook})):
        requests.post(
            base + "/api/v1/messaging/sms/inbound",
            json={"from": "+8613800138000", "text": "hello"},
            headers=headers,
            params=params,
            timeout=30,
        )
    requests.get(
        base + "/api/v1/messaging/unsubscribe", params={"t": "Unsub-Link-Token-7788"}, timeout=30
    )
    used.append("Unsub-Link-Token-7788")
    assert requests.get(base + "/metrics", timeout=30).status_code == 200
    return used
