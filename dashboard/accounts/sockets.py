"""Close a user's open sockets when their login ends or their role changes (see realtime/sessions.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from dashboard.realtime.sessions import ROLE_CHANGED, SIGNED_OUT, close_user_sockets

_CHANGES = {"post_add", "post_remove", "post_clear"}


def _close_after_commit(user_ids: set[int], code: int) -> None:
    # After commit, so a socket that reconnects at once reads the new role, not the old one.
    for user_id in user_ids:
        transaction.on_commit(lambda user_id=user_id: close_user_sockets(user_id, code))


def _logged_out(sender, request, user, **kwargs: object) -> None:  # noqa: ANN001
    if user is not None:
        close_user_sockets(user.pk, SIGNED_OUT)


def _user_saved(sender, instance, created: bool, **kwargs: object) -> None:  # noqa: ANN001
    if not created and not instance.is_active:
        _close_after_commit({instance.pk}, SIGNED_OUT)


def _users_of_changed_link(instance, reverse: bool, pk_set: set | None) -> set[int]:  # noqa: ANN001
    if not reverse:  # user.groups.add(...), user.user_permissions.remove(...)
        return {instance.pk}
    if pk_set is not None:  # group.user_set.add(users...)
        return set(pk_set)
    return set(instance.user_set.values_list("pk", flat=True))  # group.user_set.clear()


def _role_changed(sender, instance, action: str, reverse: bool, pk_set: set | None, **kwargs: object) -> None:  # noqa: ANN001
    if action in _CHANGES:
        _close_after_commit(_users_of_changed_link(instance, reverse, pk_set), ROLE_CHANGED)


def _group_permissions_changed(sender, instance, action: str, reverse: bool, **kwargs: object) -> None:  # noqa: ANN001
    if action not in _CHANGES:
        return
    groups = [instance] if not reverse else list(Group.objects.filter(pk__in=kwargs.get("pk_set") or ()))
    users = get_user_model()._default_manager.filter(groups__in=groups).values_list("pk", flat=True)
    _close_after_commit(set(users), ROLE_CHANGED)


def connect_socket_closers() -> None:
    user_model = get_user_model()
    user_logged_out.connect(_logged_out, dispatch_uid="switchboard-sockets-logout")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="switchboard-sockets-deactivated")
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(_role_changed, sender=through, dispatch_uid=f"switchboard-sockets-{through.__name__}")
    m2m_changed.connect(
        _group_permissions_changed, sender=Group.permissions.through, dispatch_uid="switchboard-sockets-group-perms"
    )
