"""Frames for people, not rows: push to one user's open pages or to every open page of the floor.

The contract, for whoever pushes and whoever listens:

- Every logged-in page holds exactly one websocket (`static/live.js`, loaded by `base.html`). A live
  page connects to its own target (`/ws/live/calls/` …); any other page connects to the personal
  target `/ws/live/me/`, which carries no rows. Either way the consumer also joins the user's group,
  `user_group(user.pk)`, and the floor's group, `FLOOR_GROUP`.
- `send_to_user(user_id, frame)` reaches every page that user has open (all tabs, all devices);
  `send_to_floor(frame)` reaches every open page of every user. Both are fire-and-forget, callable
  from any sync code (a view, a service, a thread); a layer failure is logged, not raised, and a
  frame to nobody is dropped.
- A frame is a JSON-serialisable dict with a "kind" naming what it is about ("supervision",
  "alert", "feed", …); the rest is the kind's own. Frames are hints, delivered at most once: a page
  that reconnects reads the current state again the way its kind decides (its own snapshot, a
  fetch), so a frame must never be the only record of anything.
- On the page, each frame is dispatched as
  `document.dispatchEvent(new CustomEvent("switchboard:frame", {detail: frame}))`; scripts listen
  with `document.addEventListener("switchboard:frame", (e) => { if (e.detail.kind === "…") … })`.
  The socket's own state is dispatched too, as `switchboard:socket` with `detail.state` one of
  "connecting", "live", "reconnecting", "offline".
- On the wire a frame travels as {"type": "frame", "frame": frame}; in the channel layer as
  {"type": "user.frame", "frame": frame}. Another message a consumer should act on (closing a
  user's sockets, say) is sent to `user_group(user_id)` with its own "type" and handled by the
  consumer; it is not a frame.
"""

import logging

from dashboard.realtime.broadcast import send

logger = logging.getLogger("switchboard.realtime")

FLOOR_GROUP = "floor"


def user_group(user_id: int) -> str:
    """The channel-layer group of one user's open pages."""
    return f"user.{int(user_id)}"


def _message(frame: dict) -> dict:
    if not isinstance(frame.get("kind"), str):
        raise ValueError("a frame needs a 'kind'")
    return {"type": "user.frame", "frame": frame}


def _push(group: str, frame: dict) -> None:
    message = _message(frame)
    try:
        send([(group, message)])
    except Exception:
        # A frame is a hint: whatever stops it (no loop to send from, say) must not fail the caller.
        logger.exception("could not push a %r frame", frame["kind"])


def send_to_user(user_id: int, frame: dict) -> None:
    """Push a frame to every page one user has open."""
    _push(user_group(user_id), frame)


def send_to_floor(frame: dict) -> None:
    """Push a frame to every open page of every user."""
    _push(FLOOR_GROUP, frame)
