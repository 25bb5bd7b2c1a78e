"""An ASGI app for bench_broadcast.py only: rooms that receive broadcasts two ways.

/ws/fanout/<group>/ joins pufa's per-worker fan-out; /ws/stock/<group>/ joins a
Channels group the stock way (one layer message per socket).
"""

from pufa import use_environment_settings

use_environment_settings()

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from pufa.fanout import FanoutConsumerMixin  # noqa: E402
from pufa.frames import FrameWriterMiddleware  # noqa: E402


class FanoutRoom(FanoutConsumerMixin, AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.fanout_join(self.scope["url_route"]["kwargs"]["group"])
        await self.send(text_data="ready")


class StockRoom(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = self.scope["url_route"]["kwargs"]["group"]
        await self.accept()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send(text_data="ready")

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def bench_notice(self, event):
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {
        "websocket": FrameWriterMiddleware(
            URLRouter(
                [
                    path("ws/fanout/<str:group>/", FanoutRoom.as_asgi()),
                    path("ws/stock/<str:group>/", StockRoom.as_asgi()),
                ]
            )
        )
    }
)
