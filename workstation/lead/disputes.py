"""The lead's typed client of the disputes API (``/api/v1/disputes``): the team's open
disputes and the lead's steps (send the validation notice, resume, uphold). Blocking; call
from the op runner. A refusal arrives as ``DisputeRefused`` with its message in both
languages; nothing was changed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from workstation.domain import Money
from workstation.errors import WorkstationError
from workstation.sync.errors import ServerError
from workstation.text import Text
from workstation.workflows.disputes import Step


@dataclass(frozen=True, slots=True)
class Dispute:
    id: str
    account_id: str
    status: str
    reason: str
    pack: str
    received_on: date
    validation_sent_on: date | None
    resume_on: date | None
    note: str
    adjustment: Money | None

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any], currency: str = "") -> Dispute:
        def day(key: str) -> date | None:
            return date.fromisoformat(str(raw[key])) if raw.get(key) else None

        adjustment = raw.get("adjustment")
        return cls(
            id=str(raw["id"]),
            account_id=str(raw["account_id"]),
            status=str(raw["status"]),
            reason=str(raw.get("reason") or ""),
            pack=str(raw.get("pack") or ""),
            received_on=date.fromisoformat(str(raw["received_on"])),
            validation_sent_on=day("validation_sent_on"),
            resume_on=day("resume_on"),
            note=str(raw.get("note") or ""),
            adjustment=Money.of(str(adjustment), currency) if adjustment and currency else None,
        )


class DisputeRefused(WorkstationError):
    summary = Text("The dispute step was refused", "争议处理操作被拒绝")

    def __init__(self, error: ServerError) -> None:
        body = error.body
        super().__init__(Text(str(body.get("message") or error), str(body.get("message_zh") or "")))
        self.status = error.status
        self.field = body.get("field")


class DisputesClient:
    def __init__(self, api: Any) -> None:
        self.api = api

    def list(self, *, status: str = "open", account_id: str | None = None) -> list[Dispute]:
        params: dict[str, Any] = {"status": status}
        if account_id:
            params["account_id"] = account_id
        raw = self.api.call("GET", "/api/v1/disputes", params=params)
        return [Dispute.from_wire(d) for d in raw.get("disputes") or ()]

    def step(
        self,
        dispute_id: str,
        step: Step,
        *,
        note: str = "",
        adjustment: Decimal | None = None,
        close_account: bool = False,
    ) -> tuple[Dispute, str | None]:
        """The dispute as the step left it, and the notice's SHA-256 (a validation sent)."""
        body: dict[str, Any] = {"note": note, "close_account": close_account}
        if adjustment is not None:
            body["adjustment"] = str(adjustment)
        try:
            raw = self.api.call(
                "POST",
                f"/api/v1/disputes/{dispute_id}/{step.value}",
                body=body,
                idempotency_key=f"lead-dispute-{step.value}-{uuid.uuid4().hex}",
            )
        except ServerError as exc:
            if exc.status in (403, 409, 422):
                raise DisputeRefused(exc) from exc
            raise
        return Dispute.from_wire(raw["dispute"]), raw.get("letter_sha256")
