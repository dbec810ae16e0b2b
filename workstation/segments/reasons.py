"""The words for a score's reason codes.

A reason code is ``<sign><FEATURE>_<HIGH|LOW>``: ``-INCOME_MARGIN_LOW`` reads "this
account's income margin is below the average account's, and that lowered the score".
The code is stored on the account (server-computed, synced); the words live here, in
the core, so any device renders any model's reasons in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.text import Text

# feature → (words when the account is above the model's average, words when below)
_TEXTS: dict[str, tuple[Text, Text]] = {
    "income_margin": (
        Text("income covers essentials with room to spare", "收入覆盖必要支出后尚有结余"),
        Text("little income left after essentials", "扣除必要支出后收入结余少"),
    ),
    "balance_to_income": (
        Text("balance large against income", "欠款相对收入较大"),
        Text("balance small against income", "欠款相对收入较小"),
    ),
    "hardship": (
        Text("in financial hardship", "经济困难"),
        Text("no hardship reported", "未报告经济困难"),
    ),
    "payments_recent": (
        Text("paid several times in the last 90 days", "近 90 天多次还款"),
        Text("few payments in the last 90 days", "近 90 天还款少"),
    ),
    "days_since_payment": (
        Text("no payment for a long time", "长时间未还款"),
        Text("paid recently", "近期有还款"),
    ),
    "paid_share_recent": (
        Text("recent payments large against the balance", "近期还款金额相对欠款较大"),
        Text("recent payments small against the balance", "近期还款金额相对欠款较小"),
    ),
    "recent_partial_payment": (
        Text("recent partial payment", "近期有部分还款"),
        Text("no payment in the last 30 days", "近 30 天无还款"),
    ),
    "kept_promises": (
        Text("has kept promises", "有履约记录"),
        Text("no kept promises yet", "尚无履约记录"),
    ),
    "broken_promises": (
        Text("has broken promises", "有违约记录"),
        Text("no broken promises", "无违约记录"),
    ),
    "promise_share": (
        Text("often agrees to pay when reached", "接通后常同意还款"),
        Text("seldom agrees to pay when reached", "接通后很少同意还款"),
    ),
    "refusal_share": (
        Text("often refuses to pay", "经常拒绝还款"),
        Text("rarely refuses to pay", "很少拒绝还款"),
    ),
    "rpc_share": (
        Text("usually answers", "通常本人接听"),
        Text("rarely reached", "很少联系到本人"),
    ),
    "disputes": (
        Text("has disputed the debt", "曾对债务提出异议"),
        Text("no disputes", "无异议记录"),
    ),
    "days_past_due": (
        Text("long overdue", "逾期时间长"),
        Text("recently overdue", "逾期时间短"),
    ),
    "past_due_share": (
        Text("most of the balance is past due", "大部分余额已逾期"),
        Text("little of the balance is past due", "逾期部分占比小"),
    ),
}

#: the features a segment model may use (each has words both ways)
REASON_FEATURES = frozenset(_TEXTS)


@dataclass(frozen=True, slots=True)
class ScoreReason:
    """One reason a score is what it is. ``direction`` +1 raised it, −1 lowered it."""

    code: str
    feature: str
    high: bool
    direction: int
    text: Text

    def words(self, language: str) -> str:
        return self.text(language)


def reason_code(feature: str, *, high: bool, direction: int) -> str:
    return f"{'+' if direction > 0 else '-'}{feature.upper()}_{'HIGH' if high else 'LOW'}"


def reason_of(code: str) -> ScoreReason | None:
    """The reason a stored code means, or None for a code this client does not know."""
    if len(code) < 3 or code[0] not in "+-":
        return None
    name, _, side = code[1:].rpartition("_")
    feature = name.lower()
    texts = _TEXTS.get(feature)
    if texts is None or side not in ("HIGH", "LOW"):
        return None
    high = side == "HIGH"
    return ScoreReason(code, feature, high, 1 if code[0] == "+" else -1, texts[0 if high else 1])
