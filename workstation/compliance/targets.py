"""Channel and consent rules, per phone / e-mail / address: which one the contact uses
(``choose``) and what blocks it — a wrong number, an opt-out from messages, no consent where
the pack needs it, a complaint naming it, a per-number cap — and when a number that is not
the customer's (the contact person's) may be called at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workstation.compliance import texts
from workstation.compliance.clock import FOREVER, Block
from workstation.compliance.decision import (
    ADDRESS_BLOCKED_BY_COMPLAINT,
    CHANNEL_OPTED_OUT,
    NO_CONSENT,
    NO_USABLE_ADDRESS,
    NUMBER_INVALID,
    THIRD_PARTY_DEBTOR_REACHABLE,
    THIRD_PARTY_NOT_ALLOWED,
    Reason,
)
from workstation.compliance.history import CONTACT, Case
from workstation.compliance.limits import limit_block
from workstation.compliance.records import Target
from workstation.domain.model import Address, Email, Phone


def first_invalid(records: Sequence[Phone | Email | Address]) -> bool:
    """The first phone, which the fast paths would choose, is a wrong number: take the
    full path, which tries the others."""
    return bool(getattr(records[0], "invalid", False))


def choose(
    case: Case, address: str | None, complained: frozenset[str]
) -> tuple[str | None, list[Block], bool]:
    """Pick the phone / e-mail / address: (its id, blocks on it, is the contact person)."""
    plan = case.plan
    records: Sequence[Phone | Email | Address] = getattr(case.customer, plan.records)
    if (
        address is None
        and records
        and not complained
        and not plan.target_checks
        and not first_invalid(records)
    ):
        return records[0].id, [], False  # nothing can block one record over another
    targets = [Target(record) for record in records]
    if address is not None:
        targets = [t for t in targets if address in t.keys]
        if not targets:
            return address, _third_party(case, address), True
    if not targets:
        reason = Reason(
            NO_USABLE_ADDRESS,
            f"No usable contact on file for {texts.CHANNEL_EN[plan.channel]}",
            f"没有可用于{texts.CHANNEL_ZH[plan.channel]}的联系方式",
        )
        return None, [(reason, None)], False
    best: tuple[datetime, str, list[Block]] | None = None
    everything: list[Block] = []
    for target in targets:
        blocks = _target_blocks(case, target, complained)
        if not blocks:
            return target.id, [], False
        everything.extend(blocks)
        clears = max(c or FOREVER for _, c in blocks)
        if best is None or clears < best[0]:
            best = (clears, target.id, blocks)
    assert best is not None  # targets is not empty
    if len(targets) == 1:
        return best[1], best[2], False
    # every candidate is blocked: show them all; the verdict clears with the earliest one
    clears_at = None if best[0] == FOREVER else best[0]
    return best[1], [(reason, clears_at) for reason, _ in everything], False


def _target_blocks(case: Case, target: Target, complained: frozenset[str]) -> list[Block]:
    plan = case.plan
    channel_en, channel_zh = texts.CHANNEL_EN[plan.channel], texts.CHANNEL_ZH[plan.channel]
    # (applies, code, English, Chinese): what can block this one record, worded with its label
    checks = (
        (
            target.invalid,
            NUMBER_INVALID,
            "{label} is a wrong or disconnected number",
            "{label}为错号或已停机",
        ),
        (
            plan.messages and target.opted_out,
            CHANNEL_OPTED_OUT,
            "{label} opted out of {channel}",
            "{label}已退订{channel}",
        ),
        (
            plan.consent_required and not target.consent,
            NO_CONSENT,
            "No consent to send {channel} to {label}",
            "未获得向{label}发送{channel}的同意",
        ),
        (
            bool(complained) and bool(target.keys & complained),
            ADDRESS_BLOCKED_BY_COMPLAINT,
            "Open complaint: no contact on {label}",
            "存在未结投诉：不得通过{label}联系",
        ),
    )
    blocks: list[Block] = []
    for applies, code, en, zh in checks:
        if applies:
            label_en, label_zh = target.labels()
            reason = Reason(
                code,
                en.format(label=label_en, channel=channel_en),
                zh.format(label=label_zh, channel=channel_zh),
            )
            blocks.append((reason, None))
    for limit in plan.number_limits:
        block = limit_block(plan, limit, case.clock, case.contacts, case.account.id, target=target)
        if block is not None:
            blocks.append(block)
    return blocks


def _third_party(case: Case, address: str) -> list[Block]:
    """``address`` is not the customer's: allowed only if the pack allows a contact person."""
    person = case.customer.contact_person
    rule = case.plan.pack.third_party
    if person is None or address != person.phone or not case.plan.voice_or_text:
        masked = texts.mask_number(address)
        reason = Reason(
            NO_USABLE_ADDRESS,
            f"{masked} is not one of the customer's contacts",
            f"{masked}不是客户的联系方式",
        )
        return [(reason, None)]
    if rule.contact_person == "never":
        reason = Reason(
            THIRD_PARTY_NOT_ALLOWED,
            "This jurisdiction's rules do not allow contacting the contact person",
            "本辖区规则不允许联系联系人",
        )
        return [(reason, None)]
    if rule.contact_person == "when_unreachable" and _reachable(
        case, rule.unreachable_window_days, rule.unreachable_after_attempts
    ):
        reason = Reason(
            THIRD_PARTY_DEBTOR_REACHABLE,
            "The contact person may be called only when the customer cannot be reached "
            f"({rule.unreachable_after_attempts} calls without reaching them within "
            f"{rule.unreachable_window_days} days)",
            f"仅在无法联系到客户本人时方可联系联系人（{rule.unreachable_window_days}天内"
            f"呼叫{rule.unreachable_after_attempts}次仍未联系到本人）",
        )
        return [(reason, None)]
    return []


def _reachable(case: Case, window_days: int, attempts_needed: int) -> bool:
    """The customer has a phone and was reached, or not yet tried enough, in the window."""
    if not case.customer.phones:
        return False
    clock, plan = case.clock, case.plan
    start = clock.window_start(window_days)
    attempts = 0
    # the window may be longer than the pack's limits: read the whole history again
    for event in case.events:
        if (
            event.type != CONTACT
            or not start <= event.occurred_at <= clock.at
            or event.id in case.voided
        ):
            continue
        code = str(event.payload.get("disposition"))
        if code in plan.right_party:
            return True
        attempts += code in plan.attempts
    return attempts < attempts_needed
