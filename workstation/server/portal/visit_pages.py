"""The account page and the actions of a verified visit: promise, callback, hardship,
complaint, dispute, opt-out. Each action is recorded through ``actions`` (the one write path)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workstation.domain.enums import AccountStatus, CustomerFlag
from workstation.domain.money import Money
from workstation.messages.fill import date_text, money_text
from workstation.server import facts
from workstation.server.models import ContactRow, PromiseRow
from workstation.server.portal import access, actions
from workstation.server.portal.common import (
    Stop,
    act_of,
    base_context,
    done_page,
    in_visit,
    invalid_page,
    money_of,
    read_form,
    router,
    when_text,
)
from workstation.server.portal.render import notice, page


def _next_step(session: Session, visit: access.Visit, lang: str) -> str:
    from workstation.server.portal.texts import text

    account = visit.account
    status = AccountStatus(account.status)
    if status.is_closed:
        return text("next_closed", lang)
    holds = {CustomerFlag.HARDSHIP.value, CustomerFlag.BREATHING_SPACE.value}
    if status in (AccountStatus.HOLD, AccountStatus.DISPUTE) or holds & set(
        visit.customer.flags or []
    ):
        return text("next_hold", lang)
    if status is AccountStatus.PLAN:
        return text("next_plan", lang)
    promise = session.scalar(
        select(PromiseRow)
        .where(PromiseRow.account_id == account.id, PromiseRow.status == "open")
        .order_by(PromiseRow.made_at.desc())
        .limit(1)
    )
    if promise is not None:
        return text(
            "next_promise",
            lang,
            amount=money_of(promise.amount_minor, promise.currency, lang),
            date=date_text(promise.due_date, lang),
        )
    return text("next_open", lang)


@router.get("/account")
def account_page(request: Request) -> Response:
    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        account = visit.account
        context = base_context(
            request,
            visit,
            lang,
            balance=money_of(account.balance_minor, account.currency, lang),
            past_due=money_of(account.past_due_minor, account.currency, lang),
            days=account.days_past_due,
            reference=account.account_ref or account.id[-8:].upper(),
            next_step=_next_step(session, visit, lang),
            closed=AccountStatus(account.status).is_closed,
            done=request.query_params.get("done"),
        )
        return page(request, "account.html", lang, context=context)

    return in_visit(request, "account", work)


Extra = Callable[[Session, access.Visit, datetime], dict[str, Any]]


def _form_page(name: str, template: str, extra: Extra) -> Callable[[Request], Response]:
    """The GET of a form page: the form, with what ``extra`` adds to the context."""

    def get(request: Request) -> Response:
        def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
            context = base_context(request, visit, lang, **extra(session, visit, now))
            return page(request, template, lang, context=context)

        return in_visit(request, name, work)

    return get


def _acted(
    request: Request,
    session: Session,
    visit: access.Visit,
    lang: str,
    now: datetime,
    *,
    form: dict[str, str],
    template: str,
    extra: Extra,
    run: Callable[[actions.Act, dict[str, str]], Any],
) -> Any:
    """``run``'s result; what the customer typed wrong shows the form again (``Stop``)."""
    try:
        return run(act_of(request, session, visit, lang, now), form)
    except actions.Invalid as exc:
        return invalid_page(
            request, template, visit, lang, exc=exc, form=form, **extra(session, visit, now)
        )


def _promise_extra(session: Session, visit: access.Visit, now: datetime) -> dict[str, Any]:
    today = actions.local_today(visit.customer, now)
    return {
        "min_day": today.isoformat(),
        "max_day": (today + timedelta(days=actions.PROMISE_DAYS)).isoformat(),
    }


router.add_api_route("/promise", _form_page("promise", "promise.html", _promise_extra))


@router.post("/promise")
async def promise_post(request: Request) -> Response:
    form = await read_form(request)

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        try:
            done = _acted(
                request, session, visit, lang, now,
                form=form, template="promise.html", extra=_promise_extra, run=actions.promise,
            )  # fmt: skip
        except facts.Refusal as refusal:
            raise Stop(
                notice(request, lang, "done_title", "nothing_changed", status=409)
            ) from refusal
        amount = money_text(Money.of(done["amount"], visit.account.currency), lang)
        return done_page(
            request, lang, "done_promise", amount=amount, date=date_text(done["due"], lang)
        )

    return await run_in_threadpool(in_visit, request, "promise", work, form)


# callback ---------------------------------------------------------------------------------------


def _callback_extra(session: Session, visit: access.Visit, now: datetime) -> dict[str, Any]:
    today = actions.local_today(visit.customer, now)
    return {
        "min_day": today.isoformat(),
        "max_day": (today + timedelta(days=actions.CALLBACK_DAYS)).isoformat(),
        "why": "",
        "suggestions": [],
    }


router.add_api_route("/callback", _form_page("callback", "callback.html", _callback_extra))


@router.post("/callback")
async def callback_post(request: Request) -> Response:
    form = await read_form(request)

    def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
        result = _acted(
            request, session, visit, lang, now,
            form=form, template="callback.html", extra=_callback_extra, run=actions.callback,
        )  # fmt: skip
        if isinstance(result, actions.SlotVerdict):
            extra = _callback_extra(session, visit, now)
            extra.update(
                why=result.why,
                suggestions=[
                    (s.date().isoformat(), s.strftime("%H:%M"), when_text(s, lang))
                    for s in result.suggestions
                ],
            )
            context = base_context(
                request, visit, lang, errors={"time": "callback_not_allowed"}, values=form, **extra
            )
            raise Stop(page(request, "callback.html", lang, status=400, context=context))
        return done_page(request, lang, "done_callback", when=when_text(result, lang))

    return await run_in_threadpool(in_visit, request, "callback", work, form)


def _simple(
    name: str,
    template: str,
    run: Callable[[actions.Act, dict[str, str]], Any],
    **fixed: Any,
) -> tuple[Any, Any]:
    def extra(session: Session, visit: access.Visit, now: datetime) -> dict[str, Any]:
        out = dict(fixed)
        if out.pop("contacts", False):
            out["contacts"] = _contacts(session, visit)
        return out

    async def post(request: Request) -> Response:
        form = await read_form(request)

        def work(session: Session, visit: access.Visit, lang: str, now: datetime) -> Response:
            try:
                result = _acted(
                    request, session, visit, lang, now,
                    form=form, template=template, extra=extra, run=run,
                )  # fmt: skip
            except facts.Refusal:
                raise Stop(
                    notice(request, lang, "done_title", "nothing_changed", status=409, home=True)
                ) from None
            key, values = result
            return done_page(request, lang, key, **values)

        return await run_in_threadpool(in_visit, request, name, work, form)

    return _form_page(name, template, extra), post


def _contacts(session: Session, visit: access.Visit) -> dict[str, dict[str, Any]]:
    return _contacts_of(session, visit.customer.id)


def _contacts_of(session: Session, customer_id: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for row in session.scalars(
        select(ContactRow)
        .where(ContactRow.customer_id == customer_id)
        .order_by(ContactRow.position)
    ):
        channel = {"phone": "sms", "email": "email"}.get(row.kind)
        if channel and channel not in found:
            found[channel] = {"id": row.id, "stopped": bool((row.data or {}).get("opted_out"))}
    return found


def _hardship(act: actions.Act, form: dict[str, str]) -> Any:
    return "done_hardship", {"days": actions.hardship(act, form)}


def _complaint(act: actions.Act, form: dict[str, str]) -> Any:
    reference, due = actions.complaint(act, form)
    if due is None:
        return "done_complaint_nodate", {"reference": reference}
    return "done_complaint", {"reference": reference, "date": date_text(due, act.language)}


def _dispute(act: actions.Act, form: dict[str, str]) -> Any:
    return "done_dispute", {"reference": actions.dispute(act, form)}


def _preferences(act: actions.Act, form: dict[str, str]) -> Any:
    visit_contacts = _contacts_of(act.session, act.customer.id)
    contacts = {ch: c["id"] for ch, c in visit_contacts.items() if not c["stopped"]}
    actions.opt_out(act, form, contacts)
    return "done_preferences", {}


for _name, _template, _run, _extra_args in (
    ("hardship", "hardship.html", _hardship, {}),
    ("complaint", "complaint.html", _complaint, {"categories": actions.COMPLAINT_CATEGORIES}),
    ("dispute", "dispute.html", _dispute, {"reasons": actions.DISPUTE_REASONS}),
    ("preferences", "preferences.html", _preferences, {"contacts": True}),
):
    _get, _post = _simple(_name, _template, _run, **_extra_args)
    router.add_api_route(f"/{_name}", _get, methods=["GET"])
    router.add_api_route(f"/{_name}", _post, methods=["POST"])


# pay --------------------------------------------------------------------------------------------
