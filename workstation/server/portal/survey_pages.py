"""The survey's page (``surveys``): a 1-5 rating and a comment, answered once through the
link the survey SMS carried; no code is asked because the page shows nothing personal."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from workstation.contract.events import SatisfactionPayload
from workstation.domain.enums import Channel, EventType
from workstation.server.deps import utcnow
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.portal.actions import Act, record
from workstation.server.portal.common import (
    Stop,
    audit_view,
    posted,
    posted_link,
    router,
    service_of,
    shown_link,
    transaction,
)
from workstation.server.portal.models import PortalLink
from workstation.server.portal.render import notice, page

SCORES = ("1", "2", "3", "4", "5")
COMMENT_LIMIT = 2000


@router.get("/survey/{token}")
def survey_page(token: str, request: Request) -> Response:
    service = service_of(request)
    now = utcnow()
    with transaction(service.state) as session:
        link, lang, refusal = shown_link(request, session, token, "survey", now)
        if refusal is not None:
            return refusal
        assert link is not None
        audit_view(request, link, "survey", now)
        context = {"form": service.keys.form_token(link.id), "errors": {}, "values": {}}
    return page(request, "survey.html", lang, context=context)


@router.post("/survey/{token}")
async def survey_post(token: str, request: Request) -> Response:
    return await posted(request, _answer, token)


def _answer(request: Request, token: str, form: dict[str, str]) -> Response:
    service = service_of(request)
    now = utcnow()
    try:
        with transaction(service.state) as session:
            link, lang = posted_link(request, session, token, "survey", now, form=form)
            score = form.get("score", "")
            comment = form.get("comment", "").strip()
            if score not in SCORES or len(comment) > COMMENT_LIMIT:
                context = {
                    "form": service.keys.form_token(link.id),
                    "errors": {"score": "bad_choice"},
                    "values": form,
                }
                raise Stop(page(request, "survey.html", lang, status=400, context=context))
            account = session.get(AccountRow, link.account_id)
            customer = session.get(CustomerRow, link.customer_id)
            assert account is not None
            assert customer is not None
            session.info["portal_link"] = link.id
            act = Act(service.state, session, account, customer, now)
            record(act, EventType.SATISFACTION, _rating(session, link, int(score), comment))
            link.used_at = now
    except Stop as stop:
        return stop.response
    return notice(request, lang, "done_title", "survey_done")


def _rating(session: Session, link: PortalLink, score: int, comment: str) -> SatisfactionPayload:
    """The answer, naming the conversation rated and its channel."""
    rated = session.get(EventRow, link.rated_event_id) if link.rated_event_id else None
    channel = str((rated.payload or {}).get("channel") or "") if rated is not None else ""
    return SatisfactionPayload(
        score=score,
        comment=comment or None,
        source="survey",
        contact_channel=Channel(channel) if channel in Channel.__members__.values() else None,
        rated_event_id=link.rated_event_id,
    )
