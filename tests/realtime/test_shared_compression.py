"""A frame going to many pages is compressed once: every socket sends the same bytes, and each page
decompresses them to the frame's text."""

import zlib

from websockets.frames import Frame, Opcode

from dashboard.realtime.wire import SharedDeflateFactory

# What browsers offer: permessage-deflate, letting the server choose its window.
BROWSER_OFFER = [("client_max_window_bits", None)]


def negotiated():
    factory = SharedDeflateFactory(
        server_no_context_takeover=True, server_max_window_bits=12, client_max_window_bits=12
    )
    response, extension = factory.process_request_params(BROWSER_OFFER, [])
    return dict(response), extension


def inflated(data: bytes) -> bytes:
    return zlib.decompressobj(wbits=-12).decompress(bytes(data) + b"\x00\x00\xff\xff")


def test_the_server_tells_pages_it_compresses_each_message_alone():
    response, _ = negotiated()
    assert "server_no_context_takeover" in response


def test_two_pages_get_the_same_compressed_bytes_of_one_frame():
    text = ('{"type": "batch", "items": [' + ", ".join(['{"html": "<tr><td>+14155550100</td></tr>"}'] * 200) + "]}").encode()
    first, second = negotiated()[1], negotiated()[1]
    to_first = first.encode(Frame(Opcode.TEXT, text))
    to_second = second.encode(Frame(Opcode.TEXT, text))
    assert to_second.data is to_first.data  # compressed once
    assert to_first.rsv1 and len(to_first.data) < len(text) / 10
    assert inflated(to_first.data) == inflated(to_second.data) == text


def test_each_message_stands_alone_whatever_the_socket_sent_before():
    text = b'{"html": "' + b"<tr>row</tr>" * 300 + b'"}'
    fresh, used = negotiated()[1], negotiated()[1]
    used.encode(Frame(Opcode.TEXT, b'{"html": "' + b"<tr>other</tr>" * 300 + b'"}'))
    assert inflated(used.encode(Frame(Opcode.TEXT, text)).data) == text
    assert inflated(fresh.encode(Frame(Opcode.TEXT, text)).data) == text
