"""A candidate's client of the exam protocol (docs/protocol.md), for tests and
benchmarks that run a real server: log in with a ticket code over HTTP, open the
socket with the session cookie, start, answer with sequence numbers, wait for acks.
"""

import asyncio
import functools
import itertools
import json
import re
import time
import uuid
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode


def ticket_session(base_url, code):
    """Log in with a ticket code as the login page does; the session cookie header."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/exam/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "code": code}).encode()
    request = Request(
        f"{base_url}/exam/", data=body, headers={"Referer": f"{base_url}/exam/"}
    )
    opener.open(request, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise AssertionError(f"ticket login failed for {code}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class TextCallbackConnection(ClientConnection):
    """A client connection that hands each text message to ``on_text(text,
    arrived_at)`` as soon as its bytes are read, instead of queueing it for a
    coroutine's ``recv()``.

    For clients holding thousands of sockets in one process (benchmarks, the
    reliability tests): a notice to 2,000 sockets otherwise wakes 2,000 reader
    coroutines, the process's event loop lagged 70-180 ms per notice, and
    anything that arrived meanwhile (an ack) was read, and timed, late: the
    client's own queue counted as the server's latency. ``arrived_at`` is the
    ``perf_counter()`` of the read that brought the message in (never earlier
    than its arrival; messages read together share it).

    Text only, unfragmented (as uvicorn and ``websockets`` servers send them);
    anything else goes to ``recv()`` as usual.
    """

    def __init__(self, *args, on_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_text = on_text
        self._read_at = 0.0

    def data_received(self, data):
        self._read_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event):
        if isinstance(event, Frame) and event.opcode is Opcode.TEXT and event.fin:
            self.on_text(event.data.decode(), self._read_at)
        else:
            super().process_event(event)


async def open_socket(url, on_text, **kwargs):
    """``websockets.connect(url, **kwargs)`` with text messages going to
    ``on_text`` (``TextCallbackConnection``)."""
    return await websockets.connect(
        url,
        create_connection=functools.partial(TextCallbackConnection, on_text=on_text),
        **kwargs,
    )


class ExamClient:
    def __init__(self, base_url, cookie, device=None):
        self.base_url = base_url
        self.ws_url = base_url.replace("http://", "ws://")
        self.cookie = cookie
        self.device = device or uuid.uuid4().hex
        self.seq = itertools.count(1)
        self.socket = None
        self.state = None
        self.frames = []  # every frame received, for inspection
        self.received_at = []  # perf_counter() when each of them reached us
        self.pending = {}  # seq -> future of its ack
        self.reader = None
        self.closed = asyncio.Event()
        self.drops = 0  # times the server side closed or lost the socket
        self.waiters = []  # (frame type, future) woken by the reader, not polled

    @classmethod
    async def logged_in(cls, base_url, code, device=None):
        cookie = await asyncio.to_thread(ticket_session, base_url, code)
        return cls(base_url, cookie, device)

    async def connect(self, timeout=30):
        self.closed.clear()
        first = self.expect(None, since=len(self.frames))
        self.socket = await open_socket(
            f"{self.ws_url}/ws/exam/?device={self.device}",
            self._on_text,
            additional_headers={"Cookie": self.cookie},
            origin=self.base_url,
            open_timeout=timeout,
            max_size=2**20,
        )
        self.reader = asyncio.create_task(self._watch(self.socket))
        try:
            return await asyncio.wait_for(first, timeout)
        finally:
            first.cancel()

    def _on_text(self, text, received_at):
        frame = json.loads(text)
        self.frames.append(frame)
        self.received_at.append(received_at)
        kind = frame.get("type")
        if kind == "state":
            self.state = frame
        if kind in {"ack", "error"} and "seq" in frame:
            waiter = self.pending.pop(frame["seq"], None)
            if waiter and not waiter.done():
                waiter.set_result((frame, received_at))
        if self.waiters:
            for waiting in [w for w in self.waiters if w[0] in (kind, None)]:
                self.waiters.remove(waiting)
                if not waiting[1].done():
                    waiting[1].set_result(frame)

    async def _watch(self, socket):
        """Until the socket closes (its frames arrive through ``_on_text``)."""
        try:
            await socket.wait_closed()
        finally:
            self.drops += 1
            self.closed.set()
            for waiter in self.pending.values():
                if not waiter.done():
                    waiter.set_exception(ConnectionError("socket closed"))
            self.pending.clear()

    async def send(self, frame):
        await self.socket.send(json.dumps(frame))

    async def start(self, timeout=30):
        """Start (or resume) the attempt; returns the state frame."""
        if self.state is not None:
            return self.state
        since = len(self.frames)
        await self.send({"type": "start"})
        frame = await self.wait_for(("state", "error"), timeout, since)
        if frame["type"] == "error":
            raise AssertionError(frame)
        return frame

    async def answer(self, position, choice, seq=None, timeout=30):
        """Send one answer; the ack (or error) frame, and the seconds until it
        was read (not until this coroutine ran again: a busy client's own delay)."""
        seq = seq or next(self.seq)
        waiter = asyncio.get_running_loop().create_future()
        self.pending[seq] = waiter
        started = time.perf_counter()
        await self.send(
            {"type": "answer", "position": position, "choice": choice, "seq": seq}
        )
        frame, received_at = await asyncio.wait_for(waiter, timeout)
        return frame, received_at - started

    def expect(self, frame_types, since=0):
        """A future of the first frame of one of ``frame_types`` (None: of any
        type) received at or after index ``since`` of ``frames``: no task of its
        own, so that 2,000 clients waiting cost the benchmark's process (the
        load) next to nothing."""
        if frame_types is None or isinstance(frame_types, str):
            frame_types = (frame_types,)
        future = asyncio.get_running_loop().create_future()
        for frame in self.frames[since:]:
            if None in frame_types or frame.get("type") in frame_types:
                future.set_result(frame)
                return future
        entries = [(frame_type, future) for frame_type in frame_types]
        self.waiters.extend(entries)

        def forget(_):
            for entry in entries:
                if entry in self.waiters:
                    self.waiters.remove(entry)

        future.add_done_callback(forget)
        return future

    async def wait_for(self, frame_types, timeout=30, since=0):
        """The first frame of one of ``frame_types`` received at or after index
        ``since`` of ``frames`` (waiting for it if need be)."""
        future = self.expect(frame_types, since)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            future.cancel()

    async def close(self):
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
