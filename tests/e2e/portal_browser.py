"""The customer's side in a real browser: Debian's chromium and chromium-driver through
Selenium, axe-core (bundled by the ``axe-selenium-python`` package) for accessibility, and
an HTTP server on loopback standing in for the SMS gateway. Skips with the reason when
the browser, the driver or axe is absent."""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.loopback import JsonHandler

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = (390, 844)
DESKTOP = (1280, 900)


def browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (apt-get install chromium)"
    if not Path(CHROMEDRIVER).exists():
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (the test extra)"
    return None


def axe_source() -> str | None:
    """axe.min.js as the ``axe-selenium-python`` package ships it (None: not installed)."""
    try:
        import axe_selenium_python
    except ImportError:
        return None
    found = list(Path(axe_selenium_python.__file__).parent.rglob("axe.min.js"))
    return found[0].read_text(encoding="utf-8") if found else None


def chrome(download_dir: Path, size: tuple[int, int] = PHONE) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={size[0]},{size[1]}",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(download_dir),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


def axe_violations(driver: Any, source: str) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page shown."""
    driver.execute_script(source)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document).then(function (r) { done(r); }, function (e) { done({error: String(e)}); });"
    )
    assert "error" not in result, result
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@dataclass
class SmsGateway:
    """The HTTP SMS gateway: records every message it is asked to send."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def texts_to(self, number: str) -> list[str]:
        digits = re.sub(r"\D", "", number)
        with self.lock:
            return [
                str(m.get("text") or "")
                for m in self.messages
                if re.sub(r"\D", "", str(m.get("to") or "")) == digits
            ]

    def wait_for(
        self, number: str, pattern: str, seen: int = 0, timeout: float = 20
    ) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in self.texts_to(number)[seen:]:
                found = re.search(pattern, text)
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"no SMS to {number} matching {pattern}: {self.texts_to(number)}")


def serve_gateway(gateway: SmsGateway) -> ThreadingHTTPServer:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.read_json()
            with gateway.lock:
                gateway.messages.append(body)
                gateway.counter += 1
                answer = {"id": f"gw-{gateway.counter}", "status": "delivered"}
            self.send_json(200, answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
