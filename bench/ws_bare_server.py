"""The baseline: a bare `websockets` server broadcasting to all its clients.

A client that sends "go <text>" makes the server broadcast <text> to every other one.
``python ws_bare_server.py PORT [plain]``: with "plain", the server does not agree
to permessage-deflate (as pufa's does not); by default it does (websockets').
"""

import asyncio
import sys

import websockets

clients = set()


async def handler(socket):
    clients.add(socket)
    try:
        await socket.send("ready")
        async for message in socket:
            if message.startswith("go "):
                websockets.broadcast(clients - {socket}, message[3:])
    finally:
        clients.discard(socket)


async def main(port, compression):
    async with websockets.serve(
        handler, "127.0.0.1", port, max_size=65536, compression=compression
    ):
        await asyncio.Future()


if __name__ == "__main__":
    plain = sys.argv[2:] == ["plain"]
    asyncio.run(main(int(sys.argv[1]), None if plain else "deflate"))
