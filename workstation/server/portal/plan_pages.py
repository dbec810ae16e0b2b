"""Choosing a plan: the in-policy offers, the agreement to read, consent, the PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workstation.domain.enums import EventType
from workstation.messages.fill import date_text, money_text
from workstation.server import facts
from workstation.server.headers import document_headers
from workstation.server.models import Blob, EventRow
from workstation.server.portal import access, actions, plans
from workstation.server.portal.common import (
    Stop,
    act_of,
    base_context,
    in_visit,
    read_form,
    router,
)
from workstation.server.portal.render import notice, page


def _offer_rows(offers: plans.Offers, lang: str) -> list[dict[str, Any]]:
    rows = []
    for offer in offers.offers:
        option = offer.option
        rows.append(
            {
                "key": offer.key,
                "title": option.title.get(lang),
                "summary": option.summary.get(lang),
                "total": money_text(option.total, lang),
                "first": date_text(option.schedule[0].due, lang),
            }
        )
    return rows


def _refused(request: Request, lang: str, status: int = 400) -> Stop:
    """The plan asked for is not one on offer (forged, or the account moved): nothing kept."""
    return Stop(notice(request, lang, "plan_title", "plan_refused", status=status, home=True))


def _chosen(
    request: Request, visit: access.Visit, lang: str, now: datetime, key: str
) -> plans.Offer:
    """The offer ``key`` names among those computed again now; else ``_refused``."""
    try:
        return plans.chosen(visit.account, visit.customer, now, key)
    except actions.Invalid:
        raise _refused(request, lang) from None


def _plan_page(
    request: Request, visit: access.Visit, lang: str, now: datetime, form: dict[str, str]
) -> Response:
    errors: dict[str, str] = {}
    try:
        found = plans.offers(
            visit.account,
            visit.customer,
            now,
            income=form.get("income", ""),
            spending=form.get("spending", ""),
        )
    except actions.Invalid as exc:
        errors = exc.fields
        found = plans.offers(visit.account, visit.customer, now)
    context = base_context(
        request,
        visit,
        lang,
        errors=errors,
        values=form,
        offers=_offer_rows(found, lang),
        too_dear=found.too_dear,
        max_instalment=money_text(found.max_instalment, lang) if found.max_instalment else "",
    )
    return page(request, "plan.html", lang, status=400 if errors else 200, context=context)


@router.get("/plan")
def plan_page(request: Request) -> Response:
    return in_visit(request, "plan", lambda s, v, lang, now: _plan_page(request, v, lang, now, {}))


@router.post("/plan")
async def plan_afford(request: Request) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(
        in_visit,
        request,
        "plan",
        lambda s, v, lang, now: _plan_page(request, v, lang, now, form),
        form,
    )


def _review_context(
    request: Request, visit: access.Visit, lang: str, offer: plans.Offer, **extra: Any
) -> dict[str, Any]:
    option = offer.option
    return base_context(
        request,
        visit,
        lang,
        key=offer.key,
        title=option.title.get(lang),
        summary=option.summary.get(lang),
        total=money_text(option.total, lang),
        lines=[
            (line.number, date_text(line.due, lang), money_text(line.amount, lang))
            for line in option.schedule
        ],
        **extra,
    )


@router.get("/plan/review")
def plan_review(request: Request) -> Response:
    key = request.query_params.get("option", "")

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        offer = _chosen(request, visit, lang, now, key)
        return page(
            request, "plan_review.html", lang, context=_review_context(request, visit, lang, offer)
        )

    return in_visit(request, "plan_review", work)


@router.get("/plan/draft.pdf")
def plan_draft(request: Request) -> Response:
    key = request.query_params.get("option", "")

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        offer = _chosen(request, visit, lang, now, key)
        document = plans.render(session, visit.account, offer, now, lang)
        return Response(
            document.pdf,
            media_type="application/pdf",
            headers=document_headers(document.sha256, "application/pdf"),
        )

    return in_visit(request, "plan_draft", work)


@router.post("/plan/agree")
async def plan_agree(request: Request) -> Response:
    form = await read_form(request)

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        try:
            offer, sha = plans.agree(act_of(request, session, visit, lang, now), form)
        except actions.Invalid as exc:
            if "option" in exc.fields:
                raise _refused(request, lang) from None
            offer = _chosen(request, visit, lang, now, form.get("option", ""))
            context = _review_context(request, visit, lang, offer, errors=exc.fields, values=form)
            raise Stop(
                page(request, "plan_review.html", lang, status=400, context=context)
            ) from None
        except facts.Refusal:
            raise _refused(request, lang, 409) from None
        context = base_context(
            request, visit, lang, summary=offer.option.summary.get(lang), sha=sha
        )
        return page(request, "plan_done.html", lang, context=context)

    return await run_in_threadpool(in_visit, request, "plan_agree", work, form)


@router.get("/documents/{sha}")
def document(sha: str, request: Request) -> Response:
    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        named = session.scalar(
            select(EventRow.id).where(
                EventRow.account_id == visit.account.id,
                EventRow.type == EventType.PLAN_AGREEMENT.value,
                EventRow.payload["document_sha256"].as_string() == sha,
            )
        )
        blob = session.get(Blob, sha) if named else None
        if blob is None:
            raise Stop(notice(request, lang, "not_found_title", "not_found", status=404, home=True))
        return Response(
            blob.content,
            media_type="application/pdf",
            headers=document_headers(sha, "application/pdf"),
        )

    return in_visit(request, "document", work)


# hardship, complaint, dispute, preferences -------------------------------------------------------
