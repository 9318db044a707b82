"""CI must have a real browser: the generated projects' demo-page tests would otherwise
skip, and a skipped browser test proves nothing about the page."""

import os
import shutil

import pytest


def test_ci_has_chromium_and_its_driver_for_the_demo_page_tests() -> None:
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if os.environ.get("CI") != "true" and os.environ.get("REQUIRE_BROWSER_TESTS") != "1":
        if missing:
            pytest.skip(f"no {' and '.join(missing)}; outside CI the browser tests may skip")
        return
    assert not missing, (
        f"no {' and '.join(missing)} on PATH: .ci/run installs them with apt-get when root"
    )
