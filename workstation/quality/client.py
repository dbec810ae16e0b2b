"""The typed client of the QA and training API (``/api/v1/quality``, ``/api/v1/training``).

The lead's console reads the team's weekly samples, one sample beside its history, scores it
with the rubric, sees calibration and the QA KPIs and who is certified; the desk reads the
agent's own reviews and acknowledges them, and the training screen submits a practice for
certification. It rides on the sync engine's ``ApiSession`` like the lead's client.
Blocking: call from the op runner. A refusal arrives as ``QualityRefused`` with the
server's message; nothing was changed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workstation.errors import WorkstationError
from workstation.lead.client import Caller, get_list
from workstation.sync.errors import ServerError
from workstation.text import Text


@dataclass(frozen=True, slots=True)
class QaSample:
    """One sampled conversation in the lead's list."""

    id: str
    week: str
    event_id: str
    account_id: str
    agent_id: str
    agent_name: str
    reasons: tuple[str, ...]
    status: str
    occurred_at: str
    disposition: str
    notes: str
    reviews: int
    reviewed_by_me: bool
    score: str | None
    passed: bool | None
    critical_failed: bool | None

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> QaSample:
        return cls(
            id=str(raw["id"]),
            week=str(raw.get("week") or ""),
            event_id=str(raw["event_id"]),
            account_id=str(raw["account_id"]),
            agent_id=str(raw["agent_id"]),
            agent_name=str(raw.get("agent_name") or ""),
            reasons=tuple(str(r) for r in raw.get("reasons") or ()),
            status=str(raw.get("status") or ""),
            occurred_at=str(raw.get("occurred_at") or ""),
            disposition=str(raw.get("disposition") or ""),
            notes=str(raw.get("notes") or ""),
            reviews=int(raw.get("reviews") or 0),
            reviewed_by_me=bool(raw.get("reviewed_by_me")),
            score=raw.get("score"),
            passed=raw.get("passed"),
            critical_failed=raw.get("critical_failed"),
        )


@dataclass(frozen=True, slots=True)
class QaReview:
    """A review as the server scored it (the lead's, or one of the agent's own)."""

    id: str
    sample_id: str
    event_id: str
    reviewer_name: str
    answers: dict[str, str]
    item_notes: dict[str, str]
    comment: str
    score: str
    critical_failed: bool
    passed: bool
    calibration: bool
    status: str
    occurred_at: str
    acknowledged_at: str | None
    reply: str
    account_id: str = ""
    disposition: str = ""
    notes: str = ""

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> QaReview:
        return cls(
            id=str(raw["id"]),
            sample_id=str(raw.get("sample_id") or ""),
            event_id=str(raw.get("event_id") or ""),
            reviewer_name=str(raw.get("reviewer_name") or ""),
            answers={str(k): str(v) for k, v in (raw.get("answers") or {}).items()},
            item_notes={str(k): str(v) for k, v in (raw.get("item_notes") or {}).items()},
            comment=str(raw.get("comment") or ""),
            score=str(raw.get("score") or ""),
            critical_failed=bool(raw.get("critical_failed")),
            passed=bool(raw.get("passed")),
            calibration=bool(raw.get("calibration")),
            status=str(raw.get("status") or ""),
            occurred_at=str(raw.get("occurred_at") or ""),
            acknowledged_at=raw.get("acknowledged_at"),
            reply=str(raw.get("reply") or ""),
            account_id=str(raw.get("account_id") or ""),
            disposition=str(raw.get("disposition") or ""),
            notes=str(raw.get("notes") or ""),
        )


class QualityRefused(WorkstationError):
    summary = Text("The server refused this quality step", "服务器拒绝了该质检操作")

    def __init__(self, error: ServerError) -> None:
        body = error.body
        message = str(body.get("message") or error)
        super().__init__(Text(message, str(body.get("message_zh") or "") or message))
        self.status = error.status


class QualityClient:
    def __init__(self, api: Caller) -> None:
        self.api = api

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.api.call("POST", path, body=body, idempotency_key=f"qa-{uuid.uuid4().hex}")
        except ServerError as exc:
            if exc.status in (403, 404, 409, 422):
                raise QualityRefused(exc) from exc
            raise

    # -- the lead -------------------------------------------------------------------------------

    def samples(self, *, status: str | None = None, limit: int = 500) -> list[QaSample]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        return [
            QaSample.from_wire(r) for r in get_list(self.api, "/api/v1/quality/samples", params)
        ]

    def sample(self, sample_id: str) -> dict[str, Any]:
        """The sample with its event, account, customer, the customer's history and reviews."""
        return self.api.call("GET", f"/api/v1/quality/samples/{sample_id}")

    def score(
        self,
        sample_id: str,
        answers: Mapping[str, str],
        *,
        comment: str = "",
        item_notes: Mapping[str, str] | None = None,
    ) -> QaReview:
        raw = self._post(
            f"/api/v1/quality/samples/{sample_id}/reviews",
            {"answers": dict(answers), "item_notes": dict(item_notes or {}), "comment": comment},
        )
        return QaReview.from_wire(raw)

    def calibration(self, start: date, end: date) -> list[dict[str, Any]]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        return get_list(self.api, "/api/v1/quality/calibration", params)

    def kpis(self, start: date, end: date) -> dict[str, Any]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        return self.api.call("GET", "/api/v1/quality/kpis", params=params)

    def team_certifications(self) -> list[dict[str, Any]]:
        return get_list(self.api, "/api/v1/training/team", {})

    # -- the agent ------------------------------------------------------------------------------

    def my_reviews(self, limit: int = 100) -> list[QaReview]:
        rows = get_list(self.api, "/api/v1/quality/reviews/mine", {"limit": limit})
        return [QaReview.from_wire(r) for r in rows]

    def acknowledge(self, review_id: str, reply: str = "") -> QaReview:
        raw = self._post(f"/api/v1/quality/reviews/{review_id}/acknowledge", {"reply": reply})
        return QaReview.from_wire(raw)

    # -- training -------------------------------------------------------------------------------

    def submit_practice(self, submission: Mapping[str, Any]) -> dict[str, Any]:
        """The practice for one pack, re-scored by the server; certifies when it passed."""
        return self._post("/api/v1/training/results", dict(submission))

    def my_certifications(self) -> list[dict[str, Any]]:
        return get_list(self.api, "/api/v1/training/certifications/mine", {})
