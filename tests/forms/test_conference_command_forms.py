"""Every conference and participant command form, and the TeXML participant update."""

import pytest

from conferences.actions import CONFERENCE_ACTIONS, PARTICIPANT_ACTIONS
from conferences.forms import TexmlParticipantUpdateForm
from tests.support.commands import B64, CCID, CCID2
from tests.support.commands import CONFERENCE_COMMANDS as CONFERENCE_MINIMAL

CONFERENCE_ACTION_FORMS = {spec.name: spec.form for spec in CONFERENCE_ACTIONS}
PARTICIPANT_ACTION_FORMS = {spec.name: spec.form for spec in PARTICIPANT_ACTIONS}

CONFERENCE_MINIMAL_BODY = {
    "join": {"call_control_id": CCID},
    "leave": {"call_control_id": CCID},
    # Telnyx: an empty call_control_ids means everyone, so it is sent.
    "mute": {"call_control_ids": []},
    "unmute": {"call_control_ids": []},
    "hold": {"call_control_ids": []},
    "unhold": {"call_control_ids": [CCID]},
    "update": {"call_control_id": CCID, "supervisor_role": "monitor"},
    "speak": {"payload": "The conference ends in five minutes", "voice": "female"},
    "play": {"audio_url": "https://example.com/a.mp3"},
    "stop": {},
    "record_start": {"format": "mp3"},
    "record_stop": {},
    "end": {},
}


def conference_form(action: str, changes: dict | None = None):
    data = {**CONFERENCE_MINIMAL[action], **(changes or {})}
    return CONFERENCE_ACTION_FORMS[action]({key: value for key, value in data.items() if value is not None})


def assert_refused(form, errors: dict[str, str]) -> None:
    assert not form.is_valid()
    assert set(form.errors) == set(errors), form.errors
    for field, message in errors.items():
        assert message in " ".join(form.errors[field]), form.errors[field]


def test_form_maps_match_the_actions_the_dashboard_offers():
    assert set(CONFERENCE_ACTION_FORMS) == set(CONFERENCE_MINIMAL)
    assert PARTICIPANT_ACTION_FORMS["texml_update"] is TexmlParticipantUpdateForm


def test_every_form_has_a_label_and_no_command_id():
    for spec in [*CONFERENCE_ACTIONS, *PARTICIPANT_ACTIONS]:
        assert spec.label and spec.description
        assert "command_id" not in spec.form.base_fields


def test_destructive_forms_are_end_and_leave():
    assert {spec.name for spec in CONFERENCE_ACTIONS if spec.destructive} == {"end", "leave"}
    assert {spec.name for spec in PARTICIPANT_ACTIONS if spec.destructive} == {"leave"}


@pytest.mark.parametrize("action", sorted(CONFERENCE_MINIMAL))
def test_minimal_conference_input_gives_a_minimal_body(action):
    form = conference_form(action)
    assert form.is_valid(), form.errors
    assert form.to_params() == CONFERENCE_MINIMAL_BODY[action]


CONFERENCE_VALID = [
    pytest.param(
        "join",
        {
            "client_state_encoding": "text",
            "client_state": "have a nice day =]",
            "beep_enabled": "on_exit",
            "mute": "false",
            "hold": "true",
            "hold_media_name": "hold-music",
            "start_conference_on_enter": "true",
            "end_conference_on_exit": "false",
            "soft_end_conference_on_exit": "true",
            "supervisor_role": "whisper",
            "whisper_call_control_ids": f"{CCID2}\n\n{CCID2}\n",
            "region": "Middle East",
        },
        {
            "region": "Middle East",
            "call_control_id": CCID,
            "client_state": B64,
            "beep_enabled": "on_exit",
            "mute": False,
            "hold": True,
            "hold_media_name": "hold-music",
            "start_conference_on_enter": True,
            "end_conference_on_exit": False,
            "soft_end_conference_on_exit": True,
            "supervisor_role": "whisper",
            "whisper_call_control_ids": [CCID2],
        },
        id="join-whisper",
    ),
    pytest.param(
        "leave", {"beep_enabled": "never"}, {"call_control_id": CCID, "beep_enabled": "never"}, id="leave"
    ),
    pytest.param(
        "mute",
        {"call_control_ids": f"{CCID}\n{CCID2}", "region": "US"},
        {"region": "US", "call_control_ids": [CCID, CCID2]},
        id="mute-some",
    ),
    pytest.param(
        "hold",
        {"audio_url": "https://example.com/hold.mp3"},
        {"call_control_ids": [], "audio_url": "https://example.com/hold.mp3"},
        id="hold-everyone-with-music",
    ),
    pytest.param(
        "unhold",
        {"call_control_ids": [CCID, CCID2], "region": "Europe"},
        {"region": "Europe", "call_control_ids": [CCID, CCID2]},
        id="unhold-json-list",
    ),
    pytest.param(
        "update",
        {"supervisor_role": "whisper", "whisper_call_control_ids": CCID2},
        {"call_control_id": CCID, "supervisor_role": "whisper", "whisper_call_control_ids": [CCID2]},
        id="update-whisper",
    ),
    pytest.param(
        "speak",
        {
            "voice": "Telnyx.KokoroTTS.af",
            "language": "en-US",
            "payload_type": "text",
            "call_control_ids": CCID,
            "region": "Australia",
        },
        {
            "region": "Australia",
            "payload": "The conference ends in five minutes",
            "voice": "Telnyx.KokoroTTS.af",
            "language": "en-US",
            "payload_type": "text",
            "call_control_ids": [CCID],
        },
        id="speak-to-one",
    ),
    pytest.param(
        "play",
        {"audio_url": None, "media_name": "announcement", "loop": "infinity", "call_control_ids": CCID},
        {"media_name": "announcement", "loop": "infinity", "call_control_ids": [CCID]},
        id="play-media-looping",
    ),
    pytest.param("stop", {"call_control_ids": CCID}, {"call_control_ids": [CCID]}, id="stop-one"),
    pytest.param(
        "record_start",
        {"format": "wav", "custom_file_name": "board", "play_beep": "false", "trim": "trim-silence"},
        {"format": "wav", "custom_file_name": "board", "play_beep": False, "trim": "trim-silence"},
        id="record-start",
    ),
    pytest.param(
        "record_stop",
        {"client_state": B64, "recording_id": "7b4f6a4e-1c1a-4b5e-8a67-2a3b5c6d7e8f", "region": "US"},
        {"region": "US", "client_state": B64, "recording_id": "7b4f6a4e-1c1a-4b5e-8a67-2a3b5c6d7e8f"},
        id="record-stop",
    ),
]


@pytest.mark.parametrize(("action", "changes", "params"), CONFERENCE_VALID)
def test_valid_conference_input_gives_the_exact_telnyx_body(action, changes, params):
    form = conference_form(action, changes)
    assert form.is_valid(), form.errors
    assert form.to_params() == params


CONFERENCE_REFUSALS = [
    ("join", {"call_control_id": None}, {"call_control_id": "required"}),
    ("leave", {"call_control_id": None}, {"call_control_id": "required"}),
    ("unhold", {"call_control_ids": None}, {"call_control_ids": "required"}),
    ("unhold", {"call_control_ids": "\n \n"}, {"call_control_ids": "required"}),
    ("update", {"call_control_id": None}, {"call_control_id": "required"}),
    ("update", {"supervisor_role": None}, {"supervisor_role": "required"}),
    ("speak", {"payload": None}, {"payload": "required"}),
    ("speak", {"voice": None}, {"voice": "required"}),
    ("record_start", {"format": None}, {"format": "required"}),
    (
        "join",
        {"beep_enabled": "sometimes"},
        {"beep_enabled": "Choose one of: always, never, on_enter, on_exit."},
    ),
    (
        "join",
        {"supervisor_role": "boss"},
        {"supervisor_role": "Choose one of: barge, monitor, none, whisper."},
    ),
    ("leave", {"beep_enabled": "loud"}, {"beep_enabled": "Choose one of"}),
    (
        "update",
        {"supervisor_role": "coach"},
        {"supervisor_role": "Choose one of: barge, monitor, none, whisper."},
    ),
    ("mute", {"region": "Asia"}, {"region": "Choose one of: Australia, Europe, Middle East, US."}),
    ("record_start", {"format": "ogg"}, {"format": "Choose one of: mp3, wav."}),
    ("record_start", {"trim": "trim"}, {"trim": "Choose one of: trim-silence."}),
    ("speak", {"language": "en"}, {"language": "Choose one of"}),
    ("speak", {"payload_type": "html"}, {"payload_type": "Choose one of: text, ssml."}),
    ("speak", {"voice": "two words"}, {"voice": "Provider.Model.VoiceId"}),
    ("speak", {"payload": "x" * 3001}, {"payload": "at most 3000 characters (it has 3001)"}),
    ("play", {"loop": "0"}, {"loop": "1 to 100, or infinity"}),
    ("play", {"audio_url": "www.example.com/a.mp3"}, {"audio_url": "http/https URL"}),
    ("join", {"client_state": "not base64"}, {"client_state": "valid base64"}),
    ("join", {"hold_audio_url": "ftp://example.com/a.mp3"}, {"hold_audio_url": "http/https URL"}),
    ("mute", {"call_control_ids": "v3:one v3:two"}, {"call_control_ids": "Line 1"}),
    (
        "join",
        {"hold_audio_url": "https://example.com/hold.mp3", "hold_media_name": "hold"},
        {"hold_audio_url": "Give only one of", "hold_media_name": "Give only one of"},
    ),
    (
        "hold",
        {"audio_url": "https://example.com/hold.mp3", "media_name": "hold"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    ("play", {"media_name": "hello"}, {"audio_url": "Give only one of", "media_name": "Give only one of"}),
    ("play", {"audio_url": None}, {"audio_url": "Give one of", "media_name": "Give one of"}),
]


@pytest.mark.parametrize(("action", "changes", "errors"), CONFERENCE_REFUSALS)
def test_each_conference_rule_refuses_on_the_right_field(action, changes, errors):
    assert_refused(conference_form(action, changes), errors)


def test_speak_payload_of_3000_characters_is_accepted():
    assert conference_form("speak", {"payload": "x" * 3000}).is_valid()


# Participant rows ---------------------------------------------------------------------------

PARTICIPANT_VALID = [
    ("mute", {}, {}),
    ("mute", {"region": "US"}, {"region": "US"}),
    ("unmute", {}, {}),
    ("hold", {"media_name": "hold-music"}, {"media_name": "hold-music"}),
    ("unhold", {}, {}),
    ("update", {"supervisor_role": "barge"}, {"supervisor_role": "barge"}),
    (
        "update",
        {"supervisor_role": "whisper", "whisper_call_control_ids": CCID2},
        {"supervisor_role": "whisper", "whisper_call_control_ids": [CCID2]},
    ),
    ("leave", {}, {}),
    ("leave", {"beep_enabled": "on_exit"}, {"beep_enabled": "on_exit"}),
    (
        "participant_update",
        {"beep_enabled": "never", "end_conference_on_exit": "true"},
        {"beep_enabled": "never", "end_conference_on_exit": True},
    ),
    ("participant_update", {"soft_end_conference_on_exit": "false"}, {"soft_end_conference_on_exit": False}),
]


@pytest.mark.parametrize(("action", "data", "params"), PARTICIPANT_VALID)
def test_participant_forms_give_the_body_without_the_participant(action, data, params):
    form = PARTICIPANT_ACTION_FORMS[action](data)
    assert form.is_valid(), form.errors
    assert form.to_params() == params


@pytest.mark.parametrize("action", sorted(set(PARTICIPANT_ACTION_FORMS) - {"texml_update"}))
def test_participant_forms_take_no_call_control_id(action):
    fields = set(PARTICIPANT_ACTION_FORMS[action].base_fields)
    assert not fields & {"call_control_id", "call_control_ids"}


PARTICIPANT_REFUSALS = [
    ("update", {}, {"supervisor_role": "required"}),
    ("update", {"supervisor_role": "boss"}, {"supervisor_role": "Choose one of"}),
    (
        "hold",
        {"audio_url": "https://example.com/a.mp3", "media_name": "m"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    ("leave", {"beep_enabled": "loud"}, {"beep_enabled": "Choose one of"}),
    (
        "participant_update",
        {"beep_enabled": "loud"},
        {"beep_enabled": "Choose one of: always, never, on_enter"},
    ),
    ("participant_update", {"end_conference_on_exit": "perhaps"}, {"end_conference_on_exit": "yes or no"}),
    ("participant_update", {}, {"__all__": "Change at least one setting."}),
]


@pytest.mark.parametrize(("action", "data", "errors"), PARTICIPANT_REFUSALS)
def test_participant_rules_refuse_on_the_right_field(action, data, errors):
    assert_refused(PARTICIPANT_ACTION_FORMS[action](data), errors)


# TeXML (seed 003) ---------------------------------------------------------------------------


def test_texml_update_gives_pascal_case_form_fields_with_lowercase_booleans():
    form = TexmlParticipantUpdateForm(
        {
            "Muted": "true",
            "Hold": "true",
            "HoldUrl": "https://www.example.com/hold-music.xml",
            "HoldMethod": "POST",
            "AnnounceUrl": "https://www.example.com/announce.xml",
            "AnnounceMethod": "GET",
            "WaitUrl": "https://www.example.com/wait_music.mp3",
            "BeepOnExit": "false",
            "EndConferenceOnExit": "false",
            "Coaching": "true",
            "CallSidToCoach": CCID2,
        }
    )
    assert form.is_valid(), form.errors
    assert form.to_params() == {
        "Muted": "true",
        "Hold": "true",
        "HoldUrl": "https://www.example.com/hold-music.xml",
        "HoldMethod": "POST",
        "AnnounceUrl": "https://www.example.com/announce.xml",
        "AnnounceMethod": "GET",
        "WaitUrl": "https://www.example.com/wait_music.mp3",
        "BeepOnExit": "false",
        "EndConferenceOnExit": "false",
        "Coaching": "true",
        "CallSidToCoach": CCID2,
    }


def test_texml_update_sends_only_what_was_set():
    form = TexmlParticipantUpdateForm({"BeepOnExit": False})
    assert form.to_params() == {"BeepOnExit": "false"}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"Coaching": "true"}, {"CallSidToCoach": "Required when Coaching is yes."}),
        ({"Coaching": "true", "CallSidToCoach": "v3:a b"}, {"CallSidToCoach": "spaces"}),
        ({"HoldMethod": "PUT"}, {"HoldMethod": "Choose one of: POST, GET."}),
        ({"AnnounceMethod": "get"}, {"AnnounceMethod": "Choose one of: POST, GET."}),
        ({"HoldUrl": "hold.xml"}, {"HoldUrl": "http/https URL"}),
        ({"WaitUrl": "ftp://example.com/w.mp3"}, {"WaitUrl": "http/https URL"}),
        ({"Muted": "muted"}, {"Muted": "yes or no"}),
        ({}, {"__all__": "Change at least one setting."}),
    ],
)
def test_texml_update_refuses(data, errors):
    assert_refused(TexmlParticipantUpdateForm(data), errors)


def test_texml_coaching_off_needs_no_call_sid():
    assert TexmlParticipantUpdateForm({"Coaching": "false"}).to_params() == {"Coaching": "false"}


@pytest.mark.parametrize(
    "form_class",
    sorted(
        {*CONFERENCE_ACTION_FORMS.values(), *PARTICIPANT_ACTION_FORMS.values()}, key=lambda cls: cls.__name__
    ),
    ids=lambda cls: cls.__name__,
)
def test_every_form_renders_blank_and_bound(form_class):
    str(form_class())
    form = form_class({"region": "Atlantis", "Muted": "muted"})
    form.is_valid()
    assert (
        "Choose one of" in str(form)
        or "yes or no" in str(form)
        or not form.fields.keys() & {"region", "Muted"}
    )


def test_region_is_offered_last():
    assert list(CONFERENCE_ACTION_FORMS["join"]().fields)[-1] == "region"
    assert list(CONFERENCE_ACTION_FORMS["join"]().fields)[0] == "call_control_id"
