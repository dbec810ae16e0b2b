"""Issue 16's flows in a real browser against the real backend (loopback, SQLite):

- a reminder with the self-service link goes out through the HTTP SMS gateway stand-in; the
  customer opens it, gets the code by SMS, verifies, chooses a plan, agrees, downloads the
  agreement PDF, and the agent's desk (a real store, the real sync) shows the plan;
- a promise, then pay now through the stand-in gateway: the signed webhook books the
  confirmed payment and the promise is kept;
- a complaint raised on the portal shows its reference, and the team lead's client lists it;
- after an agent's right-party call the survey SMS goes out; the customer's rating moves the
  portal KPIs (satisfaction by channel, survey response rate).

axe-core runs on every page the flows show: no serious or critical violation.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.e2e.portal_browser import (
    SmsGateway,
    axe_source,
    axe_violations,
    browser_missing,
    chrome,
    serve_gateway,
)
from tests.server.conftest import PASSWORD, Backend, fresh_database, start_backend
from workstation.compliance import default_policy
from workstation.contract.mutations import event_create
from workstation.domain import Channel, Event, EventType, new_id
from workstation.messages import compose, message_event
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow, PromiseRow

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

_serial = iter(range(1000))


class World:
    def __init__(self, backend: Backend, gateway: SmsGateway, tmp: Path) -> None:
        self.backend = backend
        self.gateway = gateway
        self.tmp = tmp
        self.agent_name = backend.of_role("agent")[0].username
        team = backend.of_role("agent")[0].team
        self.lead_name = backend.of_role("lead", team)[0].username
        self.agent = backend.login(self.agent_name)
        self.axe = axe_source()
        self.violations: dict[str, list[dict[str, Any]]] = {}

    @property
    def app(self) -> Any:
        return self.backend.server._server.config.app  # type: ignore[attr-defined]

    def check(self, driver: Any) -> None:
        """axe-core on the page shown (serious and critical violations are kept)."""
        if self.axe is None:
            return
        found = axe_violations(driver, self.axe)
        if found:
            self.violations[driver.current_url] = found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    gateway = SmsGateway()
    server = serve_gateway(gateway)
    tmp = tmp_path_factory.mktemp("portal-e2e")
    config = tmp / "gateway.toml"
    config.write_text(f'url = "http://127.0.0.1:{server.server_address[1]}/send"\n', "utf-8")
    env = {
        "WORKSTATION_SMS_GATEWAY": "http",
        "WORKSTATION_SMS_HTTP_CONFIG": str(config),
        "WORKSTATION_MESSAGING_POLL": "0.05",
    }
    with pytest.MonkeyPatch.context() as patch, fresh_database("sqlite", tmp_path_factory) as url:
        for key, value in env.items():
            patch.setenv(key, value)
        backend = start_backend(url, "sqlite", accounts=40)
        try:
            service = backend.server._server.config.app.state.messaging  # type: ignore[attr-defined]
            service.settings = replace(service.settings, public_url=backend.base)
            service.worker.settings = service.settings
            yield World(backend, gateway, tmp)
        finally:
            backend.server.stop()
            backend.sessions.kw["bind"].dispose()
            server.shutdown()


@pytest.fixture
def driver(world: World, tmp_path: Path) -> Iterator[Any]:
    browser = chrome(tmp_path)
    browser.download_dir = tmp_path  # type: ignore[attr-defined]
    try:
        yield browser
    finally:
        browser.quit()
        assert not world.violations, world.violations


def _daytime_zone(now: datetime) -> str:
    offset = (13 - now.hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def ready_account(world: World) -> tuple[str, str, str]:
    """An open account of the agent whose customer may get an SMS now: (account id, the
    mobile number, the customer's name)."""
    n = next(_serial)
    now = datetime.now(UTC)
    with world.backend.sessions.begin() as session:
        used = {job.account_id for job in session.scalars(select(MessageJob))}
        for account in session.scalars(
            select(AccountRow)
            .where(AccountRow.owner_id == world.agent.user_id, AccountRow.status == "open")
            .order_by(AccountRow.id)
        ):
            if account.id in used or account.balance_minor < 60_000:
                continue
            customer = session.get(CustomerRow, account.customer_id)
            assert customer is not None
            phone = session.scalar(
                select(ContactRow).where(
                    ContactRow.customer_id == customer.id, ContactRow.kind == "phone"
                )
            )
            if phone is None:
                continue
            number = f"+86 139 1000 {n:04d}"
            customer.jurisdiction, customer.language, customer.flags = "CN", "en", []
            customer.timezone = _daytime_zone(now)
            customer.national_id_masked = "**************123X"
            phone.data = {
                **phone.data,
                "number": number,
                "type": "mobile",
                "consent": True,
                "opted_out": False,
            }
            session.flush()
            loaded = load_for_decision(session, account.id)
            assert loaded is not None
            if default_policy().decide(loaded[0], loaded[1], Channel.SMS, now, loaded[2]).allowed:
                return account.id, number, customer.name
    raise AssertionError("no account of the agent may get an SMS now")


def send_invitation(world: World, account_id: str) -> None:
    """The agent sends the self-service link (the portal_invitation template) from the desk."""
    now = datetime.now(UTC)
    with world.backend.sessions() as session:
        loaded = load_for_decision(session, account_id)
    assert loaded is not None
    customer, account, events = loaded
    preview = compose(
        "portal_invitation", customer, account, Channel.SMS, "en", now, history=events
    )
    assert preview.sendable, preview.why_not()
    event = message_event(preview, account, recorded_by=world.agent_name, now=now)
    answer = world.agent.push(world.agent.mutation("event.create", event_create(event)))
    assert answer.json()["results"][0]["status"] == "applied", answer.text


def arrive(driver: Any, part: str) -> None:
    """Wait until the browser shows a page whose address contains ``part``."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: part in d.current_url)
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def follow(driver: Any, element: Any, part: str = "") -> None:
    """Click what leads to another page and wait for that page: the old one gone (a page
    whose address already matched must not pass for the next), the new one loaded."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # the old document is marked; the next one is not (Selenium's staleness check on the old
    # element can meet chromedriver's "node does not belong to the document" instead of a
    # stale reference, mid-navigation, and fail the test)
    driver.execute_script("document.documentElement.dataset.leaving = '1'")
    element.click()

    def gone(d: Any) -> bool:
        try:
            return d.execute_script("return document.documentElement.dataset.leaving") is None
        except WebDriverException:  # between the documents
            return False

    WebDriverWait(driver, 30).until(gone)
    arrive(driver, part)


def sign_in(world: World, driver: Any, number: str, born: date | None = None) -> None:
    """From the SMS's link to the account page: the code by SMS and the ID's last four (or,
    given ``born``, the date of birth typed into its three fields)."""
    from selenium.webdriver.common.by import By

    world.app.state.messaging.worker.wake()
    link = world.gateway.wait_for(number, r"(http://\S+/portal/l/\S+)").group(1)
    driver.get(link)
    world.check(driver)
    seen = len(world.gateway.texts_to(number))
    follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/code'] button"), "sent=sms")
    code = world.gateway.wait_for(number, r"(?:^|验证码)(\d{6})", seen).group(1)
    assert "sent=sms" in driver.current_url
    world.check(driver)
    driver.find_element(By.ID, "code").send_keys(code)
    if born is None:
        driver.find_element(By.ID, "id_last4").send_keys("123x")
    else:
        driver.find_element(By.ID, "birth_day").send_keys(str(born.day))
        driver.find_element(By.ID, "birth_month").send_keys(str(born.month))
        driver.find_element(By.ID, "birth_year").send_keys(str(born.year))
    follow(
        driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/verify'] button"), "/portal/"
    )
    assert driver.current_url.endswith("/portal/account"), (
        world.gateway.texts_to(number),
        driver.find_element(By.TAG_NAME, "main").text,
    )
    world.check(driver)


def test_sms_link_verify_plan_pdf_and_the_desk_shows_the_plan(
    world: World, driver: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    from workstation.desk import DeskService
    from workstation.store import Store
    from workstation.sync import ApiSession, HttpSettings, SyncEngine

    account_id, number, name = ready_account(world)
    send_invitation(world, account_id)
    sign_in(world, driver, number)
    driver.get(driver.current_url + "?lang=zh")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    world.check(driver)
    follow(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/portal/plan']"))
    world.check(driver)
    follow(driver, driver.find_element(By.CSS_SELECTOR, ".offers a.button"), "/portal/plan/review")
    world.check(driver)
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "consent").click()
    follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/portal/plan/agree'] button"))
    world.check(driver)
    driver.find_element(By.ID, "agreement").click()
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (pdf,) = list(tmp_path.glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
    # the agent's desk: a real store, the real sync
    device = f"desk-{uuid.uuid4().hex[:6]}"
    store = Store.open(tmp_path / "desk.db")
    api = ApiSession(
        world.backend.base,
        device,
        settings=HttpSettings(
            connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01
        ),
    )
    try:
        api.sign_in(world.agent_name, PASSWORD)
        SyncEngine(store, api, staging_path=tmp_path / "staging.db").sync()
        view = DeskService(store, device, world.agent_name).account(account_id)
        plans = [e for e in view.events if e.type == EventType.PLAN_AGREEMENT]
        assert len(plans) == 1
        assert plans[0].payload["via"] == "portal"
        assert plans[0].recorded_by == "portal"
    finally:
        api.close()
        store.close()


def test_pay_now_confirms_the_payment_and_keeps_the_promise(world: World, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    account_id, number, _name = ready_account(world)
    with world.backend.sessions() as session:
        account = session.get(AccountRow, account_id)
        assert account is not None
        customer = session.get(CustomerRow, account.customer_id)
        assert customer is not None
        born = customer.birth_date  # the seed gave every customer one
    assert born is not None
    send_invitation(world, account_id)
    sign_in(world, driver, number, born)  # this customer proves who they are by birth date
    follow(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/portal/promise']"))
    world.check(driver)
    driver.find_element(By.ID, "amount").send_keys("30.00")
    due = driver.find_element(By.ID, "due_date")
    driver.execute_script("arguments[0].value = arguments[0].min", due)
    follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/portal/promise'] button"))
    world.check(driver)
    driver.get(world.backend.base + "/portal/pay")
    world.check(driver)
    amount = driver.find_element(By.ID, "amount")
    amount.clear()
    amount.send_keys("30.00")
    follow(
        driver,
        driver.find_element(By.CSS_SELECTOR, "form[action='/portal/pay'] button"),
        "/portal/gateway/stand-in/",
    )
    world.check(driver)
    follow(driver, driver.find_element(By.ID, "gateway-pay"), "/portal/pay/return/")
    world.check(driver)
    assert "30.00" in driver.find_element(By.TAG_NAME, "main").text
    with world.backend.sessions() as session:
        promise = session.scalar(
            select(PromiseRow)
            .join(EventRow, EventRow.id == PromiseRow.event_id)
            .where(PromiseRow.account_id == account_id, EventRow.recorded_by == "portal")
        )
        assert promise is not None
        assert promise.status == "kept"


def test_a_complaint_shows_its_reference_and_the_lead_sees_it(world: World, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    from workstation.lead.complaints import ComplaintsClient
    from workstation.sync import ApiSession

    account_id, number, _name = ready_account(world)
    send_invitation(world, account_id)
    sign_in(world, driver, number)
    follow(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/portal/complaint']"))
    world.check(driver)
    driver.find_element(By.ID, "cat-contact_frequency").click()
    driver.find_element(By.ID, "details").send_keys("You called me four times on Sunday")
    follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/portal/complaint'] button"))
    world.check(driver)
    reference = re.search(r"CP-\d{4}-\d+", driver.find_element(By.TAG_NAME, "main").text)
    assert reference is not None
    api = ApiSession(world.backend.base, f"console-{uuid.uuid4().hex[:6]}")
    try:
        api.sign_in(world.lead_name, PASSWORD)
        listed = ComplaintsClient(api).list(account_id=account_id)
    finally:
        api.close()
    assert [c.reference for c in listed] == [reference.group()]


def test_a_survey_after_a_call_moves_the_satisfaction_kpis(world: World, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    from workstation.sync import ApiSession

    account_id, number, _name = ready_account(world)
    lead = ApiSession(world.backend.base, f"console-{uuid.uuid4().hex[:6]}")
    lead.sign_in(world.lead_name, PASSWORD)
    today = datetime.now(UTC).date()
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}
    try:
        before = lead.call("GET", "/api/v1/portal/kpis", params=period)
        # the agent's right-party call, pushed from the desk
        call = Event(
            new_id(),
            EventType.CONTACT_ATTEMPT,
            account_id,
            "",
            datetime.now(UTC),
            world.agent_name,
            {"channel": "phone", "disposition": "RPC_NC", "notes": "talked it through"},
        )
        with world.backend.sessions() as session:
            account = session.get(AccountRow, account_id)
            assert account is not None
            call = replace(call, customer_id=account.customer_id)
        answer = world.agent.push(world.agent.mutation("event.create", event_create(call)))
        assert answer.json()["results"][0]["status"] == "applied", answer.text
        with world.backend.sessions.begin() as session:
            (job,) = session.scalars(
                select(MessageJob).where(
                    MessageJob.account_id == account_id, MessageJob.template == "survey"
                )
            )
            hours = (
                job.next_attempt_at.replace(tzinfo=UTC) - datetime.now(UTC)
            ).total_seconds() / 3600
            assert 1.9 < hours <= 2.0  # the pack's survey_after_hours
            job.next_attempt_at = datetime.now(UTC)  # two hours on
        world.app.state.messaging.worker.wake()
        link = world.gateway.wait_for(number, r"(http://\S+/portal/survey/\S+)").group(1)
        driver.get(link)
        world.check(driver)
        driver.find_element(By.ID, "score-4").click()
        driver.find_element(By.ID, "comment").send_keys("Clear and kind")
        follow(driver, driver.find_element(By.CSS_SELECTOR, "main form button"))
        world.check(driver)
        after = lead.call("GET", "/api/v1/portal/kpis", params=period)
    finally:
        lead.close()
    assert after["surveys_answered"] == before["surveys_answered"] + 1
    assert after["surveys_sent"] == before["surveys_sent"] + 1
    assert after["survey_response_rate"] is not None
    phone = after["satisfaction"]["survey_by_channel"]["phone"]
    assert (
        phone["count"]
        == before["satisfaction"]["survey_by_channel"].get("phone", {"count": 0})["count"] + 1
    )


def test_axe_core_is_at_hand() -> None:
    if axe_source() is None:
        pytest.skip("axe-core is not installed (the axe-selenium-python package of the test extra)")
    assert "axe" in (axe_source() or "")[:5000]
