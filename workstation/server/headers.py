"""Security headers on every response (an ASGI middleware: no per-request object churn).

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere;
- ``Strict-Transport-Security`` when the request came over TLS (directly, or through a
  proxy whose ``X-Forwarded-Proto`` uvicorn was told to trust);
- ``Cache-Control: no-store`` on everything under ``/api/`` and the customer pages unless the
  route set its own: almost every answer carries personal data, and a shared or browser
  cache must keep none of it;
- on HTML pages a strict ``Content-Security-Policy`` (nothing but the page's own inline
  styles; forms post only to this origin) and anti-framing (``frame-ancestors 'none'``,
  ``X-Frame-Options: DENY``). The interactive API docs, when switched on
  (``Settings.api_docs``), load their scripts from a CDN and keep only the anti-framing.

A route's own header wins (documents set their own ``Content-Security-Policy: sandbox``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HSTS = b"max-age=31536000; includeSubDomains"
PAGE_CSP = (
    b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        tls = scope.get("scheme") == "https"
        private = path.startswith(("/api/", "/portal"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                have = {name.lower() for name, _ in headers}
                extra = [h for h in _ALWAYS if h[0] not in have]
                if tls and b"strict-transport-security" not in have:
                    extra.append((b"strict-transport-security", HSTS))
                if private and b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-store"))
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    if b"x-frame-options" not in have:
                        extra.append((b"x-frame-options", b"DENY"))
                    if b"content-security-policy" not in have:
                        docs = path.startswith(DOCS_PATHS)
                        policy = b"frame-ancestors 'none'" if docs else PAGE_CSP
                        extra.append((b"content-security-policy", policy))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, with_headers)


# --- documents ------------------------------------------------------------------------------

# (declared type, magic bytes the content must start with): a document is served as what it
# is, never as whatever the uploader said (text/html from an uploader would be a stored XSS
# on this origin)
_SAFE_TYPES = (
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
)
# what a type stored by an upload that was checked must start with (HEAD reads no content)
SAFE_MAGIC = {kind: magic for kind, magic in _SAFE_TYPES}
_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def safe_content_type(declared: str, head: bytes) -> str:
    """The declared type when it is an allowed document type the bytes agree with, else
    ``application/octet-stream``."""
    wanted = declared.split(";", 1)[0].strip().lower()
    for kind, magic in _SAFE_TYPES:
        if wanted == kind and head.startswith(magic):
            return kind
    return "application/octet-stream"


def document_headers(sha256: str, content_type: str) -> dict[str, str]:
    """Headers for a served document: a download, sandboxed if a browser renders it anyway."""
    extension = _EXTENSIONS.get(content_type, "bin")
    return {
        "Content-Disposition": f'attachment; filename="{sha256[:16]}.{extension}"',
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "no-store",
    }
