"""The shared field types, validators and CommandForm base of dashboard/command_fields.py."""

import base64
import string

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dashboard.actions.fields import (
    ClientStateField,
    CommandForm,
    DestinationsField,
    HeaderListField,
    JSONObjectField,
    LineListField,
    LoopField,
    OneOf,
    OptionalBooleanField,
    UUIDStringField,
    bounded_int,
    enum_field,
    url_field,
    validate_base64,
    validate_dtmf_sequence,
    validate_e164,
    validate_e164_or_sip_uri,
    validate_gather_digit,
    validate_gather_digits,
    validate_sip_uri,
    validate_voice,
)

BASE64_ALPHABET = string.ascii_letters + string.digits + "+/"


def accepts(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


# E.164 --------------------------------------------------------------------------------------


@given(st.from_regex(r"\A\+[0-9]{1,15}\Z"))
def test_e164_accepts_plus_and_1_to_15_digits(number):
    validate_e164(number)


@given(st.one_of(st.text(max_size=20), st.from_regex(r"\A\+?[0-9]{0,17}\Z")))
def test_e164_accepts_exactly_plus_and_1_to_15_ascii_digits(value):
    expected = value[:1] == "+" and 1 <= len(value) - 1 <= 15 and all(c in string.digits for c in value[1:])
    assert accepts(validate_e164, value) == expected


@pytest.mark.parametrize(
    "value",
    ["18005550100", "+", "+1234567890123456", "+1 800 555 0100", "+1-800", "++1800", "+１８００", "+1800\n"],
)
def test_e164_refuses(value):
    with pytest.raises(ValidationError, match="E.164"):
        validate_e164(value)


@pytest.mark.parametrize(
    "value",
    [
        "sip:alice@example.com",
        "sips:bob@10.0.0.1:5061",
        "sip:example.com",
        "SIP:alice@example.com;transport=tls",
    ],
)
def test_sip_uri_accepts(value):
    validate_sip_uri(value)
    validate_e164_or_sip_uri(value)


@pytest.mark.parametrize(
    "value", ["alice@example.com", "sip:", "sip:alice@", "sip:alice @example.com", "http://example.com"]
)
def test_sip_uri_refuses(value):
    assert not accepts(validate_sip_uri, value)
    assert not accepts(validate_e164_or_sip_uri, value)


def test_destination_accepts_e164_and_refuses_a_bare_number():
    validate_e164_or_sip_uri("+18005550100")
    with pytest.raises(ValidationError, match="E.164 number .* or a SIP URI"):
        validate_e164_or_sip_uri("18005550100")


# base64 -------------------------------------------------------------------------------------


@given(st.binary(max_size=64))
def test_base64_accepts_any_encoded_bytes(raw):
    encoded = base64.b64encode(raw).decode()
    if encoded:
        validate_base64(encoded)


@given(st.text(alphabet=BASE64_ALPHABET + "=", max_size=16))
def test_base64_accepts_only_what_round_trips(value):
    if accepts(validate_base64, value):
        assert base64.b64encode(base64.b64decode(value)).decode() == value


@given(st.binary(min_size=1, max_size=32), st.sampled_from(["-", "_", " ", "\n", "!", "é"]), st.data())
def test_base64_refuses_characters_outside_the_alphabet(raw, intruder, data):
    encoded = base64.b64encode(raw).decode()
    at = data.draw(st.integers(0, len(encoded)))
    assert not accepts(validate_base64, encoded[:at] + intruder + encoded[at:])


@pytest.mark.parametrize("value", ["aGVsbG8", "aGVsbG8==", "aGVsbG9=", "not base64!", "aGVs\nbG8="])
def test_base64_refuses(value):
    with pytest.raises(ValidationError, match="base64"):
        validate_base64(value)


# DTMF and voices ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (validate_dtmf_sequence, "1www2WABCDw9*#", "12e"),
        (validate_dtmf_sequence, "0", "a"),
        (validate_gather_digits, "0123456789*#", "12w"),
        (validate_gather_digits, "*#", "12D"),
        (validate_gather_digit, "#", "##"),
        (validate_gather_digit, "9", "D"),
        (validate_voice, "AWS.Polly.Joanna-Neural", "Joanna Neural"),
        (validate_voice, "Azure.en-US-Ava:DragonHDLatestNeural", "-male"),
    ],
)
def test_keypad_and_voice_validators(validator, good, bad):
    validator(good)
    assert not accepts(validator, bad)


# Field types --------------------------------------------------------------------------------


class ClientStateForm(forms.Form):
    client_state = ClientStateField()


@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s))
def test_client_state_plain_text_is_sent_as_its_base64(text):
    form = ClientStateForm({"client_state_encoding": "text", "client_state": text})
    assert form.is_valid(), form.errors
    assert base64.b64decode(form.cleaned_data["client_state"]).decode() == text.strip()


@given(st.binary(min_size=1, max_size=40))
def test_client_state_base64_is_sent_as_pasted(raw):
    encoded = base64.b64encode(raw).decode()
    form = ClientStateForm({"client_state_encoding": "base64", "client_state": encoded})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["client_state"] == encoded


@pytest.mark.parametrize(
    ("data", "cleaned"),
    [
        (
            {"client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d"},
            "aGF2ZSBhIG5pY2UgZGF5ID1d",
        ),  # no encoding: the wire format
        ({"client_state_encoding": "text", "client_state": "have a nice day =]"}, "aGF2ZSBhIG5pY2UgZGF5ID1d"),
        ({"client_state_encoding": "text", "client_state": ""}, ""),
        ({}, ""),
    ],
)
def test_client_state_values(data, cleaned):
    form = ClientStateForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["client_state"] == cleaned


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"client_state_encoding": "base64", "client_state": "have a nice day"}, "valid base64"),
        ({"client_state": "aGVsbG8"}, "valid base64"),
        ({"client_state_encoding": "rot13", "client_state": "x"}, "valid choice"),
    ],
)
def test_client_state_refuses(data, message):
    form = ClientStateForm(data)
    assert not form.is_valid()
    assert message in form.errors["client_state"][0]


def test_required_client_state_refuses_an_empty_value_in_either_encoding():
    class RequiredForm(forms.Form):
        client_state = ClientStateField(required=True)

    for data in (
        {},
        {"client_state_encoding": "text"},
        {"client_state_encoding": "base64", "client_state": " "},
    ):
        form = RequiredForm(data)
        assert not form.is_valid()
        assert form.errors["client_state"] == ["This field is required."]


def test_client_state_widget_posts_the_value_under_the_field_name():
    html = str(ClientStateForm()["client_state"])
    assert 'name="client_state_encoding"' in html
    assert 'name="client_state"' in html
    assert '<option value="text" selected>' in html


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("", None),
        (None, None),
        ("true", True),
        ("false", False),
        (True, True),
        (False, False),
        ("1", True),
        ("0", False),
        (0, False),
    ],
)
def test_optional_boolean_keeps_no_apart_from_unset(raw, cleaned):
    assert OptionalBooleanField().clean(raw) is cleaned


@pytest.mark.parametrize("raw", ["maybe", "unknown", 2])
def test_optional_boolean_refuses_anything_else(raw):
    with pytest.raises(ValidationError, match="yes or no"):
        OptionalBooleanField().clean(raw)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("a\n\n b \na\n", ["a", "b"]),
        (["x", " y "], ["x", "y"]),
        ("", []),
        (None, []),
    ],
)
def test_line_list_splits_strips_and_deduplicates(raw, cleaned):
    assert LineListField().clean(raw) == cleaned


def test_line_list_names_the_bad_line():
    field = LineListField(item_validators=[validate_e164])
    with pytest.raises(ValidationError) as caught:
        field.clean("+18005550100\n12345")
    [message] = caught.value.messages
    assert message.startswith("Line 2 (12345): Enter a phone number in E.164 format")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("+18005550100", "+18005550100"),
        ("+18005550100\nsip:a@example.com", ["+18005550100", "sip:a@example.com"]),
    ],
)
def test_destinations_are_a_string_for_one_and_a_list_for_several(raw, cleaned):
    assert DestinationsField().clean(raw) == cleaned


def test_headers_are_parsed_into_telnyx_shape():
    field = HeaderListField()
    assert field.clean("X-One: 1\n\nX-Two:  two words ") == [
        {"name": "X-One", "value": "1"},
        {"name": "X-Two", "value": "two words"},
    ]
    assert field.clean([{"name": "X-One", "value": "1"}]) == [{"name": "X-One", "value": "1"}]
    assert field.prepare_value([{"name": "X-One", "value": "1"}]) == "X-One: 1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("no colon here", "Name: value"),
        ("Bad Name: v", "not a valid header name"),
        ("X-Empty:", "has no value"),
        ([{"name": "X"}], "Name: value"),
    ],
)
def test_headers_refuse(raw, message):
    with pytest.raises(ValidationError, match=message):
        HeaderListField().clean(raw)


def test_headers_limited_to_the_documented_names_and_spelled_their_way():
    field = HeaderListField(allowed_names=("User-to-User",))
    assert field.clean("user-to-user: 12345") == [{"name": "User-to-User", "value": "12345"}]
    with pytest.raises(ValidationError, match="only User-to-User"):
        field.clean("X-Other: 1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"count": 1, "extra": 2}', "Unknown keys: extra"),
        ('{"count": "1"}', "count must be a whole number"),
        ('{"count": true}', "count must be a whole number"),
        ('{"count": 1.5}', "count must be a whole number"),
        ('{"on": 1}', "on must be true or false"),
        ('{"level": "high"}', "level must be a number"),
        ("[1, 2]", "JSON object"),
        ("{not json", "valid JSON"),
    ],
)
def test_json_object_refuses(raw, message):
    field = JSONObjectField(schema={"count": int, "on": bool, "level": float})
    with pytest.raises(ValidationError, match=message):
        field.clean(raw)


def test_json_object_accepts_schema_types_and_renders_empty_as_blank():
    field = JSONObjectField(schema={"count": int, "on": bool, "level": float})
    assert field.clean('{"count": 2, "on": false, "level": 1}') == {"count": 2, "on": False, "level": 1}
    assert field.clean("") is None
    assert JSONObjectField().clean('{"anything": [1]}') == {"anything": [1]}
    assert field.prepare_value(None) == ""


@pytest.mark.parametrize(
    ("raw", "cleaned"), [("1", 1), ("100", 100), (7, 7), ("infinity", "infinity"), ("", None)]
)
def test_loop_accepts_1_to_100_or_infinity(raw, cleaned):
    assert LoopField().clean(raw) == cleaned


@pytest.mark.parametrize("raw", ["0", "101", "-1", "forever", "1.5", True])
def test_loop_refuses(raw):
    with pytest.raises(ValidationError, match="1 to 100, or infinity"):
        LoopField().clean(raw)


def test_uuid_field_gives_the_canonical_string():
    assert (
        UUIDStringField().clean("6A0F7D70-6C1B-4E0B-9F07-3C8E2B4B2F11")
        == "6a0f7d70-6c1b-4e0b-9f07-3c8e2b4b2f11"
    )
    assert UUIDStringField().clean("") is None
    with pytest.raises(ValidationError):
        UUIDStringField().clean("not-a-uuid")


def test_enum_field_lists_the_allowed_values_and_has_a_blank_only_when_optional():
    field = enum_field(("dual", "single"))
    assert [value for value, _ in field.choices] == ["", "dual", "single"]
    with pytest.raises(ValidationError, match="Choose one of: dual, single."):
        field.clean("stereo")
    assert [value for value, _ in enum_field(("a",), required=True).choices] == ["a"]


def test_bounded_int_bounds_are_inclusive():
    field = bounded_int(5, 120)
    assert (field.clean("5"), field.clean("120")) == (5, 120)
    for outside in ("4", "121"):
        with pytest.raises(ValidationError):
            field.clean(outside)
    assert field.help_text == "5 to 120."


@pytest.mark.parametrize(
    ("schemes", "good", "bad"),
    [
        (("http", "https"), "https://example.com/a.mp3", "example.com/a.mp3"),
        (("http", "https"), "http://127.0.0.1:8001/hook", "ftp://example.com/a.mp3"),
        (("ws", "wss"), "wss://example.com/stream", "https://example.com/stream"),
    ],
)
def test_url_field_takes_only_its_schemes_and_adds_none(schemes, good, bad):
    field = url_field(schemes=schemes)
    assert field.clean(good) == good
    with pytest.raises(ValidationError, match="Enter a full"):
        field.clean(bad)


# CommandForm --------------------------------------------------------------------------------


class ExampleForm(CommandForm):
    label = "Example"
    from_ = forms.CharField(required=False)
    flag = OptionalBooleanField()
    count = bounded_int(0, 10)
    ids = LineListField()
    everyone = LineListField()
    audio_url = url_field()
    media_name = forms.CharField(required=False)

    one_of = (OneOf(("audio_url", "media_name")),)
    keep_empty = frozenset({"everyone"})


def test_to_params_uses_telnyx_names_drops_blanks_keeps_answers():
    form = ExampleForm({"from_": "+18005550100", "flag": "false", "count": "0", "ids": ""})
    assert form.to_params() == {"from": "+18005550100", "flag": False, "count": 0, "everyone": []}


def test_mutually_exclusive_fields_each_get_the_error():
    form = ExampleForm({"audio_url": "https://example.com/a.mp3", "media_name": "hold"})
    assert not form.is_valid()
    assert form.errors["audio_url"] == ["Give only one of: Audio url, Media name."]
    assert form.errors["media_name"] == ["Give only one of: Audio url, Media name."]


def test_required_group_asks_for_one_on_every_member_unless_one_was_already_refused():
    class PlayForm(CommandForm):
        audio_url = url_field()
        media_name = forms.CharField(required=False)
        one_of = (OneOf(("audio_url", "media_name"), required=True),)

    form = PlayForm({})
    assert form.errors == {
        "audio_url": ["Give one of: Audio url, Media name."],
        "media_name": ["Give one of: Audio url, Media name."],
    }
    form = PlayForm({"audio_url": "not a url"})
    assert list(form.errors) == ["audio_url"]


def test_require_any_refuses_a_command_that_changes_nothing():
    class PatchForm(CommandForm):
        require_any = True
        flag = OptionalBooleanField()

    assert PatchForm({}).errors == {"__all__": ["Change at least one setting."]}
    assert PatchForm({"flag": "false"}).to_params() == {"flag": False}


def test_to_params_refuses_an_invalid_or_unbound_form():
    with pytest.raises(ValueError, match="not valid"):
        ExampleForm({"count": "11"}).to_params()
    with pytest.raises(ValueError, match="not valid"):
        ExampleForm().to_params()


def test_command_form_defaults():
    assert CommandForm.telnyx_name("from_") == "from"
    assert CommandForm.telnyx_name("to") == "to"
