"""The team lead's core (no Qt): a typed client of the backend's team API (overview, queue
explorer, reassignment with dry runs, review queue, KPIs) and the KPI CSV export."""

from workstation.lead.client import PAGE_LIMIT, LeadClient
from workstation.lead.export import to_csv, write_csv
from workstation.lead.types import (
    AccountFilter,
    AccountsPage,
    AgentKpis,
    AgentSummary,
    KpiBlock,
    KpiReport,
    Move,
    ReassignResult,
    ReviewItem,
    TeamAccount,
    TeamOverview,
    TodayWork,
    WeekKpis,
)

__all__ = [
    "PAGE_LIMIT",
    "AccountFilter",
    "AccountsPage",
    "AgentKpis",
    "AgentSummary",
    "KpiBlock",
    "KpiReport",
    "LeadClient",
    "Move",
    "ReassignResult",
    "ReviewItem",
    "TeamAccount",
    "TeamOverview",
    "TodayWork",
    "WeekKpis",
    "to_csv",
    "write_csv",
]
