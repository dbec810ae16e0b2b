"""Overrides: a contact made against a "not allowed" verdict must say why, and the why is kept.

The desk calls ``require_override`` before logging an attempt and stores the returned
payload on the contact-attempt event (``contact_attempt(..., extra=payload)``); the
backend's review list finds such events with ``is_override``.
"""

from __future__ import annotations

from typing import Any

from workstation.compliance.engine import Decision
from workstation.domain.model import Event
from workstation.errors import WorkstationError
from workstation.text import Text

OVERRIDE_KEYS = ("override_reason", "override_codes", "decided_at", "rule_pack")


class OverrideRequiredError(WorkstationError, ValueError):
    """A blocked contact was logged without a reason for overriding the rules."""

    summary = Text("This contact needs an override reason", "此次联系必须填写越权原因")


def require_override(decision: Decision, override_reason: str | None) -> dict[str, Any]:
    """The audit payload for an attempt logged against ``decision``.

    Allowed decision: nothing to audit, ``{}``. Blocked decision: ``override_reason`` must
    be non-blank, else ``OverrideRequiredError``; the payload holds the reason, the blocking
    reason codes, when the verdict was reached (UTC, ISO 8601) and the rule pack.
    """
    if decision.allowed:
        return {}
    reason = (override_reason or "").strip()
    codes = [r.code for r in decision.reasons if r.blocking]
    if not reason:
        raise OverrideRequiredError(
            f"This contact is not allowed ({', '.join(codes)}): "
            "logging it needs an override reason",
            zh=f"此次联系不被允许（{'、'.join(codes)}），记录时必须填写越权原因",
        )
    return {
        "override_reason": reason,
        "override_codes": codes,
        "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
        "rule_pack": decision.pack_id,
    }


def is_override(event: Event) -> bool:
    """True for an event logged against a blocked verdict (it carries an override reason)."""
    return bool(str(event.payload.get("override_reason") or "").strip())
