"""Roles as Django groups: viewer reads, supervisor acts on calls and conferences, admin also manages.

Each registered action (dashboard/actions/spec.py) is one permission on the audit model. They and
the three roles are created after every `migrate` (and every test database flush), so they exist
before the first user does, and follow the action tables as they grow.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from dashboard.actions.spec import all_actions
from dashboard.models import OperatorAction

ROLE_VIEWER = "viewer"
ROLE_SUPERVISOR = "supervisor"
ROLE_ADMIN = "admin"
ROLES = (ROLE_VIEWER, ROLE_SUPERVISOR, ROLE_ADMIN)
# Permissions of actions offered outside the action tables (calls/supervision/actions.py).
OTHER_PERMISSIONS = {"call_supervise": "Can supervise (listen, whisper, barge) (call)"}


def action_permissions() -> list[Permission]:
    """Every action's permission, created where missing."""
    content_type = ContentType.objects.get_for_model(OperatorAction)
    wanted = {spec.permission: spec.permission_name for spec in all_actions()} | OTHER_PERMISSIONS
    existing = {p.codename: p for p in Permission.objects.filter(content_type=content_type, codename__in=wanted)}
    missing = [
        Permission(content_type=content_type, codename=codename, name=name)
        for codename, name in wanted.items()
        if codename not in existing
    ]
    Permission.objects.bulk_create(missing)
    return [*existing.values(), *missing]


def ensure_roles() -> dict[str, Group]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in ROLES}
    permissions = action_permissions()
    groups[ROLE_VIEWER].permissions.clear()
    groups[ROLE_SUPERVISOR].permissions.set(permissions)
    groups[ROLE_ADMIN].permissions.set(permissions)
    return groups


def create_roles_after_migrate(**kwargs: object) -> None:
    ensure_roles()


def assign_role(user: object, role: str) -> None:
    groups = ensure_roles()
    user.groups.set([groups[role]])
