"""Run the backend inside this process on a loopback port (desktop demo, client tests).

    handle = start_embedded("sqlite:///…/server.db")   # or None: the data dir's default
    requests.get(handle.url + "/api/v1/health")
    handle.stop()

``port=0`` picks a free port; the socket is bound before this returns, so the URL is
usable at once.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from workstation.server.db import upgrade
from workstation.server.settings import Settings, default_db_url


@dataclass
class EmbeddedServer:
    url: str
    host: str
    port: int
    db_url: str
    _server: object = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _engine: Engine | None = field(default=None, repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, wait for the thread, close the database connections."""
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(timeout)
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_embedded(
    db_url: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    settings: Settings | None = None,
    promise_interval: float = 300.0,
    log_level: str = "warning",
    certfile: str | None = None,
    keyfile: str | None = None,
) -> EmbeddedServer:
    """Migrate the database, then serve it on ``host:port`` in a daemon thread (over TLS
    when ``certfile`` and ``keyfile`` are given)."""
    import uvicorn

    from workstation.server.app import create_app
    from workstation.server.connections import CONFIG_ATTRIBUTE, uvicorn_options

    url = db_url or (settings.db_url if settings else default_db_url())
    upgrade(url)
    settings = Settings.from_env(db_url=url) if settings is None else settings
    app = create_app(settings, promise_interval=promise_interval)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = int(sock.getsockname()[1])
    # nobody's proxy: X-Forwarded-For from a loopback client must not choose the address
    # the sign-in throttle counts (uvicorn trusts it from 127.0.0.1 by default)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        proxy_headers=False,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        **uvicorn_options(),
    )
    setattr(config, CONFIG_ATTRIBUTE, settings.header_timeout)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="embedded-backend"
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded backend did not start")
        time.sleep(0.01)
    return EmbeddedServer(
        f"{'https' if certfile else 'http'}://{host}:{bound_port}",
        host,
        bound_port,
        url,
        server,
        thread,
        app.state.ws.engine,
    )
