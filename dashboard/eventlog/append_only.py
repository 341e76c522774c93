"""The event log, the audit trail and the rejected deliveries are append-only, at the model level.

Saving an existing row, or deleting a row with `row.delete()`, raises, whoever asks (a view, a
shell, the admin). What the system itself changes goes through QuerySet.update and is untouched
here: the ingest counts duplicate deliveries on the stored event, and a dial records the new
call's id on its audit record. A QuerySet.delete() is a deliberate bulk operation (the retention
command, which deletes with plain SQL anyway, or a test resetting its database) and goes through.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models.signals import pre_delete, pre_save

from dashboard.models import Event, OperatorAction, RejectedWebhook

APPEND_ONLY_MODELS: tuple[type[Model], ...] = (Event, OperatorAction, RejectedWebhook)


class HistoryIsAppendOnly(PermissionDenied):
    """History is never edited or deleted by hand; only the retention command removes old rows."""


def refuse_edits(sender: type[Model], instance: Model, **kwargs: object) -> None:
    if not instance._state.adding or (
        instance.pk is not None and sender._default_manager.filter(pk=instance.pk).exists()
    ):
        raise HistoryIsAppendOnly(
            f"{sender._meta.verbose_name} {instance.pk} is history: it cannot be changed"
        )


def refuse_deletes(sender: type[Model], instance: Model, origin: object = None, **kwargs: object) -> None:
    # `origin` is what delete() was called on: a row is refused, a QuerySet is a bulk operation.
    if not isinstance(origin, Model):
        return
    raise HistoryIsAppendOnly(
        f"{sender._meta.verbose_name} {instance.pk} is history: only the retention command (prune_history) "
        "deletes it"
    )


def connect_append_only_guard() -> None:
    """Called from the app's ready(): every process that loads the models is guarded."""
    for model in APPEND_ONLY_MODELS:
        pre_save.connect(refuse_edits, sender=model, dispatch_uid=f"append-only-save-{model._meta.label}")
        pre_delete.connect(refuse_deletes, sender=model, dispatch_uid=f"append-only-delete-{model._meta.label}")
