"""The blank action forms a participant row offers."""

from django import template

from conferences.models import Participant
from dashboard.actions.fields import CommandForm
from dashboard.actions.spec import action_spec

register = template.Library()


@register.simple_tag
def participant_form(action: str, participant: Participant) -> CommandForm:
    """A blank participant action form with ids unique to its row."""
    return action_spec("participant", action).form(auto_id=f"id_p{participant.pk}_{action}_%s")
