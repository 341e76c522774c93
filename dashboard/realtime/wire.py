"""The websocket protocol the server runs (`uvicorn --ws WEBSOCKET_PROTOCOL`): uvicorn's own, with the
compression of a frame shared by every socket it goes to.

permessage-deflate keeps a compressor per socket, so a frame sent to 500 pages was compressed 500
times: half the event loop's time during a burst of new calls. Here the server compresses each
message on its own (it negotiates server_no_context_takeover, RFC 7692 §7.1.1.1, which every browser
accepts), so the same text always gives the same bytes, and the last large messages' compressed
forms are kept for the next sockets: the hub (`hub.py`) sends one text to a group's every socket.
A message still costs its compression once per process, and pages still get compressed frames.

No Django here: uvicorn imports this module before the application.
"""

import logging
from collections import OrderedDict
from collections.abc import Sequence

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import CONT, CTRL_OPCODES, Frame
from websockets.server import ServerProtocol
from websockets.typing import ExtensionParameter

WEBSOCKET_PROTOCOL = "dashboard.realtime.wire:SharedDeflateProtocol"

# Smaller messages (a pong, one frame to one user) are compressed per socket as usual.
SHARE_FROM_BYTES = 1024
# Compressed forms kept: the frames of a few bursts, each going to every open page in turn.
KEPT = 32

_compressed: OrderedDict[tuple[int, bytes], bytes] = OrderedDict()


class SharedDeflate(PerMessageDeflate):
    """permessage-deflate without the server's context takeover, reusing compressed messages."""

    def encode(self, frame: Frame) -> Frame:
        if (
            frame.opcode in CTRL_OPCODES
            or frame.opcode is CONT
            or not frame.fin
            or not self.local_no_context_takeover
            or len(frame.data) < SHARE_FROM_BYTES
        ):
            return super().encode(frame)
        # Each socket's event loop runs here alone: the cache needs no lock.
        key = (self.local_max_window_bits, bytes(frame.data))
        data = _compressed.get(key)
        if data is None:
            data = bytes(super().encode(frame).data)
            _compressed[key] = data
            while len(_compressed) > KEPT:
                _compressed.popitem(last=False)
        else:
            _compressed.move_to_end(key)
        return Frame(frame.opcode, data, frame.fin, True, frame.rsv2, frame.rsv3)


class SharedDeflateFactory(ServerPerMessageDeflateFactory):
    def process_request_params(
        self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, negotiated = super().process_request_params(params, accepted_extensions)
        shared = SharedDeflate(
            negotiated.remote_no_context_takeover,
            negotiated.local_no_context_takeover,
            negotiated.remote_max_window_bits,
            negotiated.local_max_window_bits,
            negotiated.compress_settings,
        )
        return response, shared


class SharedDeflateProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.config.ws_per_message_deflate:
            # uvicorn's own settings, plus server_no_context_takeover.
            self.conn = ServerProtocol(
                extensions=[
                    SharedDeflateFactory(
                        server_no_context_takeover=True,
                        server_max_window_bits=12,
                        client_max_window_bits=12,
                        compress_settings={"memLevel": 5},
                    )
                ],
                max_size=self.config.ws_max_size,
                logger=logging.getLogger("uvicorn.error"),
            )
