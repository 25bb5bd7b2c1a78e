"""The baseline: a bare `websockets` server broadcasting to all its clients.

A client that sends "go <text>" makes the server broadcast <text> to every other one.
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


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, max_size=65536):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
