"""The field collector's core (no Qt): today's visits ordered into a route, visit outcomes
with the evidence the rule packs call for, plans agreed and documented on the spot, the
offline banner's facts, and uploading agreement PDFs when the laptop is back online.

Everything except ``uploads`` works with no network at all.
"""

from workstation.field.banner import DEFAULT_RETENTION, OfflineFacts, describe, offline_facts
from workstation.field.route import Point, RouteStop, Stop, area_of, distance_km, plan_route
from workstation.field.service import (
    DAY_PLAN_KEY,
    AddressChoice,
    AgreedPlan,
    FieldService,
    TodayPlan,
    VisitStop,
    plan_choice,
)
from workstation.field.visits import (
    EVIDENCE_FLAGS,
    EVIDENCE_LABELS,
    EVIDENCE_RULES,
    OUTCOME_LABELS,
    THIRD_PARTY_WARNING,
    CheckedVisit,
    VisitInput,
    check_visit,
    required_evidence,
)

__all__ = [
    "DAY_PLAN_KEY",
    "DEFAULT_RETENTION",
    "EVIDENCE_FLAGS",
    "EVIDENCE_LABELS",
    "EVIDENCE_RULES",
    "OUTCOME_LABELS",
    "THIRD_PARTY_WARNING",
    "AddressChoice",
    "AgreedPlan",
    "CheckedVisit",
    "FieldService",
    "OfflineFacts",
    "Point",
    "RouteStop",
    "Stop",
    "TodayPlan",
    "VisitInput",
    "VisitStop",
    "area_of",
    "check_visit",
    "describe",
    "distance_km",
    "offline_facts",
    "plan_choice",
    "plan_route",
    "required_evidence",
]
