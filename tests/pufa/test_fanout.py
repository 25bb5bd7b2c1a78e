"""Broadcasts reach every socket of a group once, through one message per worker."""

import asyncio
import json

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from pufa.fanout import (
    FanoutConsumerMixin,
    broadcast,
    broadcast_many,
    worker_fanout,
)

# Channels closes stale database connections around every consumer message, which
# touches the connection an earlier test left in the shared sync thread.
pytestmark = [pytest.mark.usefixtures("fresh_in_memory_layer"), pytest.mark.django_db]


class RoomConsumer(FanoutConsumerMixin, AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.fanout_join(self.scope["url_route"]["kwargs"]["room"])
        await self.send(text_data=json.dumps({"type": "joined"}))


application = URLRouter([path("room/<str:room>/", RoomConsumer.as_asgi())])


async def connect(room):
    socket = WebsocketCommunicator(application, f"/room/{room}/")
    connected, _ = await socket.connect()
    assert connected
    assert json.loads(await socket.receive_from()) == {"type": "joined"}
    return socket


async def test_a_broadcast_reaches_every_socket_of_the_group_once():
    sockets = [await connect("sitting-1") for _ in range(5)]
    outsider = await connect("sitting-2")
    try:
        await broadcast("sitting-1", {"type": "exam.notice", "text": "还有十分钟"})

        received = [json.loads(await s.receive_from(timeout=2)) for s in sockets]
        assert received == [{"type": "exam.notice", "text": "还有十分钟"}] * 5
        for socket in [*sockets, outsider]:
            assert await socket.receive_nothing(timeout=0.2)
    finally:
        for socket in [*sockets, outsider]:
            await socket.disconnect()


async def test_many_payloads_in_one_layer_message_arrive_in_order():
    sockets = [await connect("board-1") for _ in range(3)]
    try:
        await broadcast_many("board-1", [{"n": 1}, {"n": 2}, {"n": 3}])

        for socket in sockets:
            received = [json.loads(await socket.receive_from(timeout=2)) for _ in "123"]
            assert received == [{"n": 1}, {"n": 2}, {"n": 3}]
            assert await socket.receive_nothing(timeout=0.2)
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_the_worker_subscribes_once_per_group_whatever_the_number_of_sockets():
    sent = []
    layer = get_channel_layer()
    original = layer.group_send

    async def counting_group_send(group, message):
        sent.append(group)
        await original(group, message)

    sockets = [await connect("sitting-3") for _ in range(20)]
    layer.group_send = counting_group_send
    try:
        await broadcast("sitting-3", {"type": "exam.notice"})
        for socket in sockets:
            await socket.receive_from(timeout=2)
        fanout = worker_fanout()
        assert len(fanout.members["sitting-3"]) == 20
        assert sent == ["fanout.sitting-3"]
        assert len(layer.groups["fanout.sitting-3"]) == 1
    finally:
        layer.group_send = original
        for socket in sockets:
            await socket.disconnect()


async def test_a_closed_socket_leaves_and_the_last_one_unsubscribes_the_worker():
    first, second = await connect("sitting-4"), await connect("sitting-4")

    await first.disconnect()
    await broadcast("sitting-4", {"type": "exam.notice"})
    message = await second.receive_from(timeout=2)
    await second.disconnect()
    await asyncio.sleep(0)

    assert json.loads(message) == {"type": "exam.notice"}
    assert "sitting-4" not in worker_fanout().members
    assert not get_channel_layer().groups.get("fanout.sitting-4")


async def test_a_socket_whose_send_fails_is_dropped_and_the_others_still_get_it():
    sockets = [await connect("sitting-5") for _ in range(3)]

    class Broken:
        async def send_raw(self, text):
            raise ConnectionResetError

    broken = Broken()
    await worker_fanout().join("sitting-5", broken)
    try:
        delivered = await worker_fanout().deliver("sitting-5", '{"type":"x"}')
        received = [await s.receive_from(timeout=2) for s in sockets]
    finally:
        for socket in sockets:
            await socket.disconnect()

    assert delivered == 4
    assert received == ['{"type":"x"}'] * 3
    assert broken not in worker_fanout().members.get("sitting-5", set())
