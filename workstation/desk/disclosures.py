"""Required disclosures on a right-party call (issue 18).

The call guide (``resources/call_guide.toml``) names, per jurisdiction, what must be said on a
conversation with the customer (the US mini-Miranda, the recording notice …). Logging a
right-party outcome on a call or a visit records which were confirmed
(``disclosures_given``, their ids). Saving without confirming every one is refused once, with
the list of what is missing (the form asks again); it is then recorded only with a reason:
``disclosures_missing`` and ``disclosures_reason`` travel on the contact attempt, the server
audits them, and the weekly QA sample takes every such call.
"""

from __future__ import annotations

from typing import Any

from workstation.desk.types import CallGuide, OutcomeInput
from workstation.domain import Channel
from workstation.domain.dispositions import Disposition
from workstation.text import Text

SPOKEN = frozenset({Channel.PHONE, Channel.VISIT})  # a conversation, not a message


def required(disposition: Disposition, channel: Channel, guide: CallGuide) -> tuple[str, ...]:
    """The disclosure ids this outcome must confirm (none for messages or third parties)."""
    if not disposition.is_right_party or channel not in SPOKEN:
        return ()
    return guide.disclosure_ids


def check(
    form: OutcomeInput, disposition: Disposition, guide: CallGuide, errors: dict[str, Text]
) -> dict[str, Any]:
    """The payload fields for the disclosures, or an error under ``disclosures``."""
    wanted = required(disposition, form.channel, guide)
    if not wanted:
        return {}
    unknown = sorted(set(form.disclosures_given) - set(wanted))
    if unknown:
        errors["disclosures"] = Text(
            f"Not disclosures of this call guide: {', '.join(unknown)}",
            f"不是本通话指引的告知事项：{', '.join(unknown)}",
        )
        return {}
    given = [d for d in wanted if d in form.disclosures_given]
    missing = [d for d in wanted if d not in form.disclosures_given]
    out: dict[str, Any] = {"disclosures_given": given}
    if not missing:
        return out
    reason = form.disclosures_reason.strip()
    if not reason:
        errors["disclosures"] = Text(
            f"{len(missing)} required disclosure(s) not confirmed — confirm them, or say why "
            "they were not given (audited)",
            f"{len(missing)} 项必要告知未确认——请逐项确认，或说明未告知的原因（将被审计）",
        )
        return {}
    out["disclosures_missing"] = missing
    out["disclosures_reason"] = reason
    return out
