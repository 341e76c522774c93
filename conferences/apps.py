from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"

    def ready(self) -> None:
        from conferences import live
        from conferences.projection import (
            CONFERENCE_PROJECTION,
            PARTICIPANT_PROJECTION,
            touch_conferences_of_participants,
        )
        from dashboard.eventlog.projections import register_batch_hook, register_projection

        register_projection(CONFERENCE_PROJECTION)
        register_projection(PARTICIPANT_PROJECTION)
        register_batch_hook(touch_conferences_of_participants)
        live.register()
