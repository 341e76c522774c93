"""Indexes for the history searches (issue 6), kept out of the models' state on purpose.

They serve reads only, so they live in the database alone (SeparateDatabaseAndState): the models
stay as their apps define them, and `makemigrations` sees no change.
"""

from django.db import migrations, models

INDEXES = {
    "event": [
        # Events of some types, newest first, within a time range.
        models.Index(fields=["event_type", "received_at"], name="event_type_received_idx"),
        # Partial: only the rare repeated or retried deliveries are indexed, so ingest barely pays.
        models.Index(
            fields=["received_at"], name="event_duplicated_recv_idx", condition=models.Q(duplicates__gt=0)
        ),
        models.Index(
            fields=["received_at"], name="event_retried_recv_idx", condition=models.Q(attempt__gt=1)
        ),
    ],
    "operatoraction": [
        models.Index(fields=["username", "created_at"], name="action_user_created_idx"),
        models.Index(fields=["action", "created_at"], name="action_action_created_idx"),
        models.Index(fields=["outcome", "created_at"], name="action_outcome_created_idx"),
    ],
}


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_login_failure")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(model_name=model, index=index)
                for model, indexes in INDEXES.items()
                for index in indexes
            ],
            state_operations=[],
        )
    ]
