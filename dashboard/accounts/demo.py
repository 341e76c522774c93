"""Demo logins for the embedded mode, one per role."""

from django.contrib.auth import get_user_model

from dashboard.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_VIEWER, assign_role
from dashboard.models import UserProfile

DEMO_PASSWORD = "switchboard-demo"  # noqa: S105 - a published demo login for the embedded mode only
DEMO_SUPERVISOR_PHONE = "+13125550199"
DEMO_USERS = {"supervisor": ROLE_SUPERVISOR, "viewer": ROLE_VIEWER, "admin": ROLE_ADMIN}


def ensure_demo_users() -> list[str]:
    User = get_user_model()
    for username, role in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == ROLE_ADMIN
        user.is_superuser = role == ROLE_ADMIN
        user.save()
        assign_role(user, role)
        if role != ROLE_VIEWER:
            # The simulator answers it: Listen works from the first click (the profile can change it).
            UserProfile.objects.get_or_create(user=user, defaults={"supervisor_phone": DEMO_SUPERVISOR_PHONE})
    return list(DEMO_USERS)
