"""Properties of the contact-rule engine over random histories, instants and timezones.

The instants cluster around the 2026 daylight-saving changes, and the zones include a
30-minute DST shift (Lord Howe) and a southern-hemisphere one (Sydney).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_compliance import call, event, make_account, make_customer
from workstation.compliance import Decision, decide, default_policy
from workstation.compliance.lane import Lane, decide_in_lane
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import Channel, CustomerFlag, Direction, EventType
from workstation.domain.model import Account, Customer, Event

ZONES = (
    "America/New_York",
    "Europe/London",
    "Asia/Shanghai",
    "Australia/Lord_Howe",
    "Australia/Sydney",
)
CODES = (*(d.code for d in default_catalogue()), "LEGACY")
DST_SEASONS = (
    (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)),
    (datetime(2026, 9, 25, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)),
)

instants = st.sampled_from(DST_SEASONS).flatmap(
    lambda season: st.integers(0, int((season[1] - season[0]).total_seconds() // 60)).map(
        lambda minutes: season[0] + timedelta(minutes=minutes)
    )
)


@st.composite
def situations(draw: st.DrawFn) -> dict[str, Any]:
    """A customer, an instant and a history that happened before it."""
    at = draw(instants)
    jurisdiction = draw(st.sampled_from(("US", "UK", "CN")))
    zone = draw(st.sampled_from(ZONES))
    flags = set()
    if draw(st.sampled_from((False, False, True))):
        flags = draw(
            st.sets(
                st.sampled_from(
                    (
                        CustomerFlag.BREATHING_SPACE,
                        CustomerFlag.HARDSHIP,
                        CustomerFlag.VULNERABLE,
                        CustomerFlag.CEASE_COMMUNICATION,
                    )
                ),
                max_size=2,
            )
        )
    customer = make_customer(jurisdiction, tz=zone, flags=flags)
    customer.phones[0].opted_out = draw(st.booleans())
    customer.phones[1].consent = draw(st.booleans())
    history: list[Event] = []
    if draw(st.booleans()):
        # a burst of unanswered calls on one number: reaches the per-day and per-week caps
        phone = draw(st.sampled_from(("p1", "p2")))
        for _ in range(draw(st.integers(3, 9))):
            minutes_before = draw(st.integers(1, draw(st.sampled_from((6 * 60, 3 * 24 * 60)))))
            history.append(call(at - timedelta(minutes=minutes_before), "NA", phone=phone))
    for _ in range(draw(st.integers(0, 10))):
        minutes_before = draw(st.integers(1, 10 * 24 * 60))
        # bunch some attempts into the last day so that daily caps are reached
        if draw(st.booleans()):
            minutes_before = draw(st.integers(1, 20 * 60))
        history.append(
            call(
                at - timedelta(minutes=minutes_before),
                draw(st.sampled_from(CODES)),
                phone=draw(st.sampled_from(("p1", "p2", "+1 212 555 0101"))),
                account_id=draw(st.sampled_from(("a1", "a1", "a2"))),
                channel=draw(st.sampled_from((Channel.PHONE, Channel.PHONE, Channel.SMS))),
                direction=draw(st.sampled_from((Direction.OUTBOUND, Direction.INBOUND))),
            )
        )
    if history and draw(st.booleans()):
        target = draw(st.sampled_from(history))
        history.append(event(EventType.VOID, at - timedelta(minutes=1), target_event_id=target.id))
    if draw(st.booleans()):
        for flag in flags:
            started = at - timedelta(days=draw(st.integers(0, 70)))
            history.append(event(EventType.FLAG_CHANGE, started, flag=flag.value))
    if draw(st.sampled_from((False, False, False, True))):
        history.append(
            event(
                EventType.COMPLAINT,
                at - timedelta(hours=3),
                blocked_address=draw(st.sampled_from(("p2", None))),
            )
        )
    if draw(st.sampled_from((False,) * 6 + (True,))):
        history.append(event(EventType.DISPUTE, at - timedelta(days=2)))
    if draw(st.booleans()):
        history.append(event(EventType.NOTE, at - timedelta(hours=2), text="called back"))
    channel = draw(st.sampled_from((Channel.PHONE, Channel.PHONE, *Channel)))
    address = None
    if channel in (Channel.PHONE, Channel.SMS):
        address = draw(st.sampled_from((None, None, "p1", "p2")))
    return {
        "customer": customer,
        "account": make_account(),
        "at": at,
        "history": history,
        "channel": channel,
        "address": address,
    }


def _decide(s: dict[str, Any], at: datetime) -> Decision:
    return decide(s["customer"], s["account"], s["channel"], at, s["history"], address=s["address"])


@given(situations())
def test_next_allowed_at_is_the_first_instant_the_contact_is_allowed(s: dict[str, Any]) -> None:
    decision = _decide(s, s["at"])
    if decision.allowed:
        assert decision.next_allowed_at == s["at"]
        assert not decision.blocking
        return
    assert decision.blocking
    if decision.next_allowed_at is None:
        return
    assert decision.next_allowed_at > s["at"]
    later = _decide(s, decision.next_allowed_at)
    assert later.allowed, (decision.summary(), later.summary())
    just_before = decision.next_allowed_at - timedelta(seconds=1)
    if just_before >= s["at"]:
        assert not _decide(s, just_before).allowed


@given(situations())
def test_never_allowed_outside_calling_hours(s: dict[str, Any]) -> None:
    decision = _decide(s, s["at"])
    pack = default_policy().pack_for(s["customer"])
    hours = pack.hours.get(s["channel"])
    if decision.allowed and hours is not None:
        local = s["at"].astimezone(ZoneInfo(s["customer"].timezone))
        minute = local.hour * 60 + local.minute
        assert hours[0] <= minute < hours[1]
        assert decision.allowed_until is not None
        assert decision.allowed_until > s["at"]


@given(situations())
def test_every_reason_is_worded_in_both_languages(s: dict[str, Any]) -> None:
    decision = _decide(s, s["at"])
    assert decision.reasons
    for reason in decision.reasons:
        assert reason.code.isidentifier()
        assert reason.text_en.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in reason.text_zh), reason.text_zh
        if reason.blocking and reason.until is not None:
            assert reason.until >= s["at"]


@given(situations())
def test_the_quick_path_agrees_with_the_full_evaluation(s: dict[str, Any]) -> None:
    policy = default_policy()
    customer: Customer = s["customer"]
    account: Account = s["account"]
    quick = policy.decide(customer, account, s["channel"], s["at"], s["history"])
    plan = policy._plan(policy.pack_for(customer), s["channel"], default_catalogue())
    lane = Lane(plan, policy._clock(customer.timezone, s["at"]))
    full = decide_in_lane(lane, customer, account, s["history"], full=True)
    assert quick == full


@given(situations())
def test_voiding_every_attempt_is_like_never_having_made_them(s: dict[str, Any]) -> None:
    attempts = [e for e in s["history"] if e.type == EventType.CONTACT_ATTEMPT]
    others = [e for e in s["history"] if e.type not in (EventType.CONTACT_ATTEMPT, EventType.VOID)]
    voids = [
        event(EventType.VOID, s["at"] - timedelta(seconds=1), target_event_id=e.id)
        for e in attempts
    ]
    with_voids = {**s, "history": [*attempts, *others, *voids]}
    without = {**s, "history": others}
    assert _decide(with_voids, s["at"]) == _decide(without, s["at"])


@given(st.lists(situations(), min_size=1, max_size=6))
def test_deciding_a_book_at_once_agrees_with_deciding_each_account(
    book: list[dict[str, Any]],
) -> None:
    # the queue's decide_many shares plans, clocks and decision shapes across a book
    policy = default_policy()
    at, channel = book[0]["at"], book[0]["channel"]
    rows = [(s["customer"], s["account"], s["history"]) for s in book]
    expected = [policy.decide(c, a, channel, at, h) for c, a, h in rows]
    assert policy.decide_many(rows, channel, at) == expected
