"""Rule packs: one TOML file per jurisdiction in ``resources/rules/``, validated strictly.

A pack is data so compliance staff can change a number or a label without a release; a
malformed pack is rejected at load with one error type (``RulePackError``) whose message
names the file and the key, never half-loaded.

Format (``schema = 1``)::

    schema = 1
    id = "us-regf"                      # must equal the file name's stem
    jurisdictions = ["US"]              # customer.jurisdiction values this pack serves
    name_en = "..."; name_zh = "..."    # display name in both languages
    record_retention_years = 3          # optional; omitted = no rule in this pack

    [hours]                             # customer's local time, [start, end)
    phone = ["08:00", "21:00"]          # a channel not listed has no time-of-day limit

    [electronic]                        # optional
    opt_out_required = true             # every message on `channels` carries opt-out wording
    channels = ["sms", "email"]
    opt_out_text_en = "..."; opt_out_text_zh = "..."

    [consent]                           # optional
    required = ["sms", "email"]         # channels needing consent on the phone/e-mail record

    [third_party]                       # optional; default contact_person = "never"
    contact_person = "never" | "location_only" | "when_unreachable"
    unreachable_after_attempts = 6      # when_unreachable: calls without a right-party
    unreachable_window_days = 3         #   contact within this many local days

    [[limit]]                           # counted in the customer's local days, rolling
    code = "attempt_cap_7_in_7"         # stable reason code
    kind = "cap" | "quiet"              # quiet = nothing after one counted event
    counts = "attempt" | "conversation" | "connected" | "unanswered"
    scope = "debt" | "customer" | "number"
    channels = ["phone"]                # history counted on, and channels blocked
    window_days = 7                     # today and the previous window_days - 1 days
    max = 7                             # cap only: the (max + 1)-th is blocked
    directions = ["outbound"]           # optional, default outbound

    [[hold]]
    code = "hold_cease_communication"
    flag = "cease_communication"        # a CustomerFlag, or
    event = "complaint" | "dispute"     # an open complaint/dispute in history
    duration_days = 60                  # optional, flag holds only: from the flag's start
    channels = ["phone", ...]
    label_en = "..."; label_zh = "..."

    [calendar]                          # optional: the customer's business days
    weekend = ["sat", "sun"]            # default: Saturday and Sunday
    holidays = [2027-01-01, ...]        # TOML dates; business-day deadlines skip them

    [complaints]                        # optional; deadlines from the day of receipt
    acknowledge = { days = 3, count = "business" }   # optional; count: calendar|business
    summary = { days = 3, count = "business" }       # optional: a summary resolution by then
    final = { days = 56, count = "calendar" }        # the final response
    root_cause_required = true          # default true
    extensions = [{ days = 15, approval = false }]   # in order; each once; default none

    [disputes]                          # optional
    validation_notice = true            # a validation notice is sent before collection resumes
    resume_after = { days = 30, count = "calendar" } # wait after the notice (needs the notice)

    [reviews]                           # optional: when the lead's reviews are due
    vulnerability = { days = 5, count = "business" } # from the day the customer is recorded

The workflows (``workstation.workflows``) read ``calendar``, ``complaints``, ``disputes``
and ``reviews``; the engine reads the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workstation.domain.enums import Channel, CustomerFlag, Direction
from workstation.errors import WorkstationError
from workstation.resources import read_data
from workstation.text import Text, is_chinese

SCHEMA = 1
LIMIT_KINDS = ("cap", "quiet")
COUNTS = ("attempt", "conversation", "connected", "unanswered")
SCOPES = ("debt", "customer", "number")
HOLD_EVENTS = ("complaint", "dispute")
CONTACT_PERSON_RULES = ("never", "location_only", "when_unreachable")
DAY_COUNTS = ("calendar", "business")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # isoweekday - 1

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_TOP_KEYS = frozenset(
    {
        "schema",
        "id",
        "jurisdictions",
        "name_en",
        "name_zh",
        "record_retention_years",
        "hours",
        "electronic",
        "consent",
        "third_party",
        "limit",
        "hold",
        "calendar",
        "complaints",
        "disputes",
        "reviews",
        "portal",
    }
)


class RulePackError(WorkstationError, ValueError):
    """A rule pack is malformed or missing; the message names the file and the key."""

    summary = Text("A contact rule file is not valid", "联系规则文件无效")


@dataclass(frozen=True, slots=True)
class Limit:
    """A counted rule: at most ``max`` counted events within ``window_days`` local days."""

    code: str
    kind: str
    counts: str
    scope: str
    channels: frozenset[Channel]
    window_days: int
    max: int  # a quiet period is a cap of 1: one counted event blocks the rest of the window
    directions: frozenset[Direction]


@dataclass(frozen=True, slots=True)
class Hold:
    code: str
    channels: frozenset[Channel]
    label_en: str
    label_zh: str
    flag: CustomerFlag | None = None
    event: str | None = None
    duration_days: int | None = None


@dataclass(frozen=True, slots=True)
class ThirdPartyRule:
    contact_person: str = "never"
    unreachable_after_attempts: int = 0
    unreachable_window_days: int = 1


@dataclass(frozen=True, slots=True)
class Period:
    """A number of days counted as calendar days or as the customer's business days."""

    days: int
    count: str = "calendar"  # one of DAY_COUNTS


@dataclass(frozen=True, slots=True)
class Extension:
    """One extension of a complaint's final deadline; ``approval``: it needs an approver."""

    days: int
    approval: bool = False


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    weekend: frozenset[int] = frozenset({6, 7})  # isoweekday numbers
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class ComplaintRules:
    final: Period
    acknowledge: Period | None = None
    summary: Period | None = None
    extensions: tuple[Extension, ...] = ()
    root_cause_required: bool = True


@dataclass(frozen=True, slots=True)
class DisputeRules:
    validation_notice: bool = False
    resume_after: Period | None = None


@dataclass(frozen=True, slots=True)
class PortalRules:
    """``[portal]``: the customer's self-service page (workstation/server/portal)."""

    link_days: int = 14  # how long a link in a message opens the portal
    survey: bool = False  # send a short survey link after a conversation
    survey_after_hours: int = 2  # how long after the conversation it goes out
    # at most one survey to a customer in this many days (0: after every conversation): a
    # customer called three times in a week about a promise is asked once how it went
    survey_every_days: int = 30


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    jurisdictions: tuple[str, ...]
    name_en: str
    name_zh: str
    record_retention_years: int | None
    hours: Mapping[Channel, tuple[int, int]]  # minutes after local midnight, [start, end)
    opt_out_required: bool
    opt_out_channels: frozenset[Channel]
    opt_out_text_en: str
    opt_out_text_zh: str
    consent_required: frozenset[Channel]
    third_party: ThirdPartyRule
    limits: tuple[Limit, ...]
    holds: tuple[Hold, ...]
    source: Path | None = None
    calendar: BusinessCalendar = BusinessCalendar()
    complaints: ComplaintRules | None = None
    disputes: DisputeRules | None = None
    vulnerability_review: Period | None = None  # [reviews] vulnerability
    portal: PortalRules = PortalRules()

    def name(self, language: str) -> str:
        return self.name_zh if is_chinese(language) else self.name_en

    def opt_out_text(self, language: str) -> str:
        """The opt-out wording a message in ``language`` must carry (see ``requires_opt_out``)."""
        return self.opt_out_text_zh if is_chinese(language) else self.opt_out_text_en

    def requires_opt_out(self, channel: Channel) -> bool:
        """True when every message on ``channel`` must carry the opt-out wording."""
        return self.opt_out_required and channel in self.opt_out_channels

    def calling_hours(self, channel: Channel) -> tuple[str, str] | None:
        """The channel's allowed local hours as ``("08:00", "21:00")``, or None if unlimited."""
        window = self.hours.get(channel)
        if window is None:
            return None
        return clock_text(window[0]), clock_text(window[1])


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Reader:
    """Typed access to one TOML table with errors that name the file and the key."""

    def __init__(self, path: Path, where: str, table: Any, known: frozenset[str]) -> None:
        self.path = path
        self.where = where
        if not isinstance(table, dict):
            raise self.error("", "must be a table")
        unknown = sorted(set(table) - known)
        if unknown:
            raise self.error("", f"unknown key(s) {unknown}")
        self.table: dict[str, Any] = table

    def error(self, key: str, message: str) -> RulePackError:
        where = f"{self.where}." if self.where and key else self.where
        named = f"'{where}{key}'" if key or where else "top level"
        return RulePackError(f"{self.path}: {named}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.error(key, f"must be a whole number {low}-{high}")
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        return self.integer(key, low, high) if key in self.table else None

    def boolean(self, key: str) -> bool:
        value = self.table.get(key)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return str(value)

    def strings(self, key: str, default: list[str] | None = None) -> list[str]:
        value = self.table.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return value

    def channels(self, key: str, default: list[str] | None = None) -> frozenset[Channel]:
        values = self.strings(key, default)
        try:
            return frozenset(Channel(v) for v in values)
        except ValueError:
            allowed = ", ".join(c.value for c in Channel)
            raise self.error(key, f"channels must be among {allowed}, got {values}") from None

    def code(self) -> str:
        value = self.text("code")
        if not _CODE.match(value):
            raise self.error("code", f"must be lower_snake_case, got {value!r}")
        return value


def _hours(reader: _Reader) -> dict[Channel, tuple[int, int]]:
    result: dict[Channel, tuple[int, int]] = {}
    for key, value in reader.table.items():
        channel = Channel(key)  # the reader already rejected unknown keys
        if not isinstance(value, list) or len(value) != 2:
            raise reader.error(key, 'must be ["HH:MM", "HH:MM"]')
        bounds: list[int] = []
        for item in value:
            match = _CLOCK.match(item) if isinstance(item, str) else None
            if match is None:
                raise reader.error(key, f"{item!r} is not a 24-hour HH:MM time")
            bounds.append(int(match[1]) * 60 + int(match[2]))
        if bounds[0] >= bounds[1]:
            raise reader.error(key, "the start must be before the end (same local day)")
        result[channel] = (bounds[0], bounds[1])
    return result


def _limit(path: Path, index: int, raw: Any) -> Limit:
    known = frozenset(
        {"code", "kind", "counts", "scope", "channels", "window_days", "max", "directions"}
    )
    reader = _Reader(path, f"limit[{index}]", raw, known)
    code = reader.code()
    reader.where = f"limit[{index}] ({code})"
    kind = reader.choice("kind", LIMIT_KINDS)
    if kind == "quiet":
        if "max" in reader.table:
            raise reader.error("max", "a quiet period has no max (one event starts it)")
        maximum = 1
    else:
        maximum = reader.integer("max", 1, 1000)
    directions = reader.strings("directions", ["outbound"])
    try:
        parsed_directions = frozenset(Direction(d) for d in directions)
    except ValueError:
        raise reader.error(
            "directions", f"must be among inbound, outbound, got {directions}"
        ) from None
    channels = reader.channels("channels")
    if not channels:
        raise reader.error("channels", "must name at least one channel")
    return Limit(
        code=code,
        kind=kind,
        counts=reader.choice("counts", COUNTS),
        scope=reader.choice("scope", SCOPES),
        channels=channels,
        window_days=reader.integer("window_days", 1, 366),
        max=maximum,
        directions=parsed_directions,
    )


def _hold(path: Path, index: int, raw: Any) -> Hold:
    known = frozenset(
        {"code", "flag", "event", "duration_days", "channels", "label_en", "label_zh"}
    )
    reader = _Reader(path, f"hold[{index}]", raw, known)
    code = reader.code()
    reader.where = f"hold[{index}] ({code})"
    flag: CustomerFlag | None = None
    event: str | None = None
    if ("flag" in reader.table) == ("event" in reader.table):
        raise reader.error("flag", "give exactly one of 'flag' or 'event'")
    if "flag" in reader.table:
        flags = tuple(f.value for f in CustomerFlag)
        flag = CustomerFlag(reader.choice("flag", flags))
    else:
        event = reader.choice("event", HOLD_EVENTS)
        if "duration_days" in reader.table:
            raise reader.error("duration_days", "only a flag hold can have a duration")
    channels = reader.channels("channels")
    if not channels:
        raise reader.error("channels", "must name at least one channel")
    return Hold(
        code=code,
        channels=channels,
        label_en=reader.text("label_en"),
        label_zh=reader.text("label_zh"),
        flag=flag,
        event=event,
        duration_days=reader.optional_integer("duration_days", 1, 3660),
    )


def _period(reader: _Reader, key: str) -> Period:
    where = f"{reader.where}.{key}" if reader.where else key
    table = _Reader(reader.path, where, reader.table[key], frozenset({"days", "count"}))
    return Period(table.integer("days", 1, 3660), table.choice("count", DAY_COUNTS, "calendar"))


def _optional_period(reader: _Reader, key: str) -> Period | None:
    return _period(reader, key) if key in reader.table else None


def _calendar(path: Path, raw: Any) -> BusinessCalendar:
    reader = _Reader(path, "calendar", raw, frozenset({"weekend", "holidays"}))
    weekend = reader.strings("weekend", ["sat", "sun"])
    if not set(weekend) <= set(WEEKDAYS):
        raise reader.error("weekend", f"days must be among {', '.join(WEEKDAYS)}, got {weekend}")
    if set(weekend) == set(WEEKDAYS):
        raise reader.error("weekend", "must leave at least one business day in the week")
    holidays = reader.table.get("holidays", [])
    # a TOML date literal (2027-01-01) is a date; a datetime is a date too, but not a day
    if not isinstance(holidays, list) or not all(type(day) is date for day in holidays):
        raise reader.error("holidays", "must be a list of dates (2027-01-01, unquoted)")
    return BusinessCalendar(
        frozenset(WEEKDAYS.index(day) + 1 for day in weekend), frozenset(holidays)
    )


def _complaints(path: Path, raw: Any) -> ComplaintRules:
    known = frozenset({"acknowledge", "summary", "final", "root_cause_required", "extensions"})
    reader = _Reader(path, "complaints", raw, known)
    if "final" not in reader.table:
        raise reader.error("final", "is required (the final response's deadline)")
    raw_extensions = reader.table.get("extensions", [])
    if not isinstance(raw_extensions, list):
        raise reader.error("extensions", "must be an array of tables")
    extensions = []
    for index, item in enumerate(raw_extensions, start=1):
        entry = _Reader(
            path, f"complaints.extensions[{index}]", item, frozenset({"days", "approval"})
        )
        approval = entry.boolean("approval") if "approval" in entry.table else False
        extensions.append(Extension(entry.integer("days", 1, 3660), approval))
    return ComplaintRules(
        final=_period(reader, "final"),
        acknowledge=_optional_period(reader, "acknowledge"),
        summary=_optional_period(reader, "summary"),
        extensions=tuple(extensions),
        root_cause_required=(
            reader.boolean("root_cause_required") if "root_cause_required" in reader.table else True
        ),
    )


def _disputes(path: Path, raw: Any) -> DisputeRules:
    reader = _Reader(path, "disputes", raw, frozenset({"validation_notice", "resume_after"}))
    notice = reader.boolean("validation_notice") if "validation_notice" in reader.table else False
    resume = _optional_period(reader, "resume_after")
    if resume is not None and not notice:
        raise reader.error("resume_after", "only applies with validation_notice = true")
    return DisputeRules(notice, resume)


def _portal(path: Path, raw: Any) -> PortalRules:
    reader = _Reader(
        path,
        "portal",
        raw,
        frozenset({"link_days", "survey", "survey_after_hours", "survey_every_days"}),
    )
    return PortalRules(
        link_days=reader.integer("link_days", 1, 90, 14),
        survey=reader.boolean("survey") if "survey" in reader.table else False,
        survey_after_hours=reader.integer("survey_after_hours", 0, 168, 2),
        survey_every_days=reader.integer("survey_every_days", 0, 365, 30),
    )


def _electronic(path: Path, data: Any) -> tuple[bool, str, str, frozenset[Channel]]:
    """The ``[electronic]`` table: is opt-out wording required, its texts, on which channels."""
    electronic = _Reader(
        path,
        "electronic",
        data.get("electronic", {"opt_out_required": False, "channels": []}),
        frozenset({"opt_out_required", "channels", "opt_out_text_en", "opt_out_text_zh"}),
    )
    opt_out_required = electronic.boolean("opt_out_required")
    texts_given = {"opt_out_text_en", "opt_out_text_zh"} & set(electronic.table)
    if opt_out_required or texts_given:
        opt_out_en = electronic.text("opt_out_text_en")
        opt_out_zh = electronic.text("opt_out_text_zh")
    else:
        opt_out_en = opt_out_zh = ""
    opt_out_channels = electronic.channels("channels", [])
    if opt_out_required and not opt_out_channels:
        raise electronic.error("channels", "must name the channels that need opt-out wording")
    return opt_out_required, opt_out_en, opt_out_zh, opt_out_channels


def _third_party(path: Path, data: Any) -> ThirdPartyRule:
    """The ``[third_party]`` table: when the customer's contact person may be called."""
    third = _Reader(
        path,
        "third_party",
        data.get("third_party", {}),
        frozenset({"contact_person", "unreachable_after_attempts", "unreachable_window_days"}),
    )
    contact_person = third.choice("contact_person", CONTACT_PERSON_RULES, "never")
    if contact_person == "when_unreachable":
        return ThirdPartyRule(
            contact_person,
            third.integer("unreachable_after_attempts", 1, 100),
            third.integer("unreachable_window_days", 1, 366),
        )
    for key in ("unreachable_after_attempts", "unreachable_window_days"):
        if key in third.table:
            raise third.error(key, "only applies to contact_person = 'when_unreachable'")
    return ThirdPartyRule(contact_person)


def parse_pack(data: Any, path: Path) -> RulePack:
    """Validate parsed TOML ``data`` (from ``path``, for messages) into a ``RulePack``."""
    top = _Reader(path, "", data, _TOP_KEYS)
    if top.table.get("schema") != SCHEMA:
        raise top.error("schema", f"must be {SCHEMA}, got {top.table.get('schema')!r}")
    pack_id = top.text("id")
    if pack_id != path.stem:
        raise top.error("id", f"must match the file name {path.stem!r}, got {pack_id!r}")
    jurisdictions = top.strings("jurisdictions")
    if not jurisdictions or not all(j.strip() for j in jurisdictions):
        raise top.error("jurisdictions", "must list at least one non-empty code")

    hours = _hours(
        _Reader(path, "hours", data.get("hours", {}), frozenset(c.value for c in Channel))
    )

    opt_out_required, opt_out_en, opt_out_zh, opt_out_channels = _electronic(path, data)

    consent = _Reader(path, "consent", data.get("consent", {}), frozenset({"required"}))
    third_party = _third_party(path, data)

    raw_limits = data.get("limit", [])
    if not isinstance(raw_limits, list):
        raise top.error("limit", "must be an array of tables ([[limit]])")
    raw_holds = data.get("hold", [])
    if not isinstance(raw_holds, list):
        raise top.error("hold", "must be an array of tables ([[hold]])")
    limits = tuple(_limit(path, i, raw) for i, raw in enumerate(raw_limits, start=1))
    holds = tuple(_hold(path, i, raw) for i, raw in enumerate(raw_holds, start=1))
    seen: set[str] = set()
    for code in [limit.code for limit in limits] + [hold.code for hold in holds]:
        if code in seen:
            raise top.error("code", f"duplicate rule code {code!r}")
        seen.add(code)

    return RulePack(
        id=pack_id,
        jurisdictions=tuple(jurisdictions),
        name_en=top.text("name_en"),
        name_zh=top.text("name_zh"),
        record_retention_years=top.optional_integer("record_retention_years", 0, 100),
        hours=hours,
        opt_out_required=opt_out_required,
        opt_out_channels=opt_out_channels,
        opt_out_text_en=opt_out_en,
        opt_out_text_zh=opt_out_zh,
        consent_required=consent.channels("required", []),
        third_party=third_party,
        limits=limits,
        holds=holds,
        source=path,
        calendar=_calendar(path, data["calendar"]) if "calendar" in data else BusinessCalendar(),
        complaints=_complaints(path, data["complaints"]) if "complaints" in data else None,
        disputes=_disputes(path, data["disputes"]) if "disputes" in data else None,
        vulnerability_review=_optional_period(
            _Reader(path, "reviews", data.get("reviews", {}), frozenset({"vulnerability"})),
            "vulnerability",
        ),
        portal=_portal(path, data["portal"]) if "portal" in data else PortalRules(),
    )


def load_pack(path: Path) -> RulePack:
    """Load and validate one pack file; raise ``RulePackError`` naming the file and key."""
    data = read_data(path, RulePackError)
    return parse_pack(data, path)


def load_packs(directory: Path) -> dict[str, RulePack]:
    """Every ``*.toml`` pack in ``directory``, by id."""
    packs = {pack.id: pack for pack in map(load_pack, sorted(directory.glob("*.toml")))}
    if not packs:
        raise RulePackError(f"{directory}: no rule packs (*.toml) found")
    return packs
