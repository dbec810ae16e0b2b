"""A rule pack compiled for one channel against one disposition catalogue: what each limit
counts, which holds apply, and what a decision on that channel can skip (``Plan``).

Compiled once per (pack, channel, catalogue) by ``ContactPolicy``; every decision reads it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from workstation.compliance import texts
from workstation.compliance.decision import OPT_OUT_WORDING_REQUIRED, Reason
from workstation.compliance.packs import Hold, Limit, RulePack
from workstation.domain.dispositions import DispositionCatalogue
from workstation.domain.enums import Channel


@dataclass(frozen=True, slots=True)
class LimitPlan:
    limit: Limit
    counted: Mapping[str | None, bool]  # disposition code → counts for this limit
    unknown_counts: bool  # a code missing from the catalogue
    channels: frozenset[str]
    directions: frozenset[str]
    noun_en: str
    noun_zh: str


@dataclass(frozen=True, slots=True)
class Plan:
    """One pack compiled for one channel against one disposition catalogue."""

    pack: RulePack
    serial: int  # unique per compiled plan (a cache key)
    id: str  # the pack's
    channel: Channel
    hours: tuple[int, int] | None
    limits: tuple[LimitPlan, ...]  # customer- and debt-scoped
    number_limits: tuple[LimitPlan, ...]
    horizon_days: int  # the longest window: older events cannot count
    flag_holds: tuple[Hold, ...]
    complaint_hold: Hold | None
    dispute_hold: Hold | None
    messages: bool  # SMS / e-mail: opt-outs apply
    voice_or_text: bool  # phone / SMS: a contact person's number may be used
    consent_required: bool
    records: str  # the Customer attribute listing the channel's phones / e-mails / addresses
    target_checks: bool  # something can block one phone / e-mail / address but not another
    target_checks_always: bool  # ... whatever the history (opt-outs, consent)
    number_limit_floor: int  # fewer contacts than this cannot reach any per-number cap
    limit_floor: int  # ... nor any customer- or debt-wide cap
    info: tuple[Reason, ...]  # informational reasons that do not depend on the instant
    right_party: frozenset[str]
    attempts: frozenset[str]


def _counts(counts: str, catalogue: DispositionCatalogue) -> dict[str | None, bool]:
    table: dict[str | None, bool] = {}
    for d in catalogue:
        if counts == "attempt":
            table[d.code] = d.counts_as_attempt
        elif counts == "conversation":
            table[d.code] = d.counts_as_conversation
        elif counts == "connected":
            table[d.code] = d.counts_as_conversation or d.is_right_party or d.group == "third_party"
        else:  # unanswered
            table[d.code] = d.counts_as_attempt and d.group == "no_contact"
    return table


_SERIALS = itertools.count()


def compile_plan(pack: RulePack, channel: Channel, catalogue: DispositionCatalogue) -> Plan:
    limits: list[LimitPlan] = []
    for limit in pack.limits:
        if channel not in limit.channels:
            continue
        calls = limit.counts == "attempt" and limit.channels == {Channel.PHONE}
        limits.append(
            LimitPlan(
                limit=limit,
                counted=_counts(limit.counts, catalogue),
                unknown_counts=limit.counts in ("attempt", "unanswered"),
                channels=frozenset(c.value for c in limit.channels),
                directions=frozenset(d.value for d in limit.directions),
                noun_en="call" if calls else texts.COUNTED_EN[limit.counts],
                noun_zh="呼叫" if calls else texts.COUNTED_ZH[limit.counts],
            )
        )
    holds = [hold for hold in pack.holds if channel in hold.channels]
    info: list[Reason] = []
    if pack.requires_opt_out(channel):
        info.append(
            Reason(
                OPT_OUT_WORDING_REQUIRED,
                f"Every {texts.CHANNEL_EN[channel]} message must carry the opt-out wording: "
                f"“{pack.opt_out_text_en}”",
                f"每条{texts.CHANNEL_ZH[channel]}都必须附带退订说明：“{pack.opt_out_text_zh}”",
                blocking=False,
            )
        )
    return Plan(
        pack=pack,
        serial=next(_SERIALS),
        id=pack.id,
        channel=channel,
        hours=pack.hours.get(channel),
        limits=tuple(p for p in limits if p.limit.scope != "number"),
        number_limits=tuple(p for p in limits if p.limit.scope == "number"),
        horizon_days=max((p.limit.window_days for p in limits), default=0),
        flag_holds=tuple(hold for hold in holds if hold.flag is not None),
        complaint_hold=next((h for h in holds if h.event == "complaint"), None),
        dispute_hold=next((h for h in holds if h.event == "dispute"), None),
        messages=channel in (Channel.SMS, Channel.EMAIL),
        voice_or_text=channel in (Channel.PHONE, Channel.SMS),
        consent_required=channel in pack.consent_required,
        records=(
            "phones"
            if channel in (Channel.PHONE, Channel.SMS)
            else "emails"
            if channel == Channel.EMAIL
            else "addresses"
        ),
        target_checks_always=channel in (Channel.SMS, Channel.EMAIL)
        or channel in pack.consent_required,
        number_limit_floor=min(
            (p.limit.max for p in limits if p.limit.scope == "number"), default=1_000_000
        ),
        limit_floor=min(
            (p.limit.max for p in limits if p.limit.scope != "number"), default=1_000_000
        ),
        target_checks=(
            channel in (Channel.SMS, Channel.EMAIL)
            or channel in pack.consent_required
            or any(p.limit.scope == "number" for p in limits)
        ),
        info=tuple(info),
        right_party=frozenset(d.code for d in catalogue if d.is_right_party),
        attempts=frozenset(d.code for d in catalogue if d.counts_as_attempt),
    )
