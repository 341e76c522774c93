from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"

    def ready(self) -> None:
        from conferences import live, supervision
        from conferences.actions import CONFERENCE_ACTIONS, PARTICIPANT_ACTIONS
        from conferences.projection import (
            CONFERENCE_PROJECTION,
            PARTICIPANT_PROJECTION,
            touch_conferences_of_participants,
        )
        from dashboard.actions.spec import register_actions
        from dashboard.eventlog.projections import register_batch_hook, register_projection

        register_projection(CONFERENCE_PROJECTION)
        register_projection(PARTICIPANT_PROJECTION)
        register_batch_hook(touch_conferences_of_participants)
        register_actions(CONFERENCE_ACTIONS)
        register_actions(PARTICIPANT_ACTIONS)
        live.register()
        supervision.register()
