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
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from workstation.server.db import make_engine
from workstation.server.deps import AppState, utcnow
from workstation.server.errors import ApiError
from workstation.server.settings import Settings

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


class _TooLarge(Exception):
    pass


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
    )
    app.state.ws = state
    app.state.messaging = messaging

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
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

    from workstation.server.routers import admin, auth, records, sync, team

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

    for module in (auth, sync, records, team, admin):
        app.include_router(module.router)
    app.include_router(messaging.router)
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        blob_limit=settings.max_blob_bytes,
    )
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (multi-worker): settings from ``WORKSTATION_SERVER_*``."""
    return create_app(Settings.from_env())


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
