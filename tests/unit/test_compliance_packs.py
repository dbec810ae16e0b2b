"""Rule packs load strictly: a typo is rejected with the file and the key, never half-loaded."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workstation.compliance import RulePackError, load_pack, load_packs
from workstation.compliance.packs import DisputeRules, Extension, Period, parse_pack
from workstation.domain.enums import Channel, CustomerFlag, Direction
from workstation.resources import resource_dir, resource_path

US = Path("us-regf.toml")


def us_data() -> dict[str, Any]:
    return tomllib.loads(resource_path("rules", "us-regf.toml").read_text(encoding="utf-8"))


def test_the_shipped_packs_load_with_the_numbers_of_design_section_6() -> None:
    packs = load_packs(resource_dir("rules"))
    assert set(packs) == {"us-regf", "uk-conc", "cn-nifa"}
    us, uk, cn = packs["us-regf"], packs["uk-conc"], packs["cn-nifa"]
    assert us.calling_hours(Channel.PHONE) == ("08:00", "21:00")
    assert us.calling_hours(Channel.VISIT) == ("08:00", "21:00")
    assert uk.calling_hours(Channel.PHONE) == ("08:00", "21:00")
    assert cn.calling_hours(Channel.PHONE) == ("08:00", "22:00")
    cap, quiet = us.limits
    assert (cap.code, cap.max, cap.window_days, cap.scope) == ("attempt_cap_7_in_7", 7, 7, "debt")
    assert (quiet.code, quiet.kind, quiet.window_days) == ("quiet_after_conversation", "quiet", 7)
    assert quiet.directions == {Direction.INBOUND, Direction.OUTBOUND}
    connected, unanswered = cn.limits
    assert (connected.counts, connected.max, connected.window_days) == ("connected", 3, 1)
    assert (unanswered.counts, unanswered.scope, unanswered.max) == ("unanswered", "number", 6)
    breathing = next(h for h in uk.holds if h.code == "hold_breathing_space")
    assert breathing.flag == CustomerFlag.BREATHING_SPACE
    assert breathing.duration_days == 60
    assert {h.code for h in us.holds} >= {
        "hold_cease_communication",
        "hold_dispute",
        "hold_bankrupt",
        "hold_deceased",
    }
    assert {h.code for h in uk.holds} >= {"hold_vulnerable_review", "hold_complaint"}
    assert {h.code for h in cn.holds} >= {"hold_complaint", "hold_dispute"}
    assert us.opt_out_required
    assert not uk.opt_out_required
    assert not cn.opt_out_required
    assert (us.record_retention_years, uk.record_retention_years) == (3, None)
    assert cn.record_retention_years == 5
    assert us.third_party.contact_person == "location_only"
    assert cn.third_party.contact_person == "when_unreachable"
    assert us.source is not None
    assert us.source.name == "us-regf.toml"


def test_a_minimal_pack_takes_defaults() -> None:
    pack = parse_pack(
        {
            "schema": 1,
            "id": "xx-min",
            "jurisdictions": ["XX"],
            "name_en": "Minimal",
            "name_zh": "最简",
        },
        Path("xx-min.toml"),
    )
    assert pack.hours == {}
    assert pack.limits == ()
    assert pack.holds == ()
    assert pack.opt_out_text_en == ""
    assert not pack.requires_opt_out(Channel.SMS)
    assert pack.third_party.contact_person == "never"
    assert pack.consent_required == frozenset()
    assert pack.complaints is None
    assert pack.disputes is None
    assert pack.vulnerability_review is None
    assert pack.calendar.weekend == {6, 7}
    assert pack.calendar.holidays == frozenset()


def test_the_workflow_sections_take_defaults() -> None:
    pack = parse_pack(
        {
            "schema": 1,
            "id": "xx-min",
            "jurisdictions": ["XX"],
            "name_en": "Minimal",
            "name_zh": "最简",
            "calendar": {},
            "complaints": {"final": {"days": 30}},
            "disputes": {},
        },
        Path("xx-min.toml"),
    )
    assert pack.calendar.weekend == {6, 7}
    assert pack.complaints is not None
    assert pack.complaints.final == Period(30, "calendar")
    assert pack.complaints.acknowledge is None
    assert pack.complaints.extensions == ()
    assert pack.complaints.root_cause_required
    assert pack.disputes == DisputeRules(validation_notice=False, resume_after=None)


def test_the_shipped_packs_hold_the_complaint_deadlines_of_issue_15() -> None:
    packs = load_packs(resource_dir("rules"))
    cn, uk, us = packs["cn-nifa"], packs["uk-conc"], packs["us-regf"]
    assert cn.complaints is not None
    assert cn.complaints.final == Period(15, "calendar")
    assert cn.complaints.extensions == (Extension(15, False), Extension(30, True))
    assert uk.complaints is not None
    assert uk.complaints.summary == Period(3, "business")
    assert uk.complaints.final == Period(56, "calendar")
    assert uk.complaints.extensions == ()
    assert date(2027, 12, 27) in uk.calendar.holidays  # Christmas, substitute day
    assert us.complaints is not None
    assert us.complaints.acknowledge == Period(15, "calendar")
    assert us.complaints.final == Period(60, "calendar")
    assert us.disputes == DisputeRules(True, Period(30, "calendar"))
    assert cn.disputes == DisputeRules(False, None)
    assert {p.vulnerability_review for p in (cn, uk, us)} == {Period(5, "business")}


Mutation = Callable[[dict[str, Any]], object]


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


_DELETE = object()

CASES: list[tuple[str, Mutation, str]] = [
    ("unknown top key", _set("extra", 1), "top level: unknown key(s) ['extra']"),
    ("schema", _set("schema", 2), "'schema': must be 1, got 2"),
    ("id mismatch", _set("id", "us-other"), "'id': must match the file name 'us-regf'"),
    ("id blank", _set("id", " "), "'id': must be a non-empty string"),
    ("jurisdictions type", _set("jurisdictions", "US"), "'jurisdictions': must be a list"),
    ("jurisdictions empty", _set("jurisdictions", []), "'jurisdictions': must list at least"),
    ("name missing", _set("name_zh", _DELETE), "'name_zh': must be a non-empty string"),
    ("retention", _set("record_retention_years", -1), "'record_retention_years': must be a whole"),
    ("retention bool", _set("record_retention_years", True), "'record_retention_years'"),
    ("hours table", _set("hours", "08-21"), "'hours': must be a table"),
    ("hours channel", _set("hours/fax", ["08:00", "21:00"]), "'hours': unknown key(s) ['fax']"),
    ("hours shape", _set("hours/phone", "08:00-21:00"), "'hours.phone': must be [\"HH:MM\""),
    ("hours pair", _set("hours/phone", ["08:00"]), "'hours.phone': must be [\"HH:MM\""),
    ("hours clock", _set("hours/phone", ["8:00", "21:00"]), "'8:00' is not a 24-hour HH:MM"),
    ("hours number", _set("hours/phone", [8, 21]), "8 is not a 24-hour HH:MM time"),
    ("hours 24:00", _set("hours/phone", ["08:00", "24:00"]), "'24:00' is not a 24-hour"),
    ("hours order", _set("hours/sms", ["21:00", "08:00"]), "'hours.sms': the start must be before"),
    ("opt-out flag", _set("electronic/opt_out_required", "yes"), "'electronic.opt_out_required'"),
    (
        "opt-out text",
        _set("electronic/opt_out_text_zh", ""),
        "'electronic.opt_out_text_zh': must be a non-empty string",
    ),
    ("opt-out channels", _set("electronic/channels", []), "'electronic.channels': must name"),
    ("opt-out channel", _set("electronic/channels", ["fax"]), "channels must be among phone"),
    ("electronic key", _set("electronic/footer", "x"), "'electronic': unknown key(s) ['footer']"),
    ("consent", _set("consent/required", "sms"), "'consent.required': must be a list of strings"),
    (
        "consent list",
        _set("consent/required", [1]),
        "'consent.required': must be a list of strings",
    ),
    (
        "third party",
        _set("third_party/contact_person", "always"),
        "'third_party.contact_person': must be one of never, location_only, when_unreachable",
    ),
    (
        "third party extra",
        _set("third_party/unreachable_window_days", 3),
        "'third_party.unreachable_window_days': only applies to contact_person = 'when_",
    ),
    (
        "unreachable needs numbers",
        _set("third_party/contact_person", "when_unreachable"),
        "'third_party.unreachable_after_attempts': must be a whole number 1-100",
    ),
    ("limits array", _set("limit", {"code": "x"}), "'limit': must be an array of tables"),
    ("holds array", _set("hold", "x"), "'hold': must be an array of tables"),
    ("limit table", _set("limit/0", "cap"), "'limit[1]': must be a table"),
    ("limit key", _set("limit/0/per", "debt"), "'limit[1]': unknown key(s) ['per']"),
    ("limit code", _set("limit/0/code", "Attempt-Cap"), "'limit[1].code': must be lower_snake"),
    ("limit code type", _set("limit/0/code", 7), "'limit[1].code': must be a non-empty string"),
    ("limit kind", _set("limit/0/kind", "max"), "'limit[1] (attempt_cap_7_in_7).kind': must be"),
    ("limit counts", _set("limit/0/counts", "calls"), "(attempt_cap_7_in_7).counts': must be one"),
    ("limit scope", _set("limit/0/scope", "team"), "(attempt_cap_7_in_7).scope': must be one of"),
    (
        "limit max",
        _set("limit/0/max", 0),
        "(attempt_cap_7_in_7).max': must be a whole number 1-1000",
    ),
    ("limit no max", _set("limit/0/max", _DELETE), "(attempt_cap_7_in_7).max': must be a whole"),
    ("limit max bool", _set("limit/0/max", True), "(attempt_cap_7_in_7).max'"),
    ("limit window", _set("limit/0/window_days", 0), "(attempt_cap_7_in_7).window_days'"),
    ("limit channels", _set("limit/0/channels", []), "(attempt_cap_7_in_7).channels': must name"),
    ("limit channel", _set("limit/0/channels", ["fax"]), "channels must be among"),
    ("limit direction", _set("limit/0/directions", ["out"]), ".directions': must be among inbound"),
    ("quiet max", _set("limit/1/max", 1), "(quiet_after_conversation).max': a quiet period has no"),
    ("hold table", _set("hold/0", 1), "'hold[1]': must be a table"),
    ("hold key", _set("hold/0/until", "x"), "'hold[1]': unknown key(s) ['until']"),
    ("hold both", _set("hold/0/event", "dispute"), "'hold[1] (hold_cease_communication).flag'"),
    ("hold neither", _set("hold/0/flag", _DELETE), "give exactly one of 'flag' or 'event'"),
    ("hold flag", _set("hold/0/flag", "rich"), "(hold_cease_communication).flag': must be one of"),
    ("hold event", _set("hold/1/event", "promise"), "(hold_dispute).event': must be one of"),
    ("hold event duration", _set("hold/1/duration_days", 5), "only a flag hold can have a"),
    ("hold duration", _set("hold/0/duration_days", 0), "(hold_cease_communication).duration_days"),
    ("hold channels", _set("hold/0/channels", []), "(hold_cease_communication).channels': must"),
    ("hold label", _set("hold/0/label_zh", _DELETE), "(hold_cease_communication).label_zh'"),
    ("duplicate", _set("hold/1/code", "attempt_cap_7_in_7"), "duplicate rule code"),
    ("calendar table", _set("calendar", 5), "'calendar': must be a table"),
    ("calendar key", _set("calendar/days", []), "'calendar': unknown key(s) ['days']"),
    ("weekend day", _set("calendar/weekend", ["sunday"]), "'calendar.weekend': days must be"),
    (
        "weekend all week",
        _set("calendar/weekend", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        "'calendar.weekend': must leave at least one business day",
    ),
    ("holidays text", _set("calendar/holidays", ["2027-01-01"]), "'calendar.holidays': must be"),
    ("holidays type", _set("calendar/holidays", "none"), "'calendar.holidays': must be a list"),
    ("complaints table", _set("complaints", []), "'complaints': must be a table"),
    ("complaints key", _set("complaints/sla", 1), "'complaints': unknown key(s) ['sla']"),
    ("complaints final", _set("complaints/final", _DELETE), "'complaints.final': is required"),
    ("final days", _set("complaints/final/days", 0), "'complaints.final.days': must be a whole"),
    ("final count", _set("complaints/final/count", "weeks"), "'complaints.final.count': must be"),
    ("final key", _set("complaints/final/weeks", 8), "'complaints.final': unknown key(s)"),
    ("ack table", _set("complaints/acknowledge", 3), "'complaints.acknowledge': must be a"),
    ("root cause", _set("complaints/root_cause_required", "yes"), "root_cause_required'"),
    ("extensions", _set("complaints/extensions", {}), "'complaints.extensions': must be an"),
    (
        "extension key",
        _set("complaints/extensions", [{"days": 15, "approver": True}]),
        "'complaints.extensions[1]': unknown key(s) ['approver']",
    ),
    (
        "extension days",
        _set("complaints/extensions", [{"days": -1}]),
        "'complaints.extensions[1].days': must be a whole number",
    ),
    (
        "extension approval",
        _set("complaints/extensions", [{"days": 5, "approval": "yes"}]),
        "'complaints.extensions[1].approval': must be true or false",
    ),
    ("disputes table", _set("disputes", 1), "'disputes': must be a table"),
    ("disputes key", _set("disputes/wait", 1), "'disputes': unknown key(s) ['wait']"),
    ("notice", _set("disputes/validation_notice", 1), "'disputes.validation_notice': must be"),
    (
        "resume without notice",
        _set("disputes/validation_notice", False),
        "'disputes.resume_after': only applies with validation_notice = true",
    ),
    ("resume days", _set("disputes/resume_after/days", 0), "'disputes.resume_after.days'"),
    ("reviews table", _set("reviews", []), "'reviews': must be a table"),
    ("reviews key", _set("reviews/hardship", {}), "'reviews': unknown key(s) ['hardship']"),
    ("review days", _set("reviews/vulnerability/days", 0), "'reviews.vulnerability.days'"),
]


@pytest.mark.parametrize(("mutate", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_malformed_pack_is_rejected_naming_the_file_and_the_key(
    mutate: Mutation, message: str
) -> None:
    data = copy.deepcopy(us_data())
    mutate(data)
    with pytest.raises(RulePackError) as caught:
        parse_pack(data, US)
    assert str(caught.value).startswith("us-regf.toml: ")
    assert message in str(caught.value)


def test_not_a_table_at_all() -> None:
    with pytest.raises(RulePackError, match=r"us-regf.toml: top level: must be a table"):
        parse_pack([], US)


def test_files_that_are_not_toml_or_missing_and_empty_folders(tmp_path: Path) -> None:
    broken = tmp_path / "xx-broken.toml"
    broken.write_text("schema = = 1\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"xx-broken.toml: not valid TOML"):
        load_pack(broken)
    with pytest.raises(RulePackError, match=r"xx-missing.toml: cannot be read"):
        load_pack(tmp_path / "xx-missing.toml")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RulePackError, match=r"no rule packs"):
        load_packs(empty)
    # a folder with one bad pack fails as a whole
    with pytest.raises(RulePackError, match=r"xx-broken\.toml"):
        load_packs(tmp_path)


def test_a_pack_file_round_trips(tmp_path: Path) -> None:
    source = resource_path("rules", "cn-nifa.toml")
    copy_path = tmp_path / "cn-nifa.toml"
    copy_path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_pack(copy_path).limits == load_pack(source).limits
