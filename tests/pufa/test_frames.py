"""Broadcast frames written straight to uvicorn's connection arrive as the client's
messages, and the writer steps aside whenever the connection is not plainly open."""

import asyncio
import contextlib

import pytest
import uvicorn
import websockets

from pufa.frames import (
    FRAME_WRITER,
    BroadcastFrame,
    FrameWriterMiddleware,
    SansIOFrameWriter,
    frame_writer_for,
)
from tests.support.servers import free_port


class Recorder:
    """An ASGI WebSocket app that accepts and keeps what the middleware gave it."""

    def __init__(self):
        self.scope = None
        self.accepted = asyncio.Event()
        self.disconnected = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.scope = scope
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        self.accepted.set()
        while (await receive())["type"] != "websocket.disconnect":
            pass
        self.disconnected.set()


@contextlib.asynccontextmanager
async def uvicorn_serving(app, deflate=True):
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            FrameWriterMiddleware(app),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            ws_per_message_deflate=deflate,
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("compression", ["deflate", None])
async def test_a_frame_written_below_asgi_arrives_as_the_same_message(compression):
    app = Recorder()
    # Browsers offer permessage-deflate: if the server agrees, the writer must
    # go through the connection's own compression; if not, every connection
    # gets the one frame built for all.
    async with (
        uvicorn_serving(app, deflate=compression is not None) as url,
        websockets.connect(url, compression=compression) as client,
    ):
        await asyncio.wait_for(app.accepted.wait(), 5)
        writer = app.scope[FRAME_WRITER]
        assert isinstance(writer, SansIOFrameWriter)
        assert bool(writer.protocol.conn.extensions) == (compression is not None)

        for text in ('{"type":"notice","text":"还有十分钟"}', "第二条"):
            frame = BroadcastFrame(text)
            assert writer(frame) is True
            assert await asyncio.wait_for(client.recv(), 5) == text
        # A message of its own between two broadcasts keeps its place.
        await writer.protocol.send({"type": "websocket.send", "text": "ack"})
        assert writer(BroadcastFrame("第三条")) is True
        assert [await client.recv() for _ in "12"] == ["ack", "第三条"]


async def test_the_writer_declines_a_full_or_closed_connection():
    app = Recorder()
    async with uvicorn_serving(app) as url:
        client = await websockets.connect(url)
        await asyncio.wait_for(app.accepted.wait(), 5)
        writer = app.scope[FRAME_WRITER]

        writer.protocol.pause_writing()  # the client reads too slowly
        assert writer(BroadcastFrame("queued behind the others")) is False
        writer.protocol.resume_writing()
        assert writer(BroadcastFrame("open again")) is True
        assert await asyncio.wait_for(client.recv(), 5) == "open again"

        await client.close()
        await asyncio.wait_for(app.disconnected.wait(), 5)
        assert writer(BroadcastFrame("too late")) is False


@pytest.mark.parametrize("send", [None, print, Recorder().__call__])
def test_no_writer_for_anything_but_uvicorns_connection(send):
    assert frame_writer_for(send) is None
