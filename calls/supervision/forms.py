"""The supervise dial's body: Telnyx's `POST /calls` with `supervise_call_control_id` and
`supervisor_role` (the SDK's `calls.dial`: "the call leg which will be supervised by the new call")."""

from django import forms

from calls.supervision.models import SupervisorRole
from dashboard.actions.fields import (
    CommandForm,
    call_control_id_field,
    enum_field,
    validate_base64,
    validate_e164_or_sip_uri,
)

NO_PHONE = "No supervisor phone is set: add yours on your profile, then listen again."


class SuperviseDialForm(CommandForm):
    to = forms.CharField(
        label="Supervisor phone",
        validators=[validate_e164_or_sip_uri],
        error_messages={"required": NO_PHONE},
    )
    from_ = forms.CharField(label="From", validators=[validate_e164_or_sip_uri])
    supervise_call_control_id = call_control_id_field(required=True)
    # `role` in the dashboard's requests, `supervisor_role` on the wire.
    role = enum_field(SupervisorRole.values, required=True)
    # Names the supervision: Telnyx echoes it on every webhook of the new leg (models.leg_marker).
    client_state = forms.CharField(validators=[validate_base64])

    @staticmethod
    def telnyx_name(field_name: str) -> str:
        return "supervisor_role" if field_name == "role" else field_name.removesuffix("_")


class JoinSupervisorDialForm(SuperviseDialForm):
    """A conference's supervisor: a plain call to their phone; the role goes with the join that
    follows the answer (Telnyx's conference join, `supervisor_role`)."""

    supervise_call_control_id = None

    def to_params(self) -> dict:
        params = super().to_params()
        params.pop("supervisor_role", None)
        return params
