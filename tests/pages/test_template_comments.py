"""Django's `{# … #}` comment ends at the line's end: one spread over lines is printed on the page
as text (the queues page showed its own comment to supervisors)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_spreads_a_short_comment_over_lines():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert offenders == [], "use {% comment %} for comments over several lines"
