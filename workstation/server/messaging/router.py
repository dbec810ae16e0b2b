"""Messaging endpoints: the SMS gateway's webhooks and the e-mail unsubscribe link.

``POST /api/v1/messaging/sms/inbound`` and ``/sms/status`` are called by the gateway, not
by a signed-in user: they carry the shared secret ``WORKSTATION_SMS_WEBHOOK_TOKEN`` in the
``X-Webhook-Token`` header only (a token in the URL would land in every access log and
proxy log on the way) and take JSON or a form, with field names from the
gateway configuration. ``/email/inbound`` is the mail provider's inbound webhook (same
token; fields ``from``, ``subject``, ``text``, ``message_id``). ``/unsubscribe?t=…`` is
the link in every e-mail: GET shows a confirmation page (mail scanners follow links; they
must not opt anyone out), POST opts out (the page's button, and RFC 8058 one-click from the
mail client).
"""

from __future__ import annotations

import hmac
import html
import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from workstation.server.deps import utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.messaging.delivery import opt_out, record_reply, record_report
from workstation.server.messaging.transports import dig

router = APIRouter(prefix="/api/v1/messaging", tags=["messaging"])
_WEBHOOK_ERRORS: dict[int | str, dict[str, Any]] = {
    k: ERROR_RESPONSES[k] for k in (400, 401, 403, 413, 422)
}
_HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"content": {"text/html": {}}, "description": "The link is not valid"},
    422: ERROR_RESPONSES[422],
}
Token = Annotated[str, Query(min_length=1, max_length=2000)]


class InboundOut(BaseModel):
    matched: bool
    opted_out: bool
    event_id: str | None = None
    duplicate: bool = False
    complaint_reference: str | None = None  # a reply naming a complaint was taken in as one


class ReportOut(BaseModel):
    updated: bool


def _service(request: Request) -> Any:
    return request.app.state.messaging


def _check_token(service: Any, request: Request, header: str | None) -> None:
    expected = service.settings.webhook_token
    if "token" in request.query_params:
        raise ApiError(
            401,
            "token_in_url",
            "send the webhook token in the X-Webhook-Token header, never in the URL "
            "(URLs are written to access logs)",
        )
    if not header:
        raise ApiError(401, "not_authenticated", "send the webhook token in X-Webhook-Token")
    if not expected:
        raise ApiError(403, "webhook_not_configured", "set WORKSTATION_SMS_WEBHOOK_TOKEN first")
    if not hmac.compare_digest(header.encode(), expected.encode()):
        raise ApiError(401, "invalid_token", "wrong webhook token")


async def _fields(request: Request) -> dict[str, Any]:
    raw = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/x-www-form-urlencoded":
            return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        data = json.loads(raw or b"null")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "malformed_body", "send JSON or a form") from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_body", "the body must be a JSON object or a form")
    return data


def _text_field(data: dict[str, Any], path: str) -> str:
    value = dig(data, path)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise ApiError(422, "invalid_request", f"{path} must be text")
    text = str(value)
    if "\x00" in text or len(text) > 4000:
        raise ApiError(422, "invalid_request", f"{path} is not acceptable text")
    return text


@router.post("/sms/inbound", response_model=InboundOut, responses=_WEBHOOK_ERRORS)
async def sms_inbound(
    request: Request,
    x_webhook_token: Annotated[str | None, Header(max_length=500)] = None,
) -> Any:
    """A reply from a customer: recorded on the timeline; "STOP" / "退订" opts out at once;
    one naming a complaint ("投诉", "complaint") is registered as a complaint."""
    service = _service(request)
    _check_token(service, request, x_webhook_token)
    data = await _fields(request)
    mapping = service.gateway_mapping()
    sender = _text_field(data, mapping.inbound_from)
    text = _text_field(data, mapping.inbound_text)
    ref = _text_field(data, mapping.inbound_id)
    if not sender:
        raise ApiError(422, "invalid_request", f"'{mapping.inbound_from}' (the sender) is required")
    with service.sessions.begin() as session:
        reply = record_reply(session, sender, text, utcnow(), gateway_ref=ref)
    return InboundOut(
        matched=reply.matched,
        opted_out=reply.opted_out,
        event_id=reply.event_id,
        duplicate=reply.duplicate,
        complaint_reference=reply.complaint_reference,
    )


@router.post("/email/inbound", response_model=InboundOut, responses=_WEBHOOK_ERRORS)
async def email_inbound(
    request: Request,
    x_webhook_token: Annotated[str | None, Header(max_length=500)] = None,
) -> Any:
    """An e-mail reply from a customer (the mail provider's inbound webhook: ``from``,
    ``subject``, ``text``, ``message_id``): recorded on the timeline; one naming a complaint
    ("投诉", "complaint") is registered as a complaint (``messaging.inbound_email``)."""
    from workstation.server.messaging.inbound_email import record_email_reply

    service = _service(request)
    _check_token(service, request, x_webhook_token)
    data = await _fields(request)
    sender = _text_field(data, "from")
    if not sender:
        raise ApiError(422, "invalid_request", "'from' (the sender) is required")
    subject, text = _text_field(data, "subject"), _text_field(data, "text")
    with service.sessions.begin() as session:
        reply = record_email_reply(
            session, sender, subject, text, utcnow(), message_id=_text_field(data, "message_id")
        )
    return InboundOut(
        matched=reply.matched,
        opted_out=reply.opted_out,
        event_id=reply.event_id,
        duplicate=reply.duplicate,
        complaint_reference=reply.complaint_reference,
    )


@router.post("/sms/status", response_model=ReportOut, responses=_WEBHOOK_ERRORS)
async def sms_status(
    request: Request,
    x_webhook_token: Annotated[str | None, Header(max_length=500)] = None,
) -> Any:
    """A delivery report: the message becomes delivered (or failed) on the timeline."""
    service = _service(request)
    _check_token(service, request, x_webhook_token)
    data = await _fields(request)
    mapping = service.gateway_mapping()
    status = _text_field(data, mapping.report_status)
    if not status:
        raise ApiError(422, "invalid_request", f"'{mapping.report_status}' is required")
    with service.sessions.begin() as session:
        updated = record_report(
            session,
            utcnow(),
            gateway_id=_text_field(data, mapping.report_id),
            reference=_text_field(data, mapping.report_reference)[:36],
            status=status,
        )
    return ReportOut(updated=updated)


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,"Noto Sans",sans-serif;max-width:34em;margin:3em auto;
padding:0 1em;line-height:1.5}}
button{{font-size:1em;padding:.5em 1.2em}}</style></head>
<body>{body}</body></html>"""


def _page(status: int, title: str, body: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(lang="en", title=html.escape(title), body=body), status)


def _invalid() -> HTMLResponse:
    return _page(
        400,
        "Link not valid",
        "<h1>This link is not valid</h1><p>It may have been cut short by your e-mail program.</p>"
        "<h1 lang='zh'>链接无效</h1><p lang='zh'>链接可能被邮件程序截断。</p>",
    )


@router.get("/unsubscribe", response_class=HTMLResponse, responses=_HTML_ERRORS)
def unsubscribe_page(request: Request, t: Token) -> Any:
    """The page an unsubscribe link opens: one button confirms (nothing changes on GET)."""
    if _service(request).signer.read(t) is None:
        return _invalid()
    action = html.escape(f"?t={t}", quote=True)
    return _page(
        200,
        "Unsubscribe",
        "<h1>Stop these e-mails?</h1><p>We will not send you these e-mails any more.</p>"
        "<h1 lang='zh'>退订此类邮件？</h1><p lang='zh'>退订后我们将不再向您发送此类邮件。</p>"
        f"<form method='post' action='{action}'><button type='submit'>Unsubscribe · 退订</button>"
        "</form>",
    )


@router.post("/unsubscribe", response_class=HTMLResponse, responses=_HTML_ERRORS)
def unsubscribe(request: Request, t: Token) -> Any:
    """Opt the e-mail address out at once (the page's button, or one-click from the client)."""
    service = _service(request)
    claim = service.signer.read(t)
    if claim is None:
        return _invalid()
    with service.sessions.begin() as session:
        opt_out(session, claim.address_id, utcnow(), via="unsubscribe link")
    return _page(
        200,
        "Unsubscribed",
        "<h1>You are unsubscribed</h1><p>You will not receive these e-mails any more.</p>"
        "<h1 lang='zh'>您已成功退订</h1><p lang='zh'>您将不会再收到此类邮件。</p>",
    )
