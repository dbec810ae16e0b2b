"""The contract (workstation.contract): one typed definition of what travels, its codec and
the effects table. The server and the desk use these; here they are checked on their own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from workstation.contract import ContractError, decode, effects, encode, json_schema, normalise
from workstation.contract.contacts import CUSTOMER_FIELDS, PATCHABLE
from workstation.contract.events import (
    PAYLOADS,
    ContactAttemptPayload,
    PlanAgreementPayload,
    PromisePayload,
    VisitPayload,
)
from workstation.contract.mutations import Push
from workstation.demo import generate_portfolio
from workstation.domain.dispositions import default_catalogue
from workstation.domain.enums import AccountStatus, Channel, CustomerFlag, EventType
from workstation.domain.model import Customer, Email, Event, Phone

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _promise(**extra: Any) -> dict[str, Any]:
    return {"amount": "120.50", "currency": "CNY", "due_date": "2026-06-20", **extra}


# --- the codec ---------------------------------------------------------------------------------


def test_a_payload_decodes_to_its_type_and_encodes_back_to_the_same_wire_form() -> None:
    value = decode(PromisePayload, _promise(attempt_id="a-1"), now=NOW)
    assert value.amount == Decimal("120.50")
    assert value.due_date == date(2026, 6, 20)
    assert encode(value) == _promise(attempt_id="a-1")  # None fields are left out


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (_promise(junk="x" * 900_000), "unknown field"),
        (_promise(amount=120.5), "decimal string"),
        (_promise(amount="120.505"), "more decimals than CNY"),
        (_promise(amount="-5.00"), "must be positive"),
        (_promise(currency="XXX"), "not a supported currency"),
        (_promise(due_date="9999-12-31"), "between 1900-01-01 and 2199-12-31"),
        (_promise(due_date="2031-01-01"), "must lie between"),  # beyond the year's horizon
        (_promise(due_date="2026-13-01"), "ISO date"),
        (_promise(status="kaput"), "must be one of"),
        ({"amount": "1.00", "currency": "CNY"}, "due_date' is required"),
        (_promise(attempt_id="x" * 65), "longer than 64"),
        (_promise(attempt_id="a\x00b"), "NUL"),
    ],
)
def test_what_does_not_fit_is_refused_with_the_field_named(
    payload: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ContractError) as caught:
        decode(PromisePayload, payload, now=NOW, path="payload")
    assert problem in str(caught.value)
    assert str(caught.value).startswith("'payload")


def test_windows_apply_only_against_the_servers_clock() -> None:
    far = _promise(due_date="2031-01-01")
    assert decode(PromisePayload, far).due_date == date(2031, 1, 1)  # reading stored data
    with pytest.raises(ContractError):
        decode(PromisePayload, far, now=NOW)  # a device pushing it now


@pytest.mark.parametrize(
    "instant",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-06-01T12:00:00"],
)
def test_instants_out_of_range_or_without_offset_are_contract_errors_not_crashes(
    instant: str,
) -> None:
    attempt = {"channel": "phone", "disposition": "CB", "callback_at": instant}
    with pytest.raises(ContractError):
        decode(ContactAttemptPayload, attempt)


def test_instants_are_read_as_utc_and_written_with_the_offset() -> None:
    attempt = decode(
        ContactAttemptPayload,
        {"channel": "phone", "disposition": "CB", "callback_at": "2026-06-02T09:00:00+08:00"},
        now=NOW,
    )
    assert attempt.callback_at == datetime(2026, 6, 2, 1, tzinfo=UTC)
    assert encode(attempt)["callback_at"] == "2026-06-02T01:00:00+00:00"


def test_a_schedule_line_takes_its_plans_currency() -> None:
    plan = {
        "instalments": 1,
        "instalment_amount": "100",
        "currency": "JPY",
        "first_due": "2026-07-01",
        "schedule": [{"n": 1, "due_on": "2026-07-01", "amount": "100.5"}],
    }
    with pytest.raises(ContractError, match=r"schedule\[0\]\.amount' has more decimals"):
        decode(PlanAgreementPayload, plan, now=NOW)
    plan["schedule"] = [{"n": 1, "due_on": "2026-07-01", "amount": "100"}]
    assert normalise(PlanAgreementPayload, plan, now=NOW) == plan


def test_unknown_disposition_codes_are_refused() -> None:
    with pytest.raises(ContractError, match="not a disposition code"):
        decode(ContactAttemptPayload, {"channel": "phone", "disposition": "TELEPORTED"})


def test_a_patch_carries_only_patchable_fields_and_name_is_not_one() -> None:
    assert "name" not in CUSTOMER_FIELDS
    assert CUSTOMER_FIELDS == ("name_alt", "language", "timezone", "contact_person")
    assert "invalid" in PATCHABLE["phone"]
    push = {
        "client_id": "dev-1",
        "mutations": [
            {
                "mutation_id": "m-1",
                "client_seq": 1,
                "type": "contact.patch",
                "payload": {"customer_id": "c-1", "kind": "customer", "fields": {"name": "X"}},
                "base_version": 1,
            }
        ],
    }
    with pytest.raises(ContractError, match="'name' cannot be patched") as caught:
        decode(Push, push)
    assert caught.value.path == "mutations[0].payload.fields"
    push["mutations"][0]["payload"]["fields"] = {"timezone": "Mars/Olympus"}
    with pytest.raises(ContractError, match="IANA"):
        decode(Push, push)


def test_the_json_schema_is_one_variant_per_event_type_and_refuses_other_keys() -> None:
    schema = json_schema(Push)
    mutation = schema["properties"]["mutations"]["items"]
    event_create = next(v for v in mutation["oneOf"] if v["title"] == "Mutation[event.create]")
    variants = event_create["properties"]["payload"]["oneOf"]
    assert {v["properties"]["type"]["const"] for v in variants} == {t.value for t in EventType}
    promise = next(v for v in variants if v["properties"]["type"]["const"] == "promise")
    body = promise["properties"]["payload"]
    assert body["additionalProperties"] is False
    assert body["required"] == ["amount", "currency", "due_date"]


# --- every payload a writer makes fits ----------------------------------------------------------


def test_every_event_the_demo_generator_writes_fits_the_contract_exactly() -> None:
    portfolio = generate_portfolio(300, seed=7)
    seen: set[EventType] = set()
    for event in portfolio.events:
        cls = PAYLOADS[event.type]
        assert normalise(cls, event.payload) == event.payload, (event.type, event.payload)
        seen.add(event.type)
    assert len(seen) >= 9


# --- the effects table ----------------------------------------------------------------------------


class _Account:
    def __init__(self, status: str) -> None:
        self.status = status


def _customer(flags: frozenset[CustomerFlag] = frozenset()) -> Customer:
    return Customer(
        id="c",
        name="N",
        timezone="Asia/Shanghai",
        jurisdiction="CN",
        flags=flags,
        phones=[Phone("p1", "+86 138 0000 0001"), Phone("p2", "+86 138 0000 0002")],
        emails=[Email("e1", "a@example.com")],
    )


def _attempt(code: str, channel: str = "phone", address: str | None = "p1") -> Event:
    payload: dict[str, Any] = {"channel": channel, "disposition": code}
    if address:
        payload["address_used"] = address
    return Event("e", EventType.CONTACT_ATTEMPT, "a", "c", NOW, "agent", payload)


# the table of DESIGN §10, written out by hand: code → (flags set, status, opted out, invalid)
EXPECTED: dict[str, tuple[set[str], str | None, set[str], set[str]]] = {
    "DISC": (set(), None, set(), {"p1"}),
    "WRONG": (set(), None, set(), {"p1"}),
    "PTP": (set(), None, set(), set()),
    "PLAN": (set(), None, set(), set()),
    "PAID": (set(), None, set(), set()),
    "SETTLE": (set(), None, set(), set()),
    "CB": (set(), None, set(), set()),
    "DISPUTE": (set(), "dispute", set(), set()),
    "HARDSHIP": ({"hardship"}, None, set(), set()),
    "VULN": ({"vulnerable", "vulnerability_review"}, None, set(), set()),
    "BANKRUPT": ({"bankrupt"}, "hold", set(), set()),
    "DECEASED": ({"deceased"}, "hold", set(), set()),
    "FRAUD": ({"fraud_review"}, "hold", set(), set()),
    "CEASE": ({"cease_communication"}, None, set(), set()),
    "OPTOUT": (set(), None, {"p1"}, set()),
    "COMPLAINT": (set(), None, set(), set()),
    "MOVED": (set(), None, set(), set()),
    "ABUSIVE": (set(), None, set(), set()),
}


def test_the_table_covers_every_disposition_that_sets_something() -> None:
    assert {d.code for d in default_catalogue() if d.sets} == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_dispositions_effects(code: str) -> None:
    flags, status, opted, invalid = EXPECTED[code]
    fx = effects(_attempt(code), _Account("open"), _customer())
    assert {f.value for f in fx.set_flags} == flags
    assert (fx.status.value if fx.status else None) == status
    assert set(fx.opt_out) == opted
    assert set(fx.invalid) == invalid


def test_effects_are_only_real_changes_and_respect_closed_accounts() -> None:
    cease = _attempt("CEASE")
    assert not effects(
        cease, _Account("open"), _customer(frozenset({CustomerFlag.CEASE_COMMUNICATION}))
    )
    assert effects(_attempt("VULN"), _Account("paid"), _customer()).status is None
    # a dispute keeps its status when a hold comes on top
    assert effects(_attempt("VULN"), _Account("dispute"), _customer()).status is None
    assert (
        effects(_attempt("DISPUTE"), _Account("hold"), _customer()).status is AccountStatus.DISPUTE
    )


def test_opt_out_by_number_or_of_the_whole_channel() -> None:
    by_number = _attempt("OPTOUT", "sms", "+86 138 0000 0002")
    assert effects(by_number, _Account("open"), _customer()).opt_out == ("p2",)
    unnamed = _attempt("OPTOUT", "email", None)
    assert effects(unnamed, _Account("open"), _customer()).opt_out == ("e1",)
    # a wrong number with no number named marks none (which one would it be?)
    assert effects(_attempt("WRONG", address=None), _Account("open"), _customer()).invalid == ()


def test_event_types_have_their_own_effects() -> None:
    def event(kind: EventType, payload: dict[str, Any]) -> Event:
        return Event("e", kind, "a", "c", NOW, "agent", payload)

    promise = event(EventType.PROMISE, _promise())
    assert effects(promise, _Account("open"), None).status is AccountStatus.PROMISE
    assert effects(promise, _Account("plan"), None).status is None
    plan = event(EventType.PLAN_AGREEMENT, {})
    assert effects(plan, _Account("promise"), None).status is AccountStatus.PLAN
    resolved = event(EventType.DISPUTE, {"reason": "x", "status": "resolved"})
    assert not effects(resolved, _Account("open"), None)
    lift = event(EventType.FLAG_CHANGE, {"flag": "cease_communication", "value": False})
    held = _customer(frozenset({CustomerFlag.CEASE_COMMUNICATION}))
    assert effects(lift, _Account("open"), held).clear_flags == {CustomerFlag.CEASE_COMMUNICATION}
    with pytest.raises(ValueError, match="need the customer"):
        effects(lift, _Account("open"), None)


def test_visits_carry_their_override_and_evidence() -> None:
    visit = {
        "address_id": "a1",
        "outcome": "met_debtor",
        "notes": "",
        "evidence": {"id_shown": True, "recording_on": False},
        "override_reason": "customer asked us in",
        "override_codes": ["outside_calling_hours"],
        "decided_at": (NOW - timedelta(minutes=1)).isoformat(),
        "rule_pack": "cn-nifa",
        "missing_evidence": ["recording_on"],
    }
    typed = decode(VisitPayload, visit, now=NOW)
    assert typed.override_reason == "customer asked us in"
    assert encode(typed) == visit


# --- a wrong number is not dialled (the engine reads the effect) ---------------------------------


def test_a_number_marked_invalid_is_skipped_and_when_none_is_left_the_call_is_blocked() -> None:
    from workstation.compliance import default_policy
    from workstation.compliance.engine import NUMBER_INVALID
    from workstation.domain.model import Account
    from workstation.domain.money import Money

    policy = default_policy()
    money = Money.of("1000", "USD")
    account = Account("a", "c", "card", "USD", money, money, money, 45)
    noon = datetime(2026, 3, 4, 17, tzinfo=UTC)  # 12:00 in New York, a Wednesday

    def customer(*invalid: bool) -> Customer:
        phones = [
            Phone(f"p{i}", f"+1 212 555 01{i:02d}", invalid=bad) for i, bad in enumerate(invalid)
        ]
        return Customer("c", "Ann", "America/New_York", "US", phones=phones, emails=[])

    first_wrong = policy.decide(customer(True, False), account, Channel.PHONE, noon, [])
    assert first_wrong.allowed
    assert first_wrong.address == "p1"  # the other number
    all_wrong = policy.decide(customer(True), account, Channel.PHONE, noon, [])
    assert not all_wrong.allowed
    assert NUMBER_INVALID in {r.code for r in all_wrong.blocking}
    asked = policy.decide(customer(True, False), account, Channel.SMS, noon, [], address="p0")
    assert NUMBER_INVALID in {r.code for r in asked.blocking}
    # the queue's whole-book path says the same
    book = [(customer(True, False), account, []), (customer(True), account, [])]
    many = policy.decide_many(book, Channel.PHONE, noon)
    assert many == [first_wrong, all_wrong]
