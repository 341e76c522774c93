"""A socket lives no longer than the login it was opened with.

An open socket was authenticated once, when it connected. When its user logs out, is deactivated
or changes role, `close_user_sockets` tells every socket of that user to close (through the user's
group, `users.py`); and before acting on anything a socket sends, the consumer checks the session
again (`still_signed_in`), which also covers a close message lost on the way.
"""

import logging
from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare

from dashboard.realtime.broadcast import send
from dashboard.realtime.users import user_group

logger = logging.getLogger("switchboard.realtime")

SIGNED_OUT = 4401  # the page goes offline: reconnecting would be refused
ROLE_CHANGED = 4403  # the page reconnects at once, with what the new role may see and do


def close_user_sockets(user_id: int, code: int) -> None:
    """Close every socket `user_id` has open, in every worker (fire-and-forget)."""
    try:
        send([(user_group(user_id), {"type": "user.close", "code": code})])
    except RuntimeError:
        # No loop to send from (sync code in a thread running another event loop, as a browser test's
        # fixtures do): the sockets still refuse every frame once the session has ended.
        logger.warning("could not tell user %s's sockets to close", user_id)


def _session_still_valid(session_key: str, user_id: int) -> bool:
    # A fresh read: the scope's session was loaded when the socket connected.
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if str(session.get(SESSION_KEY)) != str(user_id):
        return False
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    stored_hash = session.get(HASH_SESSION_KEY) or ""
    return user is not None and constant_time_compare(stored_hash, user.get_session_auth_hash())


async def still_signed_in(scope: dict) -> bool:
    user, session = scope.get("user"), scope.get("session")
    if user is None or not user.is_authenticated or session is None or not session.session_key:
        return False
    return await database_sync_to_async(_session_still_valid)(session.session_key, user.pk)
