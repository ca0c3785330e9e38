"""Debian's Chromium driven headless by Selenium, with nothing downloaded (see ../shared/browser-tests.md):
the driver's path is given explicitly and Selenium Manager is told to stay offline. Missing binaries are an
error, not a skip: CI must install ``chromium`` and ``chromium-driver`` (``.ci/setup``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class BrowserMissing(RuntimeError):
    pass


def start_driver(width: int = 1280, height: int = 800):
    os.environ["SE_OFFLINE"] = "true"  # a second guard: Selenium Manager never fetches a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for binary in (CHROMIUM, CHROMEDRIVER):
        if not (Path(binary).exists() or shutil.which(binary)):
            raise BrowserMissing(f"{binary} is missing: install Debian's chromium and chromium-driver (.ci/setup)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 "--lang=vi-VN", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def full_page_screenshot(driver, path: Path, width: int = 1280, max_height: int = 2400, before: str = "") -> None:
    """The whole page (up to ``max_height`` CSS pixels) as laid out ``width`` pixels wide; ``before``: a
    script run once the page is laid out at that size (e.g. to show a hover state)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": min(max_height, int(height)), "deviceScaleFactor": 1,
                            "mobile": False})
    path.parent.mkdir(parents=True, exist_ok=True)
    if before:
        driver.execute_script(before)
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
