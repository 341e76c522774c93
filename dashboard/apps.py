from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The core: event log, webhooks, Telnyx client, actions and audit, realtime, accounts."""

    name = "dashboard"
    verbose_name = "Switchboard"

    def ready(self) -> None:
        from dashboard.eventlog.append_only import connect_append_only_guard
        from dashboard.web import converters

        connect_append_only_guard()
        converters.register()
