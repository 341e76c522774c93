"""Roles as Django groups: viewer reads, supervisor acts on calls and conferences, admin also manages."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from dashboard.actions.permissions import all_permissions

ROLE_VIEWER = "viewer"
ROLE_SUPERVISOR = "supervisor"
ROLE_ADMIN = "admin"
ROLES = (ROLE_VIEWER, ROLE_SUPERVISOR, ROLE_ADMIN)


def action_permissions() -> list[Permission]:
    from dashboard.models import OperatorAction

    content_type = ContentType.objects.get_for_model(OperatorAction)
    codenames = [codename for codename, _ in all_permissions()]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def ensure_roles() -> dict[str, Group]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in ROLES}
    permissions = action_permissions()
    groups[ROLE_VIEWER].permissions.clear()
    groups[ROLE_SUPERVISOR].permissions.set(permissions)
    groups[ROLE_ADMIN].permissions.set(permissions)
    return groups


def assign_role(user: object, role: str) -> None:
    groups = ensure_roles()
    user.groups.set([groups[role]])
