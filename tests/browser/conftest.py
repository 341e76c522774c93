"""Playwright driving Debian's Chromium against a real dashboard server.

Without /usr/bin/chromium the browser tests skip with a message, unless
SWITCHBOARD_REQUIRE_BROWSER is set (CI sets it), in which case they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still
# plain synchronous code, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("SWITCHBOARD_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


# Module scope: Playwright's loop must be gone before the asyncio tests of other modules run.
@pytest.fixture(scope="module")
def browser():
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login(browser, live_dashboard):
    """Open a new browser context logged in as the given user; closes them all afterwards."""
    contexts = []

    def open_as(user, password: str):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(live_dashboard.url + "/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/calls/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
