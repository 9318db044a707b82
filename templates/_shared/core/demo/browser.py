"""A real browser for demo-page tests and timings: the system's Chromium via Selenium.

Uses the `chromium` and `chromedriver` found on PATH (Debian/Ubuntu:
`apt-get install chromium chromium-driver`); nothing is downloaded. Selenium is a
development dependency, imported only here. The window size, scale and fonts are fixed
so that a screenshot of the same page with the same input comes out the same.

    found = find_browser()
    if isinstance(found, str):
        pytest.skip(found)            # says why: which program is missing
    with open_browser(found) as driver:
        driver.get(url)
        wait_for(driver, "#status[data-state=answered]")
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WINDOW = (1200, 860)


@dataclass(frozen=True)
class Browser:
    chromium: str
    chromedriver: str


def find_browser() -> Browser | str:
    """The browser and its driver, or one line saying what is missing and how to add it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = " and ".join(
            name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path
        )
        return f"no {missing} on PATH (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in the dev extra: make install)"
    return Browser(chromium, driver)


@contextmanager
def open_browser(browser: Browser, window: tuple[int, int] = WINDOW) -> Iterator[Any]:
    """A headless Chromium WebDriver with a fixed window; quit when the block ends."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser.chromium
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        f"--window-size={window[0]},{window[1]}", "--force-device-scale-factor=1",
        "--hide-scrollbars", "--font-render-hinting=none", "--disable-extensions",
        "--lang=en-US",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(executable_path=browser.chromedriver), options=options
    )
    try:
        yield driver
    finally:
        driver.quit()


# No text caret, focus ring, transition or rounded corner in a picture: each came out a
# few pixels different between two shots of the same page (corners are anti-aliased anew).
# Set through the CSSOM, which the page's Content-Security-Policy allows (a <style> it
# would refuse).
_STILL = """
for (const element of document.querySelectorAll("*")) {
  for (const [name, value] of [["caret-color", "transparent"], ["transition", "none"],
      ["animation", "none"], ["border-radius", "0"], ["box-shadow", "none"],
      ["outline", "none"]]) {
    element.style.setProperty(name, value, "important");
  }
}
if (document.activeElement) document.activeElement.blur();
"""


def screenshot(driver: Any, page: str, path: Path, ready: str, timeout: float = 10.0) -> None:
    """Open `page`, wait for the `ready` selector, save a PNG of the fixed-size window.

    The `ready` state can be set a frame before the page has finished laying out (seen on
    a loaded machine), so the picture is taken once two shots in a row are identical."""
    driver.get(page)
    wait_for(driver, ready, timeout)
    driver.execute_script(_STILL)
    deadline = time.monotonic() + timeout
    shot = driver.get_screenshot_as_png()
    while True:
        time.sleep(0.05)
        again = driver.get_screenshot_as_png()
        if again == shot:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page} was still changing after {timeout:g} s")
        shot = again
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(shot)


def wait_for(driver: Any, css: str, timeout: float = 10.0) -> Any:
    """The first element matching `css`, polling until it appears or `timeout` passes."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while True:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{css} did not appear within {timeout:g} s")
        time.sleep(0.02)
