"""What the customers did on the self-service portal, as the lead's console reads it
(``GET /api/v1/portal/kpis?from=&to=``, ``workstation.server.portal.kpis``): plans, promises,
callback requests and confirmed payments made on the portal, the survey response rate, and
satisfaction — the customers' own ratings by the channel of the conversation rated, beside
the scores agents typed during a call (labelled agent-entered, never mixed in).

The wire form only; ``LeadClient.portal_kpis`` fetches it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from workstation.domain import Money


@dataclass(frozen=True, slots=True)
class Score:
    """A mean rating (1-5) over ``count`` ratings; ``mean`` is None without any."""

    count: int
    mean: Decimal | None

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any] | None) -> Score:
        raw = raw or {}
        mean = raw.get("mean")
        return cls(int(raw.get("count") or 0), None if mean is None else Decimal(str(mean)))


@dataclass(frozen=True, slots=True)
class PortalKpis:
    date_from: date
    date_to: date
    plans: int
    promises: int
    callbacks: int
    payments: int
    paid: dict[str, Money]
    surveys_sent: int
    surveys_answered: int
    response_rate: Decimal | None  # answered / sent; None when none was sent
    survey: Score  # the customers' own ratings
    agent_entered: Score  # typed by the agent during the call
    survey_by_channel: dict[str, Score] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> PortalKpis:
        satisfaction = raw.get("satisfaction") or {}
        rate = raw.get("survey_response_rate")
        return cls(
            date_from=date.fromisoformat(str(raw["date_from"])),
            date_to=date.fromisoformat(str(raw["date_to"])),
            plans=int(raw.get("portal_plans") or 0),
            promises=int(raw.get("portal_promises") or 0),
            callbacks=int(raw.get("portal_callbacks") or 0),
            payments=int(raw.get("portal_payments") or 0),
            paid={
                str(c): Money.of(str(v), str(c))
                for c, v in (raw.get("portal_paid") or {}).items()
                if v is not None
            },
            surveys_sent=int(raw.get("surveys_sent") or 0),
            surveys_answered=int(raw.get("surveys_answered") or 0),
            response_rate=None if rate is None else Decimal(str(rate)),
            survey=Score.from_wire(satisfaction.get("survey")),
            agent_entered=Score.from_wire(satisfaction.get("agent_entered")),
            survey_by_channel={
                str(ch): Score.from_wire(s)
                for ch, s in (satisfaction.get("survey_by_channel") or {}).items()
            },
        )
