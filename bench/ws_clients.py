"""Many WebSocket clients in one process, and the time a broadcast takes to reach all.

Used by the broadcast benchmarks: connect N sockets (bounded concurrency), wait for
each one's "ready" (or the first frame a real server sends), then for each round
trigger a broadcast and record when the last socket has it.
"""

import asyncio
import statistics
import time

import websockets


class Crowd:
    """``headers(index)``: extra handshake headers of socket ``index`` (a cookie);
    ``ready(message)``: whether the first message says the socket is ready (by
    default it must be the text "ready", as the bare server sends)."""

    def __init__(
        self, url, size, origin=None, connect_concurrency=100, headers=None, ready=None
    ):
        self.url = url
        self.size = size
        self.origin = origin
        self.headers = headers
        self.ready = ready or (lambda message: message == "ready")
        self.limit = asyncio.Semaphore(connect_concurrency)
        self.sockets = []
        self.waiters = {}
        self.matcher = None
        self.dropped = 0

    async def _open(self, index):
        async with self.limit:
            socket = await websockets.connect(
                self.url,
                origin=self.origin,
                max_size=65536,
                open_timeout=60,
                additional_headers=self.headers(index) if self.headers else None,
            )
            assert self.ready(await asyncio.wait_for(socket.recv(), 60))
            return socket

    async def connect(self):
        self.sockets = await asyncio.gather(
            *(self._open(index) for index in range(self.size))
        )
        self.readers = [
            asyncio.create_task(self._read(index, socket))
            for index, socket in enumerate(self.sockets)
        ]

    async def _read(self, index, socket):
        try:
            async for message in socket:
                key = index if self.matcher else (index, message)
                waiter = self.waiters.get(key)
                if waiter and not waiter.done():
                    if self.matcher and not self.matcher(message):
                        continue
                    waiter.set_result(time.perf_counter())
        except websockets.ConnectionClosed:
            self.dropped += 1

    async def time_to_all_matching(self, matcher, trigger, timeout=60):
        """Seconds from calling ``trigger()`` until every socket received a message
        for which ``matcher(message)`` is true (messages whose text differs per
        socket or is not known in advance)."""
        loop = asyncio.get_running_loop()
        self.waiters = {i: loop.create_future() for i in range(self.size)}
        self.matcher = matcher
        try:
            start = time.perf_counter()
            await trigger()
            arrivals = await asyncio.wait_for(
                asyncio.gather(*self.waiters.values()), timeout
            )
        finally:
            self.matcher = None
        return max(arrivals) - start

    async def time_to_all(self, text, trigger):
        """Seconds from calling ``trigger()`` until every socket received ``text``."""
        loop = asyncio.get_running_loop()
        self.waiters = {(i, text): loop.create_future() for i in range(self.size)}
        start = time.perf_counter()
        await trigger()
        arrivals = await asyncio.wait_for(asyncio.gather(*self.waiters.values()), 60)
        return max(arrivals) - start

    async def close(self):
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


def summary(samples):
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p99": p99, "max": ordered[-1]}
