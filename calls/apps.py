from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"

    def ready(self) -> None:
        from calls import live
        from calls.projection import CALL_PROJECTION
        from dashboard.eventlog.projections import register_projection

        register_projection(CALL_PROJECTION)
        live.register()
