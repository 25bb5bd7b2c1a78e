from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone


def server_time_ms():
    return int(timezone.now().timestamp() * 1000)


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answers ``{"type": "ping"}`` with the server's clock, proving the whole stack.

    Clients use the reply to measure their offset from the server's clock, which is
    the clock every countdown in pufa follows.
    """

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.send_json({"type": "error", "code": "unknown_type"})
            return
        reply = {"type": "pong", "server_time": server_time_ms()}
        if isinstance(content.get("id"), (int, str)):
            reply["id"] = content["id"]
        await self.send_json(reply)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_json({"type": "error", "code": "text_only"})
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_json({"type": "error", "code": "bad_json"})
            return
        await self.receive_json(content)
