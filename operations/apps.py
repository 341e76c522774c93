from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What spans calls and conferences: history, overview, reconciliation, delivery health."""

    name = "operations"

    def ready(self) -> None:
        from operations import gauges
        from operations.alerts import hooks as alert_hooks

        gauges.register()
        alert_hooks.register()
