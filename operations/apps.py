from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What spans calls and conferences: history, overview, reconciliation, delivery health."""

    name = "operations"
