"""The FastAPI application factory.

The process keeps no state a second process would need: tokens are verified with a secret
stored in the database, throttling counts rows in the database, and the sync cursor is the
database's version counter. Several processes on one PostgreSQL therefore just work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from workstation.domain.bulk import freeze_heap
from workstation.errors import WorkstationError
from workstation.server.approvals.router import router as approvals_router
from workstation.server.complaints.router import router as complaints_router
from workstation.server.db import make_engine
from workstation.server.deps import AppState, utcnow
from workstation.server.disputes.router import router as disputes_router
from workstation.server.errors import ApiError
from workstation.server.headers import SecurityHeaders
from workstation.server.holds.router import router as holds_router
from workstation.server.observe.metrics import Registry, RequestObserver
from workstation.server.observe.metrics import router as metrics_router
from workstation.server.privacy import models as _privacy_tables  # noqa: F401 - in the metadata
from workstation.server.refusals import REFUSALS_AUDITED, audit_refusal
from workstation.server.settings import Settings
from workstation.server.strategy.router import router as strategies_router
from workstation.server.workflows.corrections import router as corrections_router
from workstation.text import Text

log = logging.getLogger(__name__)
API_VERSION = "1"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over the limit with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int, blob_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.blob_limit = blob_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.blob_limit if path.startswith("/api/v1/blobs/") else self.limit
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit or declared < 0:
                    await _too_large(send, limit)
                    return
        seen = 0
        too_big = False

        async def limited() -> Message:
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_big = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not too_big:  # once over the limit, the app's own answer is replaced
                await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited, guarded_send)
        if too_big:
            await _too_large(send, limit)


class _TooLarge(WorkstationError):
    summary = Text("The request is too large", "请求内容过大")


async def _too_large(send: Send, limit: int) -> None:
    response = JSONResponse(
        {"error": "payload_too_large", "message": f"the request body may be at most {limit} bytes"},
        status_code=413,
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - never called for a plain response
    return {"type": "http.disconnect"}


class HealthOut(BaseModel):
    status: str
    api_version: str
    schema_epoch: int
    version: int
    server_time: str


def _promise_loop(state: AppState, stop: threading.Event, interval: float) -> None:
    from workstation.server.promises import evaluate_due

    while not stop.wait(interval):
        try:
            with state.sessions.begin() as session:
                evaluate_due(session, utcnow(), state.settings.promise_grace_days)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("promise evaluation failed")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    promise_interval: float = 300.0,
) -> FastAPI:
    settings = settings or Settings.from_env()
    # a ``serve --workers N`` worker loads the app with uvicorn's socket already inherited
    _no_delay_on_inherited_listeners()
    engine = engine or make_engine(settings.db_url, pool_size=settings.pool_size)
    state = AppState.open(settings, engine)
    stop = threading.Event()
    from workstation.server.messaging import MessagingService

    messaging = MessagingService.open(state)  # delivery worker + webhooks (issue 9)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if promise_interval > 0:
            worker = threading.Thread(
                target=_promise_loop,
                args=(state, stop, promise_interval),
                daemon=True,
                name="promise-evaluator",
            )
            worker.start()
        messaging.start()
        try:
            yield
        finally:
            messaging.stop()
            stop.set()
            if worker is not None:
                worker.join(timeout=5)

    app = FastAPI(
        title="Collector Workstation backend",
        version="1.0",
        description="The central backend the workstations sync with. See README in the package.",
        lifespan=lifespan,
        # the interactive docs only where an operator asked for them (WORKSTATION_SERVER_API_DOCS)
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.state.ws = state
    app.state.messaging = messaging

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        if exc.status in REFUSALS_AUDITED:
            await run_in_threadpool(audit_refusal, state, request, exc)
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                {"error": "malformed_json", "message": "the request body is not valid JSON"},
                status_code=400,
            )
        details = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in errors[:20]
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"])
        return JSONResponse(
            {"error": "invalid_request", "message": f"{where}: {first['msg']}", "details": details},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": code, "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        log.info("refused a value the database cannot store: %s", exc.orig)
        return JSONResponse(
            {
                "error": "invalid_request",
                "message": "a value cannot be stored (for example it contains a NUL character)",
            },
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            {"error": "internal_error", "message": "the server failed; nothing was changed"},
            status_code=500,
        )

    from workstation.server.routers import admin, auth, payments, records, sync, team

    @app.get("/api/v1/health", response_model=HealthOut, tags=["health"])
    def health() -> Any:
        from workstation.server.versioning import committed_version

        with state.sessions() as session:
            return {
                "status": "ok",
                "api_version": API_VERSION,
                "schema_epoch": int(state.state_value(session, "schema_epoch", "1")),
                "version": committed_version(session),
                "server_time": utcnow().isoformat(),
            }

    for module in (auth, sync, records, team, admin, payments):
        app.include_router(module.router)
    app.include_router(metrics_router)
    from workstation.server.quality import certification
    from workstation.server.quality import router as quality

    app.include_router(quality.router)
    app.include_router(certification.router)
    app.include_router(messaging.router)
    app.include_router(complaints_router)
    app.include_router(holds_router)
    app.include_router(disputes_router)
    app.include_router(corrections_router)
    app.include_router(approvals_router)
    app.include_router(strategies_router)
    from workstation.server.segmentation.router import router as segment_models_router

    app.include_router(segment_models_router)  # the models as data for devices (issue 17)
    from workstation.server.portal import install as install_portal

    install_portal(app, state, messaging)  # the customer's self-service pages (issue 16)
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        blob_limit=settings.max_blob_bytes,
    )
    app.add_middleware(SecurityHeaders)  # on every answer, a 413 included
    # outermost: the request id is set before anything logs, and every answer is counted
    app.state.metrics = Registry()
    app.add_middleware(RequestObserver, registry=app.state.metrics)
    return app


def app_from_env() -> FastAPI:
    """The server as ``serve`` and ``uvicorn --factory`` (multi-worker) run it: settings from
    ``WORKSTATION_SERVER_*``, with the scheduled maintenance (``maintenance.MaintenanceLoop``).

    ``WORKSTATION_SERVER_PRUNE_INTERVAL_HOURS`` (default 24; 0 turns maintenance off) and
    ``WORKSTATION_SERVER_KEEP_DAYS`` (default: ``Settings.change_retention``).
    """
    from workstation.server.maintenance import (
        KEEP_DAYS_ENV,
        PRUNE_INTERVAL_ENV,
        MaintenanceLoop,
        with_maintenance,
    )

    overrides: dict[str, Any] = {}
    if os.environ.get(KEEP_DAYS_ENV):
        overrides["change_retention"] = timedelta(days=int(os.environ[KEEP_DAYS_ENV]))
    settings = Settings.from_env(**overrides)
    app = create_app(settings)
    hours = float(os.environ.get(PRUNE_INTERVAL_ENV) or 24)
    if hours > 0:
        loop = MaintenanceLoop(
            app.state.ws.sessions, settings.change_retention, timedelta(hours=hours), daily=True
        )
        app = with_maintenance(app, loop)
    # the process lives for its startup heap: out of every full collection's walk (an
    # embedded backend shares its process with the desktop or the tests and does not)
    freeze_heap()
    return app


def _no_delay_on_inherited_listeners() -> None:
    """Set TCP_NODELAY on the server TCP socket this worker inherited from uvicorn.

    With ``--workers N`` uvicorn binds the socket itself as ``socket.socket(AF_INET)``
    (protocol number 0), and asyncio only turns Nagle's algorithm off on connections whose
    socket says ``IPPROTO_TCP``; so every connection kept Nagle on. A response goes out as
    two writes (headers, then body): the body waited for the client's ACK of the headers,
    which a client busy on that connection delays by 40 ms. Every pull right after a push
    on a keep-alive connection took 40 ms longer (half the pulls of the load benchmark).
    Accepted sockets inherit TCP_NODELAY from the listener (Linux, the BSDs), so setting it
    there is enough. Listing open descriptors needs ``/proc``; elsewhere this does nothing.
    Any other listening TCP socket of the process (there is none in the desktop, which
    embeds the server with its own, already Nagle-free, socket) only gains the same option.
    """
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return
    for name in os.listdir(fd_dir):
        try:
            copy = os.dup(int(name))
        except (ValueError, OSError):
            continue
        try:
            sock = socket.socket(fileno=copy)  # takes over ``copy``
        except OSError:  # not a socket
            os.close(copy)
            continue
        with sock:
            if sock.type != socket.SOCK_STREAM or sock.family not in (
                socket.AF_INET,
                socket.AF_INET6,
            ):
                continue
            try:
                sock.getpeername()
                continue  # connected (a database connection, say): not a server socket
            except OSError:
                pass
            # bound and unconnected: the server socket (uvicorn binds it, and the worker
            # starts listening on it only after loading the app)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
