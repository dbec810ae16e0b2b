"""What the portal's pages share: the router, form reading, the transaction, the refusal
pages, the verified visit (``in_visit``) and the page context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workstation.domain.money import Money
from workstation.errors import WorkstationError
from workstation.messages.fill import date_text, money_text
from workstation.server.db import read_only
from workstation.server.deps import AppState, audit, client_address, utcnow
from workstation.server.lifecycle.letters import creditor
from workstation.server.portal import access, actions
from workstation.server.portal.models import PortalLink
from workstation.server.portal.render import language_of, notice, page
from workstation.server.portal.service import PortalService
from workstation.server.versioning import commit
from workstation.text import Text, is_chinese

router = APIRouter(prefix="/portal", include_in_schema=False)
FORM_LIMIT = 20_000


Handler = Callable[[Session, access.Visit, str, datetime], Response]


class Stop(WorkstationError):
    """The page to answer with; raised inside the transaction, so nothing is recorded."""

    summary = Text("The page answered without recording anything", "页面已应答，未记录任何内容")

    def __init__(self, response: Response) -> None:
        super().__init__(f"answered {response.status_code}")
        self.response = response


def service_of(request: Request) -> PortalService:
    service: PortalService = request.app.state.portal
    return service


async def read_form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return {}
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


async def posted(request: Request, run: Callable[..., Response], *args: object) -> Response:
    """A form post: the form read here, ``run(request, *args, form)`` on a worker thread."""
    form = await read_form(request)
    return await run_in_threadpool(run, request, *args, form)


@contextmanager
def transaction(state: AppState, *, reading: bool = False) -> Iterator[Session]:
    """One transaction; ``reading``: a page shown, which writes nothing (its view audit is
    written apart, ``audits``): on SQLite it never queues behind the one writer."""
    session = state.sessions()
    try:
        with session.begin():
            if reading:
                read_only(session)
            yield session
            commit(session)
    finally:
        session.close()


def creditor_phone(lang: str, jurisdiction: str | None = None) -> str:
    """The number a customer calls: the creditor's for their jurisdiction when the page
    knows whose it is, else for ``lang``'s reader."""
    return creditor(lang, jurisdiction).phone


def audit_view(request: Request, link: PortalLink, name: str, now: datetime) -> None:
    """Audit a page shown (written moments later with the others: ``audits``)."""
    service_of(request).views.add(link.id, name, now)


def refused(
    request: Request, lang: str, problem: str, jurisdiction: str | None = None
) -> HTMLResponse:
    """The page that says why not, and the number to call (``jurisdiction``: the customer's,
    when the link or the visit says whose it is)."""
    pages = {
        "bad": ("link_bad_title", "link_bad", 404),
        "expired": ("link_expired_title", "link_expired", 410),
        "locked": ("link_locked_title", "link_locked", 423),
        "used": ("survey_used_title", "survey_used", 410),
        "form": ("form_stale_title", "form_stale", 403),
        "session": ("session_over_title", "session_over", 401),
    }
    title, body, status = pages[problem]
    phone = creditor_phone(lang, jurisdiction)
    return notice(request, lang, title, body, status=status, values={"phone": phone})


def audit_refusal(state: AppState, what: str, link_id: str | None, request: Request) -> None:
    from workstation.server.deps import audit_apart

    audit_apart(
        state,
        None,
        f"portal.refused.{what}",
        "portal_link",
        link_id,
        {"path": request.url.path.split("/")[2] if request.url.path.count("/") > 1 else ""},
    )


def view_refusal(session: Session, link: PortalLink | None, problem: str, now: datetime) -> None:
    audit(
        session,
        None,
        f"portal.refused.{problem}",
        "portal_link",
        link.id if link else None,
        {},
        at=now,
    )


def shown_link(
    request: Request, session: Session, token: str, purpose: str, now: datetime
) -> tuple[PortalLink | None, str, Response | None]:
    """The link a page's token opens and the page's language; else the refusal page to show
    (its view audited in this transaction)."""
    service = service_of(request)
    opened = access.open_link(session, service.keys, token, now, purpose)
    link = opened.link
    customer = service.customer(session, link) if link else None
    lang = language_of(request, customer.language if customer else None)
    if opened.problem or link is None:
        view_refusal(session, link, opened.problem or "bad", now)
        where = customer.jurisdiction if customer else None
        return link, lang, refused(request, lang, opened.problem or "bad", where)
    return link, lang, None


def posted_link(
    request: Request,
    session: Session,
    token: str,
    purpose: str,
    now: datetime,
    *,
    form: dict[str, str],
) -> tuple[PortalLink, str]:
    """The link a form posted to opens, its single-use form token spent; else ``Stop``
    (nothing kept)."""
    link, lang, refusal = shown_link(request, session, token, purpose, now)
    if refusal is not None or link is None:
        raise Stop(refusal or refused(request, lang, "bad"))
    if not access.take_form(session, service_of(request).keys, link.id, form.get("csrf", ""), now):
        raise Stop(refused(request, lang, "form"))
    return link, lang


def act_of(
    request: Request, session: Session, visit: access.Visit, lang: str, now: datetime
) -> actions.Act:
    """The action context of this visit (the customer's address for a consent)."""
    return actions.Act(
        service_of(request).state,
        session,
        visit.account,
        visit.customer,
        now,
        lang,
        client_address(request),
    )


def in_visit(
    request: Request, name: str, work: Handler, form: dict[str, str] | None = None
) -> Response:
    """Run ``work`` for the verified visit (or answer why not); a posted form's token is
    spent first. ``work`` raising ``Stop`` or ``Invalid`` rolls everything back."""
    service = service_of(request)
    now = utcnow()
    try:
        with transaction(service.state, reading=form is None) as session:
            visit = access.visit_of(
                session, service.keys, request.cookies.get(access.SESSION_COOKIE), now
            )
            if visit is None:
                raise Stop(refused(request, language_of(request), "session"))
            lang = language_of(request, visit.customer.language)
            if form is not None and not access.take_form(
                session, service.keys, visit.session_id, form.get("csrf", ""), now
            ):
                raise Stop(refused(request, lang, "form", visit.customer.jurisdiction))
            session.info["portal_link"] = visit.link.id
            audit_view(request, visit.link, name, now)
            return work(session, visit, lang, now)
    except Stop as stop:
        if stop.response.status_code >= 400 and form is not None:
            audit_refusal(service.state, name, None, request)
        return stop.response


def base_context(request: Request, visit: access.Visit, lang: str, **extra: Any) -> dict[str, Any]:
    service = service_of(request)
    account = visit.account
    return {
        "form": service.keys.form_token(visit.session_id),
        "name": visit.customer.name_alt
        if is_chinese(lang) and visit.customer.name_alt
        else visit.customer.name,
        "currency": account.currency,
        "creditor": creditor(lang).short_name.get(lang),
        "errors": {},
        "values": {},
        **extra,
    }


def money_of(minor: int, currency: str, lang: str) -> str:
    return money_text(Money.from_minor(minor, currency), lang)


def done_page(request: Request, lang: str, key: str, **values: object) -> HTMLResponse:
    return notice(request, lang, "done_title", key, home=True, values=values or None)


def invalid_page(
    request: Request,
    template: str,
    visit: access.Visit,
    lang: str,
    *,
    exc: actions.Invalid,
    form: dict[str, str],
    **extra: Any,
) -> Response:
    context = base_context(request, visit, lang, errors=exc.fields, values=form, **extra)
    raise Stop(page(request, template, lang, status=400, context=context))


# promise ---------------------------------------------------------------------------------------


def when_text(moment: datetime, lang: str) -> str:
    return f"{date_text(moment.date(), lang)} {moment.strftime('%H:%M')}"


# plan -------------------------------------------------------------------------------------------
