"""A quiz answer cites the pack's own rule, worded from the rule pack itself.

``cite("cn-nifa", "limit.daily_connected_cap")`` reads the pack the engine enforces
(``resources/rules/cn-nifa.toml``), so the citation shows the numbers the desk applies today:
"China — NIFA / CBA collection guidance · at most 3 connected calls in 1 day". A question
naming a rule its pack does not have is refused when the training file is read.

Rules: ``hours.<channel>``, ``limit.<code>``, ``hold.<code>``, ``third_party``,
``record_retention``, ``disclosures`` (the call guide's required disclosures).
"""

from __future__ import annotations

from workstation.compliance import RulePack, default_policy
from workstation.compliance.texts import CHANNEL_EN, CHANNEL_ZH, COUNTED_EN, COUNTED_ZH
from workstation.domain.enums import Channel
from workstation.text import Text
from workstation.training.errors import TrainingDataError

_THIRD_PARTY = {
    "never": Text("third parties are never contacted about the debt", "不得就债务联系任何第三方"),
    "location_only": Text(
        "third parties may be asked only how to reach the customer, never told of the debt",
        "只能向第三方询问如何联系客户，绝不能透露债务",
    ),
    "when_unreachable": Text(
        "the contact person only when the debtor cannot be reached, never told of the debt",
        "仅在借款人无法联系时可联系联系人，且不得透露债务",
    ),
}


def _pack(pack_id: str) -> RulePack:
    pack = default_policy().packs.get(pack_id)
    if pack is None:
        raise TrainingDataError(f"no rule pack {pack_id!r}")
    return pack


def _hh(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def cite(pack_id: str, rule: str) -> Text:
    """The rule in words, prefixed by the pack's name (``TrainingDataError`` if unknown)."""
    pack = _pack(pack_id)
    kind, _, name = rule.partition(".")
    body: Text | None = None
    if kind == "hours":
        try:
            channel = Channel(name)
        except ValueError:
            channel = None
        window = pack.hours.get(channel) if channel is not None else None
        if channel is not None and window is not None:
            start, end = _hh(window[0]), _hh(window[1])
            body = Text(
                f"{CHANNEL_EN[channel]} only {start}–{end} in the customer's local time",
                f"{CHANNEL_ZH[channel]}仅限客户当地时间 {start}–{end}",
            )
    elif kind == "limit":
        limit = next((lim for lim in pack.limits if lim.code == name), None)
        if limit is not None:
            counted_en = COUNTED_EN.get(limit.counts, limit.counts)
            counted_zh = COUNTED_ZH.get(limit.counts, limit.counts)
            if limit.kind == "quiet":
                body = Text(
                    f"no call for {limit.window_days} days after a {counted_en}",
                    f"{counted_zh}后 {limit.window_days} 天内不得致电",
                )
            else:
                body = Text(
                    f"at most {limit.max} {counted_en}s in {limit.window_days} day(s)"
                    f" ({limit.code})",
                    f"{limit.window_days} 天内最多 {limit.max} 次{counted_zh}（{limit.code}）",
                )
    elif kind == "hold":
        hold = next((h for h in pack.holds if h.code == name), None)
        if hold is not None:
            days = hold.duration_days
            body = Text(
                f"hold: {hold.label_en}" + (f" ({days} days)" if days else ""),
                f"暂停联系：{hold.label_zh}" + (f"（{days}天）" if days else ""),
            )
    elif rule == "third_party":
        body = _THIRD_PARTY.get(pack.third_party.contact_person)
    elif rule == "record_retention" and pack.record_retention_years:
        years = pack.record_retention_years
        body = Text(f"records are kept {years} years", f"记录保存 {years} 年")
    elif rule == "disclosures":
        from workstation.desk.callguide import call_guide

        guide = call_guide(pack.jurisdictions[0] if pack.jurisdictions else pack.id)
        if guide.disclosures:
            body = Text(
                "required disclosures: " + " / ".join(d.en for d in guide.disclosures),
                "必要告知事项：" + "／".join(d.zh for d in guide.disclosures),
            )
    if body is None:
        raise TrainingDataError(f"the pack {pack_id} has no rule {rule!r}")
    return Text(f"{pack.name_en} · {body.en}", f"{pack.name_zh} · {body.zh}")
