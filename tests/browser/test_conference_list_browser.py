"""The live conference list's participant menus, filled in the browser from the one set of forms
the page carries (static/floor.js): the row's own ids and name, only what fits its state, and
the keyboard's m and h on a focused participant."""

import pytest

from conferences.models import Conference, Participant
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participants_menu_is_its_own_and_acts_on_it(login, supervisor, simulator, live_dashboard):
    handle = simulator.world.start_conference(name="Menus", participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    conference = Conference.objects.get(conference_id=handle.id)
    first, second = conference.participants.order_by("pk")
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(f"{live_dashboard.url}/conferences/")
    page.wait_for_selector("#live-status[data-state=live]")
    row, other = f"#floor-participant-{first.pk}", f"#floor-participant-{second.pk}"
    page.wait_for_selector(f"{other}", timeout=10_000)
    assert page.locator(f"{row} form").count() == 0  # nothing until it is used

    page.click(f"{row} summary")
    page.click(f"{other} summary")
    # Each menu posts for its own participant, names it, and owns its field ids.
    hold = page.locator(f"{row} form:has(button[value=hold])")
    assert hold.get_attribute("action") == (
        f"/conferences/{conference.conference_id}/participants/{first.call_control_id}/actions/hold/".replace(
            ":", "%3A"
        )
    )
    name = page.get_attribute(row, "data-name")
    assert page.locator(f"{row} button[value=hold]").inner_text().replace("\n", " ") == f"Hold {name}"
    assert page.locator(f"{row} button[value=unhold]").count() == 0
    assert page.locator(f"#id_p{first.pk}_update_supervisor_role").count() == 1
    assert page.locator(f"#id_p{second.pk}_update_supervisor_role").count() == 1
    # The placeholders by name: a call control id may hold "__" itself (v3:j7atz__9Dv7…).
    placeholders = ("__conference__", "__participant__", "__row__", "__who__")
    left = ", ".join(f"[id*='{name}'], [action*='{name}']" for name in placeholders)
    assert page.locator(left).count() == 0
    assert page.locator(f"{row} input[name=participant]").get_attribute("value") == first.call_control_id

    page.click(f"{row} button[value=hold]")
    page.wait_for_selector(f"{row} .badge.hold", timeout=10_000)
    assert Participant.objects.get(pk=first.pk).on_hold
    # The row came back closed and empty; opened again it offers Unhold.
    page.click(f"{row} summary")
    assert page.locator(f"{row} button[value=unhold]").count() == 1
    assert page.locator(f"{row} button[value=hold]").count() == 0

    # From the keyboard: Escape closes the menu, j moves to the next participant, m mutes them.
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == other[1:]
    page.keyboard.press("m")
    page.wait_for_selector(f"{other} .badge.muted", timeout=10_000)
    assert OperatorAction.objects.filter(action="mute", call_control_id=second.call_control_id).exists()
