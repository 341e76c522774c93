"""Moved to tests.support (signing, webhooks, waiting). This module only re-exports them for test
files still importing `tests.helpers`; new code imports from tests.support."""

from tests.support.signing import TEST_PUBLIC_KEY_B64, TEST_SIGNING_KEY, as_http_headers, sign
from tests.support.waiting import eventually
from tests.support.webhooks import FIXTURES, envelope, fixture, post_webhook

__all__ = [
    "FIXTURES",
    "TEST_PUBLIC_KEY_B64",
    "TEST_SIGNING_KEY",
    "as_http_headers",
    "envelope",
    "eventually",
    "fixture",
    "post_webhook",
    "sign",
]
