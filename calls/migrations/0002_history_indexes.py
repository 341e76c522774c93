"""Indexes for the history searches (issue 6), kept out of the model's state on purpose.

They serve reads only, so they live in the database alone (SeparateDatabaseAndState): the model
stays as its app defines it, and `makemigrations` sees no change.
"""

from django.db import migrations, models

from dashboard.db.functions import SecondsBetween


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # "Call id" searches match the leg id too; the control and session ids are indexed already.
                migrations.AddIndex(
                    model_name="call", index=models.Index(fields=["call_leg_id"], name="call_leg_id_idx")
                ),
                # A filter on a common value (state=hangup: most calls) listed newest first: read in
                # start order from these, where the single-column indexes made SQLite sort them all.
                migrations.AddIndex(
                    model_name="call",
                    index=models.Index(fields=["state", "start_time"], name="call_state_start_idx"),
                ),
                migrations.AddIndex(
                    model_name="call",
                    index=models.Index(fields=["direction", "start_time"], name="call_direction_start_idx"),
                ),
                migrations.AddIndex(
                    model_name="call",
                    index=models.Index(fields=["hangup_cause", "start_time"], name="call_cause_start_idx"),
                ),
                # Duration searches and sorts, on the very expression the history search computes.
                migrations.AddIndex(
                    model_name="call",
                    index=models.Index(SecondsBetween("start_time", "ended_at"), name="call_duration_idx"),
                ),
            ],
            state_operations=[],
        )
    ]
