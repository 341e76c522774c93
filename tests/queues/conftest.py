"""The browser fixtures, for this directory's browser tests."""

from tests.browser.conftest import browser, login  # noqa: F401
