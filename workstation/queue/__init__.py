"""The prioritized work queue: propensity scorecard, risk tiers, treatments and ranking.

Public surface:
- ``rank(inputs, now, contactability) -> list[RankedRow]`` and ``QueueInput``, ``Contact``,
  ``Category``, ``Tab``, ``tab_rows`` (``ranking``);
- ``Scorecard``, ``ScoreResult``, ``Reason``, ``load_scorecard``, ``default_scorecard``
  (``scorecard``); ``fit_scorecard``, ``auc`` (``fit``); ``extract_features`` (``features``);
- ``TreatmentPolicy``, ``Treatment``, ``load_policy``, ``default_policy`` (``treatments``);
- ``from_row``, ``from_account`` adapters (``inputs``);
- ``StrategyTask``, ``parse_task``, ``standing_task``, ``stop_holding``: a strategy step
  raised for the owner (``tasks``).
"""

from workstation.queue.features import FEATURES, extract_features
from workstation.queue.fit import FitError, auc, fit_logistic, fit_scorecard
from workstation.queue.inputs import from_account, from_row
from workstation.queue.ranking import (
    ALLOWED,
    Category,
    Contact,
    QueueInput,
    RankedRow,
    Tab,
    contact_from_decision,
    in_tab,
    rank,
    tab_rows,
)
from workstation.queue.scorecard import (
    Reason,
    Scorecard,
    ScorecardError,
    ScoreResult,
    default_scorecard,
    load_scorecard,
)
from workstation.queue.tasks import StrategyTask, parse_task, standing_task, stop_holding
from workstation.queue.treatments import (
    Treatment,
    TreatmentPolicy,
    TreatmentsError,
    default_policy,
    load_policy,
)

__all__ = [
    "ALLOWED",
    "FEATURES",
    "Category",
    "Contact",
    "FitError",
    "QueueInput",
    "RankedRow",
    "Reason",
    "ScoreResult",
    "Scorecard",
    "ScorecardError",
    "StrategyTask",
    "Tab",
    "Treatment",
    "TreatmentPolicy",
    "TreatmentsError",
    "auc",
    "contact_from_decision",
    "default_policy",
    "default_scorecard",
    "extract_features",
    "fit_logistic",
    "fit_scorecard",
    "from_account",
    "from_row",
    "in_tab",
    "load_policy",
    "load_scorecard",
    "parse_task",
    "rank",
    "standing_task",
    "stop_holding",
    "tab_rows",
]
