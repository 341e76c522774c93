from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"

    def ready(self) -> None:
        from calls import live
        from calls.actions import CALL_ACTIONS
        from calls.projection import CALL_PROJECTION
        from calls.queues import live as queues_live
        from calls.supervision import hooks as supervision_hooks
        from dashboard.actions.spec import register_actions
        from dashboard.eventlog.projections import register_projection

        register_projection(CALL_PROJECTION)
        register_actions(CALL_ACTIONS)
        live.register()
        queues_live.register()
        supervision_hooks.register()
