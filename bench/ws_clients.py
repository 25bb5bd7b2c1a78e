"""Many WebSocket clients in one process, and the time a broadcast takes to reach all.

Used by the broadcast benchmarks: connect N sockets (bounded concurrency), wait for
each one's "ready" (or the first frame a real server sends), then for each round
trigger a broadcast and record when the last socket has it.
"""

import asyncio
import gc
import statistics
import time

from tests.support.exam_client import open_socket


def steady_collector():
    """Keep the load client's garbage collector from stopping its event loop.

    Call once the sockets are open. Thousands of clients hold millions of objects
    (every frame received, each exam client's paper), and at the default
    thresholds full collections walked them all: in one 2,000-candidate run the
    client's loop stood still 208 times for > 5 ms, 10 s in all, up to 656 ms at
    once, and the benchmark counted each stall as the server's latency (its
    slowest ack was 656.7 ms). As the workers do (``pufa.lifespan``): what exists
    now is frozen out of the collector's sight and young objects are collected
    every 50,000 allocations. Every figure of a run, the bare server's included,
    is measured with the same client.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


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
            ready = asyncio.get_running_loop().create_future()

            def on_text(message, arrived_at):
                if not ready.done():
                    ready.set_result(message)
                else:
                    self._received(index, message, arrived_at)

            socket = await open_socket(
                self.url,
                on_text,
                origin=self.origin,
                max_size=65536,
                open_timeout=60,
                additional_headers=self.headers(index) if self.headers else None,
            )
            assert self.ready(await asyncio.wait_for(ready, 60))
            return socket

    async def connect(self):
        self.sockets = await asyncio.gather(
            *(self._open(index) for index in range(self.size))
        )
        self.watchers = [
            asyncio.create_task(self._watch(socket)) for socket in self.sockets
        ]
        steady_collector()

    def _received(self, index, message, arrived_at):
        key = index if self.matcher else (index, message)
        waiter = self.waiters.get(key)
        if waiter and not waiter.done():
            if self.matcher and not self.matcher(message):
                return
            waiter.set_result(arrived_at)

    async def _watch(self, socket):
        await socket.wait_closed()
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
        for watcher in self.watchers:
            watcher.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


def summary(samples):
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p99": p99, "max": ordered[-1]}
