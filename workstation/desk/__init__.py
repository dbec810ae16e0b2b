"""The agent desk's service layer: queue, account view, outcome logging, plans — no Qt."""

from workstation.desk.plans import PlanComparison, PlanOption, PlanRequest, ScheduleLine
from workstation.desk.service import (
    COMPLAINT_CATEGORIES,
    DISPUTE_REASONS,
    AgreedPlan,
    AgreementDocument,
    ContactEdit,
    DeskService,
)
from workstation.desk.types import (
    AccountView,
    CallGuide,
    Changes,
    DeskError,
    OutcomeInput,
    QueueCategory,
    QueueItem,
    Text,
    ValidationError,
    Verdict,
)

__all__ = [
    "COMPLAINT_CATEGORIES",
    "DISPUTE_REASONS",
    "AccountView",
    "AgreedPlan",
    "AgreementDocument",
    "CallGuide",
    "Changes",
    "ContactEdit",
    "DeskError",
    "DeskService",
    "OutcomeInput",
    "PlanComparison",
    "PlanOption",
    "PlanRequest",
    "QueueCategory",
    "QueueItem",
    "ScheduleLine",
    "Text",
    "ValidationError",
    "Verdict",
]
