"""Refusals go into the audit log, in a transaction of their own.

A read of someone else's account answered 404 (or 403) left no trace: the request's
transaction, audit entry included, rolled back with the refusal. Probing for records is
exactly what an audit log is for, so every 403, 404 and 429 answered to a signed-in caller
is written by ``audit_refusal`` after the fact (sign-in lock-outs, which have no caller
yet, are audited by the sign-in itself).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from workstation.server.deps import AppState, Principal, audit_apart
from workstation.server.errors import ApiError

REFUSALS_AUDITED = frozenset({403, 404, 429})
_READS = frozenset({"GET", "HEAD"})


def audit_refusal(state: AppState, request: Request, refusal: ApiError) -> None:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return
    route = str(getattr(request.scope.get("route"), "path", request.url.path))
    entity, entity_id = _named_record(route, dict(request.path_params))
    audit_apart(
        state,
        principal,
        "refused.read" if request.method in _READS else "refused.write",
        entity,
        entity_id,
        {
            "method": request.method,
            "path": request.url.path[:500],
            "status": refusal.status,
            "error": refusal.error,
        },
    )


def _named_record(route: str, params: dict[str, Any]) -> tuple[str, str]:
    """``/api/v1/accounts/{account_id}/…`` -> ("account", the id); a route naming no record
    -> ("route", the route)."""
    before, brace, _ = route.partition("{")
    if not brace or not params:
        return "route", route[:64]
    kind = before.rstrip("/").rsplit("/", 1)[-1] or "record"
    value = next(iter(params.values()))
    return kind.removesuffix("s")[:32], str(value)[:64]
