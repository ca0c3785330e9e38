"""Fixtures of the browser tests: one Chromium per test session (quit in a finalizer), a screenshot of the
page when a test fails (under var/test-failures/), and logging in as a user would."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import start_driver

log = logging.getLogger(__name__)
FAILURES = Path(__file__).resolve().parents[1] / "var" / "test-failures"
# Each run writes its screenshots under var/ (a test must not dirty the working tree); to refresh the ones the
# README shows: SOHOA_SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest tests/test_web_browser.py
_TOP = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("SOHOA_SCREENSHOT_DIR") or _TOP / "var" / "screenshots")


@pytest.fixture(scope="session")
def driver(request):
    browser = start_driver()
    request.addfinalizer(browser.quit)
    return browser


@pytest.fixture
def browser(driver, request):
    """The session's browser, cleared of cookies; on failure the page is saved as a screenshot."""
    driver.delete_all_cookies()
    driver.set_window_size(1280, 800)
    yield driver
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        target = FAILURES / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        driver.save_screenshot(str(target))
        log.error("screenshot of the failed page: %s", target)
        print(f"screenshot of the failed page: {target}")


def wait(driver, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, seconds, poll_frequency=0.1)


def log_in(driver, base: str, name: str, password: str) -> None:
    driver.get(f"{base}/staff/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "logout")))
