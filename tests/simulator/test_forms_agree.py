"""The dashboard's forms and the simulator apply one rule: what a form refuses, the simulator
refuses too (sent raw, past the form), and what one accepts the other accepts. The seeds are the
referee, then the official SDK's types; each row quotes the line it follows."""

import json
from typing import Any

import httpx
import pytest

from calls.actions import CALL_ACTIONS
from simulator.server import SimulatorServer
from tests.support.commands import CALL_COMMANDS, telnyx_body

FORMS = {spec.name: spec.form for spec in CALL_ACTIONS}
CONNECTION = "1494404757140276705"
REFUSED, ACCEPTED = False, True
DROP = None  # a row's value that removes the field

ROWS: list[tuple[str, dict[str, Any], bool]] = [
    # --- §2 ---
    # 002, gather using speak: "language / required"
    ("gather_using_speak", {"language": DROP}, REFUSED),
    # 002, gather using speak: "voice / required / ... Enum: "male" "female""
    ("gather_using_speak", {"voice": "AWS.Polly.Joanna-Neural"}, REFUSED),
    # 002: "When using basic, only the en-US language and payload type text are allowed."
    ("gather_using_speak", {"service_level": "basic", "language": "de-DE"}, REFUSED),
    ("gather_using_speak", {"service_level": "basic", "language": "en-US"}, ACCEPTED),
    ("speak", {"service_level": "basic", "payload_type": "ssml", "payload": "<speak>Hi</speak>"}, REFUSED),
    ("speak", {"service_level": "premium", "payload_type": "ssml", "payload": "<speak>Hi</speak>"}, ACCEPTED),
    # 002, play audio URL: "When overlay is enabled, target_legs is limited to self."
    ("playback_start", {"overlay": True, "target_legs": "both"}, REFUSED),
    ("playback_start", {"overlay": True, "target_legs": "opposite"}, REFUSED),
    # 002, gather using audio: "invalid_media_name and invalid_audio_url cannot be used together"
    (
        "gather_using_audio",
        {"invalid_audio_url": "https://example.com/no.mp3", "invalid_media_name": "no"},
        REFUSED,
    ),
    ("gather_using_audio", {"invalid_media_name": "no"}, ACCEPTED),
    # 002, dial: "from_display_name ... containing only letters, numbers, spaces, and -_~!.+"
    ("dial", {"from_display_name": "Bob <script>"}, REFUSED),
    ("dial", {"from_display_name": "Ada; Lovelace"}, REFUSED),
    ("dial", {"from_display_name": "Zoë O-Brien_2 ~!.+"}, ACCEPTED),
    # 002, dial and answer: "billing_group_id / string <uuid>"
    ("dial", {"billing_group_id": "group-1"}, REFUSED),
    ("answer", {"billing_group_id": "group-1"}, REFUSED),
    ("answer", {"billing_group_id": "6a0f7d70-6c1b-4e0b-9f07-3c8e2b4b2f11"}, ACCEPTED),
    # --- §4 ---
    # SDK, ActionStartSiprecParams.session_timeout_secs: "Minimum value is 90, set to 0 to disable."
    ("siprec_start", {"session_timeout_secs": 0}, ACCEPTED),
    ("siprec_start", {"session_timeout_secs": 1}, REFUSED),
    ("siprec_start", {"session_timeout_secs": 89}, REFUSED),
    ("siprec_start", {"session_timeout_secs": 90}, ACCEPTED),
    ("siprec_start", {"session_timeout_secs": 86400}, ACCEPTED),
    ("siprec_start", {"session_timeout_secs": -1}, REFUSED),
    # 002, gather: "valid_digits / Default: "0123456789#*"", "terminating_digit / Default: "#"";
    # A-D are documented for send_dtmf only (004: "1www2WABCDw9").
    ("gather", {"valid_digits": "0123456789#*"}, ACCEPTED),
    ("gather", {"valid_digits": "12AB"}, REFUSED),
    ("gather", {"terminating_digit": "D"}, REFUSED),
    ("gather_using_speak", {"valid_digits": "1C"}, REFUSED),
    ("gather_using_audio", {"terminating_digit": "A"}, REFUSED),
    ("send_dtmf", {"digits": "1www2WABCDw9"}, ACCEPTED),
    # SDK, ActionStartNoiseSuppressionParams.noise_suppression_engine: the ten engines
    *[
        ("suppression_start", {"noise_suppression_engine": engine}, ACCEPTED)
        for engine in (
            "Denoiser",
            "DeepFilterNet",
            "Krisp",
            "AiCoustics",
            "aic_l_quail",
            "aic_l_rook",
            "aic_s_quail",
            "aic_s_rook",
            "quail_voice_focus_s",
            "quail_voice_focus_xs",
        )
    ],
    ("suppression_start", {"noise_suppression_engine": "A"}, REFUSED),
    # ...and NoiseSuppressionEngineConfig: each parameter "Only applicable for" one engine
    (
        "suppression_start",
        {
            "noise_suppression_engine": "DeepFilterNet",
            "noise_suppression_engine_config": {"attenuation_limit": 80, "mode": "advanced"},
        },
        ACCEPTED,
    ),
    (
        "suppression_start",
        {
            "noise_suppression_engine": "Krisp",
            "noise_suppression_engine_config": {"model": "krisp-viva-pro-v1.kef", "suppression_level": 62.5},
        },
        ACCEPTED,
    ),
    (
        "suppression_start",
        {
            "noise_suppression_engine": "AiCoustics",
            "noise_suppression_engine_config": {
                "enhancement_level": 0.5,
                "family": "quail",
                "size": "vf_l",
                "voice_gain": 1.5,
            },
        },
        ACCEPTED,
    ),
    (
        "suppression_start",
        {"noise_suppression_engine": "DeepFilterNet", "noise_suppression_engine_config": {"model": "x"}},
        REFUSED,
    ),
    (
        "suppression_start",
        {"noise_suppression_engine": "Denoiser", "noise_suppression_engine_config": {"attenuation_limit": 1}},
        REFUSED,
    ),
    (
        "suppression_start",
        {
            "noise_suppression_engine": "DeepFilterNet",
            "noise_suppression_engine_config": {"attenuation_limit": 101},
        },
        REFUSED,
    ),
    (
        "suppression_start",
        {"noise_suppression_engine": "Krisp", "noise_suppression_engine_config": {"model": "krisp-v9"}},
        REFUSED,
    ),
    (
        "suppression_start",
        {"noise_suppression_engine": "AiCoustics", "noise_suppression_engine_config": {"voice_gain": 0}},
        REFUSED,
    ),
    # "'xs' and 'xxs' are sparrow-only. 'vf_l' and 'vf_1_1_l' are quail-only."
    (
        "suppression_start",
        {
            "noise_suppression_engine": "AiCoustics",
            "noise_suppression_engine_config": {"family": "sparrow", "size": "vf_l"},
        },
        REFUSED,
    ),
    ("suppression_start", {"noise_suppression_engine_config": {"attenuation_limit": 80}}, REFUSED),
    # 002, forking start: "Requests must specify either the target attribute or the rx and tx
    # attributes"; "stream_type / Default: "raw" / Enum: "raw" "decrypted""
    ("fork_start", {"target": "udp:192.0.2.1:9000", "stream_type": "raw"}, ACCEPTED),
    (
        "fork_start",
        {"target": DROP, "rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001", "stream_type": "decrypted"},
        ACCEPTED,
    ),
    ("fork_start", {"stream_type": "decrypted"}, REFUSED),
    ("fork_start", {"stream_type": "mixed"}, REFUSED),
]


def form_input(action: str, changes: dict[str, Any]) -> dict[str, Any]:
    data = dict(CALL_COMMANDS[action])
    for key, value in changes.items():
        name = "from_" if key == "from" else key
        if value is DROP:
            data.pop(name, None)
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif isinstance(value, dict):
            data[name] = json.dumps(value)
        else:
            data[name] = str(value)
    return data


def raw_body(action: str, changes: dict[str, Any]) -> dict[str, Any]:
    body = telnyx_body(CALL_COMMANDS[action])
    for key, value in changes.items():
        if value is DROP:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def send(sim: SimulatorServer, api: httpx.Client, live_call: str, action: str, body: dict) -> httpx.Response:
    if action == "dial":
        return api.post("/calls", json={**body, "connection_id": CONNECTION})
    # Answer takes a call still ringing; the others the answered live call.
    call_id = sim.world.incoming_call().call_control_id if action == "answer" else live_call
    return api.post(f"/calls/{call_id}/actions/{action}", json=body)


@pytest.mark.parametrize(
    ("action", "changes", "accepted"),
    ROWS,
    ids=[f"{action}-{'ok' if ok else 'no'}-{index}" for index, (action, _, ok) in enumerate(ROWS)],
)
def test_the_form_and_the_simulator_agree(
    sim: SimulatorServer,
    api: httpx.Client,
    live_call: str,
    action: str,
    changes: dict[str, Any],
    accepted: bool,
) -> None:
    form = FORMS[action](form_input(action, changes))
    assert form.is_valid() is accepted, form.errors
    if accepted:
        assert form.to_params() == raw_body(action, changes)
    response = send(sim, api, live_call, action, raw_body(action, changes))
    assert response.status_code == (200 if accepted else 422), response.text
