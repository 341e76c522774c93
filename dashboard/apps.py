from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DashboardConfig(AppConfig):
    """The core: event log, webhooks, Telnyx client, actions and audit, realtime, accounts."""

    name = "dashboard"
    verbose_name = "Switchboard"

    def ready(self) -> None:
        from dashboard.accounts.counting import connect_login_counters
        from dashboard.accounts.roles import create_roles_after_migrate
        from dashboard.accounts.sockets import connect_socket_closers
        from dashboard.db import checks  # noqa: F401 - registers the PostgreSQL login check
        from dashboard.eventlog.append_only import connect_append_only_guard
        from dashboard.web import converters

        connect_append_only_guard()
        converters.register()
        connect_login_counters()
        connect_socket_closers()
        post_migrate.connect(create_roles_after_migrate, sender=self, dispatch_uid="switchboard-roles")
