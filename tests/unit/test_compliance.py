"""The contact-rule engine, case by case, the way a collector meets the rules in a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workstation.compliance import (
    ContactPolicy,
    Decision,
    OverrideRequiredError,
    RulePackError,
    decide,
    default_policy,
    is_override,
    pack_for,
    require_override,
)
from workstation.compliance import clock as clock_module
from workstation.demo.generator import generate_portfolio
from workstation.domain.dispositions import Disposition, DispositionCatalogue, default_catalogue
from workstation.domain.enums import (
    AccountStatus,
    Channel,
    CustomerFlag,
    Direction,
    EventType,
    PhoneType,
)
from workstation.domain.model import (
    Account,
    Address,
    ContactPerson,
    Customer,
    Email,
    Event,
    Phone,
    new_id,
)
from workstation.domain.money import Money

NEW_YORK = "America/New_York"
LONDON = "Europe/London"
SHANGHAI = "Asia/Shanghai"
TZ_OF = {"US": NEW_YORK, "UK": LONDON, "CN": SHANGHAI}


# --- builders ------------------------------------------------------------------------------


def local(tz: str, *args: int) -> datetime:
    """A wall-clock time in ``tz`` as a UTC instant: ``local(NEW_YORK, 2026, 3, 8, 8, 0)``."""
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)  # type: ignore[misc]


def make_customer(
    jurisdiction: str = "US",
    *,
    tz: str | None = None,
    phones: list[Phone] | None = None,
    emails: list[Email] | None = None,
    addresses: list[Address] | None = None,
    flags: Iterable[CustomerFlag] = (),
    contact_person: ContactPerson | None = None,
) -> Customer:
    return Customer(
        id="c1",
        name="Ann Lee",
        timezone=tz or TZ_OF.get(jurisdiction, NEW_YORK),
        jurisdiction=jurisdiction,
        phones=[
            Phone("p1", "+1 212 555 0101", PhoneType.MOBILE),
            Phone("p2", "+1 212 555 0202", PhoneType.WORK),
        ]
        if phones is None
        else phones,
        emails=[Email("e1", "ann@example.com")] if emails is None else emails,
        addresses=[Address("h1", "1 Main St", "Springfield")] if addresses is None else addresses,
        flags=frozenset(flags),
        contact_person=contact_person,
    )


def make_account(
    account_id: str = "a1", status: AccountStatus = AccountStatus.OPEN, currency: str = "USD"
) -> Account:
    money = Money.of("1000", currency)
    return Account(account_id, "c1", "card", currency, money, money, money, 45, status=status)


def event(kind: EventType, at: datetime, account_id: str = "a1", **payload: Any) -> Event:
    return Event(new_id(), kind, account_id, "c1", at, "agent-1", payload)


def call(
    at: datetime,
    disposition: str = "NA",
    *,
    phone: str = "p1",
    account_id: str = "a1",
    channel: Channel = Channel.PHONE,
    direction: Direction = Direction.OUTBOUND,
) -> Event:
    return event(
        EventType.CONTACT_ATTEMPT,
        at,
        account_id,
        channel=channel.value,
        direction=direction.value,
        disposition=disposition,
        address_used=phone,
    )


def run(
    customer: Customer,
    at: datetime,
    history: Iterable[Event] = (),
    channel: Channel = Channel.PHONE,
    account: Account | None = None,
    **kwargs: Any,
) -> Decision:
    return decide(customer, account or make_account(), channel, at, list(history), **kwargs)


def codes(decision: Decision) -> set[str]:
    return {reason.code for reason in decision.reasons if reason.blocking}


# --- calling hours ---------------------------------------------------------------------------


def test_2101_in_new_york_is_blocked_while_1001_in_shanghai_is_allowed() -> None:
    at = local(NEW_YORK, 2026, 1, 14, 21, 1)
    assert at.astimezone(ZoneInfo(SHANGHAI)).strftime("%H:%M") == "10:01"

    us = run(make_customer("US"), at)
    assert not us.allowed
    assert codes(us) == {"outside_calling_hours"}
    assert us.next_allowed_at == local(NEW_YORK, 2026, 1, 15, 8, 0)
    reason = us.reasons[0]
    assert "tomorrow 08:00" in reason.text_en
    assert "now 21:01" in reason.text_en
    assert "明天 08:00" in reason.text_zh
    assert reason.until == us.next_allowed_at

    cn = run(make_customer("CN"), at)
    assert cn.allowed
    assert cn.next_allowed_at == at
    assert cn.reasons[0].code == "within_calling_hours"
    assert cn.reasons[0].text_en == "May call now until 22:00 local time"
    assert "22:00" in cn.reasons[0].text_zh
    assert cn.allowed_until == local(SHANGHAI, 2026, 1, 15, 22, 0)
    assert cn.address == "p1"
    assert cn.pack_id == "cn-nifa"


def test_verdict_turns_red_at_2100_and_green_at_0800() -> None:
    customer = make_customer("US")
    assert run(customer, local(NEW_YORK, 2026, 6, 2, 20, 59)).allowed
    assert not run(customer, local(NEW_YORK, 2026, 6, 2, 21, 0)).allowed
    early = run(customer, local(NEW_YORK, 2026, 6, 2, 7, 59))
    assert early.next_allowed_at == local(NEW_YORK, 2026, 6, 2, 8, 0)
    assert "today 08:00" in early.reasons[0].text_en
    assert run(customer, local(NEW_YORK, 2026, 6, 2, 8, 0)).allowed


@pytest.mark.parametrize(
    ("tz", "jurisdiction", "at", "expected"),
    [
        # the evening before New York springs forward: 08:00 next morning is already EDT
        (NEW_YORK, "US", local(NEW_YORK, 2026, 3, 7, 21, 30), datetime(2026, 3, 8, 12, tzinfo=UTC)),
        # on the day itself, before 08:00 EDT
        (NEW_YORK, "US", local(NEW_YORK, 2026, 3, 8, 7, 59), datetime(2026, 3, 8, 12, tzinfo=UTC)),
        # the evening before it falls back: 08:00 next morning is EST again
        (
            NEW_YORK,
            "US",
            local(NEW_YORK, 2026, 10, 31, 22, 0),
            datetime(2026, 11, 1, 13, tzinfo=UTC),
        ),
        (
            NEW_YORK,
            "US",
            local(NEW_YORK, 2026, 11, 1, 1, 30),
            datetime(2026, 11, 1, 13, tzinfo=UTC),
        ),
        # London springs forward on 29 March and falls back on 25 October 2026
        (LONDON, "UK", local(LONDON, 2026, 3, 28, 21, 30), datetime(2026, 3, 29, 7, tzinfo=UTC)),
        (LONDON, "UK", local(LONDON, 2026, 10, 24, 22, 0), datetime(2026, 10, 25, 8, tzinfo=UTC)),
    ],
)
def test_calling_hours_on_the_day_dst_changes(
    tz: str, jurisdiction: str, at: datetime, expected: datetime
) -> None:
    decision = run(make_customer(jurisdiction, tz=tz), at)
    assert not decision.allowed
    assert decision.next_allowed_at == expected
    assert expected.astimezone(ZoneInfo(tz)).strftime("%H:%M") == "08:00"
    assert run(make_customer(jurisdiction, tz=tz), expected).allowed


def test_visit_outside_hours_is_blocked_like_a_call() -> None:
    customer = make_customer("CN", addresses=[Address("h1", "88 Nanjing Rd", "Shanghai")])
    decision = run(customer, local(SHANGHAI, 2026, 5, 6, 7, 30), channel=Channel.VISIT)
    assert codes(decision) == {"outside_calling_hours"}
    assert "visits" in decision.reasons[0].text_en
    assert "外访" in decision.reasons[0].text_zh
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 6, 8, 0)
    allowed = run(customer, local(SHANGHAI, 2026, 5, 6, 9, 0), channel=Channel.VISIT)
    assert allowed.allowed
    assert allowed.address == "h1"
    assert allowed.reasons[0].text_en == "May visit now until 22:00 local time"


def test_a_visit_needs_an_address_and_a_letter_has_no_hours() -> None:
    customer = make_customer("US", addresses=[])
    at = local(NEW_YORK, 2026, 5, 6, 23, 0)
    no_address = run(customer, local(NEW_YORK, 2026, 5, 6, 10, 0), channel=Channel.VISIT)
    assert codes(no_address) == {"no_usable_address"}
    assert no_address.next_allowed_at is None
    letter = run(make_customer("US"), at, channel=Channel.LETTER)
    assert letter.allowed
    assert letter.codes == ("no_time_limit",)
    assert "no time-of-day limit" in letter.reasons[0].text_en


# --- attempt caps (US) -------------------------------------------------------------------------


def test_8th_call_in_7_days_is_blocked_until_thursday_0800() -> None:
    customer = make_customer("US")
    # seven calls Thursday to Saturday, across both numbers; now it is Saturday noon
    history = [
        call(local(NEW_YORK, 2026, 3, 12, 10, 0)),
        call(local(NEW_YORK, 2026, 3, 12, 15, 0), phone="p2"),
        call(local(NEW_YORK, 2026, 3, 13, 9, 0)),
        call(local(NEW_YORK, 2026, 3, 13, 18, 0), "VM", phone="p2"),
        call(local(NEW_YORK, 2026, 3, 14, 8, 5), "BUSY"),
        call(local(NEW_YORK, 2026, 3, 14, 9, 0)),
        call(local(NEW_YORK, 2026, 3, 14, 11, 0), phone="p2"),
    ]
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    decision = run(customer, at, history)
    assert not decision.allowed
    assert codes(decision) == {"attempt_cap_7_in_7"}
    # the window is 7 local days, today included: Thursday's calls leave it next Thursday
    assert decision.next_allowed_at == local(NEW_YORK, 2026, 3, 19, 8, 0)
    reason = decision.reasons[0]
    assert reason.text_en.startswith("8th call in 7 days")
    assert "blocked until Thursday 08:00" in reason.text_en
    assert "7天内第8次呼叫" in reason.text_zh
    assert "周四 08:00" in reason.text_zh

    # one fewer call: allowed
    assert run(customer, at, history[1:]).allowed
    # the window rolls (not a calendar week): Wednesday still blocked, Thursday allowed
    assert not run(customer, local(NEW_YORK, 2026, 3, 18, 20, 0), history).allowed
    assert run(customer, local(NEW_YORK, 2026, 3, 19, 8, 0), history).allowed


def test_a_voided_call_no_longer_counts() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(at - timedelta(hours=h + 1)) for h in range(7)]
    assert not run(customer, at, history).allowed
    void = event(EventType.VOID, at - timedelta(minutes=5), target_event_id=history[0].id)
    assert run(customer, at, [*history, void]).allowed
    # a void that names nothing changes nothing
    assert not run(customer, at, [*history, event(EventType.VOID, at)]).allowed


def test_calls_about_another_debt_do_not_count_toward_this_debt() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(at - timedelta(hours=h + 1), account_id="a2") for h in range(7)]
    assert run(customer, at, history).allowed
    assert not run(customer, at, history, account=make_account("a2")).allowed


def test_inbound_calls_do_not_count_as_attempts_and_future_events_are_ignored() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    inbound = [call(at - timedelta(hours=h + 1), direction=Direction.INBOUND) for h in range(7)]
    assert run(customer, at, inbound).allowed
    future = [call(at + timedelta(minutes=h + 1)) for h in range(7)]
    assert run(customer, at, future).allowed


def test_sms_are_not_calls() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    texts = [call(at - timedelta(hours=h + 1), "VM", channel=Channel.SMS) for h in range(7)]
    assert run(customer, at, texts).allowed


def test_unknown_disposition_counts_as_an_attempt() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(at - timedelta(hours=h + 1), "LEGACY_X") for h in range(7)]
    assert codes(run(customer, at, history)) == {"attempt_cap_7_in_7"}


# --- quiet period after a conversation (US) ------------------------------------------------


def test_a_call_6_days_after_a_conversation_is_blocked_7_days_after_allowed() -> None:
    customer = make_customer("US")
    spoke = local(NEW_YORK, 2026, 4, 6, 10, 0)  # Monday
    history = [call(spoke, "RPC_NC")]
    six = run(customer, local(NEW_YORK, 2026, 4, 12, 10, 0), history)
    assert not six.allowed
    assert codes(six) == {"quiet_after_conversation"}
    assert six.next_allowed_at == local(NEW_YORK, 2026, 4, 13, 8, 0)
    assert "no calls within 7 days" in six.reasons[0].text_en
    assert "7天内不得再次拨打电话" in six.reasons[0].text_zh
    assert "tomorrow 08:00" in six.reasons[0].text_en
    seven = run(customer, local(NEW_YORK, 2026, 4, 13, 8, 0), history)
    assert seven.allowed


def test_quiet_period_counts_local_days_across_the_spring_dst_change() -> None:
    customer = make_customer("US")
    history = [call(local(NEW_YORK, 2026, 3, 1, 10, 0), "PTP")]
    # late on Saturday 7 March: still day 7; clears at midnight, then calling hours (EDT)
    decision = run(customer, local(NEW_YORK, 2026, 3, 7, 20, 30), history)
    assert codes(decision) == {"quiet_after_conversation"}
    assert decision.next_allowed_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert run(customer, datetime(2026, 3, 8, 12, 0, tzinfo=UTC), history).allowed


def test_an_inbound_conversation_starts_the_quiet_period() -> None:
    customer = make_customer("US")
    spoke = local(NEW_YORK, 2026, 4, 6, 10, 0)
    history = [call(spoke, "RPC_NC", direction=Direction.INBOUND)]
    assert codes(run(customer, spoke + timedelta(days=1), history)) == {"quiet_after_conversation"}


def test_quiet_and_cap_together_clear_at_the_later_of_the_two() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(local(NEW_YORK, 2026, 3, 12, 9, h)) for h in range(6)]
    history.append(call(local(NEW_YORK, 2026, 3, 14, 9, 0), "RPC_NC"))
    decision = run(customer, at, history)
    assert codes(decision) == {"attempt_cap_7_in_7", "quiet_after_conversation"}
    # cap clears Thursday 19th, the quiet period Saturday 21st
    assert decision.next_allowed_at == local(NEW_YORK, 2026, 3, 21, 8, 0)
    # a week ahead is a date, not a weekday that could be read as today
    assert "Sat 21 Mar 08:00" in decision.summary()
    assert "Thursday 08:00" in decision.summary()
    assert "3月21日（周六） 08:00" in decision.summary("zh")


# --- daily caps (CN) -----------------------------------------------------------------------


def cn_customer(**kwargs: Any) -> Customer:
    phones = [
        Phone("p1", "13800138001", PhoneType.MOBILE),
        Phone("p2", "13900139002", PhoneType.WORK),
    ]
    return make_customer("CN", phones=phones, **kwargs)


def test_4th_connected_call_in_a_day_is_blocked_for_a_chinese_customer() -> None:
    customer = cn_customer()
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    history = [
        call(local(SHANGHAI, 2026, 5, 6, 9, 0), "RPC_NC"),
        call(local(SHANGHAI, 2026, 5, 6, 11, 0), "TP", phone="p2"),
        call(local(SHANGHAI, 2026, 5, 6, 14, 0), "PTP"),
    ]
    decision = run(customer, at, history)
    assert codes(decision) == {"daily_connected_cap"}
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 7, 8, 0)
    assert decision.reasons[0].text_en.startswith("3 connected calls today (limit 3 a day)")
    assert "今日接通电话已达3次（每日上限3次）" in decision.reasons[0].text_zh
    # yesterday's calls do not count: it is a day cap in local time
    assert run(customer, at + timedelta(days=1), history).allowed
    # two connected and one unanswered: allowed
    history[2] = call(local(SHANGHAI, 2026, 5, 6, 14, 0), "NA")
    assert run(customer, at, history).allowed


def test_7th_unanswered_attempt_on_one_number_blocked_another_number_allowed() -> None:
    customer = cn_customer()
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    history = [call(local(SHANGHAI, 2026, 5, 6, 9, m * 5), "NA", phone="p1") for m in range(6)]
    first = run(customer, at, history, address="p1")
    assert codes(first) == {"daily_unanswered_cap_number"}
    assert first.next_allowed_at == local(SHANGHAI, 2026, 5, 7, 8, 0)
    assert "mobile …8001" in first.reasons[0].text_en
    assert "手机…8001" in first.reasons[0].text_zh
    assert "6 unanswered attempts today" in first.reasons[0].text_en
    # the number itself works as well as its id
    assert not run(customer, at, history, address="13800138001").allowed
    second = run(customer, at, history, address="p2")
    assert second.allowed
    assert second.address == "p2"
    # no number asked for: the usable one is chosen
    chosen = run(customer, at, history)
    assert chosen.allowed
    assert chosen.address == "p2"


def test_both_numbers_capped_shows_both_and_clears_tomorrow() -> None:
    customer = cn_customer()
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    history = [
        call(local(SHANGHAI, 2026, 5, 6, 9, m * 5), "BUSY", phone=phone)
        for phone in ("p1", "p2")
        for m in range(6)
    ]
    decision = run(customer, at, history)
    assert not decision.allowed
    assert decision.codes == ("daily_unanswered_cap_number", "daily_unanswered_cap_number")
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 7, 8, 0)
    assert "work number …9002" in decision.summary()


def test_one_number_opted_out_the_other_capped_clears_with_the_capped_one() -> None:
    customer = cn_customer()
    customer.phones[0].opted_out = True
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    history = [call(local(SHANGHAI, 2026, 5, 6, 9, m), "NA", phone="p2") for m in range(6)]
    decision = run(customer, at, history, channel=Channel.SMS)
    # SMS counts are not capped, only the opt-out applies: p2 is chosen
    assert decision.allowed
    assert decision.address == "p2"
    customer.phones[1].opted_out = True
    both = run(customer, at, history, channel=Channel.SMS)
    assert both.codes == ("channel_opted_out", "channel_opted_out")
    assert both.next_allowed_at is None


def test_one_number_indefinitely_blocked_the_other_until_tomorrow() -> None:
    customer = cn_customer()
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    complaint = event(EventType.COMPLAINT, at - timedelta(hours=2), blocked_address="p1")
    history = [call(local(SHANGHAI, 2026, 5, 6, 9, m), "NA", phone="p2") for m in range(6)]
    decision = run(customer, at, [complaint, *history])
    assert set(decision.codes) == {"address_blocked_by_complaint", "daily_unanswered_cap_number"}
    assert decision.address == "p2"
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 7, 8, 0)


# --- holds -----------------------------------------------------------------------------------


def flag_change(at: datetime, flag: CustomerFlag, **payload: Any) -> Event:
    return event(EventType.FLAG_CHANGE, at, flag=flag.value, **payload)


def test_breathing_space_holds_every_channel_for_60_days() -> None:
    customer = make_customer("UK", flags=[CustomerFlag.BREATHING_SPACE])
    started = flag_change(local(LONDON, 2026, 3, 1, 12, 0), CustomerFlag.BREATHING_SPACE)
    at = local(LONDON, 2026, 4, 15, 10, 0)
    for channel in Channel:
        decision = run(customer, at, [started], channel=channel)
        assert "hold_breathing_space" in codes(decision), channel
    decision = run(customer, at, [started])
    # 1 March + 60 days = 30 April, at 08:00 BST
    assert decision.next_allowed_at == local(LONDON, 2026, 4, 30, 8, 0)
    assert "Breathing space" in decision.reasons[0].text_en
    assert "喘息期" in decision.reasons[0].text_zh
    assert "Thu 30 Apr 08:00" in decision.reasons[0].text_en
    assert "4月30日（周四） 08:00" in decision.reasons[0].text_zh
    assert run(customer, local(LONDON, 2026, 4, 30, 8, 0), [started]).allowed


def test_breathing_space_start_date_in_the_payload_and_later_restarts() -> None:
    customer = make_customer("UK", flags=[CustomerFlag.BREATHING_SPACE])
    recorded = local(LONDON, 2026, 3, 5, 12, 0)
    started = flag_change(recorded, CustomerFlag.BREATHING_SPACE, value=True, since="2026-03-02")
    decision = run(customer, local(LONDON, 2026, 4, 15, 10, 0), [started])
    assert decision.next_allowed_at == local(LONDON, 2026, 5, 1, 8, 0)
    # a newer start wins; removals and other flags do not date the hold
    again = flag_change(local(LONDON, 2026, 4, 1, 9, 0), CustomerFlag.BREATHING_SPACE)
    lifted = flag_change(local(LONDON, 2026, 4, 2, 9, 0), CustomerFlag.BREATHING_SPACE, value=False)
    other = flag_change(local(LONDON, 2026, 4, 3, 9, 0), CustomerFlag.HARDSHIP)
    decision = run(customer, local(LONDON, 2026, 4, 15, 10, 0), [again, started, lifted, other])
    assert decision.next_allowed_at == local(LONDON, 2026, 5, 31, 8, 0)


def test_breathing_space_without_a_dated_start_holds_until_lifted() -> None:
    customer = make_customer("UK", flags=[CustomerFlag.BREATHING_SPACE])
    decision = run(customer, local(LONDON, 2026, 4, 15, 10, 0))
    assert codes(decision) == {"hold_breathing_space"}
    assert decision.next_allowed_at is None
    assert "blocked until lifted" in decision.reasons[0].text_en
    assert "解除前不可联系" in decision.reasons[0].text_zh
    # the flag decides: without it, an old start event holds nothing
    started = flag_change(local(LONDON, 2026, 4, 1, 9, 0), CustomerFlag.BREATHING_SPACE)
    assert run(make_customer("UK"), local(LONDON, 2026, 4, 15, 10, 0), [started]).allowed


def test_cease_communication_blocks_every_channel_indefinitely() -> None:
    customer = make_customer("US", flags=[CustomerFlag.CEASE_COMMUNICATION])
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    for channel in Channel:
        decision = run(customer, at, channel=channel)
        assert codes(decision) == {"hold_cease_communication"}
        assert decision.next_allowed_at is None


@pytest.mark.parametrize(
    ("jurisdiction", "flag", "code"),
    [
        ("US", CustomerFlag.BANKRUPT, "hold_bankrupt"),
        ("US", CustomerFlag.DECEASED, "hold_deceased"),
        ("UK", CustomerFlag.VULNERABILITY_REVIEW, "hold_vulnerable_review"),
        ("UK", CustomerFlag.DECEASED, "hold_deceased"),
        ("CN", CustomerFlag.DECEASED, "hold_deceased"),
        ("CN", CustomerFlag.CEASE_COMMUNICATION, "hold_cease_communication"),
    ],
)
def test_flag_holds(jurisdiction: str, flag: CustomerFlag, code: str) -> None:
    customer = make_customer(jurisdiction, flags=[flag])
    at = local(customer.timezone, 2026, 5, 6, 10, 0)
    decision = run(customer, at)
    assert codes(decision) == {code}
    assert decision.next_allowed_at is None


def test_a_vulnerability_review_pending_stops_visits_everywhere_and_all_contact_in_the_uk() -> None:
    for jurisdiction, calls_held in (("US", False), ("CN", False), ("UK", True)):
        customer = make_customer(
            jurisdiction, flags=[CustomerFlag.VULNERABLE, CustomerFlag.VULNERABILITY_REVIEW]
        )
        at = local(customer.timezone, 2026, 5, 6, 10, 0)
        assert codes(run(customer, at, channel=Channel.VISIT)) == {"hold_vulnerable_review"}
        assert (not run(customer, at).allowed) is calls_held, jurisdiction
        reviewed = make_customer(jurisdiction, flags=[CustomerFlag.VULNERABLE])
        assert run(reviewed, at, channel=Channel.VISIT).allowed, jurisdiction


def test_vulnerable_is_no_hold_in_the_us_pack() -> None:
    customer = make_customer("US", flags=[CustomerFlag.VULNERABLE])
    assert run(customer, local(NEW_YORK, 2026, 5, 6, 10, 0)).allowed


def test_hardship_pauses_contact_for_30_days_but_not_letters() -> None:
    customer = make_customer("CN", flags=[CustomerFlag.HARDSHIP])
    recorded = flag_change(local(SHANGHAI, 2026, 5, 1, 10, 0), CustomerFlag.HARDSHIP)
    decision = run(customer, local(SHANGHAI, 2026, 5, 6, 10, 0), [recorded])
    assert codes(decision) == {"hold_hardship"}
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 31, 8, 0)
    assert run(customer, local(SHANGHAI, 2026, 5, 6, 10, 0), [recorded], Channel.LETTER).allowed
    # after the pause, the flag alone no longer holds
    assert run(customer, local(SHANGHAI, 2026, 6, 1, 10, 0), [recorded]).allowed


def test_dispute_pending_validation_holds_this_debt_until_resolved() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    opened = event(EventType.DISPUTE, at - timedelta(days=3), status="pending_validation")
    decision = run(customer, at, [opened])
    assert codes(decision) == {"hold_dispute"}
    assert decision.next_allowed_at is None
    # other debts of the customer are not held
    assert run(customer, at, [opened], account=make_account("a2")).allowed
    resolved = event(
        EventType.DISPUTE, at - timedelta(days=1), status="resolved", dispute_id=opened.id
    )
    assert run(customer, at, [resolved, opened]).allowed
    # a dispute without a status is pending
    assert not run(customer, at, [event(EventType.DISPUTE, at - timedelta(days=1))]).allowed
    # the account status alone holds too
    disputed = make_account(status=AccountStatus.DISPUTE)
    assert codes(run(customer, at, account=disputed)) == {"hold_dispute"}
    # the dispute is not a hold on letters (validation is sent by letter)
    assert run(customer, at, [opened], Channel.LETTER).allowed


def test_voided_dispute_and_future_dispute_do_not_hold() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    opened = event(EventType.DISPUTE, at - timedelta(days=3))
    void = event(EventType.VOID, at - timedelta(days=2), target_event_id=opened.id)
    assert run(customer, at, [opened, void]).allowed
    assert run(customer, at, [event(EventType.DISPUTE, at + timedelta(hours=1))]).allowed


def test_closed_account_is_never_contacted_about() -> None:
    customer = make_customer("US")
    decision = run(
        customer,
        local(NEW_YORK, 2026, 5, 6, 10, 0),
        account=make_account(status=AccountStatus.PAID),
    )
    assert codes(decision) == {"account_closed"}
    assert "paid" in decision.reasons[0].text_en
    held = run(
        customer,
        local(NEW_YORK, 2026, 5, 6, 10, 0),
        account=make_account(status=AccountStatus.HOLD),
    )
    assert held.codes == ("account_on_hold",)
    assert held.next_allowed_at is None


# --- complaints (scenario 6) -------------------------------------------------------------------


def test_complaint_about_workplace_calls_blocks_the_work_number_only() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    complaint = event(
        EventType.COMPLAINT,
        at - timedelta(hours=1),
        status="open",
        category="contact_at_work",
        blocked_address="p2",
    )
    work = run(customer, at, [complaint], address="p2")
    assert codes(work) == {"address_blocked_by_complaint"}
    assert work.next_allowed_at is None
    assert "work number …0202" in work.reasons[0].text_en
    assert "工作电话…0202" in work.reasons[0].text_zh
    mobile = run(customer, at, [complaint], address="p1")
    assert mobile.allowed
    chosen = run(customer, at, [complaint])
    assert chosen.address == "p1"
    # resolved by a follow-up naming it: the work number is usable again
    resolved = event(
        EventType.COMPLAINT, at - timedelta(minutes=5), status="resolved", complaint_id=complaint.id
    )
    assert run(customer, at, [complaint, resolved], address="p2").allowed


def test_complaint_naming_the_number_itself_and_blocking_a_channel() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    by_number = event(
        EventType.COMPLAINT, at - timedelta(hours=1), blocked_address="+1 212 555 0202"
    )
    assert not run(customer, at, [by_number], address="p2").allowed
    no_sms = event(EventType.COMPLAINT, at - timedelta(hours=1), blocked_channel="sms")
    sms = run(customer, at, [no_sms], channel=Channel.SMS)
    assert codes(sms) == {"channel_blocked_by_complaint"}
    assert "SMS" in sms.reasons[0].text_en
    assert run(customer, at, [no_sms]).allowed


def test_unscoped_complaint_holds_in_uk_and_cn_but_not_us() -> None:
    for jurisdiction, held in (("UK", True), ("CN", True), ("US", False)):
        customer = make_customer(jurisdiction)
        at = local(customer.timezone, 2026, 5, 6, 10, 0)
        complaint = event(EventType.COMPLAINT, at - timedelta(hours=1), category="tone")
        decision = run(customer, at, [complaint])
        assert (codes(decision) == {"hold_complaint"}) is held, jurisdiction


def test_a_complaint_holds_through_its_workflow_and_names_itself_until_resolved() -> None:
    customer = make_customer("CN")
    at = local(SHANGHAI, 2027, 3, 2, 10, 0)
    intake = event(EventType.COMPLAINT, at - timedelta(days=1), status="open", category="tone")
    registered = event(
        EventType.COMPLAINT,
        at - timedelta(days=1) + timedelta(seconds=1),
        complaint_id=intake.id,
        status="received",
        step="register",
        reference="CP-2027-000123",
        sla_due="2027-03-16",
    )
    plain = run(customer, at, [intake])
    assert codes(plain) == {"hold_complaint"}
    assert "CP-" not in plain.reasons[0].text_en  # not registered yet: the pack's words
    decision = run(customer, at, [intake, registered])
    assert codes(decision) == {"hold_complaint"}
    reason = next(r for r in decision.reasons if r.blocking)
    assert "CP-2027-000123" in reason.text_en
    assert "2027-03-16" in reason.text_en
    assert "until it is resolved" in reason.text_en
    assert "CP-2027-000123" in reason.text_zh
    assert "投诉办结后恢复" in reason.text_zh
    assert decision.next_allowed_at is None
    history = [intake, registered]
    for step, status in (("acknowledge", "acknowledged"), ("investigate", "investigating")):
        history.append(
            event(
                EventType.COMPLAINT,
                at - timedelta(hours=len(history)),
                complaint_id=intake.id,
                status=status,
                step=step,
            )
        )
        assert codes(run(customer, at, history)) == {"hold_complaint"}, status
    extended = event(
        EventType.COMPLAINT,
        at - timedelta(minutes=30),
        complaint_id=intake.id,
        status="investigating",
        step="extend",
        sla_due="2027-03-31",
    )
    later = next(r for r in run(customer, at, [*history, extended]).reasons if r.blocking)
    assert "2027-03-31" in later.text_en  # the latest deadline
    for ending in ("resolved", "closed"):
        ended = event(
            EventType.COMPLAINT, at - timedelta(minutes=5), complaint_id=intake.id, status=ending
        )
        assert run(customer, at, [*history, ended]).allowed, ending
    # a voided intake takes its workflow's steps with it: nothing holds
    void = event(EventType.VOID, at - timedelta(minutes=1), target_event_id=intake.id)
    assert run(customer, at, [*history, void]).allowed
    # a registered complaint without a deadline still names itself
    bare = event(
        EventType.COMPLAINT,
        at - timedelta(hours=2),
        complaint_id=intake.id,
        reference="CP-2027-000124",
    )
    named = next(r for r in run(customer, at, [intake, bare]).reasons if r.blocking)
    assert "CP-2027-000124" in named.text_en
    assert "due" not in named.text_en


def test_a_us_dispute_holds_until_the_validation_notice_and_its_wait() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2027, 3, 2, 10, 0)
    opened = event(EventType.DISPUTE, at - timedelta(days=3), reason="not_mine")
    disputed = make_account(status=AccountStatus.DISPUTE)
    pending = run(customer, at, [opened], account=disputed)
    assert codes(pending) == {"hold_dispute"}
    assert pending.next_allowed_at is None
    sent = event(
        EventType.DISPUTE,
        at - timedelta(days=1),
        dispute_id=opened.id,
        reason="not_mine",
        status="validation_sent",
        resume_on="2027-04-01",
    )
    waiting = run(customer, at, [opened, sent], account=disputed)
    assert codes(waiting) == {"hold_dispute"}
    assert waiting.next_allowed_at == local(NEW_YORK, 2027, 4, 1, 8, 0)  # into calling hours
    reason = next(r for r in waiting.reasons if r.blocking)
    assert "validation notice sent" in reason.text_en
    assert "2027-04-01" in reason.text_en
    assert "核实通知已发出" in reason.text_zh
    # the wait is over: collection may resume, even before the daily run records it
    assert run(
        customer, local(NEW_YORK, 2027, 4, 1, 10, 0), [opened, sent], account=disputed
    ).allowed
    # a notice without a resume day holds until lifted
    undated = event(
        EventType.DISPUTE,
        at - timedelta(days=1),
        dispute_id=opened.id,
        reason="not_mine",
        status="validation_sent",
    )
    assert run(customer, at, [opened, undated], account=disputed).next_allowed_at is None
    # a voided dispute takes its steps with it (the account's status is the server's)
    void = event(EventType.VOID, at - timedelta(hours=2), target_event_id=opened.id)
    assert run(customer, at, [opened, undated, void]).allowed
    # resumed or upheld: the dispute is over
    for ending in ("resumed", "upheld"):
        done = event(
            EventType.DISPUTE, at - timedelta(hours=1), dispute_id=opened.id, status=ending
        )
        assert run(customer, at, [opened, sent, done]).allowed, ending


# --- opt-out and consent (scenario 7) ----------------------------------------------------------


def test_sms_opt_out_blocks_sms_to_that_number_not_calls() -> None:
    customer = make_customer("US")
    customer.phones[0].opted_out = True
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    sms = run(customer, at, channel=Channel.SMS, address="p1")
    assert codes(sms) == {"channel_opted_out"}
    assert sms.next_allowed_at is None
    assert "opted out of SMS" in sms.reasons[0].text_en
    assert "已退订短信" in sms.reasons[0].text_zh
    assert run(customer, at, address="p1").allowed
    other = run(customer, at, channel=Channel.SMS)
    assert other.allowed
    assert other.address == "p2"


def test_us_messages_must_carry_the_opt_out_wording() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    sms = run(customer, at, channel=Channel.SMS)
    assert sms.allowed
    assert "opt_out_wording_required" in sms.codes
    assert pack_for(customer).requires_opt_out(Channel.SMS)
    assert not pack_for(customer).requires_opt_out(Channel.PHONE)
    assert "STOP" in pack_for(customer).opt_out_text("en")
    assert "退订" in pack_for(customer).opt_out_text("zh-CN")
    assert "opt_out_wording_required" not in run(make_customer("UK"), at, channel=Channel.SMS).codes


def test_email_opt_out_and_missing_consent() -> None:
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    opted = make_customer("US", emails=[Email("e1", "ann@example.com", opted_out=True)])
    decision = run(opted, at, channel=Channel.EMAIL)
    assert codes(decision) == {"channel_opted_out"}
    assert "a***@example.com" in decision.reasons[0].text_en
    no_consent = make_customer("US", emails=[Email("e1", "ann@example.com", consent=False)])
    assert codes(run(no_consent, at, channel=Channel.EMAIL)) == {"no_consent"}
    customer = make_customer("US")
    customer.phones[0].consent = False
    customer.phones[1].consent = False
    sms = run(customer, at, channel=Channel.SMS)
    assert sms.codes == ("no_consent", "no_consent")
    assert "未获得向手机…0101发送短信的同意" in sms.summary("zh")
    # phone consent is not required for calls in these packs
    assert run(customer, at).allowed
    assert codes(run(make_customer("US", emails=[]), at, channel=Channel.EMAIL)) == {
        "no_usable_address"
    }


# --- third parties ------------------------------------------------------------------------------


def test_contact_person_location_only_in_us() -> None:
    person = ContactPerson("Bob", "+1 917 555 0303", "brother")
    customer = make_customer("US", contact_person=person)
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    decision = run(customer, at, address=person.phone)
    assert decision.allowed
    assert "third_party_no_disclosure" in decision.codes
    assert "never mention the debt" in decision.summary()
    assert decision.address == person.phone


def test_contact_person_in_china_only_when_the_debtor_is_unreachable() -> None:
    person = ContactPerson("王强", "13700137003", "friend")
    customer = cn_customer(contact_person=person)
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    decision = run(customer, at, address=person.phone)
    assert codes(decision) == {"third_party_debtor_reachable"}
    assert decision.next_allowed_at is None
    tries = [call(at - timedelta(days=1, hours=h), "NA") for h in range(6)]
    assert run(customer, at, tries, address=person.phone).allowed
    # a right-party contact in the window means reachable; voided and old events do not count
    reached = call(at - timedelta(days=2), "RPC_NC")
    assert not run(customer, at, [*tries, reached], address=person.phone).allowed
    voided = event(EventType.VOID, at, target_event_id=reached.id)
    old = call(at - timedelta(days=10), "RPC_NC")
    note = event(EventType.NOTE, at - timedelta(hours=1))
    assert run(customer, at, [*tries, reached, voided, old, note], address=person.phone).allowed
    # a customer with no phone at all cannot be reached
    no_phone = make_customer("CN", phones=[], contact_person=person)
    assert run(no_phone, at, address=person.phone).allowed


def test_contact_person_never_and_strangers() -> None:
    person = ContactPerson("Bob", "+44 7700 900303")
    customer = make_customer("UK", contact_person=person)
    at = local(LONDON, 2026, 5, 6, 10, 0)
    never = replace(pack_for(customer), third_party=replace(pack_for(customer).third_party))
    never = replace(never, third_party=type(never.third_party)("never"))
    assert codes(run(customer, at, address=person.phone, pack=never)) == {"third_party_not_allowed"}
    stranger = run(customer, at, address="+44 7700 900999")
    assert codes(stranger) == {"no_usable_address"}
    assert "…0999" in stranger.reasons[0].text_en
    # a contact person is for calls and texts, not e-mail
    assert codes(run(customer, at, address=person.phone, channel=Channel.EMAIL)) == {
        "no_usable_address"
    }
    assert codes(run(make_customer("UK"), at, address=person.phone)) == {"no_usable_address"}


# --- packs, policy, overrides --------------------------------------------------------------------


def test_pack_for_by_id_or_jurisdiction_and_unknown_jurisdiction() -> None:
    assert pack_for(make_customer("US")).id == "us-regf"
    assert pack_for(make_customer("uk-conc")).id == "uk-conc"
    assert pack_for(make_customer("gb")).id == "uk-conc"
    assert pack_for(make_customer(" CN ")).id == "cn-nifa"
    pack = pack_for(make_customer("CN"))
    assert pack.name("zh") == "中国 — 互金协会 / 银行业协会催收指引"
    assert pack.name("en").startswith("China")
    assert pack.record_retention_years == 5
    assert pack_for(make_customer("US")).record_retention_years == 3
    assert pack_for(make_customer("UK")).record_retention_years is None
    assert pack.calling_hours(Channel.PHONE) == ("08:00", "22:00")
    assert pack.calling_hours(Channel.LETTER) is None
    stranger = make_customer("FR", tz="Europe/Paris")
    with pytest.raises(RulePackError, match="no rule pack for jurisdiction 'FR'"):
        pack_for(stranger)
    decision = run(stranger, datetime(2026, 5, 6, 10, tzinfo=UTC))
    assert codes(decision) == {"unknown_jurisdiction"}
    assert decision.next_allowed_at is None


def test_deciding_a_whole_book_matches_one_decision_at_a_time() -> None:
    # decide_many is the queue's path; its lanes, shapes and inline read must change nothing
    policy = default_policy()
    portfolio = generate_portfolio(400, seed=11, as_of=datetime(2026, 5, 6, tzinfo=UTC))
    customers = {c.id: c for c in portfolio.customers}
    histories: dict[str, list[Event]] = {a.id: [] for a in portfolio.accounts}
    for e in portfolio.events:
        histories[e.account_id].append(e)
    book = [(customers[a.customer_id], a, histories[a.id]) for a in portfolio.accounts]
    book.append((make_customer("FR", tz="Europe/Paris"), make_account(), []))  # no pack
    for at in (datetime(2026, 5, 6, 6, 30, tzinfo=UTC), datetime(2026, 5, 5, 15, tzinfo=UTC)):
        for channel in (Channel.PHONE, Channel.SMS, Channel.VISIT):
            expected = [policy.decide(c, a, channel, at, h) for c, a, h in book]
            assert policy.decide_many(book, channel, at) == expected
            assert expected[-1].codes == ("unknown_jurisdiction",)
    assert {d.allowed for d in expected} == {True, False}  # both kinds were compared
    with pytest.raises(ValueError, match="aware"):
        policy.decide_many(book, Channel.PHONE, datetime(2026, 5, 6, 10))


def test_the_baseline_is_the_decision_of_a_customer_with_nothing_but_calling_hours() -> None:
    policy = default_policy()
    seen = []
    # 07:59 and noon on the day New York springs forward
    for at in (local(NEW_YORK, 2026, 3, 8, 7, 59), local(NEW_YORK, 2026, 3, 8, 12, 0)):
        full = policy.decide(make_customer("US"), make_account(), Channel.PHONE, at, [])
        baseline = policy.baseline("US", "America/New_York", Channel.PHONE, at)
        assert baseline._replace(address=full.address) == full
        seen.append(baseline.allowed)
    assert seen == [False, True]
    # the longest counting window: Reg F's and the UK's 7 days for calls; none for letters
    assert policy.horizon_days(Channel.PHONE) == 7
    assert policy.horizon_days(Channel.LETTER) == 0
    unknown = policy.baseline("FR", "Europe/Paris", Channel.PHONE, at)
    assert unknown.codes == ("unknown_jurisdiction",)
    assert unknown.next_allowed_at is None
    with pytest.raises(ValueError, match="aware"):
        policy.baseline("US", "America/New_York", Channel.PHONE, datetime(2026, 5, 6, 10))


def test_decide_needs_an_aware_instant_and_a_real_timezone() -> None:
    with pytest.raises(ValueError, match="aware"):
        run(make_customer("US"), datetime(2026, 5, 6, 10))
    with pytest.raises(RulePackError, match="Mars/Olympus"):
        run(make_customer("US", tz="Mars/Olympus"), datetime(2026, 5, 6, 10, tzinfo=UTC))


def test_policy_rejects_two_packs_for_one_jurisdiction() -> None:
    us = pack_for(make_customer("US"))
    clone = replace(us, id="us-clone")
    with pytest.raises(RulePackError, match="'US' is already served by pack 'us-regf'"):
        ContactPolicy([us, clone])


def test_policy_with_its_own_catalogue_and_caches() -> None:
    base = list(default_catalogue())
    softer = [
        replace(d, counts_as_attempt=False) if d.code == "NA" else d for d in base
    ]  # e.g. a catalogue where "no answer" is not an attempt
    catalogue = DispositionCatalogue(softer, version=99)
    policy = ContactPolicy(default_policy().packs.values(), catalogue=catalogue)
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(at - timedelta(hours=h + 1)) for h in range(7)]
    assert policy.decide(customer, make_account(), Channel.PHONE, at, history).allowed
    assert not policy.decide(
        customer, make_account(), Channel.PHONE, at, history, catalogue=default_catalogue()
    ).allowed
    # many distinct instants: the per-instant cache stays bounded
    for minute in range(clock_module.CACHE_LIMIT + 5):
        policy.decide(customer, make_account(), Channel.PHONE, at + timedelta(minutes=minute), [])
    assert len(policy._clocks) <= clock_module.CACHE_LIMIT


def test_catalogue_entries_only_used_for_counting_are_respected() -> None:
    extra = Disposition("SILENT", "no_contact", "Silent", "无声", False, False, False, 0)
    catalogue = DispositionCatalogue([*default_catalogue(), extra], version=2)
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    history = [call(at - timedelta(hours=h + 1), "SILENT") for h in range(9)]
    assert run(make_customer("US"), at, history, catalogue=catalogue).allowed


def test_override_is_required_for_a_blocked_contact_and_audited() -> None:
    customer = make_customer("US")
    blocked = run(customer, local(NEW_YORK, 2026, 1, 14, 21, 1))
    with pytest.raises(OverrideRequiredError, match="outside_calling_hours"):
        require_override(blocked, None)
    with pytest.raises(OverrideRequiredError):
        require_override(blocked, "   ")
    payload = require_override(blocked, "  customer asked for a call back now  ")
    assert payload == {
        "override_reason": "customer asked for a call back now",
        "override_codes": ["outside_calling_hours"],
        "decided_at": blocked.decided_at.isoformat() if blocked.decided_at else None,
        "rule_pack": "us-regf",
    }
    logged = event(EventType.CONTACT_ATTEMPT, datetime.now(UTC), **payload)
    assert is_override(logged)
    allowed = run(customer, local(NEW_YORK, 2026, 1, 14, 10, 0))
    assert require_override(allowed, None) == {}
    assert not is_override(event(EventType.CONTACT_ATTEMPT, datetime.now(UTC)))
    undated = Decision(allowed=False, reasons=blocked.reasons, next_allowed_at=None)
    assert require_override(undated, "ok")["decided_at"] is None


def test_reason_text_picks_the_language() -> None:
    decision = run(make_customer("US"), local(NEW_YORK, 2026, 1, 14, 21, 1))
    reason = decision.reasons[0]
    assert reason.text("zh-CN") == reason.text_zh
    assert reason.text("en-US") == reason.text_en
    assert decision.blocking == decision.reasons


def test_wording_helpers() -> None:
    from workstation.compliance import texts

    numbers = (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)
    expected = ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th"]
    expected += ["21st", "22nd", "23rd", "101st", "111th"]
    assert [texts.ordinal_en(n) for n in numbers] == expected
    today = date(2026, 12, 30)
    assert texts.day_text(date(2026, 12, 29), today) == ("yesterday", "昨天")
    assert texts.day_text(date(2027, 1, 12), today) == ("Tue 12 Jan 2027", "2027年1月12日（周二）")
    assert texts.mask_email("not-an-email") == "…mail"


def test_complaint_about_visits_at_home_blocks_that_address() -> None:
    customer = make_customer(
        "CN",
        addresses=[Address("h1", "88 Nanjing Rd", "Shanghai"), Address("w1", "1 Bund", "Shanghai")],
    )
    at = local(SHANGHAI, 2026, 5, 6, 10, 0)
    complaint = event(EventType.COMPLAINT, at - timedelta(hours=1), blocked_address="h1")
    home = run(customer, at, [complaint], channel=Channel.VISIT, address="h1")
    assert codes(home) == {"address_blocked_by_complaint"}
    assert "88 Nanjing Rd, Shanghai" in home.reasons[0].text_en
    assert run(customer, at, [complaint], channel=Channel.VISIT).address == "w1"


def test_a_cap_that_clears_inside_calling_hours_clears_at_that_moment() -> None:
    # a pack whose hours start at midnight: the cap's midnight expiry needs no shift
    pack = pack_for(make_customer("CN"))
    all_day = replace(pack, hours={Channel.PHONE: (0, 22 * 60)})
    customer = cn_customer()
    at = local(SHANGHAI, 2026, 5, 6, 16, 0)
    history = [call(local(SHANGHAI, 2026, 5, 6, 9, m), "RPC_NC") for m in range(3)]
    decision = run(customer, at, history, pack=all_day)
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 5, 7, 0, 0)
    assert "tomorrow 00:00" in decision.reasons[0].text_en


def test_notes_and_other_events_change_nothing() -> None:
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    note = event(EventType.NOTE, at - timedelta(hours=1), text="left a message with reception")
    assert run(customer, at, [note]).allowed
    assert run(customer, at, [note], channel=Channel.VISIT).allowed


def test_a_hold_outside_calling_hours_names_both() -> None:
    customer = make_customer("UK", flags=[CustomerFlag.VULNERABILITY_REVIEW])
    history = [call(local(LONDON, 2026, 5, d, 10, 0)) for d in (1, 4, 5)]
    decision = run(customer, local(LONDON, 2026, 5, 6, 22, 0), history)
    assert decision.codes == ("outside_calling_hours", "hold_vulnerable_review")
    assert decision.next_allowed_at is None


def test_caps_count_only_their_own_window_on_the_full_path() -> None:
    # an address is asked for, so the full evaluation runs; older calls count for the
    # weekly cap but not for today's
    customer = make_customer("UK")
    at = local(LONDON, 2026, 5, 6, 16, 0)
    history = [call(local(LONDON, 2026, 5, 4, 9 + h, 0)) for h in range(3)]
    assert run(customer, at, history, address="p1").allowed
    history += [call(local(LONDON, 2026, 5, 6, 9 + h, 0)) for h in range(3)]
    decision = run(customer, at, history, address="p1")
    assert decision.codes == ("daily_attempt_cap",)
    assert decision.reasons[0].text_en.startswith("4th call today (limit 3 a day)")


def test_unknown_jurisdiction_with_an_explicit_catalogue() -> None:
    stranger = make_customer("FR", tz="Europe/Paris")
    decision = run(stranger, datetime(2026, 5, 6, 10, tzinfo=UTC), catalogue=default_catalogue())
    assert decision.codes == ("unknown_jurisdiction",)
    # an explicit catalogue compiles the pack once and reuses it
    policy = ContactPolicy()
    at = local(NEW_YORK, 2026, 5, 6, 10, 0)
    for _ in range(2):
        assert policy.decide(
            make_customer("US"),
            make_account(),
            Channel.PHONE,
            at,
            [],
            catalogue=default_catalogue(),
        ).allowed
    assert len(policy._plans) == 1


def test_small_caches_still_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "CACHE_LIMIT", 1)
    policy = ContactPolicy()
    customer = make_customer("US")
    at = local(NEW_YORK, 2026, 3, 14, 12, 0)
    verdicts = []
    for days in range(3):
        history = [call(at - timedelta(days=days, hours=h + 1)) for h in range(7)]
        verdicts.append(
            policy.decide(customer, make_account(), Channel.PHONE, at, history).next_allowed_at
        )
    assert verdicts == [
        local(NEW_YORK, 2026, 3, 21, 8, 0),
        local(NEW_YORK, 2026, 3, 20, 8, 0),
        local(NEW_YORK, 2026, 3, 19, 8, 0),
    ]
    # holds that end on different days are worded apart, whatever the cache keeps
    spaced = make_customer("UK", flags={CustomerFlag.BREATHING_SPACE})
    ends = [
        policy.decide(
            spaced,
            make_account(),
            Channel.PHONE,
            at,
            [event(EventType.FLAG_CHANGE, at - timedelta(days=days), flag="breathing_space")],
        ).next_allowed_at
        for days in (1, 2, 1)
    ]
    assert ends[0] == ends[2] != ends[1]
    assert ends[0] is not None
    assert ends[1] is not None
    assert ends[0] - ends[1] == timedelta(days=1)


def test_a_wrong_number_is_passed_over_and_blocks_when_it_is_the_only_one() -> None:
    """Deterministic cover of the wrong-number block (the coverage gate leant on a property
    test happening to draw one)."""
    at = local(NEW_YORK, 2026, 5, 6, 12, 0)
    wrong = Phone("p1", "+1 212 555 0101", PhoneType.MOBILE, invalid=True)
    work = Phone("p2", "+1 212 555 0202", PhoneType.WORK)
    other = run(make_customer("US", phones=[wrong, work]), at)
    assert other.allowed
    assert other.address == "p2"
    alone = run(make_customer("US", phones=[wrong]), at)
    assert codes(alone) == {"number_invalid"}
    assert alone.next_allowed_at is None
    assert "0101" in alone.reasons[0].text_en
    assert "错号" in alone.reasons[0].text_zh
    texted = run(make_customer("US", phones=[wrong, work]), at, channel=Channel.SMS, address="p1")
    assert "number_invalid" in codes(texted)


def test_the_flags_that_hold_a_channel_come_from_the_pack() -> None:
    # the desk's history-free queue pre-check blocks on exactly these (no list of its own)
    policy = ContactPolicy()
    uk = policy.holding_flags(" uk ", Channel.PHONE)
    pack = policy.pack_for(make_customer("UK"))
    assert uk == {
        hold.flag.value for hold in pack.holds if hold.flag and Channel.PHONE in hold.channels
    }
    assert "breathing_space" in uk
    assert "vulnerability_review" in uk
    assert policy.holding_flags(" uk ", Channel.PHONE) is uk  # worked out once
    assert policy.holding_flags("Atlantis", Channel.PHONE) is None
