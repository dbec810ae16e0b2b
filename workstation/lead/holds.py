"""The lead's lift of a hold by its lifting event (``POST /api/v1/holds/{account}/lift``):
the vulnerability review done from the review queue, a breathing space the debt adviser
ended. Blocking; call from the op runner. A refusal is ``HoldLiftRefused``."""

from __future__ import annotations

import uuid
from typing import Any

from workstation.domain.enums import CustomerFlag
from workstation.errors import WorkstationError
from workstation.sync.errors import ServerError
from workstation.text import Text


class HoldLiftRefused(WorkstationError):
    summary = Text("The hold was not lifted", "暂停未解除")


class HoldsClient:
    def __init__(self, api: Any) -> None:
        self.api = api

    def lift(self, account_id: str, flag: CustomerFlag, details: str) -> str:
        """The lifting event's code the server recorded."""
        try:
            raw = self.api.call(
                "POST",
                f"/api/v1/holds/{account_id}/lift",
                body={"flag": flag.value, "details": details},
                idempotency_key=f"lead-lift-{uuid.uuid4().hex}",
            )
        except ServerError as exc:
            if exc.status in (403, 404, 409, 422):
                raise HoldLiftRefused(str(exc.body.get("message") or exc)) from exc
            raise
        return str(raw["reason"])
