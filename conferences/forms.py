"""One form per Telnyx conference command (reference §4, seeds 001 and 003).

The conference action tables (`conferences/actions.py`) name each command's form. Participant
forms are the conference commands aimed at one participant, so they have no call_control_id
field (the runner pins the participant's leg), plus the participant PATCH and the TeXML update.
"""

from typing import Any

from django.core.exceptions import ValidationError

from dashboard.actions.fields import (
    HTTP_METHODS,
    BaseRecordStartForm,
    BaseSpeakForm,
    ClientStateField,
    CommandForm,
    LineListField,
    LoopField,
    OneOf,
    OptionalBooleanField,
    call_control_id_field,
    enum_field,
    text_field,
    url_field,
    validate_no_whitespace,
)

REGIONS = ("Australia", "Europe", "Middle East", "US")
BEEP_ENABLED = ("always", "never", "on_enter", "on_exit")
SUPERVISOR_ROLES = ("barge", "monitor", "none", "whisper")


def call_control_ids_field(**kwargs: Any) -> LineListField:
    kwargs.setdefault("help_text", "Call control ids, one per line.")
    return LineListField(item_validators=[validate_no_whitespace], **kwargs)


class RegionalForm(CommandForm):
    region = enum_field(REGIONS, help_text="Where the conference data lives; defaults to your account's.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inherited fields come first; region is rarely touched, so it goes last.
        self.fields["region"] = self.fields.pop("region")


# Conference actions -------------------------------------------------------------------------


class ConferenceJoinForm(RegionalForm):
    call_control_id = call_control_id_field(required=True)
    client_state = ClientStateField()
    beep_enabled = enum_field(BEEP_ENABLED)
    mute = OptionalBooleanField()
    hold = OptionalBooleanField()
    hold_audio_url = url_field(help_text="Played while the participant is on hold.")
    hold_media_name = text_field(help_text="Played while the participant is on hold.")
    start_conference_on_enter = OptionalBooleanField()
    end_conference_on_exit = OptionalBooleanField()
    soft_end_conference_on_exit = OptionalBooleanField()
    supervisor_role = enum_field(SUPERVISOR_ROLES)
    whisper_call_control_ids = call_control_ids_field(
        help_text="Who hears a whisper supervisor, one per line."
    )

    one_of = (OneOf(("hold_audio_url", "hold_media_name")),)


class ConferenceLeaveForm(CommandForm):
    call_control_id = call_control_id_field(required=True)
    beep_enabled = enum_field(BEEP_ENABLED)


class ConferenceMuteForm(RegionalForm):
    call_control_ids = call_control_ids_field(help_text="One per line; leave empty for everyone.")

    # Telnyx: an empty list means every participant, so the empty list is sent as such.
    keep_empty = frozenset({"call_control_ids"})


class ConferenceUnmuteForm(ConferenceMuteForm):
    """Unmute participants; with no ids, everyone."""


class ConferenceHoldForm(ConferenceMuteForm):
    audio_url = url_field(help_text="Played to the participants on hold.")
    media_name = text_field(help_text="Played to the participants on hold.")

    one_of = (OneOf(("audio_url", "media_name")),)


class ConferenceUnholdForm(RegionalForm):
    # Unlike mute, unhold names its participants: Telnyx requires the list.
    call_control_ids = call_control_ids_field(required=True)


class ConferenceUpdateForm(CommandForm):
    call_control_id = call_control_id_field(required=True)
    supervisor_role = enum_field(SUPERVISOR_ROLES, required=True)
    whisper_call_control_ids = call_control_ids_field(
        help_text="Who hears a whisper supervisor, one per line."
    )


class ConferenceSpeakForm(RegionalForm, BaseSpeakForm):
    call_control_ids = call_control_ids_field(help_text="One per line; leave empty for everyone.")


class ConferencePlayForm(RegionalForm):
    audio_url = url_field()
    media_name = text_field()
    loop = LoopField()
    call_control_ids = call_control_ids_field(help_text="One per line; leave empty for everyone.")

    one_of = (OneOf(("audio_url", "media_name"), required=True),)


class ConferenceStopForm(CommandForm):
    call_control_ids = call_control_ids_field(help_text="One per line; leave empty for everyone.")


class ConferenceRecordStartForm(BaseRecordStartForm):
    """Record the conference."""


class ConferenceRecordStopForm(RegionalForm):
    client_state = ClientStateField()
    recording_id = text_field(validators=[validate_no_whitespace], help_text="Stop only this recording.")


class ConferenceEndForm(CommandForm):
    """End the conference and hang up every participant."""


# Participant actions ------------------------------------------------------------------------
# Setting an inherited field to None removes it: the service targets the participant's own leg.


class ParticipantMuteForm(ConferenceMuteForm):
    call_control_ids = None


class ParticipantUnmuteForm(ConferenceUnmuteForm):
    call_control_ids = None


class ParticipantHoldForm(ConferenceHoldForm):
    call_control_ids = None


class ParticipantUnholdForm(ConferenceUnholdForm):
    call_control_ids = None


class ParticipantSupervisorRoleForm(ConferenceUpdateForm):
    call_control_id = None


class ParticipantLeaveForm(ConferenceLeaveForm):
    call_control_id = None


class ParticipantUpdateForm(CommandForm):
    """`PATCH /conferences/{id}/participants/{participant_id}` (seed 001)."""

    require_any = True

    beep_enabled = enum_field(BEEP_ENABLED)
    end_conference_on_exit = OptionalBooleanField()
    soft_end_conference_on_exit = OptionalBooleanField(
        help_text="Stop new participants joining when this one leaves, without hanging up the others."
    )


class TexmlParticipantUpdateForm(CommandForm):
    """The form-encoded TeXML participant update (seed 003): PascalCase names, "true"/"false"."""

    require_any = True

    # Labels in words: pretty_name would make "Holdurl" of HoldUrl.
    Muted = OptionalBooleanField(label="Muted")
    Hold = OptionalBooleanField(label="On hold")
    HoldUrl = url_field(label="Hold URL", help_text="MP3, WAV or TwiML played while on hold.")
    HoldMethod = enum_field(HTTP_METHODS, label="Hold method")
    AnnounceUrl = url_field(label="Announce URL", help_text="MP3, WAV or TwiML announced to the participant.")
    AnnounceMethod = enum_field(HTTP_METHODS, label="Announce method", help_text="Defaults to POST.")
    WaitUrl = url_field(label="Wait URL", help_text="Audio played while waiting for the conference to start.")
    BeepOnExit = OptionalBooleanField(label="Beep on exit")
    EndConferenceOnExit = OptionalBooleanField(label="End conference on exit")
    Coaching = OptionalBooleanField(label="Coaching")
    CallSidToCoach = text_field(
        label="Call SID to coach",
        validators=[validate_no_whitespace],
        help_text="The only participant who hears the coach.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Seed 003: "When `true`, `CallSidToCoach` has to be given."
        if (
            cleaned.get("Coaching")
            and not cleaned.get("CallSidToCoach")
            and "CallSidToCoach" not in self.errors
        ):
            self.add_error(
                "CallSidToCoach", ValidationError("Required when Coaching is yes.", code="required")
            )
        return cleaned

    def encode_value(self, value: Any) -> Any:
        # A form body has no booleans; TeXML reads lowercase words, and str(True) is "True".
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

