"""Writing a broadcast frame straight to the connection, below the ASGI send chain.

A broadcast to 1,000 sockets of a worker through ASGI costs, per socket, the
consumer's ``send`` → Channels' ``send`` → the session middleware's ``send`` →
uvicorn's ``send`` (a chain of coroutines, run in a task of its own when sockets are
written together), then websockets' framing. A bare ``websockets`` server's
``broadcast()`` does only the framing and the write, in one loop. This module gives
the fan-out that loop: ``FrameWriterMiddleware`` (outermost in the WebSocket stack)
puts a writer for the socket's connection into the scope, and the fan-out calls it
with the text already encoded once for everyone.

Only uvicorn's ``websockets-sansio`` protocol (what ``--ws auto`` picks when
websockets is installed, as here) is written to directly; under any other server or
protocol the scope holds no writer and frames take the ASGI path as before. The
writer also declines — and the caller takes the
ASGI path, whose waiting and errors are uvicorn's own — whenever the connection is
not plainly open: not accepted yet, closing, closed, or its write buffer full.
"""

import logging

logger = logging.getLogger(__name__)

FRAME_WRITER = "pufa.frame_writer"

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import (
        WebSocketsSansIOProtocol,
    )
    from websockets.exceptions import InvalidState
    from websockets.frames import Frame, Opcode
    from websockets.protocol import State
except ImportError:  # another ASGI server: the ASGI path only
    WebSocketsSansIOProtocol = None


class BroadcastFrame:
    """One broadcast text, encoded once, and its server frame built once: every
    connection that did not agree to compression gets these same bytes."""

    __slots__ = ("_wire", "data")

    def __init__(self, text):
        self.data = text.encode()
        self._wire = None

    @property
    def wire(self):
        if self._wire is None:
            self._wire = Frame(Opcode.TEXT, self.data).serialize(mask=False)
        return self._wire


class SansIOFrameWriter:
    """Writes broadcast frames to one connection of uvicorn's sans-I/O protocol."""

    __slots__ = ("protocol",)

    def __init__(self, protocol):
        self.protocol = protocol

    def __call__(self, frame):
        """Write ``frame`` (a ``BroadcastFrame``); False when the connection is
        not plainly open and the ASGI path must decide."""
        protocol = self.protocol
        if (
            not protocol.handshake_complete
            or protocol.close_sent
            or protocol.disconnected
            or protocol.initial_response is not None
            or not protocol.writable.is_set()
        ):
            return False
        connection = protocol.conn
        if connection.state is not State.OPEN or connection.expect_continuation_frame:
            return False
        if connection.extensions or connection.writes:
            # Compressed (each connection its own deflate context), or behind
            # bytes not yet written: through the connection's own framing.
            try:
                connection.send_text(frame.data)
            except InvalidState:
                return False
            protocol.transport.write(b"".join(connection.data_to_send()))
        else:
            protocol.transport.write(frame.wire)
        return True


def frame_writer_for(send):
    """A writer for the connection behind the server's ``send``, or None."""
    protocol = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is not None and isinstance(
        protocol, WebSocketsSansIOProtocol
    ):
        return SansIOFrameWriter(protocol)
    return None


class FrameWriterMiddleware:
    """Outermost in the WebSocket stack, where ``send`` is still the server's."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        writer = frame_writer_for(send)
        if writer is not None:
            scope = {**scope, FRAME_WRITER: writer}
        return await self.app(scope, receive, send)
