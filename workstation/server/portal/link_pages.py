"""The link, the one-time code and the survey link: the pages before (or without) a visit."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workstation.server.deps import audit, utcnow
from workstation.server.portal import access
from workstation.server.portal.common import (
    Stop,
    audit_view,
    posted,
    posted_link,
    refused,
    router,
    service_of,
    shown_link,
    transaction,
)
from workstation.server.portal.models import PortalLink
from workstation.server.portal.render import HERE, language_of, notice, page
from workstation.server.portal.service import PortalService
from workstation.text import is_chinese

# the date of birth's fields in the order each language writes a date
BIRTH_ORDER = {"zh": ("year", "month", "day"), "en": ("day", "month", "year")}


@router.get("/static/portal.css")
def stylesheet() -> Response:
    css = (HERE / "static" / "portal.css").read_bytes()
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def _verify_context(
    service: PortalService, session: Session, link: PortalLink, lang: str, **extra: Any
) -> dict[str, Any]:
    dests = access.destinations(session, link.customer_id)
    return {
        "token": service.keys.sign(link.id),
        "form": service.keys.form_token(link.id),
        "destinations": dests,
        "sent": extra.pop("sent", None),
        "error": extra.pop("error", None),
        "error_values": extra.pop("error_values", {}),
        "values": {k: v for k, v in extra.pop("values", {}).items() if k.startswith("birth_")},
        "birth_parts": BIRTH_ORDER["zh" if is_chinese(lang) else "en"],
        **extra,
    }


@router.get("/l/{token}")
def open_link(token: str, request: Request) -> Response:
    service = service_of(request)
    now = utcnow()
    with transaction(service.state) as session:
        link, lang, refusal = shown_link(request, session, token, "portal", now)
        if refusal is not None:
            return refusal
        assert link is not None
        audit_view(request, link, "verify", now)
        context = _verify_context(
            service, session, link, lang, sent=request.query_params.get("sent")
        )
    return page(request, "verify.html", lang, context=context)


@router.post("/l/{token}/code")
async def send_code(token: str, request: Request) -> Response:
    return await posted(request, _send_code, token)


def _send_code(request: Request, token: str, form: dict[str, str]) -> Response:
    service = service_of(request)
    now = utcnow()
    outcome: dict[str, Any] = {}
    try:
        with transaction(service.state) as session:
            link, lang = posted_link(request, session, token, "portal", now, form=form)
            dest = next(
                (
                    d
                    for d in access.destinations(session, link.customer_id)
                    if d.channel == form.get("channel")
                ),
                None,
            )
            if dest is None:
                outcome = {"error": "no_contact"}
            elif not access.may_send_code(link, now):
                outcome = {"error": "too_many_codes"}
            else:
                code = service.keys.new_code()
                access.note_code(link, service.keys, code, dest.channel, now)
                audit(
                    session,
                    None,
                    "portal.code_sent",
                    "portal_link",
                    link.id,
                    {"channel": dest.channel},
                    at=now,
                )
                outcome = {"dest": dest, "code": code, "language": lang}
            if "error" in outcome:
                context = _verify_context(service, session, link, lang, error=outcome["error"])
    except Stop as stop:
        return stop.response
    if "error" in outcome:
        return page(
            request,
            "verify.html",
            lang,
            status=429 if outcome["error"] == "too_many_codes" else 200,
            context=context,
        )
    if not service.send_code(outcome["dest"], outcome["code"], lang):
        return notice(request, lang, "verify_title", "send_failed", status=503)
    return RedirectResponse(f"/portal/l/{token}?sent={outcome['dest'].channel}", status_code=303)


@router.post("/l/{token}/verify")
async def verify(token: str, request: Request) -> Response:
    return await posted(request, _verify, token)


def _answer_of(form: dict[str, str]) -> access.Answer | None:
    """The customer's answer; None when the date of birth names no date (nothing counted)."""
    try:
        born = access.birth_date_of(
            form.get("birth_year", ""), form.get("birth_month", ""), form.get("birth_day", "")
        )
    except ValueError:
        return None
    return access.Answer(form.get("code", ""), form.get("id_last4", "")[:8], born)


def _verify(request: Request, token: str, form: dict[str, str]) -> Response:
    service = service_of(request)
    now = utcnow()
    cookie = None
    answer: Response
    try:
        with transaction(service.state) as session:
            link, lang = posted_link(request, session, token, "portal", now, form=form)
            customer = service.customer(session, link)
            given = _answer_of(form)
            if given is None or not given.proves:
                context = _verify_context(
                    service,
                    session,
                    link,
                    lang,
                    sent=link.code_channel,
                    error="bad_birth_date" if given is None else "give_a_proof",
                    values=form,
                )
                raise Stop(page(request, "verify.html", lang, status=400, context=context))
            wrong = access.check_answer(link, service.keys, customer, given, now)
            audit(
                session,
                None,
                "portal.verify",
                "portal_link",
                link.id,
                {"ok": wrong is None, "failures": link.failures},
                at=now,
            )
            if wrong == "locked":
                where = service.customer(session, link).jurisdiction
                answer = refused(request, lang, "locked", where)
            elif wrong is not None:
                left = access.MAX_FAILURES - link.failures
                context = _verify_context(
                    service,
                    session,
                    link,
                    lang,
                    error="attempts_left" if wrong == "mismatch" else wrong,
                    error_values={"left": left},
                )
                answer = page(request, "verify.html", lang, status=400, context=context)
            else:
                cookie = access.start_session(session, service.keys, link, now)
                answer = RedirectResponse("/portal/account", status_code=303)
    except Stop as stop:
        return stop.response
    if cookie is not None:
        answer.set_cookie(
            access.SESSION_COOKIE,
            cookie,
            max_age=access.SESSION_MINUTES * 60,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/portal",
        )
    return answer


@router.post("/signout")
async def signout(request: Request) -> Response:
    service = service_of(request)
    cookie = request.cookies.get(access.SESSION_COOKIE)

    def work() -> None:
        with transaction(service.state) as session:
            access.end_session(session, service.keys, cookie)

    await run_in_threadpool(work)
    lang = language_of(request)
    answer = notice(request, lang, "session_over_title", "session_over")
    answer.delete_cookie(access.SESSION_COOKIE, path="/portal")
    return answer
