"""What the contact-rule engine answers: a ``Decision`` made of ``Reason``s, and the reason
codes the engine raises itself (limits and holds take theirs from the rule pack)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from workstation.domain.enums import AccountStatus, Channel
from workstation.text import is_chinese

OUTSIDE_CALLING_HOURS = "outside_calling_hours"
WITHIN_CALLING_HOURS = "within_calling_hours"
NO_TIME_LIMIT = "no_time_limit"
CHANNEL_OPTED_OUT = "channel_opted_out"
NUMBER_INVALID = "number_invalid"  # a wrong or disconnected number (WRONG / DISC)
NO_CONSENT = "no_consent"
ADDRESS_BLOCKED_BY_COMPLAINT = "address_blocked_by_complaint"
CHANNEL_BLOCKED_BY_COMPLAINT = "channel_blocked_by_complaint"
NO_USABLE_ADDRESS = "no_usable_address"
ACCOUNT_CLOSED = "account_closed"
ACCOUNT_ON_HOLD = "account_on_hold"
UNKNOWN_JURISDICTION = "unknown_jurisdiction"
OPT_OUT_WORDING_REQUIRED = "opt_out_wording_required"
THIRD_PARTY_NOT_ALLOWED = "third_party_not_allowed"
THIRD_PARTY_DEBTOR_REACHABLE = "third_party_debtor_reachable"
THIRD_PARTY_NO_DISCLOSURE = "third_party_no_disclosure"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict. ``code`` is stable (tests, filters, the review list).

    ``blocking`` reasons make the decision "not allowed"; the others inform ("may call now
    until 21:00 local time"). ``until`` is when this reason alone stops blocking, already
    moved into calling hours (UTC); None for informational or open-ended reasons.
    """

    code: str
    text_en: str
    text_zh: str
    blocking: bool = True
    until: datetime | None = None

    def text(self, language: str) -> str:
        return self.text_zh if is_chinese(language) else self.text_en


class AccountFacts(Protocol):
    """What the engine reads of an account: a ``workstation.domain.Account`` has it, and so
    does the store's lightweight ``AccountRef`` (a queue refresh decides 100,000 accounts)."""

    @property
    def id(self) -> str: ...

    @property
    def status(self) -> AccountStatus: ...


class Decision(NamedTuple):
    """The verdict for one (customer, account, channel, instant); immutable.

    ``next_allowed_at`` (UTC) is ``decided_at`` when allowed, the earliest instant every
    blocking reason has cleared when not, and None while a hold lasts until lifted.
    ``address`` is the id of the phone / e-mail / address the verdict is for (the usable one
    chosen when none was asked for). ``allowed_until`` is the end of the calling-hours window
    for an allowed decision. (A named tuple rather than a frozen dataclass: the queue builds
    100,000 of these at a time and a tuple is four times cheaper to make.)
    """

    allowed: bool
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    channel: Channel = Channel.PHONE
    decided_at: datetime | None = None
    address: str | None = None
    pack_id: str = ""
    allowed_until: datetime | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.blocking)

    def summary(self, language: str = "en") -> str:
        """All reasons as one line, blocking ones first (they are stored first)."""
        return "; ".join(reason.text(language) for reason in self.reasons)


#: ``new_decision(Decision, allowed=..., ...)`` is ``Decision(allowed=..., ...)`` at half the
#: cost: calling ``__new__`` directly passes the keywords as they are, where calling the
#: class packs them into a dictionary first (the queue builds 100,000 decisions at a time)
new_decision = Decision.__new__


def no_pack(jurisdiction: str, channel: Channel, at: datetime) -> Decision:
    """The verdict for a customer whose jurisdiction no pack serves: blocked, never guessed."""
    reason = Reason(
        code=UNKNOWN_JURISDICTION,
        text_en=f"No rule pack for jurisdiction {jurisdiction!r} — contact blocked",
        text_zh=f"未找到适用于司法辖区“{jurisdiction}”的规则包 — 禁止联系",
    )
    return Decision(
        allowed=False, reasons=(reason,), next_allowed_at=None, channel=channel, decided_at=at
    )


THIRD_PARTY_INFO = Reason(
    code=THIRD_PARTY_NO_DISCLOSURE,
    text_en="Contact person: ask only how to reach the customer — never mention the debt",
    text_zh="联系人：仅可询问如何联系客户，不得透露任何债务信息",
    blocking=False,
)
