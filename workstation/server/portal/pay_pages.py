"""Pay now: the amount, the gateway's page (the stand-in's, here), the return page and the
signed webhook that alone books the money."""

from __future__ import annotations

import time
from datetime import datetime

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workstation.domain.model import new_id
from workstation.domain.money import Money
from workstation.server.deps import audit, utcnow
from workstation.server.portal import access, actions
from workstation.server.portal.common import (
    Stop,
    base_context,
    in_visit,
    invalid_page,
    money_of,
    read_form,
    refused,
    router,
    service_of,
    transaction,
)
from workstation.server.portal.gateway import (
    SIGNATURE_HEADER,
    StandInGateway,
    WebhookRefused,
    book,
)
from workstation.server.portal.models import PortalPayment
from workstation.server.portal.render import language_of, notice, page


@router.get("/pay")
def pay_page(request: Request) -> Response:
    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        amount = Money.from_minor(
            visit.account.past_due_minor or visit.account.balance_minor, visit.account.currency
        )
        context = base_context(request, visit, lang, values={"amount": amount.wire()})
        return page(request, "pay.html", lang, context=context)

    return in_visit(request, "pay", work)


@router.post("/pay")
async def pay_post(request: Request) -> Response:
    form = await read_form(request)

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        service = service_of(request)
        try:
            amount = actions.amount_of(
                form.get("amount", ""), visit.account.currency, visit.account.balance_minor
            )
        except actions.Invalid as exc:
            return invalid_page(request, "pay.html", visit, lang, exc=exc, form=form)
        payment = PortalPayment(
            id=new_id(),
            account_id=visit.account.id,
            link_id=visit.link.id,
            gateway=service.gateway.name,
            amount_minor=Money.of(amount, visit.account.currency).minor,
            currency=visit.account.currency,
            status="created",
            created_at=now,
        )
        session.add(payment)
        audit(
            session,
            None,
            "portal.pay_started",
            "portal_payment",
            payment.id,
            {"link_id": visit.link.id},
            at=now,
        )
        return RedirectResponse(
            service.gateway.checkout_url(payment, service.base_url(request)), status_code=303
        )

    return await run_in_threadpool(in_visit, request, "pay", work, form)


@router.get("/pay/return/{reference}")
def pay_return(reference: str, request: Request) -> Response:
    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        payment = session.get(PortalPayment, reference)
        if payment is None or payment.account_id != visit.account.id:
            raise Stop(notice(request, lang, "not_found_title", "not_found", status=404, home=True))
        amount = money_of(payment.amount_minor, payment.currency, lang)
        if payment.status == "confirmed":
            return notice(
                request, lang, "pay_done_title", "pay_done", home=True, values={"amount": amount}
            )
        return notice(request, lang, "pay_pending_title", "pay_pending", status=202, home=True)

    return in_visit(request, "pay_return", work)


# the stand-in gateway's own page (a payment provider's, in a real deployment)


@router.get("/gateway/stand-in/{reference}")
def stand_in_page(reference: str, request: Request) -> Response:
    service = service_of(request)
    with service.state.sessions() as session:
        payment = session.get(PortalPayment, reference)
    lang = language_of(request)
    if (
        payment is None
        or payment.status != "created"
        or not isinstance(service.gateway, StandInGateway)
    ):
        return notice(request, lang, "not_found_title", "not_found", status=404)
    context = {
        "reference": reference,
        "amount": money_of(payment.amount_minor, payment.currency, lang),
        "form": service.keys.form_token("gateway:" + reference),
    }
    return page(request, "gateway.html", lang, context=context)


@router.post("/gateway/stand-in/{reference}")
async def stand_in_pay(reference: str, request: Request) -> Response:
    form = await read_form(request)
    service = service_of(request)

    def work() -> Response:
        lang = language_of(request)
        gateway = service.gateway
        with transaction(service.state) as session:
            payment = session.get(PortalPayment, reference)
            if payment is None or not isinstance(gateway, StandInGateway):
                return notice(request, lang, "not_found_title", "not_found", status=404)
            if not access.take_form(
                session, service.keys, "gateway:" + reference, form.get("csrf", ""), utcnow()
            ):
                return refused(request, lang, "form")
            session.expunge(payment)
        if form.get("action") == "pay":
            gateway.notify(service.base_url(request), payment)
        return RedirectResponse(f"/portal/pay/return/{reference}", status_code=303)

    return await run_in_threadpool(work)


@router.post("/webhooks/payments")
async def payment_webhook(request: Request) -> Response:
    body = await request.body()
    signature = request.headers.get(SIGNATURE_HEADER, "")
    service = service_of(request)

    def work() -> Response:
        now = utcnow()
        try:
            note = service.gateway.read_webhook(body, signature, time.time())
            with transaction(service.state) as session:
                outcome = book(
                    session,
                    note,
                    now,
                    grace_days=service.state.settings.promise_grace_days,
                    match_days=service.state.settings.payment_match_days,
                )
                audit(
                    session,
                    None,
                    "portal.webhook",
                    "portal_payment",
                    note.reference,
                    {"outcome": outcome, "notification": note.id},
                    at=now,
                )
        except WebhookRefused as refused:
            from workstation.server.deps import audit_apart

            audit_apart(
                service.state,
                None,
                "portal.webhook_refused",
                "portal_payment",
                None,
                {"why": str(refused)},
            )
            return JSONResponse({"error": "refused", "message": str(refused)}, status_code=400)
        return JSONResponse({"status": outcome})

    return await run_in_threadpool(work)


# survey ----------------------------------------------------------------------------------------
