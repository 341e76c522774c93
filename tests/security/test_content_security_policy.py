"""Every page is served with a Content-Security-Policy that runs only the dashboard's own static
scripts and styles: no inline script, event-handler or style attribute, nothing from another host.
The templates keep to it (scripts in static/*.js, data in data-* attributes or json_script), so the
policy breaks nothing; the browser suites run the pages under it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Swagger UI and Redoc are third-party pages with a policy of their own (switchboard/api_docs.py).
OWN_POLICY = ("api_docs",)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>\s*[^<\s]", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline script", INLINE_SCRIPT),
        ("handler attribute", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
        ("javascript: URL", SCRIPT_URL),
    ]:
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_no_template_holds_inline_code():
    offenders = {
        str(path.relative_to(TEMPLATES)): inline_code(path.read_text())
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES).parts[0] not in OWN_POLICY
    }
    assert not {path: found for path, found in offenders.items() if found}


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_policy_of_its_own_origin_only(supervisor_client, pages):
    for name, url in pages.items():
        answer = supervisor_client.get(url)
        policy = directives(answer.get("Content-Security-Policy", ""))
        assert policy.get("script-src") == ["'self'"], (name, policy)
        assert policy.get("style-src") == ["'self'"], (name, policy)
        assert policy.get("default-src") == ["'self'"] and policy.get("object-src") == ["'none'"], name
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert not [
            source for values in policy.values() for source in values if "://" in source or "*" in source
        ]
        if not answer.streaming and "html" in answer.get("Content-Type", ""):
            assert not inline_code(answer.content.decode()), (name, inline_code(answer.content.decode()))


def test_the_login_page_has_the_policy_too(client):
    assert "script-src 'self'" in client.get("/accounts/login/")["Content-Security-Policy"]
