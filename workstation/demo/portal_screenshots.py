"""``workstation demo --portal-screenshots DIR``: every page of the customer's portal at a
phone size and a desktop size, in English and Chinese, as PNGs (headless chromium through
Selenium, from the test extra; Debian's ``chromium`` and ``chromium-driver``).

A throwaway backend (SQLite in a temporary folder, seeded small) serves the pages; the
walk is the customer's own: the link, the code (read from the demo SMS transport), the
account, each action's page, and a plan agreed."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.text import Text

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
LANGUAGES = ("en", "zh")


class ScreenshotsUnavailable(WorkstationError):
    summary = Text(
        "The portal screenshots need chromium and selenium", "门户截图需要chromium和selenium"
    )


def _driver(width: int, height: int) -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise ScreenshotsUnavailable("install the test extra (selenium)") from None
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(browser).exists() or not Path(driver_path).exists():
        raise ScreenshotsUnavailable("apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    # a window cannot be narrower than the browser's minimum; the page's viewport can
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    return driver


def _shoot(driver: Any, path: Path, width: int, height: int) -> None:
    """The whole page, however long (the DevTools protocol captures beyond the viewport)."""
    import base64

    full = int(driver.execute_script("return document.documentElement.scrollHeight"))
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(height, full), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def _accounts(sessions: Any, app: Any, count: int) -> list[dict[str, str]]:
    """``count`` open accounts made ready for the walk: their link, survey and expired link."""
    from sqlalchemy import select

    from workstation.server.models import AccountRow, ContactRow, CustomerRow
    from workstation.server.portal.access import issue_link

    found: list[dict[str, str]] = []
    now = datetime.now(UTC)
    keys = app.state.portal.keys
    names = [("Wang Fang", "王芳"), ("Emma Clarke", ""), ("Li Wei", "李伟"), ("Daniel Moore", "")]
    with sessions.begin() as session:
        accounts = session.scalars(
            select(AccountRow)
            .where(AccountRow.status == "open", AccountRow.balance_minor > 300_000)
            .order_by(AccountRow.id)
        ).all()
        for account, (name, alt) in zip(accounts, names * count, strict=False):
            if len(found) == count:
                break
            customer = session.get(CustomerRow, account.customer_id)
            assert customer is not None
            customer.jurisdiction, customer.timezone, customer.flags = "CN", "Asia/Shanghai", []
            customer.name, customer.name_alt = name, alt
            customer.national_id_masked = "**************123X"
            for contact in session.scalars(
                select(ContactRow).where(ContactRow.customer_id == customer.id)
            ):
                if contact.kind == "phone":
                    contact.data = {**contact.data, "number": "+86 138 0013 8000", "type": "mobile"}
            found.append(
                {
                    "name": name,
                    "link": issue_link(session, keys, account, now),
                    "survey": issue_link(session, keys, account, now, purpose="survey"),
                    "expired": issue_link(session, keys, account, now - timedelta(days=30)),
                }
            )
    return found


def render(directory: Path, log: Callable[[str], None] = print) -> list[Path]:
    """Write the PNGs to ``directory`` (``<page>-<size>-<language>.png``); their paths."""
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.embedded import start_embedded
    from workstation.server.seed import seed
    from workstation.server.settings import Settings

    directory.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="portal-shots-"))
    url = f"sqlite:///{work / 'server.db'}"
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    sessions = make_sessionmaker(engine)
    seed(sessions, accounts=40, teams=1, agents=1, seed=3, password="demo")
    server = start_embedded(url, settings=Settings(db_url=url), promise_interval=0)
    app = server._server.config.app  # type: ignore[attr-defined]
    written: list[Path] = []
    try:
        walks = [(size, lang) for size in SIZES for lang in LANGUAGES]
        for (size, lang), who in zip(walks, _accounts(sessions, app, len(walks)), strict=True):
            width, height = SIZES[size]
            driver = _driver(width, height)
            try:
                walk = _Walk(driver, server.url, app, directory, f"{size}-{lang}", (width, height))
                written += walk.run(who, lang)
            finally:
                driver.quit()
            log(f"portal screenshots: {size} {lang} done")
    finally:
        server.stop()
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)
    return written


class _Walk:
    def __init__(  # noqa: PLR0917 - one walk's fixed inputs
        self, driver: Any, base: str, app: Any, directory: Path, suffix: str, size: tuple[int, int]
    ) -> None:
        self.driver, self.base, self.app = driver, base, app
        self.directory, self.suffix, self.size = directory, suffix, size
        self.written: list[Path] = []

    def shot(self, page: str) -> None:
        path = self.directory / f"{page}-{self.suffix}.png"
        _shoot(self.driver, path, *self.size)
        self.written.append(path)

    def go(self, path: str, page: str) -> None:
        self.driver.get(self.base + path)
        self.shot(page)

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def type(self, element_id: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        field = self.driver.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(text)

    def run(self, who: dict[str, str], lang: str) -> list[Path]:
        self.go(f"/portal/l/{who['expired']}?lang={lang}", "link-expired")
        self.go(f"/portal/l/{who['link']}?lang={lang}", "verify")
        self.click("form[action$='/code'] button")
        self.shot("verify-code-sent")
        text = self.app.state.messaging.worker.sms.sent[-1].text
        code = re.search(r"\d{6}", text)
        assert code is not None
        self.type("code", code.group())
        self.type("id_last4", "123X")
        self.click("form[action$='/verify'] button")
        self.shot("account")
        for page in ("promise", "callback", "hardship", "complaint", "dispute", "preferences"):
            self.go(f"/portal/{page}", page)
        day = (datetime.now(UTC) + timedelta(days=2)).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        self.driver.get(self.base + "/portal/callback")
        self.driver.execute_script(
            "document.getElementById('day').value = arguments[0];"
            "document.getElementById('time').value = '22:30';",
            day.isoformat(),
        )
        self.click("form.card button[type=submit]")
        self.shot("callback-refused")
        self.go("/portal/plan", "plan")
        self.click(".offers a.button")
        self.shot("plan-review")
        self.type("name", who["name"])
        self.click("#consent")
        self.click("form[action='/portal/plan/agree'] button")
        self.shot("plan-agreed")
        self.go("/portal/pay", "pay")
        self.click("form[action='/portal/pay'] button")
        self.shot("gateway")
        self.click("#gateway-pay")
        self.shot("paid")
        self.go(f"/portal/survey/{who['survey']}", "survey")
        return self.written
