"""Deterministic demo portfolio: customers, accounts and months of history from a seed.

This module owns the synthetic world used by the backend's seed, by tests and by the
benchmarks. ``generate_portfolio(n, seed=…)`` returns exactly ``n`` accounts (customers hold
one to three of them), with realistic spreads: log-normal balances per product and currency,
days past due across every bucket, CN/US/UK customers with matching currency, rule pack,
IANA timezone, language and script, phones/e-mails with consent and opt-out, addresses
(some with coordinates), a pre-agreed contact person for some Chinese customers, flags
(hardship, vulnerable, breathing space for the UK, cease communication, bankrupt,
deceased), monthly income and expenses, and an event history whose outcomes are driven by
a hidden propensity to pay. ``generate_portfolio_with_truth`` also returns that propensity
(account id → probability) so tests and scorecard training can check what was learned;
it is stored nowhere in the domain objects.

Same ``seed`` and same ``as_of`` ⇒ identical output, ids included (ids are UUIDv7 whose
time part is the record's own business time and whose random part comes from the seeded
generator). When ``as_of`` is omitted the world's "now" is the current UTC time truncated to
the hour, so the demo always has work due now.

Money is never a float: amounts are drawn as whole minor units and wrapped in ``Money`` or
written on the wire as decimal strings.

Event payload conventions (``Event.payload``; money as wire strings, dates ISO
``YYYY-MM-DD``, instants ISO-8601 UTC with ``+00:00``; "*_id"/"address_used" name the id
of the customer's Phone/Email/Address record used):

``contact_attempt``
    ``channel`` (phone/sms/email/visit/letter), ``direction`` (outbound/inbound),
    ``disposition`` (a code of ``resources/dispositions.toml``), ``address_used`` (id of the
    phone/e-mail/address), ``duration_s`` (int), ``notes`` (str); with disposition ``CB``
    also ``callback_at`` (instant, UTC); with ``PTP`` also ``promise_id`` (the promise
    event's id); with ``DISPUTE`` ``dispute_reason``; with ``COMPLAINT``
    ``complaint_category``; with ``HARDSHIP`` ``hardship_details``.
``promise``
    ``amount``, ``currency``, ``due_date``, ``status`` (open/kept/broken/cancelled — the
    generated history records the fate as known at ``as_of``; live promises are ``open``
    and their fate is decided later by payments), optional ``attempt_id``.
``payment``
    ``amount``, ``currency``, ``source`` (reported/confirmed), optional ``promise_id``.
``note``
    ``text``.
``visit``
    ``address_id``, ``outcome`` (met_debtor/third_party/nobody/moved/refused), ``notes``,
    ``evidence`` {``id_shown``, ``consent_to_enter``, ``recording_on``,
    ``second_collector``} (bools).
``message``
    ``channel`` (sms/email), ``address_used``, ``template``, ``language``, ``status``
    (queued/sent/delivered/failed).
``complaint``
    ``category``, ``details``, ``status`` (open/resolved), ``sla_due`` (date), optional
    ``blocked_address`` (id of the phone/e-mail the customer wants no contact on).
``dispute``
    ``reason``, ``status`` (pending_validation/resolved).
``satisfaction``
    ``score`` (int 1-5), optional ``comment``.
``flag_change``
    ``flag`` (a ``CustomerFlag`` value), ``value`` (bool), ``since`` (date).
``plan_agreement``
    ``instalments`` (int), ``instalment_amount``, ``currency``, ``first_due`` (date),
    ``method`` (annuity/equal_principal/flat).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any, TypeVar

from workstation.domain.bulk import gc_paused
from workstation.domain.enums import (
    AccountStatus,
    CustomerFlag,
    EventType,
    Language,
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
)
from workstation.domain.money import Money

_T = TypeVar("_T")

__all__ = [
    "DEMO_AGENTS",
    "DEMO_TOWNS",
    "DemoAgent",
    "DemoPortfolio",
    "HiddenTraits",
    "generate_portfolio",
    "generate_portfolio_with_traits",
    "generate_portfolio_with_truth",
]


@dataclass
class DemoPortfolio:
    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]  # history, sorted by occurred_at
    as_of: datetime  # UTC "now" of the generated world


@dataclass(frozen=True, slots=True)
class DemoAgent:
    """A user the demo world assigns accounts to (the backend seed creates these users)."""

    username: str
    display_name: str
    team: str
    role: str  # a workstation.domain.enums.Role value
    jurisdiction: str


DEMO_AGENTS: tuple[DemoAgent, ...] = (
    DemoAgent("li.na", "李娜 Li Na", "sh-desk", "agent", "cn-nifa"),
    DemoAgent("chen.jie", "陈杰 Chen Jie", "sh-desk", "agent", "cn-nifa"),
    DemoAgent("liu.yang", "刘洋 Liu Yang", "sh-desk", "agent", "cn-nifa"),
    DemoAgent("wang.qiang", "王强 Wang Qiang", "sh-field", "field", "cn-nifa"),
    DemoAgent("zhao.min", "赵敏 Zhao Min", "sh-desk", "lead", "cn-nifa"),
    DemoAgent("maria.lopez", "Maria Lopez", "ny-desk", "agent", "us-regf"),
    DemoAgent("james.carter", "James Carter", "ny-desk", "agent", "us-regf"),
    DemoAgent("dana.white", "Dana White", "ny-desk", "lead", "us-regf"),
    DemoAgent("olivia.brown", "Olivia Brown", "ldn-desk", "agent", "uk-conc"),
    DemoAgent("harry.patel", "Harry Patel", "ldn-desk", "agent", "uk-conc"),
    DemoAgent("sophie.clark", "Sophie Clark", "ldn-desk", "lead", "uk-conc"),
)

# --- reference data ---------------------------------------------------------------------

_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"),
    ("徐", "Xu"), ("孙", "Sun"), ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"),
    ("林", "Lin"), ("何", "He"), ("郭", "Guo"), ("马", "Ma"), ("罗", "Luo"),
]  # fmt: skip
_GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("建", "jian"),
    ("文", "wen"), ("晨", "chen"), ("雪", "xue"), ("鹏", "peng"), ("宇", "yu"),
]  # fmt: skip
_FIRST_EN = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Oliver", "Amelia", "Harry", "Isla", "George", "Ava",
    "Noah", "Emily", "Jack", "Sophie", "Aisha", "Mohammed", "Priya", "Carlos", "Lucia",
]  # fmt: skip
_LAST_EN = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
    "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Evans", "Patel", "Khan",
    "Wright", "Green", "Hughes", "Edwards", "Roberts",
]  # fmt: skip

# (city, district, postcode prefix, lat, lon, timezone)
_CN_PLACES = [
    ("上海市", "浦东新区", "2001", "31.2215", "121.5440", "Asia/Shanghai"),
    ("上海市", "徐汇区", "2000", "31.1885", "121.4365", "Asia/Shanghai"),
    ("北京市", "朝阳区", "1000", "39.9219", "116.4436", "Asia/Shanghai"),
    ("广州市", "天河区", "5106", "23.1248", "113.3614", "Asia/Shanghai"),
    ("深圳市", "南山区", "5180", "22.5333", "113.9304", "Asia/Shanghai"),
    ("成都市", "武侯区", "6100", "30.6423", "104.0431", "Asia/Shanghai"),
    ("杭州市", "西湖区", "3100", "30.2592", "120.1300", "Asia/Shanghai"),
]
_CN_STREETS = ["世纪大道", "南京西路", "建国路", "天河路", "科技园路", "人民南路", "文三路"]
_US_PLACES = [
    ("New York", "NY", "100", "40.7128", "-74.0060", "America/New_York"),
    ("Atlanta", "GA", "303", "33.7490", "-84.3880", "America/New_York"),
    ("Chicago", "IL", "606", "41.8781", "-87.6298", "America/Chicago"),
    ("Houston", "TX", "770", "29.7604", "-95.3698", "America/Chicago"),
    ("Los Angeles", "CA", "900", "34.0522", "-118.2437", "America/Los_Angeles"),
    ("Seattle", "WA", "981", "47.6062", "-122.3321", "America/Los_Angeles"),
]
_US_AREA = {"New York": "212", "Atlanta": "404", "Chicago": "312", "Houston": "713",
            "Los Angeles": "213", "Seattle": "206"}  # fmt: skip
_UK_PLACES = [
    ("London", "Camden", "NW1", "51.5290", "-0.1255", "Europe/London"),
    ("London", "Southwark", "SE1", "51.5033", "-0.0873", "Europe/London"),
    ("Manchester", "Ancoats", "M4", "53.4831", "-2.2289", "Europe/London"),
    ("Birmingham", "Digbeth", "B5", "52.4751", "-1.8831", "Europe/London"),
    ("Leeds", "Headingley", "LS6", "53.8194", "-1.5760", "Europe/London"),
]
# each jurisdiction's towns, in the order above: the backend seed gives the field collector of
# a jurisdiction's first team the first town as his territory, the next team's the next town
DEMO_TOWNS: dict[str, tuple[str, ...]] = {
    jurisdiction: tuple(dict.fromkeys(place[0] for place in places))
    for jurisdiction, places in (
        ("cn-nifa", _CN_PLACES),
        ("us-regf", _US_PLACES),
        ("uk-conc", _UK_PLACES),
    )
}
_EN_STREETS = ["High Street", "Station Road", "Main Street", "Park Avenue", "Oak Lane",
               "Church Road", "Elm Street", "Mill Lane"]  # fmt: skip

_JURISDICTIONS = ("cn-nifa", "us-regf", "uk-conc")
_CURRENCY = {"cn-nifa": "CNY", "us-regf": "USD", "uk-conc": "GBP"}
_COUNTRY = {"cn-nifa": "CN", "us-regf": "US", "uk-conc": "GB"}

# product -> (weight, median balance in major units per currency, sigma, term months, APR %)
_PRODUCTS: dict[str, tuple[float, dict[str, int], float, int, str]] = {
    "credit_card": (0.40, {"CNY": 9000, "USD": 2800, "GBP": 2200}, 0.9, 24, "19.90"),
    "personal_loan": (0.28, {"CNY": 32000, "USD": 7500, "GBP": 6000}, 0.7, 36, "11.50"),
    "bnpl": (0.17, {"CNY": 1800, "USD": 450, "GBP": 380}, 0.8, 6, "0"),
    "auto_loan": (0.10, {"CNY": 85000, "USD": 16000, "GBP": 12000}, 0.5, 60, "7.90"),
    "overdraft": (0.05, {"CNY": 5000, "USD": 1200, "GBP": 900}, 0.7, 12, "21.00"),
}
_PRODUCT_NAMES = list(_PRODUCTS)
_PRODUCT_CUM = tuple(itertools.accumulate(p[0] for p in _PRODUCTS.values()))[:-1]

# (low, high) DPD per bucket and its weight: every bucket is present
_DPD_BANDS = [((0, 0), 0.06), ((1, 29), 0.30), ((30, 59), 0.22), ((60, 89), 0.15),
              ((90, 179), 0.17), ((180, 720), 0.10)]  # fmt: skip
_DPD_RANGES = [band for band, _ in _DPD_BANDS]
_DPD_CUM = tuple(itertools.accumulate(weight for _, weight in _DPD_BANDS))[:-1]

_NO_CONTACT = ("NA", "NA", "NA", "BUSY", "VM", "VM", "TP", "TP", "WRONG", "DISC")
_COMPLAINT_CATEGORIES = ("contact_frequency", "workplace_contact", "staff_conduct",
                         "incorrect_balance", "third_party_disclosure")  # fmt: skip
_DISPUTE_REASONS = ("not_my_debt", "amount_incorrect", "already_paid", "identity_theft")
_HARDSHIP_DETAILS = ("job loss", "illness", "reduced hours", "bereavement", "divorce")
_NOTES = ("Customer asked for statement", "Left message with family member",
          "Customer travelling, try next week", "Verified address",
          "Customer says salary paid on the 15th", "客户表示月底发工资",
          "客户要求短信联系")  # fmt: skip
_GRACE_DAYS = 3


def _uuid7(rng: random.Random, when: datetime) -> str:
    """A UUIDv7 string: ``when`` in milliseconds, then 74 bits from the seeded rng."""
    millis = int(when.timestamp() * 1000) & 0xFFFFFFFFFFFF
    rand = rng.getrandbits(74)
    return "%08x-%04x-7%03x-%04x-%012x" % (  # noqa: UP031 - measurably faster than f-strings
        millis >> 16,
        millis & 0xFFFF,
        rand >> 62,
        0x8000 | ((rand >> 48) & 0x3FFF),
        rand & 0xFFFFFFFFFFFF,
    )


def _money(minor: int, currency: str) -> Money:
    """``Money.from_minor`` for a two-decimal currency without re-validating.

    ``Decimal(minor).scaleb(-2)`` is already exact at the minor unit, so the rounding in
    ``Money.__post_init__`` would be a no-op; skipping it keeps 100,000 accounts fast.
    """
    money = object.__new__(Money)
    object.__setattr__(money, "amount", Decimal(minor).scaleb(-2))
    object.__setattr__(money, "currency", currency)
    return money


def _wire(minor: int) -> str:
    """Wire amount for a two-decimal currency (CNY/USD/GBP) from minor units."""
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class _World:
    """One generation run: the rng, the clock and the growing lists."""

    def __init__(self, seed: int, as_of: datetime, history_days: int, with_history: bool):
        self.rng = random.Random(seed)
        self._random = self.rng.random
        self._midnights: dict[date, datetime] = {}
        self.as_of = as_of
        self.today = as_of.date()
        self.history_days = max(history_days, 1)
        self.with_history = with_history
        self.customers: list[Customer] = []
        self.accounts: list[Account] = []
        self.events: list[Event] = []
        self.truth: dict[str, float] = {}
        # hidden ability and willingness to pay per account (probabilities); their draws come
        # from a second stream so the main one (names, balances, history) keeps its shape
        self.traits: dict[str, HiddenTraits] = {}
        self._latent = random.Random(seed * 7919 + 104_729)
        self.agents: dict[str, list[DemoAgent]] = {
            j: [a for a in DEMO_AGENTS if a.jurisdiction == j and a.role in ("agent", "field")]
            for j in _JURISDICTIONS
        }

    # fast draws (``randint``/``choice`` cost several µs each; 100,000 accounts need millions)
    def ri(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + int(self._random() * (high - low + 1))

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[int(self._random() * len(seq))]

    def weighted(self, seq: Sequence[_T], cumulative: Sequence[float]) -> _T:
        """Pick from ``seq``; ``cumulative`` holds the running weights, all but the last."""
        return seq[bisect.bisect(cumulative, self._random())]

    # customers -------------------------------------------------------------------------
    def customer(self, jurisdiction: str) -> tuple[Customer, float]:
        """A customer and their affordability signal (used by the hidden propensity)."""
        rng = self.rng
        ri, pick = self.ri, self.pick
        created = self.as_of - timedelta(days=ri(200, 2000))
        cid = _uuid7(rng, created)
        currency = _CURRENCY[jurisdiction]
        if jurisdiction == "cn-nifa":
            sur, sur_py = pick(_SURNAMES)
            given = [pick(_GIVEN) for _ in range(pick((1, 2, 2)))]
            name = sur + "".join(g[0] for g in given)
            name_alt = f"{sur_py} {''.join(g[1] for g in given).capitalize()}"
            language = Language.ZH
            city, district, pc, lat, lon, tz = pick(_CN_PLACES)
            line1 = f"{pick(_CN_STREETS)}{ri(1, 2999)}号{ri(1, 30)}0{ri(1, 9)}室"
            postcode = f"{pc}{ri(10, 99)}"
            national = f"{ri(0, 10**14 - 1):014d}{ri(100, 999)}{pick('0123456789X')}"
            email_user = name_alt.replace(" ", ".").lower() + str(ri(1, 999))
            email_domain = pick(("example.cn", "mail.example.com"))
        else:
            first, last = pick(_FIRST_EN), pick(_LAST_EN)
            name = f"{first} {last}"
            name_alt = ""
            language = Language.EN
            if jurisdiction == "us-regf":
                city, district, pc, lat, lon, tz = pick(_US_PLACES)
                postcode = f"{pc}{ri(10, 99)}"
                national = f"{ri(100_000_000, 899_999_999)}"
            else:
                city, district, pc, lat, lon, tz = pick(_UK_PLACES)
                postcode = (
                    f"{pc} {ri(1, 9)}{pick('ABDEFGHJLNPQRSTUWXYZ')}{pick('ABDEFGHJLNPQRSTUWXYZ')}"
                )
                national = f"QQ{ri(100000, 999999)}{pick('ABCD')}"
            line1 = f"{ri(1, 400)} {pick(_EN_STREETS)}"
            email_user = f"{first}.{last}{ri(1, 99)}".lower()
            email_domain = "example.com" if jurisdiction == "us-regf" else "example.co.uk"

        phones: list[Phone] = []
        n_phones = self.weighted((1, 2, 3), (0.55, 0.87))
        for index in range(n_phones):
            kind = (PhoneType.MOBILE, PhoneType.HOME, PhoneType.WORK)[index]
            if jurisdiction == "cn-nifa":
                if kind is PhoneType.MOBILE:
                    number = f"+86 1{pick('3456789')}{ri(0, 9)} {ri(1000, 9999)} {ri(1000, 9999)}"
                else:
                    area = pick(("21", "10", "20", "755", "28", "571"))
                    number = f"+86 {area} {ri(1000, 9999)} {ri(1000, 9999)}"
            elif jurisdiction == "us-regf":
                number = f"+1 {_US_AREA[city]} 555 {ri(100, 199):04d}"
            else:
                number = (
                    f"+44 7700 900{ri(0, 999):03d}"
                    if kind is PhoneType.MOBILE
                    else f"+44 20 7946 0{ri(0, 999):03d}"
                )
            verified = self.today - timedelta(days=ri(0, 400)) if rng.random() < 0.6 else None
            phones.append(
                Phone(
                    id=_uuid7(rng, created),
                    number=number,
                    type=kind,
                    consent=rng.random() < (0.95 if kind is PhoneType.MOBILE else 0.8),
                    opted_out=rng.random() < 0.04,
                    last_verified=verified,
                )
            )
        emails: list[Email] = []
        if rng.random() < 0.75:
            emails.append(
                Email(
                    id=_uuid7(rng, created),
                    address=f"{email_user}@{email_domain}",
                    consent=rng.random() < 0.85,
                    opted_out=rng.random() < 0.07,
                    last_verified=self.today - timedelta(days=ri(0, 600))
                    if rng.random() < 0.5
                    else None,
                )
            )
        addresses: list[Address] = []
        for index in range(self.weighted((1, 2), (0.85,))):
            has_geo = rng.random() < 0.7
            addresses.append(
                Address(
                    id=_uuid7(rng, created),
                    line1=line1
                    if index == 0
                    else f"{ri(1, 90)} {pick(_EN_STREETS)}"
                    if jurisdiction != "cn-nifa"
                    else f"{pick(_CN_STREETS)}{ri(1, 999)}号",
                    city=city,
                    district=district,
                    postcode=postcode,
                    country=_COUNTRY[jurisdiction],
                    latitude=Decimal(lat) + Decimal(ri(-400, 400)).scaleb(-4) if has_geo else None,
                    longitude=Decimal(lon) + Decimal(ri(-400, 400)).scaleb(-4) if has_geo else None,
                )
            )
        contact_person = None
        if jurisdiction == "cn-nifa" and rng.random() < 0.35:
            sur, _ = pick(_SURNAMES)
            contact_person = ContactPerson(
                name=sur + "".join(pick(_GIVEN)[0] for _ in range(2)),
                phone=f"+86 1{pick('3589')}{ri(0, 9)} {ri(1000, 9999)} {ri(1000, 9999)}",
                relationship=pick(("配偶", "父母", "兄弟姐妹", "朋友", "同事")),
            )

        flags: set[CustomerFlag] = set()
        r = rng.random
        if r() < 0.06:
            flags.add(CustomerFlag.HARDSHIP)
        if r() < 0.04:
            flags.add(CustomerFlag.VULNERABLE)
        if jurisdiction == "uk-conc" and r() < 0.04:
            flags.add(CustomerFlag.BREATHING_SPACE)
        if r() < (0.03 if jurisdiction == "us-regf" else 0.008):
            flags.add(CustomerFlag.CEASE_COMMUNICATION)
        if r() < 0.005:
            flags.add(CustomerFlag.BANKRUPT)
        if r() < 0.002:
            flags.add(CustomerFlag.DECEASED)

        income = expenses = None
        affordability = 0.0
        if r() < 0.7:
            median = {"CNY": 9000, "USD": 4200, "GBP": 2600}[currency]
            income_minor = int(median * math.exp(rng.gauss(0, 0.45))) * 100
            ratio = min(max(rng.gauss(0.75, 0.18), 0.3), 1.3)
            if CustomerFlag.HARDSHIP in flags:
                ratio += 0.25
            expenses_minor = int(income_minor * ratio) // 100 * 100
            income = _money(income_minor, currency)
            expenses = _money(expenses_minor, currency)
            affordability = 1.0 - ratio
        customer = Customer(
            id=cid,
            name=name,
            timezone=tz,
            jurisdiction=jurisdiction,
            language=language,
            name_alt=name_alt,
            national_id_masked="*" * (len(national) - 4) + national[-4:],
            phones=phones,
            emails=emails,
            addresses=addresses,
            flags=frozenset(flags),
            contact_person=contact_person,
            monthly_income=income,
            monthly_expenses=expenses,
            version=1,
        )
        return customer, affordability

    # accounts --------------------------------------------------------------------------
    def account(self, customer: Customer, affordability: float) -> tuple[Account, float]:
        rng = self.rng
        ri, pick = self.ri, self.pick
        currency = _CURRENCY[customer.jurisdiction]
        product = self.weighted(_PRODUCT_NAMES, _PRODUCT_CUM)
        _, medians, sigma, term, apr = _PRODUCTS[product]
        low, high = self.weighted(_DPD_RANGES, _DPD_CUM)
        dpd = ri(low, high)
        principal_minor = max(int(medians[currency] * math.exp(rng.gauss(0, sigma))), 50) * 100
        paid_share = rng.uniform(0.0, 0.7) if dpd < 180 else rng.uniform(0.0, 0.4)
        balance_minor = max(int(principal_minor * (1.0 - paid_share)) // 100 * 100, 1000)
        instalment_minor = max(principal_minor // term, 1000)
        months_due = max(math.ceil(dpd / 30), 0)
        past_due_minor = min(balance_minor, instalment_minor * months_due)
        if dpd >= 180:  # charged off: the whole balance is due
            past_due_minor = balance_minor
        opened = self.today - timedelta(days=dpd + ri(120, 1500))
        placed = self.today - timedelta(days=min(dpd, self.history_days) + ri(0, 5))
        agent = pick(self.agents[customer.jurisdiction])
        flags = customer.flags
        # Hidden ability (can they pay: income against spending, hardship, how far behind)
        # and willingness (will they choose to), each partly explained by what a model can
        # see and partly idiosyncratic so the models have work to do. The propensity to pay
        # combines the two.
        ability_z = 0.15 + 1.8 * affordability - 0.0045 * min(dpd, 360) + 0.55 * rng.gauss(0, 1)
        if CustomerFlag.HARDSHIP in flags:
            ability_z -= 0.9
        willingness_z = 0.15 - 0.0045 * min(dpd, 360) + 0.75 * self._latent.gauss(0.0, 1.0)
        if product == "bnpl":
            willingness_z += 0.3
        propensity = _sigmoid(ability_z + willingness_z)
        status = AccountStatus.OPEN
        if flags & {CustomerFlag.BANKRUPT, CustomerFlag.DECEASED, CustomerFlag.BREATHING_SPACE}:
            status = AccountStatus.HOLD
        account = Account(
            id=_uuid7(rng, datetime.combine(opened, datetime.min.time(), UTC)),
            customer_id=customer.id,
            product=product,
            currency=currency,
            principal=_money(principal_minor, currency),
            balance=_money(balance_minor, currency),
            past_due=_money(past_due_minor, currency),
            days_past_due=dpd,
            status=status,
            owner=agent.username,
            team=agent.team,
            risk_tier=None,  # computed by the queue/scorecard, not by the generator
            score=None,
            placed_amount=_money(balance_minor, currency),
            opened_on=opened,
            placed_on=placed,
            annual_rate=Decimal(apr),
            version=1,
        )
        self.traits[account.id] = HiddenTraits(
            propensity, _sigmoid(1.6 * ability_z), _sigmoid(1.6 * willingness_z)
        )
        return account, propensity

    # history ---------------------------------------------------------------------------
    def _event(
        self,
        kind: EventType,
        account: Account,
        when: datetime,
        payload: dict[str, Any],
        by: str | None = None,
    ) -> Event:
        when = min(when, self.as_of)  # nothing in the history happens after the world's "now"
        event = Event(
            id=_uuid7(self.rng, when),
            type=kind,
            account_id=account.id,
            customer_id=account.customer_id,
            occurred_at=when,
            recorded_by=by or account.owner or "system",
            payload=payload,
        )
        self.events.append(event)
        return event

    def _moment(self, day: date) -> datetime:
        """Some instant on ``day`` (UTC)."""
        base = self._midnights.get(day)
        if base is None:
            base = self._midnights[day] = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return base + timedelta(seconds=int(self._random() * 86400))

    def history(self, customer: Customer, account: Account, propensity: float) -> None:
        rng = self.rng
        ri, pick = self.ri, self.pick
        as_of = self.as_of
        currency = account.currency
        balance_minor = account.balance.minor
        dpd = account.days_past_due
        window = min(self.history_days, max(dpd, 0) + ri(0, 20))
        if dpd == 0:
            window = min(self.history_days, ri(0, 40))
        start = self.today - timedelta(days=window)
        flags = customer.flags
        traits = self.traits[account.id]
        able, willing = traits.ability, traits.willingness

        for flag in sorted(flags):
            since = start + timedelta(days=ri(0, max(window - 1, 0)))
            self._event(
                EventType.FLAG_CHANGE,
                account,
                self._moment(since),
                {"flag": flag.value, "value": True, "since": since.isoformat()},
            )
        if window <= 0:
            return

        hold = account.status is AccountStatus.HOLD or CustomerFlag.CEASE_COMMUNICATION in flags
        attempts = 0 if hold else min(int(rng.expovariate(1.0) * window * 0.1) + 1, 40)
        usable_phones = [p for p in customer.phones if not p.opted_out] or customer.phones
        # answering and agreeing are willingness; keeping a promise needs both, mostly ability
        rpc_p = 0.1 + 0.6 * willing
        ptp_p = 0.1 + 0.7 * willing
        kept_p = 0.05 + 0.9 * able
        dispute_p = 0.03 * (1.0 - willing)
        open_promise: tuple[date, int] | None = None
        dispute = False
        r = self._random
        start_at = self._moment(start) - timedelta(seconds=1)  # any instant of the window
        span = window * 86400
        offsets = sorted(int(r() * span) for _ in range(attempts))
        for offset in offsets:
            when = start_at + timedelta(seconds=offset)
            if when >= as_of:
                when = as_of - timedelta(minutes=ri(5, 600))
            phone = pick(usable_phones)
            payload: dict[str, Any] = {
                "channel": "phone",
                "direction": "outbound" if rng.random() < 0.93 else "inbound",
                "disposition": "NA",
                "address_used": phone.id,
                "duration_s": 0,
                "notes": "",
            }
            if rng.random() >= rpc_p:
                payload["disposition"] = pick(_NO_CONTACT)
                if payload["disposition"] in ("TP", "VM", "BUSY"):
                    payload["duration_s"] = ri(5, 90)
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
                continue
            payload["duration_s"] = ri(45, 900)
            roll = rng.random()
            if roll < dispute_p and not dispute:
                payload["disposition"] = "DISPUTE"
                payload["dispute_reason"] = pick(_DISPUTE_REASONS)
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
                self._event(
                    EventType.DISPUTE,
                    account,
                    when + timedelta(seconds=1),
                    {"reason": payload["dispute_reason"], "status": "pending_validation"},
                )
                dispute = True
                continue
            if roll < dispute_p + 0.01:
                category = pick(_COMPLAINT_CATEGORIES)
                payload["disposition"] = "COMPLAINT"
                payload["complaint_category"] = category
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
                complaint: dict[str, Any] = {
                    "category": category,
                    "details": "Customer unhappy with " + category.replace("_", " "),
                    "status": "resolved" if (as_of - when).days > 20 else "open",
                    "sla_due": (when.date() + timedelta(days=56)).isoformat(),
                }
                if category == "workplace_contact":
                    work = [p for p in customer.phones if p.type is PhoneType.WORK]
                    if work:
                        complaint["blocked_address"] = work[0].id
                self._event(EventType.COMPLAINT, account, when + timedelta(seconds=1), complaint)
                continue
            if rng.random() < ptp_p and balance_minor > 0 and not dispute:
                share = pick((1.0, 0.5, 0.3, 0.2)) if able > 0.5 else pick((0.3, 0.2, 0.1))
                amount = max(
                    min(int(account.past_due.minor * share) // 100 * 100, balance_minor), 1000
                )
                due = when.date() + timedelta(days=ri(2, 14))
                payload["disposition"] = "PTP"
                attempt = self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
                promise_payload: dict[str, Any] = {
                    "amount": _wire(amount),
                    "currency": currency,
                    "due_date": due.isoformat(),
                    "status": "open",
                    "attempt_id": attempt.id,
                }
                promise = self._event(
                    EventType.PROMISE, account, when + timedelta(seconds=1), promise_payload
                )
                payload["promise_id"] = promise.id
                if due + timedelta(days=_GRACE_DAYS) < self.today:
                    if rng.random() < kept_p:
                        promise_payload["status"] = "kept"
                        paid_on = due - timedelta(days=ri(0, 2))
                        paid_at = max(self._moment(paid_on), when + timedelta(hours=1))
                        self._event(
                            EventType.PAYMENT,
                            account,
                            paid_at,
                            {
                                "amount": _wire(amount),
                                "currency": currency,
                                "source": "confirmed",
                                "promise_id": promise.id,
                            },
                            by="system",
                        )
                    else:
                        promise_payload["status"] = "broken"
                        # a willing customer who cannot keep it still pays a part
                        if rng.random() < 0.1 + 0.5 * willing:
                            part = max(amount // 3 // 100 * 100, 100)
                            self._event(
                                EventType.PAYMENT,
                                account,
                                self._moment(due),
                                {
                                    "amount": _wire(part),
                                    "currency": currency,
                                    "source": "confirmed",
                                },
                                by="system",
                            )
                else:
                    open_promise = (due, amount)
            elif rng.random() < 0.12:
                payload["disposition"] = "CB"
                payload["callback_at"] = _iso(when + timedelta(days=ri(1, 3), hours=ri(0, 4)))
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
            elif rng.random() < (0.6 - 0.55 * willing):
                payload["disposition"] = "REFUSED"
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
            elif CustomerFlag.HARDSHIP in flags and rng.random() < 0.3:
                payload["disposition"] = "HARDSHIP"
                payload["hardship_details"] = pick(_HARDSHIP_DETAILS)
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
            else:
                payload["disposition"] = "RPC_NC"
                self._event(EventType.CONTACT_ATTEMPT, account, when, payload)
            if rng.random() < 0.12:
                score = min(max(round(rng.gauss(2.5 + 2.0 * propensity, 0.9)), 1), 5)
                self._event(
                    EventType.SATISFACTION, account, when + timedelta(minutes=10), {"score": score}
                )

        # spontaneous payments: made by the willing, as large as their ability allows
        if not hold and balance_minor > 0:
            pay_p = 0.4 * willing * (0.3 + 0.7 * able)
            n_payments = sum(1 for _ in range(max(window // 30, 1)) if rng.random() < pay_p)
            for _ in range(n_payments):
                day = start + timedelta(days=ri(0, window - 1))
                share = rng.uniform(0.05, 0.1 + 0.7 * able)
                amount = max(int(account.past_due.minor * share) // 100 * 100, 500)
                source = "confirmed" if rng.random() < 0.85 else "reported"
                self._event(
                    EventType.PAYMENT,
                    account,
                    min(self._moment(day), as_of - timedelta(minutes=30)),
                    {"amount": _wire(amount), "currency": currency, "source": source},
                    by="system" if source == "confirmed" else None,
                )
        # SMS reminders for early buckets
        if dpd < 60 and not hold and rng.random() < 0.5:
            mobiles = [
                p
                for p in customer.phones
                if p.type is PhoneType.MOBILE and p.consent and not p.opted_out
            ]
            if mobiles:
                day = start + timedelta(days=ri(0, window - 1))
                self._event(
                    EventType.MESSAGE,
                    account,
                    min(self._moment(day), as_of - timedelta(minutes=30)),
                    {
                        "channel": "sms",
                        "address_used": mobiles[0].id,
                        "template": "reminder",
                        "language": customer.language.value,
                        "status": "delivered",
                    },
                )
        # field visits for late accounts held by the field collector
        if dpd >= 60 and not hold and customer.addresses and rng.random() < 0.12:
            address = pick(customer.addresses)
            met = rng.random() < 0.2 + 0.5 * willing
            outcome = (
                "met_debtor"
                if met
                else pick(("nobody", "nobody", "third_party", "moved", "refused"))
            )
            day = start + timedelta(days=ri(0, window - 1))
            self._event(
                EventType.VISIT,
                account,
                min(self._moment(day), as_of - timedelta(minutes=30)),
                {
                    "address_id": address.id,
                    "outcome": outcome,
                    "notes": "",
                    "evidence": {
                        "id_shown": True,
                        "consent_to_enter": met and rng.random() < 0.7,
                        "recording_on": rng.random() < 0.9,
                        "second_collector": rng.random() < 0.5,
                    },
                },
            )
        if rng.random() < 0.08:
            day = start + timedelta(days=ri(0, window - 1))
            self._event(
                EventType.NOTE,
                account,
                min(self._moment(day), as_of - timedelta(minutes=30)),
                {"text": pick(_NOTES)},
            )

        # work that is due now, so the demo queue's "Due now" is never empty
        if not hold and not dispute and open_promise is None:
            roll = rng.random()
            if roll < 0.04:
                open_promise = self._fresh_promise(account, due=self.today)
            elif roll < 0.06:
                open_promise = self._fresh_promise(
                    account, due=self.today - timedelta(days=ri(1, 2))
                )
            elif roll < 0.09:
                self._fresh_callback(account, customer)
        if dispute:
            account.status = AccountStatus.DISPUTE
        elif open_promise is not None and account.status is AccountStatus.OPEN:
            account.status = AccountStatus.PROMISE

    def _fresh_promise(self, account: Account, *, due: date) -> tuple[date, int]:
        ri = self.ri
        when = self.as_of - timedelta(days=ri(3, 7), minutes=ri(0, 600))
        amount = max(min(account.past_due.minor, account.balance.minor) // 2 // 100 * 100, 1000)
        attempt = self._event(
            EventType.CONTACT_ATTEMPT,
            account,
            when,
            {
                "channel": "phone",
                "direction": "outbound",
                "disposition": "PTP",
                "duration_s": ri(60, 600),
                "notes": "",
            },
        )
        promise = self._event(
            EventType.PROMISE,
            account,
            when + timedelta(seconds=1),
            {
                "amount": _wire(amount),
                "currency": account.currency,
                "due_date": due.isoformat(),
                "status": "open",
                "attempt_id": attempt.id,
            },
        )
        attempt.payload["promise_id"] = promise.id
        return due, amount

    def _fresh_callback(self, account: Account, customer: Customer) -> None:
        ri = self.ri
        when = self.as_of - timedelta(days=ri(1, 2), minutes=ri(0, 300))
        callback_at = self.as_of - timedelta(minutes=ri(-60, 180))
        payload: dict[str, Any] = {
            "channel": "phone",
            "direction": "outbound",
            "disposition": "CB",
            "duration_s": ri(30, 300),
            "notes": "",
            "callback_at": _iso(callback_at),
        }
        if customer.phones:
            payload["address_used"] = customer.phones[0].id
        self._event(EventType.CONTACT_ATTEMPT, account, when, payload)


@dataclass(frozen=True, slots=True)
class HiddenTraits:
    """What the generator knows about a customer's account and no model sees."""

    propensity: float
    ability: float  # can they pay (0…1)
    willingness: float  # will they choose to (0…1)


def _default_as_of() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def generate_portfolio_with_truth(
    accounts: int,
    *,
    seed: int = 1,
    as_of: datetime | None = None,
    history_days: int = 120,
    with_history: bool = True,
) -> tuple[DemoPortfolio, dict[str, float]]:
    """The portfolio and the hidden propensity to pay per account id (for evaluation only)."""
    # A million small objects make the cyclic GC rescan the growing heap again and again
    # (generation is superlinear with it on); nothing here creates reference cycles.
    portfolio, world = _world_of(accounts, seed, as_of, history_days, with_history)
    return portfolio, world.truth


def generate_portfolio_with_traits(
    accounts: int,
    *,
    seed: int = 1,
    as_of: datetime | None = None,
    history_days: int = 120,
) -> tuple[DemoPortfolio, dict[str, HiddenTraits]]:
    """The portfolio and each account's hidden ability, willingness and propensity
    (for evaluating the models only)."""
    world = _world_of(accounts, seed, as_of, history_days, True)
    return world[0], world[1].traits


def _world_of(
    accounts: int, seed: int, as_of: datetime | None, history_days: int, with_history: bool
) -> tuple[DemoPortfolio, _World]:
    if accounts < 0:
        raise ValueError("accounts must be zero or more")
    if as_of is None:
        as_of = _default_as_of()
    elif as_of.tzinfo is None:
        raise ValueError("as_of must be an aware UTC datetime")
    with gc_paused():
        return _generate(accounts, seed, as_of.astimezone(UTC), history_days, with_history)


def _generate(
    accounts: int, seed: int, as_of: datetime, history_days: int, with_history: bool
) -> tuple[DemoPortfolio, _World]:
    world = _World(seed, as_of, history_days, with_history)
    remaining = accounts
    while remaining > 0:
        jurisdiction = world.weighted(_JURISDICTIONS, (0.5, 0.8))
        customer, affordability = world.customer(jurisdiction)
        world.customers.append(customer)
        n = min(world.weighted((1, 2, 3), (0.85, 0.97)), remaining)
        for _ in range(n):
            account, propensity = world.account(customer, affordability)
            world.accounts.append(account)
            world.truth[account.id] = propensity
            if with_history:
                world.history(customer, account, propensity)
        remaining -= n
    world.events.sort(key=attrgetter("occurred_at"))  # stable: ties keep creation order
    portfolio = DemoPortfolio(world.customers, world.accounts, world.events, as_of)
    return portfolio, world


def generate_portfolio(
    accounts: int,
    *,
    seed: int = 1,
    as_of: datetime | None = None,
    history_days: int = 120,
    with_history: bool = True,
) -> DemoPortfolio:
    """``accounts`` accounts with customers and (optionally) history, deterministic per seed."""
    portfolio, _ = generate_portfolio_with_truth(
        accounts, seed=seed, as_of=as_of, history_days=history_days, with_history=with_history
    )
    return portfolio
