"""A field visit's outcome: the five outcomes, the evidence each rule pack calls for, and
the checks a visit form must pass before it is recorded (no network needed for any of it).

Evidence requirements are data (``EVIDENCE_RULES``), keyed by rule-pack id like the contact
rules in ``resources/rules``: China's NIFA/CBA guidance expects field visits to be recorded
and made by two collectors who show their ID; the UK and US packs expect the collector to
identify themselves to whoever they speak to. Missing required evidence, like a visit
against a "not allowed" verdict, can only be logged with an override reason (audited and
sent to the lead's review list by the backend, as for calls).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workstation.desk.types import ValidationError
from workstation.domain import Money, MoneyError
from workstation.domain.enums import VisitOutcome
from workstation.text import Text

OUTCOME_LABELS: Mapping[VisitOutcome, Text] = {
    VisitOutcome.MET_DEBTOR: Text("Met the debtor", "见到借款人本人"),
    VisitOutcome.THIRD_PARTY: Text("Spoke to a third party", "见到第三方"),
    VisitOutcome.NOBODY: Text("Nobody at home", "无人在家"),
    VisitOutcome.MOVED: Text("Moved away", "已搬离"),
    VisitOutcome.REFUSED: Text("Refused to talk", "拒绝沟通"),
}

EVIDENCE_FLAGS: tuple[str, ...] = (
    "id_shown",
    "consent_to_enter",
    "recording_on",
    "second_collector",
)
EVIDENCE_LABELS: Mapping[str, Text] = {
    "id_shown": Text("ID shown", "已出示工作证件"),
    "consent_to_enter": Text("Consent to enter", "经同意入内"),
    "recording_on": Text("Recording on", "全程录音录像"),
    "second_collector": Text("Second collector present", "双人外访"),
}

# outcomes where the collector spoke to someone at the door
SPOKEN_TO = frozenset({VisitOutcome.MET_DEBTOR, VisitOutcome.THIRD_PARTY, VisitOutcome.REFUSED})


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    flag: str
    outcomes: frozenset[VisitOutcome]  # the outcomes for which the flag is required
    why: Text


_ALL = frozenset(VisitOutcome)
EVIDENCE_RULES: Mapping[str, tuple[EvidenceRule, ...]] = {
    "cn-nifa": (
        EvidenceRule("recording_on", _ALL, Text("Field visits are recorded", "外访须全程录音录像")),
        EvidenceRule(
            "second_collector", _ALL, Text("Field visits are made by two", "外访须两人同行")
        ),
        EvidenceRule(
            "id_shown", SPOKEN_TO, Text("Show your ID to whoever you speak to", "须出示工作证件")
        ),
    ),
    "us-regf": (
        EvidenceRule(
            "id_shown",
            SPOKEN_TO,
            Text("Identify yourself and the creditor", "须表明身份及债权人"),
        ),
    ),
    "uk-conc": (
        EvidenceRule(
            "id_shown",
            SPOKEN_TO,
            Text("Identify yourself and the creditor", "须表明身份及债权人"),
        ),
    ),
}
THIRD_PARTY_WARNING = Text(
    "Do not tell a third party about the debt.", "不得向第三方透露债务信息。"
)
_REQUIRED = Text("Required", "必填")


def required_evidence(pack_id: str, outcome: VisitOutcome) -> dict[str, Text]:
    """Evidence flag → why the customer's rule pack requires it for this outcome."""
    return {
        rule.flag: rule.why for rule in EVIDENCE_RULES.get(pack_id, ()) if outcome in rule.outcomes
    }


@dataclass(slots=True)
class VisitInput:
    """The visit form as the collector typed it (strings kept verbatim until validated)."""

    account_id: str
    outcome: str
    address_id: str = ""
    evidence: dict[str, bool] = field(default_factory=dict)
    notes: str = ""
    promise_amount: str = ""
    promise_date: str = ""
    override_reason: str = ""


@dataclass(frozen=True, slots=True)
class CheckedVisit:
    """A visit that passed every check: the wire payloads of what will be recorded."""

    outcome: VisitOutcome
    payload: dict[str, Any]
    promise: dict[str, Any] | None  # the promise event's payload, when one was agreed


def check_visit(
    form: VisitInput,
    *,
    pack_id: str,
    currency: str,
    balance: Money,
    timezone: str,
    now: datetime,
    override: Mapping[str, Any] | None,
    blocked: bool,
) -> CheckedVisit:
    """Validate a visit form; raise ``ValidationError`` with every problem at once.

    ``blocked`` says the compliance verdict for a visit now is "not allowed"; ``override``
    is the audit payload ``compliance.require_override`` made for the given reason (None
    when no reason was given).
    """
    errors: dict[str, Text] = {}
    try:
        outcome = VisitOutcome(form.outcome)
    except ValueError:
        raise ValidationError({"outcome": Text("Choose what happened", "请选择外访结果")}) from None
    if not form.address_id:
        errors["address_id"] = Text("Choose the address you visited", "请选择外访地址")
    evidence = {flag: bool(form.evidence.get(flag, False)) for flag in EVIDENCE_FLAGS}
    missing = {
        flag: why for flag, why in required_evidence(pack_id, outcome).items() if not evidence[flag]
    }
    reason = form.override_reason.strip()
    if missing and not reason:
        for flag, why in missing.items():
            errors[f"evidence.{flag}"] = why
        errors["override_reason"] = Text(
            "Evidence the rules call for is missing — give a reason to log this visit",
            "缺少规则要求的外访证据——如需记录，请填写原因",
        )
    if blocked and override is None:
        errors["override_reason"] = Text(
            "A visit is not allowed now — give an override reason to log it",
            "当前不允许外访——如需记录，请填写越权原因",
        )
    promise: dict[str, Any] | None = None
    wants_promise = bool(form.promise_amount.strip() or form.promise_date.strip())
    if wants_promise and outcome is not VisitOutcome.MET_DEBTOR:
        errors["promise_amount"] = Text(
            "Only the debtor can promise to pay", "只有借款人本人可以承诺还款"
        )
    elif wants_promise:
        amount = _amount(form.promise_amount, currency, balance, errors)
        due = _due(form.promise_date, timezone, now, errors)
        if amount is not None and due is not None:
            promise = {
                "amount": amount.wire(),
                "currency": currency,
                "due_date": due.isoformat(),
                "status": "open",
            }
    if errors:
        raise ValidationError(errors)
    payload: dict[str, Any] = {
        "address_id": form.address_id,
        "outcome": outcome.value,
        "notes": form.notes.strip(),
        "evidence": evidence,
    }
    if override:
        payload.update(override)
    if missing:
        payload["override_reason"] = reason
        payload["missing_evidence"] = sorted(missing)
    return CheckedVisit(outcome, payload, promise)


def _amount(text: str, currency: str, balance: Money, errors: dict[str, Text]) -> Money | None:
    if not text.strip():
        errors["promise_amount"] = _REQUIRED
        return None
    try:
        amount = Money.of(text.strip(), currency)
    except MoneyError:
        errors["promise_amount"] = Text(f"Not an amount in {currency}", f"不是有效的{currency}金额")
        return None
    if not amount.is_positive():
        errors["promise_amount"] = Text("Must be more than zero", "必须大于零")
        return None
    if amount > balance:
        errors["promise_amount"] = Text(
            f"More than the balance {balance.format()}", f"超过未还余额 {balance.format()}"
        )
        return None
    return amount


def _due(text: str, timezone: str, now: datetime, errors: dict[str, Text]) -> date | None:
    if not text.strip():
        errors["promise_date"] = _REQUIRED
        return None
    try:
        due = date.fromisoformat(text.strip())
    except ValueError:
        errors["promise_date"] = Text("Not a date (YYYY-MM-DD)", "日期无效（年-月-日）")
        return None
    today = now.astimezone(ZoneInfo(timezone)).date()
    if due < today:
        errors["promise_date"] = Text("In the past", "日期已过")
        return None
    if due > today + timedelta(days=90):
        errors["promise_date"] = Text(
            "More than 90 days ahead — agree a plan instead", "超过90天——请改为制定还款计划"
        )
        return None
    return due
