"""What every HTTP answer carries, what documents are served as, that the interactive docs are
off unless asked for, and that a connection dribbling its headers is closed."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.conftest import Backend, fresh_database, running_backend, start_backend
from workstation.server.embedded import start_embedded
from workstation.server.settings import Settings


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    def settings(url: str) -> Settings:
        return Settings(db_url=url, login_max_failures_address=10_000, header_timeout=1.0)

    with running_backend("sqlite", tmp_path_factory, accounts=10, settings=settings) as started:
        yield started


def test_every_answer_says_nosniff_and_personal_data_is_never_cached(backend: Backend) -> None:
    agent = backend.login(backend.of_role("agent")[0].username)
    answers = [
        requests.get(backend.base + "/api/v1/health", timeout=30),
        agent.get("/api/v1/auth/me"),
        agent.get("/api/v1/sync/snapshot"),
        agent.get("/api/v1/accounts/nope"),  # a 404
        requests.get(backend.base + "/nothing-here", timeout=30),
        requests.post(backend.base + "/api/v1/auth/login", data=b"x" * 2_000_000, timeout=30),
    ]
    assert answers[-1].status_code == 413
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.url
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: no HSTS
    for answer in answers[:4]:
        assert answer.headers["Cache-Control"] == "no-store", answer.url


def test_html_pages_forbid_framing_and_foreign_content(backend: Backend) -> None:
    page = requests.get(
        backend.base + "/api/v1/messaging/unsubscribe", params={"t": "not-a-token"}, timeout=30
    )
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # no script may run at all


def test_interactive_docs_are_off_unless_asked_for(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert requests.get(backend.base + "/docs", timeout=30).status_code == 404
    assert requests.get(backend.base + "/redoc", timeout=30).status_code == 404
    assert requests.get(backend.base + "/openapi.json", timeout=30).status_code == 200
    with fresh_database("sqlite", tmp_path_factory) as url:
        server = start_embedded(
            url, settings=Settings(db_url=url, api_docs=True), promise_interval=0
        )
        try:
            docs = requests.get(server.url + "/docs", timeout=30)
            assert docs.status_code == 200
            assert docs.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        finally:
            server.stop()


def test_documents_are_served_as_what_they_are_and_as_downloads(backend: Backend) -> None:
    agent = backend.login(backend.of_role("agent")[0].username)
    page = b"<html><script>alert(document.cookie)</script></html>"
    pdf = b"%PDF-1.7\n%test document\n"
    for body, declared, expected in (
        (page, "text/html", "application/octet-stream"),
        (pdf, "application/pdf", "application/pdf"),
        (page, "application/pdf", "application/octet-stream"),  # says PDF, is not
    ):
        payload = body + declared.encode()
        digest = hashlib.sha256(payload).hexdigest()
        put = agent.http.put(
            f"{backend.base}/api/v1/blobs/{digest}",
            data=payload,
            headers={"Content-Type": declared},
            timeout=30,
        )
        assert put.status_code == 200, put.text
        for answer in (
            agent.get(f"/api/v1/blobs/{digest}"),
            agent.http.head(f"{backend.base}/api/v1/blobs/{digest}", timeout=30),
        ):
            assert answer.status_code == 200
            assert answer.headers["Content-Type"].split(";")[0] == expected
            assert answer.headers["Content-Disposition"].startswith("attachment;")
            assert answer.headers["Content-Security-Policy"] == "sandbox"
            assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_connection_dribbling_its_headers_is_closed(backend: Backend) -> None:
    host, port = backend.server.host, backend.server.port
    idle = socket.create_connection((host, port), timeout=10)
    slow = socket.create_connection((host, port), timeout=10)
    started = time.monotonic()
    try:
        slow.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        for _ in range(3):  # a byte now and then: uvicorn's keep-alive timer never fired
            time.sleep(0.4)
            try:
                slow.sendall(b"X")
            except OSError:
                break
        assert slow.recv(1024) == b""  # closed by the server
        assert idle.recv(1024) == b""  # connected and never said anything: closed too
        assert time.monotonic() - started < 8
    finally:
        idle.close()
        slow.close()
    # an ordinary request on a fresh connection is unaffected
    assert requests.get(backend.base + "/api/v1/health", timeout=30).status_code == 200


def _self_signed(folder: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(certfile), str(keyfile)


def test_hsts_under_tls(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("tls")
    certfile, keyfile = _self_signed(folder)
    with fresh_database("sqlite", tmp_path_factory) as url:
        seeded = start_backend(url, "sqlite", accounts=3)
        seeded.server.stop()
        server = start_embedded(
            url,
            settings=Settings(db_url=url),
            promise_interval=0,
            certfile=certfile,
            keyfile=keyfile,
        )
        try:
            answer = requests.get(server.url + "/api/v1/health", timeout=30, verify=certfile)
            assert server.url.startswith("https://")
            assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
        finally:
            server.stop()
            seeded.sessions.kw["bind"].dispose()
