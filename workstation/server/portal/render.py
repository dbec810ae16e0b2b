"""Pages: Jinja2 templates in ``templates/``, the language of the visit, and the answer's
headers (a strict Content-Security-Policy: the one stylesheet, no script, no inline style,
forms post only here, no framing).

The language is the visit's choice (``?lang=en|zh``, kept in a cookie), else the customer's
on file, else the browser's; every page says it in ``<html lang>`` and offers the other."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from workstation.server.portal.texts import T, text
from workstation.text import is_chinese

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "portal_lang"
LANGUAGES = ("en", "zh")
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the templates ship with the package: no stat of each file per page
)


def language_of(request: Request, default: str | None = None) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    if kept in LANGUAGES:
        return kept
    if default in LANGUAGES:
        return str(default)
    accept = request.headers.get("accept-language", "").lower()
    return "zh" if is_chinese(accept.split(",")[0].strip()) else "en"


def page(
    request: Request,
    template: str,
    language: str,
    *,
    status: int = 200,
    context: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    def t(key: str, **values: object) -> str:
        return text(key, language, **values)

    chinese = is_chinese(language)
    other = "en" if chinese else "zh"
    html = _env.get_template(template).render(
        t=t,
        lang=language,
        html_lang="zh-Hans" if chinese else "en",
        other=other,
        other_label="English" if chinese else "中文",
        other_html_lang="en" if chinese else "zh-Hans",
        path=request.url.path,
        **(context or {}),
    )
    response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            language,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/portal",
        )
    return response


def notice(
    request: Request,
    language: str,
    title: str,
    body: str,
    *,
    status: int = 200,
    home: bool = False,
    values: Mapping[str, object] | None = None,
) -> HTMLResponse:
    """A page that says one thing: a refusal (with its status) or a confirmation."""
    values = values or {}
    return page(
        request,
        "notice.html",
        language,
        status=status,
        context={
            "title": text(title, language),
            "body": text(body, language, **values) if values else text(body, language),
            "home": home,
        },
    )


__all__ = ["CSP", "LANGUAGES", "PAGE_HEADERS", "T", "language_of", "notice", "page"]
