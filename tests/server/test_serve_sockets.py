"""``serve --workers N``: the server socket uvicorn hands each worker gets TCP_NODELAY.

uvicorn binds that socket as ``socket.socket(AF_INET)`` (protocol number 0), and asyncio
then leaves Nagle's algorithm on for every connection: a response's body waited 40 ms for
the client's delayed ACK of its headers whenever the connection was busy. The app turns
it off on the inherited socket before the worker starts listening.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from workstation.server.app import _no_delay_on_inherited_listeners

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir() or sys.platform != "linux", reason="needs /proc"
)


def test_a_bound_server_socket_gets_no_delay_and_connections_inherit_it() -> None:
    server = socket.socket(socket.AF_INET)  # as uvicorn binds it for its workers
    server.bind(("127.0.0.1", 0))
    other = socket.socket(socket.AF_INET)
    try:
        other.bind(("127.0.0.1", 0))
        other.listen()
        client = socket.create_connection(other.getsockname())  # a connected socket
        assert not server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        _no_delay_on_inherited_listeners()
        assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        # what the worker does next: listen, accept; the connection inherits the option
        server.listen()
        with socket.create_connection(server.getsockname()):
            accepted, _ = server.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        with client:
            assert not client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.close()
        other.close()
