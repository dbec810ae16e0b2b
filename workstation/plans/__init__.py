"""Repayment-plan calculators (还款计划): instalments, deferrals, settlements, affordability
and a side-by-side comparison. Plain Python, exact Decimal money, no Qt.

The desk UI and the agreement PDF call these functions and render the dataclasses they
return; ``to_dict()`` on each result gives the JSON the ``workstation plan`` CLI prints.
Every bad input raises ``PlanError``.
"""

from workstation.plans.affordability import (
    DEFAULT_SHARE_PERCENT,
    Affordability,
    assess_affordability,
    monthly_burden,
)
from workstation.plans.compare import (
    DEFAULT_DISCOUNT_RATE,
    Comparison,
    OptionKind,
    OptionSummary,
    PlanOption,
    compare_options,
    present_value,
)
from workstation.plans.dates import Frequency, due_dates, nth_due_date
from workstation.plans.deferral import Deferral, DeferralMode, build_deferral
from workstation.plans.errors import (
    MAX_ANNUAL_RATE,
    MAX_INSTALMENTS,
    MAX_SETTLEMENT_PARTS,
    PlanError,
)
from workstation.plans.policy import SettlementPolicy, load_settlement_policy
from workstation.plans.schedule import (
    Instalment,
    InstalmentTerms,
    Method,
    Schedule,
    build_schedule,
)
from workstation.plans.settlement import (
    PolicyCheck,
    PolicyIssue,
    Settlement,
    SettlementPart,
    build_settlement,
)

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_SHARE_PERCENT",
    "MAX_ANNUAL_RATE",
    "MAX_INSTALMENTS",
    "MAX_SETTLEMENT_PARTS",
    "Affordability",
    "Comparison",
    "Deferral",
    "DeferralMode",
    "Frequency",
    "Instalment",
    "InstalmentTerms",
    "Method",
    "OptionKind",
    "OptionSummary",
    "PlanError",
    "PlanOption",
    "PolicyCheck",
    "PolicyIssue",
    "Schedule",
    "Settlement",
    "SettlementPart",
    "SettlementPolicy",
    "assess_affordability",
    "build_deferral",
    "build_schedule",
    "build_settlement",
    "compare_options",
    "due_dates",
    "load_settlement_policy",
    "monthly_burden",
    "nth_due_date",
    "present_value",
]
