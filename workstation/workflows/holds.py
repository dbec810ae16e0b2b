"""Holds as a table (STYLE 15): what places each hold, what lifts it, and who may.

A hold stops contact until its **lifting event**: a complaint resolved, a dispute resumed,
a hardship review done, a breathing space ended, a vulnerability review done… Flag holds
are lifted by a ``flag_change`` clearing the flag, whose ``reason`` is the lifting event's
code and whose ``details`` say why (audited with the user); the server refuses one by
someone whose role may not lift that hold, or without a reason. A complaint or a dispute is
lifted by its own workflow (``complaints``, ``disputes``), never by a flag. The daily run
ends a hold whose pack duration is over (``reason: hold_ended``).

The desk's hold panel, the server's check and the tests read this one table.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from workstation.contract.effects import FLAG_EFFECTS
from workstation.domain.enums import CustomerFlag, Role
from workstation.text import Text

LEAD = frozenset({Role.LEAD})
DESK = frozenset({Role.AGENT, Role.FIELD, Role.LEAD})
SYSTEM_END = "hold_ended"  # the daily run: the pack's duration is over


class HoldKind(StrEnum):
    COMPLAINT = "complaint"
    DISPUTE = "dispute"
    ACCOUNT = "account_hold"  # the account's status is ``hold``
    HARDSHIP = "hardship"
    BREATHING_SPACE = "breathing_space"
    VULNERABILITY_REVIEW = "vulnerability_review"
    VULNERABLE = "vulnerable"
    CEASE_COMMUNICATION = "cease_communication"
    BANKRUPT = "bankrupt"
    DECEASED = "deceased"
    FRAUD_REVIEW = "fraud_review"


@dataclass(frozen=True, slots=True)
class HoldRule:
    kind: HoldKind
    flag: CustomerFlag | None
    lifting_event: str  # the code a lift carries (a flag_change's ``reason``)
    lifted_by: Text  # what lifts it, in words
    lift_roles: frozenset[Role]  # who may lift it by hand (empty: only its workflow)
    label: Text
    place_roles: frozenset[Role] = frozenset()  # who may place it from the desk


HOLDS: tuple[HoldRule, ...] = (
    HoldRule(
        HoldKind.COMPLAINT,
        None,
        "complaint_resolved",
        Text(
            "the complaint is resolved (its handler or the team lead)", "投诉办结（处理人或主管）"
        ),
        frozenset(),
        label=Text("Open complaint", "未结投诉"),
    ),
    HoldRule(
        HoldKind.DISPUTE,
        None,
        "dispute_resumed",
        Text(
            "the dispute is resumed or upheld (the validation wait, or the team lead)",
            "争议恢复催收或成立（核实等待期届满或由主管决定）",
        ),
        frozenset(),
        label=Text("Dispute", "争议"),
    ),
    HoldRule(
        HoldKind.HARDSHIP,
        CustomerFlag.HARDSHIP,
        "hardship_review_done",
        Text("the hardship review is done (or its time is up)", "经济困难评估完成（或期限届满）"),
        DESK,
        label=Text("Hardship", "经济困难"),
    ),
    HoldRule(
        HoldKind.BREATHING_SPACE,
        CustomerFlag.BREATHING_SPACE,
        "breathing_space_ended",
        Text(
            "the breathing space ends (60 days, or the debt adviser ends it: the team lead)",
            "喘息期结束（60天届满，或债务顾问提前结束：由主管解除）",
        ),
        LEAD,
        place_roles=DESK,
        label=Text("Breathing space", "喘息期"),
    ),
    HoldRule(
        HoldKind.VULNERABILITY_REVIEW,
        CustomerFlag.VULNERABILITY_REVIEW,
        "vulnerability_review_done",
        Text("the team lead's vulnerability review is done", "主管完成弱势客户复核"),
        LEAD,
        label=Text("Vulnerability review", "弱势客户复核"),
    ),
    HoldRule(
        HoldKind.VULNERABLE,
        CustomerFlag.VULNERABLE,
        "no_longer_vulnerable",
        Text(
            "the team lead records the customer is no longer vulnerable", "主管确认客户不再属于弱势"
        ),
        LEAD,
        label=Text("Vulnerable customer", "弱势客户"),
    ),
    HoldRule(
        HoldKind.CEASE_COMMUNICATION,
        CustomerFlag.CEASE_COMMUNICATION,
        "customer_withdrew_request",
        Text("the customer withdraws the request (the team lead)", "客户撤回请求（由主管解除）"),
        LEAD,
        label=Text("Cease communication", "停止联系"),
    ),
    HoldRule(
        HoldKind.BANKRUPT,
        CustomerFlag.BANKRUPT,
        "bankruptcy_ended",
        Text("the bankruptcy ends (the team lead)", "破产程序终结（由主管解除）"),
        LEAD,
        label=Text("Bankruptcy", "破产"),
    ),
    HoldRule(
        HoldKind.DECEASED,
        CustomerFlag.DECEASED,
        "recorded_in_error",
        Text("recorded in error (the team lead)", "登记错误（由主管解除）"),
        LEAD,
        label=Text("Deceased", "身故"),
    ),
    HoldRule(
        HoldKind.FRAUD_REVIEW,
        CustomerFlag.FRAUD_REVIEW,
        "fraud_review_done",
        Text("the fraud review is done (the team lead)", "欺诈复核完成（由主管解除）"),
        LEAD,
        label=Text("Fraud review", "欺诈复核"),
    ),
    HoldRule(
        HoldKind.ACCOUNT,
        None,
        "fraud_review_done",
        Text(
            "its review is done (the team lead lifts the flag that placed it)",
            "复核完成（主管解除相应标记）",
        ),
        frozenset(),
        label=Text("Account on hold", "账户暂停催收"),
    ),
)
BY_FLAG = {rule.flag: rule for rule in HOLDS if rule.flag is not None}
BY_KIND = {rule.kind: rule for rule in HOLDS}


def placed_by(sets: Collection[str]) -> tuple[HoldRule, ...]:
    """The holds a disposition's ``sets`` place (the effects table's flags, the account's
    ``hold`` status, a dispute or a complaint), in the table's order."""
    kinds: set[HoldKind] = set()
    for value in sets:
        flag = FLAG_EFFECTS.get(value)
        if flag is not None and flag in BY_FLAG:
            kinds.add(BY_FLAG[flag].kind)
        elif value == "hold":
            kinds.add(HoldKind.ACCOUNT)
        elif value in HoldKind.__members__.values():
            kinds.add(HoldKind(value))
    if HoldKind.DISPUTE in kinds:  # the effects table: a dispute wins over the account hold
        kinds.discard(HoldKind.ACCOUNT)
    return tuple(rule for rule in HOLDS if rule.kind in kinds)


def lasting(sets: Collection[str], role: Role) -> tuple[HoldRule, ...]:
    """The holds ``sets`` place that ``role`` may not lift again by hand: only the team
    lead or the hold's own workflow ends them, so the desk asks before recording one."""
    return tuple(rule for rule in placed_by(sets) if role not in rule.lift_roles)


def lift_refusal(
    flag: CustomerFlag, role: Role, reason: str | None, details: str | None
) -> Text | None:
    """Why ``role`` may not lift the hold of ``flag`` this way (None: it may)."""
    rule = BY_FLAG.get(flag)
    if rule is None:
        return None
    if role not in rule.lift_roles:
        return Text(
            f"Only a team lead may lift the {rule.label.en.lower()} hold: it lifts when "
            f"{rule.lifted_by.en}",
            f"只有主管可以解除“{rule.label.zh}”暂停：解除条件为{rule.lifted_by.zh}",
        )
    if reason != rule.lifting_event:
        return Text(
            f"A {rule.label.en.lower()} hold is lifted by '{rule.lifting_event}', not "
            f"'{reason or ''}'",
            f"“{rule.label.zh}”暂停须以“{rule.lifting_event}”解除",
        )
    if not (details or "").strip():
        return Text("Say why the hold is lifted", "请填写解除原因")
    return None


def place_refusal(flag: CustomerFlag, role: Role) -> Text | None:
    """Why ``role`` may not place the hold of ``flag`` from the desk (None: it may)."""
    rule = BY_FLAG.get(flag)
    if rule is None or not rule.place_roles:
        return None
    if role not in rule.place_roles:
        return Text(
            f"Your role may not place a {rule.label.en.lower()} hold",
            f"您的角色不能设置“{rule.label.zh}”暂停",
        )
    return None
