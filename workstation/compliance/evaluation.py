"""The full decision: every rule family over one ``history.Case`` — holds (account, flags,
disputes, complaints), the customer- and debt-wide limits, then the phone / e-mail /
address to use and what blocks it — composed into the verdict with calling hours.

``lane.decide_in_lane`` sends here what its common case cannot settle."""

from __future__ import annotations

from workstation.compliance.decision import Decision
from workstation.compliance.history import NOTHING, Case
from workstation.compliance.holds import account_holds, complaint_holds, may_hold
from workstation.compliance.limits import limit_block
from workstation.compliance.targets import choose
from workstation.compliance.verdict import compose


def evaluate(case: Case, address: str | None) -> Decision:
    """The verdict for ``case`` on ``address`` (None: the first usable one)."""
    plan, clock, blocks = case.plan, case.clock, case.blocks
    if may_hold(case):
        account_holds(case)
    complained = complaint_holds(case) if case.complaints else NOTHING
    for limit in plan.limits:
        block = limit_block(plan, limit, clock, case.contacts, case.account.id)
        if block is not None:
            blocks.append(block)
    chosen, target_blocks, third_party = choose(case, address, complained)
    if target_blocks:
        blocks.extend(target_blocks)
    return compose(plan, clock, blocks, chosen, third_party)
