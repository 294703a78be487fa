"""A real `dsr serve` (embedded, as `make run` starts it) and real Chromium browsers.

Chromium and ChromeDriver are Debian's (`.ci/run` installs them); nothing is downloaded.
axe-core comes from the npm lock file (`npm ci`). Without them the tests skip, unless
DSR_REQUIRE_BROWSER is set (CI), when they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.support.pgserver import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("DSR_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DSR_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = os.environ.get("DSR_SCREENSHOTS_DIR")
"""Where page screenshots go (`make screenshots` sets docs/console); unset, none are kept."""

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1280,1000",
]


def _missing() -> str | None:
    for path, what in ((CHROMIUM, "Chromium"), (CHROMEDRIVER, "ChromeDriver"), (AXE, "axe-core")):
        if not Path(path).exists():
            return f"{what} not found at {path}"
    return None


@pytest.fixture(scope="session")
def browser_tools() -> None:
    missing = _missing()
    if missing:
        if os.environ.get("DSR_REQUIRE_BROWSER"):
            pytest.fail(f"{missing} and DSR_REQUIRE_BROWSER is set")
        pytest.skip(f"{missing} (apt-get install chromium chromium-driver; npm ci)")


@contextmanager
def serving(data: Path, port: int, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`dsr serve` on `port` with the store in `data` (only `extra_env`'s DSR_ settings);
    its log beside the store; the base address once it is ready."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DSR_")}
    env["DSR_DATA_DIR"] = str(data)
    env.update(extra_env or {})
    with open(data / "serve.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dsr_http.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (data / "serve.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_tools: None) -> Iterator[str]:
    """`dsr serve` on a free port with an empty embedded store; its log beside the store."""
    with serving(tmp_path_factory.mktemp("console-data"), free_port()) as base:
        yield base


Browsers = Callable[[], WebDriver]


@pytest.fixture
def browsers(browser_tools: None) -> Iterator[Browsers]:
    """browsers() -> a new Chromium with its own profile (its own session cookie)."""
    opened: list[WebDriver] = []

    def new() -> WebDriver:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.implicitly_wait(0)
        opened.append(driver)
        return driver

    yield new
    for driver in opened:
        driver.quit()


class Page:
    """What a person does on a page: fill in, choose, press; plus the checks we make."""

    def __init__(self, driver: WebDriver, base: str) -> None:
        self.driver = driver
        self.base = base

    def go(self, path: str) -> Page:
        self.driver.get(self.base + path)
        return self

    @property
    def path(self) -> str:
        url = str(self.driver.current_url)
        return url[len(self.base) :] if url.startswith(self.base) else url

    @property
    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    @property
    def heading(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "h1").text)

    def fill(self, name: str, value: str) -> Page:
        field = self.driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
        return self

    def date(self, name: str, day: int, month: int, year: int) -> Page:
        for part, value in (("day", day), ("month", month), ("year", year)):
            self.fill(f"{name}.{part}", str(value))
        return self

    def choose(self, name: str, value: str) -> Page:
        """A radio or checkbox by its value (clicking its label, as a person does), or a
        select's option."""
        element = self.driver.find_element(By.CSS_SELECTOR, f'[name="{name}"]')
        if element.tag_name == "select":
            Select(element).select_by_value(value)
            return self
        box = self.driver.find_element(By.CSS_SELECTOR, f'[name="{name}"][value="{value}"]')
        self.driver.find_element(By.CSS_SELECTOR, f'label[for="{box.get_attribute("id")}"]').click()
        return self

    def press(self, text: str) -> Page:
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "button, input[type=submit]")
        matching = [b for b in buttons if b.text.strip() == text]
        assert matching, f"no button {text!r} on {self.path}"
        self.after_load(matching[0].click)
        return self

    def after_load(self, act: Callable[[], object]) -> None:
        """Do what loads a new page, and wait until it has (the old one is gone)."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        act()

        def gone(_: WebDriver) -> bool:
            try:
                old.is_enabled()  # any call on the old page's element
            except WebDriverException:  # stale, or its document already replaced
                return True
            return False

        WebDriverWait(self.driver, 15).until(gone)
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def follow(self, text: str) -> Page:
        self.after_load(self.driver.find_element(By.PARTIAL_LINK_TEXT, text).click)
        return self

    def errors(self) -> list[str]:
        """The error summary's messages (NHS.UK), or none."""
        summary = self.driver.find_elements(By.CSS_SELECTOR, ".nhsuk-error-summary li")
        return [item.text for item in summary]

    def accessibility_violations(self) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.2 A and AA rules on the page as it is now."""
        self.driver.execute_script(AXE.read_text())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.map(n => n.target.join(' '))}))));",
            WCAG,
        )
        return list(result)

    def screenshot(self, name: str) -> None:
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            height = self.driver.execute_script("return document.body.scrollHeight")
            self.driver.set_window_size(1280, min(max(int(height) + 40, 800), 4000))
            self.driver.save_screenshot(str(folder / f"{name}.png"))
            self.driver.set_window_size(1280, 1000)

    def requests_elsewhere(self) -> list[str]:
        """Every address the browser asked for that is not this service's (a request the
        page's Content-Security-Policy stopped before it left is not one)."""
        asked: dict[str, str] = {}
        blocked: set[str] = set()
        local = (self.base, f"blob:{self.base}", "data:", "about:")
        for entry in self._log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(local):
                    asked[params["requestId"]] = url
            elif (
                message.get("method") == "Network.loadingFailed"
                and params.get("blockedReason") == "csp"
            ):
                blocked.add(params["requestId"])
        return [url for request, url in asked.items() if request not in blocked]

    def _log(self, kind: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.driver.get_log(kind)  # type: ignore[no-untyped-call]
        return entries

    def console_errors(self) -> list[str]:
        """Script errors and failed loads, but for the page's own status (a refused form is
        answered 422 on purpose)."""
        page = str(self.driver.current_url).split("#")[0]
        return [
            e["message"]
            for e in self._log("browser")
            if e["level"] == "SEVERE"
            and not (
                e["message"].startswith(page + " ") and "responded with a status" in e["message"]
            )
        ]


def sign_in(page: Page, role: str, area: str, user: str) -> Page:
    page.go("/sign-in")
    page.fill("user", user).choose("role", role).fill("area", area).press("Sign in")
    return page
