"""A real browser for the tests in this folder: Debian's Chromium driven by Playwright (the ``browser``
fixture is in tests/conftest.py: the analytics report's test opens one too)."""

import os
import re
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NEEDS_CHROMIUM = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("KAM_REQUIRE_BROWSER"),
                                    reason="Chromium is not installed (apt-get install chromium); CI installs it")
# Where signing in lands (core.views.home): My day for managers and heads, the account list for the rest.
START_PAGE = re.compile(r".*/(my-day|accounts)/$")


@pytest.fixture
def sign_in(browser, live_server):
    def open_as(username, language="en"):
        password = "correct horse battery staple"  # noqa: S105 (the factories' test password)
        page = browser.new_page(locale=language)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(START_PAGE)
        return page

    return open_as
