"""The lead's answer to an approval request (``/api/v1/approvals``): approve, or refuse
with the reason the agent reads. Blocking; call from the op runner. A refusal of the answer
itself (already answered, no reason) is ``ApprovalRefused`` in both languages."""

from __future__ import annotations

import uuid
from typing import Any

from workstation.errors import WorkstationError
from workstation.sync.errors import ServerError
from workstation.text import Text


class ApprovalRefused(WorkstationError):
    summary = Text("The answer was not taken", "审批答复未被接受")

    def __init__(self, error: ServerError) -> None:
        body = error.body
        super().__init__(Text(str(body.get("message") or error), str(body.get("message_zh") or "")))
        self.status = error.status


class ApprovalsClient:
    def __init__(self, api: Any) -> None:
        self.api = api

    def answer(self, approval_id: str, *, approve: bool, reason: str = "") -> str:
        """The request's status after the answer (approved / refused)."""
        verb = "approve" if approve else "refuse"
        try:
            raw = self.api.call(
                "POST",
                f"/api/v1/approvals/{approval_id}/{verb}",
                body={"reason": reason},
                idempotency_key=f"lead-approval-{verb}-{uuid.uuid4().hex}",
            )
        except ServerError as exc:
            if exc.status in (403, 404, 409, 422):
                raise ApprovalRefused(exc) from exc
            raise
        return str(raw["status"])
