"""``GET /metrics`` in the Prometheus text format, and the middleware that feeds it.

What an operator sees:

- ``workstation_http_requests_total{route,method,status}`` and the latency histogram
  ``workstation_http_request_duration_seconds{route,method}`` — per route *template*, so
  ids do not explode the label space; counted in this process (a scrape of one of N
  ``serve`` workers sees that worker's share, as with any per-process exporter);
- from the database, so the same from every process: ``workstation_sync_lag_seconds``
  (time since the last sync of the devices seen in the last day: the slowest one and the
  median), ``workstation_devices_seen``, the outbox depth the devices report
  (``workstation_device_outbox_pending`` sum and max), the messaging queue
  (``workstation_messaging_queue_depth{status}``), and every background job's last run
  (``workstation_job_last_duration_seconds{job}``, ``…_last_run_timestamp_seconds``) as the
  jobs record them with ``observe.jobs.record_job_run`` — the daily run, retention.

Access: with ``WORKSTATION_SERVER_METRICS_TOKEN`` set, a scraper sends it as a bearer token;
without it only loopback callers are answered (a sidecar or a local Prometheus agent).

``RequestObserver`` also gives every request its id (``observe.logs``) and writes the access
log line (``workstation.access``: method, route template, status, milliseconds).
"""

from __future__ import annotations

import hmac
import logging
import re
import statistics
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.server.deps import StateDep, utcnow
from workstation.server.errors import ApiError
from workstation.server.models import Device, ServerState
from workstation.server.observe.jobs import JOB_PREFIX as _JOB_PREFIX
from workstation.server.observe.jobs import record_job_run
from workstation.server.observe.logs import request_id

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("workstation.access")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METRICS_TOKEN_ENV = "WORKSTATION_SERVER_METRICS_TOKEN"
_SANE_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_LOOPBACK = ("127.", "::1", "localhost")


class Registry:
    """Request counters and latency histograms of this process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str], list[int]] = {}
        self.sums: dict[tuple[str, str], float] = defaultdict(float)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method)
        with self._lock:
            self.requests[(route, method, str(status))] += 1
            counts = self.buckets.setdefault(key, [0] * (len(BUCKETS) + 1))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[index] += 1
            counts[-1] += 1  # +Inf, i.e. the count
            self.sums[key] += seconds

    def lines(self) -> list[str]:
        with self._lock:
            requests = dict(self.requests)
            buckets = {k: list(v) for k, v in self.buckets.items()}
            sums = dict(self.sums)
        out = [
            "# HELP workstation_http_requests_total HTTP requests answered by this process.",
            "# TYPE workstation_http_requests_total counter",
        ]
        for (route, method, status), count in sorted(requests.items()):
            labels = _labels(route=route, method=method, status=status)
            out.append(f"workstation_http_requests_total{labels} {count}")
        out += [
            "# HELP workstation_http_request_duration_seconds Time to answer, by route.",
            "# TYPE workstation_http_request_duration_seconds histogram",
        ]
        for (route, method), counts in sorted(buckets.items()):
            for bound, count in zip((*map(str, BUCKETS), "+Inf"), counts, strict=True):
                labels = _labels(route=route, method=method, le=bound)
                out.append(f"workstation_http_request_duration_seconds_bucket{labels} {count}")
            labels = _labels(route=route, method=method)
            out.append(
                f"workstation_http_request_duration_seconds_sum{labels} {sums[(route, method)]:.6f}"
            )
            out.append(f"workstation_http_request_duration_seconds_count{labels} {counts[-1]}")
        return out


def _labels(**values: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in values.items()) + "}"


class RequestObserver:
    """Request id, access log line and request metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, registry: Registry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope.get("headers", []) if k == b"x-request-id"), b"")
        try:
            rid = given.decode("ascii")
        except UnicodeDecodeError:
            rid = ""
        if not _SANE_ID.fullmatch(rid):
            rid = uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - started
            route_obj = scope.get("route")
            route = str(getattr(route_obj, "path", "")) or "unmatched"
            method = str(scope.get("method", ""))
            self.registry.observe(route, method, status, seconds)
            access_log.info(
                "%s %s %d %.1f ms",
                method,
                route,
                status,
                seconds * 1000,
                extra={
                    "route": route,
                    "method": method,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                },
            )
            request_id.reset(token)


def _database_lines(session: Session, now: datetime) -> list[str]:
    out: list[str] = []
    seen_since = now - timedelta(days=1)
    syncs = [
        (now - at).total_seconds()
        for at in session.scalars(
            select(Device.last_sync_at).where(
                Device.revoked_at.is_(None),
                Device.last_seen_at >= seen_since,
                Device.last_sync_at.is_not(None),
            )
        )
        if at is not None
    ]
    median = statistics.median(syncs) if syncs else 0.0
    out += [
        "# HELP workstation_devices_seen Devices seen in the last day (not revoked).",
        "# TYPE workstation_devices_seen gauge",
        f"workstation_devices_seen {len(syncs)}",
        "# HELP workstation_sync_lag_seconds Time since the last sync of the devices seen today.",
        "# TYPE workstation_sync_lag_seconds gauge",
        f'workstation_sync_lag_seconds{{stat="max"}} {max(syncs, default=0):.1f}',
        f'workstation_sync_lag_seconds{{stat="median"}} {median:.1f}',
    ]
    total, deepest = session.execute(
        select(
            func.coalesce(func.sum(Device.outbox_pending), 0), func.max(Device.outbox_pending)
        ).where(Device.revoked_at.is_(None))
    ).one()
    out += [
        "# HELP workstation_device_outbox_pending Unsynced changes the devices report.",
        "# TYPE workstation_device_outbox_pending gauge",
        f'workstation_device_outbox_pending{{stat="sum"}} {int(total or 0)}',
        f'workstation_device_outbox_pending{{stat="max"}} {int(deepest or 0)}',
    ]
    from workstation.server.messaging.models import MessageJob

    depth = dict.fromkeys(("queued", "sending"), 0)
    depth.update(
        session.execute(
            select(MessageJob.status, func.count())
            .where(MessageJob.status.in_(list(depth)))
            .group_by(MessageJob.status)
        ).all()
    )
    out += [
        "# HELP workstation_messaging_queue_depth Messages waiting to go out, by status.",
        "# TYPE workstation_messaging_queue_depth gauge",
        *(
            f'workstation_messaging_queue_depth{{status="{k}"}} {v}'
            for k, v in sorted(depth.items())
        ),
    ]
    jobs: dict[str, dict[str, str]] = defaultdict(dict)
    for key, value in session.execute(
        select(ServerState.key, ServerState.value).where(ServerState.key.like(f"{_JOB_PREFIX}%"))
    ):
        job, _, field = key[len(_JOB_PREFIX) :].rpartition(".")
        jobs[job][field] = value
    out += [
        "# HELP workstation_job_last_duration_seconds How long each job's last run took.",
        "# TYPE workstation_job_last_duration_seconds gauge",
    ]
    for job, fields in sorted(jobs.items()):
        if "last_duration_s" in fields:
            took = fields["last_duration_s"]
            out.append(f"workstation_job_last_duration_seconds{_labels(job=job)} {took}")
    out += [
        "# HELP workstation_job_last_run_timestamp_seconds When each job last finished.",
        "# TYPE workstation_job_last_run_timestamp_seconds gauge",
    ]
    for job, fields in sorted(jobs.items()):
        if "last_run_at" in fields:
            stamp = datetime.fromisoformat(fields["last_run_at"]).timestamp()
            out.append(f"workstation_job_last_run_timestamp_seconds{_labels(job=job)} {stamp:.0f}")
    return out


router = APIRouter(tags=["health"])


def _allowed(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    host = request.client.host if request.client else ""
    return host.startswith(_LOOPBACK)


@router.get("/metrics", response_class=PlainTextResponse, include_in_schema=False)
def metrics(request: Request, state: StateDep) -> PlainTextResponse:
    """Prometheus text exposition (version 0.0.4)."""
    if not _allowed(request, state.settings.metrics_token):
        raise ApiError(
            403, "forbidden", "send the metrics token (WORKSTATION_SERVER_METRICS_TOKEN)"
        )
    registry: Registry = request.app.state.metrics
    with state.sessions() as session:
        lines = registry.lines() + _database_lines(session, utcnow())
    return PlainTextResponse(
        "\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8"
    )


__all__ = ["Registry", "RequestObserver", "record_job_run", "router"]
