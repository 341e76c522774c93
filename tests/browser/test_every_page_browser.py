"""Every page as a phone and a wide screen show it, light and dark: no sideways scrolling, no serious or
critical accessibility violation (axe-core), and a screenshot of each in var/screenshots/ to look at.

One browser for the module and one logged-in context per role, width and theme. The supervisor sees
every page at 390 and 1440 px in both themes (and at 768 px for the overflow check); the viewer and the
admin see the pages whose content depends on the role; the API docs (Swagger UI, Redoc: their own
styles, no dark theme) are checked at both widths, Redoc's 20,000-node page by axe once.
"""

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.models import Event, OperatorAction
from tests.support.signing import as_http_headers, sign
from tests.support.tokens import api_token
from tests.support.waiting import eventually
from tests.support.webhooks import envelope

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
WIDE = {"width": 1440, "height": 900}
# Outside text with no place to break: it must wrap or fold, never widen a page.
LONG_STATE = "state-" + "x" * 4994
LONG_HEADER = "X-Trace-" + "y" * 600
LONG_NAME = "Escalations-" + "z" * 240

axe = Axe()


@pytest.fixture
def floor(simulator, supervisor, live_dashboard):
    """Something on every page: a call carrying long outside text, a conference with a long name and two
    participants, one muted by the supervisor (so the audit trail has a record)."""
    call = simulator.world.answered_call(
        caller_id_name="Ana Ruiz",
        client_state=base64.b64encode(LONG_STATE.encode()).decode(),
        sip_headers=[{"name": LONG_HEADER, "value": "z" * 300}],
    )
    handle = simulator.world.start_conference(name=LONG_NAME, participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    assert eventually(lambda: Call.objects.filter(call_control_id=call.call_control_id, state="answered").exists())
    # A caller waiting in a queue whose name is outside text too (the queue page).
    waiting = simulator.world.answered_call(caller_id_name="Bo Chen")
    assert eventually(lambda: Call.objects.filter(call_control_id=waiting.call_control_id, state="answered").exists())
    simulator.world.enqueue(waiting.call_control_id, LONG_NAME[:200])
    assert eventually(lambda: Call.objects.filter(call_control_id=waiting.call_control_id, state="queued").exists())
    # Call Control conferences are named by the application; a long name is outside text all the same.
    Conference.objects.filter(conference_id=handle.id).update(name=LONG_NAME)
    participant = Participant.objects.filter(conference__conference_id=handle.id).order_by("pk").first()
    muted = httpx.post(
        f"{live_dashboard.url}/api/conferences/{handle.id}/participants/{participant.call_control_id}/actions/mute/",
        json={},
        headers={"Authorization": f"Token {api_token(supervisor)}"},
        timeout=10,
    )
    assert muted.status_code == 200, muted.text
    return {
        "call": call.call_control_id,
        "conference": Conference.objects.get(conference_id=handle.id).conference_id,
        "participant": participant,
        "event": Event.objects.order_by("pk").first().pk,
        "action": OperatorAction.objects.get().pk,
    }


def pages(floor: dict) -> dict[str, str]:
    return {
        "live-calls": "/calls/",
        "call": f"/calls/{floor['call']}/",
        "conferences": "/conferences/",
        "conference": f"/conferences/{floor['conference']}/",
        "overview": "/overview/",
        "queues": "/queues/",
        "history-calls": "/history/calls/",
        "history-conferences": "/history/conferences/",
        "history-events": "/history/events/",
        "event": f"/history/events/{floor['event']}/",
        "history-actions": "/history/actions/",
        "action": f"/history/actions/{floor['action']}/",
        "history-empty": "/history/calls/?number=zzzz",
        "delivery": "/history/delivery/",
        "profile": "/profile/",
    }


def open_as(browser, server, user, viewport: dict, scheme: str = "light"):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(server.url + "/accounts/login/")
    if user is not None:
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-" + user.username)
        page.click("button[type=submit]")
        page.wait_for_url("**/calls/")
    return page


def visit(page, server, name: str, path: str) -> None:
    page.goto(server.url + path)
    if name in {"live-calls", "call", "conferences", "conference", "overview", "queues"}:
        page.wait_for_selector("#live-status[data-state=live]")
    if name == "overview":
        page.wait_for_selector("#concurrency-chart polyline")
    if name == "api-docs":
        page.wait_for_selector(".swagger-ui .opblock")
    if name == "api-redoc":
        page.wait_for_selector(".api-content", timeout=20_000)


def check(page, label: str, *, run_axe: bool = True, full_page: bool = True) -> list[str]:
    """What is wrong with the page as shown now: sideways scrolling, serious or critical axe findings."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{label}.png"), full_page=full_page)
    problems = []
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > window:
        problems.append(f"{label}: the page is {width} px wide in a {window} px window")
    if run_axe:
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                where = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"{label}: {violation['impact']} {violation['id']} ({violation['help']}) at {where}")
    return problems


@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(PHONE, "light"), (PHONE, "dark"), (WIDE, "light"), (WIDE, "dark")],
    ids=["390-light", "390-dark", "1440-light", "1440-dark"],
)
def test_every_page_fits_and_passes_axe_for_a_supervisor(browser, live_dashboard, supervisor, floor, viewport, scheme):
    prefix = f"{viewport['width']}-{scheme}"
    page = open_as(browser, live_dashboard, supervisor, viewport, scheme)
    problems = []
    for name, path in pages(floor).items():
        visit(page, live_dashboard, name, path)
        problems += check(page, f"{prefix}-{name}")
    if viewport is PHONE:
        visit(page, live_dashboard, "live-calls", "/calls/")
        page.click(".menu-button")
        assert page.locator("#site-menu nav a").first.is_visible()
        problems += check(page, f"{prefix}-menu-open", full_page=False)
    page.context.close()
    login = open_as(browser, live_dashboard, None, viewport, scheme)
    problems += check(login, f"{prefix}-login")
    login.context.close()
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_at_768_px(browser, live_dashboard, supervisor, floor):
    page = open_as(browser, live_dashboard, supervisor, TABLET)
    problems = []
    for name, path in pages(floor).items():
        visit(page, live_dashboard, name, path)
        problems += check(page, f"768-light-{name}", run_axe=False)
    page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("role", "viewport", "scheme"), [("viewer", PHONE, "dark"), ("admin_user", WIDE, "light")], ids=["viewer", "admin"]
)
def test_the_pages_that_change_with_the_role_fit_and_pass_axe(request, browser, live_dashboard, floor, role, viewport, scheme):
    """A viewer's rows have no buttons; an admin's pages are a supervisor's: one width and theme each."""
    page = open_as(browser, live_dashboard, request.getfixturevalue(role), viewport, scheme)
    problems = []
    for name in ("live-calls", "call", "conference"):
        visit(page, live_dashboard, name, pages(floor)[name])
        problems += check(page, f"{viewport['width']}-{scheme}-{role}-{name}")
    page.context.close()
    assert not problems, "\n".join(problems)


def test_the_api_docs_fit_pass_axe_and_render_their_markdown(browser, live_dashboard, supervisor, floor):
    problems = []
    for viewport in (PHONE, WIDE):
        page = open_as(browser, live_dashboard, supervisor, viewport)
        visit(page, live_dashboard, "api-docs", "/api/docs/")
        problems += check(page, f"{viewport['width']}-api-docs", full_page=False)
        if viewport is WIDE:
            page.click("#operations-calls-calls_list .opblock-summary-control")
            page.wait_for_selector("#operations-calls-calls_list .parameters")
            text = re.sub(r"\s+", " ", page.inner_text("body"))
            assert "* `" not in text and "parked - ringing" in text  # Markdown lists shown as lists
        visit(page, live_dashboard, "api-redoc", "/api/redoc/")
        problems += check(page, f"{viewport['width']}-api-redoc", run_axe=viewport is WIDE, full_page=False)
        page.context.close()
    assert not problems, "\n".join(problems)


def post_webhook(server, document: dict) -> None:
    body = json.dumps(document).encode()
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    assert httpx.post(server.url + "/webhooks/telnyx/", content=body, headers=headers, timeout=10).status_code == 200


def test_a_supervisor_works_the_floor_from_the_keyboard(browser, live_dashboard, supervisor, floor):
    # A call ringing for two minutes: marked in words beside its colour, not by colour alone.
    started = (datetime.now(UTC) - timedelta(minutes=2)).isoformat().replace("+00:00", "Z")
    post_webhook(
        live_dashboard,
        envelope(
            "call.initiated",
            {
                "call_control_id": "v3:keyboard-ringing",
                "call_leg_id": str(uuid.uuid4()),
                "call_session_id": str(uuid.uuid4()),
                "connection_id": "1494404757140276705",
                "from": "+14155550177",
                "to": "+18005550100",
                "direction": "incoming",
                "state": "parked",
                "start_time": started,
            },
            event_id=str(uuid.uuid4()),
            occurred_at=started,
        ),
    )
    page = open_as(browser, live_dashboard, supervisor, WIDE)
    # Loaded once: with webhooks seconds before, the websocket sends the rows they changed instead.
    snapshots = []
    page.on("request", lambda request: request.headers.get("x-live-snapshot") and snapshots.append(request.url))
    page.goto(live_dashboard.url + "/calls/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.wait_for_timeout(500)
    assert snapshots == []
    ringing = page.locator("#live-rows tr", has_text="+14155550177")
    ringing.locator(".alert-flag").wait_for()
    assert ringing.locator(".alert-flag").inner_text().startswith("⚠ ringing over")
    # The alert's colours keep their contrast in both themes.
    problems = check(page, "1440-light-live-calls-alert", full_page=False)
    page.emulate_media(color_scheme="dark")
    problems += check(page, "1440-dark-live-calls-alert", full_page=False)
    page.emulate_media(color_scheme="light")
    assert not problems, "\n".join(problems)

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == first

    # On the conference: j to the muted participant, m unmutes, m again mutes, h holds.
    participant = floor["participant"]
    page.goto(f"{live_dashboard.url}/conferences/{floor['conference']}/")
    page.wait_for_selector("#live-status[data-state=live]")
    row = f"#participant-{participant.pk}"
    for _ in range(3):
        page.keyboard.press("j")
        if page.evaluate("document.activeElement.id") == f"participant-{participant.pk}":
            break
    assert page.evaluate("document.activeElement.id") == f"participant-{participant.pk}"
    page.keyboard.press("m")
    page.wait_for_selector(f"{row} button[value=mute]", timeout=10_000)
    assert page.evaluate("document.activeElement.id") == f"participant-{participant.pk}"  # kept on the new row
    assert "Unmuted " in page.locator("#messages").inner_text()
    page.keyboard.press("h")
    page.wait_for_selector(f"{row} .badge.hold", timeout=10_000)
    # Esc closes an open form and gives the focus back to its summary.
    page.locator(f"{row} details summary").first.click()
    page.keyboard.press("Escape")
    assert page.locator(f"{row} details[open]").count() == 0
    # Enter opens the focused row's call.
    page.locator(row).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/calls/{participant.call_control_id}/")
    page.context.close()
