"""How Telnyx error answers become TelnyxError, and that the API key never leaks into one."""

import json
import logging

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telnyx_fakes import API_KEY, BASE_URL, call_command

from dashboard.telnyx import ErrorKind, TelnyxClient, TelnyxError

CALL_ID = "v3:call-1"


def refused(text, status=422):
    return TelnyxError.from_response(status=status, text=text, kind=ErrorKind.REFUSED, retryable=False)


def test_it_reads_the_first_telnyx_error_and_keeps_them_all():
    errors = [
        {
            "code": "10004",
            "title": "Missing required parameter",
            "detail": "The 'to' parameter is required and cannot be blank.",
            "source": {"pointer": "/to"},
        },
        {"code": "10016", "title": "Phone number must be in +E164 format"},
    ]

    error = refused(json.dumps({"errors": errors}))

    assert error.status == 422
    assert error.code == "10004"
    assert error.title == "Missing required parameter"
    assert error.detail == "The 'to' parameter is required and cannot be blank."
    assert error.pointer == "/to"
    assert error.errors == errors
    assert (
        str(error) == "10004 Missing required parameter: The 'to' parameter is required and cannot be blank."
    )


def test_it_says_which_call_error_it_was():
    body = {
        "errors": [
            {
                "code": "90018",
                "title": "Call has already ended",
                "detail": "This call is no longer active and can't receive commands.",
            }
        ]
    }

    error = refused(json.dumps(body))

    assert (
        str(error)
        == "90018 Call has already ended: This call is no longer active and can't receive commands."
    )
    assert error.pointer is None


def test_it_reads_the_texml_not_found_format():
    error = refused('{"errors":[{"detail":"Resource not found"}]}', status=404)

    assert (error.code, error.title, error.detail) == (None, None, "Resource not found")
    assert str(error) == "HTTP 404: Resource not found"


@pytest.mark.parametrize(
    ("text", "expected_str", "expected_errors"),
    [
        (
            "<html><body>502 Bad Gateway</body></html>",
            "HTTP 422: <html><body>502 Bad Gateway</body></html>",
            [],
        ),
        ("", "HTTP 422", []),
        ("   \n", "HTTP 422", []),
        ('{"errors": []}', "HTTP 422", []),
        ('{"errors": null}', "HTTP 422", []),
        ('{"errors": "nope"}', "HTTP 422", []),
        (
            '{"errors": ["junk", 7, {"code": "10032", "title": "Invalid enumerated value"}]}',
            "10032 Invalid enumerated value",
            ["junk", 7, {"code": "10032", "title": "Invalid enumerated value"}],
        ),
        (
            '{"errors": {"code": "10033", "title": "Value outside of range"}}',
            "10033 Value outside of range",
            [{"code": "10033", "title": "Value outside of range"}],
        ),
        ('[{"code": "1"}]', "HTTP 422", []),
        ('"just a string"', "HTTP 422", []),
        ('{"message": "upstream unavailable"}', "HTTP 422: upstream unavailable", []),
        (
            '{"errors": [{"code": 90018, "title": "Call has already ended"}]}',
            "90018 Call has already ended",
            None,
        ),
        ('{"errors": [{"code": {"x": 1}, "title": ["t"], "detail": 3, "source": "/to"}]}', "HTTP 422", None),
        (
            '{"errors": [{"title": "Call has already ended", "detail": "Call has already ended"}]}',
            "Call has already ended",
            None,
        ),
    ],
)
def test_it_parses_odd_and_junk_error_bodies_defensively(text, expected_str, expected_errors):
    error = refused(text)

    assert str(error) == expected_str
    if expected_errors is not None:
        assert error.errors == expected_errors


def test_it_shortens_a_long_non_json_body():
    error = refused("x" * 5000)

    assert len(error.detail) < 250


def test_it_has_a_repr_naming_the_outcome():
    error = refused('{"errors":[{"code":"90034","title":"Call not answered yet"}]}')

    assert repr(error) == (
        "TelnyxError(kind='refused', status=422, code='90034', title='Call not answered yet', "
        "retryable=False, attempts=1)"
    )


def test_it_raises_a_parsed_error_from_the_client(fake, client):
    fake.answer(
        httpx.Response(
            422,
            json={
                "errors": [
                    {
                        "code": "90015",
                        "title": "Invalid Call Control ID",
                        "detail": "The call_control_id provided was not valid.",
                        "source": {"pointer": "/call_control_id"},
                    }
                ]
            },
        )
    )

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "hangup", command_id="cmd-5")

    error = caught.value
    assert (error.kind, error.status, error.code, error.pointer) == (
        "refused",
        422,
        "90015",
        "/call_control_id",
    )
    assert error.command_id == "cmd-5"


def test_it_never_shows_the_api_key_in_the_client():
    client = TelnyxClient(api_key=API_KEY, base_url=BASE_URL)

    assert API_KEY not in repr(client)
    assert API_KEY not in str(client)
    assert BASE_URL in repr(client)


def test_it_never_lets_an_echoed_api_key_into_an_error_or_the_logs(fake, client, caplog):
    echo = f"Authorization: Bearer {API_KEY} rejected"
    fake.answer(
        httpx.Response(503, text=echo),
        httpx.ConnectError(f"could not reach proxy with {API_KEY}"),
        httpx.Response(
            401, json={"errors": [{"code": "10009", "title": "Authentication failed", "detail": echo}]}
        ),
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(TelnyxError) as caught:
        call_command(client, "hangup", command_id="cmd-1")

    error = caught.value
    assert error.code == "10009"
    for text in (str(error), repr(error), repr(error.errors), error.detail, caplog.text):
        assert API_KEY not in text
    assert "[REDACTED]" in error.detail
    assert "retrying" in caplog.text


def test_it_never_lets_the_api_key_into_a_transport_failure(sleeps):
    def handler(request):
        raise httpx.ConnectError(f"failed sending {request.headers['authorization']}")

    client = TelnyxClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler), sleep=sleeps.append
    )

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "answer", command_id="cmd-1")

    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


@given(
    text=st.one_of(
        st.text(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.sampled_from(
                        ["errors", "code", "title", "detail", "source", "pointer", "message", "x"]
                    ),
                    children,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_it_turns_any_body_into_a_printable_error(text):
    error = TelnyxError.from_response(status=500, text=text, kind=ErrorKind.FAILED, retryable=True)

    assert str(error)
    assert repr(error).startswith("TelnyxError(")
    assert isinstance(error.errors, list)
    assert error.code is None or isinstance(error.code, str)
