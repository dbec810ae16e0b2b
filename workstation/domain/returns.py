"""A confirmed payment the bank took back, as everyone reads it.

A direct debit recalled, a cheque that bounced, a card payment charged back: the money was
confirmed and applied, then it left again. The server undoes what the payment did
(``workstation.server.lifecycle.returns``) and writes a ``payment_return`` event naming the
payment; a device strikes the payment out of the timeline (``returned_by``) and says why in
the user's language (``reason_words``).

The bank's reason arrives as a code. The usual ones have words here; any other code is shown
as it came, underscores as spaces, so a bank's new code is readable, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from workstation.domain.enums import EventType
from workstation.domain.model import Event, first_naming
from workstation.text import Text

REASONS: dict[str, Text] = {
    "insufficient_funds": Text("insufficient funds", "账户余额不足"),
    "account_closed": Text("the payer's account is closed", "付款账户已关闭"),
    "recalled": Text("recalled by the payer", "付款人撤回"),
    "chargeback": Text("charged back by the card issuer", "发卡行拒付"),
    "cheque_bounced": Text("the cheque bounced", "支票被退票"),
    "wrong_account": Text("paid to the wrong account", "误入账户"),
    "fraud": Text("reported as fraud", "被报告为欺诈"),
}


def reason_words(code: str) -> Text:
    """The bank's reason code in words (a code not listed: itself, underscores as spaces)."""
    known = REASONS.get(code)
    if known is not None:
        return known
    plain = code.replace("_", " ").strip() or "no reason given"
    return Text(plain, plain if code else "未说明原因")


def returned_by(events: Iterable[Event]) -> dict[str, Event]:
    """Each returned payment's event id → the ``payment_return`` event that took it back."""
    return first_naming(events, EventType.PAYMENT_RETURN)
