"""Hostile webhook input, generated: random bytes, deep nesting, huge strings, wrong types in every
field, any unicode, NULs. Whatever arrives, the endpoints never answer 500; nothing unsigned is
stored; every signed, valid-shaped webhook is stored; a replay outside the ±300 s window is refused
and one inside it is deduplicated."""

import json
import time
import uuid
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from dashboard.models import Event
from tests.support.signing import sign
from tests.support.webhooks import FIXTURES, post_webhook

pytestmark = pytest.mark.django_db

ENDPOINTS = {"call_control": "/webhooks/telnyx/", "texml": "/webhooks/telnyx/texml/"}
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written under the work tree; a failure prints its example to reproduce it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STRANGER = SigningKey(b"not-the-key-telnyx-signs-with-32")
LINKED_IDS = {"call_control_id", "conference_id"}  # ids the pages put into links
FIXTURE_NAMES = sorted(path.stem for path in (FIXTURES / "webhooks").glob("*.json"))

# JSON values of every type, nested: the raw material of wrong types in any field.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def deeply_nested(depth: int) -> bytes:
    return (
        b'{"data": {"id": "deep", "event_type": "call.initiated", "payload": '
        + b"[" * depth
        + b"]" * depth
        + b"}}"
    )


bodies = st.one_of(
    st.binary(max_size=2048),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.text(max_size=2048).map(str.encode),
    st.integers(min_value=1, max_value=200_000).map(deeply_nested),
    st.text(min_size=1, max_size=1).map(lambda char: json.dumps({"data": {"id": char * 150_000}}).encode()),
    st.dictionaries(st.text(max_size=20), st.text(max_size=60), max_size=8).map(
        lambda f: urlencode(f).encode()
    ),
)
headers = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {
            "HTTP_TELNYX_SIGNATURE_ED25519": st.text(max_size=100).filter(
                lambda t: "\n" not in t and "\r" not in t
            ),
            "HTTP_TELNYX_TIMESTAMP": st.one_of(st.text(max_size=20), st.integers().map(str)),
        }
    ),
)


def post(client, path: str, body: bytes, extra: dict, content_type: str = "application/json"):  # noqa: ANN001
    response = client.post(path, data=body, content_type=content_type, **extra)
    assert response.status_code != 500, body[:200]
    return response


@FUZZ
@given(body=bodies, extra=headers, endpoint=st.sampled_from(sorted(ENDPOINTS)))
def test_unsigned_input_of_any_shape_is_refused_and_nothing_is_stored(client, rejections, body, extra, endpoint):
    stored = Event.objects.count()

    response = post(client, ENDPOINTS[endpoint], body, extra)

    assert response.status_code in (403, 413)  # an oversized body is refused before it is even read
    assert Event.objects.count() == stored
    assert rejections.flush() == 1  # counted (one row with its count), not applied


@FUZZ
@given(body=bodies, endpoint=st.sampled_from(sorted(ENDPOINTS)))
def test_a_stranger_s_signature_is_refused_however_fresh(client, body, endpoint):
    stored = Event.objects.count()

    response = post(client, ENDPOINTS[endpoint], body, sign(body, key=STRANGER))

    assert response.status_code in (403, 413)
    assert Event.objects.count() == stored


@FUZZ
@given(body=bodies, endpoint=st.sampled_from(sorted(ENDPOINTS)))
def test_signed_input_of_any_shape_never_causes_a_500(client, body, endpoint):
    response = post(client, ENDPOINTS[endpoint], body, sign(body))

    assert response.status_code in (200, 400, 413)
    if response.status_code == 200 and endpoint == "call_control":
        assert Event.objects.filter(event_id=json.loads(body)["data"]["id"]).exists()


def field_paths(document: dict, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a document, containers and leaves alike."""
    paths = []
    for key, value in document.items():
        paths.append((*prefix, key))
        if isinstance(value, dict):
            paths += field_paths(value, (*prefix, key))
    return paths


@st.composite
def webhooks_with_one_wrong_field(draw: st.DrawFn) -> dict:
    """A recorded webhook, fresh ids, with one field (any, at any depth) given a value of any type."""
    document = json.loads(
        (FIXTURES / "webhooks" / f"{draw(st.sampled_from(FIXTURE_NAMES))}.json").read_text()
    )
    document["data"]["id"] = str(uuid.uuid4())
    path = draw(st.sampled_from(field_paths(document)))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(json_values)
    return document


@FUZZ
@given(document=webhooks_with_one_wrong_field())
def test_a_wrong_type_in_any_field_is_stored_or_refused_never_a_500(client, document):
    body = json.dumps(document).encode()
    stored = Event.objects.count()

    response = post(client, ENDPOINTS["call_control"], body, sign(body))

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert Event.objects.count() == stored
        return
    data = document["data"]
    assert Event.objects.filter(event_id=data["id"], event_type=data["event_type"]).count() == 1
    # What was stored renders: the live lists show every live row built from these payloads.
    for page in ("/calls/", "/conferences/"):
        assert client.get(page).status_code != 500


@pytest.mark.parametrize("field", sorted(LINKED_IDS))
def test_an_id_with_a_slash_does_not_take_the_live_pages_down(supervisor_client, field):
    document = json.loads((FIXTURES / "webhooks" / "call.initiated.json").read_text())
    document["data"]["payload"][field] = "v3:odd/id"
    answer = post_webhook(supervisor_client, document)

    assert answer.status_code in (200, 400)
    for page in ("/calls/", "/conferences/", "/history/calls/"):
        assert supervisor_client.get(page).status_code == 200, page


# Any text a caller can put into its own name, number or headers, short of what no column stores.
caller_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=300)


@FUZZ
@given(name=caller_text, number=caller_text, header=caller_text, state=caller_text)
def test_valid_webhooks_carrying_any_text_are_stored_verbatim(client, name, number, header, state):
    document = json.loads((FIXTURES / "webhooks" / "call.initiated.json").read_text())
    document["data"]["id"] = str(uuid.uuid4())
    payload = document["data"]["payload"]
    payload.update(
        call_control_id=f"v3:fuzz-{uuid.uuid4().hex}",
        caller_id_name=name,
        to=number,
        custom_headers=[{"name": header, "value": header}],
        client_state=state,
    )

    response = post_webhook(client, document)

    assert response.status_code == 200 and response.json()["duplicate"] is False
    event = Event.objects.get(event_id=document["data"]["id"])
    assert event.payload == payload


# Clear of the ±300 s edge: a timestamp is whole seconds, and the request takes a moment.
@pytest.mark.parametrize(("skew", "accepted"), [(-330, False), (330, False), (-270, True), (270, True)])
def test_a_replay_outside_the_window_is_refused_and_inside_it_is_deduplicated(client, skew, accepted):
    document = json.loads((FIXTURES / "webhooks" / "call.initiated.json").read_text())
    body = json.dumps(document).encode()
    signed = sign(body, timestamp=int(time.time()) + skew)

    first = client.post(ENDPOINTS["call_control"], data=body, content_type="application/json", **signed)
    replay = client.post(ENDPOINTS["call_control"], data=body, content_type="application/json", **signed)

    if accepted:
        assert (first.status_code, first.json()["duplicate"]) == (200, False)
        assert (replay.status_code, replay.json()["duplicate"]) == (200, True)
        assert Event.objects.get().duplicates == 1
    else:
        assert first.status_code == replay.status_code == 403
        assert first.json()["error"] == "timestamp outside tolerance"
        assert not Event.objects.exists()


@FUZZ
@given(skew=st.integers(min_value=-(10**9), max_value=10**9))
def test_a_captured_delivery_cannot_be_replayed_with_a_new_timestamp(client, skew):
    body = json.dumps(json.loads((FIXTURES / "webhooks" / "call.hangup.json").read_text())).encode()
    captured = sign(body, timestamp=int(time.time()) - 3600)
    assume(skew != -3600)
    refreshed = {**captured, "HTTP_TELNYX_TIMESTAMP": str(int(time.time()) + skew)}

    response = client.post(ENDPOINTS["call_control"], data=body, content_type="application/json", **refreshed)

    assert response.status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_a_body_over_the_limit_is_refused_unread_signed_or_not(client, endpoint, settings):
    body = b"x" * (settings.WEBHOOK_MAX_BODY_BYTES + 1)
    for extra in ({}, sign(body)):
        assert post(client, ENDPOINTS[endpoint], body, extra).status_code == 413
    assert not Event.objects.exists()
