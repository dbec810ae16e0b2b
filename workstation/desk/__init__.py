"""The agent desk's service layer: queue, account view, outcome logging, plans — no Qt."""

from workstation.desk.payments import PAYMENT_METHODS
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
    ValidationError,
    Verdict,
)

__all__ = [
    "COMPLAINT_CATEGORIES",
    "DISPUTE_REASONS",
    "PAYMENT_METHODS",
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
    "ValidationError",
    "Verdict",
]
