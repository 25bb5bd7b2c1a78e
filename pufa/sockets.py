"""The JSON frame protocol every pufa socket speaks (exam, proctor, contest).

A frame is a text message holding one JSON object with a string ``type``. The
consumer lists the types it accepts in ``handlers`` ({type: method name}); anything
else gets ``{"type": "error", "code": ...}`` and never reaches a handler. A socket
that keeps sending bad frames is closed (code 4400): hostile clients cost little.

The server's clock is the only clock: every reply that matters carries
``server_time`` (ms since the epoch), from which clients compute their offset.
"""

import json
import logging

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from pufa.consumers import server_time_ms
from pufa.fanout import FanoutConsumerMixin

logger = logging.getLogger(__name__)

MAX_FRAME_CHARS = 16_384
MAX_BAD_FRAMES = 20
CLOSE_BAD_CLIENT = 4400
CLOSE_UNAUTHORISED = 4401
CLOSE_TAKEN_OVER = 4409


def dumps(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class JsonFrameConsumer(FanoutConsumerMixin, AsyncWebsocketConsumer):
    """Base consumer: parses frames, dispatches by type, answers mistakes."""

    handlers = {}  # {"answer": "on_answer", ...}
    bad_frames = 0

    async def dispatch(self, message):
        """Channels' dispatch without its hop to the worker's one sync thread
        (to close stale database connections) before every message: these
        consumers reach the database only through ``database_sync_to_async``,
        which closes them in the thread that uses them. An answer then never
        queues behind another socket's slow call for a hop it does not need."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_frame(self, payload):
        await self.send(text_data=dumps(payload))

    async def send_error(self, code, message="", **extra):
        await self.send_frame(
            {"type": "error", "code": code, "message": str(message), **extra}
        )

    async def receive(self, text_data=None, bytes_data=None):
        frame, problem = self.parse(text_data)
        if problem:
            await self.refuse(problem)
            return
        handler = getattr(self, self.handlers[frame["type"]])
        await handler(frame)

    def parse(self, text_data):
        """``(frame, None)`` or ``(None, error code)``."""
        if text_data is None:
            return None, "text_only"
        if len(text_data) > MAX_FRAME_CHARS:
            return None, "too_large"
        try:
            frame = json.loads(text_data)
        except ValueError:
            return None, "bad_json"
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return None, "bad_frame"
        if frame["type"] not in self.handlers:
            return None, "unknown_type"
        return frame, None

    async def refuse(self, code):
        self.bad_frames += 1
        if self.bad_frames > MAX_BAD_FRAMES:
            await self.close(code=CLOSE_BAD_CLIENT)
            return
        messages = {
            "text_only": _("Only text frames are accepted."),
            "too_large": _("The message is too large."),
            "bad_json": _("The message is not valid JSON."),
            "bad_frame": _("The message must be a JSON object with a type."),
            "unknown_type": _("Unknown message type."),
        }
        await self.send_error(code, messages[code])

    async def on_ping(self, frame):
        reply = {"type": "pong", "server_time": server_time_ms()}
        if isinstance(frame.get("id"), int | str):
            reply["id"] = frame["id"]
        await self.send_frame(reply)
