"""The work queue's order, as an agent sees it at 09:00 in Shanghai."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.enums import RiskTier
from workstation.queue import (
    Category,
    Contact,
    QueueInput,
    Tab,
    contact_from_decision,
    from_account,
    from_row,
    rank,
)
from workstation.queue.ranking import sort_key

# 09:00 in Shanghai on Monday 2 March 2026
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TODAY_SH = date(2026, 3, 2)


def account(account_id: str, **overrides: object) -> QueueInput:
    base: dict[str, object] = {
        "account_id": account_id,
        "currency": "CNY",
        "balance_minor": 500_000,
        "past_due_minor": 120_000,
        "days_past_due": 40,
        "timezone": "Asia/Shanghai",
        "language": "zh",
    }
    base.update(overrides)
    return QueueInput(**base)  # type: ignore[arg-type]


def test_a_due_callback_comes_first_then_a_promise_due_today_then_value() -> None:
    rows = rank(
        [
            account("rich", balance_minor=50_000_000, past_due_minor=20_000_000),
            account("promise", promise_due_on=TODAY_SH, promise_amount_minor=120_000),
            account("callback", callback_at=NOW - timedelta(minutes=5), balance_minor=10_000),
        ],
        NOW,
    )
    assert [r.account_id for r in rows] == ["callback", "promise", "rich"]
    assert [r.category for r in rows] == [
        Category.CALLBACK,
        Category.PROMISE_DUE,
        Category.DUE_NOW,
    ]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[2].priority > rows[0].priority  # the overrides beat the number


def test_a_promise_row_says_what_is_due_in_both_languages() -> None:
    (row,) = rank([account("p", promise_due_on=TODAY_SH, promise_amount_minor=120_000)], NOW)
    assert row.reasons[0].text_en == "promise of ¥1,200 due today — not yet paid"
    assert row.reasons[0].text_zh == "承诺还款 ¥1,200 今日到期 — 尚未还款"
    assert row.promise_due


def test_a_missed_promise_is_still_due() -> None:
    (row,) = rank([account("p", promise_due_on=date(2026, 2, 28), promise_amount_minor=50)], NOW)
    assert row.category is Category.PROMISE_DUE
    assert row.reasons[0].text_en == "promise of ¥0.50 was due 2 days ago — not yet paid"


def test_a_promise_due_later_waits_below_ordinary_work() -> None:
    rows = rank(
        [
            account("later", promise_due_on=date(2026, 3, 6), balance_minor=90_000_000),
            account("plain"),
        ],
        NOW,
    )
    assert [r.account_id for r in rows] == ["plain", "later"]
    assert rows[1].category is Category.WAITING
    assert rows[1].reasons[0].text_en == "promise due Friday — waiting for payment"
    assert rows[1].reasons[0].text_zh == "承诺还款 周五到期 — 等待还款"


def test_a_blocked_account_sinks_and_says_until_when() -> None:
    thursday_8_new_york = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
    rows = rank(
        [
            account(
                "blocked",
                timezone="America/New_York",
                callback_at=NOW - timedelta(hours=1),
                balance_minor=90_000_000,
            ),
            account("plain"),
        ],
        NOW,
        {"blocked": Contact(False, thursday_8_new_york, "attempt cap", "尝试次数上限")},
    )
    assert [r.account_id for r in rows] == ["plain", "blocked"]
    blocked = rows[1]
    assert blocked.category is Category.BLOCKED
    assert not blocked.contactable_now
    assert blocked.next_contact_allowed_at == thursday_8_new_york
    assert blocked.reasons[0].text_en == "blocked until Thursday 08:00 (attempt cap)"
    assert blocked.reasons[0].text_zh == "暂停联系至 周四 08:00（尝试次数上限）"
    # the missed callback is still told, below the block
    assert blocked.reasons[1].code == "CALLBACK_DUE"


def test_blocked_accounts_come_back_soonest_first_and_indefinite_last() -> None:
    soon = NOW + timedelta(hours=1)
    late = NOW + timedelta(days=2)
    rows = rank(
        [account("never"), account("late"), account("soon")],
        NOW,
        {
            "never": (False, None, "cease communication"),
            "late": (False, late, "quiet period"),
            "soon": (False, soon, "calling hours"),
        },
    )
    assert [r.account_id for r in rows] == ["soon", "late", "never"]
    assert rows[2].reasons[0].text_en == "may not be contacted now (cease communication)"


def test_callbacks_due_are_taken_in_the_order_they_were_asked_for() -> None:
    rows = rank(
        [
            account("second", callback_at=NOW - timedelta(minutes=5), balance_minor=9_000_000),
            account("first", callback_at=NOW - timedelta(minutes=30)),
        ],
        NOW,
    )
    assert [r.account_id for r in rows] == ["first", "second"]
    assert rows[0].reasons[0].text_en == "callback requested for today 08:30 — due now"
    assert rows[0].reasons[0].text_zh == "客户预约 今天 08:30 回访 — 现已到期"


def test_a_value_row_explains_balance_lateness_and_score() -> None:
    features = {"days_past_due": 95.0, "promise_share": 1.0, "rpc_share": 0.9}
    (row,) = rank(
        [
            account(
                "v",
                balance_minor=3_000_000,
                past_due_minor=3_000_000,
                days_past_due=95,
                features=features,
            )
        ],
        NOW,
    )
    value = next(r for r in row.reasons if r.code == "VALUE")
    assert value.text_en.startswith(f"high balance, 95 days past due, score {row.probability:.2f}")
    assert value.text_zh.startswith(f"高余额，逾期 95 天，评分 {row.probability:.2f}")
    assert "agrees to pay" in value.text_en
    treatment = row.reasons[-1]
    assert treatment.code == "TREATMENT"
    assert treatment.text_en == f"tier {row.tier.value} — suggested: {row.treatment.label_en}"
    assert "建议" in treatment.text_zh
    assert "；" in row.reason_text("zh")
    assert row.score_reasons


def test_an_early_low_risk_account_is_offered_an_sms_reminder() -> None:
    (row,) = rank([account("early", days_past_due=5, score=0.85)], NOW)
    assert row.tier is RiskTier.A
    assert row.treatment.code == "sms_reminder"


def test_a_desk_agents_late_risky_account_is_a_call_and_the_reason_says_why() -> None:
    inputs = [account("late", days_past_due=200, score=0.05), account("early", score=0.85)]
    field = {row.account_id: row for row in rank(inputs, NOW)}  # a field collector's queue
    desk = {row.account_id: row for row in rank(inputs, NOW, visits=False)}
    field_row, desk_late, desk_early = field["late"], desk["late"], desk["early"]
    assert field_row.treatment.code == "field_visit"
    assert field_row.reasons[-1].text_en == "tier D — suggested: Field visit"
    assert desk_late.treatment.code == "call"
    assert desk_late.planned is field_row.treatment
    assert desk_late.priority == field_row.priority  # the order is the tier's, not the desk's
    treatment = desk_late.reasons[-1]
    assert treatment.code == "TREATMENT"
    assert treatment.text_en.startswith("tier D — suggested: Call, as the desk makes no visits")
    assert "a lead can move the account to a field collector" in treatment.text_en
    assert treatment.text_zh.startswith("风险等级 D — 建议：电话催收，坐席不外访")
    assert "组长可将账户调配" in treatment.text_zh
    # nothing but a visit changes at the desk
    assert desk_early.treatment is field["early"].treatment
    assert desk_early.treatment.code == "sms_reminder"
    assert desk_early.reasons[-1].text_en == "tier A — suggested: SMS reminder"


def test_closed_accounts_go_last_and_are_not_asked_about() -> None:
    asked: list[str] = []

    def verdict(item: QueueInput) -> Contact:
        asked.append(item.account_id)
        return Contact(True)

    rows = rank([account("paid", status="paid"), account("open")], NOW, verdict)
    assert [r.account_id for r in rows] == ["open", "paid"]
    assert rows[1].category is Category.CLOSED
    assert asked == ["open"]
    assert rows[1].reasons[0].text_en == "account paid — nothing to collect"


def test_tabs_hold_the_rows_an_agent_expects() -> None:
    rows = rank(
        [
            account("cb", callback_at=NOW - timedelta(minutes=1)),
            account("cb-later", callback_at=NOW + timedelta(hours=3)),
            account("ptp", promise_due_on=TODAY_SH),
            account("plain"),
            account("blocked-ptp", promise_due_on=TODAY_SH),
        ],
        NOW,
        {"blocked-ptp": (False, NOW + timedelta(hours=2), "calling hours")},
    )
    assert rows.tab(Tab.DUE_NOW).account_ids() == ["cb", "ptp", "plain"]
    assert rows.tab(Tab.CALLBACKS).account_ids() == ["cb", "cb-later"]
    assert rows.tab(Tab.PROMISES_DUE).account_ids() == ["ptp", "blocked-ptp"]
    assert len(rows.tab(Tab.ALL)) == 5
    assert rows.tab(Tab.PROMISES_DUE)[1].rank == 5


def test_a_compliance_decision_is_accepted_as_a_verdict() -> None:
    reason = SimpleNamespace(code="CALL_CAP", text_en="8th call in 7 days", text_zh="7 天内第 8 次")
    decision = SimpleNamespace(allowed=False, reasons=(reason,), next_allowed_at=NOW)
    contact = contact_from_decision(decision)
    assert contact == Contact(False, NOW, "8th call in 7 days", "7 天内第 8 次")
    (row,) = rank([account("a")], NOW, lambda item: decision)
    assert row.reasons[0].text_en == "blocked until today 09:00 (8th call in 7 days)"


def test_verdicts_in_input_order_rank_like_a_mapping_and_are_worded_when_read() -> None:
    reason = SimpleNamespace(code="CALL_CAP", text_en="8th call in 7 days", text_zh="7 天内第 8 次")
    blocked = SimpleNamespace(allowed=False, reasons=(reason,), next_allowed_at=NOW)
    allowed = SimpleNamespace(allowed=True, reasons=(), next_allowed_at=NOW)
    inputs = [account("a", balance_minor=900_000), account("b"), account("c")]
    aligned = rank(inputs, NOW, [blocked, allowed, None])  # None: no verdict, contactable
    mapped = rank(inputs, NOW, {"a": contact_from_decision(blocked)})
    assert aligned.account_ids() == mapped.account_ids() == ["b", "c", "a"]
    assert [r.reasons for r in aligned] == [r.reasons for r in mapped]
    assert aligned[2].contact == Contact(False, NOW, "8th call in 7 days", "7 天内第 8 次")
    assert aligned[2].reasons[0].text_zh == mapped[2].reasons[0].text_zh
    # a generator of inputs is fine; a count that does not match is refused, not guessed
    assert len(rank(iter(inputs), NOW, [None, None, None])) == 3
    with pytest.raises(ValueError, match="2 verdicts for 3 accounts"):
        rank(inputs, NOW, [None, None])


def test_rows_are_built_once_and_reused() -> None:
    rows = rank([account("a"), account("b")], NOW)
    assert rows[0] is rows[0]
    assert rows[-1].rank == 2
    assert [r.account_id for r in rows[0:2]] == [r.account_id for r in rows]


def test_store_rows_and_domain_objects_adapt_to_inputs() -> None:
    row = {
        "account_id": "x",
        "currency": "USD",
        "balance_minor": 10_000,
        "past_due_minor": 2_500,
        "days_past_due": 12,
        "flags": ["hardship"],
        "timezone": "America/New_York",
        "open_promise_due_date": "2026-03-02",
        "open_promise_amount": "12.50",
        "callback_due_at": "2026-03-02T14:00:00+00:00",
    }
    item = from_row(row)
    assert item.promise_amount_minor == 1250
    assert item.promise_due_on == date(2026, 3, 2)
    assert item.callback_at == datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert item.flags == frozenset({"hardship"})

    from workstation.demo.generator import generate_portfolio

    portfolio = generate_portfolio(200, seed=11, as_of=NOW)
    customers = {c.id: c for c in portfolio.customers}
    events = defaultdict(list)
    for event in portfolio.events:
        events[event.account_id].append(event)
    inputs = [
        from_account(customers[a.customer_id], a, events[a.id], NOW) for a in portfolio.accounts
    ]
    ranked = rank(inputs, NOW)
    assert len(ranked) == 200
    assert {r.category for r in ranked} >= {Category.DUE_NOW, Category.PROMISE_DUE}
    for shown in ranked[:20]:
        assert shown.reason_text("en")
        assert shown.reason_text("zh")


# property: the queue is a total order consistent with the overrides and the priority --------
_ids = st.text(alphabet="abcdef", min_size=1, max_size=4)
_items = st.builds(
    account,
    _ids,
    balance_minor=st.integers(0, 10_000_000),
    past_due_minor=st.integers(0, 10_000_000),
    days_past_due=st.integers(-5, 800),
    status=st.sampled_from(["open", "promise", "paid"]),
    score=st.one_of(st.none(), st.floats(0, 1)),
    promise_due_on=st.one_of(st.none(), st.dates(date(2026, 2, 20), date(2026, 3, 10))),
    callback_at=st.one_of(
        st.none(),
        st.datetimes(datetime(2026, 2, 28), datetime(2026, 3, 4), timezones=st.just(UTC)),
    ),
)


@given(
    st.lists(_items, max_size=30, unique_by=lambda item: item.account_id),
    st.dictionaries(
        _ids,
        st.tuples(
            st.booleans(),
            st.one_of(
                st.none(),
                st.datetimes(datetime(2026, 3, 2), datetime(2026, 3, 9), timezones=st.just(UTC)),
            ),
            st.just("rule"),
        ),
        max_size=10,
    ),
)
def test_ranking_is_a_total_order_consistent_with_priority_and_overrides(
    items: list[QueueInput], verdicts: dict[str, tuple[bool, datetime | None, str]]
) -> None:
    rows = list(rank(items, NOW, verdicts))
    assert sorted(r.account_id for r in rows) == sorted(i.account_id for i in items)
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    keys = [r.sort_key for r in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)  # total: no two rows tie
    bands = list(Category)
    for before, after in pairwise(rows):
        assert bands.index(before.category) <= bands.index(after.category)
        if before.category is after.category and before.category in (
            Category.PROMISE_DUE,
            Category.DUE_NOW,
            Category.WAITING,
        ):
            assert before.priority >= after.priority
    for row in rows:
        assert row.priority >= 0
        assert row.contactable_now == (row.category is not Category.BLOCKED)
        if row.category is Category.CALLBACK:
            assert row.source.callback_at is not None
            assert row.source.callback_at <= NOW
        assert row.sort_key == sort_key(
            row.category,
            row.priority,
            row.source.callback_at,
            row.next_contact_allowed_at,
            row.account_id,
        )


def test_a_vulnerable_customers_hardship_review_says_it_is_for_the_vulnerability() -> None:
    """A vulnerable customer's row read "score 0.31: …, no hardship reported" then "suggested:
    Hardship review" (未报告经济困难 … 建议：经济困难评估): a flag, not the tier, chose the
    review, and now the reason names it, in both languages."""
    (row,) = rank([account("v", days_past_due=8, score=0.31, flags=frozenset({"vulnerable"}))], NOW)
    assert row.treatment.code == "hardship_review"
    treatment = row.reasons[-1]
    assert treatment.code == "TREATMENT"
    assert treatment.text_en.endswith(
        "suggested: Hardship review, as the customer is flagged vulnerable"
    )
    assert treatment.text_zh.endswith("建议：经济困难评估，因客户被标记为弱势客户")
    assert "弱势客户" in row.reason_text("zh")


def test_every_flag_a_hardship_review_is_for_is_named_and_the_tiers_choice_is_not() -> None:
    both = account("both", flags=frozenset({"hardship", "vulnerable"}))
    plain = account("plain", days_past_due=5, score=0.85)
    rows = {row.account_id: row for row in rank([both, plain], NOW)}
    words = rows["both"].reasons[-1]
    assert "reported financial hardship" in words.text_en
    assert "flagged vulnerable" in words.text_en
    assert "客户报告经济困难" in words.text_zh
    assert "弱势客户" in words.text_zh
    assert rows["plain"].reasons[-1].text_en == "tier A — suggested: SMS reminder"


def test_every_customer_flag_has_words_for_why_it_decides() -> None:
    from workstation.domain.enums import CustomerFlag
    from workstation.queue.wording import flag_words

    for flag in CustomerFlag:
        en, zh = flag_words(flag.value)
        assert "_" not in en, flag
        assert re.search(r"[\u4e00-\u9fff]", zh), flag
