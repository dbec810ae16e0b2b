"""The workflows' words at the desk: a complaint's or a dispute's step on the timeline, the
letters they produce, an adjustment they decided. One place, in the UI's catalogue."""

from __future__ import annotations

from typing import Any

from ui.i18n import pick, tr
from ui.labels import complaint_text, dispute_text
from workstation.domain import Money
from workstation.domain.enums import ComplaintOutcome
from workstation.workflows.complaints import OUTCOME_LABELS
from workstation.workflows.root_causes import root_cause_label


def complaint_step_text(step: str) -> str:
    return {
        "register": tr("registered"),
        "assign": tr("handler assigned"),
        "acknowledge": tr("acknowledged"),
        "investigate": tr("under investigation"),
        "extend": tr("deadline extended"),
        "resolve": tr("resolved"),
        "close": tr("closed"),
    }.get(step, step)


def complaint_summary(p: dict[str, Any]) -> str:
    """A complaint's intake (category, deadline, details) or one of its steps."""
    step = str(p.get("step") or "")
    if not step:
        parts = [complaint_text(str(p.get("category", "")))]
        if p.get("sla_due"):
            parts.append(tr("response due %1").replace("%1", str(p["sla_due"])))
        if p.get("details"):
            parts.append(str(p["details"]))
        return " · ".join(parts)
    parts = [str(p.get("reference") or ""), complaint_step_text(step)]
    if step in ("register", "extend") and p.get("sla_due"):
        parts.append(tr("response due %1").replace("%1", str(p["sla_due"])))
    if p.get("reason"):
        parts.append(str(p["reason"]))
    if p.get("outcome"):
        try:
            parts.append(pick(OUTCOME_LABELS[ComplaintOutcome(str(p["outcome"]))]))
        except ValueError:
            parts.append(str(p["outcome"]))
    if p.get("root_cause"):
        parts.append(pick(root_cause_label(str(p["root_cause"]))))
    if p.get("redress"):
        redress = Money.of(str(p["redress"]), str(p.get("currency") or "CNY")).format()
        parts.append(tr("redress %1").replace("%1", redress))
    return " · ".join(part for part in parts if part)


def dispute_summary(p: dict[str, Any]) -> str:
    step = str(p.get("status") or "pending_validation")
    words = {
        "pending_validation": tr("pending validation"),
        "validation_sent": tr("validation notice sent"),
        "resumed": tr("collection resumed"),
        "upheld": tr("upheld"),
        "resolved": tr("resolved"),
    }
    parts = [dispute_text(str(p.get("reason", ""))), words.get(step, step)]
    if p.get("resume_on"):
        parts.append(tr("collection may resume on %1").replace("%1", str(p["resume_on"])))
    if p.get("adjustment"):
        amount = Money.of(str(p["adjustment"]), str(p.get("currency") or "USD")).format()
        parts.append(tr("adjusted by %1").replace("%1", amount))
    for key in ("note", "details"):
        if p.get(key):
            parts.append(str(p[key]))
    return " · ".join(part for part in parts if part)


def letter_text(kind: str) -> str:
    return {
        "paid_in_full": tr("Paid-in-full letter"),
        "complaint_acknowledgement": tr("Complaint acknowledgement"),
        "complaint_final_response": tr("Final response to a complaint"),
        "validation_notice": tr("Validation notice"),
    }.get(kind, kind)


def write_off_reason(reason: str) -> str:
    return {
        "settlement": tr("settlement reached"),
        "complaint_redress": tr("complaint redress"),
        "dispute_upheld": tr("dispute upheld"),
    }.get(reason, reason)
