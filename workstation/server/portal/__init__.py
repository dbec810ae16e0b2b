"""The customer's self-service portal (issue 16): server-rendered pages under ``/portal``.

- ``tokens``: the keys (link signature, one-time code hash, single-use form tokens, session);
- ``access``: links (signed, single-customer, expiring per the pack's ``[portal]``), the code
  through the messaging transports, the lock after ``MAX_FAILURES``, sessions, form tokens;
- ``actions`` and ``plans``: what the customer does, each an event with ``via: portal``
  recorded through ``facts.record`` (the one write path);
- ``gateway``: pay now (the adapter interface, the stand-in, the signed webhook that books);
- ``surveys``: the rating after a conversation (``survey_pages``: its page); ``kpis``: what
  the portal adds to the KPIs;
- ``common`` and ``*_pages``, ``render``, ``texts``, ``templates/``, ``static/``: the pages, in
  English and
  Chinese, no script, a strict Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from workstation.server.portal import models as _models  # noqa: F401 - the tables


def install(app: FastAPI, state: Any, messaging: Any) -> None:
    from workstation.server.portal import (
        link_pages,
        pay_pages,
        plan_pages,
        survey_pages,
        surveys,
        visit_pages,
    )
    from workstation.server.portal.common import router
    from workstation.server.portal.service import PortalService
    from workstation.server.workflows.hooks import on_conversation

    del link_pages, pay_pages, plan_pages, survey_pages, visit_pages  # imported for their routes
    on_conversation(surveys.after_conversation)  # a desk's conversation gets its survey

    service = PortalService.open(state, messaging)
    app.state.portal = service
    messaging.worker.portal_keys = service.keys
    app.include_router(router)
    from workstation.server.portal.kpis import router as kpis_router

    app.include_router(kpis_router)
