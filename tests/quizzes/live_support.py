"""Helpers for the live exam's socket and HTTP tests: logged-in sessions, sockets
through the full ASGI stack (Origin check, session), and the secrets check."""

import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from pufa.asgi import application
from quizzes.exam_session import log_in
from quizzes.services.tickets import issue_ticket

ORIGIN = "http://127.0.0.1:8000"
# Never in a frame while the paper is open.
SECRET_KEYS = {"key", "keys", "explanation", "correct", "articles", "option_order"}


def candidate_session(candidate):
    """A session key logged in with a fresh ticket of ``candidate``."""
    ticket, _code = issue_ticket(candidate=candidate)
    session = SessionStore()
    log_in(session, ticket)
    session.save()
    return session.session_key


def user_session(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(path, session_key=None, *, origin=ORIGIN):
    headers = [(b"host", b"127.0.0.1:8000")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if session_key:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def exam_socket(session_key, device="device-a", **kwargs):
    return socket(f"/ws/exam/?device={device}", session_key, **kwargs)


def proctor_socket(sitting_id, session_key=None, **kwargs):
    return socket(f"/ws/proctor/{sitting_id}/", session_key, **kwargs)


class Recorder:
    """A socket whose every received frame is kept (and checked by the test)."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.frames = []

    async def connect(self):
        connected, _ = await self.communicator.connect()
        assert connected
        return self

    async def send(self, frame):
        await self.communicator.send_to(
            text_data=frame if isinstance(frame, str) else json.dumps(frame)
        )

    async def receive(self, timeout=3):
        message = await self.communicator.receive_output(timeout)
        if message["type"] == "websocket.close":
            frame = {"type": "<close>", "code": message.get("code")}
        else:
            frame = json.loads(message["text"])
        self.frames.append(frame)
        return frame

    async def receive_type(self, kind, timeout=3):
        """The next frame of ``kind``, skipping others (kept in ``frames``)."""
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == kind:
                return frame

    async def request(self, frame, timeout=3):
        await self.send(frame)
        return await self.receive(timeout)

    async def close(self):
        await self.communicator.disconnect()


def secrets_in(value, path="frame"):
    """Where ``value`` holds a key, explanation or score (the paper is open)."""
    found = []
    if isinstance(value, dict):
        for name, inner in value.items():
            if name in SECRET_KEYS:
                found.append(f"{path}.{name}")
            if name in ("score", "passed", "band") and inner is not None:
                found.append(f"{path}.{name}")
            found += secrets_in(inner, f"{path}.{name}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += secrets_in(inner, f"{path}[{index}]")
    elif isinstance(value, str) and "因为条文如此规定" in value:
        found.append(f"{path} (explanation text)")
    return found
