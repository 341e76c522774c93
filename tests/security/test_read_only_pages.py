"""A page that only shows something answers 405 to POST, PUT, PATCH and DELETE (with an Allow
header), instead of rendering as if it had been asked to GET. Every URL of the URLconf that a
supervisor can GET is checked, so a new read-only page is covered without being listed here."""

import pytest

pytestmark = pytest.mark.django_db


# Pages that are also forms: they take a POST (and nothing else that writes).
FORMS = {"profile"}
WRITES = ["post", "put", "patch", "delete"]


def test_the_read_only_pages_are_all_found(pages):
    assert {
        "calls:live",
        "calls:detail",
        "conferences:live",
        "conferences:detail",
        "overview",
        "history:delivery",
        "history:event",
        "history:action",
        "history:calls",
        "queues:board",
    } <= set(pages)


def test_every_read_only_page_refuses_writes_with_405(supervisor_client, pages):
    wrong = []
    for name, url in pages.items():
        for method in WRITES:
            if name in FORMS and method == "post":
                continue
            answer = getattr(supervisor_client, method)(url)
            if answer.status_code != 405 or "GET" not in answer.get("Allow", ""):
                wrong.append((method.upper(), url, answer.status_code))
    assert not wrong
