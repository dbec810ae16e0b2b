"""The team lead's typed client of the backend's team API (``/api/v1/team/*``, ``/review``).

It rides on the sync engine's ``ApiSession`` — the same ``requests.Session``, timeouts,
retry policy and bearer-token renewal as sync — so the lead's console needs no HTTP code of
its own. Blocking: call from a worker thread (the UI's op runner), never the GUI thread.

Writes (reassign, move a queue, rebalance, acknowledge) are POSTs; each carries a fresh
``Idempotency-Key`` because the HTTP client retries a POST only when it has one. The
server applies a reassignment in one transaction, so a failure changes nothing; a confirmed
answer lists exactly the accounts that moved.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal, Protocol

from workstation.lead.approvals import ApprovalsClient
from workstation.lead.complaints import ComplaintsClient
from workstation.lead.disputes import DisputesClient
from workstation.lead.holds import HoldsClient
from workstation.lead.portal import PortalKpis
from workstation.lead.strategies import StrategiesClient
from workstation.lead.types import (
    AccountFilter,
    AccountsPage,
    KpiReport,
    ReassignResult,
    ReviewItem,
    TeamAccount,
    TeamOverview,
)

PAGE_LIMIT = 5000  # the server's maximum page


class Caller(Protocol):
    """``workstation.sync.ApiSession`` as the client uses it (``http`` is its ``HttpClient``)."""

    http: Any

    def ensure_token(self) -> None: ...

    def renew(self) -> None: ...

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]: ...


def get_list(api: Caller, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A GET whose answer is a JSON array (``ApiSession.call`` accepts only objects)."""
    import requests

    from workstation.sync.errors import OfflineError, ProtocolError, ServerError

    api.ensure_token()
    http = api.http
    for attempt in range(2):
        try:
            response = http.session.get(
                http.base_url + path,
                params=params,
                headers={"Authorization": f"Bearer {http.access_token}"},
                timeout=http.timeout,
            )
        except requests.RequestException as exc:
            raise OfflineError(f"cannot reach {http.base_url}: {type(exc).__name__}") from exc
        if response.status_code == 401 and attempt == 0:
            api.renew()
            continue
        try:
            data = response.json()
        except ValueError as exc:
            raise ProtocolError(f"the answer to {path} is not JSON") from exc
        if response.status_code >= 400:
            body = data if isinstance(data, dict) else {}
            raise ServerError(
                response.status_code,
                str(body.get("error", "http_error")),
                str(body.get("message", response.reason)),
                body,
            )
        if not isinstance(data, list):
            raise ProtocolError(f"the answer to {path} is not a list")
        return data
    raise AssertionError("unreachable")  # pragma: no cover


def _key(action: str) -> str:
    return f"lead-{action}-{uuid.uuid4().hex}"


class LeadClient:
    """Team overview, queue explorer, reassignment with dry runs, review queue, KPIs; the
    team's complaints (``complaints``), disputes (``disputes``), approval requests
    (``approvals``) and holds lifted by their lifting event (``holds``)."""

    def __init__(self, api: Caller) -> None:
        self.api = api
        self.complaints = ComplaintsClient(api)
        self.disputes = DisputesClient(api)
        self.approvals = ApprovalsClient(api)
        self.holds = HoldsClient(api)
        self.strategies = StrategiesClient(api)

    # -- reading ------------------------------------------------------------------------------

    def overview(self) -> TeamOverview:
        return TeamOverview.from_wire(self.api.call("GET", "/api/v1/team/overview"))

    def accounts(
        self,
        filters: AccountFilter | None = None,
        *,
        cursor: str | None = None,
        limit: int = 500,
        sort: str = "id",
        order: str = "asc",
    ) -> AccountsPage:
        """One page of the team's accounts in ``(sort, id)`` ``order``; the next page starts
        at the returned ``next_cursor`` (keyset pagination: rows never skipped or repeated)."""
        params: dict[str, Any] = {**(filters or AccountFilter()).params()}
        params.update(limit=limit, sort=sort, order=order)
        if cursor is not None:
            params["cursor"] = cursor
        raw = self.api.call("GET", "/api/v1/team/accounts", params=params)
        total = raw.get("total")
        tasks = raw.get("tasks") or {}
        return AccountsPage(
            tuple(TeamAccount.from_wire(a, tasks.get(a["id"])) for a in raw.get("accounts") or ()),
            int(total) if total is not None else None,
            raw.get("next_cursor"),
            bool(raw.get("total_capped")),
        )

    def all_accounts(
        self, filters: AccountFilter | None = None, *, cancelled: Any = None
    ) -> list[TeamAccount]:
        """Every account matching ``filters``, page by page (``cancelled()`` is checked
        between pages)."""
        out: list[TeamAccount] = []
        cursor: str | None = None
        while True:
            page = self.accounts(filters, cursor=cursor, limit=PAGE_LIMIT)
            out.extend(page.accounts)
            cursor = page.next_cursor
            if cursor is None:
                return out
            if cancelled is not None and cancelled():
                return out

    def review(self, *, include_acknowledged: bool = False, limit: int = 200) -> list[ReviewItem]:
        items = self._get_list(
            "/api/v1/review",
            {"include_acknowledged": str(include_acknowledged).lower(), "limit": limit},
        )
        return [ReviewItem.from_wire(i) for i in items]

    def _get_list(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return get_list(self.api, path, params)

    def kpis(self, date_from: date, date_to: date, *, weekly: bool = True) -> KpiReport:
        raw = self.api.call(
            "GET",
            "/api/v1/team/kpis",
            params={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "weekly": str(weekly).lower(),
            },
        )
        return KpiReport.from_wire(raw)

    def portal_kpis(self, date_from: date, date_to: date) -> PortalKpis:
        """What the team's customers did on the self-service portal, and how they rated it."""
        params = {"from": date_from.isoformat(), "to": date_to.isoformat()}
        return PortalKpis.from_wire(self.api.call("GET", "/api/v1/portal/kpis", params=params))

    # -- reassigning ----------------------------------------------------------------------------

    def reassign(
        self, account_ids: list[str], to_user_id: str, *, dry_run: bool, reason: str = ""
    ) -> ReassignResult:
        """``reason``: why accounts go to an agent not certified for their jurisdiction (the
        server refuses such a move without one: 409 ``certification_reason_required``)."""
        raw = self.api.call(
            "POST",
            "/api/v1/team/reassign",
            body={
                "account_ids": list(account_ids),
                "to_user_id": to_user_id,
                "dry_run": dry_run,
                **({"reason": reason} if reason else {}),
            },
            idempotency_key=_key("reassign"),
        )
        return ReassignResult.from_wire(raw)

    def move_queue(
        self, from_user_id: str, to_user_id: str, *, dry_run: bool, reason: str = ""
    ) -> ReassignResult:
        raw = self.api.call(
            "POST",
            "/api/v1/team/move-queue",
            body={
                "from_user_id": from_user_id,
                "to_user_id": to_user_id,
                "dry_run": dry_run,
                **({"reason": reason} if reason else {}),
            },
            idempotency_key=_key("move-queue"),
        )
        return ReassignResult.from_wire(raw)

    def rebalance(
        self,
        user_ids: list[str],
        by: Literal["count", "balance"],
        *,
        dry_run: bool,
        reason: str = "",
    ) -> ReassignResult:
        raw = self.api.call(
            "POST",
            "/api/v1/team/rebalance",
            body={
                "user_ids": list(user_ids),
                "by": by,
                "dry_run": dry_run,
                **({"reason": reason} if reason else {}),
            },
            idempotency_key=_key("rebalance"),
        )
        return ReassignResult.from_wire(raw)

    def acknowledge(self, item_id: str) -> None:
        self.api.call("POST", f"/api/v1/review/{item_id}/ack", idempotency_key=_key("ack"))

    def accept_client_value(self, item_id: str) -> ReviewItem:
        """Apply the value that lost a contact-detail conflict; returns the resolved item.
        The server answers 409 (``ServerError``) when the item is resolved already, is not a
        contact conflict, or the value changed again since."""
        raw = self.api.call(
            "POST",
            f"/api/v1/review/{item_id}/accept-client-value",
            idempotency_key=_key("accept-client-value"),
        )
        return ReviewItem.from_wire(raw)

    def reassign_review_item(self, item_id: str, agent_id: str) -> ReviewItem:
        """Give the item's account(s) to ``agent_id`` and resolve the item."""
        raw = self.api.call(
            "POST",
            f"/api/v1/review/{item_id}/reassign",
            body={"agent": agent_id},
            idempotency_key=_key("review-reassign"),
        )
        return ReviewItem.from_wire(raw)
