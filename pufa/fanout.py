"""Broadcasting one message to many sockets: one channel-layer message per worker.

Stock Channels sends one layer message per socket (``group_send`` to a group of N
channels): for 2,000 exam candidates that is 2,000 Redis writes and reads, serialised
in each worker (measured 4-5x slower than a bare ``websockets`` broadcast). Here each
worker process subscribes once per group with a channel of its own, the payload is
serialised once, and the worker writes it to its own sockets directly.

Membership is per event loop (one per uvicorn worker), lives only in memory and dies
with the worker, whose sockets die with it: nothing here must survive a restart.
"""

import asyncio
import functools
import json
import logging
import weakref
from collections import defaultdict

from channels.layers import get_channel_layer

from pufa.frames import FRAME_WRITER, BroadcastFrame

logger = logging.getLogger(__name__)

_LAYER_GROUP_PREFIX = "fanout."
# A delivery yields to the event loop after this many sends through ASGI, or
# after this long writing frames directly, whichever comes first.
DELIVERY_SLICE = 100
DELIVERY_TURN_SECONDS = 0.005


def _layer_group(group):
    return f"{_LAYER_GROUP_PREFIX}{group}"


class WorkerFanout:
    """The sockets of one worker, by group, and the one subscription that feeds them."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.members = defaultdict(set)
        self.channel = None
        self.listener = None
        self._subscribe_lock = asyncio.Lock()

    async def join(self, group, consumer):
        """Deliver the group's broadcasts to ``consumer`` (which has ``send_raw``)."""
        async with self._subscribe_lock:
            await self._ensure_listener()
            if not self.members[group]:
                await self.layer.group_add(_layer_group(group), self.channel)
            self.members[group].add(consumer)

    async def leave(self, group, consumer):
        async with self._subscribe_lock:
            members = self.members.get(group)
            if not members:
                return
            members.discard(consumer)
            if not members:
                del self.members[group]
                if self.channel:
                    await self.layer.group_discard(_layer_group(group), self.channel)

    async def _ensure_listener(self):
        if self.listener is None or self.listener.done():
            self.channel = await self.layer.new_channel()
            # Groups joined before a listener restart must follow the new channel.
            for group in self.members:
                await self.layer.group_add(_layer_group(group), self.channel)
            self.listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a layer hiccup must not end delivery for good
                logger.exception("fan-out listener: receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            group = message.get("group")
            for text in message.get("texts") or [message.get("text", "")]:
                await self.deliver(group, text)

    async def deliver(self, group, text):
        """Write ``text`` to every local socket of ``group``; drop sockets that fail.

        The frame is built once (``pufa.frames``) and written to each socket that
        takes it as it is, in a plain loop, as a bare ``websockets`` server's
        ``broadcast()`` does. The others (a socket whose own answer the broadcast
        asks for, a server without a frame writer, a connection that is closing
        or full) go through ``send_raw`` / ASGI, gathered.
        """
        consumers = list(self.members.get(group, ()))
        frame = BroadcastFrame(text)
        loop = asyncio.get_running_loop()
        turn_ends = loop.time() + DELIVERY_TURN_SECONDS
        slow, sending = [], []
        for consumer in consumers:
            try:
                if not consumer.on_broadcast(text):
                    sending.append(consumer.send_raw(text))
                    slow.append(consumer)
                elif consumer.write_frame is None or not consumer.write_frame(frame):
                    sending.append(consumer.send(text_data=text))
                    slow.append(consumer)
            except Exception:  # one broken socket must not stop the others
                logger.exception("fan-out: a socket of %s failed", group)
                self.members[group].discard(consumer)
            # Now and then a turn of the event loop: the frames that arrived
            # meanwhile (a candidate's answer waiting for its ack) are read
            # between parts instead of after all 1,000 sockets of a worker.
            if len(sending) >= DELIVERY_SLICE or loop.time() > turn_ends:
                await self._finish(group, slow, sending)
                slow, sending = [], []
                turn_ends = loop.time() + DELIVERY_TURN_SECONDS
        await self._finish(group, slow, sending)
        return len(consumers)

    async def _finish(self, group, slow, sending):
        """Await the sends of one part of a delivery (or just yield a turn)."""
        if not sending:
            await asyncio.sleep(0)
            return
        results = await asyncio.gather(*sending, return_exceptions=True)
        for consumer, result in zip(slow, results, strict=True):
            if isinstance(result, Exception):
                self.members[group].discard(consumer)


@functools.lru_cache(maxsize=16)
def parsed(text):
    """A broadcast parsed once per worker, however many sockets receive it (the
    fan-out hands every socket the same string object, whose hash is cached).
    The dict is shared: read it, never change it."""
    return json.loads(text)


def per_event_loop(factory):
    """``get()`` returning one ``factory()`` per running event loop: per worker
    process (and per test, each with a loop of its own). Dies with its loop."""
    instances = weakref.WeakKeyDictionary()

    def get():
        loop = asyncio.get_running_loop()
        instance = instances.get(loop)
        if instance is None:
            instance = instances[loop] = factory()
        return instance

    return get


# The fan-out of the running event loop (one per worker process).
worker_fanout = per_event_loop(WorkerFanout)


async def broadcast(group, payload, layer=None):
    """Send ``payload`` (a JSON-able dict, serialised once) to every socket in
    ``group`` on every worker (of the project's layer, or of ``layer``: a test or a
    benchmark speaking to a server's Redis from outside)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    await (layer or get_channel_layer()).group_send(
        _layer_group(group), {"type": "fanout.deliver", "group": group, "text": text}
    )


async def broadcast_many(group, payloads, layer=None):
    """Send ``payloads`` (in order) to every socket in ``group`` with one layer
    message: for frequent small updates gathered by a worker (a board's rows)."""
    texts = [
        json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for payload in payloads
    ]
    if texts:
        await (layer or get_channel_layer()).group_send(
            _layer_group(group),
            {"type": "fanout.deliver", "group": group, "texts": texts},
        )


class FanoutConsumerMixin:
    """For AsyncWebsocketConsumer subclasses: join broadcast groups, leave on close."""

    # Broadcasts reach these sockets through their worker's fan-out, so a socket
    # needs no channel of its own: with an alias that names no layer, Channels
    # creates none and keeps no receive task on the layer for each socket
    # (1,000 of each per worker, each with channels-redis' receive machinery).
    channel_layer_alias = "pufa.no-channel-per-socket"

    async def fanout_join(self, group):
        if not hasattr(self, "_fanout_groups"):
            self._fanout_groups = set()
        self._fanout_groups.add(group)
        await worker_fanout().join(group, self)

    @property
    def write_frame(self):
        """The connection's frame writer (``pufa.frames``), or None."""
        return self.scope.get(FRAME_WRITER)

    def on_broadcast(self, text):
        """Called by the fan-out with each broadcast for this socket: True to have
        ``text`` written as it is (with the group's other sockets, in one pass);
        False to have ``send_raw`` handle it. Runs once per socket: keep it cheap."""
        return True

    async def send_raw(self, text):
        """A broadcast ``on_broadcast`` kept for this socket to handle."""
        await self.send(text_data=text)

    async def websocket_disconnect(self, message):
        for group in getattr(self, "_fanout_groups", ()):
            await worker_fanout().leave(group, self)
        await super().websocket_disconnect(message)
