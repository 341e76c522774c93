"""Push state changes to open pages, after commit, as server-rendered row fragments.

Broadcasts are hints: delivery is at-most-once and a page that misses one (a version gap, a
reconnect) re-fetches its snapshot. Rendering uses the same partial templates as the pages.
"""

import asyncio
import logging
import threading
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from calls.models import Call
from conferences.models import Conference, Participant

from . import groups

logger = logging.getLogger("switchboard.realtime")

_main_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def remember_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The server's loop: broadcasts from plain threads are scheduled onto it."""
    global _main_loop
    if _main_loop is loop:
        return
    with _loop_lock:
        _main_loop = loop


def _message(
    kind: str,
    instance: Call | Conference | Participant,
    html: str,
    alive: bool,
    html_readonly: str | None = None,
) -> dict:
    """`html_readonly` is the variant without action buttons, for users who may not act."""
    return {
        "type": "live.update",
        "kind": kind,
        "dom_id": f"{kind}-{instance.pk}",
        "version": instance.version,
        "alive": alive,
        "html": html,
        "html_readonly": html if html_readonly is None else html_readonly,
    }


def messages_for_calls(calls: Iterable[Call]) -> list[tuple[str, dict]]:
    out = []
    for call in calls:
        html = render_to_string("calls/_call_row.html", {"call": call})
        message = _message("call", call, html, call.is_alive)
        out += [(groups.CALLS, message), (groups.call_group(call.pk), message)]
    return out


def messages_for_conferences(conferences: Iterable[Conference]) -> list[tuple[str, dict]]:
    from conferences.selectors import conference_list

    pks = {c.pk for c in conferences}
    out = []
    for conference in conference_list().filter(pk__in=pks):
        html = render_to_string("conferences/_conference_row.html", {"conference": conference})
        message = _message("conference", conference, html, conference.is_live)
        out += [(groups.CONFERENCES, message), (groups.conference_group(conference.pk), message)]
    return out


def messages_for_participants(participants: Iterable[Participant]) -> list[tuple[str, dict]]:
    out = []
    for participant in participants:
        template = "conferences/_participant_row.html"
        html = render_to_string(template, {"participant": participant, "can_act_on_participants": True})
        readonly = render_to_string(template, {"participant": participant, "can_act_on_participants": False})
        message = _message("participant", participant, html, participant.status != "left", readonly)
        out.append((groups.conference_group(participant.conference_id), message))
    return out


async def _send_all(messages: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in messages:
        try:
            await layer.group_send(group, message)
        except Exception:
            # Redis down or a full channel: pages re-sync on reconnect, so a lost hint is tolerable.
            logger.warning("broadcast to %s failed", group, exc_info=True)


def send(messages: list[tuple[str, dict]]) -> None:
    if not messages:
        return
    loop = _main_loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(_send_all(messages))
        else:
            asyncio.run_coroutine_threadsafe(_send_all(messages), loop)
        return
    async_to_sync(_send_all)(messages)


def broadcast_changes(changes: object) -> None:
    """Render and send everything a committed batch changed; never raises into the caller."""
    try:
        messages = messages_for_conferences(changes.conferences)
        messages += messages_for_participants(changes.participants)
        messages += messages_for_calls(changes.calls)
        send(messages)
    except Exception:
        logger.exception("could not broadcast state changes")


def nudge(live_groups: tuple[str, ...]) -> None:
    """Tell detail pages that their object's timeline changed (an operator acted): they re-sync."""
    send(
        [
            (
                group,
                {
                    "type": "live.update",
                    "kind": "refresh",
                    "dom_id": group.replace(".", "-"),
                    "version": 0,
                    "alive": True,
                    "html": "",
                },
            )
            for group in live_groups
        ]
    )
